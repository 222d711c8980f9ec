//! Reading an x86-64 ELF relocatable object: the sections to load, the
//! symbol table and the relocations that apply to loaded sections. All
//! checks on the input happen here or where the values are used; nothing
//! here trusts the object.

use object::elf;
use object::read::elf::{FileHeader, Rela, SectionHeader, Sym};
use object::LittleEndian;

use crate::LoadError;

type Header = elf::FileHeader64<LittleEndian>;
const ENDIAN: LittleEndian = LittleEndian;

/// Where a loaded section goes, by the permissions it ends with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Permission {
    Execute,
    Read,
    Write,
}

pub(crate) struct Section<'a> {
    /// The section's index in the object's section header table.
    pub index: usize,
    pub name: &'a str,
    pub permission: Permission,
    pub size: u64,
    pub align: u64,
    /// `None` for `SHT_NOBITS`: zero-filled.
    pub contents: Option<&'a [u8]>,
    /// An `.eh_frame` section, registered with the unwinders once loaded.
    pub unwind: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Definition {
    Undefined,
    Absolute(u64),
    /// In the loaded section at this position of `Object::sections`.
    Loaded {
        section: usize,
        value: u64,
    },
    /// In a section that is not loaded (debug info): never a target of a
    /// loaded relocation.
    NotLoaded,
}

pub(crate) struct Symbol<'a> {
    /// For a section symbol, the section's name (for messages).
    pub name: &'a str,
    pub binding: u8,
    pub kind: u8,
    pub size: u64,
    pub definition: Definition,
}

impl Symbol<'_> {
    pub fn is_weak(&self) -> bool {
        self.binding == elf::STB_WEAK
    }

    /// Visible to other objects: what a load returns and may share.
    pub fn is_exported(&self) -> bool {
        matches!(
            self.binding,
            elf::STB_GLOBAL | elf::STB_WEAK | elf::STB_GNU_UNIQUE
        ) && !matches!(self.kind, elf::STT_SECTION | elf::STT_FILE)
            && self.definition != Definition::Undefined
    }
}

pub(crate) struct Relocation {
    pub offset: u64,
    pub kind: u32,
    pub symbol: usize,
    pub addend: i64,
}

/// The instruction a relaxable GOT relocation (the psABI's
/// `R_X86_64_[REX_]GOTPCRELX`) sits in, which a linker may make direct.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum GotAccess {
    /// `mov foo@GOTPCREL(%rip), %r`: the symbol's address.
    Load,
    /// `call *foo@GOTPCREL(%rip)`.
    Call,
    /// `jmp *foo@GOTPCREL(%rip)`.
    Jump,
}

impl Relocation {
    /// What this relocation's instruction in `code` (its section) does with
    /// the GOT slot, if a linker may make it direct; `None` for any other
    /// relocation or instruction.
    pub fn got_access(&self, code: &[u8]) -> Option<GotAccess> {
        use object::elf::{R_X86_64_GOTPCRELX, R_X86_64_REX_GOTPCRELX};
        // Only a read of the symbol's own slot has a direct form: addend -4,
        // the displacement ending the instruction.
        if !matches!(self.kind, R_X86_64_GOTPCRELX | R_X86_64_REX_GOTPCRELX) || self.addend != -4 {
            return None;
        }
        let at = usize::try_from(self.offset).ok()?;
        if at < 2 || at.checked_add(4)? > code.len() {
            return None;
        }
        match (code[at - 2], code[at - 1]) {
            // mov with a RIP-relative operand (mod 00, r/m 101).
            (0x8b, modrm) if modrm & 0xc7 == 0x05 => Some(GotAccess::Load),
            (0xff, 0x15) if self.kind == R_X86_64_GOTPCRELX => Some(GotAccess::Call),
            (0xff, 0x25) if self.kind == R_X86_64_GOTPCRELX => Some(GotAccess::Jump),
            _ => None,
        }
    }
}

pub(crate) struct Object<'a> {
    pub sections: Vec<Section<'a>>,
    pub symbols: Vec<Symbol<'a>>,
    /// Per loaded section (same positions as `sections`), its relocations.
    pub relocations: Vec<Vec<Relocation>>,
    /// Where the section header table starts and its entry size, to give
    /// debuggers the object with the load addresses filled in.
    pub section_headers: (usize, usize),
}

fn malformed(error: object::Error) -> LoadError {
    LoadError::Malformed(error.to_string())
}

fn text(bytes: &[u8]) -> Result<&str, LoadError> {
    std::str::from_utf8(bytes).map_err(|_| LoadError::Malformed("name is not UTF-8".into()))
}

