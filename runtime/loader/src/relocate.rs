//! Relocation arithmetic for x86-64 (the psABI's S + A - P and friends),
//! the GOT slots and call thunks an object needs, and overflow checks: a
//! value that does not fit its field is an error, never truncated.

use autojit_abi::fast_map::FastMap;

use object::elf;

use crate::elf::{Definition, GotAccess, Object, Relocation};
use crate::memory::{Layout, GOT_SLOT_SIZE, THUNK_SIZE};
use crate::symbols::{Target, Targets};
use crate::LoadError;

/// The GOT slot and call thunk each symbol gets, by symbol index.
pub(crate) struct Slots {
    pub got: FastMap<usize, usize>,
    pub thunks: FastMap<usize, usize>,
}

fn uses_got(kind: u32) -> bool {
    matches!(
        kind,
        elf::R_X86_64_GOTPCREL
            | elf::R_X86_64_GOTPCRELX
            | elf::R_X86_64_REX_GOTPCRELX
            | elf::R_X86_64_GOTPCREL64
            | elf::R_X86_64_GOT64
    )
}

impl Slots {
    /// A GOT slot per symbol reached through the GOT, and a call thunk per
    /// symbol called from outside this object (used only if the call cannot
    /// reach it directly).
    pub fn plan(object: &Object, targets: &Targets) -> Slots {
        let mut slots = Slots {
            got: FastMap::default(),
            thunks: FastMap::default(),
        };
        for relocation in object.relocations.iter().flatten() {
            let symbol = relocation.symbol;
            if uses_got(relocation.kind) {
                let next = slots.got.len();
                slots.got.entry(symbol).or_insert(next);
            }
            let external = matches!(targets.call(symbol), Some(Target::External(_)));
            if relocation.kind == elf::R_X86_64_PLT32 && external {
                let next = slots.thunks.len();
                slots.thunks.entry(symbol).or_insert(next);
            }
        }
        slots
    }
}

/// How a relocated value is stored.
#[derive(Clone, Copy)]
enum Field {
    Word64,
    Signed32,
    Unsigned32,
}

/// Everything a relocation's value depends on, all addresses final.
struct Context<'a> {
    object: &'a Object<'a>,
    targets: &'a Targets,
    slots: &'a Slots,
    /// Load address of each loaded section.
    sections: Vec<u64>,
    got: u64,
    thunks: u64,
}

/// Writes the GOT slots and call thunks, then applies every relocation of every
/// loaded section. `memory` is the whole mapping, at `base`.
pub(crate) fn apply(
    object: &Object,
    targets: &Targets,
    slots: &Slots,
    layout: &Layout,
    memory: &mut [u8],
    base: u64,
) -> Result<(), LoadError> {
    let context = Context {
        object,
        targets,
        slots,
        sections: layout.sections.iter().map(|offset| base + offset).collect(),
        got: base + layout.got,
        thunks: base + layout.thunks,
    };
    context.write_slots(layout, memory)?;
    for (position, relocations) in object.relocations.iter().enumerate() {
        for relocation in relocations {
            context.relocate(position, relocation, layout, memory)?;
        }
    }
    Ok(())
}

