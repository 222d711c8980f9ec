//! Stable hashes: the GUID of a lazified function and the content hash that
//! names lazy files and keys the object cache.
//!
//! Both are xxh3 (64- and 128-bit): stable across platforms and releases of
//! the crate, fast enough to hash every lazy module at compile time. They guard
//! against stale and damaged files, not against an attacker who can already
//! write to the user's private store.

use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

/// GUID of a lazified function: a hash of `<source path>:<name>`, or of
/// `<name>` alone for link-once functions so that every translation unit's
/// copy maps to one body, compiled once.
pub fn function_guid(source_path: &str, name: &str, link_once: bool) -> u64 {
    if link_once {
        xxh3_64(name.as_bytes())
    } else {
        xxh3_64(format!("{source_path}:{name}").as_bytes())
    }
}

/// A 128-bit content hash, printed as 32 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ContentHash(pub u128);

impl ContentHash {
    pub fn to_hex(self) -> String {
        format!("{:032x}", self.0)
    }

    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 32 {
            return None;
        }
        u128::from_str_radix(hex, 16).ok().map(ContentHash)
    }

    /// The two halves as stored in the module descriptor.
    pub fn halves(self) -> [u64; 2] {
        [(self.0 >> 64) as u64, self.0 as u64]
    }

    pub fn from_halves(h: [u64; 2]) -> Self {
        ContentHash(((h[0] as u128) << 64) | h[1] as u128)
    }
}

pub fn content_hash(bytes: &[u8]) -> ContentHash {
    ContentHash(xxh3_128(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_is_stable() {
        // Changing the hash breaks every cached object and lazy file.
        assert_eq!(function_guid("a.c", "f", false), xxh3_64(b"a.c:f"));
        assert_eq!(
            function_guid("a.c", "f", true),
            function_guid("b.c", "f", true)
        );
        assert_ne!(
            function_guid("a.c", "f", false),
            function_guid("b.c", "f", false)
        );
    }

    #[test]
    fn content_hash_round_trips() {
        let h = content_hash(b"module");
        assert_eq!(ContentHash::from_hex(&h.to_hex()), Some(h));
        assert_eq!(ContentHash::from_halves(h.halves()), h);
        assert_eq!(ContentHash::from_hex("xyz"), None);
    }
}
