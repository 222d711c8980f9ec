//! One program's session: read and check its messages, hand them to the
//! session's LLJIT (an ORC SimpleRemoteEPC), and serve its autojit calls
//! with an engine of its own.
//!
//! Threads: a reader per session delivers messages; ORC runs each autojit
//! call on a thread of its own, which may wait for replies the reader
//! delivers. The session's thread creates the JIT, waits for the reader to
//! end, then tears everything down in an order where no call can still run.

use crate::remote_jit::{self, SessionCallbacks};
use autojit_abi::env::{self, Environment};
use autojit_abi::{ContentHash, ABI_VERSION};
use autojit_jit::{Engine, Registration, SymbolScope};
use autojit_protocol::autojit::{self, decode_materialize, decode_registrations};
use autojit_protocol::{read_payload, ExecutorInfo, Header, Opcode, Reader, Writer, HEADER_SIZE};
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CString};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex, OnceLock};
use std::thread::JoinHandle;

pub const PREFIX: &str = "[autojitd]";

/// The calls a program makes, in the order of their handler index.
const CALL_TAGS: [&str; 3] = [
    autojit::REGISTER_TAG,
    autojit::MATERIALIZE_TAG,
    autojit::STATS_TAG,
];
const REGISTER: u32 = 0;
const MATERIALIZE: u32 = 1;
const STATS: u32 = 2;

struct Session {
    label: String,
    /// Log lines: the daemon's own AUTOJIT_DEBUG, or the program's once it
    /// forwarded its settings.
    debug: AtomicBool,
    /// Read by the reader thread only; owned here, so that its descriptor
    /// stays this session's until the session is gone.
    input: File,
    /// Set once no more messages will be read: from then on nothing is
    /// sent either, so no call can wait for a reply that cannot come.
    disconnected: AtomicBool,
    writer: Mutex<File>,
    engine: OnceLock<Engine>,
    /// What the program forwarded from its environment (`env::FORWARDED`).
    settings: Mutex<HashMap<String, String>>,
    /// Serializes the program's calls; true once the session is being torn
    /// down, when no call may start any more.
    calls_closed: Mutex<bool>,
    ended: Mutex<Option<mpsc::Sender<Option<String>>>>,
    reader_thread: Mutex<Option<JoinHandle<()>>>,
}

/// Serves one program, process `pid` if known, over `input`/`output` until
/// it hangs up or the connection fails. `label` names the program in log
/// lines.
pub fn serve(input: File, output: File, pid: Option<u32>, label: String) -> Result<(), String> {
    let (ended_tx, ended_rx) = mpsc::channel();
    let session = Session {
        label,
        debug: AtomicBool::new(env::flag(env::DEBUG)),
        input,
        disconnected: AtomicBool::new(false),
        writer: Mutex::new(output),
        engine: OnceLock::new(),
        settings: Mutex::default(),
        calls_closed: Mutex::new(false),
        ended: Mutex::new(Some(ended_tx)),
        reader_thread: Mutex::new(None),
    };
    session.log(|| "session started".into());
    let tags: Vec<CString> = CALL_TAGS
        .iter()
        .map(|t| CString::new(*t).expect("tag names have no NUL"))
        .collect();
    let tag_ptrs: Vec<*const c_char> = tags.iter().map(|t| t.as_ptr()).collect();
    let ready = CString::new(autojit::SESSION_READY_WRAPPER).expect("no NUL");
    let callbacks = SessionCallbacks {
        ctx: &session as *const Session as *mut c_void,
        start,
        send,
        setting,
        disconnect,
        call,
        call_tags: tag_ptrs.as_ptr(),
        num_calls: tag_ptrs.len() as u32,
    };
    let mut error = std::ptr::null_mut();
    // SAFETY: `callbacks` and everything it points to outlive the JIT: the
    // JIT is disposed below, before they go out of scope.
    let jit = unsafe { remote_jit::autojitd_session_create(&callbacks, &mut error) };
    let outcome = if jit.is_null() {
        // SAFETY: on failure the C++ side strdup'ed a message.
        let why = unsafe { remote_jit::take_message(error) };
        Err(format!(
            "cannot start a session: {why}; is the program linked with this autojit's stub?"
        ))
    } else {
        let settings =
            std::mem::take(&mut *session.settings.lock().unwrap_or_else(|e| e.into_inner()));
        let environment = Environment::Forwarded(settings);
        if environment.flag(env::DEBUG) {
            session.debug.store(true, Ordering::Relaxed);
        }
        // SAFETY: the engine only materializes while the session runs; the
        // JIT is disposed after the last call has finished, and before the
        // session (with its engine) is dropped.
        let _ = session
            .engine
            .set(unsafe { Engine::remote(PREFIX, jit, environment, pid) });
        // The program makes its calls once told; the engine is there first.
        // SAFETY: `jit` is live; the wrapper name is NUL-terminated.
        let refused = unsafe { remote_jit::autojitd_session_ready(jit, ready.as_ptr()) };
        if refused.is_null() {
            match ended_rx.recv() {
                Ok(None) | Err(_) => Ok(()),
                Ok(Some(why)) => Err(why),
            }
        } else {
            // SAFETY: the C++ side strdup'ed the message.
            let why = unsafe { remote_jit::take_message(refused) };
            Err(format!("the program did not start its session: {why}"))
        }
    };
    // No call may start or still run once the JIT goes away.
    *session
        .calls_closed
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = true;
    if !jit.is_null() {
        // SAFETY: created above; nothing uses it once `calls_closed` is set.
        unsafe { llvm_sys::orc2::lljit::LLVMOrcDisposeLLJIT(jit) };
    }
    session.stop_reading();
    let reader = session.reader_thread.lock().ok().and_then(|mut t| t.take());
    if let Some(reader) = reader {
        let _ = reader.join();
    }
    session.log(|| "session ended".into());
    outcome.map_err(|why| format!("{}: {why}", session.label))
}

