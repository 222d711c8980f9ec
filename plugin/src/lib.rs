//! autojit.so: the outlining pass plugin for clang and opt.
//!
//! `clang -fpass-plugin=autojit.so` runs the pass at the start of the
//! pipeline at every -O level; `ld.lld --load-pass-plugin=autojit.so` where
//! LTO back ends start (how Rust programs are built); `opt
//! --load-pass-plugin=autojit.so -passes=autojit` runs it alone. See `docs/design.md` for what it does.

mod boundary;
mod function_keys;
mod inlinable;
mod ir;
mod labels;
mod lazy_module;
mod link_checks;
mod log;
mod outline;
mod plan;
mod promote;
mod registration;
mod select;
mod thread_locals;
mod trampoline;

use std::ffi::{c_char, c_int, CString};

#[no_mangle]
pub extern "C" fn llvmGetPassPluginInfo() -> llvm_sys::pass_plugin::LibraryInfo {
    llvm_sys::pass_plugin::LibraryInfo::new(
        c"autojit".as_ptr(),
        c"0.1.0".as_ptr(),
        boundary::autojit_register_pass_builder_callbacks,
    )
}

/// Called by the C++ pass for each module. Returns 1 if the module changed,
/// 0 if not, 2 if it is left for the run after clang's coverage passes
/// (only when `before_coverage`), -1 on error with `*error` set (free it
/// with `autojit_free_error`).
///
/// # Safety
/// `module` must be a live module and `error` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn autojit_outline_module(
    module: llvm_sys::prelude::LLVMModuleRef,
    opt_level: u32,
    before_coverage: c_int,
    at_link_time: c_int,
    debug: c_int,
    embed: c_int,
    error: *mut *mut c_char,
) -> c_int {
    let opts = outline::Options {
        opt_level,
        debug: debug != 0 || autojit_abi::env::flag(autojit_abi::env::DEBUG),
        before_coverage: before_coverage != 0,
        at_link_time: at_link_time != 0,
        embed: embed != 0 || autojit_abi::env::flag(autojit_abi::env::EMBED),
    };
    match outline::outline_module(module, &opts) {
        Ok(outline::Outcome::Unchanged) => 0,
        Ok(outline::Outcome::Outlined) => 1,
        Ok(outline::Outcome::Deferred) => 2,
        Err(msg) => {
            let msg = CString::new(msg.replace('\0', " ")).unwrap_or_default();
            // SAFETY: the caller passes a valid out-pointer.
            unsafe { *error = msg.into_raw() };
            -1
        }
    }
}

/// # Safety
/// `error` must come from `autojit_outline_module` and be freed once.
#[no_mangle]
pub unsafe extern "C" fn autojit_free_error(error: *mut c_char) {
    if !error.is_null() {
        // SAFETY: `error` was made by CString::into_raw above.
        drop(unsafe { CString::from_raw(error) });
    }
}
