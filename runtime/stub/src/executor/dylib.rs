//! The dylib manager: opens libraries with dlopen and looks symbols up with
//! dlsym, on handles this executor issued only.

use super::Violation;
use crate::sys;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

#[derive(Default)]
pub struct Dylibs {
    issued: Vec<u64>,
}

impl Dylibs {
    /// Accepts `handle` in later lookups (the registrations' libraries).
    pub fn issue(&mut self, handle: u64) {
        if handle != 0 && !self.issued.contains(&handle) {
            self.issued.push(handle);
        }
    }

    /// Opens `path` (empty: the program itself); the handle or dlerror.
    pub fn open(&mut self, path: &str) -> Result<u64, String> {
        let c_path = sys::c_string(path);
        let name = if path.is_empty() {
            core::ptr::null()
        } else {
            c_path.as_ptr().cast()
        };
        // SAFETY: `name` is null or NUL-terminated. RTLD_GLOBAL, as LLVM's
        // executor does: JIT'd code may refer to what the library defines.
        let handle = unsafe { libc::dlopen(name, libc::RTLD_LAZY | libc::RTLD_GLOBAL) };
        if handle.is_null() {
            return Err(dl_error(path));
        }
        self.issue(handle as u64);
        Ok(handle as u64)
    }

    /// The address of each symbol (0 for a missing optional one), or the
    /// first missing required one as an error.
    pub fn lookup(
        &self,
        handle: u64,
        symbols: &[(String, bool)],
    ) -> Result<Result<Vec<u64>, String>, Violation> {
        if !self.issued.contains(&handle) {
            return Err(format!(
                "dylib lookup: handle 0x{handle:x} was not issued by this executor"
            ));
        }
        let mut addresses = Vec::with_capacity(symbols.len());
        for (name, required) in symbols {
            let c_name = sys::c_string(name);
            // SAFETY: `handle` came from dlopen and libraries are never
            // closed; the name is NUL-terminated.
            let address =
                unsafe { libc::dlsym(handle as *mut libc::c_void, c_name.as_ptr().cast()) };
            if address.is_null() && *required {
                return Ok(Err(format!("Missing definition for {name}")));
            }
            addresses.push(address as u64);
        }
        Ok(Ok(addresses))
    }
}

fn dl_error(path: &str) -> String {
    // SAFETY: dlerror returns null or a NUL-terminated message.
    let message = unsafe { sys::cstr(libc::dlerror()) }.unwrap_or("unknown error");
    format!("cannot open {path}: {message}")
}
