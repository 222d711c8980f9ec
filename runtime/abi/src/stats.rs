//! Counters behind AUTOJIT_STATS. Atomics, so the summary at exit never
//! waits for a thread that is still compiling; a snapshot of them is what
//! the engine hands the program's front end, which prints it.

use alloc::format;
use alloc::string::String;
#[cfg(feature = "std")]
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
#[cfg(feature = "std")]
use std::time::Duration;

/// The counters at one moment; `repr(C)` because it crosses the engine
/// library's C interface by value.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub materialized: u64,
    pub compiled: u64,
    pub cache_hits: u64,
    pub modules_loaded: u64,
    /// Objects linked; each holds one or more functions.
    pub objects: u64,
    pub compile_nanos: u64,
    pub materialize_nanos: u64,
}

impl StatsSnapshot {
    /// The AUTOJIT_STATS line. Milliseconds with one decimal, formatted
    /// from integers: float formatting would add 20 KB to the stub.
    pub fn summary(&self) -> String {
        let ms = |nanos: u64| {
            let tenths = nanos.saturating_add(50_000) / 100_000;
            format!("{}.{}", tenths / 10, tenths % 10)
        };
        format!(
            "stats: materialized={} compiled={} cache-hits={} modules-loaded={} objects={} compile-ms={} materialize-ms={}",
            self.materialized,
            self.compiled,
            self.cache_hits,
            self.modules_loaded,
            self.objects,
            ms(self.compile_nanos),
            ms(self.materialize_nanos),
        )
    }
}

#[cfg(feature = "std")]
#[derive(Default)]
pub struct Stats {
    materialized: AtomicU64,
    compiled: AtomicU64,
    cache_hits: AtomicU64,
    modules_loaded: AtomicU64,
    objects: AtomicU64,
    compile_nanos: AtomicU64,
    materialize_nanos: AtomicU64,
}

#[cfg(feature = "std")]
impl Stats {
    /// One object linked, holding `functions` bodies.
    pub fn record(&self, functions: u64, from_cache: bool, compile: Duration, total: Duration) {
        self.materialized.fetch_add(functions, Relaxed);
        self.objects.fetch_add(1, Relaxed);
        if from_cache {
            self.cache_hits.fetch_add(functions, Relaxed);
        } else {
            self.compiled.fetch_add(functions, Relaxed);
        }
        self.compile_nanos
            .fetch_add(compile.as_nanos() as u64, Relaxed);
        self.materialize_nanos
            .fetch_add(total.as_nanos() as u64, Relaxed);
    }

    pub fn module_loaded(&self) {
        self.modules_loaded.fetch_add(1, Relaxed);
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            materialized: self.materialized.load(Relaxed),
            compiled: self.compiled.load(Relaxed),
            cache_hits: self.cache_hits.load(Relaxed),
            modules_loaded: self.modules_loaded.load(Relaxed),
            objects: self.objects.load(Relaxed),
            compile_nanos: self.compile_nanos.load(Relaxed),
            materialize_nanos: self.materialize_nanos.load(Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_rounds_to_tenths_of_milliseconds() {
        let stats = StatsSnapshot {
            materialized: 3,
            compiled: 2,
            cache_hits: 1,
            modules_loaded: 1,
            objects: 2,
            compile_nanos: 1_249_999,
            materialize_nanos: 15_950_000,
        };
        assert_eq!(
            stats.summary(),
            "stats: materialized=3 compiled=2 cache-hits=1 modules-loaded=1 objects=2 compile-ms=1.2 materialize-ms=16.0"
        );
        assert!(StatsSnapshot::default()
            .summary()
            .ends_with("compile-ms=0.0 materialize-ms=0.0"));
    }
}
