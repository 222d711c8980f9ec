//! The ELF side: sections, symbols and RELA relocations of an x86-64
//! relocatable object, and the writer that produces the shifted copy.
//!
//! In a RELA object the bytes at a relocated place are not the value (they
//! are usually 0): the value is the symbol plus the addend. So every address
//! or section offset this crate needs is resolved through the relocation at
//! that place, to a [`Place`].

use std::collections::BTreeMap;

use object::elf::{self, FileHeader64, Rela64, SectionHeader64};
use object::read::elf::{FileHeader, Rela, SectionHeader, SectionTable, Sym, SymbolTable};
use object::{LittleEndian, SectionIndex, SymbolIndex};

use crate::ShiftError;

type Endian = LittleEndian;

/// A position in the object: a section and an offset in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Place {
    pub section: usize,
    pub offset: u64,
}

/// One RELA entry, with where the entry itself sits in the file (to patch it).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reloc {
    pub offset: u64,
    pub symbol: usize,
    pub kind: u32,
    pub addend: i64,
    entry_pos: usize,
}

/// The relocations that apply to one section, by the offset they patch.
pub(crate) type Relocs = BTreeMap<u64, Reloc>;

pub(crate) struct Object<'o> {
    data: &'o [u8],
    sections: SectionTable<'o, FileHeader64<Endian>>,
    symbols: SymbolTable<'o, FileHeader64<Endian>>,
    /// Where the section header table starts and the size of one header.
    shoff: usize,
    shentsize: usize,
}

fn malformed(what: &str, err: object::read::Error) -> ShiftError {
    ShiftError::Malformed(format!("{what}: {err}"))
}

impl<'o> Object<'o> {
    pub fn parse(data: &'o [u8]) -> Result<Self, ShiftError> {
        let header = FileHeader64::<Endian>::parse(data).map_err(|e| malformed("ELF header", e))?;
        let endian = header.endian().map_err(|e| malformed("ELF header", e))?;
        if header.e_machine(endian) != elf::EM_X86_64 || header.e_type(endian) != elf::ET_REL {
            return Err(ShiftError::Unsupported(
                "not an x86-64 relocatable object".to_string(),
            ));
        }
        let sections = header
            .sections(endian, data)
            .map_err(|e| malformed("section headers", e))?;
        let symbols = sections
            .symbols(endian, data, elf::SHT_SYMTAB)
            .map_err(|e| malformed("symbol table", e))?;
        Ok(Object {
            data,
            sections,
            symbols,
            shoff: to_usize(header.e_shoff(endian))?,
            shentsize: usize::from(header.e_shentsize(endian)),
        })
    }

