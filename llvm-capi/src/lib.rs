//! What the plugin and the engine both need around LLVM's C API: owned
//! modules, contexts and buffers that dispose of themselves, and messages
//! and errors turned into Rust strings. The C++ files of both return their
//! messages made with `LLVMCreateMessage`, so [`take_message`] frees them all.
//!
//! The functions that take a handle or a message LLVM has just given the
//! caller are `unsafe fn`s: they trust it to be live and theirs to dispose
//! of, which only the caller can know.

use llvm_sys::core::*;
use llvm_sys::error::*;
use llvm_sys::prelude::*;
use std::ffi::{c_char, CStr, CString};

/// `s` as a C string; NUL bytes, which no LLVM name holds, are dropped.
pub fn cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "")).expect("NUL bytes were removed")
}

/// Consumes an LLVMErrorRef: Ok for success, the message otherwise.
///
/// # Safety
/// `err` is null or a live error the caller owns and does not use again.
pub unsafe fn check(err: LLVMErrorRef) -> Result<(), String> {
    if err.is_null() {
        return Ok(());
    }
    // SAFETY: `err` is a live error we own; reading its message consumes it.
    let msg = unsafe { LLVMGetErrorMessage(err) };
    // SAFETY: `msg` is a NUL-terminated string LLVM allocated for us.
    let s = unsafe { CStr::from_ptr(msg) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: freed exactly once, after copying.
    unsafe { LLVMDisposeErrorMessage(msg) };
    Err(s)
}

/// A new LLVM error holding `message`, for LLVM to consume.
pub fn string_error(message: &str) -> LLVMErrorRef {
    let c = cstring(message);
    // SAFETY: LLVM copies the NUL-terminated message.
    unsafe { LLVMCreateStringError(c.as_ptr()) }
}

/// Copies and frees a message LLVM (or our C++) allocated; null is empty.
///
/// # Safety
/// `msg` is null or a NUL-terminated string made by `LLVMCreateMessage` (or
/// given by LLVM to be freed with `LLVMDisposeMessage`), not used again.
pub unsafe fn take_message(msg: *mut c_char) -> String {
    if msg.is_null() {
        return String::new();
    }
    // SAFETY: `msg` is a NUL-terminated string allocated for us.
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
///
/// # Safety
/// `buf` is a live buffer the caller owns and does not use again.
pub unsafe fn take_buffer(buf: LLVMMemoryBufferRef) -> Vec<u8> {
    // SAFETY: `buf` is live and owned by us; it is disposed after copying.
    unsafe {
        let start = LLVMGetBufferStart(buf) as *const u8;
        let bytes = std::slice::from_raw_parts(start, LLVMGetBufferSize(buf)).to_vec();
        LLVMDisposeMemoryBuffer(buf);
        bytes
    }
}

/// An LLVM module we must dispose of.
pub struct OwnedModule(LLVMModuleRef);

impl OwnedModule {
    /// Takes ownership of `m`.
    ///
    /// # Safety
    /// `m` is a live module that nothing else disposes of.
    pub unsafe fn from_raw(m: LLVMModuleRef) -> Self {
        OwnedModule(m)
    }

    /// A copy of `m`, ours to dispose of.
    ///
    /// # Safety
    /// `m` is a live module.
    pub unsafe fn clone_of(m: LLVMModuleRef) -> Self {
        // SAFETY: `m` is live (the caller's promise); the clone is new.
        OwnedModule(unsafe { LLVMCloneModule(m) })
    }

    /// The module, still owned by `self`.
    pub fn as_raw(&self) -> LLVMModuleRef {
        self.0
    }

    /// The module as textual IR. Unlike bitcode, the text depends only on
    /// the module: bitcode also lists every metadata kind the LLVM context
    /// has seen, which grows as code generation runs.
    pub fn text(&self) -> String {
        // SAFETY: the module is live; the message is ours to free.
        unsafe { take_message(LLVMPrintModuleToString(self.0)) }
    }
}

impl Drop for OwnedModule {
    fn drop(&mut self) {
        // SAFETY: we own the module; no handle into it outlives `self`.
        unsafe { LLVMDisposeModule(self.0) }
    }
}

/// An LLVM context of our own. Drop the modules made in it first.
pub struct OwnedContext(pub LLVMContextRef);

impl OwnedContext {
    pub fn new() -> Self {
        // SAFETY: a new context, owned by the result.
        OwnedContext(unsafe { LLVMContextCreate() })
    }
}

impl Default for OwnedContext {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for OwnedContext {
    fn drop(&mut self) {
        // SAFETY: owned here; its owner dropped the modules made in it first.
        unsafe { LLVMContextDispose(self.0) }
    }
}

/// The elements of an intrusive LLVM list, from `first` (null: none) on
/// with `next`.
///
/// # Safety
/// `first` must be null or a live element of a list `next` walks; the walk
/// only reads it.
pub unsafe fn list<T>(first: *mut T, next: unsafe extern "C" fn(*mut T) -> *mut T) -> Vec<*mut T> {
    let mut elements = Vec::new();
    let mut element = first;
    while !element.is_null() {
        elements.push(element);
        // SAFETY: `element` is a live element of the list (the caller's
        // promise, then `next`'s).
        element = unsafe { next(element) };
    }
    elements
}

/// The blocks of function `f`, in layout order.
///
/// # Safety
/// `f` must be a live function; the walk only reads it.
pub unsafe fn basic_blocks(f: LLVMValueRef) -> Vec<LLVMBasicBlockRef> {
    // SAFETY: the caller's promise.
    unsafe { list(LLVMGetFirstBasicBlock(f), LLVMGetNextBasicBlock) }
}

/// The instructions of `block`, in order.
///
/// # Safety
/// `block` must be a live block; the walk only reads it.
pub unsafe fn block_instructions(block: LLVMBasicBlockRef) -> Vec<LLVMValueRef> {
    // SAFETY: the caller's promise.
    unsafe { list(LLVMGetFirstInstruction(block), LLVMGetNextInstruction) }
}
