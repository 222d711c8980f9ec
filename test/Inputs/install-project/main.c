/* Built against an installed autojit by the tests in test/install. */
#include <stdio.h>

static int scale = 3;
int scaled(int x) { return scale * x; }
int main(void) {
  printf("scaled=%d\n", scaled(14));
  return 0;
}
