//! Tiers: how a function's code is compiled (docs/design.md, "Tiers").
//!
//! In a build optimized at -O1 or more, a function's first code is quick to
//! make: tier 1, not optimized, counting its calls and loop trips. A
//! function that turns out hot is compiled again at the build's level, tier
//! 2, and its trampolines jump there from then on. A build at -O0 has one
//! tier, its own, which is tier 2: the code the build asked for.

/// A tier of compiled code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// Quick to compile: no optimization, with counters.
    Quick = 1,
    /// At the build's optimization level.
    Optimized = 2,
}

impl Tier {
    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(number: u8) -> Option<Tier> {
        match number {
            1 => Some(Tier::Quick),
            2 => Some(Tier::Optimized),
            _ => None,
        }
    }
}

/// Calls plus loop trips after which first-tier code reports its function
/// hot (`names::HOT_FN`), once.
pub const HOT_COUNT: i64 = 5000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_round_trip_through_their_numbers() {
        for tier in [Tier::Quick, Tier::Optimized] {
            assert_eq!(Tier::from_number(tier.number()), Some(tier));
        }
        assert_eq!(Tier::from_number(0), None);
        assert_eq!(Tier::from_number(3), None);
        assert!(Tier::Quick < Tier::Optimized);
    }
}
