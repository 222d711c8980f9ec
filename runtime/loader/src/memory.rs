//! Where an object's sections go: one anonymous mapping per object, its
//! executable, read-only and writable parts each starting on a page, placed
//! within ±2 GiB of the code it calls so that calls and PC-relative
//! references reach without call thunks. The mapping is written while it is
//! read-write and protected once relocated; it is never writable and
//! executable at once.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::elf::{Permission, Section};
use crate::LoadError;

/// Objects (and sections, and alignments) larger than this are refused:
/// far beyond any real one, and it keeps offsets from overflowing and
/// corrupt sizes from reaching mmap.
const LIMIT: u64 = 1 << 30;
/// How far a rel32 reaches.
const REACH: usize = 1 << 31;
/// The distance between two placements tried.
const STEP: usize = 1 << 20;
/// A call thunk: `jmp *[rip+2]`, two `int3`, then the 8-byte target.
pub(crate) const THUNK_SIZE: u64 = 16;
pub(crate) const GOT_SLOT_SIZE: u64 = 8;

/// Where the last mapping ended, in any loader of the process.
static PREVIOUS_END: AtomicUsize = AtomicUsize::new(0);

const PERMISSIONS: [Permission; 3] = [Permission::Execute, Permission::Read, Permission::Write];

/// Offsets within the mapping.
pub(crate) struct Layout {
    /// Per loaded section (positions of `Object::sections`).
    pub sections: Vec<u64>,
    pub thunks: u64,
    pub got: u64,
    /// Start and end of the executable, read-only and writable parts.
    pub regions: [(u64, u64); 3],
    pub size: u64,
    /// What the mapping's address must be a multiple of.
    pub align: u64,
}

fn align_up(value: u64, align: u64) -> u64 {
    value.div_ceil(align) * align
}

pub(crate) fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(size).unwrap_or(4096)
}

impl Layout {
    /// Lays out `sections` by permission, with `thunks` call thunks after
    /// the code and `got` GOT slots after the read-only data (read-only
    /// once relocated, like a linker's RELRO). Each `.eh_frame` gets 4 zero
    /// bytes after it: the unwinders take it as a null-terminated list.
    pub fn new(sections: &[Section], thunks: usize, got: usize) -> Result<Layout, LoadError> {
        let page = page_size();
        let too_large = |what: &str, value: u64| {
            LoadError::Unsupported(format!("{what} of {value} bytes is too large"))
        };
        let mut layout = Layout {
            sections: vec![0; sections.len()],
            thunks: 0,
            got: 0,
            regions: [(0, 0); 3],
            size: 0,
            align: page,
        };
        let mut cursor = 0;
        for (region, permission) in PERMISSIONS.into_iter().enumerate() {
            let start = align_up(cursor, page);
            cursor = start;
            for (position, section) in sections.iter().enumerate() {
                if section.permission != permission {
                    continue;
                }
                if section.size > LIMIT || section.align > LIMIT {
                    return Err(too_large(section.name, section.size.max(section.align)));
                }
                layout.align = layout.align.max(section.align);
                cursor = align_up(cursor, section.align);
                layout.sections[position] = cursor;
                cursor += section.size + if section.unwind { 4 } else { 0 };
            }
            match permission {
                Permission::Execute => {
                    cursor = align_up(cursor, THUNK_SIZE);
                    layout.thunks = cursor;
                    cursor += thunks as u64 * THUNK_SIZE;
                }
                Permission::Read => {
                    cursor = align_up(cursor, GOT_SLOT_SIZE);
                    layout.got = cursor;
                    cursor += got as u64 * GOT_SLOT_SIZE;
                }
                Permission::Write => {}
            }
            if cursor > LIMIT {
                return Err(too_large("object", cursor));
            }
            layout.regions[region] = (start, cursor);
        }
        // An object with nothing to load still gets a page: mmap refuses 0.
        layout.size = align_up(cursor, page).max(page);
        Ok(layout)
    }
}

/// An anonymous read-write mapping, unmapped when dropped unless kept.
pub(crate) struct Mapping {
    base: usize,
    len: usize,
}

