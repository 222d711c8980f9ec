//! The GDB JIT interface: debuggers set a breakpoint on
//! `__jit_debug_register_code` and read `__jit_debug_descriptor` to find
//! the debug objects of JIT'd code.

use alloc::boxed::Box;
use autojit_frontend::lock::ReentrantLock;
use core::cell::UnsafeCell;

const JIT_REGISTER_FN: u32 = 1;

#[repr(C)]
pub struct JitCodeEntry {
    next_entry: *mut JitCodeEntry,
    prev_entry: *mut JitCodeEntry,
    symfile_addr: *const u8,
    symfile_size: u64,
}

#[repr(C)]
pub struct JitDescriptor {
    version: u32,
    action_flag: u32,
    relevant_entry: *mut JitCodeEntry,
    first_entry: *mut JitCodeEntry,
}

/// The descriptor a debugger reads; only [`register`] writes it.
pub struct DebugDescriptor(UnsafeCell<JitDescriptor>);

// SAFETY: written only under DESCRIPTOR_LOCK; debuggers read it while the
// process is stopped.
unsafe impl Sync for DebugDescriptor {}

#[no_mangle]
#[used]
pub static __jit_debug_descriptor: DebugDescriptor =
    DebugDescriptor(UnsafeCell::new(JitDescriptor {
        version: 1,
        action_flag: 0,
        relevant_entry: core::ptr::null_mut(),
        first_entry: core::ptr::null_mut(),
    }));

static DESCRIPTOR_LOCK: ReentrantLock = ReentrantLock::new();

/// Debuggers break here; it must stay a real call.
#[no_mangle]
#[inline(never)]
pub extern "C" fn __jit_debug_register_code() {
    // SAFETY: an empty asm statement: a side effect the optimizer keeps.
    unsafe { core::arch::asm!("", options(nostack, preserves_flags)) };
}

/// Announces the debug object at `[start, start + size)` (kept until the
/// process ends), and with `notify` tells an attached debugger at once.
pub fn register(start: u64, size: u64, notify: bool) {
    let entry = Box::into_raw(Box::new(JitCodeEntry {
        next_entry: core::ptr::null_mut(),
        prev_entry: core::ptr::null_mut(),
        symfile_addr: start as *const u8,
        symfile_size: size,
    }));
    let _guard = DESCRIPTOR_LOCK.lock();
    // SAFETY: the lock is held; `entry` is a fresh allocation that the list
    // owns from now on.
    unsafe {
        let descriptor = &mut *__jit_debug_descriptor.0.get();
        (*entry).next_entry = descriptor.first_entry;
        if let Some(first) = descriptor.first_entry.as_mut() {
            first.prev_entry = entry;
        }
        descriptor.first_entry = entry;
        descriptor.relevant_entry = entry;
        descriptor.action_flag = JIT_REGISTER_FN;
    }
    if notify {
        __jit_debug_register_code();
    }
}
