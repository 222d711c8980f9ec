//! A record: what a store holds for one compiled object, its member list
//! and its code in one value, named by the SHA-256 of its bytes.
//!
//! ```text
//! autojit-record 1 <member list's length> <signature: 128 hex digits, or "unsigned">\n
//! <member list><object>
//! ```
//!
//! The index lines that point at a record carry its name, so a truncated or
//! altered record does not hash to the name it is fetched by and is
//! refused. A team key goes further: its signature covers the member list
//! and the object, so only what a key holder wrote is taken by a client
//! that verifies.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;

const MAGIC: &str = "autojit-record 1";
/// What a signature covers: a tag, then the member list and the object.
const SIGNED_TAG: &[u8] = b"autojit-record 1\0";

/// A record's name: the SHA-256 of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordName(pub [u8; 32]);

impl RecordName {
    pub fn of(bytes: &[u8]) -> Self {
        RecordName(Sha256::digest(bytes).into())
    }

    pub fn to_hex(self) -> String {
        hex(&self.0)
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let mut name = [0; 32];
        unhex(text, &mut name).then_some(RecordName(name))
    }
}

/// What a record holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The object cache's member list of the object, verbatim.
    pub members: String,
    pub object: Vec<u8>,
}

/// Why a record fetched is not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Its bytes do not hash to its name: truncated or altered.
    Damaged,
    /// Not a record, though named right (a writer's bug).
    Malformed,
    /// Not signed, and this client takes only signed records.
    Unsigned,
    /// Signed, but not by the team key, or altered since.
    BadSignature,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refusal::Damaged => "its bytes do not match the hash its index gives (truncated or altered)",
            Refusal::Malformed => "it is not a record",
            Refusal::Unsigned => "it is not signed, and verify-key asks for the team's signature",
            Refusal::BadSignature => "its signature is not the team key's",
        })
    }
}

impl Record {
    /// The record's bytes and name, signed with `key` if there is one.
    pub fn seal(&self, key: Option<&SigningKey>) -> (RecordName, Vec<u8>) {
        let signature = key.map_or_else(
            || "unsigned".to_string(),
            |key| hex(&key.sign(&self.signed_message()).to_bytes()),
        );
        let mut bytes = format!("{MAGIC} {} {signature}\n", self.members.len()).into_bytes();
        bytes.extend_from_slice(self.members.as_bytes());
        bytes.extend_from_slice(&self.object);
        (RecordName::of(&bytes), bytes)
    }

    /// The record named `name` whose bytes are `bytes`, if they hash to
    /// that name and, with a key `verify`, carry its signature.
    pub fn open(
        name: RecordName,
        bytes: &[u8],
        verify: Option<&VerifyingKey>,
    ) -> Result<Record, Refusal> {
        if RecordName::of(bytes) != name {
            return Err(Refusal::Damaged);
        }
        let end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .ok_or(Refusal::Malformed)?;
        let header = std::str::from_utf8(&bytes[..end]).map_err(|_| Refusal::Malformed)?;
        let (length, signature) = header
            .strip_prefix(MAGIC)
            .and_then(|rest| rest.strip_prefix(' '))
            .and_then(|rest| rest.split_once(' '))
            .ok_or(Refusal::Malformed)?;
        let length: usize = length.parse().map_err(|_| Refusal::Malformed)?;
        let body = &bytes[end + 1..];
        if length > body.len() {
            return Err(Refusal::Malformed);
        }
        let (members, object) = body.split_at(length);
        let record = Record {
            members: String::from_utf8(members.to_vec()).map_err(|_| Refusal::Malformed)?,
            object: object.to_vec(),
        };
        if let Some(key) = verify {
            let mut raw = [0; 64];
            if signature == "unsigned" {
                return Err(Refusal::Unsigned);
            }
            if !unhex(signature, &mut raw) {
                return Err(Refusal::Malformed);
            }
            key.verify(&record.signed_message(), &Signature::from_bytes(&raw))
                .map_err(|_| Refusal::BadSignature)?;
        }
        Ok(record)
    }

    fn signed_message(&self) -> Vec<u8> {
        let mut message = SIGNED_TAG.to_vec();
        message.extend_from_slice(self.members.as_bytes());
        message.extend_from_slice(&self.object);
        message
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

    fn record() -> Record {
        Record {
            members: "object 00 tier 1\n01 02 3 f\n".into(),
            object: b"\x7fELF code".to_vec(),
        }
    }

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn a_record_opens_as_it_was_sealed() {
        let (name, bytes) = record().seal(None);
        assert_eq!(Record::open(name, &bytes, None), Ok(record()));
        assert_eq!(RecordName::from_hex(&name.to_hex()), Some(name));
        let (name, bytes) = record().seal(Some(&key(1)));
        let team = key(1).verifying_key();
        assert_eq!(Record::open(name, &bytes, Some(&team)), Ok(record()));
    }

    #[test]
    fn damaged_unsigned_and_foreign_records_are_refused() {
        let team = key(1).verifying_key();
        let (name, bytes) = record().seal(Some(&key(1)));
        // Truncated, or a byte of the code changed.
        assert_eq!(
            Record::open(name, &bytes[..bytes.len() - 1], None),
            Err(Refusal::Damaged)
        );
        let mut altered = bytes.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(Record::open(name, &altered, None), Err(Refusal::Damaged));
        // Altered and renamed to match: only a signature tells.
        let renamed = RecordName::of(&altered);
        assert_eq!(
            Record::open(renamed, &altered, Some(&team)),
            Err(Refusal::BadSignature)
        );
        let (name, bytes) = record().seal(None);
        assert_eq!(
            Record::open(name, &bytes, Some(&team)),
            Err(Refusal::Unsigned)
        );
        let (name, bytes) = record().seal(Some(&key(2)));
        assert_eq!(
            Record::open(name, &bytes, Some(&team)),
            Err(Refusal::BadSignature)
        );
        for garbage in [&b"no header"[..], b"autojit-record 1 999 unsigned\nx", b""] {
            assert_eq!(
                Record::open(RecordName::of(garbage), garbage, None),
                Err(Refusal::Malformed)
            );
        }
    }
}
