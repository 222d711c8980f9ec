//! Remote mode in a program: registrations are recorded; the first
//! materialization connects to autojitd, serves it until its JIT is ready,
//! sends the registrations and asks for the function. Exit hangs up.

use crate::connect;
use crate::executor::{self, Service};
use crate::lock::ReentrantLock;
use crate::session::Session;
use crate::sys::{self, debug, report};
use crate::transport::{Connection, Ended};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use autojit_abi::{env, ModuleDescriptor, RegisteredModule, ABI_VERSION};
use autojit_protocol::autojit::{self, ModuleRegistration};
use autojit_protocol::executor::decode_error_result;
use autojit_protocol::Reader;
use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

/// Every module registered so far, in order. A leaf lock: registration
/// runs in constructors, under the dynamic loader's lock, and must never
/// wait for a thread that talks to the daemon.
struct Registry {
    lock: ReentrantLock,
    modules: UnsafeCell<Vec<RegisteredModule>>,
}

// SAFETY: `modules` is only touched with `lock` held, and never while
// calling out.
unsafe impl Sync for Registry {}

static REGISTRY: Registry = Registry {
    lock: ReentrantLock::new(),
    modules: UnsafeCell::new(Vec::new()),
};

/// Held while talking to the daemon; the state below changes only under it.
static SESSION_LOCK: ReentrantLock = ReentrantLock::new();
static SESSION: AtomicPtr<Session> = AtomicPtr::new(core::ptr::null_mut());
/// How many of the registry's modules the current session knows.
static SENT: AtomicUsize = AtomicUsize::new(0);
static FORK_HANDLERS: AtomicBool = AtomicBool::new(false);

/// The program's session, if `ctx` is it (the dispatch context).
pub fn session_at(ctx: *const c_void) -> Option<&'static Session> {
    let session = SESSION.load(Ordering::Acquire);
    // SAFETY: a session stays allocated while it is in SESSION.
    (!session.is_null() && session as *const c_void == ctx).then(|| unsafe { &*session })
}

/// # Safety
/// `module` must be null or a descriptor emitted by the plugin.
pub unsafe fn register(module: *const ModuleDescriptor) {
    // SAFETY: as the caller guarantees.
    let Some(module) = (unsafe { RegisteredModule::from_raw(module) }) else {
        sys::fail(format_args!(
            "__llvm_autojit_register called with a null module descriptor; rebuild the program"
        ));
    };
    if module.abi_version() != ABI_VERSION {
        sys::fail(format_args!(
            "lazy module {} was built for runtime ABI {}, this stub speaks {ABI_VERSION}; rebuild {} and relink the program with the matching plugin",
            module.lazy_path(),
            module.abi_version(),
            module.source_path()
        ));
    }
    debug!(
        "registered {} ({} functions)",
        module.lazy_path(),
        module.guids().len()
    );
    let _guard = REGISTRY.lock.lock();
    // SAFETY: the registry lock is held and nothing else borrows the list.
    unsafe { (*REGISTRY.modules.get()).push(module) };
}

/// The address of the body of `guid`; `function` lies in its stub.
pub fn materialize(guid: u64, function: usize) -> usize {
    if sys::failed() {
        // SAFETY: ends the process at once; its error is already reported.
        unsafe { libc::_exit(sys::EXIT_STATUS) };
    }
    if SESSION_LOCK.held_by_current_thread() {
        // Only a signal handler, or JIT'd code the daemon runs, gets here:
        // waiting for the session would wait for this very thread.
        report!("cannot materialize the function with GUID 0x{guid:016x}: it was called (from a signal handler?) while this thread was talking to autojitd; build the caller's file without autojit");
        // SAFETY: ends the process at once; nothing else is safe here.
        unsafe { libc::_exit(sys::EXIT_STATUS) };
    }
    let _guard = SESSION_LOCK.lock();
    let address = match session_for_call().and_then(|s| {
        if let Err(message) = send_registrations(s)? {
            return Ok(Err(message));
        }
        match call_materialize(s, guid, "")? {
            // Asked again with the caller's name, which only a message needs.
            Err(_) => call_materialize(s, guid, &function_name(function)),
            found => Ok(found),
        }
    }) {
        Ok(Ok(address)) => address,
        Ok(Err(message)) => sys::fail(format_args!("{message}")),
        Err(ended) => sys::fail(format_args!(
            "{}",
            describe(
                ended,
                &format!("materializing the function with GUID 0x{guid:016x}")
            )
        )),
    };
    debug!("materialized the function with GUID 0x{guid:016x} at 0x{address:x}");
    address as usize
}

