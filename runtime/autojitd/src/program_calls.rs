//! autojitd's calls of the stub's own wrappers (daemon to stub,
//! `autojit_protocol::autojit`), each of which answers with an SPS Error.

use crate::boundary::autojitd_call_program;
use autojit_llvm_capi::take_message;
use llvm_sys::orc2::lljit::LLVMOrcLLJITRef;
use std::ffi::CString;

/// Calls the program's wrapper `wrapper` with the encoded `args`: Ok, or
/// why the program refused or the call failed.
///
/// # Safety
/// `jit` must be the live LLJIT of the program's session.
pub unsafe fn call_program(jit: LLVMOrcLLJITRef, wrapper: &str, args: &[u8]) -> Result<(), String> {
    let wrapper = CString::new(wrapper).expect("wrapper names have no NUL");
    // SAFETY: `jit` is live (the caller's promise); the name is
    // NUL-terminated and the arguments are `args.len()` bytes.
    let refused =
        unsafe { autojitd_call_program(jit, wrapper.as_ptr(), args.as_ptr().cast(), args.len()) };
    if refused.is_null() {
        return Ok(());
    }
    // SAFETY: the C++ made the message for us to free.
    Err(unsafe { take_message(refused) })
}
