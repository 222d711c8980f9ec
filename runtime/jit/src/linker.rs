//! ProcessLinker: links compiled objects into the running process with ORC's
//! LLJIT (JITLink underneath), registers their EH frames and, for debuggers,
//! their debug info through the GDB JIT interface.
//!
//! Each lazy module gets a JITDylib of its own: its hidden symbols are defined
//! there from the descriptor, and everything else resolves against the
//! process (dlsym), so static frames, globals and libraries are shared.

use crate::llvm::{buffer_copy, check};
use llvm_sys::error::LLVMErrorRef;
use llvm_sys::orc2::lljit::*;
use llvm_sys::orc2::*;
use std::ffi::{c_void, CString};
use std::sync::mpsc;

pub struct ProcessLinker {
    jit: LLVMOrcLLJITRef,
    session: LLVMOrcExecutionSessionRef,
    /// Why debugger registration is unavailable, if it is.
    pub debug_support_error: Option<String>,
}

pub type Dylib = LLVMOrcJITDylibRef;

extern "C" {
    // runtime/jit/cpp/orc_gaps.cpp
    fn autojit_create_object_linking_layer(
        ctx: *mut c_void,
        session: LLVMOrcExecutionSessionRef,
        triple: *const std::ffi::c_char,
    ) -> LLVMOrcObjectLayerRef;
}

impl ProcessLinker {
    pub fn new() -> Result<Self, String> {
        let mut jit = std::ptr::null_mut();
        // SAFETY: the builder is consumed by LLVMOrcCreateLLJIT; the layer
        // creator is a plain function without context.
        check(unsafe {
            let builder = LLVMOrcCreateLLJITBuilder();
            LLVMOrcLLJITBuilderSetObjectLinkingLayerCreator(
                builder,
                create_object_linking_layer,
                std::ptr::null_mut(),
            );
            LLVMOrcCreateLLJIT(&mut jit, builder)
        })?;
        // SAFETY: `jit` is live for the rest of the process.
        let debug_support_error = check(unsafe { LLVMOrcLLJITEnableDebugSupport(jit) }).err();
        // SAFETY: as above.
        let session = unsafe { LLVMOrcLLJITGetExecutionSession(jit) };
        Ok(ProcessLinker {
            jit,
            session,
            debug_support_error,
        })
    }

    /// A new JITDylib that defines `symbols` at fixed addresses and falls
    /// back to the process's own symbols.
    pub fn create_dylib(&self, name: &str, symbols: &[(&str, usize)]) -> Result<Dylib, String> {
        let name = CString::new(name).map_err(|e| e.to_string())?;
        // SAFETY: `session` is live; the name is copied by ORC.
        let jd = unsafe { LLVMOrcExecutionSessionCreateBareJITDylib(self.session, name.as_ptr()) };
        let mut generator = std::ptr::null_mut();
        // SAFETY: `jit` is live; the generator is handed to `jd`, which owns it.
        unsafe {
            check(LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
                &mut generator,
                LLVMOrcLLJITGetGlobalPrefix(self.jit),
                None,
                std::ptr::null_mut(),
            ))?;
            LLVMOrcJITDylibAddGenerator(jd, generator);
        }
        if symbols.is_empty() {
            return Ok(jd);
        }
        let mut pairs = Vec::with_capacity(symbols.len());
        for &(sym, address) in symbols {
            let c = CString::new(sym).map_err(|e| e.to_string())?;
            pairs.push(LLVMOrcCSymbolMapPair {
                // SAFETY: `jit` is live; the interned name is owned by the pair
                // until the materialization unit takes it.
                Name: unsafe { LLVMOrcLLJITMangleAndIntern(self.jit, c.as_ptr()) },
                Sym: LLVMJITEvaluatedSymbol {
                    Address: address as u64,
                    Flags: LLVMJITSymbolFlags {
                        GenericFlags: LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsExported
                            as u8,
                        TargetFlags: 0,
                    },
                },
            });
        }
        // SAFETY: `pairs` is valid for the call; the unit takes the names and
        // `jd` takes the unit.
        unsafe {
            let unit = LLVMOrcAbsoluteSymbols(pairs.as_mut_ptr(), pairs.len());
            check(LLVMOrcJITDylibDefine(jd, unit))?;
        }
        Ok(jd)
    }

    pub fn add_object(&self, jd: Dylib, object: &[u8]) -> Result<(), String> {
        let buf = buffer_copy(object, c"autojit-object");
        // SAFETY: `jit` and `jd` are live; ORC takes ownership of `buf`.
        check(unsafe { LLVMOrcLLJITAddObjectFile(self.jit, jd, buf) })
    }

    /// Looks `name` up in `jd`, linking whatever object defines it.
    pub fn lookup(&self, jd: Dylib, name: &str) -> Result<usize, String> {
        let c = CString::new(name).map_err(|e| e.to_string())?;
        let (tx, rx) = mpsc::channel::<Result<usize, String>>();
        let mut order = [LLVMOrcCJITDylibSearchOrderElement {
            JD: jd,
            JDLookupFlags: LLVMOrcJITDylibLookupFlags::LLVMOrcJITDylibLookupFlagsMatchAllSymbols,
        }];
        let mut symbols = [LLVMOrcCLookupSetElement {
            // SAFETY: `jit` is live; the lookup takes ownership of the name.
            Name: unsafe { LLVMOrcLLJITMangleAndIntern(self.jit, c.as_ptr()) },
            LookupFlags: LLVMOrcSymbolLookupFlags::LLVMOrcSymbolLookupFlagsRequiredSymbol,
        }];
        let ctx = Box::into_raw(Box::new(tx)) as *mut c_void;
        // SAFETY: the arrays live across the call; `ctx` is reclaimed exactly
        // once by `deliver_lookup`.
        unsafe {
            LLVMOrcExecutionSessionLookup(
                self.session,
                LLVMOrcLookupKind::LLVMOrcLookupKindStatic,
                order.as_mut_ptr(),
                1,
                symbols.as_mut_ptr(),
                1,
                deliver_lookup,
                ctx,
            );
        }
        rx.recv()
            .map_err(|_| "the JIT dropped the lookup".to_string())?
    }
}

extern "C" fn create_object_linking_layer(
    ctx: *mut c_void,
    session: LLVMOrcExecutionSessionRef,
    triple: *const std::ffi::c_char,
) -> LLVMOrcObjectLayerRef {
    // SAFETY: ORC calls this once with its live session while building LLJIT.
    unsafe { autojit_create_object_linking_layer(ctx, session, triple) }
}

extern "C" fn deliver_lookup(
    err: LLVMErrorRef,
    result: LLVMOrcCSymbolMapPairs,
    n: usize,
    ctx: *mut c_void,
) {
    // SAFETY: `ctx` is the sender boxed by `lookup`, handed over once.
    let tx = unsafe { Box::from_raw(ctx as *mut mpsc::Sender<Result<usize, String>>) };
    let outcome = check(err).and_then(|()| {
        if n == 0 || result.is_null() {
            return Err("symbol not found".to_string());
        }
        // SAFETY: on success `result` holds `n` pairs.
        Ok(unsafe { (*result).Sym.Address } as usize)
    });
    let _ = tx.send(outcome);
}

// SAFETY: the LLJIT instance is internally synchronized, and the engine only
// touches it under its own lock.
unsafe impl Send for ProcessLinker {}
