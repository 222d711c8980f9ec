//! The C++ side of a session (`cpp/remote_jit.cpp`): an LLJIT over a
//! SimpleRemoteEPC whose transport frames messages here.

use llvm_sys::orc2::lljit::LLVMOrcLLJITRef;
use std::ffi::{c_char, c_int, c_void};

/// Mirrors `AutojitdSessionCallbacks` in `cpp/remote_jit.cpp`.
#[repr(C)]
pub struct SessionCallbacks {
    pub ctx: *mut c_void,
    pub start: extern "C" fn(ctx: *mut c_void, transport: *mut c_void),
    pub send: extern "C" fn(
        ctx: *mut c_void,
        opcode: u64,
        seq_no: u64,
        tag: u64,
        bytes: *const u8,
        len: usize,
    ) -> c_int,
    pub setting: extern "C" fn(ctx: *mut c_void, name: *const c_char, value: *const u8, len: usize),
    pub disconnect: extern "C" fn(ctx: *mut c_void),
    pub call: extern "C" fn(
        ctx: *mut c_void,
        which: u32,
        args: *const u8,
        len: usize,
        result: *mut *mut u8,
        result_len: *mut usize,
    ),
    pub call_tags: *const *const c_char,
    pub num_calls: u32,
}

extern "C" {
    pub fn autojitd_session_create(
        callbacks: *const SessionCallbacks,
        error: *mut *mut c_char,
    ) -> LLVMOrcLLJITRef;
    pub fn autojitd_session_ready(
        jit: LLVMOrcLLJITRef,
        ready_wrapper: *const c_char,
    ) -> *mut c_char;
    pub fn autojitd_deliver(
        transport: *mut c_void,
        opcode: u64,
        seq_no: u64,
        tag: u64,
        bytes: *const u8,
        len: usize,
        error: *mut *mut c_char,
    ) -> c_int;
    pub fn autojitd_disconnected(transport: *mut c_void, why: *const c_char);
}

/// Takes a message the C++ side strdup'ed.
///
/// # Safety
/// `p` must be null or a malloc'ed NUL-terminated string nobody else frees.
pub unsafe fn take_message(p: *mut c_char) -> String {
    if p.is_null() {
        return "unknown error".into();
    }
    // SAFETY: the caller guarantees a NUL-terminated string.
    let s = unsafe { std::ffi::CStr::from_ptr(p) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: malloc'ed, freed once here.
    unsafe { libc::free(p as *mut c_void) };
    s
}
