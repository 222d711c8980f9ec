//! Compiler: lazy IR to an object file, at the optimization level of the
//! build that produced it.
//!
//! The plugin runs at the start of clang's pipeline, so lazy IR is
//! unoptimized; the same `default<On>` pipeline runs here before code
//! generation (at -O0 that is the always-inliner and little else), then the
//! sanitizers' instrumentation where the functions ask for it.

use crate::boundary::{autojit_instrument_for_sanitizers, autojit_use_section_per_symbol};
use autojit_llvm_capi::{check, take_buffer, take_message, OwnedModule};
use llvm_sys::core::LLVMDisposeMessage;
use llvm_sys::core::{
    LLVMContextSetDiagnosticHandler, LLVMGetDiagInfoDescription, LLVMGetDiagInfoSeverity,
};
use llvm_sys::prelude::{LLVMContextRef, LLVMDiagnosticInfoRef};
use llvm_sys::target_machine::*;
use llvm_sys::transforms::pass_builder::*;
use llvm_sys::LLVMDiagnosticSeverity;
use std::collections::HashMap;
use std::ffi::{c_void, CString};
use std::sync::Mutex;

pub struct Compiler {
    /// Errors LLVM reported through the context's diagnostic handler while
    /// compiling (boxed: the handler keeps its address).
    diagnostics: Box<Mutex<Vec<String>>>,
    triple: String,
    machines: HashMap<u32, LLVMTargetMachineRef>,
}

/// Registers the native target with LLVM: code generation and every JIT
/// need it first.
pub fn initialize_native_target() -> Result<(), String> {
    // SAFETY: initialization of the native target is idempotent.
    unsafe {
        // The asm parser too: code generation parses inline asm.
        if llvm_sys::target::LLVM_InitializeNativeTarget() != 0
            || llvm_sys::target::LLVM_InitializeNativeAsmPrinter() != 0
            || llvm_sys::target::LLVM_InitializeNativeAsmParser() != 0
        {
            return Err("LLVM has no native target for this machine".into());
        }
    }
    Ok(())
}

impl Compiler {
    pub fn new() -> Result<Self, String> {
        initialize_native_target()?;
        let (mut major, mut minor, mut patch) = (0, 0, 0);
        // SAFETY: writes three integers.
        unsafe { llvm_sys::core::LLVMGetVersion(&mut major, &mut minor, &mut patch) };
        let llvm_version = format!("{major}.{minor}.{patch}");
        // The object cache keys objects by the version the engine was built
        // with (`autojit_engine`'s target key), which must be the one compiling.
        if llvm_version != autojit_engine::LLVM_VERSION {
            return Err(format!(
                "autojit was built for LLVM {} but runs with LLVM {llvm_version}; rebuild or reinstall autojit",
                autojit_engine::LLVM_VERSION
            ));
        }
        // SAFETY: returns a message we own, taken once.
        let triple = unsafe { take_message(LLVMGetDefaultTargetTriple()) };
        Ok(Compiler {
            diagnostics: Box::default(),
            triple,
            machines: HashMap::new(),
        })
    }

    /// Where the errors LLVM reports while compiling (inline asm it cannot
    /// assemble, say) go, to become `compile`'s result instead of a fatal
    /// error.
    pub fn diagnostics(&self) -> DiagnosticSink {
        DiagnosticSink(&*self.diagnostics as *const Mutex<Vec<String>> as *mut c_void)
    }

    fn machine(&mut self, opt_level: u32) -> Result<LLVMTargetMachineRef, String> {
        if let Some(&tm) = self.machines.get(&opt_level) {
            return Ok(tm);
        }
        let triple = CString::new(self.triple.clone()).map_err(|e| e.to_string())?;
        let level = match opt_level {
            0 => LLVMCodeGenOptLevel::LLVMCodeGenLevelNone,
            1 => LLVMCodeGenOptLevel::LLVMCodeGenLevelLess,
            2 => LLVMCodeGenOptLevel::LLVMCodeGenLevelDefault,
            _ => LLVMCodeGenOptLevel::LLVMCodeGenLevelAggressive,
        };
        let mut target = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        // SAFETY: `triple` outlives the calls; host CPU strings are owned by
        // us and freed after the machine copied them.
        let tm = unsafe {
            if LLVMGetTargetFromTriple(triple.as_ptr(), &mut target, &mut err) != 0 {
                return Err(take_message(err));
            }
            let cpu = LLVMGetHostCPUName();
            let features = LLVMGetHostCPUFeatures();
            let tm = LLVMCreateTargetMachine(
                target,
                triple.as_ptr(),
                cpu,
                features,
                level,
                LLVMRelocMode::LLVMRelocPIC,
                LLVMCodeModel::LLVMCodeModelSmall,
            );
            LLVMDisposeMessage(cpu);
            LLVMDisposeMessage(features);
            // JITLink makes a block of each section and ORC tracks what each
            // function needs through its block: with one `.text` (or one
            // `.rodata` of jump tables) for a batch, every function would
            // depend on everything the batch refers to, and linking a batch
            // of a thousand functions took seconds.
            if !tm.is_null() {
                autojit_use_section_per_symbol(tm);
            }
            tm
        };
        if tm.is_null() {
            return Err(format!(
                "cannot create a target machine for {}",
                self.triple
            ));
        }
        self.machines.insert(opt_level, tm);
        Ok(tm)
    }

