//! Remote mode's backend: the program's session with autojitd. The first
//! materialization connects, serves the daemon until its JIT is ready,
//! sends the registrations and asks for the function; exit hangs up; a
//! forked child opens a session of its own. Registration, failures, stats
//! and the entry points are the front end's (`autojit_frontend`).

use crate::connect;
use crate::executor::{self, Service};
use crate::session::ExecutorSession;
use crate::sys::{self, debug, report};
use crate::transport::{Connection, Ended};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use autojit_abi::{env, library, names, Failure, FailureKind, RegisteredModule, StatsSnapshot};
use autojit_frontend::lock::{LeafList, ReentrantLock};
use autojit_frontend::Backend;
use autojit_protocol::autojit::{self, ModuleRegistration};
use autojit_protocol::executor::decode_error_result;
use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// The backend `lib.rs` defines the runtime over.
pub struct RemoteBackend;
pub static REMOTE: RemoteBackend = RemoteBackend;

/// Held while talking to the daemon; the state below changes only under it.
static SESSION_LOCK: ReentrantLock = ReentrantLock::new();
static SESSION: AtomicPtr<ExecutorSession> = AtomicPtr::new(core::ptr::null_mut());
/// The session after the program hung up (`#[used]`: only leak checkers
/// read it).
#[used]
static HUNG_UP: AtomicPtr<ExecutorSession> = AtomicPtr::new(core::ptr::null_mut());

/// The program's session, if `ctx` is it (the dispatch context).
pub fn session_at(ctx: *const c_void) -> Option<&'static ExecutorSession> {
    let session = SESSION.load(Ordering::Acquire);
    // SAFETY: a session stays allocated while it is in SESSION.
    (!session.is_null() && session as *const c_void == ctx).then(|| unsafe { &*session })
}

