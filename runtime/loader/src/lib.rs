//! Loads x86-64 ELF relocatable objects into the running process.
//!
//! A warm run finds its lazily compiled functions in the object cache;
//! mapping those objects needs no compiler, so this loader does it without
//! loading LLVM: it places an object's sections near the program, resolves
//! its symbols, applies its relocations, protects its memory, and tells the
//! unwinders (`.eh_frame`) and debuggers (the GDB JIT interface) about it.
//!
//! It handles what LLVM's code generator emits for PIC, small code model
//! objects with function and data sections. Thread-local storage is not
//! supported; static constructors (`.init_array`) are loaded, not run.

mod elf;
mod gdb;
mod image;
mod memory;
mod relocate;
mod symbols;

use autojit_abi::fast_map::FastMap;
use std::fmt;

pub use elf::{undefined_symbols, Reference};
pub use image::ObjectImage;
use memory::{Layout, Mapping};
use relocate::Slots;
use symbols::Target;

/// What an object's undefined symbols stand for, for `Loader::load`. A
/// closure from name to address is one whose calls go where its symbols
/// are.
pub trait Resolve {
    /// The address of `name`; None if nothing defines it.
    fn address(&mut self, name: &str) -> Option<usize>;

    /// Where calls to the symbol found at `address` may go instead, because
    /// the code there only jumps on (a lazy function's trampoline whose
    /// body is known); None: to `address`. References that take the
    /// symbol's address keep `address`.
    fn call_target(&mut self, _address: usize) -> Option<CallTarget> {
        None
    }
}

impl<F: FnMut(&str) -> Option<usize>> Resolve for F {
    fn address(&mut self, name: &str) -> Option<usize> {
        self(name)
    }
}

/// Where a call goes instead of its symbol's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallTarget {
    Address(usize),
    /// A global definition of the object being loaded.
    Defined(String),
}

