//! For build scripts: each part that needs LLVM's C++ API keeps it in a few
//! small C++ files, each named for what it does, compiled here against the
//! headers of the LLVM the build uses (which `autojit-llvm-sys` reports to
//! its dependents' build scripts), with `include/` for
//! `autojit/llvm_version.h`, where the C++ side's differences between LLVM
//! versions live. The functions between a part's Rust and its C++ are
//! declared once, in its `cpp/boundary.h`, from which the Rust declarations
//! are generated here.

use std::path::PathBuf;

/// Compiles `files` (relative to the crate) into the static library `name`.
/// The calling crate must depend on `llvm-sys` (`autojit-llvm-sys`).
pub fn compile_cxx(files: &[&str], name: &str) {
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
    // As LLVM was built: C++ deriving from LLVM's classes needs their type
    // information, which an LLVM built without RTTI does not have.
    if dep("RTTI") == "NO" {
        build.flag("-fno-rtti");
    }
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

/// What `autojit-llvm-sys`'s build script told about the LLVM: `key` is
/// CONFIG, LIBDIR, INCLUDEDIRS or RTTI.
fn dep(key: &str) -> String {
    std::env::var(format!("DEP_AUTOJIT_LLVM_{key}")).unwrap_or_else(|_| {
        panic!("DEP_AUTOJIT_LLVM_{key} is not set: the crate must depend on llvm-sys")
    })
}

/// Generates the Rust declarations of the functions `header` (relative to
/// the crate) declares, and nothing else, into `$OUT_DIR/boundary.rs`, for
/// the crate to `include!` where llvm-sys's types are in scope.
pub fn generate_boundary(header: &str) {
    println!("cargo:rerun-if-changed={header}");
    use_libclang_of_this_llvm();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    bindgen::Builder::default()
        .header(header)
        .clang_args(
            std::env::split_paths(&dep("INCLUDEDIRS")).map(|dir| format!("-I{}", dir.display())),
        )
        .allowlist_file(header)
        .allowlist_recursively(false)
        .formatter(bindgen::Formatter::None)
        .generate()
        .unwrap_or_else(|e| panic!("cannot generate the Rust side of {header}: {e}"))
        .write_to_file(out.join("boundary.rs"))
        .unwrap_or_else(|e| panic!("cannot write the Rust side of {header}: {e}"));
}

/// bindgen loads a libclang when it runs; left to itself, it takes the
/// newest installed. The LLVM this build uses has one, unless it is an LLVM
/// tree that builds none: then any libclang reads the header as well.
/// LIBCLANG_PATH, when set, wins. clang-sys reads these variables in this
/// process, which is single-threaded.
fn use_libclang_of_this_llvm() {
    println!("cargo:rerun-if-env-changed=LIBCLANG_PATH");
    if std::env::var_os("LIBCLANG_PATH").is_some() {
        return;
    }
    let libdir = dep("LIBDIR");
    let is_libclang = |name: &str| {
        name.starts_with("libclang.so")
            || name
                .strip_prefix("libclang-")
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    };
    let has_libclang = std::fs::read_dir(&libdir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| is_libclang(&entry.file_name().to_string_lossy()))
    });
    if has_libclang {
        std::env::set_var("LIBCLANG_PATH", &libdir);
        std::env::set_var("LLVM_CONFIG_PATH", dep("CONFIG"));
    }
}