fn call_materialize(
    session: &Session,
    guid: u64,
    caller: &str,
) -> Result<Result<u64, String>, Ended> {
    let args = autojit::encode_materialize(guid, caller);
    let result = session.call(executor::tag(Service::Materialize), &args.bytes)?;
    decode_address(&result)
}

/// The name of the function whose stub contains `address`, or "" when the
/// dynamic symbol table does not have it.
fn function_name(address: usize) -> String {
    let mut info = core::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    // SAFETY: dladdr only writes `info`; any address may be asked about.
    let found = unsafe { libc::dladdr(address as *const c_void, info.as_mut_ptr()) } != 0;
    let name = if found {
        // SAFETY: dladdr filled `info` when it returned non-zero.
        unsafe { info.assume_init() }.dli_sname
    } else {
        core::ptr::null()
    };
    if name.is_null() {
        return String::new();
    }
    // SAFETY: a NUL-terminated name owned by the dynamic loader.
    String::from_utf8_lossy(unsafe { core::ffi::CStr::from_ptr(name) }.to_bytes()).into_owned()
}

fn decode_address(result: &[u8]) -> Result<Result<u64, String>, Ended> {
    let mut r = Reader::new(result);
    r.expected(|r| r.u64())
        .and_then(|v| r.finish().map(|()| v))
        .map_err(|e| Ended::Violation(format!("materialize result: {e}")))
}

/// The line for a session that ended while doing `what`.
fn describe(ended: Ended, what: &str) -> String {
    match ended {
        Ended::Violation(wrong) => format!("autojitd broke the protocol while {what}: {wrong}; ending the session"),
        Ended::Closed | Ended::Hangup(None) => format!(
            "autojitd closed the connection while {what}; see its messages above, or rerun with AUTOJIT_DEBUG=1"
        ),
        Ended::Hangup(Some(error)) => format!("autojitd ended the session while {what}: {error}"),
    }
}

/// The current session, connecting and setting one up first if needed.
/// Called with the session lock held.
fn session_for_call() -> Result<&'static Session, Ended> {
    let current = SESSION.load(Ordering::Acquire);
    if !current.is_null() {
        // SAFETY: sessions stay allocated while they are in SESSION, which
        // only changes under the lock this thread holds.
        return Ok(unsafe { &*current });
    }
    install_fork_handlers();
    let daemon = connect::connect().unwrap_or_else(|message| sys::fail(format_args!("{message}")));
    let session = Box::into_raw(Box::new(Session::new(
        Connection::new(daemon, daemon),
        &SESSION_LOCK,
    )));
    SESSION.store(session, Ordering::Release);
    SENT.store(0, Ordering::Relaxed);
    // SAFETY: just allocated; freed only when taken out of SESSION.
    let session = unsafe { &*session };
    let setup = session
        .send_setup(forwarded_settings())
        .and_then(|()| session.wait_until_ready());
    if let Err(ended) = setup {
        sys::fail(format_args!(
            "{}",
            describe(ended, "setting up the session")
        ));
    }
    debug!("autojitd is ready");
    Ok(session)
}

/// The settings a shared daemon follows for this program: the forwarded
/// environment variables that are set, and the working directory.
fn forwarded_settings() -> Vec<(String, Vec<u8>)> {
    let mut settings: Vec<(String, Vec<u8>)> = env::FORWARDED
        .iter()
        .filter_map(|&name| Some((name.into(), sys::var(name)?.as_bytes().to_vec())))
        .collect();
    let mut cwd = [0u8; 4096];
    // SAFETY: getcwd writes a NUL-terminated path of at most `cwd.len()`
    // bytes, or returns null.
    if !unsafe { libc::getcwd(cwd.as_mut_ptr().cast(), cwd.len()) }.is_null() {
        let len = cwd.iter().position(|&b| b == 0).unwrap_or(0);
        settings.push((env::CWD.into(), cwd[..len].to_vec()));
    }
    settings
}