impl Mapping {
    /// Maps `len` bytes aligned to `align` within ±2 GiB of `near`, trying
    /// first where the previous object's mapping ended (usually free, and
    /// it keeps objects together), then places at increasing distances
    /// below and above `near`. Falls back to anywhere: position-independent
    /// code still works there, through its GOT and call thunks.
    pub fn near(near: usize, len: usize, align: usize) -> Result<Mapping, LoadError> {
        let reaches = |start: usize| {
            start.abs_diff(near) < REACH && start.saturating_add(len).abs_diff(near) < REACH
        };
        let step = STEP.max(align);
        let distances = (0..REACH / step).map(|i| i * step);
        let candidates = distances.flat_map(|distance| {
            let below = near
                .checked_sub(distance.saturating_add(len))
                .map(|start| start / align * align);
            let above = near
                .checked_add(distance)
                .and_then(|start| start.checked_next_multiple_of(align));
            [below, above]
        });
        let previous = PREVIOUS_END.load(Ordering::Relaxed);
        let mapping = std::iter::once(Some(previous).filter(|&end| end % align == 0))
            .chain(candidates)
            .flatten()
            .filter(|&start| near != 0 && start != 0 && reaches(start))
            .find_map(|start| Mapping::at(start, len))
            .map_or_else(|| Mapping::anywhere(len, align), Ok)?;
        PREVIOUS_END.store(mapping.base + len, Ordering::Relaxed);
        Ok(mapping)
    }

    /// The mapping at exactly `start`, if that range is free.
    fn at(start: usize, len: usize) -> Option<Mapping> {
        // SAFETY: a new anonymous mapping; MAP_FIXED_NOREPLACE fails rather
        // than replace anything mapped there.
        let address = unsafe {
            libc::mmap(
                start as *mut libc::c_void,
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
                -1,
                0,
            )
        };
        if address == libc::MAP_FAILED {
            return None;
        }
        // A kernel without MAP_FIXED_NOREPLACE takes the address as a hint:
        // dropping a mapping elsewhere unmaps it.
        let mapping = Mapping {
            base: address as usize,
            len,
        };
        (mapping.base == start).then_some(mapping)
    }

    /// A mapping anywhere, aligned by mapping `align` more and unmapping
    /// what is before and after the aligned part.
    fn anywhere(len: usize, align: usize) -> Result<Mapping, LoadError> {
        let total = len
            .checked_add(align)
            .ok_or_else(|| LoadError::Memory(format!("cannot map {len} bytes")))?;
        // SAFETY: a new anonymous mapping, placed by the kernel.
        let address = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                total,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if address == libc::MAP_FAILED {
            let error = std::io::Error::last_os_error();
            return Err(LoadError::Memory(format!(
                "cannot map {len} bytes: {error}"
            )));
        }
        let start = address as usize;
        let base = start.next_multiple_of(align);
        let head = base - start;
        for (from, size) in [(start, head), (base + len, total - head - len)] {
            if size != 0 {
                // SAFETY: a part of the mapping just made, not in use.
                unsafe { libc::munmap(from as *mut libc::c_void, size) };
            }
        }
        Ok(Mapping { base, len })
    }

    pub fn base(&self) -> usize {
        self.base
    }

    /// The mapping's bytes, all readable and writable until `finish`.
    pub fn bytes(&mut self) -> &mut [u8] {
        // SAFETY: the mapping is ours, read-write and `len` long until
        // `finish` consumes it.
        unsafe { std::slice::from_raw_parts_mut(self.base as *mut u8, self.len) }
    }

    /// Gives each part its final permissions and keeps the mapping for the
    /// life of the process (loaded code is never unloaded).
    pub fn finish(self, layout: &Layout) -> Result<(), LoadError> {
        let page = page_size();
        for (permission, (start, end)) in PERMISSIONS.into_iter().zip(layout.regions) {
            let protection = match permission {
                Permission::Execute => libc::PROT_READ | libc::PROT_EXEC,
                Permission::Read => libc::PROT_READ,
                Permission::Write => continue,
            };
            let size = align_up(end, page) - start;
            if size == 0 {
                continue;
            }
            // SAFETY: whole pages inside our mapping; nothing refers to
            // them as writable any more.
            let status = unsafe {
                libc::mprotect(
                    (self.base + start as usize) as *mut libc::c_void,
                    size as usize,
                    protection,
                )
            };
            if status != 0 {
                let error = std::io::Error::last_os_error();
                return Err(LoadError::Memory(format!(
                    "cannot protect {permission:?} part: {error}"
                )));
            }
        }
        std::mem::forget(self);
        Ok(())
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the mapping is ours and nothing refers to it: the load
        // that made it failed.
        unsafe { libc::munmap(self.base as *mut libc::c_void, self.len) };
    }
}
