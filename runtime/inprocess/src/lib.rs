//! libautojit-runtime.so: the program side of in-process mode. The front
//! end (`autojit_frontend`) does all a program does; this file is its
//! backend: `libautojit-engine.so`, loaded from this library's directory.
//!
//! This library has no LLVM in it, so linking a program against it never
//! reads libLLVM's symbol table. The first registration (a priority-100
//! constructor) loads the engine. That is early on purpose: LLVM's global
//! objects register their destructors when LLVM loads, and exit runs
//! destructors last-registered-first, so loading LLVM before the program's
//! static objects exist keeps it alive for their destructors, which may call
//! lazy functions.

use autojit_abi::engine::{
    self, bytes_from_malloced, MallocedBytes, MaterializeFn, RegisterFn, StatsFn,
};
use autojit_abi::{Failure, FailureKind, RegisteredModule, StatsSnapshot};
use autojit_frontend::Backend;
use autojit_protocol::{autojit::decode_failure, Reader};
use std::ffi::{c_void, CStr, CString};
use std::sync::{Mutex, MutexGuard};

const PREFIX: &str = "[autojit-runtime]";

/// The engine library, or why it could not be loaded: a program that never
/// calls a lazy function still runs without it.
struct InProcessEngine {
    engine: Mutex<Option<Result<EngineLibrary, String>>>,
}

#[derive(Clone, Copy)]
struct EngineLibrary {
    register: RegisterFn,
    materialize: MaterializeFn,
    stats: StatsFn,
}

static ENGINE: InProcessEngine = InProcessEngine {
    engine: Mutex::new(None),
};

autojit_frontend::define_runtime!(ENGINE);

impl InProcessEngine {
    fn library(&self) -> MutexGuard<'_, Option<Result<EngineLibrary, String>>> {
        self.engine.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The engine, loaded on first use; a failure is kept and reported by
    /// the first materialization.
    fn loaded(&self) -> Result<EngineLibrary, String> {
        self.library().get_or_insert_with(load_engine).clone()
    }
}

impl Backend for InProcessEngine {
    fn prefix(&self) -> &'static str {
        PREFIX
    }

    fn registered(&self, module: &RegisteredModule) {
        if let Ok(engine) = self.loaded() {
            // SAFETY: the engine takes plugin-emitted descriptors, which the
            // front end checked.
            unsafe { (engine.register)(module.as_ptr()) };
        }
    }

    fn materialize(&self, guid: u64, _new_modules: &[RegisteredModule]) -> Result<usize, Failure> {
        let engine = self
            .loaded()
            .map_err(|e| Failure::new(guid, FailureKind::Backend(e)))?;
        let mut failure = MallocedBytes {
            data: std::ptr::null_mut(),
            len: 0,
        };
        // SAFETY: the engine's materialize with a valid out-pointer.
        let address = unsafe { (engine.materialize)(guid, &mut failure) };
        if address != 0 {
            return Ok(address);
        }
        // SAFETY: on failure the engine sets malloc'ed bytes, taken once.
        let bytes = unsafe { bytes_from_malloced(failure) };
        Err(decode_failure(&mut Reader::new(&bytes)).unwrap_or_else(|e| {
            Failure::new(
                guid,
                FailureKind::Backend(format!(
                    "the engine failed to materialize the function with GUID 0x{guid:016x} and its reason is unreadable ({e}); rebuild the program"
                )),
            )
        }))
    }

    fn stats(&self) -> Option<StatsSnapshot> {
        let engine = self.library().clone()?.ok()?;
        Some((engine.stats)())
    }

    /// From the executable's own symbol table too: programs need no
    /// -rdynamic.
    fn function_name(&self, address: usize) -> Option<String> {
        symbol_name(address)
    }
}

fn load_engine() -> Result<EngineLibrary, String> {
    let path = std::path::Path::new(own_directory()?).join(engine::LIBRARY);
    let fail = |what: String| {
        format!(
            "cannot load the autojit engine {}: {what}; reinstall autojit ({} must sit next to libautojit-runtime.so)",
            path.display(),
            engine::LIBRARY
        )
    };
    let c_path =
        CString::new(path.to_string_lossy().as_bytes()).map_err(|e| fail(e.to_string()))?;
    // SAFETY: dlopen with a valid path. RTLD_GLOBAL: the JIT looks up LLVM's
    // own helpers (GDB registration) in the process's global scope.
    let handle = unsafe { libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
    if handle.is_null() {
        return Err(fail(dl_error()));
    }
    let symbol = |name: &str| {
        let c = CString::new(name).expect("symbol names have no NUL");
        // SAFETY: `handle` is a live library handle.
        let p = unsafe { libc::dlsym(handle, c.as_ptr()) };
        if p.is_null() {
            Err(fail(format!("it has no symbol {name}")))
        } else {
            Ok(p)
        }
    };
    // SAFETY: the engine exports these symbols with exactly these types
    // (autojit_abi::engine is the one definition both sides use).
    unsafe {
        Ok(EngineLibrary {
            register: std::mem::transmute::<*mut c_void, RegisterFn>(symbol(
                engine::REGISTER_SYMBOL,
            )?),
            materialize: std::mem::transmute::<*mut c_void, MaterializeFn>(symbol(
                engine::MATERIALIZE_SYMBOL,
            )?),
            stats: std::mem::transmute::<*mut c_void, StatsFn>(symbol(engine::STATS_SYMBOL)?),
        })
    }
}

/// The directory this library was loaded from.
fn own_directory() -> Result<&'static str, String> {
    static DIR: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
        // SAFETY: dladdr only writes `info`.
        let found = unsafe { libc::dladdr(load_engine as *const c_void, info.as_mut_ptr()) } != 0;
        // SAFETY: filled by dladdr when it returned non-zero.
        let file = found
            .then(|| unsafe { info.assume_init() }.dli_fname)
            .filter(|f| !f.is_null());
        let file = file
            .ok_or_else(|| "cannot tell where libautojit-runtime.so was loaded from".to_string())?;
        // SAFETY: dli_fname is a NUL-terminated path owned by the loader.
        let file = unsafe { CStr::from_ptr(file) }
            .to_string_lossy()
            .into_owned();
        let dir = std::path::Path::new(&file)
            .parent()
            .map(|d| d.to_string_lossy().into_owned());
        Ok(dir.filter(|d| !d.is_empty()).unwrap_or_else(|| ".".into()))
    })
    .as_deref()
    .map_err(Clone::clone)
}

