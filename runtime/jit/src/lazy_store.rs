//! LazyModuleStore: lazy modules loaded on first use and kept for the run.
//!
//! A file is checked against the content hash its descriptor (and its name)
//! carries before LLVM sees a byte of it, then loaded lazily: only the bodies
//! that get extracted are ever parsed.

use crate::compile::DiagnosticSink;
use crate::error::{Error, ErrorKind};
use crate::registry::{ModuleId, Registration};
use autojit_abi::{content_hash, names, store, ABI_VERSION};
use autojit_llvm_capi::{buffer_copy, take_message, OwnedContext, OwnedModule};
use llvm_sys::bit_reader::LLVMGetBitcodeModuleInContext2;
use llvm_sys::prelude::*;
use std::collections::HashMap;
use std::ffi::{c_char, c_int, CStr, CString};
use std::path::Path;

extern "C" {
    // runtime/jit/cpp/extract_body.cpp
    fn autojit_extract_function(
        lazy: LLVMModuleRef,
        body: *const c_char,
        error: *mut *mut c_char,
    ) -> LLVMModuleRef;
    fn autojit_module_flag_int(m: LLVMModuleRef, key: *const c_char) -> c_int;
}

pub struct LazyModuleStore {
    diagnostics: DiagnosticSink,
    loaded: HashMap<ModuleId, LoadedModule>,
}

/// A lazy module in a context of its own: the names LLVM gives its types
/// (and so the printed IR that keys the object cache) do not depend on
/// which other modules a run happened to load before it.
struct LoadedModule {
    // Fields drop in order: the module before the context it belongs to.
    module: OwnedModule,
    _context: OwnedContext,
}

/// One function's body with its local helpers, ready to compile.
pub struct Extracted {
    pub module: OwnedModule,
    pub source_name: Option<String>,
    pub opt_level: u32,
}

impl LazyModuleStore {
    /// A store whose contexts report diagnostics to `diagnostics`; the
    /// compiler behind it must outlive the store.
    pub fn new(diagnostics: DiagnosticSink) -> Self {
        LazyModuleStore {
            diagnostics,
            loaded: HashMap::new(),
        }
    }

    pub fn loaded_count(&self) -> usize {
        self.loaded.len()
    }

    /// Extracts the body of `guid` from module `id`, loading it if needed.
    pub fn extract(
        &mut self,
        id: ModuleId,
        module: &Registration,
        guid: u64,
    ) -> Result<Extracted, Error> {
        let fail = |kind| Error {
            guid,
            function: None,
            lazy_file: Some(module.lazy_path.clone()),
            source: Some(module.source_path.clone()),
            kind,
        };
        if !self.loaded.contains_key(&id) {
            // Extracted modules live in it too: they are compiled and
            // dropped right after extraction.
            let context = OwnedContext::new();
            // SAFETY: the context is live; the compiler outlives the store.
            unsafe { self.diagnostics.install(context.0) };
            let loaded = load(context.0, module).map_err(fail)?;
            self.loaded.insert(
                id,
                LoadedModule {
                    module: loaded,
                    _context: context,
                },
            );
        }
        let lazy = &self.loaded[&id].module;
        let body = CString::new(names::body_name(guid)).expect("hex digits only");
        let mut msg = std::ptr::null_mut();
        // SAFETY: `lazy` is live, in its own context; `msg` receives a
        // message on failure.
        let extracted = unsafe { autojit_extract_function(lazy.0, body.as_ptr(), &mut msg) };
        if extracted.is_null() {
            return Err(fail(ErrorKind::MissingBody(take_message(msg))));
        }
        let module = OwnedModule(extracted);
        let flag = CString::new(names::OPT_LEVEL_FLAG).expect("no NUL");
        // SAFETY: the module is live.
        let opt_level = unsafe { autojit_module_flag_int(module.0, flag.as_ptr()) }.max(0) as u32;
        Ok(Extracted {
            source_name: source_name(&module, &body),
            module,
            opt_level,
        })
    }
}

fn load(context: LLVMContextRef, module: &Registration) -> Result<OwnedModule, ErrorKind> {
    if module.abi_version != ABI_VERSION {
        return Err(ErrorKind::AbiMismatch {
            found: module.abi_version,
        });
    }
    let path = Path::new(&module.lazy_path);
    let bytes = std::fs::read(path).map_err(|e| ErrorKind::LazyFileUnreadable(e.to_string()))?;
    let actual = content_hash(&bytes);
    if actual != module.content_hash || store::hash_in_lazy_file_name(path) != Some(actual) {
        return Err(ErrorKind::LazyFileModified);
    }
    let buf = buffer_copy(&bytes, c"lazy-module");
    let mut m = std::ptr::null_mut();
    // SAFETY: `context` is live; LLVM takes ownership of `buf` in all cases.
    if unsafe { LLVMGetBitcodeModuleInContext2(context, buf, &mut m) } != 0 || m.is_null() {
        return Err(ErrorKind::LazyFileInvalid("LLVM cannot read it".into()));
    }
    Ok(OwnedModule(m))
}

/// The source name the plugin recorded on the body.
fn source_name(m: &OwnedModule, body: &CStr) -> Option<String> {
    use llvm_sys::core::*;
    let attr = names::SOURCE_NAME_ATTR;
    // SAFETY: `m` is live; the attribute's value is owned by the context and
    // copied before returning.
    unsafe {
        let f = LLVMGetNamedFunction(m.0, body.as_ptr());
        if f.is_null() {
            return None;
        }
        let a = LLVMGetStringAttributeAtIndex(
            f,
            llvm_sys::LLVMAttributeFunctionIndex,
            attr.as_ptr() as *const c_char,
            attr.len() as u32,
        );
        if a.is_null() {
            return None;
        }
        let mut len = 0;
        let p = LLVMGetStringAttributeValue(a, &mut len);
        let bytes = std::slice::from_raw_parts(p as *const u8, len as usize);
        Some(String::from_utf8_lossy(bytes).into_owned())
    }
}
