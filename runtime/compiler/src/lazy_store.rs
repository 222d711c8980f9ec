//! LazyModuleStore: lazy modules loaded on first use and kept for the run.
//!
//! A file is checked against the content hash its descriptor (and its name)
//! carries before LLVM sees a byte of it, then loaded lazily: only the bodies
//! that get extracted are ever parsed.

use crate::boundary::{
    autojit_extract_functions, autojit_module_flag_int, autojit_referenced_declarations,
};
use crate::compile::DiagnosticSink;
use autojit_abi::{content_hash, names, store, ABI_VERSION};
use autojit_engine::{Error, ErrorKind};
use autojit_engine::{ModuleId, Registration};
use autojit_llvm_capi::{buffer_copy, take_message, OwnedContext, OwnedModule};
use llvm_sys::bit_reader::LLVMGetBitcodeModuleInContext2;
use llvm_sys::prelude::*;
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr, CString};
use std::path::Path;

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
    /// The GUID of each lazified function, by the name lazy code calls it
    /// by; made on first need.
    lazified: Option<HashMap<String, u64>>,
}

/// Bodies with their local helpers, ready to compile as one object.
pub struct Extracted {
    pub module: OwnedModule,
    /// The source name of each body, in the order asked for.
    pub source_names: Vec<String>,
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

    /// Loads module `id` if it is not yet; true if it was loaded now.
    pub fn load(&mut self, id: ModuleId, module: &Registration, guid: u64) -> Result<bool, Error> {
        if self.loaded.contains_key(&id) {
            return Ok(false);
        }
        self.loaded(id, module)
            .map_err(|kind| module.failure(guid, kind))?;
        Ok(true)
    }

    /// Module `id`, loaded if needed.
    fn loaded(
        &mut self,
        id: ModuleId,
        module: &Registration,
    ) -> Result<&mut LoadedModule, ErrorKind> {
        if !self.loaded.contains_key(&id) {
            // Extracted modules live in it too: they are compiled and
            // dropped right after extraction.
            let context = OwnedContext::new();
            // SAFETY: the context is live; the compiler outlives the store.
            unsafe { self.diagnostics.install(context.0) };
            let loaded = load(context.0, module)?;
            self.loaded.insert(
                id,
                LoadedModule {
                    module: loaded,
                    _context: context,
                    lazified: None,
                },
            );
        }
        Ok(self.loaded.get_mut(&id).expect("just inserted"))
    }

    /// Extracts the bodies of `guids` from module `id` into one module, with
    /// the inlinable copies of other functions if `inlinable_copies`.
    pub fn extract(
        &mut self,
        id: ModuleId,
        module: &Registration,
        guids: &[u64],
        inlinable_copies: bool,
    ) -> Result<Extracted, Error> {
        let fail = |kind| module.failure(guids[0], kind);
        let lazy = &self.loaded(id, module).map_err(fail)?.module;
        let bodies: Vec<CString> = guids
            .iter()
            .map(|&g| CString::new(names::body_name(g)).expect("hex digits only"))
            .collect();
        let pointers: Vec<*const c_char> = bodies.iter().map(|b| b.as_ptr()).collect();
        let mut msg = std::ptr::null_mut();
        // SAFETY: `lazy` is live, in its own context; the names outlive the
        // call; `msg` receives a message on failure.
        let extracted = unsafe {
            autojit_extract_functions(
                lazy.as_raw(),
                pointers.as_ptr(),
                pointers.len(),
                inlinable_copies,
                &mut msg,
            )
        };
        if extracted.is_null() {
            // SAFETY: the C++ made the message for us to free.
            return Err(fail(ErrorKind::MissingBody(unsafe { take_message(msg) })));
        }
        // SAFETY: the extracted module is new and ours.
        let module = unsafe { OwnedModule::from_raw(extracted) };
        let opt_level = opt_level(&module);
        let source_names = bodies
            .iter()
            .map(|body| {
                source_name(module.as_raw(), body).unwrap_or_else(|| body.to_string_lossy().into())
            })
            .collect();
        Ok(Extracted {
            module,
            source_names,
            opt_level,
        })
    }

    /// The lazified functions of module `id` that the body of `guid` (or a
    /// local helper it carries) refers to, in first-reference order.
    pub fn references(
        &mut self,
        id: ModuleId,
        module: &Registration,
        guid: u64,
    ) -> Result<Vec<u64>, Error> {
        let fail = |kind| module.failure(guid, kind);
        let loaded = self.loaded(id, module).map_err(fail)?;
        let lazy = loaded.module.as_raw();
        let lazified = loaded.lazified.get_or_insert_with(|| {
            module
                .guids
                .iter()
                .filter_map(|&g| {
                    let body = CString::new(names::body_name(g)).expect("hex digits only");
                    Some((source_name(lazy, &body)?, g))
                })
                .collect()
        });
        let body = CString::new(names::body_name(guid)).expect("hex digits only");
        let mut names: Vec<String> = Vec::new();
        let mut msg = std::ptr::null_mut();
        // SAFETY: `lazy` is live; `collect_name` gets `names` back as its
        // context, only during the call.
        let ok = unsafe {
            autojit_referenced_declarations(
                lazy,
                body.as_ptr(),
                Some(collect_name),
                &mut names as *mut Vec<String> as *mut c_void,
                &mut msg,
            )
        };
        if !ok {
            // SAFETY: the C++ made the message for us to free.
            return Err(fail(ErrorKind::MissingBody(unsafe { take_message(msg) })));
        }
        Ok(names
            .iter()
            .filter_map(|n| lazified.get(n).copied())
            .collect())
    }
}

extern "C" fn collect_name(context: *mut c_void, name: *const c_char, len: usize) {
    // SAFETY: `context` is the vector `references` passed; `name` points to
    // `len` bytes for the call.
    let (names, bytes) = unsafe {
        (
            &mut *(context as *mut Vec<String>),
            std::slice::from_raw_parts(name as *const u8, len),
        )
    };
    names.push(String::from_utf8_lossy(bytes).into_owned());
}

/// The level the plugin recorded in a lazy module, or one extracted from it.
fn opt_level(module: &OwnedModule) -> u32 {
    let flag = CString::new(names::OPT_LEVEL_FLAG).expect("no NUL");
    // SAFETY: the module is live.
    unsafe { autojit_module_flag_int(module.as_raw(), flag.as_ptr()) }.max(0) as u32
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
    // SAFETY: the module LLVM just read is ours.
    Ok(unsafe { OwnedModule::from_raw(m) })
}

/// The source name the plugin recorded on the body.
fn source_name(m: LLVMModuleRef, body: &CStr) -> Option<String> {
    use llvm_sys::core::*;
    let attr = names::SOURCE_NAME_ATTR;
    // SAFETY: `m` is live; the attribute's value is owned by the context and
    // copied before returning.
    unsafe {
        let f = LLVMGetNamedFunction(m, body.as_ptr());
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
