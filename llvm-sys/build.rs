//! Links the LLVM the build uses, as one shared library, and tells the crates
//! that compile C++ against it where its headers are.
//!
//! The LLVM is the one whose llvm-config CMake names in AUTOJIT_LLVM_CONFIG:
//! an installed LLVM or an LLVM build tree (the unified build), whose headers
//! are in two directories (the sources' and the generated ones) and whose
//! shared library is `libLLVM.so` (the `libLLVM-<major>.so` name llvm-sys
//! would link is made only when LLVM is installed). Built by cargo alone,
//! the default is Debian's LLVM of the version the feature selects.
use std::path::Path;
use std::process::Command;

fn main() {
    let major = match (
        std::env::var_os("CARGO_FEATURE_LLVM19"),
        std::env::var_os("CARGO_FEATURE_LLVM22"),
    ) {
        (Some(_), None) => 19,
        (None, Some(_)) => 22,
        _ => panic!("enable exactly one of the features llvm19 and llvm22"),
    };
    println!("cargo:rerun-if-env-changed=AUTOJIT_LLVM_CONFIG");
    let config = std::env::var("AUTOJIT_LLVM_CONFIG")
        .unwrap_or_else(|_| format!("/usr/lib/llvm-{major}/bin/llvm-config"));
    let ask = |arg: &str| {
        let out = Command::new(&config)
            .arg(arg)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .unwrap_or_else(|| {
                panic!("cannot run {config} {arg}: set AUTOJIT_LLVM_CONFIG to the llvm-config of LLVM {major}")
            });
        String::from_utf8(out.stdout)
            .expect("llvm-config prints UTF-8")
            .trim()
            .to_string()
    };

    let version = ask("--version");
    if !version.starts_with(&format!("{major}.")) {
        panic!(
            "{config} is LLVM {version}, but this build selects LLVM {major} (feature llvm{major})"
        );
    }
    let libdir = ask("--libdir");
    if !Path::new(&libdir).join("libLLVM.so").exists() {
        panic!(
            "{libdir} has no libLLVM.so: autojit links LLVM as one shared library; \
             build LLVM with -DLLVM_BUILD_LLVM_DYLIB=ON -DLLVM_LINK_LLVM_DYLIB=ON"
        );
    }
    // Read by dependents' build scripts as DEP_AUTOJIT_LLVM_CONFIG and
    // DEP_AUTOJIT_LLVM_LIBDIR.
    println!("cargo:config={config}");
    println!("cargo:libdir={libdir}");
    println!("cargo:rustc-link-search=native={libdir}");
    println!("cargo:rustc-link-lib=dylib=LLVM");

    // `--cppflags` names both include directories of a build tree. Read by
    // dependents' build scripts as DEP_AUTOJIT_LLVM_INCLUDEDIRS.
    let cppflags = ask("--cppflags");
    let includes = cppflags
        .split_whitespace()
        .filter_map(|flag| flag.strip_prefix("-I"));
    let includes = std::env::join_paths(includes).expect("LLVM's include directories hold no ':'");
    println!("cargo:includedirs={}", includes.to_string_lossy());

    // An LLVM built without RTTI (a build tree's default) has no type
    // information for its classes, which C++ compiled with RTTI needs for
    // any class deriving from one. Read as DEP_AUTOJIT_LLVM_RTTI.
    println!("cargo:rtti={}", ask("--has-rtti"));
}