/// Sends the modules registered since the session last heard of any.
fn send_registrations(session: &Session) -> Result<Result<(), String>, Ended> {
    let new: Vec<RegisteredModule> = {
        let _guard = REGISTRY.lock.lock();
        // SAFETY: the registry lock is held.
        let modules = unsafe { &*REGISTRY.modules.get() };
        modules
            .get(SENT.load(Ordering::Relaxed)..)
            .unwrap_or_default()
            .to_vec()
    };
    if new.is_empty() {
        return Ok(Ok(()));
    }
    let registrations: Vec<ModuleRegistration> = new
        .iter()
        .map(|m| {
            let library = library_handle(m.as_ptr().cast());
            session.executor().issue_library_handle(library);
            ModuleRegistration {
                library,
                descriptor: m.as_ptr() as u64,
                lazy_path: m.lazy_path().into(),
                source_path: m.source_path().into(),
                content_hash: m.content_hash_halves(),
                guids: m.guids().to_vec(),
                symbols: m
                    .symbols()
                    .map(|(name, address)| (name.into(), address as u64))
                    .collect(),
            }
        })
        .collect();
    let args = autojit::encode_registrations(&registrations);
    let result = session.call(executor::tag(Service::Register), &args.bytes)?;
    let error = decode_error_result(&result)
        .map_err(|e| Ended::Violation(format!("register result: {e}")))?;
    if let Some(message) = error {
        return Ok(Err(message));
    }
    SENT.fetch_add(new.len(), Ordering::Relaxed);
    debug!("sent {} module registrations to autojitd", new.len());
    Ok(Ok(()))
}

/// A dylib handle on the shared library containing `address`, or 0 when
/// the executable contains it.
fn library_handle(address: *const c_void) -> u64 {
    /// dladdr1's request for the object's link map (glibc's dlfcn.h).
    const RTLD_DL_LINKMAP: i32 = 2;
    /// The leading fields of glibc's `struct link_map`.
    #[repr(C)]
    struct LinkMap {
        l_addr: usize,
        l_name: *const libc::c_char,
    }
    let mut info = core::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    let mut map: *mut LinkMap = core::ptr::null_mut();
    // SAFETY: dladdr1 with RTLD_DL_LINKMAP writes `info` and a link_map
    // pointer owned by the loader.
    let found = unsafe {
        libc::dladdr1(
            address,
            info.as_mut_ptr(),
            (&mut map as *mut *mut LinkMap).cast(),
            RTLD_DL_LINKMAP,
        )
    } != 0;
    // SAFETY: set by a successful dladdr1; the main program's name is "".
    let name = if found && !map.is_null() {
        unsafe { (*map).l_name }
    } else {
        core::ptr::null()
    };
    match sys::cstr(name) {
        Some(path) if !path.is_empty() => {
            // SAFETY: RTLD_NOLOAD only finds the already loaded library.
            unsafe { libc::dlopen(name, libc::RTLD_LAZY | libc::RTLD_NOLOAD) as u64 }
        }
        _ => 0,
    }
}

fn install_fork_handlers() {
    if !FORK_HANDLERS.swap(true, Ordering::Relaxed) {
        // SAFETY: three plain extern "C" functions without arguments.
        unsafe {
            libc::pthread_atfork(
                Some(before_fork),
                Some(after_fork_in_parent),
                Some(after_fork_in_child),
            )
        };
    }
}

extern "C" fn before_fork() {
    SESSION_LOCK.lock_for_fork();
    REGISTRY.lock.lock_for_fork();
}

extern "C" fn after_fork_in_parent() {
    REGISTRY.lock.unlock_after_fork();
    SESSION_LOCK.unlock_after_fork();
}

