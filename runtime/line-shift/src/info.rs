//! `.debug_info`: finding each shifted function's subprogram DIE and
//! patching the lines in its tree, in place.
//!
//! The subprogram is found through its `DW_AT_low_pc`, which in an object
//! is a relocation (directly in `.debug_info` for `DW_FORM_addr`, or in
//! `.debug_addr` for `DW_FORM_addrx*`) against the function's symbol or its
//! section. gimli walks the abbreviations and forms; this module tracks the
//! offset of each attribute so it can overwrite the value.

use std::collections::BTreeMap;

use gimli::constants::{self as dw, DwAt, DwForm, DwTag};
use gimli::{AttributeValue, EndianSlice, LittleEndian, UnitOffset};

use crate::elf::{DebugSections, Object, Place, Relocs};
use crate::leb128::{sleb_padded, uleb_padded};
use crate::{Function, Shift, ShiftError};

type Reader<'d> = EndianSlice<'d, LittleEndian>;
type UnitHeader<'d> = gimli::UnitHeader<Reader<'d>>;

/// New bytes for `.debug_info`, by offset, each as long as the old. Keyed so
/// an attribute in two shifted trees (a nested function, say) moves once.
pub(crate) type Patches = BTreeMap<usize, Vec<u8>>;

/// The shifted functions that have a subprogram DIE, and the DIE patches.
pub(crate) struct Found<'a> {
    pub functions: Vec<Function<'a>>,
    pub patches: Patches,
}

fn gimli_error(err: gimli::Error) -> ShiftError {
    ShiftError::Malformed(format!(".debug_info: {err}"))
}

/// Finds the subprogram DIE of each target and patches its tree.
pub(crate) fn shift_functions<'a>(
    elf: &Object,
    sections: &DebugSections,
    targets: &[(Shift<'a>, Place)],
) -> Result<Found<'a>, ShiftError> {
    let debug_info = gimli::DebugInfo::new(elf.section_data(sections.info)?, LittleEndian);
    let debug_abbrev = gimli::DebugAbbrev::new(elf.section_data(sections.abbrev)?, LittleEndian);
    let relocs = DieRelocs {
        elf,
        info: elf.relocations_for(sections.info)?,
        addr: match sections.addr {
            Some(addr) => elf.relocations_for(addr)?,
            None => Relocs::new(),
        },
    };
    let mut found = Found {
        functions: Vec::new(),
        patches: Patches::new(),
    };
    let mut units = debug_info.units();
    while let Some(header) = units.next().map_err(gimli_error)? {
        let abbrevs = debug_abbrev
            .abbreviations(abbrev_offset(&header, &relocs))
            .map_err(gimli_error)?;
        let unit = Unit {
            header,
            abbrevs: &abbrevs,
            start: header.offset().0,
        };
        for (die, place) in unit.subprograms(&relocs)? {
            if let Some((shift, _)) = targets.iter().find(|(_, p)| *p == place) {
                let function = unit.shift_subprogram(&die, *shift, place, &mut found.patches)?;
                found.functions.push(function);
            }
        }
    }
    Ok(found)
}

/// Where the unit's abbreviations start. The header field is relocated: in
/// an object made by `ld -r` from several, only the first unit's is 0.
fn abbrev_offset(header: &UnitHeader, relocs: &DieRelocs) -> gimli::DebugAbbrevOffset {
    let length_size = match header.format() {
        gimli::Format::Dwarf32 => 4,
        gimli::Format::Dwarf64 => 12,
    };
    // DWARF 5 puts unit_type and address_size before the offset.
    let before = if header.version() >= 5 { 4 } else { 2 };
    let field = (header.offset().0 + length_size + before) as u64;
    match relocs.info.get(&field).and_then(|r| relocs.elf.target(r)) {
        Some(place) => gimli::DebugAbbrevOffset(place.offset as usize),
        None => header.debug_abbrev_offset(),
    }
}

/// The relocations that resolve addresses in DIEs.
struct DieRelocs<'e, 'o> {
    elf: &'e Object<'o>,
    info: Relocs,
    addr: Relocs,
}

/// An attribute, with where its value sits in the unit.
struct Attr<'d> {
    name: DwAt,
    /// The form as the abbreviation declares it.
    form: DwForm,
    value: AttributeValue<Reader<'d>>,
    offset: usize,
    len: usize,
}

