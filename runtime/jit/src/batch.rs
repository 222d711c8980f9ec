//! Batches: the functions compiled into one object with the one a call
//! needs.
//!
//! Each object costs more than its code: its extraction and key, the debug
//! types its functions use (in C++ most of its bytes), its file, its link.
//! A call that finds nothing compiled therefore brings along the functions
//! of its module it refers to, directly or through them, that nothing has
//! compiled yet, nearest first: at -O0 code generation of a batch costs
//! about what the regular build paid for those functions.

use autojit_abi::env::{self, Environment};
use std::collections::HashSet;

/// Functions per object unless `AUTOJIT_BATCH` says otherwise.
pub const DEFAULT_LIMIT: usize = 1024;

/// The most functions compiled into one object: `AUTOJIT_BATCH`, where 1
/// compiles each function alone.
pub fn limit(environment: &Environment) -> usize {
    environment
        .var(env::BATCH)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map_or(DEFAULT_LIMIT, |n| n.max(1))
}

/// `root` and up to `limit - 1` functions reachable from it, breadth
/// first: `references(f)` lists what `f` refers to, and only functions
/// `eligible` accepts join (and are looked into). A function whose
/// references cannot be read is simply not looked into.
pub fn plan<E>(
    root: u64,
    limit: usize,
    mut references: impl FnMut(u64) -> Result<Vec<u64>, E>,
    mut eligible: impl FnMut(u64) -> bool,
) -> Vec<u64> {
    let mut batch = vec![root];
    let mut seen = HashSet::from([root]);
    let mut next = 0;
    while next < batch.len() && batch.len() < limit {
        let Ok(referenced) = references(batch[next]) else {
            next += 1;
            continue;
        };
        next += 1;
        for f in referenced {
            if batch.len() == limit {
                break;
            }
            if seen.insert(f) && eligible(f) {
                batch.push(f);
            }
        }
    }
    batch
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn graph() -> HashMap<u64, Vec<u64>> {
        HashMap::from([
            (1, vec![2, 3]),
            (2, vec![4, 1]),
            (3, vec![4, 5]),
            (4, vec![]),
            (5, vec![6]),
        ])
    }

    fn plan_in(limit: usize, eligible: impl Fn(u64) -> bool) -> Vec<u64> {
        let g = graph();
        plan(1, limit, |f| g.get(&f).cloned().ok_or(()), eligible)
    }

    #[test]
    fn breadth_first_once_each() {
        assert_eq!(plan_in(100, |_| true), vec![1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn stops_at_the_limit() {
        assert_eq!(plan_in(3, |_| true), vec![1, 2, 3]);
        assert_eq!(plan_in(1, |_| true), vec![1]);
    }

    #[test]
    fn ineligible_functions_are_not_looked_into() {
        // 5 was compiled already: 6, reached only through it, stays out.
        assert_eq!(plan_in(100, |f| f != 5), vec![1, 2, 3, 4]);
    }

    #[test]
    fn unreadable_references_end_that_branch() {
        let g = graph();
        let batch = plan(
            1,
            100,
            |f| {
                if f == 3 {
                    Err(())
                } else {
                    g.get(&f).cloned().ok_or(())
                }
            },
            |_| true,
        );
        assert_eq!(batch, vec![1, 2, 3, 4]);
    }
}
