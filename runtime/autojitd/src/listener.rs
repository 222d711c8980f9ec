//! Standalone mode: one socket, many programs, each in a session of its
//! own. Only programs of the daemon's own user are served: the socket is
//! 0600, and every peer's credentials are checked on connect.

use crate::fault::{self, PREFIX};
use crate::reader;
use crate::session;
use std::ffi::CString;
use std::fs::File;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;

/// Binds the socket at `path`, replacing a stale one.
pub fn bind(path: &str) -> Result<UnixListener, String> {
    let p = Path::new(path);
    if let Ok(meta) = std::fs::symlink_metadata(p) {
        if !meta.file_type().is_socket() {
            return Err(format!(
                "{path} exists and is not a socket; remove it or set AUTOJIT_SOCKET_PATH to another path"
            ));
        }
        if UnixStream::connect(p).is_ok() {
            return Err(format!(
                "another autojitd already listens on {path}; stop it, or set AUTOJIT_SOCKET_PATH to another path"
            ));
        }
        std::fs::remove_file(p)
            .map_err(|e| format!("cannot remove the stale socket {path}: {e}"))?;
    }
    // Created 0600 from the start: no other user may connect in between.
    // SAFETY: umask only changes this process's file creation mask.
    let old_mask = unsafe { libc::umask(0o177) };
    let bound = UnixListener::bind(p);
    // SAFETY: as above, restoring the previous mask.
    unsafe { libc::umask(old_mask) };
    let listener = bound.map_err(|e| {
        format!("cannot listen on {path}: {e}; set AUTOJIT_SOCKET_PATH to a path in a directory you own")
    })?;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("cannot make {path} private: {e}"))?;
    remove_socket_on_termination(path);
    Ok(listener)
}

/// Serves every connection of the daemon's user, each on a thread of its own.
pub fn serve_forever(listener: UnixListener) -> Result<(), String> {
    // SAFETY: getuid cannot fail.
    let own_uid = unsafe { libc::getuid() };
    for (n, stream) in listener.incoming().enumerate() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{PREFIX} accepting a connection failed: {e}");
                continue;
            }
        };
        let Some(peer) = peer_credentials(&stream) else {
            eprintln!("{PREFIX} refused a connection whose peer is unknown");
            continue;
        };
        if peer.uid != own_uid {
            eprintln!(
                "{PREFIX} refused pid {} of uid {}: this autojitd serves only uid {own_uid}",
                peer.pid, peer.uid
            );
            continue;
        }
        let label = format!("session {} (pid {})", n + 1, peer.pid);
        let pid = u32::try_from(peer.pid).ok();
        let spawned = std::thread::Builder::new()
            .name(format!("session-{}", n + 1))
            .spawn(move || serve_connection(stream, pid, label));
        if let Err(e) = spawned {
            eprintln!("{PREFIX} cannot start a session thread: {e}");
        }
    }
    Ok(())
}

fn serve_connection(stream: UnixStream, pid: Option<u32>, label: String) {
    // The session gets descriptors of its own; `stream` keeps the
    // connection open until the outcome is logged, so a program (or test)
    // that sees the connection close finds the line already written.
    let (input, output) = match (stream.try_clone(), stream.try_clone()) {
        (Ok(input), Ok(output)) => (
            File::from(OwnedFd::from(input)),
            File::from(OwnedFd::from(output)),
        ),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{PREFIX} {label}: cannot use the connection: {e}");
            return;
        }
    };
    reader::set_read_timeout(&input, Some(reader::SETUP_TIMEOUT));
    if let Err(e) = session::serve(input, output, pid, label) {
        eprintln!("{PREFIX} {e}");
    }
    drop(stream);
}

/// The credentials of the process at the other end of `socket`: the one
/// that connected, or that created the socket pair.
pub fn peer_credentials(socket: &impl AsRawFd) -> Option<libc::ucred> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: SO_PEERCRED writes at most `len` bytes into `cred`.
    let rc = unsafe {
        libc::getsockopt(
            socket.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            &mut cred as *mut libc::ucred as *mut libc::c_void,
            &mut len,
        )
    };
    (rc == 0).then_some(cred)
}

fn remove_socket_on_termination(path: &str) {
    extern "C" fn on_signal(_: libc::c_int) {
        fault::remove_socket();
        // SAFETY: ends the process without running anything else.
        unsafe { libc::_exit(0) };
    }
    if let Ok(c) = CString::new(path) {
        fault::remove_socket_when_ending(c);
    }
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: installs a handler that only makes async-signal-safe calls.
        unsafe { libc::signal(signal, on_signal as *const () as libc::sighandler_t) };
    }
}
