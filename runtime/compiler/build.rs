//! Compiles the C++ files holding what the LLVM C API has no door for, and
//! generates the Rust declarations of the boundary with them
//! (`cpp/boundary.h`, included by `src/boundary.rs`).
fn main() {
    autojit_cxx_build::compile_cxx(
        &[
            "cpp/declare_variables.cpp",
            "cpp/extract_body.cpp",
            "cpp/sanitizers.cpp",
            "cpp/section_per_symbol.cpp",
            "cpp/split_block.cpp",
        ],
        "autojit_compiler_cxx",
    );
    autojit_cxx_build::generate_boundary("cpp/boundary.h");
}
