__thread int per_thread;
int read_per_thread(void) { return per_thread; }
