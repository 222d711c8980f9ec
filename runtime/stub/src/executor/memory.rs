//! The memory manager: reserves address space, finalizes JIT'd segments in
//! it, and releases it. Every address a controller names is checked against
//! what was reserved here, so a bad request is refused, not obeyed.

use super::Violation;
use crate::sys;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use autojit_protocol::executor::{
    MemoryWrite, Segment, WrapperCall, PROT_EXEC, PROT_READ, PROT_WRITE,
};

/// One `reserve`: mapped read-write until finalized.
struct Reservation {
    base: usize,
    size: usize,
    /// Page ranges whose protection finalization changed.
    segments: Vec<Finalized>,
    /// To run, last first, when the reservation is released.
    dealloc_actions: Vec<WrapperCall>,
}

#[derive(Clone, Copy)]
struct Finalized {
    start: usize,
    end: usize,
    protection: u8,
}

impl Reservation {
    fn contains(&self, start: usize, len: usize) -> bool {
        start >= self.base
            && start
                .checked_add(len)
                .is_some_and(|end| end <= self.base + self.size)
    }
}

pub struct Memory {
    reservations: Vec<Reservation>,
    page_size: usize,
}

/// `[start, start + len)`, or None when it wraps around.
fn range(start: u64, len: u64) -> Option<(usize, usize)> {
    let start = usize::try_from(start).ok()?;
    let len = usize::try_from(len).ok()?;
    start.checked_add(len)?;
    Some((start, len))
}

impl Memory {
    pub fn new() -> Self {
        Memory {
            reservations: Vec::new(),
            page_size: sys::page_size(),
        }
    }

