//! libautojit-engine.so: the engine behind `libautojit-runtime.so`, loaded by
//! it on the first materialization. Its C interface is
//! `autojit_abi::engine`; failures go back to the runtime as values.

use autojit_abi::engine::{bytes_to_malloced, MallocedBytes};
use autojit_abi::StatsSnapshot;
use autojit_abi::{ModuleDescriptor, RegisteredModule};
use autojit_jit::Engine;
use autojit_protocol::{autojit::encode_failure, Writer};
use std::ffi::c_char;
use std::sync::LazyLock;

const PREFIX: &str = "[autojit-runtime]";

static ENGINE: LazyLock<Engine> = LazyLock::new(|| {
    // SAFETY: installs a plain function; LLVM calls it instead of abort().
    unsafe { llvm_sys::error_handling::LLVMInstallFatalErrorHandler(Some(llvm_fatal_error)) };
    Engine::new(PREFIX)
});

/// LLVM cannot go on: say so on one line and end the program (aborting could
/// run the program's own signal handlers, which may be lazy code).
extern "C" fn llvm_fatal_error(reason: *const c_char) {
    // SAFETY: LLVM passes a NUL-terminated reason.
    let reason = unsafe { std::ffi::CStr::from_ptr(reason) }.to_string_lossy();
    eprintln!("{PREFIX} LLVM failed while compiling lazy code: {reason}; rebuild the function's file without autojit and report this");
    // SAFETY: ends the process without unwinding or atexit handlers.
    unsafe { libc::_exit(1) }
}

/// # Safety
/// `module` must be a descriptor emitted by the autojit plugin.
#[no_mangle]
pub unsafe extern "C" fn autojit_engine_register(module: *const ModuleDescriptor) {
    // SAFETY: the runtime only forwards descriptors it was given by
    // registration constructors; they live as long as their binary.
    if let Some(module) = unsafe { RegisteredModule::from_raw(module) } {
        ENGINE.register_descriptor(module);
    }
}

/// # Safety
/// `failure` must be a valid pointer to write the failure's bytes to.
#[no_mangle]
pub unsafe extern "C" fn autojit_engine_materialize(
    guid: u64,
    failure: *mut MallocedBytes,
) -> usize {
    match ENGINE.materialize(guid) {
        Ok(address) => address,
        Err(e) => {
            let mut w = Writer::new();
            encode_failure(&mut w, &e);
            // SAFETY: the caller passes a valid out-pointer.
            unsafe { *failure = bytes_to_malloced(&w.bytes) };
            0
        }
    }
}

#[no_mangle]
pub extern "C" fn autojit_engine_stats() -> StatsSnapshot {
    ENGINE.stats.snapshot()
}
