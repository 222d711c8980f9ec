//! The functions between autojitd's Rust and its C++, declared once in
//! `cpp/boundary.h`: build.rs generates their Rust declarations from it,
//! with LLVM's C types as llvm-sys's. Rust calls the ones C++ defines
//! through these declarations; the ones Rust defines (`callbacks.rs`) are
//! checked against them below.

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

/// Fails to compile unless each Rust definition has the header's type: the
/// declaration and the definition only make one array if their types agree.
macro_rules! defined_as_declared {
    ($($name:ident),* $(,)?) => {
        $(const _: () = {
            let _ = [$name, crate::callbacks::$name];
        };)*
    };
}

defined_as_declared!(
    autojitd_start,
    autojitd_send,
    autojitd_setting,
    autojitd_disconnect,
    autojitd_call,
);

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
