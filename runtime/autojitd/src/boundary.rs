//! The functions between autojitd's Rust and its C++, declared once in
//! `cpp/boundary.h`: build.rs generates their Rust declarations from it,
//! with LLVM's C types as llvm-sys's. Rust calls the ones C++ defines
//! through these declarations; the ones Rust defines (`callbacks.rs`) are
//! checked against them there.

pub use generated::*;

// The dispatcher's tests are declared for `cargo test` only; test builds
// still report every other declaration Rust does not use.
#[cfg_attr(not(test), allow(dead_code))]
mod generated {
    use llvm_sys::error::LLVMErrorRef;
    use llvm_sys::orc2::lljit::LLVMOrcLLJITRef;
    use llvm_sys::orc2::{LLVMOrcExecutionSessionRef, LLVMOrcJITDylibRef};

    include!(concat!(env!("OUT_DIR"), "/boundary.rs"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn thread_reusing_dispatcher() {
        // SAFETY: runs the C++ tests, which return null or a message.
        let failure = unsafe { super::autojitd_test_thread_reusing_dispatcher() };
        // SAFETY: the message is the C++'s, made for us to free.
        let message = unsafe { autojit_llvm_capi::take_message(failure) };
        assert!(message.is_empty(), "{message}");
    }
}
