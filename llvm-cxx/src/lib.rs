//! For build scripts: each part that needs LLVM's C++ API keeps it in a few
//! small C++ files, each named for what it does, compiled here against the
//! headers of the LLVM the build uses (which `autojit-llvm-sys` reports to
//! its dependents' build scripts), with `include/` for
//! `autojit/llvm_version.h`, where the C++ side's differences between LLVM
//! versions live.

/// Compiles `files` (relative to the crate) into the static library `name`.
/// The calling crate must depend on `llvm-sys` (`autojit-llvm-sys`).
pub fn compile_llvm_cxx(files: &[&str], name: &str) {
    let dep = |key: &str| {
        std::env::var(format!("DEP_AUTOJIT_LLVM_{key}")).unwrap_or_else(|_| {
            panic!("DEP_AUTOJIT_LLVM_{key} is not set: the crate must depend on llvm-sys")
        })
    };
    let mut build = cc::Build::new();
    build.includes(std::env::split_paths(&dep("INCLUDEDIRS")));
    build
        .cpp(true)
        .std("c++17")
        .include(concat!(env!("CARGO_MANIFEST_DIR"), "/include"))
        .define("_GNU_SOURCE", None)
        .define("__STDC_CONSTANT_MACROS", None)
        .define("__STDC_FORMAT_MACROS", None)
        .define("__STDC_LIMIT_MACROS", None)
        .flag("-fno-exceptions")
        .flag("-Wno-unused-parameter")
        .flag("-Wno-redundant-move");
    println!(
        "cargo:rerun-if-changed={}",
        concat!(env!("CARGO_MANIFEST_DIR"), "/include")
    );
    for file in files {
        println!("cargo:rerun-if-changed={file}");
        build.file(file);
    }
    build.compile(name);
}