    /// Optimizes `module` in place and returns the object file.
    pub fn compile(&mut self, module: &OwnedModule, opt_level: u32) -> Result<Vec<u8>, String> {
        let tm = self.machine(opt_level)?;
        let pipeline = CString::new(format!("default<O{}>", opt_level.min(3))).expect("no NUL");
        // SAFETY: module and target machine are live; options are disposed.
        unsafe {
            let opts = LLVMCreatePassBuilderOptions();
            // The call graph profile of a profiled module orders functions
            // for the static linker; JIT code has no use for it, and its
            // section's REL relocations JITLink refuses.
            LLVMPassBuilderOptionsSetCallGraphProfile(opts, 0);
            let result = check(LLVMRunPasses(module.as_raw(), pipeline.as_ptr(), tm, opts));
            LLVMDisposePassBuilderOptions(opts);
            result?;
            // Where clang instruments: after the optimization pipeline.
            autojit_instrument_for_sanitizers(module.as_raw(), tm);
        }
        let mut buf = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        // SAFETY: as above; on success we own `buf`.
        if unsafe {
            LLVMTargetMachineEmitToMemoryBuffer(
                tm,
                module.as_raw(),
                LLVMCodeGenFileType::LLVMObjectFile,
                &mut err,
                &mut buf,
            )
        } != 0
        {
            // SAFETY: LLVM made the message for us to free.
            return Err(unsafe { take_message(err) });
        }
        // SAFETY: on success the buffer is ours, taken once.
        let object = unsafe { take_buffer(buf) };
        let errors: Vec<String> = self
            .diagnostics
            .lock()
            .map(|mut d| d.drain(..).collect())
            .unwrap_or_default();
        if errors.is_empty() {
            Ok(object)
        } else {
            Err(errors.join("; "))
        }
    }
}

extern "C" fn collect_diagnostic(info: LLVMDiagnosticInfoRef, sink: *mut c_void) {
    // SAFETY: `sink` is the compiler's boxed collection; `info` is live.
    let (sink, severity) = unsafe {
        (
            &*(sink as *const Mutex<Vec<String>>),
            LLVMGetDiagInfoSeverity(info),
        )
    };
    if severity != LLVMDiagnosticSeverity::LLVMDSError {
        return;
    }
    // SAFETY: returns a message we own, taken once.
    let message = unsafe { take_message(LLVMGetDiagInfoDescription(info)) };
    // Errors are reported on one line: the first says what is wrong (an
    // inline asm error goes on with the source line and a caret).
    let message = message
        .lines()
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_string();
    if let Ok(mut sink) = sink.lock() {
        sink.push(message);
    }
}

/// The compiler's collection of LLVM diagnostics, for the contexts whose
/// modules it compiles.
#[derive(Clone, Copy)]
pub struct DiagnosticSink(*mut c_void);

impl DiagnosticSink {
    /// Routes the diagnostics of `context` here.
    ///
    /// # Safety
    /// `context` must be live, and the compiler must outlive its use.
    pub unsafe fn install(self, context: LLVMContextRef) {
        // SAFETY: the sink is boxed in the compiler, which the caller keeps
        // alive for as long as the context is used.
        unsafe { LLVMContextSetDiagnosticHandler(context, Some(collect_diagnostic), self.0) };
    }
}

impl Drop for Compiler {
    fn drop(&mut self) {
        for (_, tm) in self.machines.drain() {
            // SAFETY: each machine was created by this compiler and is used
            // by nothing else.
            unsafe { llvm_sys::target_machine::LLVMDisposeTargetMachine(tm) };
        }
    }
}
