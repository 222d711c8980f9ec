//! A record: what a store holds for one compiled object, its member list
//! and its code (LZ4-compressed) in one value.
//!
//! ```text
//! autojit-record 2 <member list's length> <object's length> <signature: 128 hex digits, or "unsigned">\n
//! <member list><the object, as an LZ4 block>
//! ```
//!
//! A record is named by the BLAKE3 hash of its content as stored (both
//! lengths as 8 little-endian bytes each, the member list, the compressed
//! object), and the index lines that point at it carry that name: a
//! truncated or altered record does not hash to the name it was fetched by
//! and is refused. A team key goes further: its signature covers the name,
//! so only what a key holder wrote is taken by a client that verifies.
//! Nothing is decompressed before both checks pass.

use crate::store::MAX_VALUE;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use std::fmt;
use std::ops::Range;

const MAGIC: &str = "autojit-record 2";
/// What a signature covers: a tag, then the record's name.
const SIGNED_TAG: &[u8] = b"autojit-record 2\0";
/// The largest object a record may expand to.
const MAX_OBJECT: usize = 4 * MAX_VALUE;

/// A record's name: the BLAKE3 hash of its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordName(pub [u8; 32]);

impl RecordName {
    /// The name of the record of `members` and an object of `object_len`
    /// bytes compressed into `compressed`.
    fn of(members: &str, object_len: usize, compressed: &[u8]) -> Self {
        let mut hasher = blake3::Hasher::new();
        hasher.update(&(members.len() as u64).to_le_bytes());
        hasher.update(&(object_len as u64).to_le_bytes());
        hasher.update(members.as_bytes());
        hasher.update(compressed);
        RecordName(*hasher.finalize().as_bytes())
    }

    pub fn to_hex(self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        // Two 128-bit halves: an index names a record on every line.
        let half = |hex: &str| u128::from_str_radix(hex, 16).ok();
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let (high, low) = (half(&text[..32])?, half(&text[32..])?);
        let mut name = [0; 32];
        name[..16].copy_from_slice(&high.to_be_bytes());
        name[16..].copy_from_slice(&low.to_be_bytes());
        Some(RecordName(name))
    }

    fn signed_message(self) -> Vec<u8> {
        [SIGNED_TAG, &self.0].concat()
    }
}

/// A record taken from a store, checked; its object still compressed, so
/// that each thread that needs the object expands its own.
#[derive(Debug, PartialEq, Eq)]
pub struct Record {
    bytes: Vec<u8>,
    members: Range<usize>,
    compressed: Range<usize>,
    object_len: usize,
}

/// Why a record fetched is not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Its content does not hash to its name: truncated or altered.
    Damaged,
    /// Not signed, and this client takes only signed records.
    Unsigned,
    /// Signed, but not by the team key, or altered since.
    BadSignature,
    /// Whole and trusted, but not a record this client reads.
    Unreadable,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::Damaged => {
                "its bytes do not match the hash its index gives (truncated or altered)"
            }
            Refusal::Unsigned => "it is not signed, and verify-key asks for the team's signature",
            Refusal::BadSignature => "its signature is not the team key's",
            Refusal::Unreadable => "its object does not decompress to the length it gives",
        })
    }
}

/// A record's parts as stored: ranges of its bytes.
struct Stored {
    members: Range<usize>,
    compressed: Range<usize>,
    object_len: usize,
    signature: Option<Signature>,
}

impl Record {
    /// The bytes and name of the record of `members` and `object`, signed
    /// with `key` if there is one.
    pub fn seal(members: &str, object: &[u8], key: Option<&SigningKey>) -> (RecordName, Vec<u8>) {
        let compressed = lz4_flex::block::compress(object);
        let name = RecordName::of(members, object.len(), &compressed);
        let signature = key.map_or_else(
            || "unsigned".to_string(),
            |key| {
                let bytes = key.sign(&name.signed_message()).to_bytes();
                bytes.iter().map(|b| format!("{b:02x}")).collect()
            },
        );
        let mut bytes =
            format!("{MAGIC} {} {} {signature}\n", members.len(), object.len()).into_bytes();
        bytes.reserve(members.len() + compressed.len());
        bytes.extend_from_slice(members.as_bytes());
        bytes.extend_from_slice(&compressed);
        (name, bytes)
    }

    /// The record named `name` whose bytes are `bytes`, if its content
    /// hashes to that name and, with a key `verify`, it carries the key's
    /// signature.
    pub fn open(
        name: RecordName,
        bytes: Vec<u8>,
        verify: Option<&VerifyingKey>,
    ) -> Result<Record, Refusal> {
        let stored = Stored::parse(&bytes).ok_or(Refusal::Damaged)?;
        let members =
            std::str::from_utf8(&bytes[stored.members.clone()]).map_err(|_| Refusal::Damaged)?;
        let compressed = &bytes[stored.compressed.clone()];
        if RecordName::of(members, stored.object_len, compressed) != name {
            return Err(Refusal::Damaged);
        }
        if let Some(key) = verify {
            let signature = stored.signature.ok_or(Refusal::Unsigned)?;
            key.verify(&name.signed_message(), &signature)
                .map_err(|_| Refusal::BadSignature)?;
        }
        Ok(Record {
            bytes,
            members: stored.members,
            compressed: stored.compressed,
            object_len: stored.object_len,
        })
    }

