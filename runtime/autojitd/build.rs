//! Compiles the C++ files holding what the LLVM C API has no door for, and
//! generates the Rust declarations of the boundary with them
//! (`cpp/boundary.h`, included by `src/boundary.rs`).
use std::path::PathBuf;
use std::process::Command;

const BOUNDARY: &str = "cpp/boundary.h";

fn main() {
    autojit_llvm_cxx::compile_llvm_cxx(
        &[
            "cpp/remote_jit.cpp",
            "cpp/remote_lookup.cpp",
            "cpp/thread_reusing_dispatcher.cpp",
            "cpp/thread_reusing_dispatcher_test.cpp",
        ],
        "autojitd_cxx",
    );
    generate_boundary();
}

/// The header's functions and nothing else: the LLVM types they take are
/// llvm-sys's, which `src/boundary.rs` brings into scope.
fn generate_boundary() {
    println!("cargo:rerun-if-changed={BOUNDARY}");
    use_clang_of_this_llvm();
    let includes = std::env::var_os("DEP_AUTOJIT_LLVM_INCLUDEDIRS")
        .expect("DEP_AUTOJIT_LLVM_INCLUDEDIRS is not set: the crate must depend on llvm-sys");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    bindgen::Builder::default()
        .header(BOUNDARY)
        .clang_args(std::env::split_paths(&includes).map(|dir| format!("-I{}", dir.display())))
        .allowlist_file(BOUNDARY)
        .allowlist_recursively(false)
        .formatter(bindgen::Formatter::None)
        .generate()
        .unwrap_or_else(|e| panic!("cannot generate the Rust side of {BOUNDARY}: {e}"))
        .write_to_file(out.join("boundary.rs"))
        .unwrap_or_else(|e| panic!("cannot write the boundary's bindings: {e}"));
}

/// bindgen loads libclang when it runs, and asks a clang for the system
/// include paths; left to itself, it takes the newest libclang installed
/// and the clang of whatever llvm-config is on PATH. Both are the LLVM's
/// this build uses (its llvm-config named as llvm-sys's build script names
/// it), unless LIBCLANG_PATH names a libclang. clang-sys reads them in this
/// process, which is single-threaded.
fn use_clang_of_this_llvm() {
    println!("cargo:rerun-if-env-changed=AUTOJIT_LLVM_CONFIG");
    println!("cargo:rerun-if-env-changed=LIBCLANG_PATH");
    let major = if std::env::var_os("CARGO_FEATURE_LLVM22").is_some() {
        22
    } else {
        19
    };
    let config = std::env::var("AUTOJIT_LLVM_CONFIG")
        .unwrap_or_else(|_| format!("/usr/lib/llvm-{major}/bin/llvm-config"));
    if std::env::var_os("LIBCLANG_PATH").is_none() {
        let libdir = Command::new(&config)
            .arg("--libdir")
            .output()
            .ok()
            .filter(|out| out.status.success())
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .unwrap_or_else(|| panic!("cannot run {config} --libdir: set AUTOJIT_LLVM_CONFIG to the llvm-config of LLVM {major}"));
        std::env::set_var("LIBCLANG_PATH", libdir.trim());
    }
    std::env::set_var("LLVM_CONFIG_PATH", config);
}
