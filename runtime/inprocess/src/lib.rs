//! libautojit-inprocess.so: the program side of in-process mode. The front
//! end (`autojit_frontend`) does all a program does; this file is its
//! backend: the engine (`autojit_engine`), which links objects from the cache
//! with the runtime's own loader, and, when a function must be compiled, the
//! compiler in `libautojit-inprocess-compiler.so`, loaded then from this library's
//! directory.
//!
//! Neither this library nor a run whose functions all come from the cache
//! loads LLVM, and linking a program against it never reads libLLVM's symbol
//! table. LLVM is loaded in the middle of a run, so its static objects
//! register their destructors after the program's: exit would run them
//! first, and a program's static destructor calling a lazy function would
//! then compile with a half-destroyed LLVM. `__cxa_atexit` below drops
//! those registrations.

use autojit_abi::compiler_library::{self, bytes_from_malloced, CompileFn, MallocedBytes, PlanFn};
use autojit_abi::{Failure, RegisteredModule, StatsSnapshot, Tier};
use autojit_engine::{
    BatchCompiler, CompiledBatch, Engine, Error, ErrorKind, ForkHold, ModuleId, PlannedBatch,
    Registration, SymbolScope,
};
use autojit_frontend::Backend;
use autojit_protocol::{autojit::decode_failure, DecodeError, Reader};
use std::cell::RefCell;
use std::ffi::{c_void, CStr, CString};
use std::sync::{Arc, LazyLock, Mutex};

const PREFIX: &str = "[autojit-inprocess]";

/// The engine, made by the first materialization.
struct InProcess {
    engine: LazyLock<Arc<Engine>>,
}

static BACKEND: InProcess = InProcess {
    engine: LazyLock::new(|| {
        Arc::new(Engine::new(
            PREFIX,
            Box::new(|index| Ok(Box::new(CompilerLibrary::new(index)))),
        ))
    }),
};

autojit_frontend::define_runtime!(BACKEND);

thread_local! {
    /// The engine's locks, held by the forking thread across a fork.
    static FORK_HOLD: RefCell<Option<ForkHold<'static>>> = const { RefCell::new(None) };
}

impl Backend for InProcess {
    fn prefix(&self) -> &'static str {
        PREFIX
    }

    /// Modules are given here rather than as they register: registration
    /// runs under the dynamic loader's lock, which loading the engine
    /// library takes while materializing.
    fn materialize(
        &self,
        guid: u64,
        record: usize,
        new_modules: &[RegisteredModule],
    ) -> Result<usize, Failure> {
        for module in new_modules {
            self.engine.register_descriptor(*module);
        }
        self.engine
            .materialize(guid, (record != 0).then_some(record))
    }

    fn hot(&self, guid: u64) {
        self.engine.hot(guid);
    }

    fn before_fork(&self) {
        // The static's engine, which the hold borrows for the fork.
        if let Some(engine) = LazyLock::get(&BACKEND.engine) {
            FORK_HOLD.with(|hold| *hold.borrow_mut() = Some(engine.hold_for_fork()));
        }
    }

    fn after_fork_in_parent(&self) {
        FORK_HOLD.with(|hold| hold.borrow_mut().take());
    }

    /// The forking thread is the child's one thread: it releases what it
    /// held across the fork.
    fn forked_child(&self) {
        FORK_HOLD.with(|hold| hold.borrow_mut().take());
    }

    fn finish_work(&self) {
        if let Some(engine) = LazyLock::get(&self.engine) {
            // What is optimized from now on only goes to the cache: linking
            // it into a program that is exiting would cost the exit time.
            engine.stop_linking();
            engine.finish_background_work();
        }
    }

    fn stats(&self) -> Option<StatsSnapshot> {
        LazyLock::get(&self.engine).map(|engine| engine.stats.snapshot())
    }

    /// From the executable's own symbol table too: programs need no
    /// -rdynamic.
    fn function_name(&self, address: usize) -> Option<String> {
        symbol_name(address)
    }
}

/// Compiler `index` of `libautojit-inprocess-compiler.so`, the library loaded on first
/// use; a failure to load it fails each function that needs compiling.
struct CompilerLibrary {
    index: usize,
}

/// The compiler library's functions, or why it could not be loaded.
static COMPILER_LIBRARY: Mutex<Option<Result<CompilerFunctions, String>>> = Mutex::new(None);

#[derive(Clone, Copy)]
struct CompilerFunctions {
    plan: PlanFn,
    compile: CompileFn,
}

impl CompilerLibrary {
    fn new(index: usize) -> Self {
        CompilerLibrary { index }
    }

    fn functions(&self, module: &Registration, guid: u64) -> Result<CompilerFunctions, Error> {
        COMPILER_LIBRARY
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert_with(load_compiler_library)
            .clone()
            .map_err(|e| module.failure(guid, ErrorKind::Backend(e)))
    }
}

/// Where the compiler library reads the module from, for function `guid`.
fn lazy_path(module: &Registration, guid: u64) -> Result<CString, Error> {
    CString::new(module.lazy_path.as_str()).map_err(|_| {
        module.failure(
            guid,
            ErrorKind::LazyFileUnreadable("its path holds a NUL byte".into()),
        )
    })
}

/// The descriptor of a module of this process.
fn descriptor(module: &Registration) -> *const autojit_abi::ModuleDescriptor {
    match module.scope {
        SymbolScope::ThisProcess { descriptor } => descriptor as *const _,
        SymbolScope::Remote { .. } => std::ptr::null(),
    }
}

