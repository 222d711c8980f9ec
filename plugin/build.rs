//! Compiles the one C++ file that registers the pass with LLVM's PassBuilder.
fn main() {
    autojit_llvm_cxx::compile_llvm_cxx(&["cpp/register_pass.cpp"], "autojit_register_pass");
}
