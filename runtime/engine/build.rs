//! Records the version of the LLVM the compiler library is built with: the
//! object cache's keys name it, and a warm run must know it without loading
//! LLVM (so this crate does not link llvm-sys to ask). CMake sets
//! AUTOJIT_LLVM_CONFIG to the configured LLVM's llvm-config; LLVM 19's is
//! the default, as llvm-sys's is.
fn main() {
    println!("cargo:rerun-if-env-changed=AUTOJIT_LLVM_CONFIG");
    let llvm_config = std::env::var("AUTOJIT_LLVM_CONFIG")
        .unwrap_or_else(|_| "/usr/lib/llvm-19/bin/llvm-config".into());
    let version = std::process::Command::new(&llvm_config)
        .arg("--version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_else(|| panic!("cannot run {llvm_config} --version: set AUTOJIT_LLVM_CONFIG to the llvm-config of the LLVM autojit builds with"));
    println!("cargo:rustc-env=AUTOJIT_LLVM_VERSION={version}");
}
