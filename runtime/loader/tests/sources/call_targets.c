/* Calls to program_add, and its address: the test's resolver sends the
   calls elsewhere, first to another program function, then to this
   object's own body_of_add; the address stays program_add's. */
int program_add(int a, int b);

int body_of_add(int a, int b) { return 1000 + a + b; }

int call_add(int a, int b) { return program_add(a, b); }

int (*address_of_add(void))(int, int) { return program_add; }