impl Backend for RemoteBackend {
    fn prefix(&self) -> &'static str {
        sys::PREFIX
    }

    fn materialize(
        &self,
        guid: u64,
        record: usize,
        new_modules: &[RegisteredModule],
    ) -> Result<usize, Failure> {
        let _guard = SESSION_LOCK.lock();
        let what = || format!("materializing the function with GUID 0x{guid:016x}");
        let session =
            session_for_call().map_err(|e| Failure::new(guid, FailureKind::Backend(e)))?;
        // A function linked with one called before needs no round trip,
        // unless modules wait to be registered.
        let linked = new_modules
            .is_empty()
            .then(|| session.executor().answer_from_linked(guid, record as u64))
            .flatten();
        let result = match linked {
            Some(address) => Ok(address),
            None => {
                let result = send_registrations(session, new_modules)
                    .and_then(|sent| match sent {
                        Ok(()) => call_materialize(session, guid, record as u64),
                        Err(message) => Ok(Err(Failure::new(guid, FailureKind::Backend(message)))),
                    })
                    .map_err(|ended| {
                        Failure::new(guid, FailureKind::Backend(describe(ended, &what())))
                    })?;
                send_hot_reports(session);
                result
            }
        };
        if let Ok(address) = result {
            let how = if linked.is_some() {
                ", linked before"
            } else {
                ""
            };
            debug!("materialized the function with GUID 0x{guid:016x} at 0x{address:x}{how}");
        }
        result.map(|address| address as usize)
    }

    /// Sent now unless another thread is talking to the daemon (it may be
    /// waiting for a compile): then that thread sends it when done.
    fn hot(&self, guid: u64) {
        HOT_REPORTS.push(guid);
        // A thread already in a call (a signal handler, or code the daemon
        // runs) leaves the report to that call.
        if SESSION_LOCK.held_by_current_thread() {
            return;
        }
        if let Some(_guard) = SESSION_LOCK.try_lock() {
            // SAFETY: sessions stay allocated while they are in SESSION,
            // which only changes under the lock this thread holds.
            if let Some(session) = unsafe { SESSION.load(Ordering::Acquire).as_ref() } {
                send_hot_reports(session);
            }
        }
    }

    /// Tells the daemon to link nothing more into this process: what it
    /// optimizes from now on goes to its cache, for the next run. A daemon
    /// of the program's own finishes that first, as the in-process runtime
    /// does (else it would compete with the next run, or with the next of
    /// many processes, each with a daemon of its own); a standalone one
    /// finishes after the program has gone.
    fn finish_work(&self) {
        if SESSION_LOCK.held_by_current_thread() {
            return;
        }
        let _guard = SESSION_LOCK.lock();
        // SAFETY: as in `hot`.
        let Some(session) = (unsafe { SESSION.load(Ordering::Acquire).as_ref() }) else {
            return;
        };
        send_hot_reports(session);
        // No report sent: nothing to finish.
        if !core::ptr::eq(SERVED_IN_BACKGROUND.load(Ordering::Acquire), session) {
            return;
        }
        let args = autojit::encode_leaving(OWN_DAEMON.load(Ordering::Relaxed));
        if let Err(ended) = session.call(executor::tag(Service::Leaving), &args.bytes) {
            debug!("{}", describe(ended, "leaving"));
        }
    }

    fn stats(&self) -> Option<StatsSnapshot> {
        let _guard = SESSION_LOCK.lock();
        // SAFETY: sessions stay allocated while they are in SESSION, which
        // only changes under the lock this thread holds.
        let session = unsafe { SESSION.load(Ordering::Acquire).as_ref() }?;
        let result = session.call(executor::tag(Service::Stats), &[]).ok()?;
        autojit::decode_stats(&result).ok()
    }

    /// The child must not talk on its parent's connection: it drops it (the
    /// parent's daemon keeps serving the parent) and its next
    /// materialization opens a session of its own. The parent's JIT'd code
    /// stays mapped, since the child runs it too.
    fn forked_child(&self) {
        SESSION_LOCK.reset_in_child();
        // The parent's reports are not the child's to send.
        HOT_REPORTS.reset_in_child(false);
        SERVED_IN_BACKGROUND.store(core::ptr::null_mut(), Ordering::Release);
        let inherited = SESSION.swap(core::ptr::null_mut(), Ordering::AcqRel);
        if !inherited.is_null() {
            // SAFETY: the session was allocated by Box and is no longer in
            // SESSION; its memory manager's mappings are deliberately kept.
            unsafe {
                (*inherited).close();
                drop(Box::from_raw(inherited));
            }
        }
    }

    /// Hangs up, after every static destructor (which may still call lazy
    /// functions); with AUTOJITD_FULL_SHUTDOWN, waits for the daemon to
    /// tear the session down.
    fn at_exit(&self) {
        if SESSION_LOCK.held_by_current_thread() {
            // exit() from code the daemon runs: the session is mid-call.
            return;
        }
        let _guard = SESSION_LOCK.lock();
        let session = SESSION.swap(core::ptr::null_mut(), Ordering::AcqRel);
        if session.is_null() {
            return;
        }
        // Still reachable from a static, or LeakSanitizer, which checks
        // after the exit handlers, reports the session as a leak.
        HUNG_UP.store(session, Ordering::Relaxed);
        // SAFETY: allocated in `session_for_call` and never freed: a thread
        // that found it as its dispatch context just before may still hold
        // it.
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
    }
}

fn call_materialize(
    session: &ExecutorSession,
    guid: u64,
    record: u64,
) -> Result<Result<u64, Failure>, Ended> {
    if record != 0 {
        session.executor().accept_record(record);
    }
    let args = autojit::encode_materialize(autojit::MaterializeCall { guid, record });
    let result = session.call(executor::tag(Service::Materialize), &args.bytes)?;
    match autojit::decode_materialize_result(&result) {
        Ok(Ok(materialized)) => {
            session
                .executor()
                .accept_linked(materialized.linked_with)
                .map_err(Ended::Violation)?;
            Ok(Ok(materialized.address))
        }
        Ok(Err(failure)) => Ok(Err(failure)),
        Err(e) => Err(Ended::Violation(format!("materialize result: {e}"))),
    }
}

