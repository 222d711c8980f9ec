//! Which program addresses are trampolines, and of which function: read
//! from the trampoline's own code and record (`autojit_abi::arch::x86_64`).
//! Lazy code calls another lazy function by its name, which is its
//! trampoline; when the engine knows that function's body, the loader sends
//! the call straight there, as a regular build's call would go, instead of
//! through the trampoline's extra jump. The function's address stays the
//! trampoline's.

use autojit_abi::arch::{trampoline_record, RECORD_GUID_OFFSET, RECORD_SIZE, TRAMPOLINE_HEAD_LEN};
use autojit_abi::library;
use std::ops::Range;

/// The program's loaded segments, to read trampolines only where memory is.
pub struct Trampolines {
    readable: Vec<Range<usize>>,
    writable: Vec<Range<usize>>,
}

impl Trampolines {
    /// The segments of every object loaded in this process now.
    pub fn of_this_process() -> Self {
        let mut trampolines = Trampolines {
            readable: Vec::new(),
            writable: Vec::new(),
        };
        library::visit_segments(&mut |segment| {
            let range = segment.start..segment.end;
            if segment.flags & libc::PF_R != 0 {
                if segment.flags & libc::PF_W != 0 {
                    trampolines.writable.push(range.clone());
                }
                trampolines.readable.push(range);
            }
            true
        });
        trampolines
    }

    /// The GUID of the lazy function whose trampoline is at `address`, if a
    /// trampoline is there.
    pub fn guid(&self, address: usize) -> Option<u64> {
        let within = |segments: &[Range<usize>], at: usize, len: usize| {
            let end = at.checked_add(len);
            segments
                .iter()
                .any(|s| s.start <= at && end.is_some_and(|end| end <= s.end))
        };
        if !within(&self.readable, address, TRAMPOLINE_HEAD_LEN) {
            return None;
        }
        // SAFETY: the bytes lie in a readable loaded segment.
        let head = unsafe { std::ptr::read_unaligned(address as *const [u8; TRAMPOLINE_HEAD_LEN]) };
        let record = trampoline_record(address, &head)?;
        // Records are written when their body is published: they are
        // never in read-only memory.
        if !within(&self.writable, record, RECORD_SIZE) {
            return None;
        }
        // SAFETY: the record lies in a readable, writable loaded segment;
        // its GUID is never written after load.
        Some(unsafe { std::ptr::read_unaligned((record + RECORD_GUID_OFFSET) as *const u64) })
    }
}
