//! The interface between `libautojit-inprocess.so`, which programs link, and
//! `libautojit-inprocess-compiler.so`, the compiler it loads when a function must be
//! compiled.
//!
//! The split keeps LLVM out of every run whose functions all come from the
//! object cache, out of program start-up, and out of the link: a linker
//! checking the runtime's dependencies does not read libLLVM's symbol table.

use crate::ModuleDescriptor;
use core::ffi::{c_char, c_void};

/// The compiler library's file name; it sits next to the in-process runtime.
pub const LIBRARY: &str = "libautojit-inprocess-compiler.so";

pub const PLAN_SYMBOL: &str = "autojit_compiler_plan";
pub const COMPILE_SYMBOL: &str = "autojit_compiler_compile";

/// Bytes the compiler library allocated with malloc for the runtime to free.
#[repr(C)]
pub struct MallocedBytes {
    pub data: *mut u8,
    pub len: usize,
}

/// Whether the function `guid` may join the batch being planned; `context`
/// is what the runtime passed with it.
pub type WantedFn = unsafe extern "C" fn(context: *mut c_void, guid: u64) -> bool;

/// With compiler `compiler` (each is used by one thread at a time; the
/// library makes them as asked), plans the batch compiled with `root` in
/// module `module` (the engine's number for the module whose descriptor is
/// `descriptor`, read from `lazy_path`, NUL-terminated: the descriptor's,
/// or the copy of a module the program carries) of at most `limit`
/// functions, asking `wanted` about each. Returns true with
/// `*result` set to the plan (`autojit_engine::PlannedBatch`), or false with
/// it set to the `Failure`, encoded as on autojitd's connection
/// (`autojit_protocol::autojit::encode_failure`).
pub type PlanFn = unsafe extern "C" fn(
    compiler: usize,
    module: usize,
    descriptor: *const ModuleDescriptor,
    lazy_path: *const c_char,
    root: u64,
    limit: usize,
    wanted: WantedFn,
    context: *mut c_void,
    result: *mut MallocedBytes,
) -> bool;

/// With compiler `compiler`, compiles the `count` functions at `batch` of
/// module `module` (read from `lazy_path`), as planned, as code of tier
/// `tier` (`Tier::number`). Returns true with
/// `*result` set to the compiled batch
/// (`autojit_engine::CompiledBatch`), or false with it set to the `Failure`.
pub type CompileFn = unsafe extern "C" fn(
    compiler: usize,
    module: usize,
    descriptor: *const ModuleDescriptor,
    lazy_path: *const c_char,
    batch: *const u64,
    count: usize,
    tier: u8,
    result: *mut MallocedBytes,
) -> bool;

/// A malloc'ed copy of `bytes`.
pub fn bytes_to_malloced(bytes: &[u8]) -> MallocedBytes {
    // SAFETY: malloc of any size; the copy stays within both buffers.
    unsafe {
        let data = libc::malloc(bytes.len().max(1)) as *mut u8;
        if !data.is_null() {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len());
        }
        MallocedBytes {
            data,
            len: if data.is_null() { 0 } else { bytes.len() },
        }
    }
}

/// Takes bytes made by `bytes_to_malloced` and frees them.
///
/// # Safety
/// `bytes` must come from `bytes_to_malloced` and be taken once.
pub unsafe fn bytes_from_malloced(bytes: MallocedBytes) -> Vec<u8> {
    if bytes.data.is_null() {
        return Vec::new();
    }
    // SAFETY: `len` bytes were copied into the malloc'ed buffer.
    let out = unsafe { std::slice::from_raw_parts(bytes.data, bytes.len) }.to_vec();
    // SAFETY: malloc'ed above and freed exactly once.
    unsafe { libc::free(bytes.data.cast()) };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip() {
        // SAFETY: the bytes come from bytes_to_malloced, taken once.
        let bytes = unsafe { bytes_from_malloced(bytes_to_malloced(b"ab\0c")) };
        assert_eq!(bytes, b"ab\0c");
        // SAFETY: as above.
        assert!(unsafe { bytes_from_malloced(bytes_to_malloced(b"")) }.is_empty());
    }
}
