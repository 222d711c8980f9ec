//! The LLVM this build uses, chosen by feature (`llvm19` or `llvm22`):
//! llvm-sys's bindings of its C API, re-exported whole so that every crate
//! writes `llvm_sys::core::…` whichever it is, and, in [`pass_plugin`], what
//! differs between the two on the Rust side. (The C++ side's differences
//! are in `cxx-build/include/autojit/llvm_version.h`.)
#![no_std]

#[cfg(all(feature = "llvm19", feature = "llvm22"))]
compile_error!("enable one of the features llvm19 and llvm22, not both");

#[cfg(feature = "llvm19")]
pub use llvm_sys_191::*;
#[cfg(feature = "llvm22")]
pub use llvm_sys_221::*;

/// `llvm::PassPluginLibraryInfo`, what a pass plugin's
/// `llvmGetPassPluginInfo` returns by value to LLVM's plugin loader.
pub mod pass_plugin {
    use core::ffi::{c_char, c_void};

    /// `LLVM_PLUGIN_API_VERSION`: 2 since LLVM 22 added a callback.
    #[cfg(feature = "llvm19")]
    pub const API_VERSION: u32 = 1;
    #[cfg(feature = "llvm22")]
    pub const API_VERSION: u32 = 2;

    #[repr(C)]
    pub struct LibraryInfo {
        pub api_version: u32,
        pub plugin_name: *const c_char,
        pub plugin_version: *const c_char,
        /// Called with an `llvm::PassBuilder&`.
        pub register_pass_builder_callbacks: unsafe extern "C" fn(*mut c_void),
        /// LLVM 22's `PreCodeGenCallback`, which may emit code in place of
        /// the back end; left null.
        #[cfg(feature = "llvm22")]
        pub pre_codegen_callback: *const c_void,
    }

    impl LibraryInfo {
        pub fn new(
            plugin_name: *const c_char,
            plugin_version: *const c_char,
            register_pass_builder_callbacks: unsafe extern "C" fn(*mut c_void),
        ) -> Self {
            LibraryInfo {
                api_version: API_VERSION,
                plugin_name,
                plugin_version,
                register_pass_builder_callbacks,
                #[cfg(feature = "llvm22")]
                pre_codegen_callback: core::ptr::null(),
            }
        }
    }
}
