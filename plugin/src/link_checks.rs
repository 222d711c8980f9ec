//! Link checks: the references of lazy code that the static linker must
//! still see.
//!
//! A call that only lazy code makes exists only in the lazy bitcode, and
//! ELF linkers report an undefined symbol only when a relocation uses it.
//! Without a reference of its own in the object, a program calling a
//! function that exists nowhere would link (configure probes would find
//! every function) and fail at its first call. So each lazified function's
//! record carries a relocation per symbol its body refers to that the
//! object does not define (`autojit_abi::arch::module_link_check_asm` and
//! `TrampolineSections::link_checks`), which the linker checks as it checks a
//! call: strong stays strong, weak stays weak, hidden stays hidden, and a
//! record the linker drops (a discarded COMDAT group, a section garbage
//! collected) checks nothing, as the dropped body would not have.

use crate::ir;
use crate::lazy_module::LazyFunction;
use autojit_abi::{arch, names};
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMLinkage, LLVMVisibility};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The static module's global values by name.
pub type StaticSymbols = HashMap<String, LLVMValueRef>;

/// For each of `lazified` (in order), the names its body in lazy module
/// `l` refers to, directly or through the local code and constants it
/// carries, that the static module (its `symbols`) leaves undefined.
pub fn undefined_references(
    l: LLVMModuleRef,
    symbols: &StaticSymbols,
    lazified: &[LazyFunction],
) -> Vec<Vec<String>> {
    lazified
        .iter()
        .map(|f| {
            let c = ir::cstring(&names::body_name(f.guid));
            // SAFETY: `l` is live; the name is NUL-terminated.
            let body = unsafe { LLVMGetNamedFunction(l, c.as_ptr()) };
            if body.is_null() {
                return Vec::new();
            }
            let mut found = BTreeSet::new();
            let mut seen = HashSet::new();
            referenced_declarations(body, &mut seen, &mut found);
            found
                .into_iter()
                .filter(|name| undefined_in(symbols, name) && arch::can_quote(name))
                .collect()
        })
        .collect()
}

/// Module-level assembly that gives each checked symbol the binding and
/// visibility its declaration has: an undefined symbol that only a
/// relocation in assembly names would be strong and of default visibility.
pub fn symbol_directives(symbols: &StaticSymbols, checked: &BTreeSet<&str>) -> String {
    let mut asm = String::new();
    for &name in checked {
        let Some(&gv) = symbols.get(name) else {
            continue;
        };
        if ir::linkage(gv) == LLVMLinkage::LLVMExternalWeakLinkage {
            asm.push_str(&format!(".weak \"{name}\"\n"));
        }
        match ir::visibility(gv) {
            LLVMVisibility::LLVMHiddenVisibility => asm.push_str(&format!(".hidden \"{name}\"\n")),
            LLVMVisibility::LLVMProtectedVisibility => {
                asm.push_str(&format!(".protected \"{name}\"\n"))
            }
            LLVMVisibility::LLVMDefaultVisibility => {}
        }
    }
    asm
}

/// Collects into `found` the declarations `v` uses, following constant
/// expressions, the initializers of local variables and the bodies of local
/// functions (the lazy module carries those with the body). Other lazified
/// functions are declarations here; their own records check their bodies.
fn referenced_declarations(
    v: LLVMValueRef,
    seen: &mut HashSet<LLVMValueRef>,
    found: &mut BTreeSet<String>,
) {
    if !seen.insert(v) {
        return;
    }
    if ir::is_global_value(v) && !ir::is_declaration(v) {
        if ir::is_function(v) {
            for inst in ir::instructions(v) {
                operands(inst, seen, found);
            }
        } else if ir::is_global_variable(v) {
            // SAFETY: `v` is a live global variable with an initializer.
            let init = unsafe { LLVMGetInitializer(v) };
            if !init.is_null() {
                referenced_declarations(init, seen, found);
            }
        }
        return;
    }
    if ir::is_global_value(v) {
        let name = ir::name(v);
        if !name.starts_with("llvm.") {
            found.insert(name);
        }
        return;
    }
    operands(v, seen, found);
}

/// Follows the constant operands of an instruction or constant.
fn operands(v: LLVMValueRef, seen: &mut HashSet<LLVMValueRef>, found: &mut BTreeSet<String>) {
    // SAFETY: `v` is a live instruction or constant; operands are only read.
    let count = unsafe { LLVMGetNumOperands(v) }.max(0) as u32;
    for i in 0..count {
        // SAFETY: as above, `i` is below the operand count.
        let op = unsafe { LLVMGetOperand(v, i) };
        // SAFETY: `op` is null or a live value.
        if op.is_null() || unsafe { LLVMIsAConstant(op) }.is_null() {
            continue;
        }
        // An available_externally copy stands for a definition the program has
        // (an inlinable copy's trampoline, an always-inline function).
        let defined_in_the_program =
            ir::is_global_value(op) && !ir::is_declaration(op) && !ir::is_local(ir::linkage(op));
        if !defined_in_the_program {
            referenced_declarations(op, seen, found);
        }
    }
}

/// Whether the object compiled from `m` leaves `name` undefined: a
/// declaration, or an available_externally definition, which is never
/// emitted.
fn undefined_in(symbols: &StaticSymbols, name: &str) -> bool {
    symbols.get(name).is_some_and(|&gv| {
        ir::is_declaration(gv) || ir::linkage(gv) == LLVMLinkage::LLVMAvailableExternallyLinkage
    })
}
