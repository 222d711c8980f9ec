//! The interface between `libautojit-runtime.so`, which programs link, and
//! `libautojit-engine.so`, which it loads on the first materialization.
//!
//! The split keeps LLVM out of every program that never calls a lazy
//! function, out of program start-up, and out of the link: a linker checking
//! the runtime's dependencies no longer reads libLLVM's symbol table.

use crate::ModuleDescriptor;

/// The engine library's file name; it sits next to the runtime library.
pub const LIBRARY: &str = "libautojit-engine.so";

pub const REGISTER_SYMBOL: &str = "autojit_engine_register";
pub const MATERIALIZE_SYMBOL: &str = "autojit_engine_materialize";
pub const STATS_SYMBOL: &str = "autojit_engine_stats";

/// Records a module descriptor.
pub type RegisterFn = unsafe extern "C" fn(module: *const ModuleDescriptor);

/// Bytes the engine allocated with malloc for the runtime to free.
#[repr(C)]
pub struct MallocedBytes {
    pub data: *mut u8,
    pub len: usize,
}

/// Returns the address of the compiled body of `guid`, or 0 with
/// `*failure` set to the `Failure`, encoded as on autojitd's connection
/// (`autojit_protocol::autojit::encode_failure`).
pub type MaterializeFn = unsafe extern "C" fn(guid: u64, failure: *mut MallocedBytes) -> usize;

/// Returns the AUTOJIT_STATS counters.
pub type StatsFn = extern "C" fn() -> crate::StatsSnapshot;

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
        assert_eq!(
            unsafe { bytes_from_malloced(bytes_to_malloced(b"ab\0c")) },
            b"ab\0c"
        );
        // SAFETY: as above.
        assert!(unsafe { bytes_from_malloced(bytes_to_malloced(b"")) }.is_empty());
    }
}
