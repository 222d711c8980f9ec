//! The C++ side of a session (`cpp/remote_jit.cpp`): an LLJIT over a
//! SimpleRemoteEPC whose transport frames messages here. It calls back into
//! the session through the `autojitd_*` functions `session.rs` exports.

use llvm_sys::orc2::lljit::LLVMOrcLLJITRef;
use std::ffi::{c_char, c_int, c_void};

extern "C" {
    pub fn autojitd_session_create(
        ctx: *mut c_void,
        call_tags: *const *const c_char,
        num_calls: u32,
        register_eh_frame: *const c_char,
        deregister_eh_frame: *const c_char,
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

#[cfg(test)]
mod tests {
    extern "C" {
        // cpp/thread_reusing_dispatcher_test.cpp
        fn autojitd_test_thread_reusing_dispatcher() -> *mut std::ffi::c_char;
    }

    #[test]
    fn thread_reusing_dispatcher() {
        // SAFETY: runs the C++ tests, which return null or a message.
        let failure = unsafe { autojitd_test_thread_reusing_dispatcher() };
        assert!(
            failure.is_null(),
            "{}",
            autojit_llvm_capi::take_message(failure)
        );
    }
}
