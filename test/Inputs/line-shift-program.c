// The program test/gdb-line-shift.c edits.
#include <stdio.h>

int leaf(int x) {
  int y = x * 3;
  return y + 1;
}
int middle(int x) {
  return leaf(x) + 2;
}
int main(void) {
  printf("%d\n", middle(4));
  return 0;
}
