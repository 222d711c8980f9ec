//! Environment variables understood by the plugin and the runtimes.

pub const DEBUG: &str = "AUTOJIT_DEBUG";
pub const STATS: &str = "AUTOJIT_STATS";
pub const CACHE_DIR: &str = "AUTOJIT_CACHE_DIR";
pub const DISABLE_OBJECT_CACHE: &str = "AUTOJIT_DISABLE_OBJECT_CACHE";

// Remote mode: how the stub finds autojitd, and how sessions start and end.
pub const DAEMON_PATH: &str = "AUTOJIT_DAEMON_PATH";
pub const SOCKET_PATH: &str = "AUTOJIT_SOCKET_PATH";
pub const FORCE_SPAWN: &str = "AUTOJITD_FORCE_SPAWN";
pub const FORCE_DAEMON: &str = "AUTOJITD_FORCE_DAEMON";
pub const FULL_SHUTDOWN: &str = "AUTOJITD_FULL_SHUTDOWN";
pub const WAIT_FOR_DEBUGGER: &str = "AUTOJIT_WAIT_FOR_DEBUGGER";

/// Where a standalone autojitd listens and the stub looks for it, given the
/// values of `AUTOJIT_SOCKET_PATH` and `XDG_RUNTIME_DIR` (unset or empty: not
/// given) and the user's uid.
pub fn daemon_socket_path(
    socket_path: Option<&str>,
    xdg_runtime_dir: Option<&str>,
    uid: u32,
) -> alloc::string::String {
    match (socket_path, xdg_runtime_dir) {
        (Some(path), _) if !path.is_empty() => path.into(),
        (_, Some(dir)) if !dir.is_empty() => alloc::format!("{dir}/autojitd.sock"),
        _ => alloc::format!("/tmp/autojitd-{uid}.sock"),
    }
}

/// Truthy values: 1, on, true, yes, in any case.
pub fn is_truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "on" | "true" | "yes"
    )
}

#[cfg(feature = "std")]
pub fn flag(name: &str) -> bool {
    std::env::var(name).map(|v| is_truthy(&v)).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_path_precedence() {
        assert_eq!(daemon_socket_path(Some("/s"), Some("/run/u"), 7), "/s");
        assert_eq!(
            daemon_socket_path(Some(""), Some("/run/u"), 7),
            "/run/u/autojitd.sock"
        );
        assert_eq!(daemon_socket_path(None, None, 7), "/tmp/autojitd-7.sock");
    }

    #[test]
    fn truthy_values() {
        for v in ["1", "on", "ON", "True", "yes", " yes "] {
            assert!(is_truthy(v), "{v}");
        }
        for v in ["", "0", "off", "no", "2", "enable"] {
            assert!(!is_truthy(v), "{v}");
        }
    }
}
