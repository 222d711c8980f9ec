//! For build scripts: each part that needs LLVM's C++ API keeps it in a few
//! small C++ files, each named for what it does, compiled here against the
//! headers of the LLVM that llvm-sys links (`LLVM_SYS_191_PREFIX`).

/// Compiles `files` (relative to the crate) into the static library `name`.
pub fn compile_llvm_cxx(files: &[&str], name: &str) {
    let prefix = std::env::var("LLVM_SYS_191_PREFIX").unwrap_or_else(|_| "/usr/lib/llvm-19".into());
    println!("cargo:rerun-if-env-changed=LLVM_SYS_191_PREFIX");
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++17")
        .include(format!("{prefix}/include"))
        .define("_GNU_SOURCE", None)
        .define("__STDC_CONSTANT_MACROS", None)
        .define("__STDC_FORMAT_MACROS", None)
        .define("__STDC_LIMIT_MACROS", None)
        .flag("-fno-exceptions")
        .flag("-Wno-unused-parameter")
        .flag("-Wno-redundant-move");
    for file in files {
        println!("cargo:rerun-if-changed={file}");
        build.file(file);
    }
    build.compile(name);
}
