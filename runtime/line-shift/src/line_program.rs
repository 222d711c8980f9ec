//! DWARF line programs (DWARF 2 to 5): the header fields that drive the
//! state machine, decoding a program into rows, and encoding rows back into
//! a program.
//!
//! The encoder does not need to reproduce the original bytes, only the same
//! rows. Bytes that carry relocations (`DW_LNE_set_address` operands) or that
//! this module does not interpret (unknown opcodes) are kept verbatim as
//! [`Op::Verbatim`], with their old offset, so the caller can move their
//! relocations to where the encoder put them.

use std::ops::Range;

use crate::cursor::Cursor;
use crate::leb128::{write_sleb, write_uleb};
use crate::ShiftError;

const DW_LNS_COPY: u8 = 1;
const DW_LNS_ADVANCE_PC: u8 = 2;
const DW_LNS_ADVANCE_LINE: u8 = 3;
const DW_LNS_SET_FILE: u8 = 4;
const DW_LNS_SET_COLUMN: u8 = 5;
const DW_LNS_NEGATE_STMT: u8 = 6;
const DW_LNS_SET_BASIC_BLOCK: u8 = 7;
const DW_LNS_CONST_ADD_PC: u8 = 8;
const DW_LNS_FIXED_ADVANCE_PC: u8 = 9;
const DW_LNS_SET_PROLOGUE_END: u8 = 10;
const DW_LNS_SET_EPILOGUE_BEGIN: u8 = 11;
const DW_LNS_SET_ISA: u8 = 12;

const DW_LNE_END_SEQUENCE: u8 = 1;
const DW_LNE_SET_ADDRESS: u8 = 2;
const DW_LNE_SET_DISCRIMINATOR: u8 = 4;

/// The header fields the state machine depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Params {
    pub min_inst_length: u8,
    pub default_is_stmt: bool,
    pub line_base: i8,
    pub line_range: u8,
    pub opcode_base: u8,
    /// Operand counts of standard opcodes 1..opcode_base.
    pub standard_lengths: Vec<u8>,
}

/// One line-table unit of `.debug_line`, located but not decoded.
#[derive(Clone, Debug)]
pub(crate) struct Unit {
    /// Bytes of the unit_length field (4, or 12 for 64-bit DWARF).
    pub length_size: usize,
    /// Offsets in the section: the whole unit, and its line program.
    pub range: Range<usize>,
    pub program: Range<usize>,
    pub params: Params,
}

impl Unit {
    /// Reads the unit header at `start` of `section`.
    pub fn parse(section: &[u8], start: usize) -> Result<Unit, ShiftError> {
        let mut c = Cursor::new(section, start, ".debug_line");
        let (length, length_size, offset_size) = match c.u32()? {
            0xffff_ffff => (c.u64()?, 12, 8),
            n if n >= 0xffff_fff0 => return Err(bad(start, "reserved unit length")),
            n => (u64::from(n), 4, 4),
        };
        let end = usize::try_from(length)
            .ok()
            .and_then(|l| (start + length_size).checked_add(l))
            .filter(|&end| end <= section.len())
            .ok_or_else(|| bad(start, "unit runs past the section"))?;
        let mut c = Cursor::new(&section[..end], c.pos(), ".debug_line");
        let version = c.u16()?;
        if !(2..=5).contains(&version) {
            return Err(ShiftError::Unsupported(format!(
                ".debug_line unit at {start:#x} has version {version}"
            )));
        }
        if version >= 5 {
            c.bytes(2)?; // address_size, segment_selector_size
        }
        let header_length = c.uint(offset_size)?;
        let program_start = usize::try_from(header_length)
            .ok()
            .and_then(|l| c.pos().checked_add(l))
            .filter(|&p| p <= end)
            .ok_or_else(|| bad(start, "header runs past the unit"))?;
        let params = Params::parse(&mut c, version, start)?;
        Ok(Unit {
            length_size,
            range: start..end,
            program: program_start..end,
            params,
        })
    }
}