/// Functions first-tier code reported hot, not yet sent to the daemon.
static HOT_REPORTS: LeafList<u64> = LeafList::new();

/// Sends the reports that wait, with the session lock held; the daemon
/// optimizes those functions in the background, and a thread of the
/// stub's serves the session between the program's calls so that the
/// daemon can link and publish them as soon as they are ready. The records
/// of the first calls answered without the daemon go first: a function
/// reports after its first call, and its optimized body goes there too.
fn send_hot_reports(session: &'static ExecutorSession) {
    let guids = HOT_REPORTS.take();
    if guids.is_empty() {
        return;
    }
    serve_in_background(session);
    let args = autojit::encode_hot(&autojit::HotCall {
        guids,
        first_calls: session.executor().take_first_calls(),
    });
    if let Err(ended) = session.call(executor::tag(Service::Hot), &args.bytes) {
        // The program's next materialization reports the session's end.
        debug!("{}", describe(ended, "reporting hot functions"));
    }
}

/// Whether the session's daemon was spawned for this program.
static OWN_DAEMON: AtomicBool = AtomicBool::new(false);

/// The session a thread of the stub serves between the program's calls.
static SERVED_IN_BACKGROUND: AtomicPtr<ExecutorSession> = AtomicPtr::new(core::ptr::null_mut());

/// Starts the thread that serves `session` between the program's calls,
/// if none does.
fn serve_in_background(session: &'static ExecutorSession) {
    let ptr = session as *const ExecutorSession as *mut ExecutorSession;
    if SERVED_IN_BACKGROUND.swap(ptr, Ordering::AcqRel) == ptr {
        return;
    }
    let mut thread = core::mem::MaybeUninit::<libc::pthread_t>::uninit();
    // SAFETY: `serve_between_calls` takes the session, which is never
    // freed in this process (`at_exit` keeps it in HUNG_UP).
    let created = unsafe {
        libc::pthread_create(
            thread.as_mut_ptr(),
            core::ptr::null(),
            serve_between_calls,
            ptr.cast(),
        )
    };
    if created == 0 {
        // SAFETY: created above; nothing joins it.
        unsafe { libc::pthread_detach(thread.assume_init()) };
    } else {
        SERVED_IN_BACKGROUND.store(core::ptr::null_mut(), Ordering::Release);
        debug!("no thread serves autojitd between calls: optimized code waits for the next call");
    }
}

/// The thread that serves a session between the program's calls, until
/// the program hangs up.
extern "C" fn serve_between_calls(session: *mut c_void) -> *mut c_void {
    // SAFETY: a session, never freed (`serve_in_background`).
    let session = unsafe { &*(session as *const ExecutorSession) };
    // Until the program hangs up (or forks: the child's session is another);
    // reports that waited for the lock go out too.
    let before_each = || {
        let current = SESSION.load(Ordering::Acquire) as *const ExecutorSession;
        if !core::ptr::eq(current, session) {
            return false;
        }
        send_hot_reports(session);
        true
    };
    if let Err(ended) = session.serve(&before_each) {
        // The program's next call reports it too, if there is one.
        report!("{}", describe(ended, "linking optimized code"));
    }
    core::ptr::null_mut()
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
fn session_for_call() -> Result<&'static ExecutorSession, String> {
    let current = SESSION.load(Ordering::Acquire);
    if !current.is_null() {
        // SAFETY: sessions stay allocated while they are in SESSION, which
        // only changes under the lock this thread holds.
        return Ok(unsafe { &*current });
    }
    let daemon = connect::connect()?;
    OWN_DAEMON.store(daemon.spawned, Ordering::Relaxed);
    let session = Box::into_raw(Box::new(ExecutorSession::new(
        Connection::new(daemon.fd, daemon.fd),
        &SESSION_LOCK,
    )));
    SESSION.store(session, Ordering::Release);
    // SAFETY: just allocated; freed only when taken out of SESSION.
    let session = unsafe { &*session };
    let setup = session
        .send_setup(forwarded_settings())
        .and_then(|()| session.wait_until_ready());
    if let Err(ended) = setup {
        return Err(describe(ended, "setting up the session"));
    }
    debug!("autojitd is ready");
    crate::perf::map_jitdump();
    Ok(session)
}

