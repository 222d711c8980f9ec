//! The functions between the compiler's Rust and its C++, declared once in
//! `cpp/boundary.h`: build.rs generates their Rust declarations from it,
//! with LLVM's C types as llvm-sys's. Rust calls the C++ through these
//! declarations. The one function Rust defines for the C++ (`lazy_store.rs`'s
//! `collect_name`) crosses as a pointer, so the call passing it checks its
//! type against the header's.

use llvm_sys::prelude::{LLVMBasicBlockRef, LLVMModuleRef, LLVMValueRef};
use llvm_sys::target_machine::LLVMTargetMachineRef;

include!(concat!(env!("OUT_DIR"), "/boundary.rs"));