    fn header(&self, index: usize) -> Result<&'o SectionHeader64<Endian>, ShiftError> {
        self.sections
            .section(SectionIndex(index))
            .map_err(|e| malformed("section header", e))
    }

    pub fn section_by_name(&self, name: &str) -> Option<usize> {
        self.sections
            .section_by_name(Endian::default(), name.as_bytes())
            .map(|(index, _)| index.0)
    }

    pub fn section_name(&self, index: usize) -> String {
        self.header(index)
            .ok()
            .and_then(|h| self.sections.section_name(Endian::default(), h).ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_else(|| format!("section {index}"))
    }

    pub fn section_data(&self, index: usize) -> Result<&'o [u8], ShiftError> {
        let header = self.header(index)?;
        if header.sh_flags(Endian::default()) & u64::from(elf::SHF_COMPRESSED) != 0 {
            return Err(ShiftError::Unsupported(format!(
                "{} is compressed",
                self.section_name(index)
            )));
        }
        header
            .data(Endian::default(), self.data)
            .map_err(|e| malformed(&self.section_name(index), e))
    }

    /// Where the function named `name` starts, if the object defines it.
    pub fn function_place(&self, name: &str) -> Option<Place> {
        let endian = Endian::default();
        self.symbols.enumerate().find_map(|(index, sym)| {
            let named = self.symbols.symbol_name(endian, sym).ok()? == name.as_bytes();
            let section = self.symbols.symbol_section(endian, sym, index).ok()??;
            named.then_some(Place {
                section: section.0,
                offset: sym.st_value(endian),
            })
        })
    }

    /// The relocations that patch section `target`, from every RELA section
    /// that applies to it.
    pub fn relocations_for(&self, target: usize) -> Result<Relocs, ShiftError> {
        let mut relocs = Relocs::new();
        for (index, _) in self.rela_sections()? {
            if self.header(index)?.sh_info(Endian::default()) as usize == target {
                for reloc in self.relocations_in(index)? {
                    relocs.insert(reloc.offset, reloc);
                }
            }
        }
        Ok(relocs)
    }

    /// Every RELA section, with the section its relocations apply to.
    pub fn rela_sections(&self) -> Result<Vec<(usize, usize)>, ShiftError> {
        let endian = Endian::default();
        let mut found = Vec::new();
        for (index, header) in self.sections.enumerate() {
            match header.sh_type(endian) {
                elf::SHT_RELA => found.push((index.0, header.sh_info(endian) as usize)),
                elf::SHT_REL if self.is_debug(header.sh_info(endian) as usize) => {
                    return Err(ShiftError::Unsupported(
                        "REL relocations on debug sections".to_string(),
                    ))
                }
                _ => {}
            }
        }
        Ok(found)
    }

    /// The symbols defined in any of `sections`.
    pub fn symbols_in(&self, sections: &[usize]) -> Vec<usize> {
        let endian = Endian::default();
        self.symbols
            .enumerate()
            .filter(|(index, sym)| {
                self.symbols
                    .symbol_section(endian, sym, *index)
                    .ok()
                    .flatten()
                    .is_some_and(|s| sections.contains(&s.0))
            })
            .map(|(index, _)| index.0)
            .collect()
    }

    pub fn is_debug(&self, index: usize) -> bool {
        self.section_name(index).starts_with(".debug_")
    }

    /// The debug sections that hold bytes (not their relocations).
    pub fn debug_sections(&self) -> Vec<usize> {
        let endian = Endian::default();
        self.sections
            .enumerate()
            .filter(|(index, header)| {
                header.sh_type(endian) == elf::SHT_PROGBITS && self.is_debug(index.0)
            })
            .map(|(index, _)| index.0)
            .collect()
    }

    /// The entries of RELA section `index`.
    pub fn relocations_in(&self, index: usize) -> Result<Vec<Reloc>, ShiftError> {
        let endian = Endian::default();
        let header = self.header(index)?;
        let Some((entries, _)) = header
            .rela(endian, self.data)
            .map_err(|e| malformed(&self.section_name(index), e))?
        else {
            return Ok(Vec::new());
        };
        let start = to_usize(header.sh_offset(endian))?;
        let entry_size = std::mem::size_of::<Rela64<Endian>>();
        Ok(entries
            .iter()
            .enumerate()
            .map(|(i, r)| Reloc {
                offset: r.r_offset(endian),
                symbol: r.r_sym(endian, false) as usize,
                kind: r.r_type(endian, false),
                addend: r.r_addend(endian),
                entry_pos: start + i * entry_size,
            })
            .collect())
    }

    /// The section and offset of symbol `index`, if it is defined.
    pub fn symbol_place(&self, index: usize) -> Option<Place> {
        let endian = Endian::default();
        let sym = self.symbols.symbol(SymbolIndex(index)).ok()?;
        let section = self
            .symbols
            .symbol_section(endian, sym, SymbolIndex(index))
            .ok()??;
        Some(Place {
            section: section.0,
            offset: sym.st_value(endian),
        })
    }

    /// What an absolute relocation (64- or 32-bit) stores: symbol + addend.
    pub fn target(&self, reloc: &Reloc) -> Option<Place> {
        let absolute = matches!(
            reloc.kind,
            elf::R_X86_64_64 | elf::R_X86_64_32 | elf::R_X86_64_32S
        );
        let symbol = self.symbol_place(reloc.symbol).filter(|_| absolute)?;
        Some(Place {
            section: symbol.section,
            offset: symbol.offset.wrapping_add(reloc.addend as u64),
        })
    }
}

