//! One program's session: read and check its messages, hand them to the
//! session's LLJIT (an ORC SimpleRemoteEPC), and serve its autojit calls
//! with an engine of its own.
//!
//! Threads: a reader per session delivers messages; ORC runs each autojit
//! call on a thread of its own, which may wait for replies the reader
//! delivers. The session's thread creates the JIT, waits for the reader to
//! end, then tears everything down in an order where no call can still run.
//! What the session is doing is one [`Phase`] under one lock; a panic on
//! any of these threads fails this session only (`fault.rs`).

use crate::executor_bridge::ExecutorBridge;
use crate::fault::{self, PREFIX};
use crate::jitlink::JitLinkLinker;
use crate::remote_jit;
use autojit_abi::env::{self, Environment};
use autojit_abi::{ContentHash, ABI_VERSION};
use autojit_compiler::LazyModuleCompiler;
use autojit_jit::{BatchCompiler, CompilerFactory, Engine, Registration, SymbolScope};
use autojit_llvm_capi::take_message;
use autojit_protocol::autojit::{self, decode_materialize, decode_registrations};
use autojit_protocol::executor;
use autojit_protocol::{read_payload, ExecutorInfo, Header, Opcode, Reader, Writer, HEADER_SIZE};
use llvm_sys::orc2::lljit::LLVMOrcLLJITRef;
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CString};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard};
use std::thread::JoinHandle;

/// The calls a program makes, in the order of their handler index.
const CALL_TAGS: [&str; 3] = [
    autojit::REGISTER_TAG,
    autojit::MATERIALIZE_TAG,
    autojit::STATS_TAG,
];
const REGISTER: u32 = 0;
const MATERIALIZE: u32 = 1;
const STATS: u32 = 2;

/// For tests of the daemon's failure handling: a session panics when its
/// program registers a module whose source path contains this text.
const TEST_PANIC: &str = "AUTOJITD_TEST_PANIC";

struct Session {
    label: Arc<str>,
    /// Read by the reader thread only; owned here, so that its descriptor
    /// stays this session's until the session is gone.
    input: File,
    /// Written by ORC's threads, one whole message at a time.
    output: Mutex<File>,
    state: Mutex<State>,
    /// Signalled when the last running call ends.
    idle: Condvar,
    /// Between the JIT's LLVM and the stub's executor protocol.
    bridge: ExecutorBridge,
}

struct State {
    phase: Phase,
    /// Log lines: the daemon's own AUTOJIT_DEBUG, or the program's once it
    /// forwarded its settings.
    debug: bool,
    /// Calls running on ORC's threads: the JIT stays until they are done.
    calls: usize,
    reader: Option<JoinHandle<()>>,
}

/// A session's life. Messages are read and sent only while `Starting` or
/// `Serving`, so that no call waits for a reply that cannot come.
enum Phase {
    /// The JIT is being built; the program's setup message brings its
    /// settings (`env::is_forwarded`).
    Starting { settings: HashMap<String, String> },
    /// The program makes its calls.
    Serving { engine: Arc<Engine> },
    /// No call may start: the program hung up or went away, broke the
    /// protocol (`why`), or autojitd failed serving it (`why`). The engine
    /// stays until the JIT is gone.
    Ending {
        why: Option<String>,
        engine: Option<Arc<Engine>>,
    },
    /// The JIT is disposed and the reader has finished.
    Closed,
}

impl State {
    fn is_open(&self) -> bool {
        matches!(self.phase, Phase::Starting { .. } | Phase::Serving { .. })
    }

    /// The settings the program forwarded, while Starting.
    fn take_settings(&mut self) -> Option<HashMap<String, String>> {
        match &mut self.phase {
            Phase::Starting { settings } => Some(std::mem::take(settings)),
            _ => None,
        }
    }

    /// Starting → Serving with `engine`; false if the session ended
    /// meanwhile (the engine then stays until the JIT is gone).
    fn serve(&mut self, engine: Engine, debug: bool) -> bool {
        let engine = Arc::new(engine);
        match &mut self.phase {
            Phase::Starting { .. } => {
                self.debug |= debug;
                self.phase = Phase::Serving { engine };
                true
            }
            Phase::Ending { engine: slot, .. } => {
                *slot = Some(engine);
                false
            }
            Phase::Serving { .. } | Phase::Closed => unreachable!("one engine per session"),
        }
    }

