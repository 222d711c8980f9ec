//! The library is linked as -lautojit-runtime; record that as its soname.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libautojit-runtime.so");
}
