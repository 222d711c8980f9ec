//! The GDB JIT interface's two names in this process (`autojit_abi::gdb_jit`
//! holds its records): debuggers put a breakpoint on
//! `__jit_debug_register_code` and, when it is hit, read the object the
//! descriptor's relevant entry points at. They get a copy of the loaded
//! object whose section headers carry the load addresses, and relocate its
//! debug sections themselves, as for LLVM's JIT objects.

use autojit_abi::gdb_jit::DebugDescriptor;
use std::sync::Mutex;

/// Read by debuggers by this name; written only under `LOCK`.
#[no_mangle]
pub static __jit_debug_descriptor: DebugDescriptor = DebugDescriptor::new();

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
pub(crate) fn register(object: &'static [u8]) {
    // Held until the debugger has read the entry: it reads the latest.
    let _guard = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // SAFETY: the lock serializes writers; the object is leaked.
    unsafe { __jit_debug_descriptor.add(object.as_ptr(), object.len() as u64) };
    __jit_debug_register_code();
}
