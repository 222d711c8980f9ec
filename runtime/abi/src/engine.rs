//! The interface between `libautojit-runtime.so`, which programs link, and
//! `libautojit-engine.so`, which it loads on the first materialization.
//!
//! The split keeps LLVM out of every program that never calls a lazy
//! function, out of program start-up, and out of the link: a linker checking
//! the runtime's dependencies no longer reads libLLVM's symbol table.

use crate::ModuleDescriptor;
use std::ffi::c_char;

/// The engine library's file name; it sits next to the runtime library.
pub const LIBRARY: &str = "libautojit-engine.so";

pub const REGISTER_SYMBOL: &str = "autojit_engine_register";
pub const MATERIALIZE_SYMBOL: &str = "autojit_engine_materialize";
pub const STATS_SYMBOL: &str = "autojit_engine_stats";

/// Records a module descriptor.
pub type RegisterFn = unsafe extern "C" fn(module: *const ModuleDescriptor);

/// Returns the name of the function whose stub contains `address`
/// (malloc'ed, or null), for messages about functions whose lazy module
/// cannot be read.
pub type FunctionNameFn = extern "C" fn(address: usize) -> *mut c_char;

/// Returns the address of the compiled body of `guid`, or 0 with `*error`
/// set to a malloc'ed one-line message; `function` lies in the function's
/// stub, for `function_name`.
pub type MaterializeFn = unsafe extern "C" fn(
    guid: u64,
    function: usize,
    function_name: FunctionNameFn,
    error: *mut *mut c_char,
) -> usize;

/// Returns the AUTOJIT_STATS summary line (malloc'ed).
pub type StatsFn = extern "C" fn() -> *mut c_char;

/// A malloc'ed copy of `s`: strings cross the interface this way.
pub fn to_malloced(s: &str) -> *mut c_char {
    let c = std::ffi::CString::new(s.replace('\0', " ")).expect("NUL bytes were replaced");
    // SAFETY: strdup copies a valid NUL-terminated string.
    unsafe { libc::strdup(c.as_ptr()) }
}

/// Takes a string made by `to_malloced` (or null) and frees it.
///
/// # Safety
/// `p` must be null or a malloc'ed NUL-terminated string nobody else frees.
pub unsafe fn from_malloced(p: *mut c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the caller guarantees a NUL-terminated string.
    let s = unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: malloc'ed and owned by us, freed exactly once.
    unsafe { libc::free(p as *mut libc::c_void) };
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip() {
        // SAFETY: the pointer comes from to_malloced.
        assert_eq!(
            unsafe { from_malloced(to_malloced("a\0b")) }.as_deref(),
            Some("a b")
        );
        // SAFETY: null is allowed.
        assert_eq!(unsafe { from_malloced(std::ptr::null_mut()) }, None);
    }
}