    /// → Ending. The first error says why the session ended: it replaces a
    /// clean end, never another error.
    fn end(&mut self, why: Option<String>) {
        self.phase = match std::mem::replace(&mut self.phase, Phase::Closed) {
            Phase::Starting { .. } => Phase::Ending { why, engine: None },
            Phase::Serving { engine, .. } => Phase::Ending {
                why,
                engine: Some(engine),
            },
            Phase::Ending { why: None, engine } => Phase::Ending { why, engine },
            ending @ Phase::Ending { .. } => ending,
            Phase::Closed => Phase::Closed,
        };
    }

    /// → Closed: why the session ended, and its engine, to drop once the
    /// JIT is gone.
    fn close(&mut self) -> (Option<String>, Option<Arc<Engine>>) {
        match std::mem::replace(&mut self.phase, Phase::Closed) {
            Phase::Ending { why, engine } => (why, engine),
            Phase::Serving { engine, .. } => (None, Some(engine)),
            Phase::Starting { .. } | Phase::Closed => (None, None),
        }
    }
}

/// Serves one program, process `pid` if known, over `input`/`output` until
/// it hangs up or the connection fails. `label` names the program in log
/// lines.
pub fn serve(input: File, output: File, pid: Option<u32>, label: String) -> Result<(), String> {
    let session = Session {
        label: label.into(),
        input,
        output: Mutex::new(output),
        state: Mutex::new(State {
            phase: Phase::Starting {
                settings: HashMap::new(),
            },
            debug: env::flag(env::DEBUG),
            calls: 0,
            reader: None,
        }),
        idle: Condvar::new(),
        bridge: ExecutorBridge::for_this_llvm(),
    };
    let _entered = fault::enter(&session.label);
    session.log(|| "session started".into());
    let tags: Vec<CString> = CALL_TAGS
        .iter()
        .map(|t| CString::new(*t).expect("tag names have no NUL"))
        .collect();
    let tag_ptrs: Vec<*const c_char> = tags.iter().map(|t| t.as_ptr()).collect();
    let ctx = &session as *const Session as *mut c_void;
    let register_eh_frame = CString::new(executor::names::REGISTER_EH_FRAME).expect("no NUL");
    let deregister_eh_frame = CString::new(executor::names::DEREGISTER_EH_FRAME).expect("no NUL");
    let mut error = std::ptr::null_mut();
    // SAFETY: the session and the tags outlive the JIT: the JIT is disposed
    // in `tear_down`, before they go out of scope; the wrapper names are
    // looked up before the call returns.
    let jit = unsafe {
        remote_jit::autojitd_session_create(
            ctx,
            tag_ptrs.as_ptr(),
            tag_ptrs.len() as u32,
            register_eh_frame.as_ptr(),
            deregister_eh_frame.as_ptr(),
            &mut error,
        )
    };
    let outcome = if jit.is_null() {
        let why = take_message(error);
        Err(format!(
            "cannot start a session: {why}; is the program linked with this autojit's stub?"
        ))
    } else {
        fault::catch(|| session.run(jit, pid)).unwrap_or_else(|panic| {
            session.fail(panic);
            Ok(())
        })
    };
    let why = session.tear_down(jit);
    session.log(|| "session ended".into());
    outcome
        .and(why.map_or(Ok(()), Err))
        .map_err(|why| format!("{}: {why}", session.label))
}

impl Session {
    fn state(&self) -> MutexGuard<'_, State> {
        // Every change of the state is one assignment, done without
        // panicking: a poisoned lock holds a consistent state.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Never called with the state locked.
    fn log(&self, msg: impl FnOnce() -> String) {
        if self.state().debug {
            fault::line(format_args!("{}: {}", self.label, msg()));
        }
    }

