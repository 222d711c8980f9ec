//! Which shared library registered a module: lazy code looks up symbols in
//! that library's own scope too, all a library loaded `RTLD_LOCAL` sees of
//! itself.

/// A `dlopen` handle on the shared library mapped at `address`; None when
/// the executable (or nothing loaded) holds it.
pub fn handle_containing(address: usize) -> Option<usize> {
    /// dladdr1's request for the object's link map (glibc's dlfcn.h).
    const RTLD_DL_LINKMAP: i32 = 2;
    /// The leading fields of glibc's `struct link_map`.
    #[repr(C)]
    struct LinkMap {
        l_addr: usize,
        l_name: *const libc::c_char,
    }
    let mut info = core::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    let mut map: *mut LinkMap = core::ptr::null_mut();
    // The link map's name, not dladdr's `dli_fname`: for the executable
    // that is argv[0], which names no loaded library; the link map's is "".
    // SAFETY: dladdr1 with RTLD_DL_LINKMAP writes `info` and a link_map
    // pointer owned by the loader.
    let found = unsafe {
        libc::dladdr1(
            address as *const libc::c_void,
            info.as_mut_ptr(),
            (&mut map as *mut *mut LinkMap).cast(),
            RTLD_DL_LINKMAP,
        )
    } != 0;
    if !found || map.is_null() {
        return None;
    }
    // SAFETY: set by a successful dladdr1: the loader's NUL-terminated name.
    let name = unsafe { (*map).l_name };
    // SAFETY: as above; the first byte exists in any C string.
    if name.is_null() || unsafe { *name } == 0 {
        return None;
    }
    // SAFETY: RTLD_NOLOAD only finds the already loaded library, which stays
    // loaded while its code can run.
    let handle = unsafe { libc::dlopen(name, libc::RTLD_LAZY | libc::RTLD_NOLOAD) };
    (!handle.is_null()).then_some(handle as usize)
}
