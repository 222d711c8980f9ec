// A program whose one lazified function is called first thing in main; the
// runtime tests damage its lazy module between the build and the run.
#include <stdio.h>

int compute(int x) { return x * 7; }

int main(void) {
  printf("compute=%d\n", compute(6));
  return 0;
}
