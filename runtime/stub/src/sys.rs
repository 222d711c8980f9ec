//! The little of the C library the stub needs beyond `libc`'s bindings:
//! the global allocator, the panic handler, one-line messages on stderr,
//! environment flags and process exit.

use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::{c_char, CStr};
use core::fmt::{self, Write};

pub const PREFIX: &str = "[autojit-stub]";
/// Status of a program whose session ended in an error.
pub const EXIT_STATUS: i32 = 1;

/// malloc and free: the stub must not bring an allocator of its own into
/// the program.
#[cfg(not(test))]
struct Malloc;

#[cfg(not(test))]
// SAFETY: malloc and posix_memalign return memory aligned as asked (malloc
// aligns to 16 bytes on x86_64) or null, and free takes what they returned.
unsafe impl core::alloc::GlobalAlloc for Malloc {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        if layout.align() <= 16 {
            // SAFETY: any size may be asked of malloc.
            return unsafe { libc::malloc(layout.size()) }.cast();
        }
        let mut out = core::ptr::null_mut();
        // SAFETY: the alignment is a power of two and a multiple of the
        // pointer size, as posix_memalign requires.
        let rc = unsafe { libc::posix_memalign(&mut out, layout.align(), layout.size()) };
        if rc == 0 {
            out.cast()
        } else {
            core::ptr::null_mut()
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _: core::alloc::Layout) {
        // SAFETY: `ptr` came from malloc or posix_memalign above.
        unsafe { libc::free(ptr.cast()) }
    }
}

#[cfg(not(test))]
#[global_allocator]
static ALLOCATOR: Malloc = Malloc;

#[cfg(not(test))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    report_line(format_args!("internal error: {}", info.message()));
    // SAFETY: abort ends the process; nothing of the stub runs after it.
    unsafe { libc::abort() }
}

/// Writes `[autojit-stub] <message>` and a newline to stderr with one write,
/// so lines of concurrent processes do not interleave.
#[inline(never)]
pub fn report_line(message: fmt::Arguments<'_>) {
    let mut line = String::new();
    let _ = writeln!(line, "{PREFIX} {message}");
    write_all(libc::STDERR_FILENO, line.as_bytes());
}

/// [`report_line`] with `format!`-style arguments.
macro_rules! report {
    ($($arg:tt)*) => { $crate::sys::report_line(format_args!($($arg)*)) };
}
pub(crate) use report;

/// Like [`report!`], but only when AUTOJIT_DEBUG is truthy.
macro_rules! debug {
    ($($arg:tt)*) => { $crate::sys::debug_line(format_args!($($arg)*)) };
}
pub(crate) use debug;

#[inline(never)]
pub fn debug_line(message: fmt::Arguments<'_>) {
    if flag(autojit_abi::env::DEBUG) {
        report_line(message);
    }
}

/// Writes all of `bytes` to `fd`; stderr failures have nowhere to go.
fn write_all(fd: i32, mut bytes: &[u8]) {
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

/// Set once the stub has reported why the program stops.
static FAILED: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

/// Prints `message` as one line and exits with [`EXIT_STATUS`], running the
/// program's exit handlers as any other failing exit would.
pub fn fail(message: fmt::Arguments<'_>) -> ! {
    FAILED.store(true, core::sync::atomic::Ordering::SeqCst);
    report_line(message);
    // SAFETY: exit runs the atexit handlers and ends the process.
    unsafe { libc::exit(EXIT_STATUS) }
}

/// Whether the program is already stopping on a reported error: an exit
/// handler that calls a lazy function then ends the process quietly, since
/// the one line is out and the session may be the thing that failed.
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
    // the messages the stub prints right away.
    let message = unsafe { libc::strerror(code) };
    cstr(message).unwrap_or("unknown error")
}

/// `s` as a C string.
pub fn c_string(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 1);
    out.extend_from_slice(s.as_bytes());
    out.push(0);
    out
}

/// A NUL-terminated string of the C library as UTF-8, if it is.
pub fn cstr(p: *const c_char) -> Option<&'static str> {
    if p.is_null() {
        return None;
    }
    // SAFETY: callers pass NUL-terminated strings the C library keeps alive.
    unsafe { CStr::from_ptr(p) }.to_str().ok()
}

/// The value of an environment variable; unset and empty are the same.
pub fn var(name: &str) -> Option<&'static str> {
    let name = c_string(name);
    // SAFETY: `name` is NUL-terminated; the stub never changes the
    // environment.
    cstr(unsafe { libc::getenv(name.as_ptr().cast()) }).filter(|v| !v.is_empty())
}

#[inline(never)]
pub fn flag(name: &str) -> bool {
    var(name).is_some_and(autojit_abi::env::is_truthy)
}

pub fn page_size() -> usize {
    // SAFETY: sysconf only reads a constant of the system.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 {
        size as usize
    } else {
        4096
    }
}

/// The precompiled `core` and `alloc` refer to Rust's unwinding
/// personality; with `panic = "abort"` nothing unwinds, so it is never
/// called.
#[cfg(not(test))]
#[no_mangle]
extern "C" fn rust_eh_personality() {}
