//! Compiles the one C++ file holding what the LLVM C API has no door for.
fn main() {
    autojit_llvm_cxx::compile_llvm_cxx("cpp/remote_jit.cpp", "autojitd_remote_jit");
}