    /// Creates the engine, tells the program its session is ready and
    /// waits until the reader has finished; an error if the program did
    /// not start its session.
    fn run(&self, jit: LLVMOrcLLJITRef, pid: Option<u32>) -> Result<(), String> {
        // Built without the lock: the engine already calls into the program.
        let settings = self.state().take_settings();
        let serving = settings.is_some_and(|settings| {
            let environment = Environment::Forwarded(settings);
            let debug = environment.flag(env::DEBUG);
            // SAFETY: the engine only links while the session runs; the JIT
            // is disposed after the last call has finished, and before the
            // engine is dropped.
            let linker = unsafe { JitLinkLinker::remote(jit, pid) };
            let debug_support_error = linker.debug_support_error.clone();
            let compilers: CompilerFactory = Box::new(|_| {
                LazyModuleCompiler::new().map(|c| Box::new(c) as Box<dyn BatchCompiler>)
            });
            let engine = Engine::remote(PREFIX, environment, pid, compilers, Box::new(linker));
            if let Some(e) = debug_support_error {
                engine.log(|| format!("debugger registration unavailable: {e}"));
            }
            self.state().serve(engine, debug)
        });
        if serving {
            // The program makes its calls once told; the engine is there first.
            let ready = CString::new(autojit::SESSION_READY_WRAPPER).expect("no NUL");
            // SAFETY: `jit` is live; the wrapper name is NUL-terminated.
            let refused = unsafe { remote_jit::autojitd_session_ready(jit, ready.as_ptr()) };
            if !refused.is_null() {
                let why = take_message(refused);
                return Err(format!("the program did not start its session: {why}"));
            }
        }
        let reader = self.state().reader.take();
        if let Some(reader) = reader {
            let _ = reader.join();
        }
        Ok(())
    }

    /// Ends the session after a failure of autojitd's own: the program is
    /// told why in a hangup instead of waiting for a reply, and nothing
    /// more is read or sent.
    fn fail(&self, panic: String) {
        let why = format!("autojitd failed serving this program ({panic}); report this");
        let was_open = {
            let mut state = self.state();
            let open = state.is_open();
            state.end(Some(why.clone()));
            open
        };
        if was_open {
            let mut hangup = Writer::new();
            hangup.error(Some(&why));
            let _ = self.write_message(Opcode::Hangup, 0, 0, &hangup.bytes);
        }
        self.stop_reading();
    }

    /// No call may start any more; once the running ones are done, the JIT
    /// is disposed, and then the engine. Why the session ended, if not
    /// cleanly.
    fn tear_down(&self, jit: LLVMOrcLLJITRef) -> Option<String> {
        // The reader ends, and ORC fails the calls that wait for replies.
        self.stop_reading();
        let mut state = self.state();
        while state.calls > 0 {
            state = self.idle.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        drop(state);
        if !jit.is_null() {
            // SAFETY: created by `serve`; no call runs or can start.
            unsafe { llvm_sys::orc2::lljit::LLVMOrcDisposeLLJIT(jit) };
        }
        let reader = self.state().reader.take();
        if let Some(reader) = reader {
            let _ = reader.join();
        }
        let (why, engine) = self.state().close();
        drop(engine);
        why
    }

    /// Makes the reader see the end of its input; the program keeps its end
    /// open until the session is torn down (a synchronous hangup waits for
    /// that).
    fn stop_reading(&self) {
        self.state().end(None);
        // SAFETY: shutdown on the session's own descriptor; a descriptor
        // that is not a socket just reports an error, which changes nothing.
        unsafe { libc::shutdown(self.input.as_raw_fd(), libc::SHUT_RD) };
    }

    fn write_message(
        &self,
        opcode: Opcode,
        seq_no: u64,
        tag: u64,
        payload: &[u8],
    ) -> std::io::Result<()> {
        let header = Header {
            opcode,
            seq_no,
            tag_addr: tag,
            payload_len: payload.len(),
        };
        let mut out = self.output.lock().unwrap_or_else(|e| e.into_inner());
        out.write_all(&header.encode())
            .and_then(|()| out.write_all(payload))
    }

    /// Reads messages and delivers them to the JIT until the session ends;
    /// None when the program hung up or closed the connection between
    /// messages, else why it ended.
    fn read_messages(&self, transport: *mut c_void) -> Option<String> {
        let input = &self.input;
        loop {
            let mut header = [0u8; HEADER_SIZE];
            match read_up_to(input, &mut header) {
                Ok(HEADER_SIZE) => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    return Some(format!(
                        "the program sent no setup message within {} s",
                        SETUP_TIMEOUT.as_secs()
                    ))
                }
                // Between messages: the program ended without a hangup (it
                // exited on an error, or was killed); nothing to report.
                Ok(0) => return None,
                Ok(_) => return Some(MESSAGE_CUT.into()),
                Err(e) => return Some(format!("reading from the program failed: {e}")),
            }
            let header = match Header::decode(&header) {
                Ok(h) => h,
                Err(e) => return Some(format!("the program sent a {e}")),
            };
            let payload = match read_payload(header.payload_len, |buf| read_up_to(input, buf)) {
                Ok(Ok(p)) => p,
                Ok(Err(_)) => return Some(MESSAGE_CUT.into()),
                Err(e) => return Some(format!("reading from the program failed: {e}")),
            };
            if !self.state().is_open() {
                // The session is being torn down: deliver nothing more.
                return None;
            }
            if header.opcode == Opcode::Setup {
                if let Err(why) = check_setup(&payload) {
                    return Some(why);
                }
                // Set up: from now on the program may stay silent for as
                // long as it runs.
                set_read_timeout(input, None);
            }
            let payload = match self.bridge.incoming(header.opcode, header.seq_no, &payload) {
                Ok(p) => p,
                Err(why) => return Some(why),
            };
            let mut error = std::ptr::null_mut();
            // SAFETY: `transport` is the session's live transport; the payload
            // outlives the call, which copies it.
            let go_on = unsafe {
                remote_jit::autojitd_deliver(
                    transport,
                    header.opcode as u64,
                    header.seq_no,
                    header.tag_addr,
                    payload.as_ptr(),
                    payload.len(),
                    &mut error,
                )
            };
            match go_on {
                1 => continue,
                0 => return None,
                _ => return Some(take_message(error)),
            }
        }
    }

