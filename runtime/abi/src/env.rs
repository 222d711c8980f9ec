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
    fn truthy_values() {
        for v in ["1", "on", "ON", "True", "yes", " yes "] {
            assert!(is_truthy(v), "{v}");
        }
        for v in ["", "0", "off", "no", "2", "enable"] {
            assert!(!is_truthy(v), "{v}");
        }
    }
}
