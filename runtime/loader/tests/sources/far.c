/* Without -fPIC: the program's variable is referenced directly. */
extern int program_value;
int read_far(void) { return program_value; }
