/* Loaded into the test process: each function exercises one kind of
 * reference from loaded code. */
#include <stdio.h>
#include <string.h>

/* Defined by the test program. */
extern int program_value;
extern int program_add(int a, int b);

const char *greeting(void) { return "hello from loaded code"; }

int counter(void) {
  static int calls;
  return ++calls;
}

/* Different operations per case: a jump table, not a lookup table. */
int classify(int op, int x) {
  switch (op) {
  case 0: return x + 1;
  case 1: return x * 3;
  case 2: return x - 7;
  case 3: return x ^ 5;
  case 4: return x << 2;
  case 5: return x / 3;
  case 6: return program_add(x, 100);
  case 7: return (int)strlen(greeting()) + x;
  default: return -1;
  }
}

int format_number(char *out, int size, int value) {
  return snprintf(out, (size_t)size, "<%d>", value);
}

long length(const char *text) { return (long)strlen(text); }

int bump_program_value(int by) {
  program_value += by;
  return program_value;
}

int call_program(int a, int b) { return program_add(a, b) * 2; }

static int twice(int x) { return 2 * x; }
static int square(int x) { return x * x; }
static int negate(int x) { return -x; }
int (*const operations[])(int) = {twice, square, negate};

int apply(int which, int x) { return operations[which](x); }

int zeroed[4096];
int data_value = 42;

long sum_zeroed(void) {
  long sum = 0;
  for (int i = 0; i < 4096; i++)
    sum += zeroed[i];
  zeroed[7] = 7;
  return sum;
}

int next_data(void) { return data_value++; }
