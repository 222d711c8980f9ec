/*
 * llvm-autojit runtime interface.
 *
 * Programs never call these functions themselves: the autojit plugin
 * (clang -fpass-plugin=autojit.so) emits the calls. They are documented here
 * for runtime implementers and for debugging.
 *
 * Link a program built with the plugin against the in-process runtime:
 *   clang prog.o $(pkg-config --libs autojit)
 */
#ifndef LLVM_AUTOJIT_H
#define LLVM_AUTOJIT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever the layout of __llvm_autojit_module changes. */
#define LLVM_AUTOJIT_ABI_VERSION 3

/* A definition the lazy code refers to that dlsym cannot find: a hidden or
 * protected symbol, or a promoted local. */
struct __llvm_autojit_symbol {
  const char *name;
  void *address;
};

/* One lazified translation unit. Emitted by the plugin as a constant. */
struct __llvm_autojit_module {
  uint64_t abi_version;          /* LLVM_AUTOJIT_ABI_VERSION */
  const char *lazy_path;         /* absolute path of the lazy bitcode file */
  const char *source_path;       /* absolute path of the source file */
  const char *source_identity;   /* its name in every checkout of it */
  uint64_t content_hash[2];      /* xxh3-128 of the lazy file, high half first */
  uint64_t num_functions;
  const uint64_t *guids;         /* GUIDs of the functions the file defines */
  uint64_t num_symbols;
  const struct __llvm_autojit_symbol *symbols;
  /* With -mllvm -autojit-embed (else null and 0): the lazy file, deflated,
   * and its keys file; lazy_path is then the file's name only. */
  const uint8_t *embedded_module;
  uint64_t embedded_module_len;
  const uint8_t *embedded_keys;
  uint64_t embedded_keys_len;
};

/* Called by a constructor of priority 100 in every lazified translation
 * unit. Records the module; reads nothing from disk. */
void __llvm_autojit_register(const struct __llvm_autojit_module *module);

/* Every lazified function f is a trampoline in the program:
 *       f:  jmp *record(%rip)
 *   entry:  lea record(%rip), %r11
 *           jmp *__llvm_autojit_resolve@GOTPCREL(%rip)
 *   record: { void *target = entry; uint64_t guid; }
 * __llvm_autojit_resolve, which both runtimes define, is not a C function:
 * it takes the record in r11 with f's caller's stack and argument registers
 * untouched, saves them, calls __llvm_autojit_materialize, stores the
 * result in record.target, restores them and jumps there (see
 * runtime/abi/src/arch/x86_64.rs). */

/* Called by the resolver the first time a lazified function runs: returns the address of
 * its compiled body, which the resolver stores in the function's trampoline
 * record (unless the runtime stored a newer body there meanwhile) and jumps
 * to. `function` is an address inside the function's trampoline, for
 * messages; `record` is the record, where the runtime may later store a
 * better body of the same function (an optimized one). On failure the
 * runtime prints one line starting with "[autojit-inprocess]" (or
 * "[autojit-stub]") and exits with a non-zero status. */
void *__llvm_autojit_materialize(uint64_t guid, const void *function, void *record);

/* Called by first-tier code of an optimized build when the function has run
 * often (calls and loop trips): the in-process runtime optimizes it in the
 * background and stores the optimized body in its records. */
void __llvm_autojit_hot(uint64_t guid);

/* Remote mode (libautojit-stub.a) only: serves an LLVM ORC
 * controller, such as llvm-jitlink -oop-executor=, over SimpleRemoteEPC,
 * reading from in_fd and writing to out_fd. Returns 0 once the controller
 * hangs up or closes the connection, or 1 after printing one line starting
 * with "[autojit-stub]" that says what was wrong with one of its messages. */
int autojit_stub_serve_fds(int in_fd, int out_fd);

#ifdef __cplusplus
}
#endif

#endif /* LLVM_AUTOJIT_H */
