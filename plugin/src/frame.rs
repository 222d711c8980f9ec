//! The static frame: what stays in the program in place of a lazified body.
//!
//! ```text
//! entry: %tmp = alloca ptr
//!        %fn = load atomic ptr @__llvm_autojit_ptr_f acquire
//!        br (%fn == null), %slow, %call
//! slow:  store (inttoptr GUID), %tmp
//!        call @__llvm_autojit_materialize(%tmp)     ; writes the address to %tmp
//!        store atomic (load %tmp), @__llvm_autojit_ptr_f release
//! call:  musttail call %fn(args...)                 ; forwards varargs too
//! ```
//!
//! The GUID travels through a stack temporary, never through the shared slot,
//! so a thread that races past the null check can never call a GUID.
//!
//! Frames carry no debug info (deleting the body drops its DISubprogram): a
//! debugger then resolves a line breakpoint to the compiled body, not to the
//! nearest frame, and the program keeps no debug info for code it lacks.

use crate::ir;
use autojit_abi::names;
use llvm_sys::comdat::{LLVMGetComdat, LLVMSetComdat};
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMAtomicOrdering, LLVMIntPredicate, LLVMLinkage, LLVMTailCallKind, LLVMTypeKind};

/// Attributes that describe the body; the frame writes its slot, synchronizes
/// and may call into the runtime, so it cannot promise them. `uwtable` and
/// `optnone` go too: see FRAME_ATTRS.
const BODY_ONLY_ATTRS: [&str; 8] = [
    "memory",
    "nosync",
    "speculatable",
    "willreturn",
    "nofree",
    "norecurse",
    "uwtable",
    "optnone",
];

/// A frame is never on the stack when anything unwinds: the body replaces it
/// (musttail) and the runtime never throws. So it needs no unwind table, and
/// being small matters more than being aligned (`minsize` drops the 16-byte
/// function alignment).
const FRAME_ATTRS: [&str; 3] = ["nounwind", "optsize", "minsize"];

/// Replaces the body of `f` with a static frame and adds its slot.
pub fn replace_body_with_frame(
    m: LLVMModuleRef,
    f: LLVMValueRef,
    guid: u64,
    materialize: (LLVMValueRef, LLVMTypeRef),
) {
    let name = ir::name(f);
    let linkage = ir::linkage(f);
    // SAFETY: `f` is a live function definition of `m`.
    let comdat = unsafe { LLVMGetComdat(f) };
    ir::delete_body(f);
    ir::set_linkage(f, linkage);
    for attr in BODY_ONLY_ATTRS {
        // SAFETY: `f` is live; unknown or absent attributes are ignored.
        unsafe {
            let kind = LLVMGetEnumAttributeKindForName(attr.as_ptr() as *const _, attr.len());
            LLVMRemoveEnumAttributeAtIndex(f, llvm_sys::LLVMAttributeFunctionIndex, kind);
        }
    }
    let ctx = ir::context(m);
    for attr in FRAME_ATTRS {
        // SAFETY: `f` is live; the attribute is created in its context.
        unsafe {
            let kind = LLVMGetEnumAttributeKindForName(attr.as_ptr() as *const _, attr.len());
            let a = LLVMCreateEnumAttribute(ctx, kind, 0);
            LLVMAddAttributeAtIndex(f, llvm_sys::LLVMAttributeFunctionIndex, a);
        }
    }
    let ptr = ir::ptr_type(ctx);
    let slot_name = ir::cstring(&names::slot_name(&name));
    // SAFETY: all handles belong to `m` and its context; the builder is
    // disposed before returning.
    unsafe {
        let slot = LLVMAddGlobal(m, ptr, slot_name.as_ptr());
        LLVMSetLinkage(slot, LLVMLinkage::LLVMInternalLinkage);
        LLVMSetInitializer(slot, ir::const_null(ptr));
        LLVMSetAlignment(slot, 8);
        if !comdat.is_null() {
            LLVMSetComdat(slot, comdat);
        }

        let entry = LLVMAppendBasicBlockInContext(ctx, f, c"entry".as_ptr());
        let slow = LLVMAppendBasicBlockInContext(ctx, f, c"materialize".as_ptr());
        let call = LLVMAppendBasicBlockInContext(ctx, f, c"call".as_ptr());
        let b = LLVMCreateBuilderInContext(ctx);

        LLVMPositionBuilderAtEnd(b, entry);
        let tmp = LLVMBuildAlloca(b, ptr, c"guid.addr".as_ptr());
        let cached = LLVMBuildLoad2(b, ptr, slot, c"fn".as_ptr());
        LLVMSetOrdering(cached, LLVMAtomicOrdering::LLVMAtomicOrderingAcquire);
        LLVMSetAlignment(cached, 8);
        let is_null = LLVMBuildICmp(
            b,
            LLVMIntPredicate::LLVMIntEQ,
            cached,
            ir::const_null(ptr),
            c"".as_ptr(),
        );
        LLVMBuildCondBr(b, is_null, slow, call);

        LLVMPositionBuilderAtEnd(b, slow);
        let guid_ptr = LLVMConstIntToPtr(ir::const_i64(ctx, guid), ptr);
        LLVMBuildStore(b, guid_ptr, tmp);
        let mut args = [tmp];
        LLVMBuildCall2(
            b,
            materialize.1,
            materialize.0,
            args.as_mut_ptr(),
            1,
            c"".as_ptr(),
        );
        let compiled = LLVMBuildLoad2(b, ptr, tmp, c"compiled".as_ptr());
        let publish = LLVMBuildStore(b, compiled, slot);
        LLVMSetOrdering(publish, LLVMAtomicOrdering::LLVMAtomicOrderingRelease);
        LLVMSetAlignment(publish, 8);
        LLVMBuildBr(b, call);

        LLVMPositionBuilderAtEnd(b, call);
        let target = LLVMBuildPhi(b, ptr, c"target".as_ptr());
        let mut incoming = [cached, compiled];
        let mut blocks = [entry, slow];
        LLVMAddIncoming(target, incoming.as_mut_ptr(), blocks.as_mut_ptr(), 2);
        let fn_ty = ir::value_type(f);
        let mut params: Vec<LLVMValueRef> = (0..LLVMCountParams(f))
            .map(|i| LLVMGetParam(f, i))
            .collect();
        let forwarded = LLVMBuildCall2(
            b,
            fn_ty,
            target,
            params.as_mut_ptr(),
            params.len() as u32,
            c"".as_ptr(),
        );
        LLVMSetTailCallKind(forwarded, LLVMTailCallKind::LLVMTailCallKindMustTail);
        LLVMSetInstructionCallConv(forwarded, LLVMGetFunctionCallConv(f));
        ir::copy_abi_attributes(f, forwarded);
        if LLVMGetTypeKind(LLVMGetReturnType(fn_ty)) == LLVMTypeKind::LLVMVoidTypeKind {
            LLVMBuildRetVoid(b);
        } else {
            LLVMBuildRet(b, forwarded);
        }
        LLVMDisposeBuilder(b);
    }
}