impl Params {
    fn parse(c: &mut Cursor, version: u16, unit: usize) -> Result<Params, ShiftError> {
        let min_inst_length = c.u8()?;
        let max_ops = if version >= 4 { c.u8()? } else { 1 };
        let default_is_stmt = c.u8()? != 0;
        let line_base = c.u8()? as i8;
        let line_range = c.u8()?;
        let opcode_base = c.u8()?;
        let standard_lengths = c
            .bytes(usize::from(opcode_base.saturating_sub(1)))?
            .to_vec();
        if max_ops != 1 {
            return Err(ShiftError::Unsupported(format!(
                ".debug_line unit at {unit:#x}: VLIW line tables"
            )));
        }
        if line_range == 0 || opcode_base == 0 || min_inst_length == 0 {
            return Err(bad(unit, "line_range, opcode_base or min_inst_length is 0"));
        }
        Ok(Params {
            min_inst_length,
            default_is_stmt,
            line_base,
            line_range,
            opcode_base,
            standard_lengths,
        })
    }
}

fn bad(unit: usize, what: &str) -> ShiftError {
    ShiftError::Malformed(format!(".debug_line unit at {unit:#x}: {what}"))
}

/// The state machine registers when a row is emitted (DWARF 5, 6.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    pub address: u64,
    pub file: u64,
    pub line: u64,
    pub column: u64,
    pub is_stmt: bool,
    pub basic_block: bool,
    pub end_sequence: bool,
    pub prologue_end: bool,
    pub epilogue_begin: bool,
    pub isa: u64,
    pub discriminator: u64,
}

impl Row {
    fn initial(params: &Params) -> Row {
        Row {
            address: 0,
            file: 1,
            line: 1,
            column: 0,
            is_stmt: params.default_is_stmt,
            basic_block: false,
            end_sequence: false,
            prologue_end: false,
            epilogue_begin: false,
            isa: 0,
            discriminator: 0,
        }
    }

    /// The registers a row resets once emitted.
    fn after_row(self) -> Row {
        Row {
            basic_block: false,
            prologue_end: false,
            epilogue_begin: false,
            discriminator: 0,
            ..self
        }
    }
}

/// What a program does, in order: rows, and bytes kept as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Row(Row),
    /// An opcode copied verbatim, found at `origin` (a section offset).
    Verbatim {
        bytes: Vec<u8>,
        origin: usize,
        sets_address: Option<SetAddress>,
    },
}

/// What a `DW_LNE_set_address` does: the address its operand bytes hold
/// (in an object, usually 0 plus a relocation), and the section offset of
/// that operand, where the relocation applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SetAddress {
    pub address: u64,
    pub operand: usize,
}

/// A sequence: the ops up to and including an end_sequence row (the last
/// sequence of a program may lack one), and the section bytes it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sequence {
    pub ops: Vec<Op>,
    pub range: Range<usize>,
}

impl Sequence {
    /// The section offset of the operand of the sequence's first
    /// `DW_LNE_set_address`, where its relocation applies.
    pub fn address_operand(&self) -> Option<usize> {
        self.ops.iter().find_map(|op| match op {
            Op::Verbatim {
                sets_address: Some(set),
                ..
            } => Some(set.operand),
            _ => None,
        })
    }
}

/// Decodes the program at `program` (section offsets) of `section` into
/// sequences.
pub(crate) fn decode(
    section: &[u8],
    program: Range<usize>,
    params: &Params,
) -> Result<Vec<Sequence>, ShiftError> {
    let data = section
        .get(..program.end)
        .ok_or_else(|| bad(program.start, "program runs past the section"))?;
    let mut c = Cursor::new(data, program.start, ".debug_line");
    let mut sequences = Vec::new();
    let mut state = Row::initial(params);
    let mut ops = Vec::new();
    let mut start = program.start;
    while !c.is_at_end() {
        let op_start = c.pos();
        let opcode = c.u8()?;
        if opcode >= params.opcode_base {
            special(&mut state, params, opcode, op_start)?;
            ops.push(Op::Row(state));
            state = state.after_row();
        } else if opcode == 0 {
            if let Some(op) = extended(&mut c, data, op_start, &mut state)? {
                ops.push(op);
            }
            if state.end_sequence {
                ops.push(Op::Row(state));
                state = Row::initial(params);
                sequences.push(Sequence {
                    ops: std::mem::take(&mut ops),
                    range: start..c.pos(),
                });
                start = c.pos();
            }
        } else if let Some(op) = standard(&mut c, data, op_start, &mut state, params, opcode)? {
            ops.push(op);
        }
    }
    if !ops.is_empty() {
        sequences.push(Sequence {
            ops,
            range: start..c.pos(),
        });
    }
    Ok(sequences)
}

