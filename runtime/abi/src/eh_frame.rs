//! EH-frame registration: the unwinders of the process learn about the
//! `.eh_frame` sections of JIT'd code, so exceptions pass through it. The
//! stub registers what autojitd links into the program; the in-process
//! engine's object linking layer calls this through a C callback.
//!
//! libgcc's `__register_frame` takes a whole section; LLVM's libunwind
//! takes single FDEs under that name and whole sections under
//! `__unw_add_dynamic_eh_frame_section`. A program may have both (libc++
//! with libgcc_s loaded by another library), so the section is registered
//! with every unwinder present, each through its whole-section entry point.

use alloc::string::String;

type FrameFn = unsafe extern "C" fn(*const u8);

struct Unwinders {
    gcc: Option<(FrameFn, FrameFn)>,
    libunwind: Option<(FrameFn, FrameFn)>,
}

fn symbol(handle: *mut libc::c_void, name: &core::ffi::CStr) -> Option<FrameFn> {
    // SAFETY: dlsym on a valid handle or RTLD_DEFAULT.
    let address = unsafe { libc::dlsym(handle, name.as_ptr()) };
    // SAFETY: both unwinders define these names with this signature.
    (!address.is_null())
        .then(|| unsafe { core::mem::transmute::<*mut libc::c_void, FrameFn>(address) })
}

fn pair(
    handle: *mut libc::c_void,
    add: &core::ffi::CStr,
    remove: &core::ffi::CStr,
) -> Option<(FrameFn, FrameFn)> {
    Some((symbol(handle, add)?, symbol(handle, remove)?))
}

fn unwinders() -> Unwinders {
    let libunwind = pair(
        libc::RTLD_DEFAULT,
        c"__unw_add_dynamic_eh_frame_section",
        c"__unw_remove_dynamic_eh_frame_section",
    );
    let gcc_library = |flags| {
        // SAFETY: dlopen of a system library by its soname.
        unsafe { libc::dlopen(c"libgcc_s.so.1".as_ptr(), flags) }
    };
    let mut gcc = None;
    let loaded = gcc_library(libc::RTLD_NOW | libc::RTLD_NOLOAD);
    if !loaded.is_null() {
        gcc = pair(loaded, c"__register_frame", c"__deregister_frame");
    }
    // Without libunwind, the global __register_frame is libgcc's (static
    // libgcc_eh); with it, that name could be libunwind's single-FDE one.
    if gcc.is_none() && libunwind.is_none() {
        gcc = pair(
            libc::RTLD_DEFAULT,
            c"__register_frame",
            c"__deregister_frame",
        );
    }
    if gcc.is_none() && libunwind.is_none() {
        let opened = gcc_library(libc::RTLD_NOW);
        if !opened.is_null() {
            gcc = pair(opened, c"__register_frame", c"__deregister_frame");
        }
    }
    Unwinders { gcc, libunwind }
}

/// The unwinders, looked up on first use: every function registers its
/// frames, and each lookup would take the dynamic loader's lock again.
fn cached_unwinders() -> Unwinders {
    use core::sync::atomic::{AtomicUsize, Ordering};
    // gcc add, gcc remove, libunwind add, libunwind remove; 1 in the first
    // slot until looked up (no function lives at address 1).
    static FUNCTIONS: [AtomicUsize; 4] = [const { AtomicUsize::new(1) }; 4];
    let load = |i: usize| FUNCTIONS[i].load(Ordering::Acquire);
    if load(0) == 1 {
        let found = unwinders();
        let addresses =
            |p: Option<(FrameFn, FrameFn)>| p.map_or((0, 0), |(a, r)| (a as usize, r as usize));
        let (gcc, libunwind) = (addresses(found.gcc), addresses(found.libunwind));
        FUNCTIONS[1].store(gcc.1, Ordering::Release);
        FUNCTIONS[2].store(libunwind.0, Ordering::Release);
        FUNCTIONS[3].store(libunwind.1, Ordering::Release);
        // The first slot last: it says the others are set.
        FUNCTIONS[0].store(gcc.0, Ordering::Release);
    }
    let function = |i: usize| {
        // SAFETY: each slot holds 0 or the address of a FrameFn found above.
        (load(i) != 0).then(|| unsafe { core::mem::transmute::<usize, FrameFn>(load(i)) })
    };
    let pair = |i: usize| function(i).zip(function(i + 1));
    Unwinders {
        gcc: pair(0),
        libunwind: pair(2),
    }
}

/// Registers (or with `add` false, deregisters) the section at `start`.
///
/// # Safety
/// `start` must be a null-terminated `.eh_frame` section in finalized JIT
/// memory (the stub checks the daemon's address against what it reserved).
pub unsafe fn register(start: u64, add: bool) -> Result<(), String> {
    let Unwinders { gcc, libunwind } = cached_unwinders();
    if gcc.is_none() && libunwind.is_none() {
        return Err("no unwinder to register EH frames with".into());
    }
    for (register, deregister) in [gcc, libunwind].into_iter().flatten() {
        let f = if add { register } else { deregister };
        // SAFETY: the caller's promise; both unwinders expect such a section.
        unsafe { f(start as *const u8) };
    }
    Ok(())
}
