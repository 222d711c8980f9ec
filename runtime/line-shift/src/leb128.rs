//! LEB128 encoding, plain and padded to a given length (padding keeps a
//! patched attribute the same size as the one it replaces; DWARF readers
//! accept redundant continuation bytes).

pub(crate) fn write_uleb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

pub(crate) fn write_sleb(out: &mut Vec<u8>, mut value: i64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        let done = (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0);
        if done {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// `value` as ULEB128 in exactly `len` bytes, or None if it needs more.
pub(crate) fn uleb_padded(value: u64, len: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    write_uleb(&mut out, value);
    pad(out, len, 0x00)
}

/// `value` as SLEB128 in exactly `len` bytes, or None if it needs more.
pub(crate) fn sleb_padded(value: i64, len: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    write_sleb(&mut out, value);
    pad(out, len, if value < 0 { 0x7f } else { 0x00 })
}

/// Extends a minimal LEB128 encoding to `len` bytes with continuation bytes
/// that carry only sign (or zero) bits.
fn pad(mut out: Vec<u8>, len: usize, fill: u8) -> Option<Vec<u8>> {
    if out.len() > len {
        return None;
    }
    while out.len() < len {
        let last = out.len() - 1;
        out[last] |= 0x80;
        out.push(fill);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cursor::Cursor;

    #[test]
    fn padded_numbers_read_back() {
        for (value, len) in [(0u64, 1), (5, 3), (127, 1), (128, 2), (300, 4)] {
            let bytes = uleb_padded(value, len).expect("fits");
            assert_eq!(bytes.len(), len);
            assert_eq!(Cursor::new(&bytes, 0, "test").uleb(), Ok(value));
        }
        for (value, len) in [(0i64, 1), (-1, 3), (63, 2), (-64, 1), (-65, 2), (1000, 5)] {
            let bytes = sleb_padded(value, len).expect("fits");
            assert_eq!(bytes.len(), len);
            assert_eq!(Cursor::new(&bytes, 0, "test").sleb(), Ok(value));
        }
        assert_eq!(uleb_padded(128, 1), None);
        assert_eq!(sleb_padded(64, 1), None);
    }
}