fn dl_error() -> String {
    // SAFETY: dlerror returns null or a thread-local NUL-terminated message.
    let e = unsafe { libc::dlerror() };
    if e.is_null() {
        return "unknown error".into();
    }
    // SAFETY: as above.
    unsafe { CStr::from_ptr(e) }.to_string_lossy().into_owned()
}

/// `__cxa_atexit`, as the program and every library see it: registrations
/// of LLVM's and the engine's static objects are dropped, the rest go to the
/// C library's. LLVM registers destructors for statics it constructs on first
/// use, in the middle of a run, and exit runs destructors last-registered-
/// first; without this, a static destructor of the program that calls a lazy
/// function would compile it with a half-destroyed LLVM. The process is
/// ending anyway: nothing of LLVM's needs tearing down.
///
/// # Safety
/// The C library's contract for `__cxa_atexit`.
#[no_mangle]
pub unsafe extern "C" fn __cxa_atexit(
    destructor: Option<unsafe extern "C" fn(*mut c_void)>,
    object: *mut c_void,
    dso_handle: *mut c_void,
) -> i32 {
    if is_llvm_object(dso_handle) {
        return 0;
    }
    type CxaAtexit = unsafe extern "C" fn(
        Option<unsafe extern "C" fn(*mut c_void)>,
        *mut c_void,
        *mut c_void,
    ) -> i32;
    static NEXT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    // SAFETY: the next definition of __cxa_atexit is the C library's.
    let next = *NEXT
        .get_or_init(|| unsafe { libc::dlsym(libc::RTLD_NEXT, c"__cxa_atexit".as_ptr()) } as usize);
    if next == 0 {
        return -1;
    }
    // SAFETY: `next` is the C library's __cxa_atexit, of this type.
    unsafe { std::mem::transmute::<usize, CxaAtexit>(next)(destructor, object, dso_handle) }
}

/// Whether `dso_handle` belongs to libLLVM or the engine. LLVM registers
/// thousands of destructors while it loads, so this walks the loaded
/// objects' segments (cheap) rather than asking dladdr, which searches the
/// symbol table of the object it finds.
fn is_llvm_object(dso_handle: *mut c_void) -> bool {
    struct Query {
        address: usize,
        found: bool,
    }
    extern "C" fn visit(
        info: *mut libc::dl_phdr_info,
        _: libc::size_t,
        data: *mut c_void,
    ) -> libc::c_int {
        // SAFETY: the loader passes valid info; `data` is the Query below.
        let (info, query) = unsafe { (&*info, &mut *(data as *mut Query)) };
        if info.dlpi_name.is_null() || info.dlpi_phdr.is_null() {
            return 0;
        }
        // SAFETY: the loader describes `dlpi_phnum` program headers.
        let headers =
            unsafe { std::slice::from_raw_parts(info.dlpi_phdr, info.dlpi_phnum as usize) };
        let contains = headers.iter().any(|h| {
            let start = info.dlpi_addr as usize + h.p_vaddr as usize;
            h.p_type == libc::PT_LOAD
                && (start..start + h.p_memsz as usize).contains(&query.address)
        });
        if !contains {
            return 0;
        }
        // SAFETY: dlpi_name is a NUL-terminated path owned by the loader.
        let name = unsafe { CStr::from_ptr(info.dlpi_name) }.to_bytes();
        let file = name.rsplit(|&b| b == b'/').next().unwrap_or(name);
        query.found = file.starts_with(b"libLLVM") || file == engine::LIBRARY.as_bytes();
        1
    }
    if dso_handle.is_null() {
        return false;
    }
    let mut query = Query {
        address: dso_handle as usize,
        found: false,
    };
    // SAFETY: the callback only reads the loader's data and writes `query`.
    unsafe { libc::dl_iterate_phdr(Some(visit), &mut query as *mut Query as *mut c_void) };
    query.found
}

fn symbol_name(address: usize) -> Option<String> {
    let mut name = None;
    // resolve() takes a return address and looks one byte back.
    backtrace::resolve((address + 1) as *mut c_void, |symbol| {
        if name.is_none() {
            name = symbol.name().map(|n| n.to_string());
        }
    });
    name
}
