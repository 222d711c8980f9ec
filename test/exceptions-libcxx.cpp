// The exceptions scenario with libc++, whose unwinder (LLVM's libunwind)
// takes EH frames differently from libgcc's.
// REQUIRES: libcxx
// RUN: %clangxx -stdlib=libc++ -O0 -c %inputs/exceptions-regular.cpp -o %t.regular.o
// RUN: %clangxx -stdlib=libc++ -O0 -c %autojit %S/exceptions.cpp -o %t.lazy.o
// RUN: %clangxx -stdlib=libc++ %t.lazy.o %t.regular.o -o %t.exe %rt
// RUN: %t.exe | FileCheck %S/exceptions.cpp
