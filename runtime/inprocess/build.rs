//! The library is linked as -lautojit-inprocess; record that as its soname.
fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libautojit-inprocess.so");
}
