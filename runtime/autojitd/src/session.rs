//! One program's session: its connection, JIT and engine, and the one
//! [`Phase`] it is in, from start to teardown.
//!
//! Threads: a reader per session delivers messages (`reader.rs`); ORC runs
//! each autojit call on a thread of its own (`calls.rs`), which may wait for
//! replies the reader delivers; C++ reaches the session through
//! `callbacks.rs`. The session's thread creates the JIT, waits for the
//! reader to end, then tears everything down in an order where no call can
//! still run. What the session is doing is one [`Phase`] under one lock; a
//! panic on any of these threads fails this session only (`fault.rs`).

use crate::boundary;
use crate::call::Call;
use crate::executor_bridge::ExecutorBridge;
use crate::fault::{self, PREFIX};
use crate::jitlink::JitLinkLinker;
use crate::program_calls::call_program;
use autojit_abi::env::{self, Environment};
use autojit_compiler::LazyModuleCompiler;
use autojit_engine::{BatchCompiler, CompilerFactory, Engine};
use autojit_llvm_capi::take_message;
use autojit_protocol::autojit;
use autojit_protocol::executor;
use autojit_protocol::{Header, Opcode, Writer};
use llvm_sys::orc2::lljit::LLVMOrcLLJITRef;
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CString};
use std::fs::File;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard};
use std::thread::JoinHandle;

pub struct Session {
    pub label: Arc<str>,
    /// Read by the reader thread only; owned here, so that its descriptor
    /// stays this session's until the session is gone.
    pub input: File,
    /// Written by ORC's threads, one whole message at a time.
    output: Mutex<File>,
    state: Mutex<State>,
    /// Signalled when the last running call ends.
    idle: Condvar,
    /// Between the JIT's LLVM and the stub's executor protocol.
    pub bridge: ExecutorBridge,
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
    let session = Session::new(input, output, label);
    let _entered = fault::enter(&session.label);
    session.log(|| "session started".into());
    let tags: Vec<CString> = Call::ALL
        .iter()
        .map(|call| CString::new(call.tag()).expect("tag names have no NUL"))
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
        boundary::autojitd_session_create(
            ctx,
            tag_ptrs.as_ptr(),
            tag_ptrs.len() as u32,
            register_eh_frame.as_ptr(),
            deregister_eh_frame.as_ptr(),
            &mut error,
        )
    };
    let outcome = if jit.is_null() {
        // SAFETY: the C++ made the message for us to free.
        let why = unsafe { take_message(error) };
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
    fn new(input: File, output: File, label: String) -> Self {
        Session {
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
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Every change of the state is one assignment, done without
        // panicking: a poisoned lock holds a consistent state.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Never called with the state locked.
    pub fn log(&self, msg: impl FnOnce() -> String) {
        if self.state().debug {
            fault::line(format_args!("{}: {}", self.label, msg()));
        }
    }

    /// Whether messages may still be read and sent.
    pub fn is_open(&self) -> bool {
        self.state().is_open()
    }

    /// Ends the session; `why` if the program did not end it cleanly.
    pub fn end(&self, why: Option<String>) {
        self.state().end(why);
    }

    /// Records one of the settings the program forwards while Starting.
    pub fn add_setting(&self, name: String, value: String) {
        if let Phase::Starting { settings } = &mut self.state().phase {
            settings.insert(name, value);
        }
    }

    /// The reader thread, joined before the session is torn down.
    pub fn keep_reader(&self, reader: JoinHandle<()>) {
        self.state().reader = Some(reader);
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
            // SAFETY: `jit` is live.
            let ready = unsafe { call_program(jit, autojit::SESSION_READY_WRAPPER, &[]) };
            if let Err(why) = ready {
                return Err(format!("the program did not start its session: {why}"));
            }
        }
        let reader = self.state().reader.take();
        if let Some(reader) = reader {
            let _ = reader.join();
        }
        Ok(())
    }

    /// Ends the session after a failure of autojitd's own.
    pub fn fail(&self, panic: String) {
        self.end_telling_the_program(format!(
            "autojitd failed serving this program ({panic}); report this"
        ));
    }

    /// Ends the session for `why`: the program is told in a hangup instead
    /// of waiting for a reply, and nothing more is read or sent. autojitd
    /// logs `why` once the session is torn down.
    pub fn end_telling_the_program(&self, why: String) {
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
    /// (if there is one) is disposed, and then the engine. Why the session
    /// ended, if not cleanly.
    fn tear_down(&self, jit: LLVMOrcLLJITRef) -> Option<String> {
        // The reader ends, and ORC fails the calls that wait for replies.
        self.stop_reading();
        let mut state = self.state();
        while state.calls > 0 {
            state = self.idle.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        let engine = match &state.phase {
            Phase::Ending { engine, .. } => engine.clone(),
            _ => None,
        };
        drop(state);
        if let Some(engine) = engine {
            // The background thread links nothing more into the program,
            // which is gone; what it was given is optimized for the next run.
            engine.stop_linking();
            engine.finish_background_work();
        }
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
    pub fn stop_reading(&self) {
        self.state().end(None);
        // SAFETY: shutdown on the session's own descriptor; a descriptor
        // that is not a socket just reports an error, which changes nothing.
        unsafe { libc::shutdown(self.input.as_raw_fd(), libc::SHUT_RD) };
    }

    pub fn write_message(
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

    /// The engine for a call, which counts as running until the result is
    /// dropped; None unless Serving.
    pub fn begin_call(&self) -> Option<RunningCall<'_>> {
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
}

/// For tests of the daemon's failure handling: a session panics when its
/// program registers a module whose source path contains this text.
const TEST_PANIC: &str = "AUTOJITD_TEST_PANIC";

/// Fails the session, as a bug of autojitd's would, when `source_path`
/// contains the text of [`TEST_PANIC`].
pub fn panic_if_asked(source_path: &str) {
    static PANIC_ON: LazyLock<Option<String>> =
        LazyLock::new(|| std::env::var(TEST_PANIC).ok().filter(|v| !v.is_empty()));
    if let Some(marker) = PANIC_ON.as_deref() {
        assert!(
            !source_path.contains(marker),
            "{TEST_PANIC} asked for a panic registering {source_path}"
        );
    }
}

/// A call the session counts as running, with the engine it uses.
pub struct RunningCall<'a> {
    session: &'a Session,
    engine: Option<Arc<Engine>>,
}

impl RunningCall<'_> {
    pub fn engine(&self) -> &Arc<Engine> {
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

#[cfg(test)]
pub mod tests {
    use super::*;
    use std::os::fd::OwnedFd;
    use std::os::unix::net::UnixStream;

    /// A session without a JIT, and the program's end of its connection.
    pub fn session_without_jit() -> (Session, UnixStream) {
        let (ours, program) = UnixStream::pair().expect("a socket pair");
        let output = ours.try_clone().expect("a second descriptor");
        let session = Session::new(
            File::from(OwnedFd::from(ours)),
            File::from(OwnedFd::from(output)),
            "test session".into(),
        );
        (session, program)
    }

    /// Why the session ended, once torn down.
    pub fn tear_down(session: &Session) -> Option<String> {
        session.tear_down(std::ptr::null_mut())
    }

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
