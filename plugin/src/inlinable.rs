//! Inlinable copies: above -O0, a small lazified function keeps an
//! available_externally copy of its code in the lazy module, under the name
//! lazy code calls it by, so the optimizer of each lazy body can inline it as
//! the regular build would. Calls it does not inline still go through the
//! function's trampoline, and the copy is never emitted.
//!
//! Not copied: functions the optimizer may not inline (`noinline`,
//! `optnone`), functions with label addresses, and functions that use a
//! constant copied into their own body (a string literal), whose address
//! would then differ between the function and the code that inlined it.

use crate::boundary::{autojit_has_label_addresses, autojit_make_inlinable_copy};
use crate::ir;
use crate::lazy_module::LazyFunction;
use autojit_abi::names;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use std::collections::HashSet;

/// Instructions, before any optimization, of the largest function copied:
/// well above what LLVM's inliner takes at -O2 once the code is cleaned up.
const MAX_INSTRUCTIONS: usize = 64;

/// Gives each small lazified function of lazy module `l` its copy;
/// returns how many got one.
pub fn add_inlinable_copies(l: LLVMModuleRef, lazified: &[LazyFunction]) -> usize {
    let mut copied = 0;
    for f in lazified {
        let body = ir::cstring(&names::body_name(f.guid));
        let name = ir::cstring(&f.name);
        // SAFETY: `l` is live; both names are NUL-terminated.
        let (body, decl) = unsafe {
            (
                LLVMGetNamedFunction(l, body.as_ptr()),
                LLVMGetNamedFunction(l, name.as_ptr()),
            )
        };
        if body.is_null() || decl.is_null() || !ir::is_declaration(decl) || !inlinable(body) {
            continue;
        }
        // SAFETY: `decl` is a declaration with `body`'s type, in `body`'s
        // module.
        unsafe { autojit_make_inlinable_copy(decl, body) };
        copied += 1;
    }
    copied
}

fn inlinable(f: LLVMValueRef) -> bool {
    !ir::has_fn_attr(f, "noinline")
        && !ir::has_fn_attr(f, "optnone")
        // SAFETY: `f` is a live function with a body.
        && unsafe { autojit_has_label_addresses(f) } == 0
        && small_and_without_local_constants(f)
}

fn small_and_without_local_constants(f: LLVMValueRef) -> bool {
    let mut count = 0;
    let mut seen = HashSet::new();
    // SAFETY: `f` is a live function; blocks and instructions are only read.
    unsafe {
        let mut block = LLVMGetFirstBasicBlock(f);
        while !block.is_null() {
            let mut inst = LLVMGetFirstInstruction(block);
            while !inst.is_null() {
                count += 1;
                if count > MAX_INSTRUCTIONS || refers_to_local_global(inst, &mut seen) {
                    return false;
                }
                inst = LLVMGetNextInstruction(inst);
            }
            block = LLVMGetNextBasicBlock(block);
        }
    }
    true
}

/// Whether `v` uses a global with local linkage, directly or through
/// constant expressions.
fn refers_to_local_global(v: LLVMValueRef, seen: &mut HashSet<LLVMValueRef>) -> bool {
    // SAFETY: `v` is a live instruction or constant; operands are only read.
    unsafe {
        (0..LLVMGetNumOperands(v).max(0)).any(|i| {
            let op = LLVMGetOperand(v, i as u32);
            if op.is_null() || LLVMIsAConstant(op).is_null() || !seen.insert(op) {
                return false;
            }
            if !LLVMIsAGlobalValue(op).is_null() {
                return ir::is_local(ir::linkage(op));
            }
            refers_to_local_global(op, seen)
        })
    }
}
