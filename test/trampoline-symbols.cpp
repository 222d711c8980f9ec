// A trampoline, module-level assembly, defines its function's symbol as the
// definition did: the same binding, visibility, type and section as in the
// regular object (one set of checks for both), a size, the function's COMDAT
// group (its record with it) and its explicit alignment: C++ member
// functions have 2, since the Itanium ABI marks virtual member function
// pointers with the low bit. With -fcf-protection=branch the trampoline and
// its entry start with endbr64. gdb's `break` on a lazified member function
// stops in the trampoline, backtraces from there, then stops in the compiled
// body.
// RUN: rm -rf %t && mkdir %t
// RUN: export AUTOJIT_CACHE_DIR=%t/store
// RUN: %clangxx -O0 -c %s -o %t/regular.o
// RUN: %clangxx -O0 -g %autojit -c %s -o %t/trampolines.o
// RUN: llvm-objdump -t %t/regular.o | FileCheck --check-prefix=SYM %s
// RUN: llvm-objdump -t %t/trampolines.o | FileCheck --check-prefix=SYM %s
// RUN: llvm-objdump -t %t/trampolines.o | FileCheck --check-prefix=ALIGN %s
// RUN: llvm-readelf -S -g %t/trampolines.o | FileCheck --check-prefix=SECTION %s
// RUN: %clangxx %t/trampolines.o -o %t/trampolines %rt
// RUN: %t/trampolines | FileCheck %s
// RUN: %clangxx -O0 -fcf-protection=branch %autojit -c %s -o %t/cet.o
// RUN: llvm-objdump -d --no-show-raw-insn %t/cet.o | FileCheck --check-prefix=CET %s
// RUN: %clangxx %t/cet.o -o %t/cet %rt
// RUN: %t/cet | FileCheck %s
// RUN: %if gdb %{ gdb -batch -nx -ex "break Shape::perimeter" -ex run -ex bt -ex continue %t/trampolines 2>&1 | FileCheck --check-prefix=GDB %s %}

#include <cstdio>

int plain(int x) { return x + 1; }

struct Shape {
  int side;
  explicit Shape(int s) : side(s) {}
  int area() const { return side * side; }
  int perimeter() const;
  virtual int corners() const { return 4; }
};
// After plain's 19 bytes: an odd address unless aligned.
int Shape::perimeter() const { return 4 * side; }

__attribute__((weak)) int weak_fn(int x) { return x + 2; }
__attribute__((visibility("hidden"))) int hidden_fn(int x) { return x + 3; }
__attribute__((visibility("protected"))) int protected_fn(int x) { return x + 4; }
__attribute__((section("autojit_text"))) int in_section(int x) { return x + 5; }
__attribute__((aligned(64))) int aligned_fn(int x) { return x + 6; }
__attribute__((used, retain)) int retained(int x) { return x + 7; }
template <typename T> T twice(T x) { return x + x; }

int (Shape::*area_ptr)() const = &Shape::area;
int (Shape::*corners_ptr)() const = &Shape::corners;

int main() {
  Shape s(3);
  int (*fp)(int) = plain;
  std::printf("%d %d %d %d\n", (s.*area_ptr)(), (s.*corners_ptr)(), s.perimeter(), twice(21));
  std::printf("%d %d %d %d %d %d %d same=%d\n", fp(0), weak_fn(0), hidden_fn(0), protected_fn(0),
              in_section(0), aligned_fn(0), retained(0), fp == &plain);
  return 0;
}

// CHECK: 9 4 12 42
// CHECK-NEXT: 1 2 3 4 5 6 7 same=1

// SYM-DAG: {{^[0-9a-f]+}} g     F .text	{{[0-9a-f]+}} _Z5plaini{{$}}
// SYM-DAG: {{^[0-9a-f]+}} g     F .text	{{[0-9a-f]+}} _ZNK5Shape9perimeterEv{{$}}
// SYM-DAG: {{^[0-9a-f]+}}  w    F .text	{{[0-9a-f]+}} _Z7weak_fni{{$}}
// SYM-DAG: {{^[0-9a-f]+}} g     F .text	{{[0-9a-f]+}} .hidden _Z9hidden_fni{{$}}
// SYM-DAG: {{^[0-9a-f]+}} g     F .text	{{[0-9a-f]+}} .protected _Z12protected_fni{{$}}
// SYM-DAG: {{^[0-9a-f]+}} g     F autojit_text	{{[0-9a-f]+}} _Z10in_sectioni{{$}}
// SYM-DAG: {{^[0-9a-f]+}} g     F .text	{{[0-9a-f]+}} _Z10aligned_fni{{$}}
// SYM-DAG: {{^[0-9a-f]+}} g     F .text._Z8retainedi	{{[0-9a-f]+}} _Z8retainedi{{$}}
// SYM-DAG: {{^[0-9a-f]+}}  w    F .text._ZNK5Shape4areaEv	{{[0-9a-f]+}} _ZNK5Shape4areaEv{{$}}
// SYM-DAG: {{^[0-9a-f]+}}  w    F .text._ZNK5Shape7cornersEv	{{[0-9a-f]+}} _ZNK5Shape7cornersEv{{$}}
// SYM-DAG: {{^[0-9a-f]+}}  w    F .text._Z5twiceIiET_S0_	{{[0-9a-f]+}} _Z5twiceIiET_S0_{{$}}
// SYM-DAG: {{^[0-9a-f]+}} g     F .text	{{[0-9a-f]+}} main{{$}}

// ALIGN-DAG: {{^[0-9a-f]*[02468ace]}} g     F .text	0000000000000013 _ZNK5Shape9perimeterEv{{$}}
// ALIGN-DAG: {{^[0-9a-f]*(00|40|80|c0)}} g     F .text	0000000000000013 _Z10aligned_fni{{$}}

// SECTION: .text._Z8retainedi PROGBITS {{.*}} AXR  0   0  1
// SECTION: .text._ZNK5Shape4areaEv PROGBITS {{.*}} AXG  0   0  2
// SECTION: .text._Z5twiceIiET_S0_ PROGBITS {{.*}} AXG  0   0  1
// SECTION: COMDAT group section [{{ *[0-9]+}}] `.group' [_ZNK5Shape4areaEv] contains 4 sections:
// SECTION-NEXT: [Index] Name
// SECTION-NEXT: .text._ZNK5Shape4areaEv
// SECTION-NEXT: .rela.text._ZNK5Shape4areaEv
// SECTION-NEXT: .data.rel.local.__llvm_autojit
// SECTION-NEXT: .rela.data.rel.local.__llvm_autojit

// CET-LABEL: <_Z5plaini>:
// CET-NEXT: endbr64
// CET-NEXT: jmpq *
// CET-NEXT: endbr64
// CET-NEXT: leaq {{.*}}(%rip), %r11

// GDB: Breakpoint 1{{(\.[12])?}}, 0x{{[0-9a-f]+}} in Shape::perimeter() const ()
// GDB-NEXT: #0  0x{{[0-9a-f]+}} in Shape::perimeter() const ()
// GDB-NEXT: #1  {{.*}} in main () at {{.*}}trampoline-symbols.cpp
// GDB: Breakpoint 1.{{[12]}}, Shape::perimeter (this={{.*}}) at {{.*}}trampoline-symbols.cpp:{{[0-9]+}}
// GDB-NEXT: int Shape::perimeter() const { return 4 * side; }
