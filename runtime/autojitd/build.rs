//! Compiles the C++ files holding what the LLVM C API has no door for, and
//! generates the Rust declarations of the boundary with them
//! (`cpp/boundary.h`, included by `src/boundary.rs`).
fn main() {
    autojit_cxx_build::compile_cxx(
        &[
            "cpp/remote_jit.cpp",
            "cpp/remote_lookup.cpp",
            "cpp/thread_reusing_dispatcher.cpp",
            "cpp/thread_reusing_dispatcher_test.cpp",
        ],
        "autojitd_cxx",
    );
    autojit_cxx_build::generate_boundary("cpp/boundary.h");
}
