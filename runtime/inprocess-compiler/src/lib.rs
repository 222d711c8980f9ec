//! libautojit-inprocess-compiler.so: the compiler behind `libautojit-inprocess.so`, loaded
//! by it when a function must be compiled (`autojit-compiler`, with LLVM).
//! Its C interface is `autojit_abi::compiler_library`; results and failures go back to
//! the runtime as values.

use autojit_abi::compiler_library::{bytes_to_malloced, MallocedBytes, WantedFn};
use autojit_abi::Tier;
use autojit_abi::{ModuleDescriptor, RegisteredModule};
use autojit_compiler::LazyModuleCompiler;
use autojit_engine::{BatchCompiler, Error, ErrorKind, ModuleId, Registration};
use autojit_protocol::{autojit::encode_failure, Writer};
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr};
use std::sync::{Arc, Mutex, Once};

const PREFIX: &str = "[autojit-inprocess]";

/// One compiler, or why LLVM cannot compile here; with the modules it was
/// asked about, read from their descriptors once.
struct Compiler {
    compiler: Result<LazyModuleCompiler, String>,
    modules: HashMap<ModuleId, Registration>,
}

/// The compilers, by number: each thread that compiles uses its own.
static COMPILERS: Mutex<Vec<Arc<Mutex<Compiler>>>> = Mutex::new(Vec::new());

/// Compiler `index`, made on first use.
fn compiler(index: usize) -> Arc<Mutex<Compiler>> {
    static FATAL_ERROR_HANDLER: Once = Once::new();
    // SAFETY: installs a plain function; LLVM calls it instead of abort().
    FATAL_ERROR_HANDLER.call_once(|| unsafe {
        llvm_sys::error_handling::LLVMInstallFatalErrorHandler(Some(llvm_fatal_error))
    });
    let mut compilers = COMPILERS.lock().unwrap_or_else(|e| e.into_inner());
    while compilers.len() <= index {
        compilers.push(Arc::new(Mutex::new(Compiler {
            compiler: LazyModuleCompiler::new(),
            modules: HashMap::new(),
        })));
    }
    Arc::clone(&compilers[index])
}

/// LLVM cannot go on: say so on one line and end the program (aborting could
/// run the program's own signal handlers, which may be lazy code).
extern "C" fn llvm_fatal_error(reason: *const c_char) {
    // SAFETY: LLVM passes a NUL-terminated reason.
    let reason = unsafe { std::ffi::CStr::from_ptr(reason) }.to_string_lossy();
    eprintln!("{PREFIX} LLVM failed while compiling lazy code: {reason}; rebuild the function's file without autojit and report this");
    // SAFETY: ends the process without unwinding or atexit handlers.
    unsafe { libc::_exit(1) }
}

/// Runs `call` with compiler `index` and module `id`, and writes its
/// result, or its failure, to `result`.
///
/// # Safety
/// `descriptor` must be a plugin-emitted descriptor the runtime registered
/// as module `id`, `lazy_path` a NUL-terminated string; `result` must be
/// valid to write.
unsafe fn serve(
    index: usize,
    id: ModuleId,
    descriptor: *const ModuleDescriptor,
    lazy_path: *const c_char,
    guid: u64,
    result: *mut MallocedBytes,
    call: impl FnOnce(&mut LazyModuleCompiler, &Registration) -> Result<Writer, Error>,
) -> bool {
    let slot = compiler(index);
    let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
    let Compiler { compiler, modules } = &mut *slot;
    let outcome = match modules.entry(id) {
        std::collections::hash_map::Entry::Occupied(m) => Ok(m.into_mut()),
        std::collections::hash_map::Entry::Vacant(v) => {
            // SAFETY: the caller passes a NUL-terminated string.
            let lazy_path = unsafe { CStr::from_ptr(lazy_path) }.to_string_lossy();
            // SAFETY: the caller passes a registered, plugin-emitted descriptor.
            unsafe { RegisteredModule::from_raw(descriptor) }
                .map(|m| {
                    v.insert(Registration {
                        lazy_path: lazy_path.into_owned(),
                        embedded: None,
                        ..m.into()
                    })
                })
                .ok_or_else(|| Error::new(guid, ErrorKind::UnknownFunction))
        }
    }
    .and_then(|module| match compiler {
        Ok(compiler) => call(compiler, module),
        Err(e) => Err(module.failure(guid, ErrorKind::Setup(e.clone()))),
    });
    let (ok, w) = match outcome {
        Ok(w) => (true, w),
        Err(e) => {
            let mut w = Writer::new();
            encode_failure(&mut w, &e);
            (false, w)
        }
    };
    // SAFETY: the caller passes a valid out-pointer.
    unsafe { *result = bytes_to_malloced(&w.bytes) };
    ok
}

/// `autojit_abi::compiler_library::PlanFn`.
///
/// # Safety
/// As `serve`; `wanted` is called with `context` during the call only.
#[no_mangle]
pub unsafe extern "C" fn autojit_compiler_plan(
    compiler: usize,
    module: usize,
    descriptor: *const ModuleDescriptor,
    lazy_path: *const c_char,
    root: u64,
    limit: usize,
    wanted: WantedFn,
    context: *mut c_void,
    result: *mut MallocedBytes,
) -> bool {
    // SAFETY: the caller's promises, passed on.
    unsafe {
        serve(
            compiler,
            module,
            descriptor,
            lazy_path,
            root,
            result,
            |compiler, registration| {
                // SAFETY: the runtime's callback with its context.
                let mut wanted = |guid| wanted(context, guid);
                let plan = compiler.plan(module, registration, root, limit, &mut wanted)?;
                let mut w = Writer::new();
                plan.encode(&mut w);
                Ok(w)
            },
        )
    }
}

/// `autojit_abi::compiler_library::CompileFn`.
///
/// # Safety
/// As `serve`; `batch` must point to `count` GUIDs, at least one.
#[no_mangle]
pub unsafe extern "C" fn autojit_compiler_compile(
    compiler: usize,
    module: usize,
    descriptor: *const ModuleDescriptor,
    lazy_path: *const c_char,
    batch: *const u64,
    count: usize,
    tier: u8,
    result: *mut MallocedBytes,
) -> bool {
    // SAFETY: the caller passes `count` GUIDs.
    let batch = unsafe { std::slice::from_raw_parts(batch, count) };
    // The runtime sends only tiers it knows, which this library knows too.
    let tier = Tier::from_number(tier).unwrap_or(Tier::Optimized);
    // SAFETY: the caller's promises, passed on.
    unsafe {
        serve(
            compiler,
            module,
            descriptor,
            lazy_path,
            batch[0],
            result,
            |compiler, registration| {
                let compiled = compiler.compile(module, registration, batch, tier)?;
                let mut w = Writer::new();
                compiled.encode(&mut w);
                Ok(w)
            },
        )
    }
}
