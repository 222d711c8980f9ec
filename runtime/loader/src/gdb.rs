//! The GDB JIT interface: debuggers put a breakpoint on
//! `__jit_debug_register_code` and, when it is hit, read the object the
//! descriptor's relevant entry points at. They get a copy of the loaded
//! object whose section headers carry the load addresses, and relocate its
//! debug sections themselves, as for LLVM's JIT objects.

use std::ptr::{addr_of_mut, null_mut};
use std::sync::Mutex;

const JIT_REGISTER_FN: u32 = 1;

#[repr(C)]
pub struct JitCodeEntry {
    next: *mut JitCodeEntry,
    prev: *mut JitCodeEntry,
    symfile: *const u8,
    size: u64,
}

#[repr(C)]
pub struct JitDescriptor {
    version: u32,
    action: u32,
    relevant: *mut JitCodeEntry,
    first: *mut JitCodeEntry,
}

/// Read by debuggers by this name; written only under `LOCK`.
#[no_mangle]
pub static mut __jit_debug_descriptor: JitDescriptor = JitDescriptor {
    version: 1,
    action: 0,
    relevant: null_mut(),
    first: null_mut(),
};

static LOCK: Mutex<()> = Mutex::new(());

/// Debuggers break here to learn that the descriptor changed.
#[no_mangle]
#[inline(never)]
pub extern "C" fn __jit_debug_register_code() {
    // SAFETY: an empty instruction sequence; it keeps this function and the
    // calls to it from being optimized away.
    unsafe { core::arch::asm!("", options(nostack, preserves_flags)) };
}

/// Hands debuggers `object` (an ELF object whose `sh_addr` fields hold the
/// load addresses). It stays alive, and listed, for the process's life.
pub(crate) fn register(object: Vec<u8>) {
    let object = object.leak();
    let entry = Box::leak(Box::new(JitCodeEntry {
        next: null_mut(),
        prev: null_mut(),
        symfile: object.as_ptr(),
        size: object.len() as u64,
    }));
    let _guard = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let descriptor = addr_of_mut!(__jit_debug_descriptor);
    // SAFETY: the descriptor is only written under LOCK, and every entry in
    // its list is leaked, so the pointers stay valid.
    unsafe {
        entry.next = (*descriptor).first;
        if let Some(first) = entry.next.as_mut() {
            first.prev = entry;
        }
        (*descriptor).first = entry;
        (*descriptor).relevant = entry;
        (*descriptor).action = JIT_REGISTER_FN;
    }
    __jit_debug_register_code();
}