impl Context<'_> {
    fn symbol(&self, index: usize) -> Result<u64, LoadError> {
        match self.targets.symbols[index] {
            Some(target) => Ok(target.address(&self.sections)),
            None => Err(LoadError::Malformed(format!(
                "relocation against {}, which is not loaded",
                self.object.symbols[index].name
            ))),
        }
    }

    /// Where calls to symbol `index` go: its address, or where the
    /// resolver sent them instead.
    fn call_address(&self, index: usize) -> Result<u64, LoadError> {
        match self.targets.call(index) {
            Some(target) => Ok(target.address(&self.sections)),
            None => self.symbol(index),
        }
    }

    fn got_slot(&self, symbol: usize) -> u64 {
        // `Slots::plan` gave every symbol reached through the GOT a slot.
        self.got + self.slots.got[&symbol] as u64 * GOT_SLOT_SIZE
    }

    fn thunk(&self, index: usize) -> u64 {
        self.thunks + index as u64 * THUNK_SIZE
    }

    fn size(&self, symbol: usize) -> Result<u64, LoadError> {
        let symbol = &self.object.symbols[symbol];
        match symbol.definition {
            Definition::Undefined => Err(LoadError::Unsupported(format!(
                "size of undefined symbol {}",
                symbol.name
            ))),
            _ => Ok(symbol.size),
        }
    }

    /// Fills each GOT slot with its symbol's address, and each call thunk
    /// with a jump to its symbol.
    fn write_slots(&self, layout: &Layout, memory: &mut [u8]) -> Result<(), LoadError> {
        let base = self.got - layout.got;
        for &symbol in self.slots.got.keys() {
            let at = (self.got_slot(symbol) - base) as usize;
            memory[at..at + 8].copy_from_slice(&self.symbol(symbol)?.to_le_bytes());
        }
        for (&symbol, &thunk) in &self.slots.thunks {
            let at = (self.thunk(thunk) - base) as usize;
            // jmp *[rip+2]; int3; int3; then the target.
            memory[at..at + 8].copy_from_slice(&[0xff, 0x25, 0x02, 0, 0, 0, 0xcc, 0xcc]);
            memory[at + 8..at + 16].copy_from_slice(&self.call_address(symbol)?.to_le_bytes());
        }
        Ok(())
    }

    /// Applies one relocation of the loaded section at `position`.
    fn relocate(
        &self,
        position: usize,
        relocation: &Relocation,
        layout: &Layout,
        memory: &mut [u8],
    ) -> Result<(), LoadError> {
        let section = &self.object.sections[position];
        let place = self.sections[position].wrapping_add(relocation.offset);
        if let Some(contents) = section.contents {
            if let Some(access) = relocation.got_access(contents) {
                let start = layout.sections[position] as usize;
                if self.relax(relocation, access, place, &mut memory[start..])? {
                    return Ok(());
                }
            }
        }
        let Some((value, field)) = self.value(relocation, place)? else {
            return Ok(());
        };
        let (bytes, len) = encode(value, field).ok_or_else(|| {
            LoadError::Unsupported(format!(
                "relocation {} against {} out of range",
                type_name(relocation.kind),
                self.object.symbols[relocation.symbol].name
            ))
        })?;
        let inside = relocation
            .offset
            .checked_add(len as u64)
            .is_some_and(|end| end <= section.size);
        if section.contents.is_none() || !inside {
            return Err(LoadError::Malformed(format!(
                "relocation at {:#x} outside {}",
                relocation.offset, section.name
            )));
        }
        let at = (layout.sections[position] + relocation.offset) as usize;
        memory[at..at + len].copy_from_slice(&bytes[..len]);
        Ok(())
    }

    /// The value to store at `place` and how, or `None` for R_X86_64_NONE.
    fn value(
        &self,
        relocation: &Relocation,
        place: u64,
    ) -> Result<Option<(i128, Field)>, LoadError> {
        use elf::*;
        let symbol = relocation.symbol;
        let a = i128::from(relocation.addend);
        let p = i128::from(place);
        let got = i128::from(self.got);
        let s = || self.symbol(symbol).map(i128::from);
        let slot = || i128::from(self.got_slot(symbol));
        Ok(Some(match relocation.kind {
            R_X86_64_NONE => return Ok(None),
            R_X86_64_64 => (s()? + a, Field::Word64),
            R_X86_64_PC64 => (s()? + a - p, Field::Word64),
            R_X86_64_PC32 => (s()? + a - p, Field::Signed32),
            R_X86_64_PLT32 => (self.call(symbol, a, p)?, Field::Signed32),
            R_X86_64_32 => (s()? + a, Field::Unsigned32),
            R_X86_64_32S => (s()? + a, Field::Signed32),
            R_X86_64_GOTPCREL | R_X86_64_GOTPCRELX | R_X86_64_REX_GOTPCRELX => {
                (slot() + a - p, Field::Signed32)
            }
            R_X86_64_GOTPCREL64 => (slot() + a - p, Field::Word64),
            R_X86_64_GOT64 => (slot() - got + a, Field::Word64),
            R_X86_64_GOTPC32 => (got + a - p, Field::Signed32),
            R_X86_64_GOTPC64 => (got + a - p, Field::Word64),
            R_X86_64_GOTOFF64 => (s()? + a - got, Field::Word64),
            R_X86_64_SIZE32 => (i128::from(self.size(symbol)?) + a, Field::Unsigned32),
            R_X86_64_SIZE64 => (i128::from(self.size(symbol)?) + a, Field::Word64),
            kind => {
                return Err(LoadError::Unsupported(format!(
                    "relocation type {kind} against {}",
                    self.object.symbols[symbol].name
                )))
            }
        }))
    }

    /// Makes the GOT access `access` of `relocation` direct when its
    /// target is within a rel32's reach, as a static linker does, so that
    /// lazy code reaches the program's variables as the regular build does,
    /// without loading their address first: a load of the symbol's address
    /// (its identity) becomes `lea foo(%rip), %r`, a call `addr32 call foo`
    /// and a jump `jmp foo; nop` (both where calls to it go). `code` starts
    /// with the relocation's section; false leaves the instruction reading
    /// its GOT slot.
    fn relax(
        &self,
        relocation: &Relocation,
        access: GotAccess,
        place: u64,
        code: &mut [u8],
    ) -> Result<bool, LoadError> {
        let symbol = relocation.symbol;
        let target = match access {
            GotAccess::Load => self.symbol(symbol)?,
            GotAccess::Call | GotAccess::Jump => self.call_address(symbol)?,
        };
        // A jump's displacement moves up a byte, where the opcode's second
        // byte was.
        let moved = i128::from(access == GotAccess::Jump);
        let value = i128::from(target) + i128::from(relocation.addend) - i128::from(place) + moved;
        let Ok(field) = i32::try_from(value).map(i32::to_le_bytes) else {
            return Ok(false);
        };
        // `got_access` checked that the instruction lies in the section.
        let at = relocation.offset as usize;
        match access {
            GotAccess::Load => {
                code[at - 2] = 0x8d;
                code[at..at + 4].copy_from_slice(&field);
            }
            GotAccess::Call => {
                code[at - 2..at].copy_from_slice(&[0x67, 0xe8]);
                code[at..at + 4].copy_from_slice(&field);
            }
            GotAccess::Jump => {
                code[at - 2] = 0xe9;
                code[at - 1..at + 3].copy_from_slice(&field);
                code[at + 3] = 0x90;
            }
        }
        Ok(true)
    }

    /// A call reaches its target directly when a rel32 can, otherwise
    /// through the symbol's call thunk (which then reaches anything).
    fn call(&self, symbol: usize, a: i128, p: i128) -> Result<i128, LoadError> {
        let direct = self.call_address(symbol).map(i128::from)? + a - p;
        Ok(match self.slots.thunks.get(&symbol) {
            Some(&thunk) if i32::try_from(direct).is_err() => i128::from(self.thunk(thunk)) + a - p,
            _ => direct,
        })
    }
}