fn overflow(at: usize) -> ShiftError {
    ShiftError::Malformed(format!(".debug_line: register overflow at {at:#x}"))
}

fn advance_address(
    state: &mut Row,
    operation_advance: u64,
    params: &Params,
    at: usize,
) -> Result<(), ShiftError> {
    let delta = operation_advance
        .checked_mul(u64::from(params.min_inst_length))
        .ok_or_else(|| overflow(at))?;
    state.address = state
        .address
        .checked_add(delta)
        .ok_or_else(|| overflow(at))?;
    Ok(())
}

fn advance_line(state: &mut Row, delta: i64, at: usize) -> Result<(), ShiftError> {
    state.line = state
        .line
        .checked_add_signed(delta)
        .ok_or_else(|| overflow(at))?;
    Ok(())
}

fn special(state: &mut Row, params: &Params, opcode: u8, at: usize) -> Result<(), ShiftError> {
    let adjusted = opcode - params.opcode_base;
    let operation_advance = u64::from(adjusted / params.line_range);
    let line_delta = i64::from(params.line_base) + i64::from(adjusted % params.line_range);
    advance_address(state, operation_advance, params, at)?;
    advance_line(state, line_delta, at)
}

/// Applies a standard opcode; returns the op to keep for an opcode this
/// module does not know (skipped through its declared operand count).
fn standard(
    c: &mut Cursor,
    data: &[u8],
    at: usize,
    state: &mut Row,
    params: &Params,
    opcode: u8,
) -> Result<Option<Op>, ShiftError> {
    match opcode {
        DW_LNS_COPY => return Ok(Some(emit(state))),
        DW_LNS_ADVANCE_PC => {
            let advance = c.uleb()?;
            advance_address(state, advance, params, at)?;
        }
        DW_LNS_ADVANCE_LINE => advance_line(state, c.sleb()?, at)?,
        DW_LNS_SET_FILE => state.file = c.uleb()?,
        DW_LNS_SET_COLUMN => state.column = c.uleb()?,
        DW_LNS_NEGATE_STMT => state.is_stmt = !state.is_stmt,
        DW_LNS_SET_BASIC_BLOCK => state.basic_block = true,
        DW_LNS_CONST_ADD_PC => {
            let advance = (255 - params.opcode_base) / params.line_range;
            advance_address(state, u64::from(advance), params, at)?;
        }
        DW_LNS_FIXED_ADVANCE_PC => {
            let delta = u64::from(c.u16()?);
            state.address = state
                .address
                .checked_add(delta)
                .ok_or_else(|| overflow(at))?;
        }
        DW_LNS_SET_PROLOGUE_END => state.prologue_end = true,
        DW_LNS_SET_EPILOGUE_BEGIN => state.epilogue_begin = true,
        DW_LNS_SET_ISA => state.isa = c.uleb()?,
        _ => {
            let operands = params.standard_lengths.get(usize::from(opcode) - 1);
            for _ in 0..operands.copied().unwrap_or(0) {
                c.uleb()?;
            }
            return Ok(Some(verbatim(data, at, c.pos(), None)));
        }
    }
    Ok(None)
}

/// The row the registers describe now; resets the per-row registers.
fn emit(state: &mut Row) -> Op {
    let row = *state;
    *state = state.after_row();
    Op::Row(row)
}

fn verbatim(data: &[u8], start: usize, end: usize, sets_address: Option<SetAddress>) -> Op {
    Op::Verbatim {
        bytes: data[start..end].to_vec(),
        origin: start,
        sets_address,
    }
}