/// Parses `data`, which must be 8-byte aligned (the ELF structures are
/// read in place).
pub(crate) fn parse(data: &[u8]) -> Result<Object<'_>, LoadError> {
    let header = Header::parse(data).map_err(malformed)?;
    if header.e_type(ENDIAN) != elf::ET_REL {
        return Err(LoadError::Unsupported(
            "not a relocatable object (ET_REL)".into(),
        ));
    }
    if header.e_machine(ENDIAN) != elf::EM_X86_64 {
        return Err(LoadError::Unsupported("not an x86-64 object".into()));
    }
    let table = header.sections(ENDIAN, data).map_err(malformed)?;
    let mut positions = vec![None; table.len()];
    let mut sections = Vec::new();
    for (index, header) in table.enumerate() {
        // Most sections are not loaded (debug info, relocations, groups):
        // their names are not read.
        if !is_loaded(header) {
            continue;
        }
        let name = text(table.section_name(ENDIAN, header).map_err(malformed)?)?;
        positions[index.0] = Some(sections.len());
        sections.push(loaded_section(index.0, name, header, data)?);
    }
    let symbol_table = table
        .symbols(ENDIAN, data, elf::SHT_SYMTAB)
        .map_err(malformed)?;
    let mut symbols = Vec::with_capacity(symbol_table.len());
    for (index, symbol) in symbol_table.enumerate() {
        let section = symbol_table
            .symbol_section(ENDIAN, symbol, index)
            .map_err(malformed)?;
        let definition = match (section, symbol.st_shndx(ENDIAN)) {
            (Some(section), _) => match positions.get(section.0) {
                Some(Some(position)) => Definition::Loaded {
                    section: *position,
                    value: symbol.st_value(ENDIAN),
                },
                Some(None) => Definition::NotLoaded,
                None => return Err(LoadError::Malformed("symbol in no section".into())),
            },
            (None, elf::SHN_ABS) => Definition::Absolute(symbol.st_value(ENDIAN)),
            (None, elf::SHN_COMMON) => {
                return Err(LoadError::Unsupported(
                    "common symbol (compile with -fno-common)".into(),
                ))
            }
            (None, _) => Definition::Undefined,
        };
        let name = match (symbol.st_type(), section) {
            (elf::STT_SECTION, Some(section)) => table
                .section(section)
                .and_then(|header| table.section_name(ENDIAN, header))
                .map_err(malformed)?,
            _ => symbol_table
                .symbol_name(ENDIAN, symbol)
                .map_err(malformed)?,
        };
        if symbol.st_type() == elf::STT_TLS {
            return Err(LoadError::Unsupported(format!(
                "thread-local symbol {}",
                String::from_utf8_lossy(name)
            )));
        }
        symbols.push(Symbol {
            name: text(name)?,
            binding: symbol.st_bind(),
            kind: symbol.st_type(),
            size: symbol.st_size(ENDIAN),
            definition,
        });
    }
    let mut relocations: Vec<Vec<Relocation>> = sections.iter().map(|_| Vec::new()).collect();
    for header in table.iter() {
        let target = header.info_link(ENDIAN).0;
        let Some(Some(position)) = positions.get(target).copied() else {
            continue;
        };
        match header.sh_type(ENDIAN) {
            elf::SHT_REL => return Err(LoadError::Unsupported("REL relocations".into())),
            elf::SHT_RELA => {
                let entries = header
                    .data_as_array::<elf::Rela64<LittleEndian>, _>(ENDIAN, data)
                    .map_err(malformed)?;
                for entry in entries {
                    relocations[position].push(relocation(entry, &symbols)?);
                }
            }
            _ => {}
        }
    }
    let section_headers = (
        usize::try_from(header.e_shoff(ENDIAN))
            .map_err(|_| LoadError::Malformed("section header offset".into()))?,
        usize::from(header.e_shentsize(ENDIAN)),
    );
    Ok(Object {
        sections,
        symbols,
        relocations,
        section_headers,
    })
}

/// A symbol an object needs from elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'a> {
    pub name: &'a str,
    /// A weak reference may stay undefined.
    pub weak: bool,
}

/// The undefined global and weak symbols of the ELF object `data`: what a
/// linker must find elsewhere. Unlike `parse`, this accepts whatever the
/// object uses (thread-local symbols too).
pub fn undefined_symbols(data: &[u8]) -> Result<Vec<Reference<'_>>, LoadError> {
    let header = Header::parse(data).map_err(malformed)?;
    let table = header.sections(ENDIAN, data).map_err(malformed)?;
    let symbols = table
        .symbols(ENDIAN, data, elf::SHT_SYMTAB)
        .map_err(malformed)?;
    let mut references = Vec::new();
    for symbol in symbols.iter() {
        let binding = symbol.st_bind();
        if symbol.st_shndx(ENDIAN) != elf::SHN_UNDEF
            || !matches!(binding, elf::STB_GLOBAL | elf::STB_WEAK)
        {
            continue;
        }
        let name = text(symbols.symbol_name(ENDIAN, symbol).map_err(malformed)?)?;
        if !name.is_empty() {
            references.push(Reference {
                name,
                weak: binding == elf::STB_WEAK,
            });
        }
    }
    Ok(references)
}