/// The bytes to store (the first `len` of the array), or `None` if the
/// value does not fit the field.
fn encode(value: i128, field: Field) -> Option<([u8; 8], usize)> {
    let mut bytes = [0; 8];
    let len = match field {
        // Truncation is the definition here: 64-bit arithmetic wraps.
        Field::Word64 => {
            bytes = (value as u64).to_le_bytes();
            8
        }
        Field::Signed32 => {
            bytes[..4].copy_from_slice(&i32::try_from(value).ok()?.to_le_bytes());
            4
        }
        Field::Unsigned32 => {
            bytes[..4].copy_from_slice(&u32::try_from(value).ok()?.to_le_bytes());
            4
        }
    };
    Some((bytes, len))
}

fn type_name(kind: u32) -> String {
    let name = match kind {
        elf::R_X86_64_PC32 => "R_X86_64_PC32",
        elf::R_X86_64_PLT32 => "R_X86_64_PLT32",
        elf::R_X86_64_32 => "R_X86_64_32",
        elf::R_X86_64_32S => "R_X86_64_32S",
        elf::R_X86_64_GOTPCREL => "R_X86_64_GOTPCREL",
        elf::R_X86_64_GOTPCRELX => "R_X86_64_GOTPCRELX",
        elf::R_X86_64_REX_GOTPCRELX => "R_X86_64_REX_GOTPCRELX",
        elf::R_X86_64_GOTPC32 => "R_X86_64_GOTPC32",
        elf::R_X86_64_SIZE32 => "R_X86_64_SIZE32",
        _ => return format!("type {kind}"),
    };
    name.to_string()
}
