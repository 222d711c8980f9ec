//! autojitd: compiles and links lazy code into programs linked with the
//! autojit stub, one SimpleRemoteEPC session per program.
//!
//! `autojitd --stdio` serves the one program on stdin/stdout (the stub
//! spawns it so); `autojitd` alone listens on the standalone socket and
//! serves every program of its user.

mod boundary;
mod call;
mod callbacks;
mod calls;
mod executor_bridge;
mod fault;
mod jitlink;
mod listener;
mod program_calls;
mod reader;
mod session;

use autojit_abi::env;
use fault::PREFIX;
use std::fs::File;
use std::os::fd::FromRawFd;

const USAGE: &str = "usage: autojitd [--stdio]";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => standalone(),
        ["--stdio"] => stdio(),
        ["--help" | "-h"] => {
            println!("{USAGE}\n  --stdio  serve the one program connected to stdin and stdout\n  (none)   serve every program of this user on $AUTOJIT_SOCKET_PATH,\n           else $XDG_RUNTIME_DIR/autojitd.sock, else /tmp/autojitd-$UID.sock");
            Ok(())
        }
        _ => Err(format!("unknown arguments '{}'; {USAGE}", args.join(" "))),
    };
    if let Err(e) = result {
        eprintln!("{PREFIX} {e}");
        std::process::exit(1);
    }
}

fn setup() -> Result<(), String> {
    fault::install();
    autojit_compiler::initialize_native_target()?;
    if env::flag(env::WAIT_FOR_DEBUGGER) {
        wait_for_debugger();
    }
    Ok(())
}

fn stdio() -> Result<(), String> {
    detach_from_parent()?;
    setup()?;
    // SAFETY: the spawning stub hands over fds 0 and 1 as this process's
    // connection to it; nothing else in the daemon uses them.
    let (input, output) = unsafe { (File::from_raw_fd(0), File::from_raw_fd(1)) };
    // The program created the socket pair (the parent is gone since the
    // detach).
    let pid = listener::peer_credentials(&input).and_then(|peer| u32::try_from(peer.pid).ok());
    let label = match pid {
        Some(pid) => format!("program {pid}"),
        None => "program".to_string(),
    };
    session::serve(input, output, pid, label)
}

fn standalone() -> Result<(), String> {
    setup()?;
    let var = |name| std::env::var(name).ok();
    // SAFETY: getuid cannot fail.
    let uid = unsafe { libc::getuid() };
    let path = env::daemon_socket_path(
        var(env::SOCKET_PATH).as_deref(),
        var("XDG_RUNTIME_DIR").as_deref(),
        uid,
    );
    let socket = listener::bind(&path)?;
    println!(
        "{PREFIX} pid {} serves uid {uid} on {path}",
        std::process::id()
    );
    use std::io::Write;
    let _ = std::io::stdout().flush();
    listener::serve_forever(socket)
}

/// Forks, and lets the first process exit: the program that spawned the
/// daemon reaps it, and the daemon (the second, in a session of its own) is
/// no child the program would wait for (`while (wait(NULL) > 0)` would wait
/// forever: the daemon ends only when the program's connection closes).
fn detach_from_parent() -> Result<(), String> {
    // SAFETY: called first thing in main, while the process has one thread.
    match unsafe { libc::fork() } {
        -1 => Err(format!("cannot fork: {}", std::io::Error::last_os_error())),
        // SAFETY: the first process ends at once, running nothing else.
        pid if pid > 0 => unsafe { libc::_exit(0) },
        _ => {
            // SAFETY: setsid only changes this process's session.
            unsafe { libc::setsid() };
            Ok(())
        }
    }
}

/// AUTOJIT_WAIT_FOR_DEBUGGER: hold still until a debugger is attached, so
/// the daemon can be debugged from its first message on.
fn wait_for_debugger() {
    let pid = std::process::id();
    eprintln!("{PREFIX} pid {pid} waits for a debugger: gdb -p {pid}");
    loop {
        let traced = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("TracerPid:").map(|v| v.trim() != "0"))
            })
            .unwrap_or(false);
        if traced {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
