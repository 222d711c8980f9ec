//! libautojit-runtime.so: the two entry points of `include/llvm-autojit.h`,
//! backed by the engine running inside the program.
//!
//! This is the outermost layer: engine errors are printed here, on one line,
//! and end the program with a non-zero status.

use autojit_abi::{env, ModuleDescriptor, RegisteredModule};
use autojit_jit::Engine;
use std::ffi::c_void;
use std::sync::{LazyLock, Once};

const PREFIX: &str = "[autojit-runtime]";
const EXIT_STATUS: i32 = 1;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::new(PREFIX));
static STATS_AT_EXIT: Once = Once::new();

extern "C" fn print_stats() {
    eprintln!("{PREFIX} {}", ENGINE.stats.summary());
}

/// Records a lazy module; reads nothing from disk.
///
/// # Safety
/// `module` must be a descriptor emitted by the autojit plugin.
#[no_mangle]
pub unsafe extern "C" fn __llvm_autojit_register(module: *const ModuleDescriptor) {
    // SAFETY: the plugin passes a constant descriptor that lives as long as
    // the binary that contains it.
    let Some(module) = (unsafe { RegisteredModule::from_raw(module) }) else {
        fail(
            "__llvm_autojit_register called with a null module descriptor; rebuild the program"
                .into(),
        );
    };
    STATS_AT_EXIT.call_once(|| {
        if env::flag(env::STATS) {
            // SAFETY: print_stats is a plain extern "C" fn with no arguments.
            unsafe { libc::atexit(print_stats) };
        }
    });
    ENGINE.register(module);
}

/// Compiles the function whose GUID `*guid_in_addr_out` holds and replaces
/// it with the function's address.
///
/// # Safety
/// `guid_in_addr_out` must point to a writable pointer-sized slot.
#[no_mangle]
pub unsafe extern "C" fn __llvm_autojit_materialize(guid_in_addr_out: *mut *mut c_void) {
    // SAFETY: the static frame passes its stack temporary holding the GUID.
    let guid = unsafe { *guid_in_addr_out } as u64;
    match ENGINE.materialize(guid) {
        // SAFETY: as above; the frame reads the address back after we return.
        Ok(address) => unsafe { *guid_in_addr_out = address as *mut c_void },
        Err(mut e) => {
            if e.function.is_none() {
                e.function = calling_function();
            }
            fail(e.to_string())
        }
    }
}

fn fail(msg: String) -> ! {
    eprintln!("{PREFIX} {msg}");
    std::process::exit(EXIT_STATUS)
}

/// The name of the static frame that called `__llvm_autojit_materialize`,
/// for messages about functions whose lazy module cannot be read: the first
/// frame on the stack outside this library.
fn calling_function() -> Option<String> {
    let own = containing_object(__llvm_autojit_materialize as *const c_void)?;
    let mut caller = None;
    backtrace::trace(|frame| {
        if containing_object(frame.ip()) == Some(own) {
            return true;
        }
        backtrace::resolve_frame(frame, |symbol| {
            if caller.is_none() {
                caller = symbol.name().map(|n| n.to_string());
            }
        });
        false
    });
    caller
}

/// Base address of the loaded object that contains `address`.
fn containing_object(address: *const c_void) -> Option<usize> {
    let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    // SAFETY: dladdr only writes `info`; any address may be queried.
    let found = unsafe { libc::dladdr(address, info.as_mut_ptr()) } != 0;
    // SAFETY: dladdr filled `info` when it returned non-zero.
    found.then(|| unsafe { info.assume_init() }.dli_fbase as usize)
}
