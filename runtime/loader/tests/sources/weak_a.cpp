// Link-once code defined by both weak_a.cpp and weak_b.cpp.
inline int shared_calls() {
  static int calls;
  return ++calls;
}

void may_throw();

// Calls __clang_call_terminate, itself link-once, if may_throw throws.
extern "C" void never_throws_a() noexcept { may_throw(); }

extern "C" int use_a() { return shared_calls(); }
