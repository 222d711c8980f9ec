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
    /// The remote cache's counters (`AUTOJIT_REMOTE_CACHE`).
    pub remote: RemoteStats,
    /// The tiers' counters (`tier.rs`): only the in-process runtime has two
    /// tiers, and the stub, whose size is budgeted, no code for them.
    #[cfg(feature = "std")]
    pub tiers: TierStats,
}

/// The counters of the remote cache.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RemoteStats {
    /// Lookups a record fetched from the store answered.
    pub hits: u64,
    /// Lookups the store had nothing usable for: compiled here.
    pub misses: u64,
    pub bytes_read: u64,
    pub bytes_written: u64,
}

/// The counters of the tiers.
#[cfg(feature = "std")]
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TierStats {
    /// Functions whose first code was first-tier code.
    pub first_tier: u64,
    /// Functions optimized in the background and swapped in.
    pub optimized: u64,
    /// Time the background spent optimizing them, linking included.
    pub background_nanos: u64,
}

impl StatsSnapshot {
    /// The AUTOJIT_STATS line. Milliseconds with one decimal, formatted
    /// from integers: float formatting would add 20 KB to the stub.
    pub fn summary(&self) -> String {
        let ms = |nanos: u64| {
            let tenths = nanos.saturating_add(50_000) / 100_000;
            format!("{}.{}", tenths / 10, tenths % 10)
        };
        #[cfg(feature = "std")]
        let tiers = if self.tiers.first_tier + self.tiers.optimized > 0 {
            format!(
                " first-tier={} optimized={} background-ms={}",
                self.tiers.first_tier,
                self.tiers.optimized,
                ms(self.tiers.background_nanos)
            )
        } else {
            String::new()
        };
        #[cfg(not(feature = "std"))]
        let tiers = "";
        let r = &self.remote;
        let remote = if r.hits + r.misses + r.bytes_written > 0 {
            format!(
                " remote-hits={} remote-misses={} remote-kb-read={} remote-kb-written={}",
                r.hits,
                r.misses,
                r.bytes_read.div_ceil(1024),
                r.bytes_written.div_ceil(1024)
            )
        } else {
            String::new()
        };
        format!(
            "stats: materialized={} compiled={} cache-hits={} modules-loaded={} objects={} compile-ms={} materialize-ms={}{remote}{tiers}",
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
    first_tier: AtomicU64,
    optimized: AtomicU64,
    background_nanos: AtomicU64,
    remote_hits: AtomicU64,
    remote_misses: AtomicU64,
    remote_bytes_read: AtomicU64,
    remote_bytes_written: AtomicU64,
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

    /// `functions` of an object just linked are first-tier code.
    pub fn first_tier(&self, functions: u64) {
        self.first_tier.fetch_add(functions, Relaxed);
    }

    /// `functions` optimized in the background and swapped in, in `time`.
    pub fn optimized(&self, functions: u64, time: Duration) {
        self.optimized.fetch_add(functions, Relaxed);
        self.background_nanos
            .fetch_add(time.as_nanos() as u64, Relaxed);
    }

    /// A lookup the remote cache answered (`hit`) or could not.
    pub fn remote_lookup(&self, hit: bool) {
        let counter = if hit {
            &self.remote_hits
        } else {
            &self.remote_misses
        };
        counter.fetch_add(1, Relaxed);
    }

    pub fn remote_read(&self, bytes: u64) {
        self.remote_bytes_read.fetch_add(bytes, Relaxed);
    }

    pub fn remote_written(&self, bytes: u64) {
        self.remote_bytes_written.fetch_add(bytes, Relaxed);
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
            remote: RemoteStats {
                hits: self.remote_hits.load(Relaxed),
                misses: self.remote_misses.load(Relaxed),
                bytes_read: self.remote_bytes_read.load(Relaxed),
                bytes_written: self.remote_bytes_written.load(Relaxed),
            },
            tiers: TierStats {
                first_tier: self.first_tier.load(Relaxed),
                optimized: self.optimized.load(Relaxed),
                background_nanos: self.background_nanos.load(Relaxed),
            },
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
            ..StatsSnapshot::default()
        };
        assert_eq!(
            stats.summary(),
            "stats: materialized=3 compiled=2 cache-hits=1 modules-loaded=1 objects=2 compile-ms=1.2 materialize-ms=16.0"
        );
        #[cfg(feature = "std")]
        let tiered = StatsSnapshot {
            tiers: TierStats {
                first_tier: 3,
                optimized: 1,
                background_nanos: 2_000_000,
            },
            ..stats
        };
        #[cfg(feature = "std")]
        assert!(tiered
            .summary()
            .ends_with("materialize-ms=16.0 first-tier=3 optimized=1 background-ms=2.0"));
        assert!(StatsSnapshot::default()
            .summary()
            .ends_with("compile-ms=0.0 materialize-ms=0.0"));
    }
}
