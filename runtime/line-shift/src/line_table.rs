//! Rewriting `.debug_line`: the sequences of shifted functions are decoded,
//! their lines moved, and re-encoded; everything else is copied. The result
//! usually has another size, so the relocations that apply to the section,
//! and those that point into it (`DW_AT_stmt_list`), are moved along.

use crate::elf::{Object, Output, Relocs};
use crate::line_program::{decode, encode, Moved, Op, Sequence, Unit};
use crate::{Function, ShiftError};

/// The new `.debug_line` and where its old bytes went.
#[derive(Default)]
pub(crate) struct NewTable {
    pub bytes: Vec<u8>,
    /// Old ranges kept byte for byte, with their new offsets, by old offset.
    moved: Vec<Moved>,
    /// (old, new) start of each unit.
    unit_starts: Vec<(usize, usize)>,
}

impl NewTable {
    /// The new offset of old byte `old`, if that byte was kept verbatim.
    fn map(&self, old: usize) -> Option<usize> {
        let after = self.moved.partition_point(|m| m.old <= old);
        let m = self.moved.get(after.checked_sub(1)?)?;
        (old < m.old + m.len).then(|| m.new + (old - m.old))
    }

    /// The new offset of something pointing at old offset `old`: a unit
    /// start or a kept byte.
    fn map_target(&self, old: usize) -> Option<usize> {
        self.unit_starts
            .iter()
            .find(|(o, _)| *o == old)
            .map(|(_, n)| *n)
            .or_else(|| self.map(old))
    }

    fn copy(&mut self, section: &[u8], range: std::ops::Range<usize>) {
        self.moved.push(Moved {
            old: range.start,
            new: self.bytes.len(),
            len: range.len(),
        });
        self.bytes.extend_from_slice(&section[range]);
    }
}

/// The rewritten `.debug_line` (section `line`), or None when no sequence of
/// `functions` is in it.
pub(crate) fn rewrite(
    elf: &Object,
    line: usize,
    functions: &[Function],
) -> Result<Option<NewTable>, ShiftError> {
    let section = elf.section_data(line)?;
    let relocs = elf.relocations_for(line)?;
    let mut table = NewTable::default();
    let mut changed = false;
    let mut start = 0;
    while start < section.len() {
        let unit = Unit::parse(section, start)?;
        changed |= rewrite_unit(elf, section, &unit, &relocs, functions, &mut table)?;
        start = unit.range.end;
    }
    Ok(changed.then_some(table))
}

/// Appends `unit`, rewritten, to `table`; true if it held a sequence of
/// `functions`.
fn rewrite_unit(
    elf: &Object,
    section: &[u8],
    unit: &Unit,
    relocs: &Relocs,
    functions: &[Function],
    table: &mut NewTable,
) -> Result<bool, ShiftError> {
    let new_start = table.bytes.len();
    table.unit_starts.push((unit.range.start, new_start));
    let after_length = unit.range.start + unit.length_size;
    // The length is written once the unit's new size is known.
    table
        .bytes
        .extend_from_slice(&section[unit.range.start..after_length]);
    table.copy(section, after_length..unit.program.start);
    let mut changed = false;
    for sequence in decode(section, unit.program.clone(), &unit.params)? {
        match owner(elf, &sequence, relocs, functions) {
            Some(function) => {
                let ops = shift_rows(&sequence.ops, function)?;
                encode(&ops, &unit.params, &mut table.bytes, &mut table.moved)?;
                changed = true;
            }
            None => table.copy(section, sequence.range),
        }
    }
    let length = (table.bytes.len() - new_start - unit.length_size) as u64;
    let field = &mut table.bytes[new_start..new_start + unit.length_size];
    if unit.length_size == 4 {
        let length = u32::try_from(length)
            .ok()
            .filter(|&l| l < 0xffff_fff0)
            .ok_or_else(|| ShiftError::Unsupported("line table unit outgrows DWARF32".into()))?;
        field.copy_from_slice(&length.to_le_bytes());
    } else {
        field[4..].copy_from_slice(&length.to_le_bytes());
    }
    Ok(changed)
}

/// The function whose code the sequence describes: the target of the
/// relocation on its first `DW_LNE_set_address`.
fn owner<'f, 'a>(
    elf: &Object,
    sequence: &Sequence,
    relocs: &Relocs,
    functions: &'f [Function<'a>],
) -> Option<&'f Function<'a>> {
    let reloc = relocs.get(&(sequence.address_operand()? as u64))?;
    let place = elf.target(reloc)?;
    functions.iter().find(|f| f.place == place)
}

/// The ops with the lines of rows in the function's own file moved.
fn shift_rows(ops: &[Op], function: &Function) -> Result<Vec<Op>, ShiftError> {
    ops.iter()
        .map(|op| match op {
            Op::Row(row) if row.file == function.own_file => {
                let mut row = *row;
                row.line = function.shifted(row.line)?;
                Ok(Op::Row(row))
            }
            other => Ok(other.clone()),
        })
        .collect()
}

/// Writes the new table into `out` and moves the relocations that apply to
/// `.debug_line` or point into it.
pub(crate) fn install(
    elf: &Object,
    line: usize,
    table: &NewTable,
    out: &mut Output,
) -> Result<(), ShiftError> {
    out.replace_section(elf, line, &table.bytes)?;
    for reloc in elf.relocations_for(line)?.values() {
        let new = usize::try_from(reloc.offset)
            .ok()
            .and_then(|old| table.map(old))
            .ok_or_else(|| {
                ShiftError::Unsupported(format!(
                    "relocation at .debug_line+{:#x} is in rewritten bytes",
                    reloc.offset
                ))
            })?;
        out.set_reloc_offset(reloc, new as u64)?;
    }
    for (rela, _) in elf.rela_sections()? {
        for reloc in elf.relocations_in(rela)? {
            let (Some(target), Some(symbol)) = (elf.target(&reloc), elf.symbol_place(reloc.symbol))
            else {
                continue;
            };
            if target.section != line {
                continue;
            }
            let new = usize::try_from(target.offset)
                .ok()
                .and_then(|old| table.map_target(old))
                .ok_or_else(|| {
                    ShiftError::Unsupported(format!(
                        "{} points at .debug_line+{:#x}, inside rewritten bytes",
                        elf.section_name(rela),
                        target.offset
                    ))
                })?;
            let addend = (new as u64).wrapping_sub(symbol.offset) as i64;
            out.set_reloc_addend(&reloc, addend)?;
        }
    }
    Ok(())
}
