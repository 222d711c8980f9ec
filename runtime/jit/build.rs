//! Records the version of the LLVM the engine library is built with: the
//! object cache's keys name it, and a warm run must know it without loading
//! LLVM.
fn main() {
    println!("cargo:rerun-if-env-changed=LLVM_SYS_191_PREFIX");
    let prefix = std::env::var("LLVM_SYS_191_PREFIX").unwrap_or_else(|_| "/usr/lib/llvm-19".into());
    let llvm_config = format!("{prefix}/bin/llvm-config");
    let version = std::process::Command::new(&llvm_config)
        .arg("--version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_else(|| panic!("cannot run {llvm_config} --version: set LLVM_SYS_191_PREFIX to the LLVM autojit builds with"));
    println!("cargo:rustc-env=AUTOJIT_LLVM_VERSION={version}");
}
