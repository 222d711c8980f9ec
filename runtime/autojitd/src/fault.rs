//! What happens when autojitd itself fails: a panic ends the one session it
//! happened in, an LLVM fatal error ends the daemon.
//!
//! autojitd is built to unwind (the `daemon` profile). Every entry from C++
//! into Rust (`callbacks.rs`) and every session's own threads run
//! under [`catch`], so a panic is caught before it could reach a C++ frame
//! and becomes its session's failure. The thread-local session label names
//! the session in the lines below.

use std::cell::{Cell, RefCell};
use std::ffi::{c_char, CString};
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, OnceLock};

/// How the daemon's lines begin.
pub const PREFIX: &str = "[autojitd]";

/// The standalone daemon's socket, removed whenever the daemon ends.
static SOCKET_PATH: OnceLock<CString> = OnceLock::new();

thread_local! {
    /// The session this thread works for, if any.
    static SESSION: RefCell<Option<Arc<str>>> = const { RefCell::new(None) };
    /// How many [`catch`]es this thread is in.
    static CATCHING: Cell<u32> = const { Cell::new(0) };
    /// The description of the panic being caught.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the panic hook and LLVM's fatal-error handler; once, before
/// any session starts.
pub fn install() {
    panic::set_hook(Box::new(|info| {
        let message = match info.payload().downcast_ref::<&str>() {
            Some(s) => s.to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "a panic".into()),
        };
        let described = match info.location() {
            Some(at) => format!("{message}, at {}:{}", at.file(), at.line()),
            None => message,
        };
        if CATCHING.get() > 0 {
            // Reported by the session that fails.
            CAUGHT.set(Some(described));
        } else {
            line(format_args!("{}panicked: {described}", session_prefix()));
        }
    }));
    // SAFETY: installs a plain function; LLVM calls it instead of exiting.
    unsafe { llvm_sys::error_handling::LLVMInstallFatalErrorHandler(Some(llvm_fatal_error)) };
}

/// Marks this thread as working for the session `label` until the guard
/// is dropped.
pub fn enter(label: &Arc<str>) -> Entered {
    let outer = SESSION.replace(Some(label.clone()));
    Entered { outer }
}

pub struct Entered {
    outer: Option<Arc<str>>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        SESSION.set(self.outer.take());
    }
}

/// Runs `f`; a panic in it is caught and described (message and place).
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    CATCHING.set(CATCHING.get() + 1);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.set(CATCHING.get() - 1);
    result.map_err(|_| CAUGHT.take().unwrap_or_else(|| "a panic".into()))
}

/// One line on stderr (the daemon's log); a log that cannot be written is
/// no reason to fail.
pub fn line(text: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr(), "{PREFIX} {text}");
}

fn session_prefix() -> String {
    SESSION
        .with_borrow(|s| s.as_ref().map(|label| format!("{label}: ")))
        .unwrap_or_default()
}

/// LLVM cannot go on, and the handler must not return (LLVM exits then)
/// nor unwind (LLVM's frames have no cleanups: locks would stay held,
/// shared state half-updated). Nor can the thread just stop: what it holds
/// may be shared with other sessions, which would hang instead of failing.
/// So the daemon says which session failed and exits; its programs then
/// report that autojitd closed the connection.
extern "C" fn llvm_fatal_error(reason: *const c_char) {
    // SAFETY: LLVM passes a NUL-terminated reason.
    let reason = unsafe { std::ffi::CStr::from_ptr(reason) }.to_string_lossy();
    line(format_args!(
        "{}LLVM failed while compiling lazy code: {reason}; autojitd exits, ending every session it serves (rebuild the function's file without autojit and report this)",
        session_prefix()
    ));
    remove_socket();
    // SAFETY: ends the process without unwinding or running atexit
    // handlers, which could need what the failing thread holds.
    unsafe { libc::_exit(1) }
}

/// Makes `path` the socket removed when the daemon ends; once.
pub fn remove_socket_when_ending(path: CString) {
    let _ = SOCKET_PATH.set(path);
}

/// Removes the standalone daemon's socket, if it has one: the daemon is
/// ending. Async-signal-safe.
pub fn remove_socket() {
    if let Some(path) = SOCKET_PATH.get() {
        // SAFETY: unlink is async-signal-safe; the path is a NUL-terminated
        // string set before any handler that calls this was installed.
        unsafe { libc::unlink(path.as_ptr()) };
    }
}
