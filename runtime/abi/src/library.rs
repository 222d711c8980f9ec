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

/// One loadable segment of an object loaded in this process.
pub struct Segment<'a> {
    /// The object's path as the dynamic loader knows it (empty for the
    /// executable).
    pub path: &'a [u8],
    pub start: usize,
    pub end: usize,
    /// `PF_R`, `PF_W` and `PF_X`.
    pub flags: u32,
}

/// Shows `visit` every loadable segment of every object loaded in this
/// process, until it returns false.
pub fn visit_segments(visit: &mut dyn FnMut(&Segment) -> bool) {
    extern "C" fn each_object(
        info: *mut libc::dl_phdr_info,
        _: libc::size_t,
        data: *mut libc::c_void,
    ) -> libc::c_int {
        // SAFETY: the loader passes valid info; `data` is the visitor below.
        let (info, visit) = unsafe {
            (
                &*info,
                &mut *(data as *mut &mut dyn FnMut(&Segment) -> bool),
            )
        };
        if info.dlpi_phdr.is_null() {
            return 0;
        }
        let path = if info.dlpi_name.is_null() {
            &[][..]
        } else {
            // SAFETY: a NUL-terminated path owned by the loader.
            unsafe { core::ffi::CStr::from_ptr(info.dlpi_name) }.to_bytes()
        };
        // SAFETY: the loader describes `dlpi_phnum` program headers.
        let headers =
            unsafe { core::slice::from_raw_parts(info.dlpi_phdr, info.dlpi_phnum as usize) };
        for h in headers.iter().filter(|h| h.p_type == libc::PT_LOAD) {
            let start = (info.dlpi_addr as usize).wrapping_add(h.p_vaddr as usize);
            let segment = Segment {
                path,
                start,
                end: start.saturating_add(h.p_memsz as usize),
                flags: h.p_flags,
            };
            if !visit(&segment) {
                return 1;
            }
        }
        0
    }
    let mut visit = visit;
    // SAFETY: the callback only reads the loader's data and calls `visit`.
    unsafe {
        libc::dl_iterate_phdr(
            Some(each_object),
            &mut visit as *mut &mut dyn FnMut(&Segment) -> bool as *mut libc::c_void,
        )
    };
}