    /// The engine for a call, which counts as running until the result is
    /// dropped; None unless Serving.
    fn begin_call(&self) -> Option<RunningCall<'_>> {
        let mut state = self.state();
        let Phase::Serving { engine, .. } = &state.phase else {
            return None;
        };
        let engine = engine.clone();
        state.calls += 1;
        Some(RunningCall {
            session: self,
            engine: Some(engine),
        })
    }

    fn serve_call(&self, which: u32, args: &[u8]) -> Vec<u8> {
        let mut w = Writer::new();
        // Counts the call as done even when it panics.
        let Some(running) = self.begin_call() else {
            let why = "autojitd's session for this program is not running";
            match which {
                MATERIALIZE => {
                    w.unexpected(why);
                }
                STATS => w = autojit::encode_stats(&Default::default()),
                _ => {
                    w.error(Some(why));
                }
            }
            return w.bytes;
        };
        let engine = running.engine();
        match which {
            REGISTER => self.register(engine, args, &mut w),
            MATERIALIZE => self.materialize(engine, args, &mut w),
            _ => {
                w = autojit::encode_stats(&engine.stats.snapshot());
            }
        }
        w.bytes
    }

    /// `Error(Sequence<ModuleRegistration>)`.
    fn register(&self, engine: &Engine, args: &[u8], w: &mut Writer) {
        let modules = match decode_registrations(args) {
            Ok(modules) => modules,
            Err(e) => {
                w.error(Some(&format!("autojitd cannot read the program's module registration ({e}); relink the program with this autojit's stub")));
                return;
            }
        };
        static PANIC_ON: LazyLock<Option<String>> =
            LazyLock::new(|| std::env::var(TEST_PANIC).ok().filter(|v| !v.is_empty()));
        for m in modules {
            if let Some(marker) = PANIC_ON.as_deref() {
                assert!(
                    !m.source_path.contains(marker),
                    "{TEST_PANIC} asked for a panic registering {}",
                    m.source_path
                );
            }
            self.log(|| format!("registered {} ({} functions)", m.lazy_path, m.guids.len()));
            engine.register(Registration {
                abi_version: ABI_VERSION,
                lazy_path: m.lazy_path,
                // Read from the descriptor when needed (`embedded.rs`).
                embedded: None,
                source_path: m.source_path,
                content_hash: ContentHash::from_halves(m.content_hash),
                guids: m.guids,
                symbols: m
                    .symbols
                    .into_iter()
                    .map(|(n, a)| (n, a as usize))
                    .collect(),
                scope: SymbolScope::Remote {
                    library: m.library,
                    descriptor: m.descriptor as usize,
                },
            });
        }
        w.error(None);
    }

    /// `MaterializeResult(u64 guid)`: the address, or the failure as a
    /// value for the program's front end to report.
    fn materialize(&self, engine: &Engine, args: &[u8], w: &mut Writer) {
        match decode_materialize(args) {
            Ok(guid) => {
                let result = engine.materialize(guid).map(|address| address as u64);
                *w = autojit::encode_materialize_result(&result);
            }
            Err(e) => {
                w.unexpected(&format!("autojitd cannot read the program's materialize call ({e}); relink the program with this autojit's stub"));
            }
        }
    }
}

