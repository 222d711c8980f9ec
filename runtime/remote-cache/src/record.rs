//! A record: what a store holds for one compiled object, its member list
//! and its code in one value.
//!
//! ```text
//! autojit-record 1 <member list's length> <signature: 128 hex digits, or "unsigned">\n
//! <member list><object>
//! ```
//!
//! A record is named by its content's BLAKE3 hash (the member list's length
//! as 8 little-endian bytes, the member list, the object), and the index
//! lines that point at it carry that name: a truncated or altered record
//! does not hash to the name it was fetched by and is refused. A team key
//! goes further: its signature covers the name, so only what a key holder
//! wrote is taken by a client that verifies.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use std::fmt;
use std::ops::Range;

const MAGIC: &str = "autojit-record 1";
/// What a signature covers: a tag, then the record's name.
const SIGNED_TAG: &[u8] = b"autojit-record 1\0";

/// A record's name: the BLAKE3 hash of its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordName(pub [u8; 32]);

impl RecordName {
    /// The name of the record of `members` and `object`.
    pub fn of(members: &str, object: &[u8]) -> Self {
        let mut hasher = blake3::Hasher::new();
        hasher.update(&(members.len() as u64).to_le_bytes());
        hasher.update(members.as_bytes());
        hasher.update(object);
        RecordName(*hasher.finalize().as_bytes())
    }

    pub fn to_hex(self) -> String {
        hex(&self.0)
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

/// A record taken from a store: its bytes, and where its parts are.
#[derive(Debug, PartialEq, Eq)]
pub struct Record {
    bytes: Vec<u8>,
    members: Range<usize>,
    object: Range<usize>,
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
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::Damaged => {
                "its bytes do not match the hash its index gives (truncated or altered)"
            }
            Refusal::Unsigned => "it is not signed, and verify-key asks for the team's signature",
            Refusal::BadSignature => "its signature is not the team key's",
        })
    }
}

impl Record {
    /// The bytes and name of the record of `members` and `object`, signed
    /// with `key` if there is one.
    pub fn seal(members: &str, object: &[u8], key: Option<&SigningKey>) -> (RecordName, Vec<u8>) {
        let name = RecordName::of(members, object);
        let signature = key.map_or_else(
            || "unsigned".to_string(),
            |key| hex(&key.sign(&name.signed_message()).to_bytes()),
        );
        let mut bytes = format!("{MAGIC} {} {signature}\n", members.len()).into_bytes();
        bytes.reserve(members.len() + object.len());
        bytes.extend_from_slice(members.as_bytes());
        bytes.extend_from_slice(object);
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
        let (record, signature) = Record::parts(bytes).ok_or(Refusal::Damaged)?;
        if RecordName::of(record.members(), record.object()) != name {
            return Err(Refusal::Damaged);
        }
        if let Some(key) = verify {
            let signature = signature.ok_or(Refusal::Unsigned)?;
            key.verify(&name.signed_message(), &signature)
                .map_err(|_| Refusal::BadSignature)?;
        }
        Ok(record)
    }

    /// The record in `bytes` and its signature, if it is one.
    fn parts(bytes: Vec<u8>) -> Option<(Record, Option<Signature>)> {
        let end = bytes.iter().position(|&b| b == b'\n')?;
        let header = std::str::from_utf8(&bytes[..end]).ok()?;
        let (length, signature) = header
            .strip_prefix(MAGIC)?
            .strip_prefix(' ')?
            .split_once(' ')?;
        let length: usize = length.parse().ok()?;
        let signature = match signature {
            "unsigned" => None,
            hex => {
                let mut raw = [0; 64];
                unhex(hex, &mut raw).then_some(())?;
                Some(Signature::from_bytes(&raw))
            }
        };
        let members = end + 1..(end + 1).checked_add(length)?;
        std::str::from_utf8(bytes.get(members.clone())?).ok()?;
        let object = members.end..bytes.len();
        Some((
            Record {
                bytes,
                members,
                object,
            },
            signature,
        ))
    }

    /// The object cache's member list of the object, verbatim.
    pub fn members(&self) -> &str {
        // Checked to be UTF-8 when the record was opened.
        std::str::from_utf8(&self.bytes[self.members.clone()]).unwrap_or_default()
    }

    pub fn object(&self) -> &[u8] {
        &self.bytes[self.object.clone()]
    }

    /// The object, its bytes moved to the front of the record's.
    pub fn into_object(mut self) -> Vec<u8> {
        self.bytes.drain(..self.object.start);
        self.bytes
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Fills `out` from `text`'s hex digits if there are exactly enough.
fn unhex(text: &str, out: &mut [u8]) -> bool {
    if text.len() != out.len() * 2 || !text.is_ascii() {
        return false;
    }
    out.iter_mut().enumerate().all(|(i, byte)| {
        u8::from_str_radix(&text[2 * i..2 * i + 2], 16)
            .map(|b| *byte = b)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMBERS: &str = "object 00 tier 1\n01 02 3 f\n";
    const OBJECT: &[u8] = b"\x7fELF code";

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn opened(record: Result<Record, Refusal>) -> Result<(String, Vec<u8>), Refusal> {
        record.map(|r| (r.members().to_string(), r.object().to_vec()))
    }

    #[test]
    fn a_record_opens_as_it_was_sealed() {
        let whole = Ok((MEMBERS.to_string(), OBJECT.to_vec()));
        let (name, bytes) = Record::seal(MEMBERS, OBJECT, None);
        assert_eq!(opened(Record::open(name, bytes, None)), whole);
        assert_eq!(RecordName::from_hex(&name.to_hex()), Some(name));
        let (name, bytes) = Record::seal(MEMBERS, OBJECT, Some(&key(1)));
        let team = key(1).verifying_key();
        assert_eq!(opened(Record::open(name, bytes, Some(&team))), whole);
    }

    #[test]
    fn damaged_unsigned_and_foreign_records_are_refused() {
        let team = key(1).verifying_key();
        let (name, bytes) = Record::seal(MEMBERS, OBJECT, Some(&key(1)));
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
        let (record, _) = Record::parts(altered.clone()).unwrap();
        let renamed = RecordName::of(record.members(), record.object());
        assert!(Record::open(renamed, altered.clone(), None).is_ok());
        assert_eq!(
            Record::open(renamed, altered, Some(&team)),
            Err(Refusal::BadSignature)
        );
        let (name, bytes) = Record::seal(MEMBERS, OBJECT, None);
        assert_eq!(
            Record::open(name, bytes, Some(&team)),
            Err(Refusal::Unsigned)
        );
        let (name, bytes) = Record::seal(MEMBERS, OBJECT, Some(&key(2)));
        assert_eq!(
            Record::open(name, bytes, Some(&team)),
            Err(Refusal::BadSignature)
        );
        for garbage in [
            &b"no header"[..],
            b"autojit-record 1 999 unsigned\nx",
            b"autojit-record 1 1 abc\nxy",
            b"",
        ] {
            assert_eq!(
                Record::open(RecordName([0; 32]), garbage.to_vec(), None),
                Err(Refusal::Damaged)
            );
        }
    }
}
