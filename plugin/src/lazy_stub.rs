//! The lazy function stub: what stays in the program in place of a
//! lazified body.
//!
//! The function keeps its symbol, linkage, visibility, section and COMDAT,
//! and becomes a naked function whose only instruction the callers run is
//! `jmp *record`: see `autojit_abi::arch` for the bytes and the resolver
//! behind them. Being naked, it has no prologue that could touch an
//! argument, is never inlined into a caller (so no reference to its record
//! can end up outside its COMDAT group), and carries no debug info: a
//! debugger resolves a line breakpoint to the compiled body, and the
//! program keeps no debug info for code it lacks.

use crate::ir;
use autojit_abi::arch::{stub_asm, StubSections};
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::LLVMInlineAsmDialect;

/// Attributes that describe the body, not a stub that jumps to it; `optnone`
/// cannot go with `minsize`.
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

/// A stub has no body to optimize; `minsize` drops the 16-byte function
/// alignment, which a lone jump does not need. It is not `nounwind` unless
/// the function was: exceptions of the body pass its callers, and the stub's
/// attributes are what static callers see.
const STUB_ATTRS: [&str; 3] = ["naked", "noinline", "minsize"];

/// Replaces the body of `f` with its stub, whose record carries the
/// `link_checks` of the body if the function has a COMDAT group.
pub fn replace_body_with_stub(m: LLVMModuleRef, f: LLVMValueRef, guid: u64, link_checks: &[&str]) {
    let linkage = ir::linkage(f);
    let comdat = ir::comdat_name(f);
    ir::delete_body(f);
    ir::set_linkage(f, linkage);
    for attr in BODY_ONLY_ATTRS {
        ir::remove_fn_attr(f, attr);
    }
    for attr in STUB_ATTRS {
        ir::add_fn_attr(f, attr);
    }
    let asm = stub_asm(
        guid,
        &StubSections {
            comdat: comdat.as_deref(),
            branch_protection: ir::has_module_flag(m, "cf-protection-branch"),
            link_checks,
        },
    );
    let ctx = ir::context(m);
    // SAFETY: all handles belong to `m` and its context; the builder is
    // disposed before returning.
    unsafe {
        let void_fn = LLVMFunctionType(LLVMVoidTypeInContext(ctx), std::ptr::null_mut(), 0, 0);
        let inline_asm = LLVMGetInlineAsm(
            void_fn,
            asm.as_ptr() as *const _,
            asm.len(),
            c"".as_ptr(),
            0,
            1,
            0,
            LLVMInlineAsmDialect::LLVMInlineAsmDialectATT,
            0,
        );
        let b = LLVMCreateBuilderInContext(ctx);
        LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ctx, f, c"stub".as_ptr()));
        LLVMBuildCall2(
            b,
            void_fn,
            inline_asm,
            std::ptr::null_mut(),
            0,
            c"".as_ptr(),
        );
        LLVMBuildUnreachable(b);
        LLVMDisposeBuilder(b);
    }
}
