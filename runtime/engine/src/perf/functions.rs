//! The functions of one linked object as perf needs them: source name,
//! address in the program, size (the `st_size` of each member's
//! `__autojit_fn_<guid>` symbol) and code bytes.

use crate::object_cache::Member;
use autojit_abi::names;
use object::read::elf::ElfFile64;
use object::{Object, ObjectSection, ObjectSymbol, SectionIndex};
use std::collections::HashMap;

pub type ElfObject<'data> = ElfFile64<'data>;

/// A member of a linked object.
pub struct LinkedFunction<'a> {
    /// The source (mangled) name: perf demangles.
    pub name: &'a str,
    pub address: u64,
    pub size: u64,
    /// The object's section that holds the code, and where in it the code
    /// starts.
    pub section: SectionIndex,
    pub offset: u64,
}

/// The bodies of `members` in `object` that have code, at the addresses
/// `linked` gives each GUID.
pub fn linked_functions<'a>(
    object: &ElfObject<'_>,
    members: &'a [Member],
    linked: &[(u64, usize)],
) -> Vec<LinkedFunction<'a>> {
    let addresses: HashMap<u64, usize> = linked.iter().copied().collect();
    let by_symbol: HashMap<String, (&str, u64)> = members
        .iter()
        .filter_map(|m| {
            let address = *addresses.get(&m.guid)? as u64;
            Some((names::body_name(m.guid), (m.name.as_str(), address)))
        })
        .collect();
    object
        .symbols()
        .filter_map(|symbol| {
            let &(name, address) = by_symbol.get(symbol.name().ok()?)?;
            Some(LinkedFunction {
                name,
                address,
                size: symbol.size(),
                section: symbol.section_index()?,
                offset: symbol.address(),
            })
        })
        .filter(|f| f.size > 0)
        .collect()
}

/// Where each section that holds a linked function starts in the program.
pub fn section_bases(functions: &[LinkedFunction<'_>]) -> HashMap<SectionIndex, u64> {
    functions
        .iter()
        .map(|f| (f.section, f.address.wrapping_sub(f.offset)))
        .collect()
}

/// The code of `function` as process `pid` runs it, read from its memory:
/// the bytes JITLink relocated there, which the object does not have (its
/// calls and data references are still unresolved there).
pub fn running_code(function: &LinkedFunction<'_>, pid: u32) -> std::io::Result<Vec<u8>> {
    crate::program::read_memory(pid, function.address, function.size)
}

/// The code of `function` in the object, before relocation: the same
/// instructions and length, so names, sizes and lines stay right; only the
/// targets `perf annotate` shows are not.
pub fn object_code(function: &LinkedFunction<'_>, object: &ElfObject<'_>) -> Vec<u8> {
    object
        .section_by_index(function.section)
        .ok()
        .and_then(|s| s.data().ok())
        .and_then(|data| {
            let start = usize::try_from(function.offset).ok()?;
            let end = start.checked_add(usize::try_from(function.size).ok()?)?;
            data.get(start..end)
        })
        .unwrap_or_default()
        .to_vec()
}
