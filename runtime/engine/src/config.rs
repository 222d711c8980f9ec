//! The engine's settings, parsed once, when the engine is made, from the
//! environment of the program it serves: this process's, or what a remote
//! program forwarded for its session. Nothing deeper reads the environment.

use autojit_abi::env::{self, Environment};
use autojit_abi::{store, Tier};
use autojit_remote_cache::{RemoteSetting, SettingError};
use std::collections::HashMap;
use std::path::PathBuf;

/// Functions per object unless `AUTOJIT_BATCH` says otherwise (1 compiles
/// each function alone).
const DEFAULT_BATCH_LIMIT: usize = 1024;
/// The most threads compiling one batch unless `AUTOJIT_THREADS` says
/// otherwise: a batch is rarely big enough to keep more busy.
const DEFAULT_MAX_THREADS: usize = 4;

pub struct EngineConfig {
    /// `AUTOJIT_DEBUG`: one log line per decision and per function.
    pub debug: bool,
    /// `AUTOJIT_BATCH`: the most functions compiled into one object.
    pub batch_limit: usize,
    /// `AUTOJIT_THREADS`: how many threads compile one batch, each a part
    /// of it into an object of its own.
    pub compile_threads: usize,
    /// The store root whose `objects/` caches compiled objects (created
    /// when the first object is looked up), or why nothing is cached. At
    /// run time `AUTOJIT_CACHE_DIR` picks only this: the lazy modules are
    /// where the build put them, named in each program.
    pub object_cache_root: Result<PathBuf, String>,
    /// `AUTOJIT_REMOTE_CACHE`: the store behind the object cache, its key
    /// files' paths absolute; or what is wrong with the setting.
    pub remote_cache: Option<Result<RemoteSetting, SettingError>>,
    /// Where lazy modules a binary carries are copied on first need: the
    /// store root's `modules/`, else (no HOME, as in some containers) a
    /// private directory under the temporary one.
    pub embedded_copies_root: PathBuf,
    /// `AUTOJIT_TIER`: the tiers of code the engine makes and takes from the
    /// cache (`autojit_abi::tier`).
    pub tiers: Tiers,
    /// With `AUTOJIT_PERF`: the variables the jitdump's place depends on
    /// (`env::jitdump_path`), `JITDUMPDIR` made absolute against the
    /// program's working directory.
    pub perf: Option<HashMap<&'static str, String>>,
}

/// Which tiers of code a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tiers {
    /// First-tier code first, optimized code for what turns out hot.
    Both,
    /// One tier only, for benchmarks and for telling a tier's bug.
    Only(Tier),
}

impl Tiers {
    pub fn allows(self, tier: Tier) -> bool {
        match self {
            Tiers::Both => true,
            Tiers::Only(only) => only == tier,
        }
    }

    /// The tier a function's first code is of.
    pub fn first(self) -> Tier {
        match self {
            Tiers::Both => Tier::Quick,
            Tiers::Only(only) => only,
        }
    }

    /// `AUTOJIT_TIER`'s value: 1 or 2, else both.
    fn parse(value: Option<&str>) -> Tiers {
        match value.map(str::trim) {
            Some("1") => Tiers::Only(Tier::Quick),
            Some("2") => Tiers::Only(Tier::Optimized),
            _ => Tiers::Both,
        }
    }
}

impl EngineConfig {
    pub fn from_environment(environment: &Environment) -> Self {
        let object_cache_root = if environment.flag(env::DISABLE_OBJECT_CACHE) {
            Err(format!("{} is set", env::DISABLE_OBJECT_CACHE))
        } else {
            store::store_root(environment).map_err(|e| e.to_string())
        };
        let perf = environment.flag(env::PERF).then(|| {
            let mut jitdump_vars = HashMap::new();
            if let Some(dir) = environment.var(env::JITDUMPDIR) {
                let dir = environment.absolute(&dir).to_string_lossy().into_owned();
                jitdump_vars.insert(env::JITDUMPDIR, dir);
            }
            if let Some(home) = environment.var("HOME") {
                jitdump_vars.insert("HOME", home);
            }
            jitdump_vars
        });
        let embedded_copies_root = store::store_root(environment).unwrap_or_else(|_| {
            // SAFETY: getuid cannot fail.
            let uid = unsafe { libc::getuid() };
            std::env::temp_dir().join(format!("autojit-{uid}"))
        });
        let remote_cache = environment.var(env::REMOTE_CACHE).map(|value| {
            RemoteSetting::parse(&value).map(|mut setting| {
                for path in [&mut setting.verify_key, &mut setting.sign_key]
                    .into_iter()
                    .flatten()
                {
                    *path = environment.absolute(&path.to_string_lossy());
                }
                setting
            })
        });
        EngineConfig {
            perf,
            remote_cache,
            embedded_copies_root,
            debug: environment.flag(env::DEBUG),
            tiers: Tiers::parse(environment.var(env::TIER).as_deref()),
            batch_limit: environment
                .var(env::BATCH)
                .and_then(|v| v.trim().parse::<usize>().ok())
                .map_or(DEFAULT_BATCH_LIMIT, |n| n.max(1)),
            compile_threads: environment
                .var(env::THREADS)
                .and_then(|v| v.trim().parse::<usize>().ok())
                .map_or_else(
                    || {
                        std::thread::available_parallelism()
                            .map_or(1, |n| n.get().min(DEFAULT_MAX_THREADS))
                    },
                    |n| n.max(1),
                ),
            object_cache_root,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_settings() {
        assert_eq!(Tiers::parse(None), Tiers::Both);
        assert_eq!(Tiers::parse(Some("")), Tiers::Both);
        assert_eq!(Tiers::parse(Some("1")), Tiers::Only(Tier::Quick));
        assert_eq!(Tiers::parse(Some(" 2")), Tiers::Only(Tier::Optimized));
        assert_eq!(Tiers::Both.first(), Tier::Quick);
        assert!(Tiers::Only(Tier::Quick).allows(Tier::Quick));
        assert!(!Tiers::Only(Tier::Quick).allows(Tier::Optimized));
    }
}
