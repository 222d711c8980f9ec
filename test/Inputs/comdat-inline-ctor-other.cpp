// The second translation unit of comdat-inline-ctor.cpp: the same class,
// whose inline constructor builds another global.
struct S {
  int v;
  S(int x) : v(x * 2) {}
};

S b_global(20);
int other_value() { return b_global.v; }
