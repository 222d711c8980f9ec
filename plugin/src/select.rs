//! The rules of which modules the pass touches and which functions it
//! lazifies, which `plan.rs` applies to a module once.

use crate::ir;
use crate::labels::LabelAddresses;
use autojit_abi::{arch, names};
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::LLVMLinkage;
use std::collections::HashSet;

/// Why a module is left exactly as clang made it.
pub enum SkipReason {
    UnsupportedTarget(String),
    Reserved(String),
    /// Built with an instrumentation lazy code does not get yet (its flag).
    Instrumented(&'static str),
    /// Full LTO merges modules, and the trampolines of link-once functions,
    /// which are assembly, would be defined once per module that had them.
    FullLto,
    NothingToLazify,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::UnsupportedTarget(t) => write!(
                f,
                "its target {t} has no lazy function trampoline (x86-64 ELF only)"
            ),
            SkipReason::Reserved(n) => write!(f, "it already uses the reserved name {n}"),
            SkipReason::Instrumented(flag) => write!(
                f,
                "it is built with {flag}, whose instrumentation lazy code does not get yet"
            ),
            SkipReason::FullLto => write!(
                f,
                "it is built for full LTO (-flto), which would merge the trampolines of several files into one module; -flto=thin works"
            ),
            SkipReason::NothingToLazify => write!(f, "it defines no function to lazify"),
        }
    }
}

/// Checks the rules that leave a module untouched, but for having nothing
/// to lazify (`plan.rs`), before anything changes.
pub fn check_module(m: LLVMModuleRef, at_link_time: bool) -> Result<(), SkipReason> {
    let triple = ir::target_triple(m);
    if !autojit_abi::arch::supports_triple(&triple) {
        return Err(SkipReason::UnsupportedTarget(triple));
    }
    for gv in ir::global_values(m) {
        let name = ir::name(gv);
        if names::is_reserved(&name) {
            return Err(SkipReason::Reserved(name));
        }
    }
    if let Some(flag) = instrumentation(m) {
        return Err(SkipReason::Instrumented(flag));
    }
    // Clang marks a module for full LTO (`ThinLTO` = 0) before the pipeline
    // starts, and adds the flag for nothing else. After the link, the merged
    // module is the whole program's: outlined once, it registers once.
    if !at_link_time && ir::has_module_flag(m, "ThinLTO") {
        return Err(SkipReason::FullLto);
    }
    Ok(())
}

/// The flag of an instrumentation lazy code does not get: the sanitizers
/// whose function attributes clang sets up front and whose passes would run
/// on the static module only. AddressSanitizer and ThreadSanitizer
/// instrument lazy code in the engine (`runtime/compiler/cpp/sanitizers.cpp`);
/// coverage counters are in the bodies before they are taken out
/// (`waits_for_coverage`). Instrumentation that leaves no trace this early is
/// refused when its pass runs (`cpp/register_pass.cpp`).
fn instrumentation(m: LLVMModuleRef) -> Option<&'static str> {
    const SANITIZER_ATTRS: [(&str, &str); 2] = [
        ("sanitize_hwaddress", "-fsanitize=hwaddress"),
        ("sanitize_memory", "-fsanitize=memory"),
    ];
    let functions = ir::functions(m);
    SANITIZER_ATTRS
        .into_iter()
        .find(|(attr, _)| functions.iter().any(|&f| ir::has_fn_attr(f, attr)))
        .map(|(_, flag)| flag)
}

/// Whether clang's coverage passes have yet to put their counters in the
/// bodies: source-based coverage's counter intrinsics, lowered by a pass
/// clang adds at the start of the pipeline after the plugin's, and gcov's
/// file list, for gcov's pass, added there too. The module is outlined
/// after them (`cpp/register_pass.cpp`), so lazy code counts into the
/// program's counters.
pub fn waits_for_coverage(m: LLVMModuleRef) -> bool {
    let counters = ir::functions(m)
        .into_iter()
        .any(|f| ir::name(f).starts_with("llvm.instrprof."));
    // SAFETY: `m` is live; the name is NUL-terminated.
    let gcov_files = unsafe { LLVMGetNamedMetadata(m, c"llvm.gcov".as_ptr(), "llvm.gcov".len()) };
    counters || !gcov_files.is_null()
}

