//! Counters behind AUTOJIT_STATS. Atomics, so the summary at exit never
//! waits for a thread that is still compiling.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

#[derive(Default)]
pub struct Stats {
    materialized: AtomicU64,
    compiled: AtomicU64,
    cache_hits: AtomicU64,
    modules_loaded: AtomicU64,
    compile_nanos: AtomicU64,
    materialize_nanos: AtomicU64,
}

impl Stats {
    pub fn record(&self, from_cache: bool, compile: Duration, total: Duration) {
        self.materialized.fetch_add(1, Relaxed);
        if from_cache {
            self.cache_hits.fetch_add(1, Relaxed);
        } else {
            self.compiled.fetch_add(1, Relaxed);
        }
        self.compile_nanos
            .fetch_add(compile.as_nanos() as u64, Relaxed);
        self.materialize_nanos
            .fetch_add(total.as_nanos() as u64, Relaxed);
    }

    pub fn module_loaded(&self) {
        self.modules_loaded.fetch_add(1, Relaxed);
    }

    pub fn summary(&self) -> String {
        let ms = |n: &AtomicU64| n.load(Relaxed) as f64 / 1e6;
        format!(
            "stats: materialized={} compiled={} cache-hits={} modules-loaded={} compile-ms={:.1} materialize-ms={:.1}",
            self.materialized.load(Relaxed),
            self.compiled.load(Relaxed),
            self.cache_hits.load(Relaxed),
            self.modules_loaded.load(Relaxed),
            ms(&self.compile_nanos),
            ms(&self.materialize_nanos),
        )
    }
}
