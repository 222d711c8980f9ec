//! First-tier code counts how often each of its functions runs
//! (`autojit_abi::tier`): a counter per function, bumped on entry and on
//! every back edge (a branch to a block laid out no later than its own,
//! which every loop has), and compared with `HOT_COUNT` on entry. Once
//! reached, the function calls `__llvm_autojit_hot(guid)` and its counter
//! drops far below zero, so that it reports once. The counters are plain
//! loads and stores: a count lost to a race only delays the report.

use autojit_abi::{names, tier::HOT_COUNT};
use autojit_llvm_capi::{basic_blocks, block_instructions, cstring, OwnedModule};
use llvm_sys::core::*;
use llvm_sys::debuginfo::{LLVMDIBuilderCreateDebugLocation, LLVMGetSubprogram};
use llvm_sys::prelude::*;
use llvm_sys::{LLVMIntPredicate, LLVMLinkage, LLVMOpcode};

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

/// `void __llvm_autojit_hot(i64)`, declared once per module.
///
/// # Safety
/// `m` must be a live module of context `ctx`.
unsafe fn hook(m: LLVMModuleRef, ctx: LLVMContextRef) -> (LLVMTypeRef, LLVMValueRef) {
    let name = cstring(names::HOT_FN);
    // SAFETY: the caller's promise.
    unsafe {
        let mut params = [LLVMInt64TypeInContext(ctx)];
        let ty = LLVMFunctionType(LLVMVoidTypeInContext(ctx), params.as_mut_ptr(), 1, 0);
        let existing = LLVMGetNamedFunction(m, name.as_ptr());
        let hook = if existing.is_null() {
            LLVMAddFunction(m, name.as_ptr(), ty)
        } else {
            existing
        };
        (ty, hook)
    }
}

struct Counts {
    ctx: LLVMContextRef,
    builder: LLVMBuilderRef,
    i64: LLVMTypeRef,
    hook: (LLVMTypeRef, LLVMValueRef),
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

            // A new entry block counts the call and reports once; the old
            // entry's static allocas move into it, so that they stay static.
            let counting =
                LLVMInsertBasicBlockInContext(self.ctx, entry, c"autojit.count".as_ptr());
            let report = LLVMInsertBasicBlockInContext(self.ctx, entry, c"autojit.hot".as_ptr());
            LLVMPositionBuilderAtEnd(self.builder, counting);
            for alloca in static_allocas(entry) {
                LLVMInstructionRemoveFromParent(alloca);
                LLVMInsertIntoBuilder(self.builder, alloca);
            }
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
            LLVMBuildCondBr(self.builder, hot, report, entry);
            LLVMPositionBuilderAtEnd(self.builder, report);
            LLVMBuildStore(
                self.builder,
                LLVMConstInt(self.i64, i64::MIN as u64, 1),
                counter,
            );
            let (hook_type, hook) = self.hook;
            let mut args = [LLVMConstInt(self.i64, guid, 0)];
            LLVMBuildCall2(
                self.builder,
                hook_type,
                hook,
                args.as_mut_ptr(),
                1,
                c"".as_ptr(),
            );
            LLVMBuildBr(self.builder, entry);
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

/// The allocas of `block` of constant size: the static ones, if `block` is
/// a function's entry.
///
/// # Safety
/// `block` must be a live block.
unsafe fn static_allocas(block: LLVMBasicBlockRef) -> Vec<LLVMValueRef> {
    // SAFETY: the caller's promise; the walk only reads.
    unsafe {
        block_instructions(block)
            .into_iter()
            .filter(|&i| {
                LLVMGetInstructionOpcode(i) == LLVMOpcode::LLVMAlloca
                    && !LLVMIsAConstant(LLVMGetOperand(i, 0)).is_null()
            })
            .collect()
    }
}