    /// Maps `size` bytes read-write; the address or why not.
    pub fn reserve(&mut self, size: u64) -> Result<u64, String> {
        let size = usize::try_from(size)
            .ok()
            .and_then(|s| s.checked_next_multiple_of(self.page_size))
            .filter(|&s| s > 0)
            .ok_or_else(|| format!("cannot reserve {size} bytes"))?;
        // SAFETY: a fresh anonymous mapping touches no existing memory.
        let base = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(format!(
                "cannot reserve {size} bytes: {}",
                sys::strerror(sys::errno())
            ));
        }
        self.reservations.push(Reservation {
            base: base as usize,
            size,
            segments: Vec::new(),
            dealloc_actions: Vec::new(),
        });
        Ok(base as u64)
    }

    /// Copies and protects the segments of a finalize request, and keeps its
    /// deallocation actions. The caller runs the finalize actions.
    pub fn finalize(
        &mut self,
        segments: &[Segment<'_>],
        actions: &[(WrapperCall, WrapperCall)],
    ) -> Result<Result<(), String>, Violation> {
        let Some(first) = segments.first() else {
            return Ok(if actions.is_empty() {
                Ok(())
            } else {
                Err("actions on an empty finalize request".into())
            });
        };
        let page = self.page_size;
        let index = self
            .reservations
            .iter()
            .position(|r| range(first.address, first.size).is_some_and(|(s, l)| r.contains(s, l)));
        for s in segments {
            let inside = range(s.address, s.size)
                .zip(index.and_then(|i| self.reservations.get(i)))
                .is_some_and(|((start, len), r)| r.contains(start, len));
            let problem = if !inside {
                "is outside the memory this executor reserved"
            } else if s.content.len() as u64 > s.size {
                "has more content than its size"
            } else if !(s.address as usize).is_multiple_of(page) {
                "is not page-aligned"
            } else {
                continue;
            };
            return Err(format!(
                "finalize: segment 0x{:x} ({} bytes) {problem}",
                s.address, s.size
            ));
        }
        // Found: the first segment was checked to be inside it.
        let Some(reservation) = index.and_then(|i| self.reservations.get_mut(i)) else {
            return Ok(Ok(()));
        };
        for s in segments {
            let (start, len) = (s.address as usize, s.size as usize);
            let pages = len.next_multiple_of(page);
            // SAFETY: the segment lies inside a mapping this executor made
            // (checked above); making its pages writable first also covers a
            // second finalize of the same memory.
            let copied = unsafe {
                let at = start as *mut u8;
                if libc::mprotect(at.cast(), pages, libc::PROT_READ | libc::PROT_WRITE) != 0 {
                    false
                } else {
                    core::ptr::copy_nonoverlapping(s.content.as_ptr(), at, s.content.len());
                    core::ptr::write_bytes(at.add(s.content.len()), 0, len - s.content.len());
                    libc::mprotect(at.cast(), pages, host_protection(s.protection)) == 0
                }
            };
            if !copied {
                return Ok(Err(format!(
                    "cannot protect segment 0x{start:x}: {}",
                    sys::strerror(sys::errno())
                )));
            }
            let end = start + pages;
            reservation
                .segments
                .retain(|f| f.end <= start || f.start >= end);
            reservation.segments.push(Finalized {
                start,
                end,
                protection: s.protection,
            });
        }
        reservation.dealloc_actions.extend(
            actions
                .iter()
                .filter(|(_, dealloc)| dealloc.function != 0)
                .map(|(_, dealloc)| dealloc.clone()),
        );
        Ok(Ok(()))
    }

    /// Whether `bases` are all reservations of this executor; the first
    /// that is not, as a violation.
    pub fn check_bases(&self, bases: &[u64]) -> Result<(), Violation> {
        match bases
            .iter()
            .find(|&&b| !self.reservations.iter().any(|r| r.base as u64 == b))
        {
            Some(b) => Err(format!(
                "deallocate: 0x{b:x} is not the base of memory this executor reserved"
            )),
            None => Ok(()),
        }
    }

    /// The deallocation actions of the reservation at `base`, last first.
    pub fn take_dealloc_actions(&mut self, base: u64) -> Vec<WrapperCall> {
        let mut actions = self
            .reservations
            .iter_mut()
            .find(|r| r.base as u64 == base)
            .map(|r| core::mem::take(&mut r.dealloc_actions))
            .unwrap_or_default();
        actions.reverse();
        actions
    }

    /// Unmaps the reservation at `base`.
    pub fn release(&mut self, base: u64) -> Result<(), String> {
        let Some(i) = self.reservations.iter().position(|r| r.base as u64 == base) else {
            return Ok(());
        };
        let r = self.reservations.swap_remove(i);
        // SAFETY: the mapping was made by `reserve` and nothing of this
        // executor refers to it any more.
        if unsafe { libc::munmap(r.base as *mut libc::c_void, r.size) } != 0 {
            return Err(format!(
                "cannot release 0x{:x}: {}",
                r.base,
                sys::strerror(sys::errno())
            ));
        }
        Ok(())
    }

    /// Stores each write, after checking all of them: each must lie in
    /// reserved memory that is writable now.
    pub fn write(&mut self, call: &str, writes: &[MemoryWrite<'_>]) -> Result<(), Violation> {
        for w in writes {
            if !self.is_writable(w.address, w.bytes.len() as u64) {
                return Err(format!(
                    "{call}: {} bytes at 0x{:x} are outside the writable memory this executor reserved",
                    w.bytes.len(),
                    w.address
                ));
            }
        }
        for w in writes {
            // SAFETY: checked above: inside a read-write mapping of this
            // executor.
            unsafe {
                core::ptr::copy_nonoverlapping(
                    w.bytes.as_ptr(),
                    w.address as *mut u8,
                    w.bytes.len(),
                )
            };
        }
        Ok(())
    }

    fn is_writable(&self, address: u64, len: u64) -> bool {
        let Some((start, len)) = range(address, len) else {
            return false;
        };
        self.reservations.iter().any(|r| {
            r.contains(start, len)
                && r.segments.iter().all(|f| {
                    f.protection & PROT_WRITE != 0 || f.end <= start || f.start >= start + len
                })
        })
    }

    /// Whether `address` is in a segment this executor finalized executable:
    /// the only code a controller may make the stub run.
    pub fn is_executable(&self, address: u64) -> bool {
        let Ok(address) = usize::try_from(address) else {
            return false;
        };
        self.reservations.iter().any(|r| {
            r.segments
                .iter()
                .any(|f| f.protection & PROT_EXEC != 0 && (f.start..f.end).contains(&address))
        })
    }

    /// Whether `[start, end)` is non-empty and inside reserved memory.
    pub fn is_reserved(&self, start: u64, end: u64) -> bool {
        end > start
            && range(start, end - start)
                .is_some_and(|(s, l)| self.reservations.iter().any(|r| r.contains(s, l)))
    }
}

fn host_protection(wire: u8) -> i32 {
    let mut prot = libc::PROT_NONE;
    if wire & PROT_READ != 0 {
        prot |= libc::PROT_READ;
    }
    if wire & PROT_WRITE != 0 {
        prot |= libc::PROT_WRITE;
    }
    if wire & PROT_EXEC != 0 {
        prot |= libc::PROT_EXEC;
    }
    prot
}
