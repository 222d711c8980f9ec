//! The line table of a linked object, for perf's JIT_CODE_DEBUG_INFO
//! records: the rows of its DWARF line programs at the addresses its code
//! was linked at.
//!
//! The object is relocatable, so its debug sections hold zeros where
//! addresses and string offsets go, and the values are in their
//! relocations: each section is read with its relocations applied, code
//! addresses against where each function's section was linked.

use super::functions::ElfObject;
use gimli::{EndianSlice, LittleEndian, RelocateReader};
use object::{Object, ObjectSection, ObjectSymbol, RelocationKind, RelocationTarget, SectionIndex};
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

/// One row of a line table.
pub struct LineRow {
    pub address: u64,
    pub line: u32,
    pub discriminator: u32,
    pub file: Rc<str>,
}

/// Each relocated value of one section, by its offset there.
#[derive(Debug, Default)]
struct Relocations(HashMap<usize, u64>);

impl gimli::Relocate for &Relocations {
    fn relocate_address(&self, offset: usize, value: u64) -> gimli::Result<u64> {
        Ok(self.0.get(&offset).copied().unwrap_or(value))
    }

    fn relocate_offset(&self, offset: usize, value: usize) -> gimli::Result<usize> {
        match self.0.get(&offset) {
            Some(&relocated) => {
                usize::try_from(relocated).map_err(|_| gimli::Error::UnsupportedOffset)
            }
            None => Ok(value),
        }
    }
}

type Reader<'a> = RelocateReader<EndianSlice<'a, LittleEndian>, &'a Relocations>;

/// Every row of the object's line programs (end-of-sequence rows left
/// out), sorted by address, with the addresses of code sections relocated
/// to `section_bases`. Code of a section not in it (not linked as a
/// member) keeps its small section-relative addresses, which no linked
/// function covers. An object without line tables has no rows.
pub fn line_rows(
    object: &ElfObject<'_>,
    section_bases: &HashMap<SectionIndex, u64>,
) -> Result<Vec<LineRow>, gimli::Error> {
    let debug_sections: HashMap<&str, (&[u8], Relocations)> = object
        .sections()
        .filter_map(|section| {
            let name = section.name().ok()?;
            let data = section.data().ok()?;
            name.starts_with(".debug_")
                .then(|| (name, (data, relocations(object, &section, section_bases))))
        })
        .collect();
    if !debug_sections.contains_key(".debug_line") {
        return Ok(Vec::new());
    }
    let none = Relocations::default();
    let dwarf = gimli::Dwarf::load(|id| -> gimli::Result<Reader<'_>> {
        let (data, relocations) = debug_sections
            .get(id.name())
            .map_or((&[][..], &none), |(data, relocations)| (*data, relocations));
        Ok(RelocateReader::new(
            EndianSlice::new(data, LittleEndian),
            relocations,
        ))
    })?;
    let mut rows = Vec::new();
    let mut units = dwarf.units();
    while let Some(header) = units.next()? {
        let unit = dwarf.unit(header)?;
        if let Some(program) = unit.line_program.clone() {
            unit_rows(&dwarf, &unit, program, &mut rows)?;
        }
    }
    rows.sort_by_key(|row| row.address);
    Ok(rows)
}

/// The rows of one unit's line program, each file's path made once.
fn unit_rows<'a>(
    dwarf: &gimli::Dwarf<Reader<'a>>,
    unit: &gimli::Unit<Reader<'a>>,
    program: gimli::IncompleteLineProgram<Reader<'a>>,
    rows: &mut Vec<LineRow>,
) -> gimli::Result<()> {
    let mut files: HashMap<u64, Rc<str>> = HashMap::new();
    let mut program_rows = program.rows();
    while let Some((header, row)) = program_rows.next_row()? {
        let Some(line) = row.line().filter(|_| !row.end_sequence()) else {
            continue;
        };
        let file = match files.get(&row.file_index()) {
            Some(file) => Rc::clone(file),
            None => {
                let Some(entry) = row.file(header) else {
                    continue;
                };
                let path: Rc<str> = file_path(dwarf, unit, header, entry)?.into();
                files.insert(row.file_index(), Rc::clone(&path));
                path
            }
        };
        rows.push(LineRow {
            address: row.address(),
            line: u32::try_from(line.get()).unwrap_or(u32::MAX),
            discriminator: u32::try_from(row.discriminator()).unwrap_or(u32::MAX),
            file,
        });
    }
    Ok(())
}

/// A file's path: its name, under its directory, under the unit's
/// compilation directory (each only where the next is relative).
fn file_path<'a>(
    dwarf: &gimli::Dwarf<Reader<'a>>,
    unit: &gimli::Unit<Reader<'a>>,
    header: &gimli::LineProgramHeader<Reader<'a>>,
    entry: &gimli::FileEntry<Reader<'a>>,
) -> gimli::Result<String> {
    use gimli::Reader as _;
    let mut path = PathBuf::new();
    if let Some(comp_dir) = &unit.comp_dir {
        path.push(&*comp_dir.to_string_lossy()?);
    }
    if let Some(dir) = entry.directory(header) {
        path.push(&*dwarf.attr_string(unit, dir)?.to_string_lossy()?);
    }
    path.push(
        &*dwarf
            .attr_string(unit, entry.path_name())?
            .to_string_lossy()?,
    );
    Ok(path.to_string_lossy().into_owned())
}

/// The values `section`'s absolute relocations put in it: the target's
/// address (in the program for linked code, else its offset in its
/// section) plus the addend.
fn relocations(
    object: &ElfObject<'_>,
    section: &object::read::elf::ElfSection64<'_, '_>,
    section_bases: &HashMap<SectionIndex, u64>,
) -> Relocations {
    let base = |index: Option<SectionIndex>| {
        index
            .and_then(|i| section_bases.get(&i))
            .copied()
            .unwrap_or(0)
    };
    let values = section.relocations().filter_map(|(offset, relocation)| {
        if relocation.kind() != RelocationKind::Absolute {
            return None;
        }
        let target = match relocation.target() {
            RelocationTarget::Symbol(index) => {
                let symbol = object.symbol_by_index(index).ok()?;
                base(symbol.section_index()).wrapping_add(symbol.address())
            }
            RelocationTarget::Section(index) => base(Some(index)),
            _ => return None,
        };
        let value = target.wrapping_add_signed(relocation.addend());
        Some((usize::try_from(offset).ok()?, value))
    });
    Relocations(values.collect())
}