/// The debug sections this crate reads or rewrites.
pub(crate) struct DebugSections {
    pub info: usize,
    pub abbrev: usize,
    pub line: usize,
    pub addr: Option<usize>,
}

impl DebugSections {
    /// None when the object has no line or DIE information to move.
    pub fn find(elf: &Object) -> Result<Option<Self>, ShiftError> {
        let (Some(info), Some(line)) = (
            elf.section_by_name(".debug_info"),
            elf.section_by_name(".debug_line"),
        ) else {
            return Ok(None);
        };
        let abbrev = elf
            .section_by_name(".debug_abbrev")
            .ok_or_else(|| ShiftError::Malformed(".debug_info without .debug_abbrev".into()))?;
        Ok(Some(DebugSections {
            info,
            abbrev,
            line,
            addr: elf.section_by_name(".debug_addr"),
        }))
    }
}

/// The shifted copy of the object. Every byte stays where it was, except a
/// replaced section, which moves to the end of the file.
pub(crate) struct Output {
    bytes: Vec<u8>,
}

impl Output {
    pub fn new(object: &[u8]) -> Self {
        Output {
            bytes: object.to_vec(),
        }
    }

    fn write(&mut self, pos: usize, bytes: &[u8]) -> Result<(), ShiftError> {
        let end = pos.checked_add(bytes.len());
        let place = end.and_then(|end| self.bytes.get_mut(pos..end));
        let place = place.ok_or_else(|| {
            ShiftError::Malformed(format!("write at file offset {pos:#x} is out of bounds"))
        })?;
        place.copy_from_slice(bytes);
        Ok(())
    }

    /// Overwrites bytes of section `index` at `offset`, in place.
    pub fn patch_section(
        &mut self,
        elf: &Object,
        index: usize,
        offset: usize,
        bytes: &[u8],
    ) -> Result<(), ShiftError> {
        let header = elf.header(index)?;
        let size = to_usize(header.sh_size(Endian::default()))?;
        if offset.checked_add(bytes.len()).is_none_or(|end| end > size) {
            return Err(ShiftError::Malformed(format!(
                "patch at {offset:#x} is outside {}",
                elf.section_name(index)
            )));
        }
        let start = to_usize(header.sh_offset(Endian::default()))?;
        self.write(start + offset, bytes)
    }

    pub fn set_reloc_offset(&mut self, reloc: &Reloc, offset: u64) -> Result<(), ShiftError> {
        self.write(reloc.entry_pos, &offset.to_le_bytes())
    }

    pub fn set_reloc_addend(&mut self, reloc: &Reloc, addend: i64) -> Result<(), ShiftError> {
        self.write(reloc.entry_pos + 16, &addend.to_le_bytes())
    }

    /// Puts new contents for section `index` at the end of the file (aligned
    /// as the section requires) and points its header at them. The old bytes
    /// stay, unreferenced, so nothing else moves.
    pub fn replace_section(
        &mut self,
        elf: &Object,
        index: usize,
        contents: &[u8],
    ) -> Result<(), ShiftError> {
        let align = to_usize(elf.header(index)?.sh_addralign(Endian::default()))?.max(1);
        if !align.is_power_of_two() || align > 1 << 16 {
            return Err(ShiftError::Malformed(format!(
                "{} has alignment {align}",
                elf.section_name(index)
            )));
        }
        let start = self.bytes.len().next_multiple_of(align);
        self.bytes.resize(start, 0);
        self.bytes.extend_from_slice(contents);
        let header_pos = elf.shoff + index * elf.shentsize;
        // sh_offset and sh_size of an Elf64_Shdr.
        self.write(header_pos + 24, &(start as u64).to_le_bytes())?;
        self.write(header_pos + 32, &(contents.len() as u64).to_le_bytes())
    }

    pub fn finish(self) -> Vec<u8> {
        self.bytes
    }
}

fn to_usize(value: u64) -> Result<usize, ShiftError> {
    usize::try_from(value)
        .map_err(|_| ShiftError::Malformed(format!("file offset {value:#x} is too large")))
}
