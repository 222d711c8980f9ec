//! Finding autojitd: the standalone daemon's socket, if one of this user's
//! listens there, else a daemon of our own, spawned over a socketpair.

use crate::sys::{self, debug};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use autojit_abi::env;

const DAEMON_NAME: &str = "autojitd";

/// Connects to a standalone autojitd or spawns one, as the environment says.
pub fn connect() -> Result<i32, String> {
    if sys::flag(env::FORCE_SPAWN) {
        debug!("{} is set: spawning autojitd", env::FORCE_SPAWN);
        return spawn();
    }
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    let path =
        env::daemon_socket_path(sys::var(env::SOCKET_PATH), sys::var("XDG_RUNTIME_DIR"), uid);
    match connect_socket(&path) {
        Some(fd) => {
            check_peer(fd, &path, uid)?;
            debug!("connected to autojitd on {path}");
            Ok(fd)
        }
        None if sys::flag(env::FORCE_DAEMON) => Err(format!(
            "no autojitd is listening on {path}; start autojitd or unset {}",
            env::FORCE_DAEMON
        )),
        None => {
            debug!("no autojitd is listening on {path}: spawning one");
            spawn()
        }
    }
}

/// A connected socket to `path`, or None when nothing listens there.
fn connect_socket(path: &str) -> Option<i32> {
    // SAFETY: all-zero is a valid sockaddr_un.
    let mut address: libc::sockaddr_un = unsafe { core::mem::zeroed() };
    address.sun_family = libc::AF_UNIX as libc::sa_family_t;
    // Room for the terminating NUL.
    let slot = address
        .sun_path
        .get_mut(..path.len())
        .filter(|_| path.len() < 108)?;
    for (to, &from) in slot.iter_mut().zip(path.as_bytes()) {
        *to = from as libc::c_char;
    }
    // SAFETY: socket creation has no preconditions.
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return None;
    }
    // SAFETY: `address` is a valid sockaddr_un of the given size.
    let connected = unsafe {
        libc::connect(
            fd,
            (&address as *const libc::sockaddr_un).cast(),
            core::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t,
        )
    } == 0;
    if connected {
        Some(fd)
    } else {
        // SAFETY: `fd` is ours and unused.
        unsafe { libc::close(fd) };
        None
    }
}

/// Refuses a daemon of another user: it would put its code in our process.
fn check_peer(fd: i32, path: &str, uid: u32) -> Result<(), String> {
    // SAFETY: all-zero is a valid ucred.
    let mut cred: libc::ucred = unsafe { core::mem::zeroed() };
    let mut len = core::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: SO_PEERCRED writes a ucred of `len` bytes.
    let ok = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    } == 0;
    if ok && cred.uid == uid {
        return Ok(());
    }
    // SAFETY: `fd` is ours and is not used again.
    unsafe { libc::close(fd) };
    if ok {
        Err(format!(
            "the autojitd listening on {path} runs as uid {}, not as this user (uid {uid}); refusing to run its code; remove the socket or set {} to a socket of your own",
            cred.uid,
            env::SOCKET_PATH
        ))
    } else {
        Err(format!(
            "cannot tell who runs the autojitd listening on {path}: {}; refusing to run its code",
            sys::strerror(sys::errno())
        ))
    }
}

/// Spawns `<autojitd> --stdio` on one end of a socketpair.
fn spawn() -> Result<i32, String> {
    let program = daemon_program()?;
    let mut fds = [0i32; 2];
    // SAFETY: socketpair writes two descriptors.
    if unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    } != 0
    {
        return Err(format!(
            "cannot create a socket pair for autojitd: {}",
            sys::strerror(sys::errno())
        ));
    }
    let [ours, theirs] = fds;
    let c_program = sys::c_string(&program);
    let argv = [
        c_program.as_ptr().cast::<libc::c_char>(),
        c"--stdio".as_ptr(),
        core::ptr::null(),
    ];
    let mut pid: libc::pid_t = 0;
    // SAFETY: the file actions are initialized before use and destroyed
    // after; argv is NULL-terminated; environ is the process environment.
    // dup2 clears close-on-exec on the child's fds 0 and 1 only.
    let rc = unsafe {
        let mut actions: libc::posix_spawn_file_actions_t = core::mem::zeroed();
        libc::posix_spawn_file_actions_init(&mut actions);
        libc::posix_spawn_file_actions_adddup2(&mut actions, theirs, 0);
        libc::posix_spawn_file_actions_adddup2(&mut actions, theirs, 1);
        let rc = libc::posix_spawn(
            &mut pid,
            c_program.as_ptr().cast(),
            &actions,
            core::ptr::null(),
            argv.as_ptr().cast(),
            libc::environ.cast_const(),
        );
        libc::posix_spawn_file_actions_destroy(&mut actions);
        libc::close(theirs);
        rc
    };
    if rc != 0 {
        // SAFETY: `ours` is not used again.
        unsafe { libc::close(ours) };
        return Err(format!("cannot run {program}: {}", sys::strerror(rc)));
    }
    // `autojitd --stdio` forks at once and its first process exits: the
    // daemon is no child of the program, which may wait for all of its
    // children. Reap that first process.
    // SAFETY: `pid` is the child just spawned.
    unsafe { libc::waitpid(pid, core::ptr::null_mut(), 0) };
    debug!("spawned {program} --stdio");
    Ok(ours)
}

fn is_executable_file(path: &str) -> bool {
    let c_path = sys::c_string(path);
    // SAFETY: access only reads the NUL-terminated path.
    file_type(path) == Some(libc::S_IFREG)
        && unsafe { libc::access(c_path.as_ptr().cast(), libc::X_OK) } == 0
}

fn is_directory(path: &str) -> bool {
    file_type(path) == Some(libc::S_IFDIR)
}

/// The `S_IFMT` bits of what `path` names, following symbolic links.
fn file_type(path: &str) -> Option<libc::mode_t> {
    let c_path = sys::c_string(path);
    // SAFETY: stat only writes `st`; the path is NUL-terminated.
    unsafe {
        let mut st: libc::stat = core::mem::zeroed();
        (libc::stat(c_path.as_ptr().cast(), &mut st) == 0).then_some(st.st_mode & libc::S_IFMT)
    }
}

/// `$AUTOJIT_DAEMON_PATH` (the executable, or a directory holding it),
/// else `autojitd` on PATH.
fn daemon_program() -> Result<String, String> {
    const HINT: &str = "set AUTOJIT_DAEMON_PATH to the autojitd executable (build/bin/autojitd)";
    if let Some(path) = sys::var(env::DAEMON_PATH) {
        let program = if is_directory(path) {
            format!("{path}/{DAEMON_NAME}")
        } else {
            path.into()
        };
        return if is_executable_file(&program) {
            Ok(program)
        } else {
            Err(format!(
                "{}={path}: {program} is not an executable file; {HINT}",
                env::DAEMON_PATH
            ))
        };
    }
    let candidates: Vec<String> = sys::var("PATH")
        .unwrap_or_default()
        .split(':')
        .map(|dir| format!("{}/{DAEMON_NAME}", if dir.is_empty() { "." } else { dir }))
        .collect();
    candidates
        .into_iter()
        .find(|c| is_executable_file(c))
        .ok_or_else(|| format!("cannot find {DAEMON_NAME} on PATH; {HINT}"))
}
