//! The little of the C library the program side needs: one-line messages
//! on stderr, environment variables, symbol names and exit. No std: the
//! stub links this into programs that carry no Rust runtime.

use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::{c_char, c_void, CStr};
use core::fmt::{self, Write};

/// Status of a program that stops on a reported error.
pub const EXIT_STATUS: i32 = 1;

/// Writes `<prefix> <message>` and a newline to stderr with one write, so
/// lines of concurrent processes do not interleave. A line that fits in
/// 1 KiB is assembled on the stack: a message from a signal handler must
/// not need malloc.
#[inline(never)]
pub fn report_line(prefix: &str, message: fmt::Arguments<'_>) {
    let mut line = StackLine {
        bytes: [0; 1024],
        len: 0,
    };
    if writeln!(line, "{prefix} {message}").is_ok() {
        write_all(libc::STDERR_FILENO, &line.bytes[..line.len]);
        return;
    }
    let mut long = String::new();
    let _ = writeln!(long, "{prefix} {message}");
    write_all(libc::STDERR_FILENO, long.as_bytes());
}

/// A line being written into a fixed buffer; writing past its end fails.
struct StackLine {
    bytes: [u8; 1024],
    len: usize,
}

impl Write for StackLine {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dest = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        dest.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Writes all of `bytes` to `fd`; stderr failures have nowhere to go.
pub fn write_all(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: `bytes` is valid for its length.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n < 0 && errno() == libc::EINTR {
            continue;
        }
        if n <= 0 {
            return;
        }
        bytes = bytes.get(n as usize..).unwrap_or_default();
    }
}

/// Set once the program side has reported why the program stops.
static FAILED: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// Prints `message` as one line and exits with [`EXIT_STATUS`], running the
/// program's exit handlers as any other failing exit would.
pub fn fail(prefix: &str, message: fmt::Arguments<'_>) -> ! {
    FAILED.store(true, core::sync::atomic::Ordering::SeqCst);
    report_line(prefix, message);
    // SAFETY: exit runs the atexit handlers and ends the process.
    unsafe { libc::exit(EXIT_STATUS) }
}

/// Whether the program is already stopping on a reported error: an exit
/// handler that calls a lazy function then ends the process quietly, since
/// the one line is out and the backend may be the thing that failed.
pub fn failed() -> bool {
    FAILED.load(core::sync::atomic::Ordering::SeqCst)
}

pub fn errno() -> i32 {
    // SAFETY: __errno_location returns this thread's errno slot.
    unsafe { *libc::__errno_location() }
}

/// The message of an errno value.
pub fn strerror(code: i32) -> &'static str {
    // SAFETY: strerror returns a NUL-terminated message that stays valid for
    // the messages printed right away.
    unsafe { cstr(libc::strerror(code)) }.unwrap_or("unknown error")
}

/// `s` as a C string.
pub fn c_string(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 1);
    out.extend_from_slice(s.as_bytes());
    out.push(0);
    out
}

/// A NUL-terminated string of the C library as UTF-8, if it is.
///
/// # Safety
/// `p` must be null or a NUL-terminated string that stays alive and
/// unchanged while the result is used.
pub unsafe fn cstr(p: *const c_char) -> Option<&'static str> {
    if p.is_null() {
        return None;
    }
    // SAFETY: as the caller guarantees.
    unsafe { CStr::from_ptr(p) }.to_str().ok()
}

/// The value of an environment variable; unset and empty are the same.
pub fn var(name: &str) -> Option<&'static str> {
    let name = c_string(name);
    // SAFETY: `name` is NUL-terminated; autojit never changes the
    // environment.
    unsafe { cstr(libc::getenv(name.as_ptr().cast())) }.filter(|v| !v.is_empty())
}

#[inline(never)]
pub fn flag(name: &str) -> bool {
    var(name).is_some_and(autojit_abi::env::is_truthy)
}

/// The name of the dynamic symbol containing `address`, if any.
pub fn dynamic_symbol_name(address: usize) -> Option<String> {
    let mut info = core::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    // SAFETY: dladdr only writes `info`; any address may be asked about.
    let found = unsafe { libc::dladdr(address as *const c_void, info.as_mut_ptr()) } != 0;
    if !found {
        return None;
    }
    // SAFETY: dladdr filled `info` when it returned non-zero; the name is
    // owned by the dynamic loader.
    let name = unsafe { cstr(info.assume_init().dli_sname) }?;
    Some(name.into())
}
