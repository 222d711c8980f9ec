//! The trampoline: what stays in the program in place of a lazified body.
//!
//! The function becomes a declaration, and module-level assembly
//! (`autojit_abi::arch::trampoline_asm`) defines its symbol with everything
//! the definition had: binding, visibility, section, COMDAT group,
//! alignment. The trampoline costs code generation no machine function, and
//! static callers see an opaque declaration: nothing inlines it or infers
//! anything from a body it lacks, and no reference to its record can end up
//! outside its COMDAT group. It carries no debug info: a debugger resolves
//! a line breakpoint to the compiled body, and the program keeps no debug
//! info for code it lacks. Aliases of lazified functions (IR cannot point
//! one at a declaration) become assembly too.

use crate::ir;
use autojit_abi::arch::{
    self, AliasSymbol, Binding, TrampolineSections, TrampolineSymbol, Visibility,
};
use llvm_sys::prelude::*;
use llvm_sys::{LLVMLinkage, LLVMVisibility};
use std::collections::HashSet;

/// Attributes that describe the body, not a trampoline that jumps to it.
const BODY_ONLY_ATTRS: [&str; 9] = [
    "memory",
    "nosync",
    "speculatable",
    "willreturn",
    "nofree",
    "norecurse",
    "noreturn",
    "uwtable",
    "optnone",
];

/// A function to replace with its trampoline.
pub struct Lazified<'a> {
    pub function: LLVMValueRef,
    pub guid: u64,
    /// What its body refers to that the object does not define; its record
    /// carries them if the function has a COMDAT group.
    pub link_checks: &'a [&'a str],
}

/// What the module says about all its trampolines.
struct ModuleTraits {
    /// `llvm.used`: symbols the linker must keep.
    retained: HashSet<LLVMValueRef>,
    /// Built with `-fcf-protection=branch`.
    branch_protection: bool,
    /// Position-independent code for a shared library, whose
    /// default-visibility symbols other modules may preempt.
    shared_library: bool,
}

/// Replaces each lazified function with a declaration and its aliases with
/// declarations of their own; returns the module-level assembly that
/// defines them all.
pub fn replace_with_trampolines(m: LLVMModuleRef, lazified: &[Lazified]) -> String {
    let traits = ModuleTraits {
        retained: ir::used_values(m, "llvm.used"),
        branch_protection: ir::has_module_flag(m, "cf-protection-branch"),
        shared_library: ir::has_module_flag(m, "PIC Level") && !ir::has_module_flag(m, "PIE Level"),
    };
    let functions: HashSet<LLVMValueRef> = lazified.iter().map(|l| l.function).collect();
    // Found first: a replaced alias no longer leads to its function.
    let aliases = aliases_of(m, &functions);
    let mut asm = String::new();
    for l in lazified {
        asm.push_str(&replace_body_with_trampoline(l, &traits));
    }
    for (alias, function) in aliases {
        asm.push_str(&replace_alias(m, alias, function, &traits));
    }
    asm
}

/// The trampoline's assembly; `f` becomes its declaration.
fn replace_body_with_trampoline(l: &Lazified, traits: &ModuleTraits) -> String {
    let f = l.function;
    let name = ir::name(f);
    let section = ir::section(f);
    let symbol = TrampolineSymbol {
        name: &name,
        binding: binding(ir::linkage(f)),
        visibility: visibility(f),
        section: section.as_deref(),
        align: u64::from(ir::alignment(f).max(1)),
        retain: traits.retained.contains(&f),
        // LLVM gives a function that may throw an FDE.
        unwind_info: !ir::has_fn_attr(f, "nounwind"),
    };
    let comdat = ir::comdat_name(f);
    let asm = arch::trampoline_asm(
        l.guid,
        &symbol,
        &TrampolineSections {
            comdat: comdat.as_deref(),
            branch_protection: traits.branch_protection,
            link_checks: l.link_checks,
        },
    );
    make_declaration(f, traits);
    asm
}

