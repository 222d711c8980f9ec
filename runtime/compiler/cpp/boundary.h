// Every function that crosses between the compiler's Rust and its C++, in
// both directions, declared once: Rust drives the compilation through LLVM's
// C API, and C++ holds only what that API has no door for. Each .cpp
// includes this and keeps `extern "C"` on its definitions, so one of another
// type is an error instead of an overload; build.rs generates the Rust
// declarations from it with bindgen (src/boundary.rs).
#ifndef AUTOJIT_COMPILER_BOUNDARY_H
#define AUTOJIT_COMPILER_BOUNDARY_H

#include "llvm-c/TargetMachine.h"
#include "llvm-c/Types.h"
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Defined in C++ (cpp/extract_body.cpp), for the lazy module store
// (src/lazy_store.rs). Error messages are for LLVMDisposeMessage.

// Returns a module, in LazyModule's context, holding the Count bodies named
// by BodyNames and what they carry (the inlinable copies of other functions
// too if InlinableCopies, else only the always-inline ones), or null with
// *ErrorMessage set.
LLVMModuleRef autojit_extract_functions(LLVMModuleRef LazyModule,
                                        const char *const *BodyNames,
                                        size_t Count, bool InlinableCopies,
                                        char **ErrorMessage);

// Calls Found(Context, name, its length) for each function that the body
// named BodyName, or what it carries, refers to without compiling it, in
// first-reference order. Returns false with *ErrorMessage set if the body
// cannot be read. Found is defined in Rust (src/lazy_store.rs's
// collect_name): the call that passes it checks its type. (Its parameters
// go unnamed: Rust lints names in a function pointer type as variables.)
bool autojit_referenced_declarations(LLVMModuleRef LazyModule,
                                     const char *BodyName,
                                     void (*Found)(void *, const char *, size_t),
                                     void *Context, char **ErrorMessage);

// The integer value of module flag Key, or -1 if absent.
int autojit_module_flag_int(LLVMModuleRef M, const char *Key);

// Defined in C++, for code generation (src/compile.rs).

// cpp/sanitizers.cpp: runs the sanitizer passes the module's functions ask
// for, if any.
void autojit_instrument_for_sanitizers(LLVMModuleRef Module,
                                       LLVMTargetMachineRef Machine);

// cpp/section_per_symbol.cpp: makes Machine emit a section per function and
// per global.
void autojit_use_section_per_symbol(LLVMTargetMachineRef Machine);

// cpp/declare_variables.cpp: for code compiled without optimization,
// replaces the module's tracking of each variable's assignments with a
// declaration of the stack slot that holds it, as a -O0 build has; a module
// that tracks none, or one it cannot place, is left as it is.
void autojit_declare_variables(LLVMModuleRef Module);

// cpp/split_block.cpp: moves Instruction and what follows it in its block
// into a new block after it, which the old one branches to; returns the new
// block.
LLVMBasicBlockRef autojit_split_block_before(LLVMValueRef Instruction);

#ifdef __cplusplus
}
#endif

#endif
