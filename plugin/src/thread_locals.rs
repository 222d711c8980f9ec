//! Thread-local variables in lazy code.
//!
//! The variables stay in the program, where their initial images and every
//! thread's copy are. Lazy code reaches one through an accessor the static
//! module defines for it, `__llvm_autojit_tls.<name>`, which returns the
//! calling thread's address of the variable as the program's own code
//! computes it: no TLS relocation reaches the engine's linkers, and a
//! variable of a shared library is its library's. In the lazy module each
//! `llvm.threadlocal.address` of a variable becomes a call to its accessor,
//! which, like the intrinsic, reads no memory, so the optimizer may hoist it
//! out of loops; so does each instruction that uses the variable itself
//! (clang loads and stores the guard of a `thread_local` static local
//! directly).

use crate::ir;
use llvm_sys::comdat::{LLVMGetOrInsertComdat, LLVMSetComdat};
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMLinkage, LLVMVisibility};
use std::collections::HashSet;

const ADDRESS_INTRINSIC: &str = "llvm.threadlocal.address";
const ACCESSOR_PREFIX: &str = "__llvm_autojit_tls.";

fn is_thread_local(g: LLVMValueRef) -> bool {
    // SAFETY: `g` is a live global variable.
    unsafe { LLVMIsThreadLocal(g) != 0 }
}

/// Whether the instruction `user` may use a variable through an accessor's
/// result computed right before it: any but a phi, whose value would have
/// to come from a predecessor.
fn may_use_accessor(user: LLVMValueRef) -> bool {
    // SAFETY: `user` is a live value.
    unsafe { !LLVMIsAInstruction(user).is_null() && LLVMIsAPHINode(user).is_null() }
}

/// Whether `user` is a call of `llvm.threadlocal.address`.
fn is_address_call(user: LLVMValueRef) -> bool {
    // SAFETY: `user` is a live value; the callee is read only from calls.
    unsafe {
        if LLVMIsACallInst(user).is_null() {
            return false;
        }
        let callee = LLVMGetCalledValue(user);
        !callee.is_null() && ir::name(callee).starts_with(ADDRESS_INTRINSIC)
    }
}

/// Functions that use a thread-local variable where an accessor's result
/// cannot stand in (a constant expression, a phi): they keep their bodies
/// in the program.
pub fn pinned_users(m: LLVMModuleRef) -> HashSet<LLVMValueRef> {
    let mut pinned = HashSet::new();
    for g in ir::globals(m).into_iter().filter(|&g| is_thread_local(g)) {
        // (user, whether it uses the variable inside a constant expression)
        let mut pending: Vec<_> = ir::users(g).into_iter().map(|u| (u, false)).collect();
        while let Some((user, in_constant)) = pending.pop() {
            if !in_constant && may_use_accessor(user) {
                continue;
            }
            match ir::instruction_function(user) {
                Some(f) => {
                    pinned.insert(f);
                }
                // A constant expression: whoever uses it uses the variable.
                // SAFETY: `user` is a live value.
                None if unsafe { !LLVMIsAConstantExpr(user).is_null() } => {
                    pending.extend(ir::users(user).into_iter().map(|u| (u, true)))
                }
                None => {}
            }
        }
    }
    pinned
}

/// Makes the lazy module reach its thread-local variables through
/// accessors, which it defines in the static module `m`. Returns how many
/// variables lazy code uses.
pub fn reach_through_accessors(lazy: LLVMModuleRef, m: LLVMModuleRef) -> usize {
    let mut reached = 0;
    for var in ir::globals(lazy)
        .into_iter()
        .filter(|&g| is_thread_local(g))
    {
        let users: Vec<LLVMValueRef> = ir::users(var)
            .into_iter()
            .filter(|&u| may_use_accessor(u))
            .collect();
        if users.is_empty() {
            continue;
        }
        let name = format!("{ACCESSOR_PREFIX}{}", ir::name(var));
        let Some(static_var) = ir::named_global(m, &ir::name(var)) else {
            continue;
        };
        define_accessor(m, &name, static_var);
        let accessor = declare_accessor(lazy, &name);
        let ctx = ir::context(lazy);
        // SAFETY: every handle is live in `lazy`; the accessor's call is
        // built right before each user, which then uses its result: an
        // address call is replaced and erased, another instruction gets the
        // result in place of each operand that is the variable.
        unsafe {
            let ty = accessor_type(ctx);
            let builder = LLVMCreateBuilderInContext(ctx);
            for user in users {
                LLVMPositionBuilderBefore(builder, user);
                let address =
                    LLVMBuildCall2(builder, ty, accessor, std::ptr::null_mut(), 0, c"".as_ptr());
                if is_address_call(user) {
                    ir::replace_all_uses(user, address);
                    LLVMInstructionEraseFromParent(user);
                    continue;
                }
                for i in 0..LLVMGetNumOperands(user) as u32 {
                    if LLVMGetOperand(user, i) == var {
                        LLVMSetOperand(user, i, address);
                    }
                }
            }
            LLVMDisposeBuilder(builder);
        }
        reached += 1;
    }
    reached
}