/// Whether a section is loaded: allocated, and not meant to be dropped by
/// a linker.
fn is_loaded(header: &elf::SectionHeader64<LittleEndian>) -> bool {
    let flags = header.sh_flags(ENDIAN);
    flags & u64::from(elf::SHF_ALLOC) != 0 && flags & u64::from(elf::SHF_EXCLUDE) == 0
}

/// The loaded section at `index`.
fn loaded_section<'a>(
    index: usize,
    name: &'a str,
    header: &elf::SectionHeader64<LittleEndian>,
    data: &'a [u8],
) -> Result<Section<'a>, LoadError> {
    let flags = header.sh_flags(ENDIAN);
    if flags & u64::from(elf::SHF_TLS) != 0 {
        return Err(LoadError::Unsupported(format!(
            "thread-local section {name}"
        )));
    }
    let size = header.sh_size(ENDIAN);
    let align = header.sh_addralign(ENDIAN).max(1);
    if !align.is_power_of_two() {
        return Err(LoadError::Malformed(format!(
            "section {name} aligned to {align}"
        )));
    }
    let contents = match header.sh_type(ENDIAN) {
        elf::SHT_NOBITS => None,
        _ => Some(header.data(ENDIAN, data).map_err(malformed)?),
    };
    let permission = if flags & u64::from(elf::SHF_EXECINSTR) != 0 {
        Permission::Execute
    } else if flags & u64::from(elf::SHF_WRITE) != 0 {
        Permission::Write
    } else {
        Permission::Read
    };
    Ok(Section {
        index,
        name,
        permission,
        size,
        align,
        contents,
        unwind: name == ".eh_frame" || header.sh_type(ENDIAN) == elf::SHT_X86_64_UNWIND,
    })
}

fn relocation(
    entry: &elf::Rela64<LittleEndian>,
    symbols: &[Symbol],
) -> Result<Relocation, LoadError> {
    let kind = entry.r_type(ENDIAN, false);
    let symbol = entry.r_sym(ENDIAN, false) as usize;
    let Some(target) = symbols.get(symbol) else {
        return Err(LoadError::Malformed(format!(
            "relocation against symbol {symbol} of {}",
            symbols.len()
        )));
    };
    if is_thread_local(kind) {
        return Err(LoadError::Unsupported(format!(
            "thread-local relocation type {kind} against {}",
            target.name
        )));
    }
    Ok(Relocation {
        offset: entry.r_offset(ENDIAN),
        kind,
        symbol,
        addend: entry.r_addend(ENDIAN),
    })
}

fn is_thread_local(kind: u32) -> bool {
    matches!(
        kind,
        elf::R_X86_64_DTPMOD64
            ..=elf::R_X86_64_TPOFF32
                | elf::R_X86_64_GOTPC32_TLSDESC
                | elf::R_X86_64_TLSDESC_CALL
                | elf::R_X86_64_TLSDESC
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use object::elf::{R_X86_64_GOTPCRELX, R_X86_64_PC32, R_X86_64_REX_GOTPCRELX};

    fn at_3(kind: u32, addend: i64) -> Relocation {
        Relocation {
            offset: 3,
            kind,
            symbol: 0,
            addend,
        }
    }

    #[test]
    fn got_accesses_are_told_by_their_instruction_and_addend() {
        let mov = [0x48, 0x8b, 0x05, 0, 0, 0, 0];
        let call = [0x90, 0xff, 0x15, 0, 0, 0, 0];
        let jump = [0x90, 0xff, 0x25, 0, 0, 0, 0];
        // mov (%rax), %rax: not RIP-relative.
        let mov_indirect = [0x48, 0x8b, 0x00, 0, 0, 0, 0];
        let access = |code: &[u8], kind, addend| at_3(kind, addend).got_access(code);
        assert_eq!(
            access(&mov, R_X86_64_REX_GOTPCRELX, -4),
            Some(GotAccess::Load)
        );
        assert_eq!(access(&call, R_X86_64_GOTPCRELX, -4), Some(GotAccess::Call));
        assert_eq!(access(&jump, R_X86_64_GOTPCRELX, -4), Some(GotAccess::Jump));
        // Another slot than the symbol's, another relocation, another
        // instruction, a call the code generator did not mark, a field
        // past the section's end.
        assert!(access(&mov, R_X86_64_REX_GOTPCRELX, -8).is_none());
        assert!(access(&mov, R_X86_64_PC32, -4).is_none());
        assert!(access(&mov_indirect, R_X86_64_REX_GOTPCRELX, -4).is_none());
        assert!(access(&call, R_X86_64_REX_GOTPCRELX, -4).is_none());
        assert!(access(&mov[..6], R_X86_64_REX_GOTPCRELX, -4).is_none());
    }
}
