//! The GDB JIT interface's two names in a remote program
//! (`autojit_abi::gdb_jit` holds its records): debuggers set a breakpoint on
//! `__jit_debug_register_code` and read `__jit_debug_descriptor` to find the
//! debug objects of JIT'd code.

use autojit_abi::gdb_jit::DebugDescriptor;
use autojit_frontend::lock::ReentrantLock;

#[no_mangle]
#[used]
pub static __jit_debug_descriptor: DebugDescriptor = DebugDescriptor::new();

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
    // Held until the debugger has read the entry: it reads the latest.
    let _guard = DESCRIPTOR_LOCK.lock();
    // SAFETY: the lock serializes writers; autojitd's debug objects stay in
    // the program's memory until it ends.
    unsafe { __jit_debug_descriptor.add(start as *const u8, size) };
    if notify {
        __jit_debug_register_code();
    }
}