/// A call the session counts as running, with the engine it uses.
struct RunningCall<'a> {
    session: &'a Session,
    engine: Option<Arc<Engine>>,
}

impl RunningCall<'_> {
    fn engine(&self) -> &Engine {
        self.engine.as_ref().expect("taken only when dropped")
    }
}

impl Drop for RunningCall<'_> {
    fn drop(&mut self) {
        // The teardown drops the engine, after the JIT: let go of it first.
        self.engine = None;
        let mut state = self.session.state();
        state.calls -= 1;
        if state.calls == 0 {
            self.session.idle.notify_all();
        }
    }
}

/// What LLVM takes from the program's setup message on trust: a page size
/// it divides by, and the target it generates code for.
fn check_setup(payload: &[u8]) -> Result<(), String> {
    let mut r = Reader::new(payload);
    let info = ExecutorInfo::decode(&mut r)
        .and_then(|info| r.finish().map(|()| info))
        .map_err(|e| format!("the program sent a {e} in its setup message"))?;
    if !info.page_size.is_power_of_two() || !(4096..=1 << 30).contains(&info.page_size) {
        return Err(format!(
            "the program's setup message gives a page size of {}",
            info.page_size
        ));
    }
    let host_arch = std::env::consts::ARCH;
    if info.target_triple.split('-').next() != Some(host_arch) {
        return Err(format!(
            "the program runs on {}, this autojitd compiles for {host_arch}",
            info.target_triple
        ));
    }
    Ok(())
}

const MESSAGE_CUT: &str = "the program closed the connection in the middle of a message";

