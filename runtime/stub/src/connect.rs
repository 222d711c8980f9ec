//! Finding autojitd: the standalone daemon's socket, if one of this user's
//! listens there, else a daemon of our own, spawned over a socketpair.

use crate::sys::{self, debug};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use autojit_abi::env;

const DAEMON_NAME: &str = "autojitd";

/// A connection to autojitd.
pub struct Daemon {
    pub fd: i32,
    /// Whether the daemon is this program's own, spawned for it, rather
    /// than a standalone one that serves many.
    pub spawned: bool,
}

/// Connects to a standalone autojitd or spawns one, as the environment says.
pub fn connect() -> Result<Daemon, String> {
    // SAFETY: getauxval has no preconditions.
    if unsafe { libc::getauxval(libc::AT_SECURE) } != 0 {
        // Set-user-ID and the like: the environment, which names the daemon
        // to run and the socket to trust, belongs to another user.
        return Err(
            "remote mode is off in set-user-ID and set-group-ID programs; build this program without autojit".into(),
        );
    }
    if sys::flag(env::FORCE_SPAWN) {
        debug!("{} is set: spawning autojitd", env::FORCE_SPAWN);
        return spawn().map(|fd| Daemon { fd, spawned: true });
    }
    // SAFETY: geteuid has no preconditions.
    let uid = unsafe { libc::geteuid() };
    let path =
        env::daemon_socket_path(sys::var(env::SOCKET_PATH), sys::var("XDG_RUNTIME_DIR"), uid);
    let unusable = match connect_socket(&path) {
        Ok(fd) => match check_peer(fd, &path, uid) {
            Ok(()) => {
                debug!("connected to autojitd on {path}");
                return Ok(Daemon { fd, spawned: false });
            }
            Err(refused) => refused,
        },
        Err(why) => why,
    };
    if sys::flag(env::FORCE_DAEMON) {
        return Err(format!(
            "{unusable}; start autojitd or unset {}",
            env::FORCE_DAEMON
        ));
    }
    // A socket another user put at our path, say in /tmp, must not stop us.
    debug!("{unusable}: spawning autojitd");
    spawn().map(|fd| Daemon { fd, spawned: true })
}

/// A connected socket to `path`, or why there is none.
fn connect_socket(path: &str) -> Result<i32, String> {
    // SAFETY: all-zero is a valid sockaddr_un.
    let mut address: libc::sockaddr_un = unsafe { core::mem::zeroed() };
    address.sun_family = libc::AF_UNIX as libc::sa_family_t;
    // Room for the terminating NUL.
    let room = address.sun_path.len() - 1;
    let Some(slot) = address
        .sun_path
        .get_mut(..path.len())
        .filter(|_| path.len() <= room)
    else {
        return Err(format!(
            "the socket path {path} is longer than the {room} bytes a socket address holds; set {} to a shorter path",
            env::SOCKET_PATH
        ));
    };
    for (to, &from) in slot.iter_mut().zip(path.as_bytes()) {
        *to = from as libc::c_char;
    }
    // SAFETY: socket creation has no preconditions.
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(format!(
            "cannot create a socket: {}",
            sys::strerror(sys::errno())
        ));
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
        Ok(fd)
    } else {
        let why = format!("no autojitd is listening on {path}");
        // SAFETY: `fd` is ours and unused.
        unsafe { libc::close(fd) };
        Err(why)
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
            "the autojitd listening on {path} runs as uid {}, not as this user (uid {uid}); refusing to run its code (remove the socket, or set {} to a socket of your own)",
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
    // Unset, PATH means the system's directories, as for execvp.
    let candidates: Vec<String> = sys::var("PATH")
        .unwrap_or("/usr/local/bin:/usr/bin:/bin")
        .split(':')
        .map(|dir| format!("{}/{DAEMON_NAME}", if dir.is_empty() { "." } else { dir }))
        .collect();
    candidates
        .into_iter()
        .find(|c| is_executable_file(c))
        .ok_or_else(|| format!("cannot find {DAEMON_NAME} on PATH; {HINT}"))
}