/// The settings a shared daemon follows for this program: the forwarded
/// environment variables that are set (`env::is_forwarded`), and the
/// working directory.
fn forwarded_settings() -> Vec<(String, Vec<u8>)> {
    let mut settings: Vec<(String, Vec<u8>)> = sys::environment()
        .filter_map(|entry| {
            let (name, value) = entry.split_at(entry.iter().position(|&b| b == b'=')?);
            let value = &value[1..];
            if !env::is_forwarded(name) || value.is_empty() {
                return None;
            }
            Some((core::str::from_utf8(name).ok()?.into(), value.to_vec()))
        })
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
fn send_registrations(
    session: &ExecutorSession,
    new: &[RegisteredModule],
) -> Result<Result<(), String>, Ended> {
    if new.is_empty() {
        return Ok(Ok(()));
    }
    let registrations: Vec<ModuleRegistration> = new
        .iter()
        .map(|m| {
            // 0: the executable, whose symbols the daemon finds anyway.
            let library = library::handle_containing(m.as_ptr() as usize).map_or(0, |h| h as u64);
            session.executor().issue_library_handle(library);
            let mut symbols: Vec<(String, u64)> = m
                .symbols()
                .map(|(name, address)| (name.into(), address as u64))
                .collect();
            // The stub's own entry point for first-tier code, which no
            // dynamic symbol table need list (rustc's links leave it out).
            symbols.push((names::HOT_FN.into(), hot_fn_address()));
            ModuleRegistration {
                library,
                descriptor: m.as_ptr() as u64,
                lazy_path: m.lazy_path().into(),
                source_path: m.source_path().into(),
                source_identity: m.source_identity().into(),
                content_hash: m.content_hash_halves(),
                guids: m.guids().to_vec(),
                symbols,
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
    debug!("sent {} module registrations to autojitd", new.len());
    Ok(Ok(()))
}

fn hot_fn_address() -> u64 {
    crate::__llvm_autojit_hot as *const () as u64
}

/// Serves a controller on `input`/`output` (LLVM's executor tools): the
/// process's exit status.
pub fn serve_fds(input: i32, output: i32) -> i32 {
    static SERVE_LOCK: ReentrantLock = ReentrantLock::new();
    // Never freed: JIT'd code on another thread may still hold it as its
    // dispatch context when serving ends.
    let session: &'static ExecutorSession = Box::leak(Box::new(ExecutorSession::new(
        Connection::new(input, output),
        &SERVE_LOCK,
    )));
    SERVED.store(
        session as *const ExecutorSession as *mut ExecutorSession,
        Ordering::Release,
    );
    let sent = {
        let _guard = SERVE_LOCK.lock();
        session.send_setup(Vec::new())
    };
    let result = sent.and_then(|()| session.serve(&|| true));
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
static SERVED: AtomicPtr<ExecutorSession> = AtomicPtr::new(core::ptr::null_mut());

/// The served session, if `ctx` is it.
pub fn served_session_at(ctx: *const c_void) -> Option<&'static ExecutorSession> {
    let session = SERVED.load(Ordering::Acquire);
    // SAFETY: served sessions are never freed.
    (!session.is_null() && session as *const c_void == ctx).then(|| unsafe { &*session })
}
