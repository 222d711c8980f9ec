//! The functions between the plugin's Rust and its C++, declared once in
//! `cpp/boundary.h`: build.rs generates their Rust declarations from it,
//! with LLVM's C types as llvm-sys's. Rust calls the ones C++ defines
//! through these declarations; the ones Rust defines (`lib.rs`) are checked
//! against them below.

use llvm_sys::prelude::{LLVMComdatRef, LLVMModuleRef, LLVMValueRef};

include!(concat!(env!("OUT_DIR"), "/boundary.rs"));

/// Fails to compile unless each Rust definition has the header's type: the
/// declaration and the definition only make one array if their types agree.
macro_rules! defined_as_declared {
    ($($name:ident),* $(,)?) => {
        $(const _: () = {
            let _ = [$name, crate::$name];
        };)*
    };
}

defined_as_declared!(autojit_outline_module, autojit_free_error);
