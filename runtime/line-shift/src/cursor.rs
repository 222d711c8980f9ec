//! Bounds-checked little-endian reading of section bytes. Every read that
//! would run past the end is an error naming the section and offset, never a
//! panic.

use crate::ShiftError;

pub(crate) struct Cursor<'d> {
    data: &'d [u8],
    pos: usize,
    /// The section being read, for error messages.
    what: &'static str,
}

impl<'d> Cursor<'d> {
    pub fn new(data: &'d [u8], pos: usize, what: &'static str) -> Self {
        Cursor { data, pos, what }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn is_at_end(&self) -> bool {
        self.pos >= self.data.len()
    }

    pub fn truncated(&self) -> ShiftError {
        ShiftError::Malformed(format!(
            "{} ends early at offset {:#x}",
            self.what, self.pos
        ))
    }

    pub fn bytes(&mut self, len: usize) -> Result<&'d [u8], ShiftError> {
        let end = self.pos.checked_add(len).ok_or_else(|| self.truncated())?;
        let bytes = self
            .data
            .get(self.pos..end)
            .ok_or_else(|| self.truncated())?;
        self.pos = end;
        Ok(bytes)
    }

    pub fn u8(&mut self) -> Result<u8, ShiftError> {
        Ok(self.bytes(1)?[0])
    }

    pub fn u16(&mut self) -> Result<u16, ShiftError> {
        Ok(self.uint(2)? as u16)
    }

    pub fn u32(&mut self) -> Result<u32, ShiftError> {
        Ok(self.uint(4)? as u32)
    }

    pub fn u64(&mut self) -> Result<u64, ShiftError> {
        self.uint(8)
    }

    /// A little-endian unsigned integer of `len` (at most 8) bytes.
    pub fn uint(&mut self, len: usize) -> Result<u64, ShiftError> {
        if len > 8 {
            return Err(ShiftError::Unsupported(format!(
                "{}: {len}-byte integer at offset {:#x}",
                self.what, self.pos
            )));
        }
        let bytes = self.bytes(len)?;
        Ok(bytes
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    pub fn uleb(&mut self) -> Result<u64, ShiftError> {
        let (value, _) = self.leb()?;
        Ok(value)
    }

    pub fn sleb(&mut self) -> Result<i64, ShiftError> {
        let (value, shift) = self.leb()?;
        let sign_bit = 1u64.checked_shl(shift.saturating_sub(1)).unwrap_or(0);
        if shift < 64 && value & sign_bit != 0 {
            // Sign-extend from the last byte's top payload bit.
            Ok((value | !0u64 << shift) as i64)
        } else {
            Ok(value as i64)
        }
    }

    /// The raw payload of a LEB128 number and how many payload bits it had.
    /// Bits beyond 64 must be padding (all zero or all one).
    fn leb(&mut self) -> Result<(u64, u32), ShiftError> {
        let start = self.pos;
        let mut value = 0u64;
        let mut shift = 0u32;
        loop {
            let byte = self.u8()?;
            let payload = u64::from(byte & 0x7f);
            if shift < 64 {
                value |= payload << shift;
            } else if payload != 0 && payload != 0x7f {
                return Err(ShiftError::Malformed(format!(
                    "{}: LEB128 number at offset {start:#x} exceeds 64 bits",
                    self.what
                )));
            }
            shift = shift.saturating_add(7);
            if byte & 0x80 == 0 {
                return Ok((value, shift.min(64)));
            }
        }
    }
}
