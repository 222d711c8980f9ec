// The program test/edit-source.c edits.
#include <stdio.h>

int square(int x) { return x * x; }
int offset(int x) { return x + 1; }
int combine(int x) { return square(x) + offset(x - 5); }

int main(void) {
  printf("result=%d\n", combine(5));
  return 0;
}
