//! Simple Packed Serialization, as ORC's `SimplePackedSerialization.h`
//! defines it: integers little-endian at their own width, `bool` as one byte,
//! sequences (strings included) as a `u64` count followed by the elements,
//! tuples as their fields in order.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Why bytes could not be decoded, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub what: &'static str,
    pub offset: usize,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed message: {} at byte {}",
            self.what, self.offset
        )
    }
}

/// Reads SPS values from a byte slice, checking every length.
pub struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, offset: 0 }
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.offset
    }

    /// An error at the current offset: `what` is wrong there.
    pub fn fail(&self, what: &'static str) -> DecodeError {
        DecodeError {
            what,
            offset: self.offset,
        }
    }

    pub fn bytes(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        if len > self.remaining() {
            return Err(self.fail(what));
        }
        let out = &self.bytes[self.offset..self.offset + len];
        self.offset += len;
        Ok(out)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N, what)?);
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.array::<1>("truncated u8")?[0])
    }

    pub fn bool(&mut self) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(DecodeError {
                what: "bool that is neither 0 nor 1",
                offset: self.offset - 1,
            }),
        }
    }

    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array("truncated u32")?))
    }

    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array("truncated u64")?))
    }

    /// A sequence count, bounded by the bytes left: each element takes at
    /// least `min_element_size` bytes, so no count can make a caller
    /// allocate more than the message holds.
    pub fn count(&mut self, min_element_size: usize) -> Result<usize, DecodeError> {
        let count = self.u64()?;
        let fits = (count as u128) * (min_element_size.max(1) as u128) <= self.remaining() as u128;
        if !fits {
            return Err(DecodeError {
                what: "sequence longer than the message",
                offset: self.offset - 8,
            });
        }
        Ok(count as usize)
    }

    /// `SPSSequence<uint64_t>`.
    pub fn u64_sequence(&mut self) -> Result<Vec<u64>, DecodeError> {
        let n = self.count(8)?;
        let mut values = Vec::with_capacity(n);
        for _ in 0..n {
            values.push(self.u64()?);
        }
        Ok(values)
    }

    /// `SPSSequence<char>` as raw bytes.
    pub fn byte_sequence(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.count(1)?;
        self.bytes(len, "truncated byte sequence")
    }

    /// `SPSString`, which must be UTF-8 here: names and triples.
    pub fn string(&mut self) -> Result<String, DecodeError> {
        let start = self.offset;
        let bytes = self.byte_sequence()?;
        core::str::from_utf8(bytes)
            .map(String::from)
            .map_err(|_| DecodeError {
                what: "string that is not UTF-8",
                offset: start,
            })
    }

    /// `SPSError`: `None` for success, the message otherwise.
    pub fn error(&mut self) -> Result<Option<String>, DecodeError> {
        if self.bool()? {
            self.string().map(Some)
        } else {
            Ok(None)
        }
    }

    /// `SPSExpected<T>`: the value, or the error message in its place.
    pub fn expected<T>(
        &mut self,
        value: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Result<T, String>, DecodeError> {
        if self.bool()? {
            value(self).map(Ok)
        } else {
            self.string().map(Err)
        }
    }

    /// Succeeds only when every byte was consumed.
    pub fn finish(&self) -> Result<(), DecodeError> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(self.fail("trailing bytes"))
        }
    }
}

/// Appends SPS values to a byte vector.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Writer::default()
    }

    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.bytes.push(v);
        self
    }

    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.u8(v as u8)
    }

    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.bytes.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.bytes.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u64_sequence(&mut self, v: &[u64]) -> &mut Self {
        self.u64(v.len() as u64);
        for &value in v {
            self.u64(value);
        }
        self
    }

    pub fn byte_sequence(&mut self, v: &[u8]) -> &mut Self {
        self.u64(v.len() as u64);
        self.bytes.extend_from_slice(v);
        self
    }

    pub fn string(&mut self, v: &str) -> &mut Self {
        self.byte_sequence(v.as_bytes())
    }

    /// `SPSExpected<T>` holding an error; a value is `bool(true)` followed
    /// by the value.
    pub fn unexpected(&mut self, msg: &str) -> &mut Self {
        self.bool(false).string(msg)
    }

    pub fn error(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            None => self.bool(false),
            Some(msg) => self.bool(true).string(msg),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        let mut w = Writer::new();
        w.u8(7)
            .bool(true)
            .u32(0xdead_beef)
            .u64(u64::MAX)
            .string("x86_64")
            .byte_sequence(&[1, 2, 3]);
        w.error(None).error(Some("boom"));
        w.bool(true).u64(9).unexpected("no");
        let mut r = Reader::new(&w.bytes);
        assert_eq!(r.u8(), Ok(7));
        assert_eq!(r.bool(), Ok(true));
        assert_eq!(r.u32(), Ok(0xdead_beef));
        assert_eq!(r.u64(), Ok(u64::MAX));
        assert_eq!(r.string().as_deref(), Ok("x86_64"));
        assert_eq!(r.byte_sequence(), Ok(&[1u8, 2, 3][..]));
        assert_eq!(r.error(), Ok(None));
        assert_eq!(r.error(), Ok(Some(String::from("boom"))));
        assert_eq!(r.expected(|r| r.u64()), Ok(Ok(9)));
        assert_eq!(r.expected(|r| r.u64()), Ok(Err(String::from("no"))));
        assert_eq!(r.finish(), Ok(()));
    }

    #[test]
    fn layout_matches_orc() {
        let mut w = Writer::new();
        w.string("ab").bool(true).u32(1);
        assert_eq!(w.bytes, [2, 0, 0, 0, 0, 0, 0, 0, b'a', b'b', 1, 1, 0, 0, 0]);
    }

    #[test]
    fn hostile_lengths_are_errors_not_allocations() {
        let mut w = Writer::new();
        w.u64(u64::MAX).u8(0);
        assert_eq!(
            Reader::new(&w.bytes).byte_sequence().unwrap_err().what,
            "sequence longer than the message"
        );
        assert_eq!(Reader::new(&w.bytes).count(16).unwrap_err().offset, 0);
    }

    #[test]
    fn truncation_and_garbage_are_errors() {
        assert_eq!(
            Reader::new(&[1, 2, 3]).u64().unwrap_err().what,
            "truncated u64"
        );
        assert_eq!(
            Reader::new(&[2]).bool().unwrap_err().what,
            "bool that is neither 0 nor 1"
        );
        let mut w = Writer::new();
        w.byte_sequence(&[0xff, 0xfe]);
        assert_eq!(
            Reader::new(&w.bytes).string().unwrap_err().what,
            "string that is not UTF-8"
        );
        assert_eq!(
            Reader::new(&[0]).finish().unwrap_err().what,
            "trailing bytes"
        );
    }
}
