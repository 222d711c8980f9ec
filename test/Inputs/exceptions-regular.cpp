// Compiled without the plugin: throws into and catches from lazy code.
#include <stdexcept>
#include <string>
void regular_throw(int x) { throw std::logic_error("regular " + std::to_string(x)); }
int regular_catch(int (*f)(int), int x) {
  try {
    return f(x);
  } catch (const std::runtime_error &) {
    return -1;
  }
}
