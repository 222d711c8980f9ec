extern int no_such_function_anywhere(void);
int calls_missing(void) { return no_such_function_anywhere() + 1; }
