//! AUTOJIT_PERF in remote mode: autojitd writes the program's jitdump, but
//! `perf inject --jit` reads only a jitdump the profiled process mapped
//! executable, so the stub maps it. autojitd creates it before it tells the
//! session ready; each session is one process's (a forked child starts its
//! own).

use crate::sys;
use autojit_abi::env;

/// Maps this process's jitdump when its session is ready, for the life of
/// the process. Not inlined: the stub is smaller with it out of line.
#[inline(never)]
pub fn map_jitdump() {
    if !sys::flag(env::PERF) {
        return;
    }
    // SAFETY: getpid has no preconditions and cannot fail.
    let pid = unsafe { libc::getpid() } as u32;
    let Some(mut path) = env::jitdump_path(sys::var, pid) else {
        return;
    };
    // NUL-terminated for open.
    path.push('\0');
    // SAFETY: `path` is NUL-terminated; a new private mapping of the file
    // (autojitd logs why it is missing, if it is) that nothing reads.
    unsafe {
        let fd = libc::open(path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd >= 0 {
            let prot = libc::PROT_READ | libc::PROT_EXEC;
            libc::mmap(core::ptr::null_mut(), 1, prot, libc::MAP_PRIVATE, fd, 0);
            libc::close(fd);
        }
    }
}
