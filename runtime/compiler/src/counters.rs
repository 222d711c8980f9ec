//! First-tier code counts how often each of its functions runs
//! (`autojit_abi::tier`): a counter per function, bumped at the end of its
//! entry block and before every back edge (a branch to a block laid out no
//! later than its own, which every loop has), and compared with `HOT_COUNT`
//! in the entry block. Once
//! reached, the function calls `__llvm_autojit_hot(guid)` and its counter
//! drops far below zero, so that it reports once. The counters are plain
//! loads and stores: a count lost to a race only delays the report.

use crate::boundary::autojit_split_block_before;
use autojit_abi::{names, tier::HOT_COUNT};
use autojit_llvm_capi::{basic_blocks, cstring, OwnedModule};
use llvm_sys::core::*;
use llvm_sys::debuginfo::{LLVMDIBuilderCreateDebugLocation, LLVMGetSubprogram};
use llvm_sys::prelude::*;
use llvm_sys::{LLVMIntPredicate, LLVMLinkage};

/// Adds the counters to the bodies of `guids` in `module`.
pub fn count_runs(module: &OwnedModule, guids: &[u64]) {
    let m = module.as_raw();
    // SAFETY: `m` is a live module, owned by the caller for the duration;
    // everything below is made in its context and inserted into it.
    unsafe {
        let ctx = LLVMGetModuleContext(m);
        let builder = LLVMCreateBuilderInContext(ctx);
        let counts = Counts {
            ctx,
            builder,
            i64: LLVMInt64TypeInContext(ctx),
            hook: hook(m, ctx),
        };
        for &guid in guids {
            let body = LLVMGetNamedFunction(m, cstring(&names::body_name(guid)).as_ptr());
            if !body.is_null() && LLVMIsDeclaration(body) == 0 {
                counts.add(m, body, guid);
            }
        }
        LLVMDisposeBuilder(builder);
    }
}

/// `void __llvm_autojit_hot(i64)` in a module.
struct Hook {
    ty: LLVMTypeRef,
    function: LLVMValueRef,
}

/// `void __llvm_autojit_hot(i64)`, declared once per module.
///
/// # Safety
/// `m` must be a live module of context `ctx`.
unsafe fn hook(m: LLVMModuleRef, ctx: LLVMContextRef) -> Hook {
    let name = cstring(names::HOT_FN);
    // SAFETY: the caller's promise.
    unsafe {
        let mut params = [LLVMInt64TypeInContext(ctx)];
        let ty = LLVMFunctionType(LLVMVoidTypeInContext(ctx), params.as_mut_ptr(), 1, 0);
        let existing = LLVMGetNamedFunction(m, name.as_ptr());
        let function = if existing.is_null() {
            LLVMAddFunction(m, name.as_ptr(), ty)
        } else {
            existing
        };
        Hook { ty, function }
    }
}

struct Counts {
    ctx: LLVMContextRef,
    builder: LLVMBuilderRef,
    i64: LLVMTypeRef,
    hook: Hook,
}

impl Counts {
    /// Counts the runs of `body`, the body of `guid`.
    ///
    /// # Safety
    /// `body` must be a defined function of the live module `m`, of the
    /// context the counts were made for.
    unsafe fn add(&self, m: LLVMModuleRef, body: LLVMValueRef, guid: u64) {
        // SAFETY: the caller's promise; every value is made in `ctx` and
        // inserted into `body`.
        unsafe {
            let counter = LLVMAddGlobal(
                m,
                self.i64,
                cstring(&format!("__llvm_autojit_count_{guid:016x}")).as_ptr(),
            );
            LLVMSetLinkage(counter, LLVMLinkage::LLVMInternalLinkage);
            LLVMSetInitializer(counter, LLVMConstInt(self.i64, 0, 0));

            let blocks = basic_blocks(body);
            let entry = blocks[0];
            // Back edges first, while the layout is the source's.
            for (index, &block) in blocks.iter().enumerate() {
                let terminator = LLVMGetBasicBlockTerminator(block);
                if terminator.is_null() {
                    continue;
                }
                let loops_back = (0..LLVMGetNumSuccessors(terminator)).any(|i| {
                    let successor = LLVMGetSuccessor(terminator, i);
                    blocks[..=index].contains(&successor)
                });
                if loops_back {
                    LLVMPositionBuilderBefore(self.builder, terminator);
                    self.bump(counter);
                }
            }

            // The entry block counts the call at its end and reports once:
            // its terminator moves to a block of its own. The entry's code
            // (the arguments' stores and their debug records) stays in the
            // entry block, where code generation keeps the arguments'
            // locations for the whole function.
            let rest = autojit_split_block_before(LLVMGetBasicBlockTerminator(entry));
            // The split ended the entry with a branch to `rest`: the count
            // takes its place.
            LLVMInstructionEraseFromParent(LLVMGetBasicBlockTerminator(entry));
            let report = LLVMAppendBasicBlockInContext(self.ctx, body, c"autojit.hot".as_ptr());
            LLVMPositionBuilderAtEnd(self.builder, entry);
            // The report is a call: in a function with debug info it needs
            // a location. Line 0, code of no line: a debugger's breakpoint
            // on the function skips it, to the body's first line, which
            // every call reaches.
            let subprogram = LLVMGetSubprogram(body);
            if !subprogram.is_null() {
                let location = LLVMDIBuilderCreateDebugLocation(
                    self.ctx,
                    0,
                    0,
                    subprogram,
                    std::ptr::null_mut(),
                );
                LLVMSetCurrentDebugLocation2(self.builder, location);
            }
            let count = self.bump(counter);
            let hot = LLVMBuildICmp(
                self.builder,
                LLVMIntPredicate::LLVMIntSGE,
                count,
                LLVMConstInt(self.i64, HOT_COUNT as u64, 1),
                c"autojit.is_hot".as_ptr(),
            );
            LLVMBuildCondBr(self.builder, hot, report, rest);
            LLVMPositionBuilderAtEnd(self.builder, report);
            LLVMBuildStore(
                self.builder,
                LLVMConstInt(self.i64, i64::MIN as u64, 1),
                counter,
            );
            let mut args = [LLVMConstInt(self.i64, guid, 0)];
            LLVMBuildCall2(
                self.builder,
                self.hook.ty,
                self.hook.function,
                args.as_mut_ptr(),
                1,
                c"".as_ptr(),
            );
            LLVMBuildBr(self.builder, rest);
            LLVMSetCurrentDebugLocation2(self.builder, std::ptr::null_mut());
        }
    }

    /// `counter += 1` where the builder is; the new count.
    ///
    /// # Safety
    /// The builder must be positioned in a function of the counter's module.
    unsafe fn bump(&self, counter: LLVMValueRef) -> LLVMValueRef {
        // SAFETY: the caller's promise.
        unsafe {
            let old = LLVMBuildLoad2(self.builder, self.i64, counter, c"autojit.runs".as_ptr());
            let new = LLVMBuildAdd(
                self.builder,
                old,
                LLVMConstInt(self.i64, 1, 0),
                c"autojit.runs1".as_ptr(),
            );
            LLVMBuildStore(self.builder, new, counter);
            new
        }
    }
}
