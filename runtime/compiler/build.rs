//! Compiles the C++ files holding what the LLVM C API has no door for.
fn main() {
    autojit_llvm_cxx::compile_llvm_cxx(
        &[
            "cpp/extract_body.cpp",
            "cpp/sanitizers.cpp",
            "cpp/section_per_symbol.cpp",
        ],
        "autojit_compiler_cxx",
    );
}