/// Functions that must keep their bodies in the program: constructors and
/// destructors (they run at start-up anyway, some before registration), ifunc
/// resolvers (the dynamic loader calls them before any constructor), naked
/// functions (no frame may stand in front of them), always-inline functions
/// (callers expect a body to inline; lazy code gets a copy), functions whose
/// label addresses cannot move with their bodies (`labels.rs`) and functions
/// whose trampoline assembly cannot define (`cannot_be_trampolined`).
pub fn pinned_functions(m: LLVMModuleRef, labels: &LabelAddresses) -> HashSet<LLVMValueRef> {
    let mut pinned = HashSet::new();
    for list in ["llvm.global_ctors", "llvm.global_dtors"] {
        let Some(g) = ir::named_global(m, list) else {
            continue;
        };
        // SAFETY: `g` is the live ctor/dtor array; elements are {i32, ptr, ptr}.
        unsafe {
            let init = LLVMGetInitializer(g);
            if init.is_null() {
                continue;
            }
            for i in 0..LLVMGetArrayLength2(LLVMTypeOf(init)) {
                let entry = LLVMGetAggregateElement(init, i as u32);
                let f = LLVMGetAggregateElement(entry, 1);
                if !f.is_null() && ir::is_function(f) {
                    pinned.insert(f);
                }
            }
        }
    }
    for ifunc in ir::ifuncs(m) {
        // SAFETY: `ifunc` is a live ifunc of `m`.
        let resolver = unsafe { LLVMGetGlobalIFuncResolver(ifunc) };
        if !resolver.is_null() && ir::is_function(resolver) {
            pinned.insert(resolver);
        }
    }
    pinned.extend(labels.pinned.iter().map(|&(f, _)| f));
    for f in ir::functions(m) {
        if ir::has_fn_attr(f, "naked") || ir::has_fn_attr(f, "alwaysinline") {
            pinned.insert(f);
        }
    }
    pinned.extend(cannot_be_trampolined(m));
    pinned.extend(crate::thread_locals::pinned_users(m));
    pinned
}

/// Functions whose symbol, or an alias of it, assembly cannot spell, and
/// functions aliased through an expression (an offset, a cast), which a
/// trampoline's alias in assembly does not reproduce.
fn cannot_be_trampolined(m: LLVMModuleRef) -> Vec<LLVMValueRef> {
    let mut found: Vec<LLVMValueRef> = ir::functions(m)
        .into_iter()
        .filter(|&f| {
            // A promoted unnamed function is named then.
            let name = ir::name(f);
            !name.is_empty() && !arch::can_quote(&name)
        })
        .collect();
    for alias in ir::aliases(m) {
        let aliasee = ir::aliasee(alias);
        if !ir::is_global_value(aliasee) || !arch::can_quote(&ir::name(alias)) {
            aliased_functions(aliasee, &mut found);
        }
    }
    found
}

/// The functions `v` refers to, through aliases and constant expressions.
fn aliased_functions(v: LLVMValueRef, found: &mut Vec<LLVMValueRef>) {
    if ir::is_function(v) {
        found.push(v);
    } else if ir::is_alias(v) {
        aliased_functions(ir::aliasee(v), found);
    } else if !ir::is_global_value(v) {
        // SAFETY: `v` is a live constant; its operands are only read.
        let count = unsafe { LLVMGetNumOperands(v) }.max(0) as u32;
        for i in 0..count {
            // SAFETY: as above, `i` is below the operand count.
            aliased_functions(unsafe { LLVMGetOperand(v, i) }, found);
        }
    }
}

fn is_static_initializer(name: &str) -> bool {
    name.starts_with("_GLOBAL__sub_I") || name.starts_with("__cxx_global_var_init")
}

/// A definition with a body of its own that nothing pins in the program.
pub fn is_candidate(f: LLVMValueRef, pinned: &HashSet<LLVMValueRef>) -> bool {
    !ir::is_declaration(f)
        && ir::linkage(f) != LLVMLinkage::LLVMAvailableExternallyLinkage
        && !pinned.contains(&f)
        && !is_static_initializer(&ir::name(f))
        && !is_instrumentation_runtime(&ir::name(f))
}

/// The functions coverage instrumentation adds (gcov's `__llvm_gcov_init`,
/// `_writeout`, `_reset`): they run at start-up and exit, and are called
/// through their addresses, so they stay in the program.
fn is_instrumentation_runtime(name: &str) -> bool {
    name.starts_with("__llvm_gcov_") || name.starts_with("__llvm_profile_")
}

/// Whether the local function `f` is promoted and lazified; `pinned` keep
/// their bodies in the program.
pub fn lazifies(f: LLVMValueRef, pinned: &HashSet<LLVMValueRef>) -> bool {
    ir::address_escapes(f) || called_from_lazy_code(f, pinned)
}

/// Whether a function that may be lazified calls `f`.
fn called_from_lazy_code(f: LLVMValueRef, pinned: &HashSet<LLVMValueRef>) -> bool {
    ir::users(f).into_iter().any(|user| {
        ir::instruction_function(user).is_some_and(|caller| {
            !pinned.contains(&caller) && !is_static_initializer(&ir::name(caller))
        })
    })
}