/// Applies an extended opcode (the leading 0 is read). Sets
/// `state.end_sequence` for `DW_LNE_end_sequence`; returns the op to keep
/// for `DW_LNE_set_address` and unknown opcodes.
fn extended(
    c: &mut Cursor,
    data: &[u8],
    at: usize,
    state: &mut Row,
) -> Result<Option<Op>, ShiftError> {
    let len = usize::try_from(c.uleb()?).map_err(|_| c.truncated())?;
    if len == 0 {
        return Err(ShiftError::Malformed(format!(
            ".debug_line: empty extended opcode at {at:#x}"
        )));
    }
    let sub_opcode = c.u8()?;
    let mut operands = Cursor::new(c.bytes(len - 1)?, 0, ".debug_line");
    match sub_opcode {
        DW_LNE_END_SEQUENCE => {
            state.end_sequence = true;
            Ok(None)
        }
        DW_LNE_SET_ADDRESS => {
            state.address = operands.uint(len - 1)?;
            let set = SetAddress {
                address: state.address,
                operand: c.pos() - (len - 1),
            };
            Ok(Some(verbatim(data, at, c.pos(), Some(set))))
        }
        DW_LNE_SET_DISCRIMINATOR => {
            state.discriminator = operands.uleb()?;
            Ok(None)
        }
        _ => Ok(Some(verbatim(data, at, c.pos(), None))),
    }
}

/// Where the encoder put a verbatim op: its old and new offsets and length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Moved {
    pub old: usize,
    pub new: usize,
    pub len: usize,
}

/// Appends a program producing exactly the rows of `ops` to `out` (the new
/// section). Records in `moved` where each verbatim op went, as an offset
/// in `out`.
pub(crate) fn encode(
    ops: &[Op],
    params: &Params,
    out: &mut Vec<u8>,
    moved: &mut Vec<Moved>,
) -> Result<(), ShiftError> {
    let mut enc = Encoder {
        params,
        out,
        state: Row::initial(params),
    };
    for op in ops {
        match op {
            Op::Row(row) => enc.row(row)?,
            Op::Verbatim {
                bytes,
                origin,
                sets_address,
            } => {
                moved.push(Moved {
                    old: *origin,
                    new: enc.out.len(),
                    len: bytes.len(),
                });
                enc.out.extend_from_slice(bytes);
                if let Some(set) = sets_address {
                    enc.state.address = set.address;
                }
            }
        }
    }
    Ok(())
}

struct Encoder<'a> {
    params: &'a Params,
    out: &'a mut Vec<u8>,
    state: Row,
}

