//! The program an engine serves: its process, and reading its memory.

/// Whose code an engine links.
#[derive(Clone, Copy)]
pub enum Program {
    /// The engine's own process (in-process), whose pid changes in a
    /// forked child.
    ThisProcess,
    /// The program of a remote session: process `pid`, if known.
    Remote(Option<u32>),
}

impl Program {
    pub fn pid(&self) -> Option<u32> {
        match self {
            Program::ThisProcess => Some(std::process::id()),
            Program::Remote(pid) => *pid,
        }
    }

    /// The thread a code load is credited to: the one linking in-process;
    /// autojitd does not know the program's, so its main thread.
    pub fn tid(&self, pid: u32) -> u32 {
        match self {
            // SAFETY: gettid has no preconditions and cannot fail.
            Program::ThisProcess => (unsafe { libc::gettid() }) as u32,
            Program::Remote(_) => pid,
        }
    }
}

/// `size` bytes at `address` of process `pid` (this one or another of the
/// same user).
pub fn read_memory(pid: u32, address: u64, size: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0u8; size as usize];
    let local = libc::iovec {
        iov_base: bytes.as_mut_ptr().cast(),
        iov_len: bytes.len(),
    };
    let remote = libc::iovec {
        iov_base: address as *mut libc::c_void,
        iov_len: bytes.len(),
    };
    // SAFETY: `local` covers `bytes`, which lives across the call; the
    // kernel checks the remote range and our right to read it.
    let read = unsafe { libc::process_vm_readv(pid as libc::pid_t, &local, 1, &remote, 1, 0) };
    match read {
        n if n < 0 => Err(std::io::Error::last_os_error()),
        n if n as usize != bytes.len() => Err(std::io::Error::other("short read")),
        _ => Ok(bytes),
    }
}