fn accessor_type(ctx: LLVMContextRef) -> LLVMTypeRef {
    // SAFETY: `ctx` is live; the type lives as long as it.
    unsafe { LLVMFunctionType(ir::ptr_type(ctx), std::ptr::null_mut(), 0, 0) }
}

/// `ptr name()`, reading no memory, in the lazy module.
fn declare_accessor(lazy: LLVMModuleRef, name: &str) -> LLVMValueRef {
    let ctx = ir::context(lazy);
    let c = ir::cstring(name);
    // SAFETY: `lazy`/`ctx` are live; the attributes are the context's.
    unsafe {
        let existing = LLVMGetNamedFunction(lazy, c.as_ptr());
        if !existing.is_null() {
            return existing;
        }
        let f = LLVMAddFunction(lazy, c.as_ptr(), accessor_type(ctx));
        LLVMSetVisibility(f, LLVMVisibility::LLVMHiddenVisibility);
        for (attr, value) in [("nounwind", 0), ("willreturn", 0), ("memory", 0)] {
            let kind = LLVMGetEnumAttributeKindForName(attr.as_ptr() as *const _, attr.len());
            let attribute = LLVMCreateEnumAttribute(ctx, kind, value);
            LLVMAddAttributeAtIndex(f, llvm_sys::LLVMAttributeFunctionIndex, attribute);
        }
        f
    }
}

/// `ptr name() { ret llvm.threadlocal.address(var) }` in the static module,
/// one per program: link-once in a group of its own name, hidden.
fn define_accessor(m: LLVMModuleRef, name: &str, var: LLVMValueRef) {
    let ctx = ir::context(m);
    let c = ir::cstring(name);
    // SAFETY: `m`/`ctx` are live; the body is built into the new function.
    unsafe {
        if !LLVMGetNamedFunction(m, c.as_ptr()).is_null() {
            return;
        }
        let f = LLVMAddFunction(m, c.as_ptr(), accessor_type(ctx));
        LLVMSetLinkage(f, LLVMLinkage::LLVMLinkOnceODRLinkage);
        LLVMSetVisibility(f, LLVMVisibility::LLVMHiddenVisibility);
        LLVMSetComdat(f, LLVMGetOrInsertComdat(m, c.as_ptr()));
        let id = LLVMLookupIntrinsicID(
            ADDRESS_INTRINSIC.as_ptr() as *const _,
            ADDRESS_INTRINSIC.len(),
        );
        let mut overloads = [ir::ptr_type(ctx)];
        let intrinsic = LLVMGetIntrinsicDeclaration(m, id, overloads.as_mut_ptr(), 1);
        let intrinsic_type = LLVMIntrinsicGetType(ctx, id, overloads.as_mut_ptr(), 1);
        let entry = LLVMAppendBasicBlockInContext(ctx, f, c"entry".as_ptr());
        let builder = LLVMCreateBuilderInContext(ctx);
        LLVMPositionBuilderAtEnd(builder, entry);
        let mut args = [var];
        let address = LLVMBuildCall2(
            builder,
            intrinsic_type,
            intrinsic,
            args.as_mut_ptr(),
            1,
            c"".as_ptr(),
        );
        LLVMBuildRet(builder, address);
        LLVMDisposeBuilder(builder);
    }
}
