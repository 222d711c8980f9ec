//! Moves the source lines of functions in an x86-64 ELF relocatable object.
//!
//! A JIT object cache may reuse an object compiled from a function whose
//! source has since moved: lines were inserted or removed above it, so every
//! line of the function is now N lines away from where the object says.
//! Recompiling only to fix the debug info is wasteful; instead the cache asks
//! this crate to add N to the function's lines before linking the object, so
//! debuggers see the current lines.
//!
//! Two places hold a function's lines:
//! - `.debug_line`: the function's sequence (function sections give each
//!   function its own) is decoded into rows, its lines moved, and re-encoded
//!   (modules `line_program` and `line_table`). The section may grow, so it is
//!   written anew at the end of the file.
//! - `.debug_info`: `DW_AT_decl_line` and `DW_AT_call_line` in the function's
//!   DIE tree are patched in place (module `info`); a value that no longer fits
//!   its form is reported, and the caller recompiles instead.
//!
//! Only lines in the function's own file (its `DW_AT_decl_file`) move: code
//! from headers the function includes did not move with it.
//!
//! An object may also be reused in another checkout of the same sources
//! than the one it was compiled in: `move_paths` (module `paths`) points its
//! debug info's paths at the checkout that runs it.

mod cursor;
mod elf;
mod info;
mod leb128;
mod line_program;
mod line_table;
mod paths;

pub use paths::move_paths;

use std::borrow::Cow;
use std::fmt;

/// One function whose lines move: `symbol` is the name of the function's
/// (global or local) symbol in the object; `lines` says what becomes of each
/// line of the function that lies in the function's own source file.
#[derive(Clone, Copy, Debug)]
pub struct Shift<'a> {
    pub symbol: &'a str,
    pub lines: LineMove,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineMove {
    /// Added to each line.
    By(i64),
    /// Each line becomes 0 ("no line"): for a body that no longer matches
    /// its source, which a debugger must not place a breakpoint in.
    Erase,
}

/// Why an object could not be shifted. The caller's remedy is the same for
/// all of them (compile again); the variants say whose fault it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShiftError {
    /// The object, or its debug info, is not what it claims to be.
    Malformed(String),
    /// Valid, but outside what this crate handles (another machine, a form
    /// or encoding it does not rewrite).
    Unsupported(String),
    /// A shifted line does not fit where the old one was stored.
    DoesNotFit { symbol: String, what: String },
    /// A shifted line would be zero or negative.
    LineOutOfRange {
        symbol: String,
        line: u64,
        delta: i64,
    },
}

impl fmt::Display for ShiftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShiftError::Malformed(what) => write!(f, "malformed object: {what}"),
            ShiftError::Unsupported(what) => write!(f, "unsupported object: {what}"),
            ShiftError::DoesNotFit { symbol, what } => {
                write!(f, "function `{symbol}`: {what} does not fit in place")
            }
            ShiftError::LineOutOfRange {
                symbol,
                line,
                delta,
            } => write!(
                f,
                "function `{symbol}`: line {line} shifted by {delta} is not a valid line"
            ),
        }
    }
}

impl std::error::Error for ShiftError {}

/// A function found in the object, with everything needed to move its lines.
#[derive(Clone, Debug)]
pub(crate) struct Function<'a> {
    pub symbol: &'a str,
    pub lines: LineMove,
    /// Where the function's code starts: its section and offset in it.
    pub place: elf::Place,
    /// The file index (`DW_AT_decl_file`) of the function's own source file.
    pub own_file: u64,
}

impl Function<'_> {
    /// `line` moved as the function's lines move; zero stays zero (it means
    /// "no line", e.g. compiler-generated code).
    pub fn shifted(&self, line: u64) -> Result<u64, ShiftError> {
        let delta = match self.lines {
            _ if line == 0 => return Ok(0),
            LineMove::Erase => return Ok(0),
            LineMove::By(delta) => delta,
        };
        i64::try_from(line)
            .ok()
            .and_then(|l| l.checked_add(delta))
            .filter(|&l| l > 0)
            .map(|l| l as u64)
            .ok_or_else(|| ShiftError::LineOutOfRange {
                symbol: self.symbol.to_string(),
                line,
                delta,
            })
    }
}

/// Returns the object with the lines moved (`Cow::Borrowed` when there is
/// nothing to do: no shift that moves lines names a function with debug info
/// in the object). Shifts naming symbols the object does not define, or
/// functions without a subprogram DIE, are ignored.
pub fn shift_lines<'o>(object: &'o [u8], shifts: &[Shift]) -> Result<Cow<'o, [u8]>, ShiftError> {
    let moves = |s: &&Shift| s.lines != LineMove::By(0);
    if !shifts.iter().any(|s| moves(&s)) {
        return Ok(Cow::Borrowed(object));
    }
    let elf = elf::Object::parse(object)?;
    let Some(sections) = elf::DebugSections::find(&elf)? else {
        return Ok(Cow::Borrowed(object));
    };
    let targets: Vec<(Shift, elf::Place)> = shifts
        .iter()
        .filter(moves)
        .filter_map(|s| elf.function_place(s.symbol).map(|p| (*s, p)))
        .collect();
    if targets.is_empty() {
        return Ok(Cow::Borrowed(object));
    }
    let found = info::shift_functions(&elf, &sections, &targets)?;
    if found.functions.is_empty() {
        return Ok(Cow::Borrowed(object));
    }
    let mut out = elf::Output::new(object);
    for (&offset, bytes) in &found.patches {
        out.patch_section(&elf, sections.info, offset, bytes)?;
    }
    if let Some(table) = line_table::rewrite(&elf, sections.line, &found.functions)? {
        line_table::install(&elf, sections.line, &table, &mut out)?;
    }
    Ok(Cow::Owned(out.finish()))
}
