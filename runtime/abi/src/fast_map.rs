//! Hash tables for what a run looks up by the thousand (symbol names,
//! GUIDs, function keys): a multiply-and-rotate hash of each word, several
//! times cheaper on short keys than the standard library's SipHash, which
//! was a tenth of a warm run. Not for keys chosen to collide: these come
//! from the program's own files and the user's own cache.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl FastHasher {
    /// An odd constant with its bits spread: each word reaches the high
    /// bits, which the tables index by.
    const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::MULTIPLIER);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_find_what_they_hold() {
        let names: Vec<String> = (0..5000).map(|i| format!("_ZN4name{i}E")).collect();
        let map: FastMap<&str, usize> = names.iter().map(|n| n.as_str()).zip(0..).collect();
        for (i, name) in names.iter().enumerate() {
            assert_eq!(map.get(name.as_str()), Some(&i));
        }
        assert_eq!(map.get("_ZN4nameE"), None);
        // Keys that differ only in length or in their last bytes differ.
        let short: FastSet<&[u8]> = [&b"a"[..], b"a\0", b"a\0\0", b""].into_iter().collect();
        assert_eq!(short.len(), 4);
    }
}
