//! Label addresses (`&&label`, `blockaddress` in IR): which functions that
//! take them can be lazified, and which tables of them move with the body.
//!
//! A label address is only meaningful in the body it points into. When a
//! function is lazified its body leaves the static module, and every
//! `blockaddress` of it that stays there turns into garbage. So a function's
//! label addresses may only be used by its own instructions or sit in a
//! *label table*: a local constant that holds label addresses of that
//! function alone and that only that function uses (the `static const void
//! *const disptab[] = {&&L_OP_MOVE, ...}` of computed-goto interpreters). A
//! table is left local, so it moves into the lazy module with the body and
//! the engine extracts it along with it. Any other use (a table that is
//! writable, or used elsewhere, or holds labels of other functions too) keeps
//! the function in the static object.

use crate::ir;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use std::collections::HashSet;

pub struct LabelAddresses {
    /// Label tables: they stay local and follow their function.
    pub tables: HashSet<LLVMValueRef>,
    /// Functions that keep their bodies in the static object, and why.
    pub pinned: Vec<(LLVMValueRef, String)>,
}

pub fn analyze(m: LLVMModuleRef) -> LabelAddresses {
    let mut out = LabelAddresses {
        tables: HashSet::new(),
        pinned: Vec::new(),
    };
    for f in ir::functions(m) {
        let mut tables = HashSet::new();
        match check_function(f, &mut tables) {
            Ok(()) => out.tables.extend(tables),
            Err(reason) => out.pinned.push((f, reason)),
        }
    }
    out
}

/// Collects the label tables of `f`, or says why its label addresses cannot
/// leave the static module with its body.
fn check_function(f: LLVMValueRef, tables: &mut HashSet<LLVMValueRef>) -> Result<(), String> {
    for address in ir::block_addresses(f) {
        check_uses(f, address, tables, &mut HashSet::new())?;
    }
    Ok(())
}

/// Follows the users of `v`, a constant holding a label address of `f`.
fn check_uses(
    f: LLVMValueRef,
    v: LLVMValueRef,
    tables: &mut HashSet<LLVMValueRef>,
    seen: &mut HashSet<LLVMValueRef>,
) -> Result<(), String> {
    for user in ir::users(v) {
        if !seen.insert(user) {
            continue;
        }
        if let Some(parent) = ir::instruction_function(user) {
            if parent != f {
                return Err(format!(
                    "its label addresses are used in {}",
                    ir::name(parent)
                ));
            }
        } else if ir::is_global_variable(user) {
            check_table(f, user)?;
            tables.insert(user);
        } else if ir::is_global_value(user) {
            return Err(format!(
                "its label addresses are used by {}",
                ir::name(user)
            ));
        } else {
            check_uses(f, user, tables, seen)?;
        }
    }
    Ok(())
}

/// A global holding label addresses of `f` can follow `f` only if it is a
/// local constant, holds no label of another function, and only `f` uses it.
fn check_table(f: LLVMValueRef, table: LLVMValueRef) -> Result<(), String> {
    let name = ir::name(table);
    if !ir::is_local(ir::linkage(table)) {
        return Err(format!(
            "its label addresses are in the non-local global {name}"
        ));
    }
    // SAFETY: `table` is a live global variable.
    if unsafe { LLVMIsGlobalConstant(table) } == 0 {
        return Err(format!(
            "its label addresses are in the writable global {name}"
        ));
    }
    // SAFETY: as above; a local variable has an initializer.
    let init = unsafe { LLVMGetInitializer(table) };
    let mut others = HashSet::new();
    labelled_functions(init, &mut others, &mut HashSet::new());
    others.remove(&f);
    if let Some(&other) = others.iter().next() {
        return Err(format!(
            "its label table {name} also holds label addresses of {}",
            ir::name(other)
        ));
    }
    if !used_only_in(table, f, &mut HashSet::new()) {
        return Err(format!("its label table {name} is used outside it"));
    }
    Ok(())
}

/// The functions whose label addresses the constant `c` holds.
fn labelled_functions(
    c: LLVMValueRef,
    out: &mut HashSet<LLVMValueRef>,
    seen: &mut HashSet<LLVMValueRef>,
) {
    if !seen.insert(c) || ir::is_global_value(c) {
        return;
    }
    // SAFETY: `c` is a live constant.
    unsafe {
        if is_block_address(c) {
            out.insert(LLVMGetBlockAddressFunction(c));
            return;
        }
        for i in 0..LLVMGetNumOperands(c).max(0) as u32 {
            labelled_functions(LLVMGetOperand(c, i), out, seen);
        }
    }
}

/// True when every use of `v` is, perhaps through constant expressions, an
/// instruction of `f`.
fn used_only_in(v: LLVMValueRef, f: LLVMValueRef, seen: &mut HashSet<LLVMValueRef>) -> bool {
    ir::users(v).into_iter().all(|user| {
        if !seen.insert(user) {
            return true;
        }
        match ir::instruction_function(user) {
            Some(parent) => parent == f,
            None => !ir::is_global_value(user) && used_only_in(user, f, seen),
        }
    })
}

fn is_block_address(v: LLVMValueRef) -> bool {
    // SAFETY: `v` is a live value.
    !unsafe { LLVMIsABlockAddress(v) }.is_null()
}
