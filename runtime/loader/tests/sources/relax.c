/* GOT accesses a linker relaxes, compiled with -O2 -fno-plt: the address
   of a program variable, a call and a tail call to a program function. */
extern int program_value;
int program_add(int a, int b);

int *address_of_value(void) { return &program_value; }

int twice_add(int a, int b) { return program_add(a, b) * 2; }

int tail_add(int a, int b) { return program_add(a, b); }
