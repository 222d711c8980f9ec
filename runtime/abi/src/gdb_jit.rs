//! The GDB JIT interface: debuggers set a breakpoint on
//! `__jit_debug_register_code` and read `__jit_debug_descriptor` to find the
//! debug objects of JIT'd code.
//!
//! Each runtime defines those two names itself (the descriptor as a
//! [`DebugDescriptor`]), in the library that loads code: defined here they
//! would also appear in every other binary that links this crate. Each
//! serializes [`DebugDescriptor::add`] with a lock of its own, since the
//! no_std stub cannot use std's.

use alloc::boxed::Box;
use core::cell::UnsafeCell;
use core::ptr::null_mut;

const JIT_REGISTER_FN: u32 = 1;

#[repr(C)]
struct JitCodeEntry {
    next_entry: *mut JitCodeEntry,
    prev_entry: *mut JitCodeEntry,
    symfile_addr: *const u8,
    symfile_size: u64,
}

#[repr(C)]
struct JitDescriptor {
    version: u32,
    action_flag: u32,
    relevant_entry: *mut JitCodeEntry,
    first_entry: *mut JitCodeEntry,
}

/// The descriptor a debugger reads; only [`DebugDescriptor::add`] writes it.
pub struct DebugDescriptor(UnsafeCell<JitDescriptor>);

// SAFETY: written only by `add`, whose callers serialize it; debuggers read
// it while the process is stopped.
unsafe impl Sync for DebugDescriptor {}

impl DebugDescriptor {
    pub const fn new() -> Self {
        DebugDescriptor(UnsafeCell::new(JitDescriptor {
            version: 1,
            action_flag: 0,
            relevant_entry: null_mut(),
            first_entry: null_mut(),
        }))
    }

    /// Lists the debug object at `[start, start + size)` as the one that
    /// changed; the caller then calls `__jit_debug_register_code` to tell an
    /// attached debugger.
    ///
    /// # Safety
    /// Calls on one descriptor must not overlap (hold its lock), and the
    /// object must stay valid for the rest of the process.
    pub unsafe fn add(&self, start: *const u8, size: u64) {
        let entry = Box::into_raw(Box::new(JitCodeEntry {
            next_entry: null_mut(),
            prev_entry: null_mut(),
            symfile_addr: start,
            symfile_size: size,
        }));
        // SAFETY: the caller serializes writers; `entry` is a fresh
        // allocation that the list owns from now on, and entries are never
        // freed, so every pointer in the list stays valid.
        unsafe {
            let descriptor = &mut *self.0.get();
            (*entry).next_entry = descriptor.first_entry;
            if let Some(first) = descriptor.first_entry.as_mut() {
                first.prev_entry = entry;
            }
            descriptor.first_entry = entry;
            descriptor.relevant_entry = entry;
            descriptor.action_flag = JIT_REGISTER_FN;
        }
    }
}

impl Default for DebugDescriptor {
    fn default() -> Self {
        DebugDescriptor::new()
    }
}
