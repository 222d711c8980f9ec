//! Which program addresses are lazy function stubs, and of which function:
//! read from the stub's own code and record (`autojit_abi::arch::x86_64`).
//! Lazy code calls another lazy function by its name, which is its stub;
//! when the engine knows that function's body, the loader sends the call
//! straight there, as a regular build's call would go, instead of through
//! the stub's extra jump. The function's address stays the stub's.

use autojit_abi::arch::{stub_record, RECORD_GUID_OFFSET, RECORD_SIZE, STUB_HEAD_LEN};
use std::ffi::c_void;
use std::ops::Range;

/// The program's loaded segments, to read stubs only where memory is.
pub struct LazyStubs {
    readable: Vec<Range<usize>>,
    writable: Vec<Range<usize>>,
}

impl LazyStubs {
    /// The segments of every object loaded in this process now.
    pub fn of_this_process() -> Self {
        extern "C" fn visit(
            info: *mut libc::dl_phdr_info,
            _: libc::size_t,
            data: *mut c_void,
        ) -> libc::c_int {
            // SAFETY: the loader passes valid info; `data` is the LazyStubs
            // below.
            let (info, stubs) = unsafe { (&*info, &mut *(data as *mut LazyStubs)) };
            if info.dlpi_phdr.is_null() {
                return 0;
            }
            // SAFETY: the loader describes `dlpi_phnum` program headers.
            let headers =
                unsafe { std::slice::from_raw_parts(info.dlpi_phdr, info.dlpi_phnum as usize) };
            for h in headers.iter().filter(|h| h.p_type == libc::PT_LOAD) {
                let start = (info.dlpi_addr as usize).wrapping_add(h.p_vaddr as usize);
                let range = start..start.saturating_add(h.p_memsz as usize);
                if h.p_flags & libc::PF_R == 0 {
                    continue;
                }
                if h.p_flags & libc::PF_W != 0 {
                    stubs.writable.push(range.clone());
                }
                stubs.readable.push(range);
            }
            0
        }
        let mut stubs = LazyStubs {
            readable: Vec::new(),
            writable: Vec::new(),
        };
        // SAFETY: the callback only reads the loader's data and writes
        // `stubs`.
        unsafe { libc::dl_iterate_phdr(Some(visit), &mut stubs as *mut LazyStubs as *mut c_void) };
        stubs
    }

    /// The GUID of the lazy function whose stub is at `address`, if a stub
    /// is there.
    pub fn guid(&self, address: usize) -> Option<u64> {
        let within = |segments: &[Range<usize>], at: usize, len: usize| {
            let end = at.checked_add(len);
            segments
                .iter()
                .any(|s| s.start <= at && end.is_some_and(|end| end <= s.end))
        };
        if !within(&self.readable, address, STUB_HEAD_LEN) {
            return None;
        }
        // SAFETY: the bytes lie in a readable loaded segment.
        let head = unsafe { std::ptr::read_unaligned(address as *const [u8; STUB_HEAD_LEN]) };
        let record = stub_record(address, &head)?;
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
