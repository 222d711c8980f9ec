//! Tells the crates that compile C++ against LLVM where the headers of the
//! LLVM llvm-sys found are, from its llvm-config.
use std::process::Command;

fn main() {
    let config = match (
        std::env::var("DEP_LLVM_19_CONFIG_PATH"),
        std::env::var("DEP_LLVM_22_CONFIG_PATH"),
    ) {
        (Ok(config), Err(_)) | (Err(_), Ok(config)) => config,
        _ => panic!("enable exactly one of the features llvm19 and llvm22"),
    };
    let out = Command::new(&config)
        .arg("--includedir")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {config}: {e}"));
    let includedir = String::from_utf8(out.stdout).expect("llvm-config prints UTF-8");
    println!("cargo:includedir={}", includedir.trim());
}
