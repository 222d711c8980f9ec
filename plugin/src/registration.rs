//! The module descriptor and the constructor that registers it.
//!
//! The IR layout below must match `autojit_abi::ModuleDescriptor`: twelve
//! 8-byte fields, no padding.

use crate::ir;
use autojit_abi::{names, ContentHash, ABI_VERSION};
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::LLVMLinkage;

/// A lazy module the object carries: its lazy file, deflated, and its keys.
pub struct EmbeddedLazyModule {
    pub module: Vec<u8>,
    pub keys: Vec<u8>,
}

pub struct Registration<'a> {
    /// The lazy file's path in the store, or its name when embedded.
    pub lazy_path: &'a str,
    pub embedded: Option<&'a EmbeddedLazyModule>,
    pub source_path: &'a str,
    pub source_identity: &'a str,
    pub content_hash: ContentHash,
    pub guids: &'a [u64],
    /// Definitions of this module the dynamic linker cannot find by name.
    pub hidden_symbols: &'a [LLVMValueRef],
}

pub fn add_registration(m: LLVMModuleRef, r: &Registration) {
    let ctx = ir::context(m);
    let ptr = ir::ptr_type(ctx);
    let i64t = ir::i64_type(ctx);
    let null = ir::const_null(ptr);
    let lazy_path = ir::add_private_string(m, "__llvm_autojit_lazy_path", r.lazy_path);
    let source_path = ir::add_private_string(m, "__llvm_autojit_source_path", r.source_path);
    let source_identity =
        ir::add_private_string(m, "__llvm_autojit_source_identity", r.source_identity);
    let [hi, lo] = r.content_hash.halves();
    let hash = ir::const_array(i64t, &mut [ir::const_i64(ctx, hi), ir::const_i64(ctx, lo)]);
    let mut guid_values: Vec<_> = r.guids.iter().map(|&g| ir::const_i64(ctx, g)).collect();
    let guids = ir::add_private_constant(
        m,
        "__llvm_autojit_guids",
        ir::const_array(i64t, &mut guid_values),
    );
    let symbols = if r.hidden_symbols.is_empty() {
        null
    } else {
        let mut entries: Vec<_> = r
            .hidden_symbols
            .iter()
            .map(|&sym| {
                let name = ir::add_private_string(m, "__llvm_autojit_symbol_name", &ir::name(sym));
                ir::const_struct(ctx, &mut [name, sym])
            })
            .collect();
        // SAFETY: `entries` is non-empty and every entry has the same type.
        let entry_ty = unsafe { LLVMTypeOf(entries[0]) };
        ir::add_private_constant(
            m,
            "__llvm_autojit_symbols",
            ir::const_array(entry_ty, &mut entries),
        )
    };
    let (embedded_module, embedded_keys) = match r.embedded {
        Some(e) => (
            ir::add_private_bytes(m, "__llvm_autojit_embedded_module", &e.module),
            ir::add_private_bytes(m, "__llvm_autojit_embedded_keys", &e.keys),
        ),
        None => (null, null),
    };
    let embedded_len = |bytes: fn(&EmbeddedLazyModule) -> usize| {
        ir::const_i64(ctx, r.embedded.map_or(0, bytes) as u64)
    };
    let descriptor = ir::const_struct(
        ctx,
        &mut [
            ir::const_i64(ctx, ABI_VERSION),
            lazy_path,
            source_path,
            source_identity,
            hash,
            ir::const_i64(ctx, r.guids.len() as u64),
            guids,
            ir::const_i64(ctx, r.hidden_symbols.len() as u64),
            symbols,
            embedded_module,
            embedded_len(|e| e.module.len()),
            embedded_keys,
            embedded_len(|e| e.keys.len()),
        ],
    );
    let descriptor = ir::add_private_constant(m, names::MODULE_DESCRIPTOR, descriptor);
    let (register, register_ty) = ir::declare_void_ptr_fn(m, names::REGISTER_FN);
    let ctor_name = ir::cstring(names::MODULE_CTOR);
    // SAFETY: all handles belong to `m`; the builder is disposed at the end.
    unsafe {
        let ctor_ty = LLVMFunctionType(LLVMVoidTypeInContext(ctx), std::ptr::null_mut(), 0, 0);
        let ctor = LLVMAddFunction(m, ctor_name.as_ptr(), ctor_ty);
        LLVMSetLinkage(ctor, LLVMLinkage::LLVMInternalLinkage);
        let b = LLVMCreateBuilderInContext(ctx);
        LLVMPositionBuilderAtEnd(
            b,
            LLVMAppendBasicBlockInContext(ctx, ctor, c"entry".as_ptr()),
        );
        let mut args = [descriptor];
        LLVMBuildCall2(b, register_ty, register, args.as_mut_ptr(), 1, c"".as_ptr());
        LLVMBuildRetVoid(b);
        LLVMDisposeBuilder(b);
        ir::append_global_ctor(m, names::REGISTER_CTOR_PRIORITY, ctor);
    }
}
