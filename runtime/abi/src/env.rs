//! Environment variables understood by the plugin and the runtimes.

pub const DEBUG: &str = "AUTOJIT_DEBUG";
pub const STATS: &str = "AUTOJIT_STATS";
pub const CACHE_DIR: &str = "AUTOJIT_CACHE_DIR";
pub const DISABLE_OBJECT_CACHE: &str = "AUTOJIT_DISABLE_OBJECT_CACHE";
/// A store the team shares compiled objects on, behind the local object
/// cache (`runtime/remote-cache`).
pub const REMOTE_CACHE: &str = "AUTOJIT_REMOTE_CACHE";
/// The plugin puts each lazy module in the object it compiles
/// (`-mllvm -autojit-embed` too), not in the module store.
pub const EMBED: &str = "AUTOJIT_EMBED";
/// The most functions compiled into one object (1: each alone).
pub const BATCH: &str = "AUTOJIT_BATCH";
/// How many threads compile one batch, each a part of it (1: one thread).
pub const THREADS: &str = "AUTOJIT_THREADS";
/// Only one tier of code (`tier.rs`): 1, first-tier code only; 2,
/// optimized code only; unset, both.
pub const TIER: &str = "AUTOJIT_TIER";
/// Write what perf reads about lazily compiled code: a perf map and a
/// jitdump (`runtime/engine/src/perf/`).
pub const PERF: &str = "AUTOJIT_PERF";
/// perf's own variable: the jitdump goes under `$JITDUMPDIR/.debug/jit`.
pub const JITDUMPDIR: &str = "JITDUMPDIR";

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

/// Where the jitdump of process `pid` goes, given the program's variables
/// (`var`: unset and empty are None): where perf's agents and LLVM put
/// theirs, `<JITDUMPDIR, else HOME>/.debug/jit`, a directory of the user's
/// own (a predictable name in /tmp would invite symlink attacks). The
/// engine writes the file and the program maps it (perf inject reads only a
/// jitdump its process mapped), so in remote mode autojitd and the stub
/// both compute it here.
pub fn jitdump_path<S: AsRef<str>>(
    var: impl Fn(&'static str) -> Option<S>,
    pid: u32,
) -> Option<alloc::string::String> {
    let base = var(JITDUMPDIR).or_else(|| var("HOME"))?;
    Some(alloc::format!(
        "{}/.debug/jit/jit-{pid}.dump",
        base.as_ref()
    ))
}

/// Truthy values: 1, on, true, yes, in any case.
pub fn is_truthy(value: &str) -> bool {
    is_one_of(value, &["1", "on", "true", "yes"])
}

/// Whether `value`, without surrounding white space, is one of `words` in
/// any case (no allocation: the stub reads settings too).
fn is_one_of(value: &str, words: &[&str]) -> bool {
    let value = value.trim_ascii();
    words.iter().any(|word| value.eq_ignore_ascii_case(word))
}

/// Where AUTOJIT_STATS sends the summary line at exit.
#[derive(Debug, PartialEq, Eq)]
pub enum StatsDestination<'a> {
    Nowhere,
    Stderr,
    /// Appended to this file, which outlives a program that closes stderr
    /// (and collects the lines of every program of a build).
    File(&'a str),
}

/// A true value prints to stderr, a false one (or none) nowhere, anything
/// else names a file.
pub fn stats_destination(value: Option<&str>) -> StatsDestination<'_> {
    match value {
        None | Some("") => StatsDestination::Nowhere,
        Some(v) if is_truthy(v) => StatsDestination::Stderr,
        Some(v) if is_falsy(v) => StatsDestination::Nowhere,
        Some(path) => StatsDestination::File(path),
    }
}

pub fn is_falsy(value: &str) -> bool {
    is_one_of(value, &["0", "off", "false", "no"])
}

#[cfg(feature = "std")]
pub fn flag(name: &str) -> bool {
    std::env::var(name).map(|v| is_truthy(&v)).unwrap_or(false)
}

/// Whether a program forwards variable `name` (when set and not empty) to
/// autojitd for its session, so that a daemon shared by many programs
/// follows each program's settings: every autojit setting, and what the
/// store and jitdump paths default to. A prefix rather than a list: a new
/// setting costs the stub nothing.
pub fn is_forwarded(name: &[u8]) -> bool {
    name.starts_with(b"AUTOJIT") || matches!(name, b"XDG_CACHE_HOME" | b"HOME" | b"JITDUMPDIR")
}
/// The forwarded working directory, which relative paths are relative to.
pub const CWD: &str = "autojit.cwd";

/// Where settings come from: this process's environment, or what a program
/// forwarded for its session (anything it did not forward is unset).
#[cfg(feature = "std")]
#[derive(Debug, Clone, Default)]
pub enum Environment {
    #[default]
    Process,
    Forwarded(std::collections::HashMap<String, String>),
}

#[cfg(feature = "std")]
impl Environment {
    /// The variable's value, if set and not empty.
    pub fn var(&self, name: &str) -> Option<String> {
        let value = match self {
            Environment::Process => std::env::var(name).ok(),
            Environment::Forwarded(vars) => vars.get(name).cloned(),
        };
        value.filter(|v| !v.is_empty())
    }

    pub fn flag(&self, name: &str) -> bool {
        self.var(name).is_some_and(|v| is_truthy(&v))
    }

    /// `path` made absolute against the working directory of the program
    /// the settings come from.
    pub fn absolute(&self, path: &str) -> std::path::PathBuf {
        let cwd = match self {
            Environment::Process => std::env::current_dir().ok(),
            Environment::Forwarded(vars) => vars.get(CWD).map(Into::into),
        };
        match cwd {
            Some(cwd) => cwd.join(path),
            None => path.into(),
        }
    }
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
    fn jitdump_path_precedence() {
        let both = |name: &str| Some(if name == JITDUMPDIR { "/j" } else { "/h" });
        let home = |name: &str| (name == "HOME").then_some("/h");
        let none = |_: &str| None::<&str>;
        assert_eq!(
            jitdump_path(both, 7).as_deref(),
            Some("/j/.debug/jit/jit-7.dump")
        );
        assert_eq!(
            jitdump_path(home, 7).as_deref(),
            Some("/h/.debug/jit/jit-7.dump")
        );
        assert_eq!(jitdump_path(none, 7), None);
    }

    #[test]
    fn forwarded_environment_is_all_there_is() {
        let vars = [
            (DEBUG, "yes"),
            (CACHE_DIR, "store"),
            (CWD, "/work"),
            ("HOME", ""),
        ];
        let env = Environment::Forwarded(
            vars.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        assert!(env.flag(DEBUG));
        assert!(!env.flag(DISABLE_OBJECT_CACHE));
        assert_eq!(env.var("HOME"), None);
        assert_eq!(env.absolute("store"), std::path::Path::new("/work/store"));
        assert_eq!(env.absolute("/abs"), std::path::Path::new("/abs"));
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
