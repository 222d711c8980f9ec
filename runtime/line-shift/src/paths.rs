//! Moving the paths of an object's debug info from one checkout's root to
//! another's: an object compiled in `/home/a/proj` and reused in
//! `/home/b/work/proj` must send a debugger to the second one's files.
//!
//! Paths sit in the string sections (`.debug_str`, `.debug_line_str`), and
//! in a relocatable object every reference to a string is a relocation
//! (symbol plus addend). Each string under the old root is written again
//! under the new one at the end of its section, and the relocations that
//! named it are pointed there; the old string stays, unreferenced, so no
//! other offset moves.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::elf::{Object, Output, Reloc};
use crate::ShiftError;

const STRING_SECTIONS: [&str; 2] = [".debug_str", ".debug_line_str"];

/// A string section being extended, and the relocations to point at it.
struct Extended {
    section: usize,
    bytes: Vec<u8>,
    /// The new offset of each moved string, by its text.
    added: HashMap<Vec<u8>, u64>,
    retargeted: Vec<(Reloc, u64)>,
}

/// `object` with the paths of its debug info under `from` moved under
/// `to` (`Cow::Borrowed` when none is). An object that names `from` where
/// this cannot move it (a DWARF 4 line table keeps its directories inline)
/// is reported, and the caller compiles instead.
pub fn move_paths<'o>(object: &'o [u8], from: &str, to: &str) -> Result<Cow<'o, [u8]>, ShiftError> {
    if from == to {
        return Ok(Cow::Borrowed(object));
    }
    let elf = Object::parse(object)?;
    let mut extended = Vec::new();
    for name in STRING_SECTIONS {
        if let Some(section) = elf.section_by_name(name) {
            extended.push(Extended {
                section,
                bytes: elf.section_data(section)?.to_vec(),
                added: HashMap::new(),
                retargeted: Vec::new(),
            });
        }
    }
    let string_sections: Vec<usize> = extended.iter().map(|e| e.section).collect();
    let string_symbols = elf.symbols_in(&string_sections);
    for (rela, applies_to) in elf.rela_sections()? {
        // Code does not name debug strings.
        if !elf.is_debug(applies_to) {
            continue;
        }
        for reloc in elf.relocations_in(rela)? {
            if !string_symbols.contains(&reloc.symbol) {
                continue;
            }
            let Some(target) = elf.target(&reloc) else {
                continue;
            };
            let Some(strings) = extended.iter_mut().find(|e| e.section == target.section) else {
                continue;
            };
            let old = string_at(&elf, target.section, target.offset)?;
            let Some(rest) = under(old, from.as_bytes()) else {
                continue;
            };
            let moved = [to.as_bytes(), rest].concat();
            let offset = match strings.added.get(&moved) {
                Some(&offset) => offset,
                None => {
                    let offset = strings.bytes.len() as u64;
                    strings.bytes.extend_from_slice(&moved);
                    strings.bytes.push(0);
                    strings.added.insert(moved, offset);
                    offset
                }
            };
            strings.retargeted.push((reloc, offset));
        }
    }
    refuse_inline_paths(&elf, from)?;
    if extended.iter().all(|e| e.retargeted.is_empty()) {
        return Ok(Cow::Borrowed(object));
    }
    let mut out = Output::new(object);
    for strings in extended.iter().filter(|e| !e.retargeted.is_empty()) {
        out.replace_section(&elf, strings.section, &strings.bytes)?;
        for (reloc, offset) in &strings.retargeted {
            let symbol = elf
                .symbol_place(reloc.symbol)
                .expect("a relocation with a target has a placed symbol");
            out.set_reloc_addend(reloc, offset.wrapping_sub(symbol.offset) as i64)?;
        }
    }
    Ok(Cow::Owned(out.finish()))
}

/// The NUL-terminated string at `offset` of section `section`.
fn string_at<'o>(elf: &Object<'o>, section: usize, offset: u64) -> Result<&'o [u8], ShiftError> {
    let data = elf.section_data(section)?;
    let start = usize::try_from(offset)
        .ok()
        .filter(|&start| start < data.len());
    let tail = start.map(|start| &data[start..]);
    let string = tail.and_then(|tail| tail.iter().position(|&b| b == 0).map(|end| &tail[..end]));
    string.ok_or_else(|| {
        ShiftError::Malformed(format!(
            "no string at {}+{offset:#x}",
            elf.section_name(section)
        ))
    })
}

/// What follows `root` in `path`, if `path` is `root` or under it.
fn under<'p>(path: &'p [u8], root: &[u8]) -> Option<&'p [u8]> {
    let rest = path.strip_prefix(root)?;
    (rest.is_empty() || rest[0] == b'/').then_some(rest)
}

/// Fails if a debug section other than the string sections holds `root`
/// as a path of its own: a string this cannot move.
fn refuse_inline_paths(elf: &Object, root: &str) -> Result<(), ShiftError> {
    let finder = memchr::memmem::Finder::new(root.as_bytes());
    for section in elf.debug_sections() {
        if STRING_SECTIONS.contains(&elf.section_name(section).as_str()) {
            continue;
        }
        let data = elf.section_data(section)?;
        let inline = finder
            .find_iter(data)
            .any(|at| matches!(data.get(at + root.len()), Some(b'/' | 0)));
        if inline {
            return Err(ShiftError::Unsupported(format!(
                "{} names the source root inline",
                elf.section_name(section)
            )));
        }
    }
    Ok(())
}
