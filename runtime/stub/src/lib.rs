//! libautojit-stub.a: the executor a program links in remote mode.
//!
//! No LLVM and no C++ runtime: autojitd, a separate process, compiles lazy
//! functions and links them into this process through LLVM ORC's
//! SimpleRemoteEPC protocol, for which this library is the executor. This
//! file holds the C entry points only.

#![cfg_attr(not(test), no_std)]
extern crate alloc;

mod connect;
mod executor;
mod gdb;
mod perf;
mod program;
mod session;
mod sys;
mod transport;

use core::ffi::{c_int, c_void};
use executor::wrapper::CWrapperFunctionResult;
use transport::Ended;

autojit_frontend::define_runtime!(program::REMOTE);

/// Serves an ORC controller (`llvm-jitlink -oop-executor=`) reading from
/// `in_fd` and writing to `out_fd`: 0 after it hangs up or closes, 1 after
/// printing what was wrong with one of its messages.
#[no_mangle]
pub extern "C" fn autojit_stub_serve_fds(in_fd: c_int, out_fd: c_int) -> c_int {
    program::serve_fds(in_fd, out_fd)
}

/// LLVM's GDB registration wrapper, which controllers find with a dylib
/// lookup: `SPSError(SPSExecutorAddrRange, bool)`.
///
/// # Safety
/// `data` must hold `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn llvm_orc_registerJITLoaderGDBWrapper(
    data: *const u8,
    size: u64,
) -> CWrapperFunctionResult {
    // SAFETY: as the caller guarantees.
    let args = unsafe { bytes(data, size as usize) };
    CWrapperFunctionResult::from_bytes(&executor::register_debug_object_unchecked(args))
}

/// The dispatch function JIT'd code calls to reach a controller's wrapper
/// (`__llvm_orc_SimpleRemoteEPC_dispatch_fn`).
unsafe extern "C" fn dispatch_fn(
    ctx: *mut c_void,
    tag: *const c_void,
    data: *const u8,
    size: usize,
) -> CWrapperFunctionResult {
    // SAFETY: the caller passes its argument buffer.
    let args = unsafe { bytes(data, size) };
    if let Some(session) = program::session_at(ctx) {
        return session.dispatch(tag as u64, args).unwrap_or_else(|ended| {
            let what = match ended {
                Ended::Violation(wrong) => wrong,
                Ended::Closed | Ended::Hangup(_) => "autojitd closed the connection".into(),
            };
            sys::fail(format_args!(
                "a call of JIT'd code into autojitd failed: {what}"
            ))
        });
    }
    match program::served_session_at(ctx) {
        Some(session) => session.dispatch(tag as u64, args).unwrap_or_else(|_| {
            CWrapperFunctionResult::out_of_band_error("the session with the controller has ended")
        }),
        None => CWrapperFunctionResult::out_of_band_error("no such session"),
    }
}

fn dispatch_fn_address() -> u64 {
    dispatch_fn as *const () as u64
}

/// # Safety
/// `data` must be null with `size` 0, or hold `size` bytes.
unsafe fn bytes<'a>(data: *const u8, size: usize) -> &'a [u8] {
    if data.is_null() || size == 0 {
        return &[];
    }
    // SAFETY: as the caller guarantees.
    unsafe { core::slice::from_raw_parts(data, size) }
}
