// Exceptions thrown, unwound through and caught in loaded code.
#include <stdexcept>
#include <string>

static int destroyed;

struct Guard {
  ~Guard() { destroyed++; }
};

struct Failure {
  int code;
};

extern "C" int catch_inside(int x) {
  try {
    if (x > 0)
      throw std::runtime_error("positive");
    return 0;
  } catch (const std::exception &error) {
    return 100 + (int)std::string(error.what()).size();
  }
}

extern "C" __attribute__((noinline)) int thrower(int x) {
  if (x > 2)
    throw Failure{x * 10};
  return x;
}

extern "C" __attribute__((noinline)) int middle(int x) {
  Guard guard;
  return thrower(x) + 1;
}

extern "C" int catcher(int x) {
  try {
    return middle(x);
  } catch (const Failure &failure) {
    return failure.code + 1000 * destroyed;
  }
}