/// The compiler library's result: `decode` of its bytes, or the failure they
/// hold.
fn compiler_result<T>(
    ok: bool,
    result: MallocedBytes,
    guid: u64,
    decode: impl FnOnce(&mut Reader<'_>) -> Result<T, DecodeError>,
) -> Result<T, Error> {
    // SAFETY: the compiler library set malloc'ed bytes, taken once.
    let bytes = unsafe { bytes_from_malloced(result) };
    let mut r = Reader::new(&bytes);
    let unreadable = |e: DecodeError| {
        Failure::new(
            guid,
            ErrorKind::Backend(format!(
                "the compiler library's answer for the function with GUID 0x{guid:016x} is unreadable ({e}); reinstall autojit"
            )),
        )
    };
    if ok {
        decode(&mut r).map_err(unreadable)
    } else {
        Err(decode_failure(&mut r).map_err(unreadable)?)
    }
}

fn no_result() -> MallocedBytes {
    MallocedBytes {
        data: std::ptr::null_mut(),
        len: 0,
    }
}

impl BatchCompiler for CompilerLibrary {
    fn plan(
        &mut self,
        id: ModuleId,
        module: &Registration,
        root: u64,
        limit: usize,
        wanted: &mut dyn FnMut(u64) -> bool,
    ) -> Result<PlannedBatch, Error> {
        unsafe extern "C" fn ask(context: *mut c_void, guid: u64) -> bool {
            // SAFETY: `context` is the `wanted` below, live for the call.
            let wanted = unsafe { &mut *(context as *mut &mut dyn FnMut(u64) -> bool) };
            wanted(guid)
        }
        let plan = self.functions(module, root)?.plan;
        let lazy_path = lazy_path(module, root)?;
        let mut result = no_result();
        let mut wanted = wanted;
        // SAFETY: the compiler library's plan with a descriptor this process
        // registered as module `id`, a callback and context valid for the
        // call, and a valid out-pointer.
        let ok = unsafe {
            plan(
                self.index,
                id,
                descriptor(module),
                lazy_path.as_ptr(),
                root,
                limit,
                ask,
                &mut wanted as *mut &mut dyn FnMut(u64) -> bool as *mut c_void,
                &mut result,
            )
        };
        compiler_result(ok, result, root, PlannedBatch::decode)
    }

    fn compile(
        &mut self,
        id: ModuleId,
        module: &Registration,
        batch: &[u64],
        tier: Tier,
    ) -> Result<CompiledBatch, Error> {
        let compile = self.functions(module, batch[0])?.compile;
        let lazy_path = lazy_path(module, batch[0])?;
        let mut result = no_result();
        // SAFETY: as for plan; `batch` holds `batch.len()` GUIDs.
        let ok = unsafe {
            compile(
                self.index,
                id,
                descriptor(module),
                lazy_path.as_ptr(),
                batch.as_ptr(),
                batch.len(),
                tier.number(),
                &mut result,
            )
        };
        compiler_result(ok, result, batch[0], CompiledBatch::decode)
    }
}

fn load_compiler_library() -> Result<CompilerFunctions, String> {
    let path = std::path::Path::new(own_directory()?).join(compiler_library::LIBRARY);
    let fail = |what: String| {
        format!(
            "cannot load autojit's compiler {}: {what}; reinstall autojit ({} must sit next to libautojit-inprocess.so)",
            path.display(),
            compiler_library::LIBRARY
        )
    };
    let c_path =
        CString::new(path.to_string_lossy().as_bytes()).map_err(|e| fail(e.to_string()))?;
    // SAFETY: dlopen with a valid path. RTLD_LOCAL: nothing else in the
    // process sees LLVM's symbols.
    let handle = unsafe { libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
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
    // SAFETY: the compiler library exports these symbols with exactly these types
    // (autojit_abi::compiler_library is the one definition both sides use).
    unsafe {
        Ok(CompilerFunctions {
            plan: std::mem::transmute::<*mut c_void, PlanFn>(symbol(
                compiler_library::PLAN_SYMBOL,
            )?),
            compile: std::mem::transmute::<*mut c_void, CompileFn>(symbol(
                compiler_library::COMPILE_SYMBOL,
            )?),
        })
    }
}

/// The directory this library was loaded from.
fn own_directory() -> Result<&'static str, String> {
    static DIR: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
        // SAFETY: dladdr only writes `info`.
        let found =
            unsafe { libc::dladdr(load_compiler_library as *const c_void, info.as_mut_ptr()) } != 0;
        // SAFETY: filled by dladdr when it returned non-zero.
        let file = found
            .then(|| unsafe { info.assume_init() }.dli_fname)
            .filter(|f| !f.is_null());
        let file = file.ok_or_else(|| {
            "cannot tell where libautojit-inprocess.so was loaded from".to_string()
        })?;
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
/// of LLVM's and the compiler library's static objects are dropped, the rest go to the
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

/// Whether `dso_handle` belongs to libLLVM or the compiler library. LLVM registers
/// thousands of destructors while it loads, so this walks the loaded
/// objects' segments (cheap) rather than asking dladdr, which searches the
/// symbol table of the object it finds.
fn is_llvm_object(dso_handle: *mut c_void) -> bool {
    let address = dso_handle as usize;
    let mut found = false;
    if address == 0 {
        return false;
    }
    autojit_abi::library::visit_segments(&mut |segment| {
        if !(segment.start..segment.end).contains(&address) {
            return true;
        }
        let file = segment
            .path
            .rsplit(|&b| b == b'/')
            .next()
            .unwrap_or(segment.path);
        found = file.starts_with(b"libLLVM") || file == compiler_library::LIBRARY.as_bytes();
        false
    });
    found
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
