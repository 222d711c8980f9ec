//! Small conversions between LLVM C API values and Rust.

use llvm_sys::core::*;
use llvm_sys::error::*;
use llvm_sys::prelude::*;
use std::ffi::{c_char, CStr};

/// Consumes an LLVMErrorRef: Ok for success, the message otherwise.
pub fn check(err: LLVMErrorRef) -> Result<(), String> {
    if err.is_null() {
        return Ok(());
    }
    // SAFETY: `err` is a live error we own; the message is freed after copying.
    unsafe {
        let msg = LLVMGetErrorMessage(err);
        let s = CStr::from_ptr(msg).to_string_lossy().into_owned();
        LLVMDisposeErrorMessage(msg);
        Err(s)
    }
}

/// Copies and frees a message allocated by LLVM.
pub fn take_message(msg: *mut c_char) -> String {
    if msg.is_null() {
        return String::new();
    }
    // SAFETY: `msg` is a NUL-terminated string LLVM allocated for us.
    let s = unsafe { CStr::from_ptr(msg) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: as above, freed exactly once.
    unsafe { LLVMDisposeMessage(msg) };
    s
}

/// A memory buffer holding a copy of `bytes`.
pub fn buffer_copy(bytes: &[u8], name: &CStr) -> LLVMMemoryBufferRef {
    // SAFETY: LLVM copies `bytes` before returning.
    unsafe {
        LLVMCreateMemoryBufferWithMemoryRangeCopy(
            bytes.as_ptr() as *const c_char,
            bytes.len(),
            name.as_ptr(),
        )
    }
}

/// Copies a memory buffer's bytes and disposes it.
pub fn take_buffer(buf: LLVMMemoryBufferRef) -> Vec<u8> {
    // SAFETY: `buf` is live and owned by us; it is disposed after copying.
    unsafe {
        let start = LLVMGetBufferStart(buf) as *const u8;
        let bytes = std::slice::from_raw_parts(start, LLVMGetBufferSize(buf)).to_vec();
        LLVMDisposeMemoryBuffer(buf);
        bytes
    }
}

/// An LLVM module owned by the engine.
pub struct OwnedModule(pub LLVMModuleRef);

impl Drop for OwnedModule {
    fn drop(&mut self) {
        // SAFETY: we own the module; no handle into it outlives `self`.
        unsafe { LLVMDisposeModule(self.0) }
    }
}

impl OwnedModule {
    /// The module as textual IR. Unlike bitcode, the text depends only on
    /// the module: bitcode also lists every metadata kind the LLVM context
    /// has seen, which grows as code generation runs.
    pub fn text(&self) -> String {
        // SAFETY: the module is live; the message is ours to free.
        take_message(unsafe { LLVMPrintModuleToString(self.0) })
    }
}
