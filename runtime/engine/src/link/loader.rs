//! LoaderLinker: maps compiled objects into this process with the runtime's
//! own loader (`autojit-loader`): no JIT session, no symbol tables to keep
//! in step, a few microseconds of bookkeeping per object. Each module's code
//! is placed near the executable or library that registered it, so that its
//! calls and references into that file are direct; the rest of what it
//! refers to resolves as the static and dynamic linkers resolved the file's
//! own references (`program_symbols.rs`), after the hidden definitions the
//! module's descriptor carries.

use super::trampolines::Trampolines;
use super::{missing_symbols, DirectCalls, LinkError, Linker};
use crate::elf_symbols::ProgramObjects;
use crate::program_symbols::SymbolResolver;
use crate::registry::{ModuleId, Registration, SymbolScope};
use autojit_abi::fast_map::FastMap;
use autojit_abi::names;
use autojit_loader::{CallTarget, LoadError, Loader, ObjectImage, Resolve};
use autojit_protocol::autojit::Publication;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct LoaderLinker {
    /// The program's executable and libraries, as files.
    objects: ProgramObjects,
    modules: FastMap<ModuleId, ModuleLoader>,
}

/// Where one module's objects go and how their symbols resolve.
struct ModuleLoader {
    loader: Loader,
    hidden: FastMap<String, usize>,
    resolver: SymbolResolver,
}

impl LoaderLinker {
    pub fn new() -> Self {
        LoaderLinker {
            objects: ProgramObjects::new(Some(std::process::id()), true),
            modules: FastMap::default(),
        }
    }

    fn module(&mut self, id: ModuleId, module: &Registration) -> Result<&mut ModuleLoader, String> {
        let SymbolScope::ThisProcess { descriptor } = module.scope else {
            return Err("a remote program's objects cannot be loaded into this process".into());
        };
        let objects = &self.objects;
        Ok(self.modules.entry(id).or_insert_with(|| ModuleLoader {
            loader: Loader::new(descriptor),
            hidden: module.symbols.iter().cloned().collect(),
            resolver: SymbolResolver::for_module_at(objects, descriptor),
        }))
    }
}

impl Linker for LoaderLinker {
    fn link(
        &mut self,
        id: ModuleId,
        module: &Registration,
        object: ObjectImage,
        _members: &[u64],
        live: &[u64],
        direct: DirectCalls<'_>,
    ) -> Result<Vec<usize>, LinkError> {
        let m = self.module(id, module)?;
        let mut symbols = ModuleSymbols {
            hidden: &m.hidden,
            resolver: &m.resolver,
            trampolines: Trampolines::of_this_process(),
            direct,
            live,
        };
        let loaded = m.loader.load(object, &mut symbols).map_err(|e| match e {
            LoadError::Undefined(names) => missing_symbols(names, m.resolver.unsearchable()),
            other => LinkError::Other(other.to_string()),
        })?;
        live.iter()
            .map(|&guid| {
                let body = names::body_name(guid);
                loaded
                    .symbol(&body)
                    .ok_or_else(|| LinkError::Other(format!("the object does not define {body}")))
            })
            .collect()
    }

    /// Nothing to forget: each object's symbols are its own.
    fn forget(&mut self, _id: ModuleId) {}

    fn publish(&mut self, publications: &[Publication]) -> Result<(), String> {
        for p in publications {
            // SAFETY: `record` is the record of a trampoline, as the
            // resolver reported it: an aligned, writable word of a loaded
            // file, which the resolver and the trampolines read atomically.
            let record = unsafe { AtomicUsize::from_ptr(p.record as usize as *mut usize) };
            record.store(p.body as usize, Ordering::Release);
        }
        Ok(())
    }
}

/// What one module's object refers to: the hidden definitions its
/// descriptor carries, then what the module's file sees; calls to a lazy
/// function go to its body when the engine has it or this object holds it.
struct ModuleSymbols<'a> {
    hidden: &'a FastMap<String, usize>,
    resolver: &'a SymbolResolver,
    trampolines: Trampolines,
    direct: DirectCalls<'a>,
    live: &'a [u64],
}

impl Resolve for ModuleSymbols<'_> {
    fn address(&mut self, name: &str) -> Option<usize> {
        self.hidden
            .get(name)
            .copied()
            .or_else(|| self.resolver.resolve(name))
    }

    fn call_target(&mut self, address: usize) -> Option<CallTarget> {
        let DirectCalls::ToBodies(bodies) = self.direct else {
            return None;
        };
        let guid = self.trampolines.guid(address)?;
        match bodies(guid) {
            Some(body) => Some(CallTarget::Address(body)),
            None => self
                .live
                .contains(&guid)
                .then(|| CallTarget::Defined(names::body_name(guid))),
        }
    }
}