/// Why an object could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// Not a well-formed ELF object.
    Malformed(String),
    /// Well-formed, but using something this loader does not do.
    Unsupported(String),
    /// Symbols neither the object nor the resolver defines.
    Undefined(Vec<String>),
    /// The memory could not be mapped or protected.
    Memory(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Malformed(why) => write!(f, "malformed object: {why}"),
            LoadError::Unsupported(why) => write!(f, "unsupported object: {why}"),
            LoadError::Undefined(names) => write!(f, "undefined symbols: {}", names.join(", ")),
            LoadError::Memory(why) => write!(f, "memory: {why}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// Loads objects into this process; they stay mapped for its life.
pub struct Loader {
    near: usize,
    /// Weak definitions earlier loads made public, so that link-once code
    /// (C++ inline functions, `__clang_call_terminate`) has one copy.
    shared: FastMap<String, usize>,
}

/// What one load defined.
pub struct LoadedObject {
    symbols: FastMap<String, usize>,
    sections: Vec<(String, usize, usize)>,
}

impl Loader {
    /// Code is placed within ±2 GiB of `near` when the address space allows
    /// (the program or library the code calls into), so calls and
    /// PC-relative references to it need no call thunk. With `near` 0,
    /// anywhere.
    pub fn new(near: usize) -> Self {
        Loader {
            near,
            shared: FastMap::default(),
        }
    }

    /// Maps, relocates and protects `object`; `resolve` finds each undefined
    /// symbol (`None`: undefined; a weak undefined symbol then resolves to
    /// 0) and where calls to it go. Registers its `.eh_frame` with the
    /// process's unwinders and hands the image to debuggers, which keep it,
    /// and returns its global definitions.
    pub fn load(
        &mut self,
        image: ObjectImage,
        resolve: &mut dyn Resolve,
    ) -> Result<LoadedObject, LoadError> {
        let object = image.bytes();
        let copy;
        let data = if object.as_ptr().align_offset(8) == 0 {
            object
        } else {
            copy = AlignedCopy::new(object);
            copy.bytes()
        };
        let parsed = elf::parse(data)?;
        let targets = symbols::resolve(&parsed, &self.shared, resolve)?;
        let slots = Slots::plan(&parsed, &targets);
        let layout = Layout::new(&parsed.sections, slots.thunks.len(), slots.got.len())?;
        let size = layout.size as usize;
        let mut mapping = Mapping::near(self.near, size, layout.align as usize)?;
        let base = mapping.base();
        place(&parsed, &layout, mapping.bytes());
        relocate::apply(
            &parsed,
            &targets,
            &slots,
            &layout,
            mapping.bytes(),
            base as u64,
        )?;
        mapping.finish(&layout)?;
        let addresses: Vec<u64> = layout.sections.iter().map(|&o| base as u64 + o).collect();
        register_unwind(&parsed, &addresses);
        let loaded = LoadedObject::new(&parsed, &targets.symbols, &addresses);
        for symbol in parsed
            .symbols
            .iter()
            .filter(|s| s.is_exported() && s.is_weak())
        {
            if let Some(&address) = loaded.symbols.get(symbol.name) {
                self.shared
                    .entry(symbol.name.to_string())
                    .or_insert(address);
            }
        }
        let load_addresses = section_address_fields(&parsed, &addresses);
        let debug_image = image.leak();
        for (at, address) in load_addresses {
            if let Some(field) = debug_image.get_mut(at..at + 8) {
                field.copy_from_slice(&address.to_le_bytes());
            }
        }
        gdb::register(debug_image);
        Ok(loaded)
    }
}

impl LoadedObject {
    fn new(object: &elf::Object, targets: &[Option<Target>], addresses: &[u64]) -> Self {
        let symbols = object
            .symbols
            .iter()
            .zip(targets)
            .filter(|(symbol, _)| symbol.is_exported())
            .filter_map(|(symbol, target)| {
                let address = target.as_ref()?.address(addresses);
                Some((symbol.name.to_string(), address as usize))
            })
            .collect();
        let sections = object
            .sections
            .iter()
            .zip(addresses)
            .map(|(section, &address)| {
                (
                    section.name.to_string(),
                    address as usize,
                    section.size as usize,
                )
            })
            .collect();
        LoadedObject { symbols, sections }
    }

    /// The address of a global (or weak) definition of this object; for a
    /// weak one, the copy in use (an earlier load's, if it had one).
    pub fn symbol(&self, name: &str) -> Option<usize> {
        self.symbols.get(name).copied()
    }

    /// Where each loaded section went, for profilers: (section name,
    /// address, size).
    pub fn sections(&self) -> impl Iterator<Item = (&str, usize, usize)> {
        self.sections
            .iter()
            .map(|(name, address, size)| (name.as_str(), *address, *size))
    }
}

/// The object's bytes at an 8-byte aligned address: the ELF structures
/// are read in place.
struct AlignedCopy {
    words: Vec<u64>,
    len: usize,
}

impl AlignedCopy {
    fn new(bytes: &[u8]) -> Self {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        for (word, chunk) in words.iter_mut().zip(bytes.chunks(8)) {
            let mut buffer = [0; 8];
            buffer[..chunk.len()].copy_from_slice(chunk);
            *word = u64::from_ne_bytes(buffer);
        }
        AlignedCopy {
            words,
            len: bytes.len(),
        }
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `words` holds at least `len` initialized bytes, and u8 has
        // no alignment requirement.
        unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast::<u8>(), self.len) }
    }
}

/// Copies each section's contents to its place (the mapping is zeroed, so
/// NOBITS sections need nothing).
fn place(object: &elf::Object, layout: &Layout, memory: &mut [u8]) {
    for (section, &offset) in object.sections.iter().zip(&layout.sections) {
        if let Some(contents) = section.contents {
            let at = offset as usize;
            memory[at..at + contents.len()].copy_from_slice(contents);
        }
    }
}

fn register_unwind(object: &elf::Object, addresses: &[u64]) {
    for (section, &address) in object.sections.iter().zip(addresses) {
        if section.unwind && section.size != 0 {
            // SAFETY: a relocated `.eh_frame`, followed by the 4 zero bytes
            // the layout leaves after it, mapped for the process's life.
            // Without an unwinder there is nothing to tell: loading goes on.
            let _ = unsafe { autojit_abi::eh_frame::register(address, true) };
        }
    }
}

/// Where each loaded section's `sh_addr` field is in the object, with the
/// load address debuggers read there.
fn section_address_fields(object: &elf::Object, addresses: &[u64]) -> Vec<(usize, u64)> {
    let (table, entry_size) = object.section_headers;
    object
        .sections
        .iter()
        .zip(addresses)
        .filter_map(|(section, &address)| {
            // sh_addr is the third field of Elf64_Shdr, after two u32 and a
            // u64.
            let at = section
                .index
                .checked_mul(entry_size)
                .and_then(|offset| offset.checked_add(table + 16))?;
            Some((at, address))
        })
        .collect()
}