struct Die<'d> {
    offset: UnitOffset,
    tag: DwTag,
    attrs: Vec<Attr<'d>>,
}

impl<'d> Die<'d> {
    fn attr(&self, name: DwAt) -> Option<&Attr<'d>> {
        self.attrs.iter().find(|a| a.name == name)
    }

    fn udata(&self, name: DwAt) -> Option<u64> {
        self.attr(name)?.value.udata_value()
    }

    /// The DIE another one refers to through `name`, in the same unit.
    fn unit_ref(&self, name: DwAt) -> Option<UnitOffset> {
        match self.attr(name)?.value {
            AttributeValue::UnitRef(offset) => Some(offset),
            _ => None,
        }
    }
}

/// Reads the DIE `entries` is at; None for a null entry.
fn read_die<'d>(
    entries: &mut gimli::EntriesRaw<'_, Reader<'d>>,
) -> Result<Option<Die<'d>>, ShiftError> {
    let offset = entries.next_offset();
    let Some(abbrev) = entries.read_abbreviation().map_err(gimli_error)? else {
        return Ok(None);
    };
    let mut attrs = Vec::with_capacity(abbrev.attributes().len());
    for spec in abbrev.attributes() {
        let start = entries.next_offset().0;
        let attr = entries.read_attribute(*spec).map_err(gimli_error)?;
        attrs.push(Attr {
            name: spec.name(),
            form: spec.form(),
            value: attr.raw_value(),
            offset: start,
            len: entries.next_offset().0 - start,
        });
    }
    Ok(Some(Die {
        offset,
        tag: abbrev.tag(),
        attrs,
    }))
}

struct Unit<'d, 'a> {
    header: UnitHeader<'d>,
    abbrevs: &'a gimli::Abbreviations,
    /// The unit's offset in `.debug_info`.
    start: usize,
}

