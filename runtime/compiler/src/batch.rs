//! Batches: the functions compiled into one object with the one a call
//! needs.
//!
//! Each object costs more than its code: its extraction and key, the debug
//! types its functions use (in C++ most of its bytes), its file, its link.
//! A call that finds nothing compiled therefore brings along the functions
//! of its module it refers to, directly or through them, that nothing has
//! compiled yet, nearest first: at -O0 code generation of a batch costs
//! about what the regular build paid for those functions.

use std::collections::HashSet;

/// The fewest functions an object is given: a batch that stops short is
/// topped up with the module's next functions nothing compiled yet (those
/// the descriptor lists after the one called, then those before it), with
/// what they reach. Code of one file tends to run together (a test suite's
/// tests, a library's entry points), and compiling a function that never
/// runs costs less than the object another would otherwise need later: at
/// -O2 each object also optimizes again the inlinable copies it carries.
pub const FILL: usize = 64;

/// `root` and up to `limit - 1` more functions: first those reachable from
/// it, breadth first (`references(f)` lists what `f` refers to); then, while
/// the batch is smaller than `fill_to`, the next of `neighbours` with what
/// it reaches. Only functions `eligible` accepts join (and are looked into);
/// a function whose references cannot be read is not looked into.
pub fn plan<E>(
    root: u64,
    limit: usize,
    fill_to: usize,
    neighbours: impl IntoIterator<Item = u64>,
    mut references: impl FnMut(u64) -> Result<Vec<u64>, E>,
    mut eligible: impl FnMut(u64) -> bool,
) -> Vec<u64> {
    let mut batch = vec![root];
    let mut seen = HashSet::from([root]);
    let mut neighbours = neighbours.into_iter();
    let mut next = 0;
    loop {
        while next < batch.len() && batch.len() < limit {
            let looked_into = batch[next];
            next += 1;
            let Ok(referenced) = references(looked_into) else {
                continue;
            };
            for f in referenced {
                if batch.len() == limit {
                    break;
                }
                if seen.insert(f) && eligible(f) {
                    batch.push(f);
                }
            }
        }
        if batch.len() >= fill_to.min(limit) {
            return batch;
        }
        let Some(neighbour) = neighbours.by_ref().find(|&f| seen.insert(f) && eligible(f)) else {
            return batch;
        };
        batch.push(neighbour);
    }
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
        plan(1, limit, 1, [], |f| g.get(&f).cloned().ok_or(()), eligible)
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
        let references = |f| match f {
            3 => Err(()),
            _ => g.get(&f).cloned().ok_or(()),
        };
        assert_eq!(plan(1, 100, 1, [], references, |_| true), vec![1, 2, 3, 4]);
    }

    #[test]
    fn small_batches_are_topped_up_with_neighbours_and_what_they_reach() {
        let g = HashMap::from([
            (1, vec![2]),
            (2, vec![]),
            (7, vec![8]),
            (8, vec![]),
            (9, vec![]),
        ]);
        let plan_with = |fill_to, eligible: &dyn Fn(u64) -> bool| {
            plan(
                1,
                100,
                fill_to,
                [2, 7, 9],
                |f| g.get(&f).cloned().ok_or(()),
                eligible,
            )
        };
        assert_eq!(plan_with(1, &|_| true), vec![1, 2]);
        // 2 is in already; 7 brings 8 along.
        assert_eq!(plan_with(4, &|_| true), vec![1, 2, 7, 8]);
        assert_eq!(plan_with(100, &|_| true), vec![1, 2, 7, 8, 9]);
        // A compiled neighbour is skipped.
        assert_eq!(plan_with(4, &|f| f != 7), vec![1, 2, 9]);
    }
}
