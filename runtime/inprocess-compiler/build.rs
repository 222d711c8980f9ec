//! Loaded by file name from the runtime's directory; record it as the soname.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libautojit-inprocess-compiler.so");
}
