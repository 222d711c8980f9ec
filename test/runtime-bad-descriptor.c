// Module descriptors the runtime cannot use: one from a plugin speaking
// another runtime ABI, and a null one. Each gives one line saying what to do
// and a non-zero exit, at registration: nothing else of a descriptor whose
// layout the runtime does not know can be trusted.
// RUN: %clang -O0 %s -o %t.exe %rt
// RUN: not %t.exe abi 2>&1 | FileCheck --check-prefix=ABI %s -DRT=%rtprefix
// RUN: not %t.exe abi 2>&1 | count 1
// RUN: not %t.exe null 2>&1 | FileCheck --check-prefix=NULL %s -DRT=%rtprefix
// RUN: not %t.exe null 2>&1 | count 1

#include <stdint.h>
#include <string.h>

// The layout of include/llvm-autojit.h, spelled out here so that the test
// can claim another ABI version.
struct descriptor {
  uint64_t abi_version;
  const char *lazy_path;
  const char *source_path;
  const char *source_identity;
  uint64_t content_hash[2];
  uint64_t num_functions;
  const uint64_t *guids;
  uint64_t num_symbols;
  const void *symbols;
  const uint8_t *embedded_module;
  uint64_t embedded_module_len;
  const uint8_t *embedded_keys;
  uint64_t embedded_keys_len;
};
void __llvm_autojit_register(const struct descriptor *module);
void *__llvm_autojit_materialize(uint64_t guid, const void *function);

static const uint64_t guids[] = {0x1234};
static const struct descriptor future = {99, "/nonexistent/future.bc", "future.c", "future.c", {0, 0}, 1, guids, 0, 0, 0, 0, 0, 0};

int main(int argc, char **argv) {
  (void)argc;
  if (strcmp(argv[1], "null") == 0) {
    __llvm_autojit_register(0);
    return 0;
  }
  __llvm_autojit_register(&future);
  __llvm_autojit_materialize(0x1234, (const void *)main);
  return 0;
}

// ABI: [[RT]] lazy module /nonexistent/future.bc was built for runtime ABI 99, this runtime speaks 3; rebuild future.c and relink the program with the matching plugin
// NULL: [[RT]] __llvm_autojit_register called with a null module descriptor; rebuild the program