/// The child must not talk on its parent's connection: it drops it (the
/// parent's daemon keeps serving the parent) and its next materialization
/// opens a session of its own. The parent's JIT'd code stays mapped, since
/// the child runs it too.
extern "C" fn after_fork_in_child() {
    REGISTRY.lock.reset_in_child();
    SESSION_LOCK.reset_in_child();
    let inherited = SESSION.swap(core::ptr::null_mut(), Ordering::AcqRel);
    if !inherited.is_null() {
        // SAFETY: the session was allocated by Box and is no longer in
        // SESSION; its memory manager's mappings are deliberately kept.
        unsafe {
            (*inherited).close();
            drop(Box::from_raw(inherited));
        }
    }
    SENT.store(0, Ordering::Relaxed);
}

/// Runs from `.fini_array`, after every atexit handler and C++ static
/// destructor (which may still call lazy functions): prints the stats if
/// asked, then hangs up.
extern "C" fn end_session_at_exit() {
    if SESSION_LOCK.held_by_current_thread() {
        // exit() from code the daemon runs: the session is mid-call.
        return;
    }
    let _guard = SESSION_LOCK.lock();
    let session = SESSION.swap(core::ptr::null_mut(), Ordering::AcqRel);
    if sys::flag(env::STATS) {
        // SAFETY: taken out of SESSION under the lock; still allocated.
        let summary = unsafe { session.as_ref() }.and_then(|s| {
            let result = s.call(executor::tag(Service::Stats), &[]).ok()?;
            let mut r = Reader::new(&result);
            r.string().ok().filter(|_| r.finish().is_ok())
        });
        match summary {
            Some(line) => report!("{line}"),
            None => report!(
                "stats: materialized=0 compiled=0 cache-hits=0 modules-loaded=0 compile-ms=0.0 materialize-ms=0.0"
            ),
        }
    }
    if session.is_null() {
        return;
    }
    // SAFETY: allocated in `session_for_call` and never freed: a thread
    // that found it as its dispatch context just before may still hold it.
    let session = unsafe { &*session };
    let hung_up = session.send_hangup().is_ok();
    if hung_up && sys::flag(env::FULL_SHUTDOWN) {
        // The daemon tears the session down (it may still call us), then
        // closes the connection.
        if let Err(ended) = session.drain() {
            report!("{}", describe(ended, "shutting down"));
        }
    }
    session.close();
    SENT.store(0, Ordering::Relaxed);
}

#[used]
#[link_section = ".fini_array"]
static END_SESSION_AT_EXIT: extern "C" fn() = end_session_at_exit;

/// Serves a controller on `input`/`output` (LLVM's executor tools): the
/// process's exit status.
pub fn serve_fds(input: i32, output: i32) -> i32 {
    static SERVE_LOCK: ReentrantLock = ReentrantLock::new();
    // Never freed: JIT'd code on another thread may still hold it as its
    // dispatch context when serving ends.
    let session: &'static Session = Box::leak(Box::new(Session::new(
        Connection::new(input, output),
        &SERVE_LOCK,
    )));
    SERVED.store(session as *const Session as *mut Session, Ordering::Release);
    let sent = {
        let _guard = SERVE_LOCK.lock();
        session.send_setup(Vec::new())
    };
    let result = sent.and_then(|()| session.serve());
    let _guard = SERVE_LOCK.lock();
    SERVED.store(core::ptr::null_mut(), Ordering::Release);
    match result {
        Ok(()) => 0,
        Err(Ended::Violation(wrong)) => {
            report!("{wrong}; ending the session");
            1
        }
        Err(Ended::Hangup(Some(error))) => {
            report!("the controller ended the session with an error: {error}");
            1
        }
        Err(Ended::Closed | Ended::Hangup(None)) => 0,
    }
}

/// The session [`serve_fds`] serves.
static SERVED: AtomicPtr<Session> = AtomicPtr::new(core::ptr::null_mut());

/// The served session, if `ctx` is it.
pub fn served_session_at(ctx: *const c_void) -> Option<&'static Session> {
    let session = SERVED.load(Ordering::Acquire);
    // SAFETY: served sessions are never freed.
    (!session.is_null() && session as *const c_void == ctx).then(|| unsafe { &*session })
}
