//! The module descriptor: what a registration constructor hands the runtime.
//!
//! The plugin emits one constant descriptor per lazified module and a
//! constructor that passes its address to `__llvm_autojit_register`.
//! Registration only records the pointer; nothing is read from disk until a
//! function of the module is first called. `include/llvm-autojit.h` documents
//! the same layout for C; `plugin/src/descriptor.rs` builds it in IR.

use core::ffi::{c_char, c_void, CStr};

/// Bumped whenever the layout below or the meaning of a field changes.
pub const ABI_VERSION: u64 = 3;

/// A definition the lazy code refers to that the dynamic linker cannot find
/// by name: hidden or protected symbols and promoted locals.
#[repr(C)]
pub struct SymbolEntry {
    pub name: *const c_char,
    pub address: *const c_void,
}

#[repr(C)]
pub struct ModuleDescriptor {
    pub abi_version: u64,
    /// Absolute path of the lazy bitcode file, named by its content hash.
    pub lazy_path: *const c_char,
    /// The source file the module was compiled from, for messages.
    pub source_path: *const c_char,
    /// What names the source the same in every checkout of it: GUIDs and
    /// the object cache's index (`plugin/src/source.rs`).
    pub source_identity: *const c_char,
    /// Content hash of the lazy file, high half first.
    pub content_hash: [u64; 2],
    pub num_functions: u64,
    /// GUIDs of the functions whose bodies the lazy file holds.
    pub guids: *const u64,
    pub num_symbols: u64,
    pub symbols: *const SymbolEntry,
    /// With `-mllvm -autojit-embed`: the lazy file, deflated, and its keys
    /// file, constants of the binary (null and 0 otherwise). `lazy_path` is
    /// then the file's name only, under which the run keeps a copy.
    pub embedded_module: *const u8,
    pub embedded_module_len: u64,
    pub embedded_keys: *const u8,
    pub embedded_keys_len: u64,
}

/// Bytes at an address of the process that registered a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProgramBytes {
    pub address: u64,
    pub len: u64,
}

/// A lazy module the binary carries (`-mllvm -autojit-embed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EmbeddedModule {
    /// The lazy file, deflated.
    pub module: ProgramBytes,
    /// Its keys file.
    pub keys: ProgramBytes,
}

/// A borrowed view of a descriptor that lives for the whole process (it is a
/// constant in the registering binary).
#[derive(Clone, Copy)]
pub struct RegisteredModule(&'static ModuleDescriptor);

// SAFETY: descriptors are immutable constants emitted by the plugin; the
// pointers inside refer to other constants of the same binary.
unsafe impl Send for RegisteredModule {}
// SAFETY: as above, nothing behind the pointers is ever written.
unsafe impl Sync for RegisteredModule {}

impl RegisteredModule {
    /// # Safety
    /// `desc` must point to a descriptor emitted by the plugin, valid for the
    /// rest of the process.
    pub unsafe fn from_raw(desc: *const ModuleDescriptor) -> Option<Self> {
        // SAFETY: the caller guarantees `desc` is null or valid forever.
        unsafe { desc.as_ref() }.map(RegisteredModule)
    }

    /// The descriptor's address, which tells in which loaded object it lives.
    pub fn as_ptr(&self) -> *const ModuleDescriptor {
        self.0
    }

    pub fn abi_version(&self) -> u64 {
        self.0.abi_version
    }

    pub fn lazy_path(&self) -> &'static str {
        cstr(self.0.lazy_path)
    }

    pub fn source_path(&self) -> &'static str {
        cstr(self.0.source_path)
    }

    pub fn source_identity(&self) -> &'static str {
        cstr(self.0.source_identity)
    }

    #[cfg(feature = "std")]
    pub fn content_hash(&self) -> crate::ContentHash {
        crate::ContentHash::from_halves(self.0.content_hash)
    }

    /// The content hash as the descriptor stores it, high half first.
    pub fn content_hash_halves(&self) -> [u64; 2] {
        self.0.content_hash
    }

    pub fn guids(&self) -> &'static [u64] {
        slice(self.0.guids, self.0.num_functions)
    }

    /// Where the binary carries the module; nothing for a descriptor of
    /// another ABI, which may not have the fields.
    pub fn embedded(&self) -> Option<EmbeddedModule> {
        let d = self.0;
        (d.abi_version == ABI_VERSION && !d.embedded_module.is_null()).then_some(EmbeddedModule {
            module: ProgramBytes {
                address: d.embedded_module as u64,
                len: d.embedded_module_len,
            },
            keys: ProgramBytes {
                address: d.embedded_keys as u64,
                len: d.embedded_keys_len,
            },
        })
    }

    pub fn symbols(&self) -> impl Iterator<Item = (&'static str, usize)> {
        slice(self.0.symbols, self.0.num_symbols)
            .iter()
            .map(|s| (cstr(s.name), s.address as usize))
    }
}

fn cstr(p: *const c_char) -> &'static str {
    if p.is_null() {
        return "";
    }
    // SAFETY: descriptor strings are NUL-terminated constants of the binary.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .unwrap_or("<non-utf8>")
}

fn slice<T>(p: *const T, len: u64) -> &'static [T] {
    if p.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: the plugin emits `len` consecutive elements at `p`.
    unsafe { core::slice::from_raw_parts(p, len as usize) }
}
