//! Compiles the C++ files holding what the LLVM C API has no door for, and
//! generates the Rust declarations of the boundary with them
//! (`cpp/boundary.h`, included by `src/boundary.rs`).
fn main() {
    autojit_cxx_build::compile_cxx(
        &[
            "cpp/register_pass.cpp",
            "cpp/inlinable_copy.cpp",
            "cpp/function_key.cpp",
        ],
        "autojit_register_pass",
    );
    autojit_cxx_build::generate_boundary("cpp/boundary.h");
}
