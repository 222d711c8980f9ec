// Every function that crosses between the plugin's Rust and its C++, in
// both directions, declared once: the pass is Rust, and C++ holds only what
// LLVM's C API has no door for (the pass's registration, a few IR
// operations). Each .cpp includes this and keeps `extern "C"` on its
// definitions, so one of another type is an error instead of an overload;
// build.rs generates the Rust declarations from it with bindgen
// (src/boundary.rs, which checks the Rust definitions against them).
#ifndef AUTOJIT_PLUGIN_BOUNDARY_H
#define AUTOJIT_PLUGIN_BOUNDARY_H

#include "llvm-c/Types.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Defined in Rust (src/lib.rs), called by the pass for each module
// (register_pass.cpp): 1 if the module changed, 0 if not, 2 if it is left
// for the run after clang's coverage passes (only when before_coverage), -1
// on error with *error set to a message freed with autojit_free_error.
int autojit_outline_module(LLVMModuleRef module, unsigned opt_level,
                           int before_coverage, int at_link_time, int debug,
                           int embed, char **error);
void autojit_free_error(char *error);

// Defined in C++, for Rust. register_pass.cpp (Rust hands the first to
// LLVM's plugin loader, which calls it with an llvm::PassBuilder *):
void autojit_register_pass_builder_callbacks(void *pass_builder);
void autojit_delete_function_body(LLVMValueRef function);
void autojit_set_dso_local(LLVMValueRef global, int local);
int autojit_is_dso_local(LLVMValueRef global);
void autojit_erase_global_value(LLVMValueRef global);
void autojit_slim_lazy_debug_info(LLVMModuleRef lazy_module);
const char *autojit_comdat_name(LLVMComdatRef comdat);
void autojit_replace_uses_except_label_addresses(LLVMValueRef old_function,
                                                 LLVMValueRef new_function);
void autojit_copy_call_attributes(LLVMValueRef to, LLVMValueRef from);

// inlinable_copy.cpp:
void autojit_make_inlinable_copy(LLVMValueRef declaration, LLVMValueRef body);
int autojit_has_label_addresses(LLVMValueRef function);

// function_key.cpp:
bool autojit_function_keys(LLVMModuleRef lazy_module, const char *source_root,
                           size_t source_root_len, const char *const *body_names, size_t count,
                           uint64_t *keys, uint32_t *lines);

#ifdef __cplusplus
}
#endif

#endif
