//! The little of the C library the stub needs beyond `libc`'s bindings and
//! the front end's (`autojit_frontend::process`): the global allocator, the
//! panic handler, and one-line messages with the stub's prefix.

pub use autojit_frontend::process::{c_string, cstr, errno, flag, strerror, var};
use core::fmt;

pub const PREFIX: &str = "[autojit-stub]";

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

/// Writes `[autojit-stub] <message>` as one line on stderr.
#[inline(never)]
pub fn report_line(message: fmt::Arguments<'_>) {
    autojit_frontend::process::report_line(PREFIX, message);
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

/// Prints `message` as one line and exits, running the program's exit
/// handlers as any other failing exit would.
pub fn fail(message: fmt::Arguments<'_>) -> ! {
    autojit_frontend::process::fail(PREFIX, message)
}

extern "C" {
    static environ: *const *const core::ffi::c_char;
}

/// The process's environment, `NAME=value` entries as the C library keeps
/// them.
pub fn environment() -> impl Iterator<Item = &'static [u8]> {
    // SAFETY: `environ` is the C library's NUL-terminated array of
    // NUL-terminated strings; autojit never changes the environment.
    let mut entry = unsafe { environ };
    core::iter::from_fn(move || {
        // SAFETY: as above; the walk stops at the terminating null.
        unsafe {
            if entry.is_null() || (*entry).is_null() {
                return None;
            }
            let bytes = core::ffi::CStr::from_ptr(*entry).to_bytes();
            entry = entry.add(1);
            Some(bytes)
        }
    })
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
