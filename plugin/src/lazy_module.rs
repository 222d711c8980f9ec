//! Builds the lazy module: a copy of the (promoted) module that keeps the
//! bodies of the lazified functions, renamed `__autojit_fn_<guid>`, and turns
//! everything the program itself defines into declarations.
//!
//! Inside lazy code every other lazified function is reached through its
//! static frame (the declaration keeps the source name), so a function's
//! address is the same in static and lazy code and each body compiles once.

use crate::ir;
use autojit_abi::names;
use llvm_sys::comdat::LLVMSetComdat;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMLinkage, LLVMModuleFlagBehavior, LLVMVisibility};

pub struct LazyFunction {
    pub name: String,
    pub guid: u64,
}

pub fn build_lazy_module(
    m: LLVMModuleRef,
    lazified: &[LazyFunction],
    opt_level: u32,
) -> ir::OwnedModule {
    // SAFETY: `m` is the live module the pass runs on.
    let lazy = unsafe { ir::OwnedModule::clone_of(m) };
    let l = lazy.as_raw();
    for list in [
        "llvm.global_ctors",
        "llvm.global_dtors",
        "llvm.used",
        "llvm.compiler.used",
    ] {
        if let Some(g) = ir::named_global(l, list) {
            ir::erase(g);
        }
    }
    for alias in ir::aliases(l) {
        if ir::is_local(ir::linkage(alias)) {
            // No symbol lazy code could find: the alias is its aliasee.
            ir::replace_all_uses(alias, ir::aliasee(alias));
            ir::erase(alias);
        } else {
            replace_with_declaration(l, alias);
        }
    }
    for ifunc in ir::ifuncs(l) {
        replace_with_declaration(l, ifunc);
    }
    for g in ir::globals(l) {
        if !ir::is_local(ir::linkage(g)) && !ir::is_declaration(g) {
            make_variable_declaration(g);
        }
    }
    for f in lazified {
        let c = ir::cstring(&f.name);
        // SAFETY: `l` is live; the clone kept every function name.
        let body = unsafe { LLVMGetNamedFunction(l, c.as_ptr()) };
        split_body_from_name(l, body, f);
    }
    let body_prefix = names::BODY_PREFIX;
    for f in ir::functions(l) {
        let keeps_body = ir::is_local(ir::linkage(f)) || ir::name(f).starts_with(body_prefix);
        if keeps_body || ir::is_declaration(f) {
            continue;
        }
        // SAFETY: `f` is a live function of `l`.
        unsafe { LLVMSetComdat(f, std::ptr::null_mut()) };
        if ir::has_fn_attr(f, "alwaysinline") {
            // The program keeps its own definition; lazy code inlines this copy.
            ir::set_linkage(f, LLVMLinkage::LLVMAvailableExternallyLinkage);
        } else {
            ir::delete_body(f);
        }
    }
    for gv in ir::global_values(l) {
        if ir::is_declaration(gv) {
            ir::set_dso_local(gv, false);
        }
    }
    ir::slim_lazy_debug_info(l);
    erase_dead_locals(l);
    add_opt_level_flag(l, opt_level);
    lazy
}

/// Names the lazy code refers to but does not define: declarations, and the
/// inlinable copies of lazified functions (a call the optimizer does not
/// inline, or an address, still needs the program's trampoline).
pub fn external_references(l: LLVMModuleRef) -> Vec<String> {
    ir::global_values(l)
        .into_iter()
        .filter(|&gv| (ir::is_declaration(gv) || is_inlinable_copy(gv)) && ir::has_uses(gv))
        .map(ir::name)
        .collect()
}

/// An available_externally copy `inlinable.rs` made; the program's own
/// always-inline functions are the other available_externally ones.
fn is_inlinable_copy(gv: LLVMValueRef) -> bool {
    ir::is_function(gv)
        && ir::linkage(gv) == LLVMLinkage::LLVMAvailableExternallyLinkage
        && !ir::has_fn_attr(gv, "alwaysinline")
}

/// Renames the body to `__autojit_fn_<guid>` and leaves a declaration with the
/// source name in its place for every use.
fn split_body_from_name(l: LLVMModuleRef, body: LLVMValueRef, f: &LazyFunction) {
    ir::set_name(body, &names::body_name(f.guid));
    let c = ir::cstring(&f.name);
    // SAFETY: `l`, `body` are live; the new declaration has the body's type.
    unsafe {
        let decl = LLVMAddFunction(l, c.as_ptr(), ir::value_type(body));
        LLVMSetFunctionCallConv(decl, LLVMGetFunctionCallConv(body));
        ir::replace_uses_except_label_addresses(body, decl);
        LLVMSetComdat(body, std::ptr::null_mut());
        let attr = LLVMCreateStringAttribute(
            ir::context(l),
            names::SOURCE_NAME_ATTR.as_ptr() as *const _,
            names::SOURCE_NAME_ATTR.len() as u32,
            f.name.as_ptr() as *const _,
            f.name.len() as u32,
        );
        LLVMAddAttributeAtIndex(body, llvm_sys::LLVMAttributeFunctionIndex, attr);
    }
    ir::set_linkage(body, LLVMLinkage::LLVMExternalLinkage);
    ir::set_visibility(body, LLVMVisibility::LLVMDefaultVisibility);
}

fn make_variable_declaration(g: LLVMValueRef) {
    // SAFETY: `g` is a live global variable; a null initializer makes it a
    // declaration.
    unsafe {
        LLVMSetInitializer(g, std::ptr::null_mut());
        LLVMSetComdat(g, std::ptr::null_mut());
    }
    ir::set_linkage(g, LLVMLinkage::LLVMExternalLinkage);
    ir::set_visibility(g, LLVMVisibility::LLVMDefaultVisibility);
}

/// Aliases and ifuncs cannot be declarations; lazy code refers to them by name
/// like any other symbol of the program.
fn replace_with_declaration(l: LLVMModuleRef, indirect: LLVMValueRef) {
    let decl = ir::declaration_in_place_of(l, indirect);
    ir::replace_all_uses(indirect, decl);
    ir::erase(indirect);
}

/// Removes local functions and constants nothing refers to any more (static
/// initializers and helpers only they used).
pub fn erase_dead_locals(m: LLVMModuleRef) {
    loop {
        let dead: Vec<_> = ir::global_values(m)
            .into_iter()
            .filter(|&gv| ir::is_local(ir::linkage(gv)) && !ir::has_uses(gv))
            .collect();
        if dead.is_empty() {
            return;
        }
        dead.into_iter().for_each(ir::erase);
    }
}

fn add_opt_level_flag(l: LLVMModuleRef, level: u32) {
    let key = names::OPT_LEVEL_FLAG;
    // SAFETY: `l` is live; the flag's value is a constant of its context.
    unsafe {
        let md = LLVMValueAsMetadata(ir::const_i32(ir::context(l), level));
        LLVMAddModuleFlag(
            l,
            LLVMModuleFlagBehavior::LLVMModuleFlagBehaviorWarning,
            key.as_ptr() as *const _,
            key.len(),
            md,
        );
    }
}
