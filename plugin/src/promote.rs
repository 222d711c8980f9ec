//! Promotion of local symbols that static and lazy code must share.
//!
//! A local variable (`static int counter`) must exist once, so it becomes a
//! hidden external symbol with a name unique to this module and stays defined
//! in the program. A local function whose address escapes must keep one
//! address, so it becomes hidden external too and is lazified like any other;
//! so does a local function pinned for its label addresses, whose copies in
//! lazy bodies would read label addresses of the static copy. Local functions
//! that are only called stay local: the runtime copies them into each lazy
//! body that calls them. Unnamed-address constants (string literals) have no
//! identity to keep and are copied the same way. Label tables stay local and
//! follow their function (`labels.rs`).

use crate::ir;
use crate::labels::LabelAddresses;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMLinkage, LLVMUnnamedAddr, LLVMVisibility};
use std::collections::HashSet;

pub struct Promotion {
    pub old_name: String,
    pub new_name: String,
}

pub fn promote_locals(m: LLVMModuleRef, module_id: u64, labels: &LabelAddresses) -> Vec<Promotion> {
    let pinned = crate::select::pinned_functions(m);
    let label_pinned: HashSet<LLVMValueRef> = labels.pinned.iter().map(|&(f, _)| f).collect();
    let mut promoted = Vec::new();
    for g in ir::globals(m) {
        if ir::is_local(ir::linkage(g))
            && !is_copyable_constant(g)
            && !is_metadata_global(g)
            && !labels.tables.contains(&g)
        {
            promoted.push(promote(g, module_id));
        }
    }
    for f in ir::functions(m) {
        if ir::is_local(ir::linkage(f))
            && (!pinned.contains(&f) || label_pinned.contains(&f))
            && address_escapes(f)
        {
            promoted.push(promote(f, module_id));
        }
    }
    promoted
}

fn promote(gv: LLVMValueRef, module_id: u64) -> Promotion {
    let old_name = ir::name(gv);
    let base = if old_name.is_empty() {
        "anon"
    } else {
        &old_name
    };
    let new_name = autojit_abi::names::promoted_name(base, module_id);
    ir::set_name(gv, &new_name);
    ir::set_linkage(gv, LLVMLinkage::LLVMExternalLinkage);
    ir::set_visibility(gv, LLVMVisibility::LLVMHiddenVisibility);
    Promotion {
        old_name,
        new_name: ir::name(gv),
    }
}

/// Constants whose address nobody can observe: each lazy body may have its
/// own copy.
fn is_copyable_constant(g: LLVMValueRef) -> bool {
    // SAFETY: `g` is a live global variable.
    unsafe {
        LLVMIsGlobalConstant(g) != 0
            && LLVMGetUnnamedAddress(g) != LLVMUnnamedAddr::LLVMNoUnnamedAddr
    }
}

fn is_metadata_global(g: LLVMValueRef) -> bool {
    ir::name(g).starts_with("llvm.")
}

/// True when `f` is used other than as the callee of a direct call.
pub fn address_escapes(f: LLVMValueRef) -> bool {
    let mut seen = HashSet::new();
    ir::users(f).into_iter().any(|user| {
        if !seen.insert(user) {
            return false;
        }
        // SAFETY: `user` is a live user of `f`.
        unsafe {
            let is_call = !LLVMIsACallInst(user).is_null() || !LLVMIsAInvokeInst(user).is_null();
            if !is_call || LLVMGetCalledValue(user) != f {
                return true;
            }
            (0..LLVMGetNumArgOperands(user)).any(|i| LLVMGetOperand(user, i) == f)
        }
    })
}
