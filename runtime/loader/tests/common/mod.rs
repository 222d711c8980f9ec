//! Shared by the integration tests: compiling the sources under
//! `tests/sources` with clang-19 and resolving symbols as a program would.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const FLAGS: &[&str] = &[
    "-O0",
    "-g",
    "-fPIC",
    "-ffunction-sections",
    "-fdata-sections",
];

pub fn source(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sources")
        .join(name)
}

/// Compiles `tests/sources/<name>` with `flags` into an object and returns
/// its bytes, or `None` (with a note) when clang-19 is not installed.
pub fn compile(name: &str, flags: &[&str]) -> Option<Vec<u8>> {
    let compiler = if name.ends_with(".cpp") {
        "clang++-19"
    } else {
        "clang-19"
    };
    // Tests compile in parallel: each compilation gets its own file.
    static COMPILATIONS: AtomicUsize = AtomicUsize::new(0);
    let output = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{name}.{}.{}.o",
        std::process::id(),
        COMPILATIONS.fetch_add(1, Ordering::Relaxed)
    ));
    let status = match Command::new(compiler)
        .args(["-c", "-o"])
        .arg(&output)
        .args(flags)
        .arg(source(name))
        .status()
    {
        Ok(status) => status,
        Err(_) => {
            eprintln!("note: {compiler} not found; skipping");
            return None;
        }
    };
    assert!(status.success(), "{compiler} failed on {name}");
    Some(std::fs::read(&output).expect("reading the compiled object"))
}

/// What the dynamic linker finds for `name`, as a program's own lookup.
pub fn dlsym(name: &str) -> Option<usize> {
    let name = std::ffi::CString::new(name).ok()?;
    // SAFETY: dlsym with RTLD_DEFAULT and a null-terminated name.
    let address = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    (!address.is_null()).then_some(address as usize)
}

/// Makes libstdc++ visible to `dlsym`: C++ objects call into it.
pub fn load_libstdcxx() {
    // SAFETY: dlopen of a system library by its soname.
    let handle = unsafe {
        libc::dlopen(
            c"libstdc++.so.6".as_ptr(),
            libc::RTLD_NOW | libc::RTLD_GLOBAL,
        )
    };
    assert!(!handle.is_null(), "cannot load libstdc++.so.6");
}

/// A function of a loaded object, as an `extern "C"` function pointer.
///
/// # Safety
/// `address` must be a function with the signature `F`.
pub unsafe fn function<F: Copy>(address: usize) -> F {
    assert_eq!(std::mem::size_of::<F>(), std::mem::size_of::<usize>());
    // SAFETY: the caller's promise.
    unsafe { std::mem::transmute_copy(&address) }
}
