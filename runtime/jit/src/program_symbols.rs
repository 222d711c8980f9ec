//! SymbolResolver: where lazy code finds what it refers to outside itself,
//! in the order the dynamic linker would resolve a reference of the object
//! the code came from: the executable (its symbol table, which every
//! unstripped build has, so programs need no -rdynamic), the rest of the
//! global scope (dlsym), then the object's own local scope, which is all a
//! library loaded with RTLD_LOCAL can see of itself.

use object::{Object, ObjectSymbol, SymbolKind};
use std::collections::HashMap;
use std::ffi::{c_void, CString};
use std::sync::OnceLock;

/// The executable's symbols, read once for all modules.
static EXECUTABLE: OnceLock<HashMap<String, usize>> = OnceLock::new();

/// Resolves the references of one registered module.
pub struct SymbolResolver {
    /// dlopen handle of the shared library that registered the module; None
    /// for the executable, whose symbols are searched first anyway.
    own_object: Option<usize>,
}

impl SymbolResolver {
    /// The resolver for a module whose descriptor is at `descriptor`.
    pub fn for_module_at(descriptor: usize) -> Self {
        SymbolResolver {
            own_object: library_handle_containing(descriptor),
        }
    }

    pub fn resolve(&self, name: &str) -> Option<usize> {
        let executable = EXECUTABLE.get_or_init(|| executable_symbols().unwrap_or_default());
        if let Some(&address) = executable.get(name) {
            return Some(address);
        }
        let c = CString::new(name).ok()?;
        let scopes = [Some(libc::RTLD_DEFAULT as usize), self.own_object];
        scopes.into_iter().flatten().find_map(|handle| {
            // SAFETY: dlsym with a live handle and a NUL-terminated name.
            let address = unsafe { libc::dlsym(handle as *mut c_void, c.as_ptr()) };
            (!address.is_null()).then_some(address as usize)
        })
    }
}

/// A handle on the shared library mapped at `address`, or None when that is
/// the executable (or nothing loaded).
fn library_handle_containing(address: usize) -> Option<usize> {
    let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    // SAFETY: dladdr only writes `info`.
    if unsafe { libc::dladdr(address as *const c_void, info.as_mut_ptr()) } == 0 {
        return None;
    }
    // SAFETY: filled by dladdr.
    let info = unsafe { info.assume_init() };
    if info.dli_fname.is_null() || info.dli_fbase as usize == executable_mapping().1 {
        return None;
    }
    // SAFETY: RTLD_NOLOAD only returns a handle on an already loaded object,
    // which stays loaded while its code can run.
    let handle = unsafe { libc::dlopen(info.dli_fname, libc::RTLD_LAZY | libc::RTLD_NOLOAD) };
    (!handle.is_null()).then_some(handle as usize)
}

/// The executable's defined global (and weak) code and data symbols, at
/// their run-time addresses.
fn executable_symbols() -> Option<HashMap<String, usize>> {
    let data = std::fs::read("/proc/self/exe").ok()?;
    let file = object::File::parse(&*data).ok()?;
    let bias = executable_mapping().0;
    let symbols = file
        .symbols()
        .filter(|s| s.is_definition() && !s.is_local())
        .filter(|s| {
            matches!(
                s.kind(),
                SymbolKind::Text | SymbolKind::Data | SymbolKind::Unknown
            )
        })
        .filter_map(|s| Some((s.name().ok()?.to_string(), bias + s.address() as usize)))
        .collect();
    Some(symbols)
}

/// The executable's load bias (0 unless it is position independent) and its
/// base, the lowest address it is mapped at, which is what dladdr reports
/// as an object's base.
fn executable_mapping() -> (usize, usize) {
    extern "C" fn first(
        info: *mut libc::dl_phdr_info,
        _: libc::size_t,
        out: *mut c_void,
    ) -> libc::c_int {
        // SAFETY: the loader passes valid info with `dlpi_phnum` headers;
        // `out` is the pair below. The first object it reports is the
        // executable.
        unsafe {
            let info = &*info;
            let headers = std::slice::from_raw_parts(info.dlpi_phdr, info.dlpi_phnum as usize);
            let low = headers
                .iter()
                .filter(|h| h.p_type == libc::PT_LOAD)
                .map(|h| h.p_vaddr)
                .min();
            let bias = info.dlpi_addr as usize;
            *(out as *mut (usize, usize)) = (bias, bias + low.unwrap_or(0) as usize);
        }
        1
    }
    let mut mapping = (0usize, 0usize);
    // SAFETY: the callback only writes `mapping`, and stops after one object.
    unsafe {
        libc::dl_iterate_phdr(
            Some(first),
            &mut mapping as *mut (usize, usize) as *mut c_void,
        )
    };
    mapping
}