impl Encoder<'_> {
    fn unencodable(&self, what: &str) -> ShiftError {
        ShiftError::Unsupported(format!(".debug_line: cannot encode {what}"))
    }

    /// Emits a standard opcode, which must exist under this header's
    /// opcode_base (a header with a small base lacks the later ones).
    fn opcode(&mut self, opcode: u8) -> Result<(), ShiftError> {
        if opcode >= self.params.opcode_base {
            return Err(self.unencodable(&format!("standard opcode {opcode}")));
        }
        self.out.push(opcode);
        Ok(())
    }

    fn row(&mut self, row: &Row) -> Result<(), ShiftError> {
        self.set_registers(row)?;
        let address_delta = row
            .address
            .checked_sub(self.state.address)
            .ok_or_else(|| self.unencodable("an address going backwards"))?;
        let line_delta = i64::try_from(i128::from(row.line) - i128::from(self.state.line))
            .map_err(|_| self.unencodable("a line jump beyond 64 bits"))?;
        let operation_advance = self.operation_advance(address_delta)?;
        if row.end_sequence {
            self.end_sequence(operation_advance, line_delta)?;
            self.state = Row::initial(self.params);
        } else {
            self.advance_and_emit(operation_advance, line_delta)?;
            self.state = row.after_row();
        }
        Ok(())
    }

    /// Sets every register but address and line to the row's value.
    fn set_registers(&mut self, row: &Row) -> Result<(), ShiftError> {
        if row.file != self.state.file {
            self.opcode(DW_LNS_SET_FILE)?;
            write_uleb(self.out, row.file);
        }
        if row.column != self.state.column {
            self.opcode(DW_LNS_SET_COLUMN)?;
            write_uleb(self.out, row.column);
        }
        if row.is_stmt != self.state.is_stmt {
            self.opcode(DW_LNS_NEGATE_STMT)?;
        }
        if row.isa != self.state.isa {
            self.opcode(DW_LNS_SET_ISA)?;
            write_uleb(self.out, row.isa);
        }
        if row.basic_block {
            self.opcode(DW_LNS_SET_BASIC_BLOCK)?;
        }
        if row.prologue_end {
            self.opcode(DW_LNS_SET_PROLOGUE_END)?;
        }
        if row.epilogue_begin {
            self.opcode(DW_LNS_SET_EPILOGUE_BEGIN)?;
        }
        if row.discriminator != 0 {
            let mut operand = Vec::new();
            write_uleb(&mut operand, row.discriminator);
            self.out.push(0);
            write_uleb(self.out, operand.len() as u64 + 1);
            self.out.push(DW_LNE_SET_DISCRIMINATOR);
            self.out.extend_from_slice(&operand);
        }
        Ok(())
    }

    /// The address delta in units of min_inst_length. A remainder (which
    /// only odd producers leave) goes out at once via fixed_advance_pc.
    fn operation_advance(&mut self, address_delta: u64) -> Result<u64, ShiftError> {
        let unit = u64::from(self.params.min_inst_length);
        let remainder = address_delta % unit;
        if remainder != 0 {
            self.opcode(DW_LNS_FIXED_ADVANCE_PC)?;
            self.out
                .extend_from_slice(&(remainder as u16).to_le_bytes());
        }
        Ok(address_delta / unit)
    }

    /// The special opcode for this advance, if one exists.
    fn special(&self, operation_advance: u64, line_delta: i64) -> Option<u8> {
        let p = self.params;
        let line_offset = line_delta.checked_sub(i64::from(p.line_base))?;
        if !(0..i64::from(p.line_range)).contains(&line_offset) {
            return None;
        }
        let opcode = operation_advance
            .checked_mul(u64::from(p.line_range))?
            .checked_add(line_offset as u64)?
            .checked_add(u64::from(p.opcode_base))?;
        u8::try_from(opcode).ok()
    }

    /// The operation advance of const_add_pc (that of special opcode 255).
    fn const_add_pc_advance(&self) -> u64 {
        u64::from((255 - self.params.opcode_base) / self.params.line_range)
    }

    fn advance_pc(&mut self, operation_advance: u64) -> Result<(), ShiftError> {
        if operation_advance != 0 {
            self.opcode(DW_LNS_ADVANCE_PC)?;
            write_uleb(self.out, operation_advance);
        }
        Ok(())
    }

    fn advance_line(&mut self, line_delta: i64) -> Result<(), ShiftError> {
        if line_delta != 0 {
            self.opcode(DW_LNS_ADVANCE_LINE)?;
            write_sleb(self.out, line_delta);
        }
        Ok(())
    }

    /// Advances address and line and emits a row, with a special opcode
    /// where one fits.
    fn advance_and_emit(
        &mut self,
        operation_advance: u64,
        line_delta: i64,
    ) -> Result<(), ShiftError> {
        let mut line_delta = line_delta;
        if self.special(0, line_delta).is_none() {
            self.advance_line(line_delta)?;
            line_delta = 0;
        }
        if self.special(0, line_delta).is_none() {
            // Line delta 0 is outside the special range of this header.
            self.advance_pc(operation_advance)?;
            return self.opcode(DW_LNS_COPY);
        }
        if let Some(opcode) = self.special(operation_advance, line_delta) {
            self.out.push(opcode);
            return Ok(());
        }
        let const_add = self.const_add_pc_advance();
        if let Some(rest) = operation_advance.checked_sub(const_add) {
            if let Some(opcode) = self.special(rest, line_delta) {
                self.opcode(DW_LNS_CONST_ADD_PC)?;
                self.out.push(opcode);
                return Ok(());
            }
        }
        self.advance_pc(operation_advance)?;
        let opcode = self
            .special(0, line_delta)
            .ok_or_else(|| self.unencodable("a row"))?;
        self.out.push(opcode);
        Ok(())
    }

    fn end_sequence(&mut self, operation_advance: u64, line_delta: i64) -> Result<(), ShiftError> {
        if operation_advance != 0 && operation_advance == self.const_add_pc_advance() {
            self.opcode(DW_LNS_CONST_ADD_PC)?;
        } else {
            self.advance_pc(operation_advance)?;
        }
        self.advance_line(line_delta)?;
        self.out.extend_from_slice(&[0, 1, DW_LNE_END_SEQUENCE]);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