/// Fills `buf` unless the input ends first; how many bytes it read.
fn read_up_to(mut input: &File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// How long a program connecting to a standalone daemon may take to send
/// its setup message: a connection that never does would hold a thread.
pub const SETUP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Sets (or with None, clears) the socket's read timeout.
pub fn set_read_timeout(socket: &File, timeout: Option<std::time::Duration>) {
    let timeout = timeout.unwrap_or_default();
    let value = libc::timeval {
        tv_sec: timeout.as_secs() as libc::time_t,
        tv_usec: timeout.subsec_micros() as libc::suseconds_t,
    };
    // SAFETY: SO_RCVTIMEO reads one timeval; on a descriptor that is not a
    // socket the call fails and changes nothing.
    unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            &value as *const libc::timeval as *const libc::c_void,
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
}

fn session<'a>(ctx: *mut c_void) -> &'a Session {
    // SAFETY: `ctx` is the Session that `serve` keeps alive until the JIT
    // that calls back with it is disposed and the reader has finished.
    unsafe { &*(ctx as *const Session) }
}

/// Runs a callback from C++ for the session at `ctx`. A panic must not
/// unwind into C++: it fails the session, and the callback answers
/// `failed`.
fn guarded<T>(ctx: *mut c_void, failed: T, f: impl FnOnce(&Session) -> T) -> T {
    let s = session(ctx);
    let _entered = fault::enter(&s.label);
    fault::catch(|| f(s)).unwrap_or_else(|panic| {
        s.fail(panic);
        failed
    })
}

#[no_mangle]
extern "C" fn autojitd_start(ctx: *mut c_void, transport: *mut c_void) {
    let ctx_addr = ctx as usize;
    let transport_addr = transport as usize;
    let read = move || {
        let s = session(ctx_addr as *mut c_void);
        let _entered = fault::enter(&s.label);
        let why = fault::catch(|| s.read_messages(transport_addr as *mut c_void)).unwrap_or_else(
            |panic| {
                s.fail(panic);
                None
            },
        );
        s.state().end(why.clone());
        let c_why = why
            .as_deref()
            .map(|w| CString::new(w.replace('\0', " ")).unwrap_or_default());
        // SAFETY: the transport lives until its client has been told the
        // session is over, which is this call.
        unsafe {
            remote_jit::autojitd_disconnected(
                transport_addr as *mut c_void,
                c_why.as_ref().map_or(std::ptr::null(), |w| w.as_ptr()),
            )
        };
    };
    guarded(ctx, (), |s| {
        match std::thread::Builder::new()
            .name("reader".into())
            .spawn(read)
        {
            Ok(reader) => s.state().reader = Some(reader),
            Err(e) => s.fail(format!("cannot start the session's reader: {e}")),
        }
    })
}

#[no_mangle]
extern "C" fn autojitd_send(
    ctx: *mut c_void,
    opcode: u64,
    seq_no: u64,
    tag: u64,
    bytes: *const u8,
    len: usize,
) -> c_int {
    guarded(ctx, -1, |s| {
        let Ok(opcode) = opcode.try_into() else {
            return -1;
        };
        if !s.state().is_open() {
            return -1;
        }
        // SAFETY: ORC passes `len` readable bytes at `bytes`.
        let payload = unsafe { bytes_at(bytes, len) };
        let payload = s.bridge.outgoing(opcode, seq_no, tag, payload);
        match s.write_message(opcode, seq_no, tag, &payload) {
            Ok(()) => 0,
            Err(_) => -1,
        }
    })
}

#[no_mangle]
extern "C" fn autojitd_setting(
    ctx: *mut c_void,
    name: *const c_char,
    value: *const u8,
    len: usize,
) {
    guarded(ctx, (), |s| {
        // SAFETY: ORC passes a NUL-terminated name and `len` bytes at `value`.
        let (name, value) = unsafe {
            (
                std::ffi::CStr::from_ptr(name)
                    .to_string_lossy()
                    .into_owned(),
                bytes_at(value, len),
            )
        };
        if let Phase::Starting { settings } = &mut s.state().phase {
            settings.insert(name, String::from_utf8_lossy(value).into_owned());
        }
    })
}

#[no_mangle]
extern "C" fn autojitd_disconnect(ctx: *mut c_void) {
    guarded(ctx, (), Session::stop_reading)
}

#[no_mangle]
extern "C" fn autojitd_call(
    ctx: *mut c_void,
    which: u32,
    args: *const u8,
    len: usize,
    result: *mut *mut u8,
    result_len: *mut usize,
) {
    // SAFETY: ORC passes `len` readable argument bytes at `args`.
    let args = unsafe { bytes_at(args, len) };
    // A failed session has told the program why; this answer goes nowhere.
    let bytes = guarded(ctx, Vec::new(), |s| s.serve_call(which, args));
    // SAFETY: a malloc'ed copy the C++ side frees; the out-pointers are
    // valid for writing.
    unsafe {
        let copy = libc::malloc(bytes.len().max(1)) as *mut u8;
        if !copy.is_null() {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), copy, bytes.len());
        }
        *result = copy;
        *result_len = if copy.is_null() { 0 } else { bytes.len() };
    }
}

/// The `len` bytes at `p`, which may be null when `len` is 0.
///
/// # Safety
/// `p` must point to `len` readable bytes that outlive the use.
unsafe fn bytes_at<'a>(p: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        return &[];
    }
    // SAFETY: the caller's promise.
    unsafe { std::slice::from_raw_parts(p, len) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starting() -> State {
        State {
            phase: Phase::Starting {
                settings: HashMap::new(),
            },
            debug: false,
            calls: 0,
            reader: None,
        }
    }

    #[test]
    fn the_first_error_says_why_a_session_ended() {
        let mut state = starting();
        assert!(state.is_open());
        state.end(None);
        assert!(!state.is_open());
        state.end(Some("first".into()));
        state.end(Some("second".into()));
        state.end(None);
        assert_eq!(state.close().0.as_deref(), Some("first"));
        assert!(matches!(state.phase, Phase::Closed));
        state.end(Some("late".into()));
        assert!(matches!(state.phase, Phase::Closed));
    }
}
