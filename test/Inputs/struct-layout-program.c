// The program test/edit-struct-layout.c edits.
#include <stdio.h>

struct big {
  int a[5];
};

__attribute__((noinline)) int sum(struct big b) {
  int s = 0;
  for (unsigned i = 0; i < sizeof b.a / sizeof b.a[0]; i++)
    s += b.a[i];
  return s;
}

// Passes its argument on: only its attributes name the struct.
__attribute__((noinline)) int pass(struct big b) { return sum(b); }

int main(void) {
  struct big b;
  for (unsigned i = 0; i < sizeof b.a / sizeof b.a[0]; i++)
    b.a[i] = (int)i + 1;
  printf("sum=%d\n", pass(b));
  return 0;
}