impl<'d> Unit<'d, '_> {
    fn entries_at(
        &self,
        offset: Option<UnitOffset>,
    ) -> Result<gimli::EntriesRaw<'_, Reader<'d>>, ShiftError> {
        self.header
            .entries_raw(self.abbrevs, offset)
            .map_err(gimli_error)
    }

    fn die_at(&self, offset: UnitOffset) -> Result<Option<Die<'d>>, ShiftError> {
        read_die(&mut self.entries_at(Some(offset))?)
    }

    /// Every subprogram DIE with code, and where its code starts.
    fn subprograms(&self, relocs: &DieRelocs) -> Result<Vec<(Die<'d>, Place)>, ShiftError> {
        let mut entries = self.entries_at(None)?;
        let mut addr_base = None;
        let mut found = Vec::new();
        while !entries.is_empty() {
            let Some(die) = read_die(&mut entries)? else {
                continue;
            };
            if die.tag == dw::DW_TAG_compile_unit || die.tag == dw::DW_TAG_skeleton_unit {
                addr_base = self.addr_base(&die, relocs);
            }
            if die.tag == dw::DW_TAG_subprogram {
                if let Some(place) = self.low_pc(&die, addr_base, relocs) {
                    found.push((die, place));
                }
            }
        }
        Ok(found)
    }

    /// The unit's `DW_AT_addr_base`: where its entries start in `.debug_addr`.
    fn addr_base(&self, root: &Die, relocs: &DieRelocs) -> Option<u64> {
        let attr = root.attr(dw::DW_AT_addr_base)?;
        match relocs.info.get(&((self.start + attr.offset) as u64)) {
            Some(reloc) => relocs.elf.target(reloc).map(|p| p.offset),
            None => attr.value.udata_value(),
        }
    }

    /// Where the code described by the DIE starts, from its `DW_AT_low_pc`.
    fn low_pc(&self, die: &Die, addr_base: Option<u64>, relocs: &DieRelocs) -> Option<Place> {
        let attr = die.attr(dw::DW_AT_low_pc)?;
        let reloc = match attr.value {
            AttributeValue::Addr(_) => relocs.info.get(&((self.start + attr.offset) as u64))?,
            AttributeValue::DebugAddrIndex(index) => {
                let size = u64::from(self.header.address_size());
                let offset = (index.0 as u64)
                    .checked_mul(size)?
                    .checked_add(addr_base?)?;
                relocs.addr.get(&offset)?
            }
            _ => return None,
        };
        relocs.elf.target(reloc)
    }

    /// Patches the lines of the subprogram's tree (and of its abstract
    /// origin's, which describes the same source).
    fn shift_subprogram<'a>(
        &self,
        die: &Die<'d>,
        shift: Shift<'a>,
        place: Place,
        patches: &mut Patches,
    ) -> Result<Function<'a>, ShiftError> {
        let function = Function {
            symbol: shift.symbol,
            lines: shift.lines,
            place,
            own_file: self.own_file(die, shift.symbol)?,
        };
        self.shift_tree(die.offset, &function, patches)?;
        if let Some(origin) = die.unit_ref(dw::DW_AT_abstract_origin) {
            self.shift_tree(origin, &function, patches)?;
        }
        Ok(function)
    }

    /// The subprogram's `DW_AT_decl_file`, or that of the DIE it completes.
    fn own_file(&self, die: &Die, symbol: &str) -> Result<u64, ShiftError> {
        if let Some(file) = die.udata(dw::DW_AT_decl_file) {
            return Ok(file);
        }
        for link in [dw::DW_AT_abstract_origin, dw::DW_AT_specification] {
            if let Some(offset) = die.unit_ref(link) {
                let file = self
                    .die_at(offset)?
                    .and_then(|d| d.udata(dw::DW_AT_decl_file));
                if let Some(file) = file {
                    return Ok(file);
                }
            }
        }
        Err(ShiftError::Unsupported(format!(
            "function `{symbol}`: its DIE has no DW_AT_decl_file"
        )))
    }

    /// Patches the DIE at `root` and all its descendants.
    fn shift_tree(
        &self,
        root: UnitOffset,
        function: &Function,
        patches: &mut Patches,
    ) -> Result<(), ShiftError> {
        let mut entries = self.entries_at(Some(root))?;
        loop {
            if let Some(die) = read_die(&mut entries)? {
                self.shift_die(&die, function, patches)?;
            }
            if entries.next_depth() <= 0 {
                return Ok(());
            }
        }
    }

    /// Moves the DIE's declaration and call lines if they are in the
    /// function's own file.
    fn shift_die(
        &self,
        die: &Die,
        function: &Function,
        patches: &mut Patches,
    ) -> Result<(), ShiftError> {
        let pairs = [
            (dw::DW_AT_decl_file, dw::DW_AT_decl_line),
            (dw::DW_AT_call_file, dw::DW_AT_call_line),
        ];
        for (file, line) in pairs {
            let (Some(file), Some(line)) = (die.udata(file), die.attr(line)) else {
                continue;
            };
            if file != function.own_file {
                continue;
            }
            let old = line.value.udata_value().ok_or_else(|| {
                ShiftError::Unsupported(format!(
                    "function `{}`: {} in {}",
                    function.symbol, line.name, line.form
                ))
            })?;
            let new = function.shifted(old)?;
            if new != old {
                let bytes = encode_in_place(line, new, function.symbol)?;
                patches.entry(self.start + line.offset).or_insert(bytes);
            }
        }
        Ok(())
    }
}

/// `value` in the attribute's form and length, or DoesNotFit.
fn encode_in_place(attr: &Attr, value: u64, symbol: &str) -> Result<Vec<u8>, ShiftError> {
    let bytes = match attr.form {
        dw::DW_FORM_data1 => u8::try_from(value).ok().map(|v| vec![v]),
        dw::DW_FORM_data2 => u16::try_from(value).ok().map(|v| v.to_le_bytes().to_vec()),
        dw::DW_FORM_data4 => u32::try_from(value).ok().map(|v| v.to_le_bytes().to_vec()),
        dw::DW_FORM_data8 => Some(value.to_le_bytes().to_vec()),
        dw::DW_FORM_udata => uleb_padded(value, attr.len),
        dw::DW_FORM_sdata => i64::try_from(value)
            .ok()
            .and_then(|v| sleb_padded(v, attr.len)),
        // The value lives in the abbreviation, shared with other DIEs.
        dw::DW_FORM_implicit_const => None,
        form => {
            return Err(ShiftError::Unsupported(format!(
                "function `{symbol}`: {} in {form}",
                attr.name
            )))
        }
    };
    bytes.ok_or_else(|| ShiftError::DoesNotFit {
        symbol: symbol.to_string(),
        what: format!("{} {value} in {}", attr.name, attr.form),
    })
}
