//! SymbolResolver: where lazy code finds what it refers to outside itself.
//!
//! The program's own functions and globals come from the executable's symbol
//! table, which every unstripped build has, so programs need no -rdynamic;
//! everything else comes from the dynamic linker (dlsym). The executable is
//! searched first, as the dynamic linker's global scope does.

use object::{Object, ObjectSymbol, SymbolKind};
use std::collections::HashMap;
use std::ffi::{c_void, CString};
use std::sync::OnceLock;

#[derive(Default)]
pub struct SymbolResolver {
    executable: OnceLock<HashMap<String, usize>>,
}

impl SymbolResolver {
    pub fn resolve(&self, name: &str) -> Option<usize> {
        let executable = self
            .executable
            .get_or_init(|| executable_symbols().unwrap_or_default());
        if let Some(&address) = executable.get(name) {
            return Some(address);
        }
        let c = CString::new(name).ok()?;
        // SAFETY: dlsym with the default handle and a NUL-terminated name.
        let address = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) };
        (!address.is_null()).then_some(address as usize)
    }
}

/// The executable's defined global (and weak) code and data symbols, at
/// their run-time addresses.
fn executable_symbols() -> Option<HashMap<String, usize>> {
    let data = std::fs::read("/proc/self/exe").ok()?;
    let file = object::File::parse(&*data).ok()?;
    let bias = executable_load_bias();
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

/// The executable's load bias: 0 unless it is position independent.
fn executable_load_bias() -> usize {
    extern "C" fn first(
        info: *mut libc::dl_phdr_info,
        _: libc::size_t,
        out: *mut c_void,
    ) -> libc::c_int {
        // SAFETY: the loader passes valid info; `out` is the usize below. The
        // first object it reports is the executable.
        unsafe { *(out as *mut usize) = (*info).dlpi_addr as usize };
        1
    }
    let mut bias = 0usize;
    // SAFETY: the callback only writes `bias`, and stops after one object.
    unsafe { libc::dl_iterate_phdr(Some(first), &mut bias as *mut usize as *mut c_void) };
    bias
}
