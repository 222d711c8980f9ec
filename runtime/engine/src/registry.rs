//! Registered modules and the GUID index over them.
//!
//! Registration runs in constructors and must stay cheap: a descriptor of
//! this process is only recorded, and read (copied into a `Registration`)
//! by the first materialization that needs it. The index from GUID to
//! module is built then too, and extended for modules registered later
//! (dlopen).

use crate::error::{Error, ErrorKind};
use autojit_abi::fast_map::{FastMap, FastSet};
use autojit_abi::{ContentHash, EmbeddedModule, RegisteredModule};
use autojit_protocol::autojit::ModuleRegistration;
use std::sync::Arc;

/// One lazy module, as its descriptor describes it, wherever the program
/// that registered it runs.
#[derive(Debug, Clone)]
pub struct Registration {
    pub abi_version: u64,
    /// The lazy file's path; for a module the binary carries, its name
    /// until the engine copies it out (`embedded.rs`).
    pub lazy_path: String,
    /// Where the binary carries the module (`-mllvm -autojit-embed`).
    pub embedded: Option<EmbeddedModule>,
    pub source_path: String,
    /// Names the source in the object cache's index.
    pub source_identity: String,
    pub content_hash: ContentHash,
    pub guids: Vec<u64>,
    /// Hidden definitions the lazy code refers to, at their addresses.
    pub symbols: Vec<(String, usize)>,
    pub scope: SymbolScope,
}

/// A module a remote program registered (its front end checked the
/// descriptor's ABI version before registering it).
impl From<ModuleRegistration> for Registration {
    fn from(m: ModuleRegistration) -> Self {
        Registration {
            abi_version: autojit_abi::ABI_VERSION,
            lazy_path: m.lazy_path,
            // Read from the descriptor when needed (`embedded.rs`).
            embedded: None,
            source_path: m.source_path,
            source_identity: m.source_identity,
            content_hash: ContentHash::from_halves(m.content_hash),
            guids: m.guids,
            // Addresses in the program, which runs on this process's own
            // architecture (autojitd checks the program's setup message).
            symbols: m
                .symbols
                .into_iter()
                .map(|(name, address)| (name, address as usize))
                .collect(),
            scope: SymbolScope::Remote {
                library: m.library,
                descriptor: m.descriptor as usize,
            },
        }
    }
}

/// Where the rest of what lazy code refers to is found.
#[derive(Debug, Clone, Copy)]
pub enum SymbolScope {
    /// This process, as seen from the object whose descriptor is at
    /// `descriptor`.
    ThisProcess { descriptor: usize },
    /// The process behind a remote session: the hidden definitions of the
    /// object holding the descriptor at `descriptor` (an address in that
    /// process), its global scope, then the library behind dylib-manager
    /// handle `library` (0: the executable).
    Remote { library: u64, descriptor: usize },
}

impl Registration {
    /// A failure of function `guid` of this module, naming its lazy file and
    /// source.
    pub fn failure(&self, guid: u64, kind: ErrorKind) -> Error {
        Error {
            guid,
            function: None,
            lazy_file: Some(self.lazy_path.clone()),
            source: Some(self.source_path.clone()),
            kind,
        }
    }

    /// A failure of function `guid`, named `name` in its source, of this
    /// module.
    pub fn named_failure(&self, guid: u64, name: &str, kind: ErrorKind) -> Error {
        Error {
            function: Some(name.to_string()),
            ..self.failure(guid, kind)
        }
    }
}

impl From<RegisteredModule> for Registration {
    fn from(m: RegisteredModule) -> Self {
        Registration {
            abi_version: m.abi_version(),
            lazy_path: m.lazy_path().to_string(),
            embedded: m.embedded(),
            source_path: m.source_path().to_string(),
            source_identity: m.source_identity().to_string(),
            content_hash: m.content_hash(),
            guids: m.guids().to_vec(),
            symbols: m.symbols().map(|(n, a)| (n.to_string(), a)).collect(),
            scope: SymbolScope::ThisProcess {
                descriptor: m.as_ptr() as usize,
            },
        }
    }
}

#[derive(Default)]
pub struct Registry {
    /// Descriptors of this process not read yet; they follow `modules` in
    /// registration order.
    unread: Vec<RegisteredModule>,
    /// The address of every descriptor recorded.
    descriptors: FastSet<usize>,
    modules: Vec<Arc<Registration>>,
    index: FastMap<u64, usize>,
    indexed: usize,
    /// The first module indexed of each source identity.
    identities: FastMap<String, ModuleId>,
    /// Modules whose identity another module's source has too, each with
    /// one of those.
    clashes: FastMap<ModuleId, ModuleId>,
}

/// Position of a module in registration order.
pub type ModuleId = usize;

impl Registry {
    pub fn register(&mut self, module: Registration) {
        self.read_descriptors();
        self.modules.push(Arc::new(module));
    }

    /// Records a descriptor of this process, to be read on first need. A
    /// descriptor given again (the front end gives them all again after a
    /// fork or exit) is the module already recorded.
    pub fn register_descriptor(&mut self, module: RegisteredModule) {
        if self.descriptors.insert(module.as_ptr() as usize) {
            self.unread.push(module);
        }
    }

    fn read_descriptors(&mut self) {
        for module in self.unread.drain(..) {
            self.modules.push(Arc::new(module.into()));
        }
    }

    /// Module `id`, now read from its copy at `lazy_path`.
    pub fn copied_out(&mut self, id: ModuleId, lazy_path: String) -> Arc<Registration> {
        let copied = Arc::new(Registration {
            lazy_path,
            embedded: None,
            ..(*self.modules[id]).clone()
        });
        self.modules[id] = Arc::clone(&copied);
        copied
    }

    /// The source identity of every module registered.
    pub fn source_identities(&mut self) -> impl Iterator<Item = &str> {
        self.read_descriptors();
        self.modules.iter().map(|m| m.source_identity.as_str())
    }

    /// The failure of a call of `guid` if its module's source has the
    /// identity of another module's (two checkouts' files with one path
    /// from their roots): their functions' GUIDs are the same, and which
    /// body a call wants cannot be told. Only a program with such modules
    /// looks `guid` up.
    pub fn clash(&mut self, guid: u64) -> Option<Error> {
        self.index_new_modules();
        if self.clashes.is_empty() {
            return None;
        }
        let id = *self.index.get(&guid)?;
        let other = &self.modules[*self.clashes.get(&id)?].source_path;
        Some(self.modules[id].failure(guid, ErrorKind::NameClash(other.clone())))
    }

    /// The module that defines `guid`. A link-once function is defined by
    /// every module that uses it; the first registered one wins, so all
    /// callers share one body.
    pub fn find(&mut self, guid: u64) -> Option<(ModuleId, Arc<Registration>)> {
        self.index_new_modules();
        self.index
            .get(&guid)
            .map(|&id| (id, Arc::clone(&self.modules[id])))
    }

    /// Reads the descriptors not read yet, and indexes the modules not
    /// indexed yet: their GUIDs, and the identities of their sources.
    fn index_new_modules(&mut self) {
        self.read_descriptors();
        for (id, module) in self.modules.iter().enumerate().skip(self.indexed) {
            for &g in &module.guids {
                self.index.entry(g).or_insert(id);
            }
            let first = *self
                .identities
                .entry(module.source_identity.clone())
                .or_insert(id);
            if self.modules[first].source_path != module.source_path {
                self.clashes.insert(id, first);
                self.clashes.entry(first).or_insert(id);
            }
        }
        self.indexed = self.modules.len();
    }
}
