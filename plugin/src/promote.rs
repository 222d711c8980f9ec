//! Promotion of the locals static and lazy code must share (`plan.rs` says
//! which): each becomes a hidden external symbol with a name unique to this
//! module, so the program and lazy code find one definition.

use crate::ir;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMLinkage, LLVMVisibility};

pub struct Promotion {
    pub old_name: String,
    pub new_name: String,
}

/// Promotes `locals` in order, which decides the names of any that clash.
pub fn promote_locals(locals: &[LLVMValueRef], module_id: u64) -> Vec<Promotion> {
    locals.iter().map(|&gv| promote(gv, module_id)).collect()
}

fn promote(gv: LLVMValueRef, module_id: u64) -> Promotion {
    let old_name = ir::name(gv);
    let base = if old_name.is_empty() {
        "anon"
    } else {
        &old_name
    };
    // A member of a link-once group (the profile data of an inline
    // function, say) is named after its group: the linker keeps one file's
    // group, whose members every file's references must find.
    let id = ir::comdat_name(gv).map_or(module_id, |group| {
        autojit_abi::function_guid("", &group, true)
    });
    let new_name = autojit_abi::names::promoted_name(base, id);
    ir::set_name(gv, &new_name);
    ir::set_linkage(gv, LLVMLinkage::LLVMExternalLinkage);
    ir::set_visibility(gv, LLVMVisibility::LLVMHiddenVisibility);
    Promotion {
        old_name,
        new_name: ir::name(gv),
    }
}