/// Leaves `f` a declaration that static callers reach as directly as the
/// definition: same calling convention and parameter attributes, and
/// `dso_local` where the definition had it, except for a default-visibility
/// symbol of a shared library: the definition's `dso_local` there meant
/// "call my local alias" (`.Lf$local`), which a declaration cannot say; it
/// is reached through the PLT and GOT instead, as preemptible symbols are.
fn make_declaration(f: LLVMValueRef, traits: &ModuleTraits) {
    // Leaves it external, the one linkage a declaration may have.
    ir::delete_body(f);
    ir::remove_comdat(f);
    ir::remove_section(f);
    for attr in BODY_ONLY_ATTRS {
        ir::remove_fn_attr(f, attr);
    }
    if traits.shared_library && ir::visibility(f) == LLVMVisibility::LLVMDefaultVisibility {
        ir::set_dso_local(f, false);
    }
}

/// The aliases of `functions`, directly or through other aliases, each with
/// its function.
fn aliases_of(
    m: LLVMModuleRef,
    functions: &HashSet<LLVMValueRef>,
) -> Vec<(LLVMValueRef, LLVMValueRef)> {
    ir::aliases(m)
        .into_iter()
        .filter_map(|alias| {
            let mut target = ir::aliasee(alias);
            while ir::is_alias(target) {
                target = ir::aliasee(target);
            }
            functions.contains(&target).then_some((alias, target))
        })
        .collect()
}

/// The alias's assembly; its uses go to a declaration of its name, or, if
/// it is local (no other object can refer to it or override it), to its
/// target.
fn replace_alias(
    m: LLVMModuleRef,
    alias: LLVMValueRef,
    function: LLVMValueRef,
    traits: &ModuleTraits,
) -> String {
    let name = ir::name(alias);
    let target = ir::aliasee(alias);
    let linkage = ir::linkage(alias);
    // A private symbol never reaches the symbol table.
    let asm = if linkage == LLVMLinkage::LLVMPrivateLinkage {
        String::new()
    } else {
        arch::alias_asm(&AliasSymbol {
            name: &name,
            target: &ir::name(target),
            binding: binding(linkage),
            visibility: visibility(alias),
        })
    };
    let replacement = if ir::is_local(linkage) {
        target
    } else {
        declare_alias(m, alias, function, traits)
    };
    ir::replace_all_uses(alias, replacement);
    ir::erase(alias);
    asm
}

/// A declaration that takes the alias's name: calls through it are calls
/// to `function`, with its calling convention and attributes.
fn declare_alias(
    m: LLVMModuleRef,
    alias: LLVMValueRef,
    function: LLVMValueRef,
    traits: &ModuleTraits,
) -> LLVMValueRef {
    let vis = ir::visibility(alias);
    let dso_local = ir::is_dso_local(alias)
        && !(traits.shared_library && vis == LLVMVisibility::LLVMDefaultVisibility);
    let decl = ir::declaration_in_place_of(m, alias);
    if ir::is_function(decl) {
        ir::copy_call_attributes(decl, function);
    }
    ir::set_visibility(decl, vis);
    ir::set_dso_local(decl, dso_local);
    decl
}

fn binding(linkage: LLVMLinkage) -> Binding {
    match linkage {
        LLVMLinkage::LLVMWeakAnyLinkage
        | LLVMLinkage::LLVMWeakODRLinkage
        | LLVMLinkage::LLVMLinkOnceAnyLinkage
        | LLVMLinkage::LLVMLinkOnceODRLinkage => Binding::Weak,
        LLVMLinkage::LLVMInternalLinkage | LLVMLinkage::LLVMPrivateLinkage => Binding::Local,
        _ => Binding::Global,
    }
}

fn visibility(gv: LLVMValueRef) -> Visibility {
    match ir::visibility(gv) {
        LLVMVisibility::LLVMDefaultVisibility => Visibility::Default,
        LLVMVisibility::LLVMHiddenVisibility => Visibility::Hidden,
        LLVMVisibility::LLVMProtectedVisibility => Visibility::Protected,
    }
}
