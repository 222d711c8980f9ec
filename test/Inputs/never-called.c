// A lazified translation unit the program links but never calls into.
int never_called(int x) { return x * 3; }