impl Session {
    fn log(&self, msg: impl FnOnce() -> String) {
        if self.debug.load(Ordering::Relaxed) {
            eprintln!("{PREFIX} {}: {}", self.label, msg());
        }
    }

    /// Makes the reader see the end of its input; the program keeps its end
    /// open until the session is torn down (a synchronous hangup waits for
    /// that).
    fn stop_reading(&self) {
        self.disconnected.store(true, Ordering::SeqCst);
        // SAFETY: shutdown on the session's own descriptor; a descriptor
        // that is not a socket just reports an error, which changes nothing.
        unsafe { libc::shutdown(self.input.as_raw_fd(), libc::SHUT_RD) };
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
            if self.disconnected.load(Ordering::SeqCst) {
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
                // SAFETY: on failure the C++ side strdup'ed a message.
                _ => return Some(unsafe { remote_jit::take_message(error) }),
            }
        }
    }

    fn serve_call(&self, which: u32, args: &[u8]) -> Vec<u8> {
        let closed = self.calls_closed.lock().unwrap_or_else(|e| e.into_inner());
        let mut w = Writer::new();
        match (self.engine.get(), *closed) {
            (Some(engine), false) => match which {
                REGISTER => self.register(engine, args, &mut w),
                MATERIALIZE => self.materialize(engine, args, &mut w),
                _ => w = autojit::encode_stats(&engine.stats.snapshot()),
            },
            _ => {
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
        for m in modules {
            self.log(|| format!("registered {} ({} functions)", m.lazy_path, m.guids.len()));
            engine.register(Registration {
                abi_version: ABI_VERSION,
                lazy_path: m.lazy_path,
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

extern "C" fn start(ctx: *mut c_void, transport: *mut c_void) {
    let ctx_addr = ctx as usize;
    let transport_addr = transport as usize;
    let reader = std::thread::spawn(move || {
        let s = session(ctx_addr as *mut c_void);
        let why = s.read_messages(transport_addr as *mut c_void);
        s.disconnected.store(true, Ordering::SeqCst);
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
        if let Some(tx) = s.ended.lock().ok().and_then(|mut t| t.take()) {
            let _ = tx.send(why);
        }
    });
    if let Ok(mut slot) = session(ctx).reader_thread.lock() {
        *slot = Some(reader);
    }
}

extern "C" fn send(
    ctx: *mut c_void,
    opcode: u64,
    seq_no: u64,
    tag: u64,
    bytes: *const u8,
    len: usize,
) -> c_int {
    let s = session(ctx);
    let Ok(opcode) = opcode.try_into() else {
        return -1;
    };
    if s.disconnected.load(Ordering::SeqCst) {
        return -1;
    }
    let header = Header {
        opcode,
        seq_no,
        tag_addr: tag,
        payload_len: len,
    };
    let payload = if len == 0 {
        &[][..]
    } else {
        // SAFETY: ORC passes `len` readable bytes at `bytes`.
        unsafe { std::slice::from_raw_parts(bytes, len) }
    };
    let Ok(mut out) = s.writer.lock() else {
        return -1;
    };
    match out
        .write_all(&header.encode())
        .and_then(|()| out.write_all(payload))
    {
        Ok(()) => 0,
        Err(_) => -1,
    }
}

extern "C" fn setting(ctx: *mut c_void, name: *const c_char, value: *const u8, len: usize) {
    // SAFETY: ORC passes a NUL-terminated name and `len` bytes at `value`.
    let (name, value) = unsafe {
        (
            std::ffi::CStr::from_ptr(name)
                .to_string_lossy()
                .into_owned(),
            if len == 0 {
                &[][..]
            } else {
                std::slice::from_raw_parts(value, len)
            },
        )
    };
    if let Ok(mut settings) = session(ctx).settings.lock() {
        settings.insert(name, String::from_utf8_lossy(value).into_owned());
    }
}

extern "C" fn disconnect(ctx: *mut c_void) {
    session(ctx).stop_reading();
}

extern "C" fn call(
    ctx: *mut c_void,
    which: u32,
    args: *const u8,
    len: usize,
    result: *mut *mut u8,
    result_len: *mut usize,
) {
    let args = if len == 0 {
        &[][..]
    } else {
        // SAFETY: ORC passes `len` readable argument bytes at `args`.
        unsafe { std::slice::from_raw_parts(args, len) }
    };
    let bytes = session(ctx).serve_call(which, args);
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
