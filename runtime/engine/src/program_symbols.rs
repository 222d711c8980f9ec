//! SymbolResolver: where lazy code finds what it refers to outside itself
//! in this process, in the order the static and dynamic linkers resolved a
//! reference of the object the code came from: that object's hidden
//! definitions (its file's symbol table: the link bound such references
//! there for good), the executable's definitions (its symbol table, which
//! every unstripped build has, so programs need no -rdynamic), the rest of
//! the global scope (dlsym), then the object's own local scope, which is
//! all a library loaded with RTLD_LOCAL can see of itself.

use crate::elf_symbols::{LoadedObject, ProgramObjects};
use autojit_abi::library;
use std::ffi::{c_void, CString};
use std::sync::Arc;

/// Resolves the references of one registered module.
pub struct SymbolResolver {
    /// The executable or shared library that registered the module.
    own_object: Arc<LoadedObject>,
    executable: Arc<LoadedObject>,
    /// dlopen handle of the shared library that registered the module; None
    /// for the executable, whose symbols are searched first anyway.
    own_handle: Option<usize>,
}

impl SymbolResolver {
    /// The resolver for a module whose descriptor is at `descriptor`.
    pub fn for_module_at(objects: &ProgramObjects, descriptor: usize) -> Self {
        let own_handle = library::handle_containing(descriptor);
        SymbolResolver {
            own_object: objects.registering(descriptor, own_handle.is_none()),
            executable: objects.executable(),
            own_handle,
        }
    }

    pub fn resolve(&self, name: &str) -> Option<usize> {
        if let Some(address) = self
            .own_object
            .hidden(name)
            .or_else(|| self.executable.global(name))
        {
            return Some(address);
        }
        let c = CString::new(name).ok()?;
        let scopes = [Some(libc::RTLD_DEFAULT as usize), self.own_handle];
        scopes.into_iter().flatten().find_map(|handle| {
            // SAFETY: dlsym with a live handle and a NUL-terminated name.
            let address = unsafe { libc::dlsym(handle as *mut c_void, c.as_ptr()) };
            (!address.is_null()).then_some(address as usize)
        })
    }

    /// Why a symbol found nowhere might still be defined where the resolver
    /// could not look, if it might.
    pub fn unsearchable(&self) -> Option<String> {
        self.own_object
            .unsearchable()
            .or_else(|| self.executable.unsearchable())
    }
}