    /// The object cache's member list of the object, verbatim.
    /// Its size as the store holds it.
    pub fn stored_len(&self) -> usize {
        self.bytes.len()
    }

    pub fn members(&self) -> &str {
        // UTF-8, checked when the record was opened.
        std::str::from_utf8(&self.bytes[self.members.clone()]).unwrap_or_default()
    }

    /// The object, expanded.
    pub fn object(&self) -> Result<Vec<u8>, Refusal> {
        lz4_flex::block::decompress(&self.bytes[self.compressed.clone()], self.object_len)
            .ok()
            .filter(|object| object.len() == self.object_len)
            .ok_or(Refusal::Unreadable)
    }
}

impl Stored {
    fn parse(bytes: &[u8]) -> Option<Self> {
        let end = bytes.iter().position(|&b| b == b'\n')?;
        let mut header = std::str::from_utf8(&bytes[..end])
            .ok()?
            .strip_prefix(MAGIC)?
            .strip_prefix(' ')?
            .split(' ');
        let members_len: usize = header.next()?.parse().ok()?;
        let object_len: usize = header.next()?.parse().ok()?;
        let signature = match header.next()? {
            "unsigned" => None,
            hex => Some(Signature::from_bytes(&unhex64(hex)?)),
        };
        if header.next().is_some() || object_len > MAX_OBJECT {
            return None;
        }
        let members = end + 1..(end + 1).checked_add(members_len)?;
        if members.end > bytes.len() {
            return None;
        }
        Some(Stored {
            compressed: members.end..bytes.len(),
            members,
            object_len,
            signature,
        })
    }
}

/// The 64 bytes of a signature's 128 hex digits.
fn unhex64(text: &str) -> Option<[u8; 64]> {
    if text.len() != 128 || !text.is_ascii() {
        return None;
    }
    let mut out = [0; 64];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMBERS: &str = "object 00 tier 1\n01 02 3 f\n";

    fn object() -> Vec<u8> {
        let mut object = b"\x7fELF".to_vec();
        object.extend((0..4096u32).map(|i| (i % 7) as u8));
        object
    }

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn opened(record: Result<Record, Refusal>) -> Result<(String, Vec<u8>), Refusal> {
        let record = record?;
        Ok((record.members().to_string(), record.object()?))
    }

    #[test]
    fn a_record_opens_as_it_was_sealed_and_compressed() {
        let whole = Ok((MEMBERS.to_string(), object()));
        let (name, bytes) = Record::seal(MEMBERS, &object(), None);
        assert!(bytes.len() < object().len() / 4, "{} bytes", bytes.len());
        assert_eq!(opened(Record::open(name, bytes, None)), whole);
        assert_eq!(RecordName::from_hex(&name.to_hex()), Some(name));
        let (name, bytes) = Record::seal(MEMBERS, &object(), Some(&key(1)));
        let team = key(1).verifying_key();
        assert_eq!(opened(Record::open(name, bytes, Some(&team))), whole);
    }

    #[test]
    fn damaged_unsigned_and_foreign_records_are_refused() {
        let team = key(1).verifying_key();
        let (name, bytes) = Record::seal(MEMBERS, &object(), Some(&key(1)));
        // Truncated, or a byte of the code changed.
        let truncated = bytes[..bytes.len() - 1].to_vec();
        assert_eq!(Record::open(name, truncated, None), Err(Refusal::Damaged));
        let mut altered = bytes.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(
            Record::open(name, altered.clone(), None),
            Err(Refusal::Damaged)
        );
        // Altered and renamed to match: only a signature tells.
        let stored = Stored::parse(&altered).unwrap();
        let renamed = RecordName::of(
            std::str::from_utf8(&altered[stored.members]).unwrap(),
            stored.object_len,
            &altered[stored.compressed],
        );
        assert_eq!(
            Record::open(renamed, altered, Some(&team)),
            Err(Refusal::BadSignature)
        );
        let (name, bytes) = Record::seal(MEMBERS, &object(), None);
        assert_eq!(
            Record::open(name, bytes, Some(&team)),
            Err(Refusal::Unsigned)
        );
        let (name, bytes) = Record::seal(MEMBERS, &object(), Some(&key(2)));
        assert_eq!(
            Record::open(name, bytes, Some(&team)),
            Err(Refusal::BadSignature)
        );
        for garbage in [
            &b"no header"[..],
            b"autojit-record 2 999 1 unsigned\nx",
            b"autojit-record 2 1 1 abc\nxy",
            b"autojit-record 2 1 99999999999999 unsigned\nxy",
            b"",
        ] {
            assert_eq!(
                Record::open(RecordName([0; 32]), garbage.to_vec(), None),
                Err(Refusal::Damaged)
            );
        }
    }

    #[test]
    fn a_trusted_record_that_does_not_decompress_is_unreadable() {
        // Named right, but its object's length is not what it expands to.
        let compressed = lz4_flex::block::compress(&object());
        let claimed = object().len() + 1;
        let name = RecordName::of(MEMBERS, claimed, &compressed);
        let mut bytes = format!("{MAGIC} {} {claimed} unsigned\n", MEMBERS.len()).into_bytes();
        bytes.extend_from_slice(MEMBERS.as_bytes());
        bytes.extend_from_slice(&compressed);
        let record = Record::open(name, bytes, None).expect("whole and named right");
        assert_eq!(record.object(), Err(Refusal::Unreadable));
    }
}
