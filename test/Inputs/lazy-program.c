// A small program for the runtime tests, which damage its lazy module between
// the build and the run. main is lazified too, so the program's first call
// already needs the lazy module.
#include <stdio.h>

int compute(int x) { return x * 7; }

int main(void) {
  printf("compute=%d\n", compute(6));
  return 0;
}
