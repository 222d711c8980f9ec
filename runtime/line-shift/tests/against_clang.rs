//! A shifted object must describe the same code as the object clang makes
//! from the moved source: same line table rows, same DIE lines inside the
//! functions, and the same answers from gdb.

mod support;

use std::borrow::Cow;
use std::fs;
use std::path::Path;

use autojit_line_shift::{shift_lines, LineMove, Shift, ShiftError};
use support::*;

const HEADER: &str = r#"#define TWICE(x) ((x) * 2)
static inline int header_fn(int acc) {
  int y = acc + 1;
#include "frag.inc"
  return y * 3 + acc;
}
"#;

const FRAGMENT: &str = "  acc += 7;\n  acc ^= 3;\n";

/// Loops, ifs, an always-inline callee from the same file, a body that
/// includes lines from another file, a macro from a header, a call into a
/// header function, locals and a nested block.
const MAIN: &str = r#"#include "hdr.h"

static inline __attribute__((always_inline)) int helper(int v) {
  int w = v * v;
  return w - 1;
}

int loopy(int n) {
  int acc = 0;
  for (int i = 0; i < n; i++) {
    if (i % 3 == 0)
      acc += helper(i);
    else {
      int t = TWICE(i);
      acc -= t;
    }
  }
  return acc;
}

int included(int acc) {
#include "frag.inc"
  {
    int nested = acc * 5;
    acc = nested + header_fn(acc);
  }
  return acc;
}

int main(int argc, char **argv) {
  (void)argv;
  return loopy(argc + 5) + included(argc) > 1000;
}
"#;

/// The functions whose own file is t.c.
const MAIN_FUNCTIONS: [&str; 3] = ["loopy", "included", "main"];

fn shifts(names: &[&'static str], delta: i64) -> Vec<Shift<'static>> {
    names
        .iter()
        .map(|&symbol| Shift {
            symbol,
            lines: LineMove::By(delta),
        })
        .collect()
}

fn write_sources(dir: &Path, main_padding: usize, header_padding: usize) {
    write(dir, "t.c", &(padding(main_padding) + MAIN));
    write(dir, "hdr.h", &(padding(header_padding) + HEADER));
    write(dir, "frag.inc", FRAGMENT);
}

/// A second translation unit, for objects holding two units.
const OTHER: &str = "int other(int x) {\n  return x * 11;\n}\n";

/// Compiles the sources padded by `before`, shifts `names` by the
/// difference, compiles them padded by `after`, and compares.
/// Paddings are (t.c, hdr.h).
fn check(
    name: &str,
    flags: &[&str],
    before: (usize, usize),
    after: (usize, usize),
    names: &[&'static str],
) {
    let dir = support::scratch(name);
    write_sources(&dir, before.0, before.1);
    let old = compile(&dir, "t.c", "old.o", flags);
    write_sources(&dir, after.0, after.1);
    compile(&dir, "t.c", "fresh.o", flags);
    compare(
        &dir,
        &old,
        after.0 as i64 - before.0 as i64 + after.1 as i64 - before.1 as i64,
        names,
    );
    let _ = fs::remove_dir_all(&dir);
}

/// Shifts `names` in `old` (old.o in `dir`) by `delta` and compares the
/// result with fresh.o.
fn compare(dir: &Path, old: &[u8], delta: i64, names: &[&'static str]) {
    let dir = dir.to_path_buf();
    let shifted = shift_lines(old, &shifts(names, delta)).expect("shifts");
    assert!(matches!(shifted, Cow::Owned(_)));
    fs::write(dir.join("shifted.o"), &shifted).expect("write shifted object");

    // The comparisons see the move: the old object differs from the fresh.
    assert_ne!(debug_line(&dir, "old.o"), debug_line(&dir, "fresh.o"));
    assert_ne!(debug_info(&dir, "old.o"), debug_info(&dir, "fresh.o"));
    assert_eq!(debug_line(&dir, "shifted.o"), debug_line(&dir, "fresh.o"));
    assert_eq!(debug_info(&dir, "shifted.o"), debug_info(&dir, "fresh.o"));
    verify(&dir, "shifted.o");
    let commands = [
        "break loopy",
        "break included",
        "break header_fn",
        "run",
        "bt",
        "continue",
        "bt",
        "info line",
        "list loopy",
    ];
    let with_shifted = gdb(&dir, "shifted.o", "shifted", &commands);
    let with_fresh = gdb(&dir, "fresh.o", "fresh", &commands);
    let with_old = gdb(&dir, "old.o", "old", &commands);
    assert!(with_fresh.contains("loopy (n=6) at t.c"), "{with_fresh}");
    assert_ne!(with_old, with_fresh);
    assert_eq!(with_shifted, with_fresh);
}

#[test]
fn three_lines_down_at_o0() {
    if have_clang() {
        check("o0", &["-g", "-O0"], (0, 0), (3, 0), &MAIN_FUNCTIONS);
    }
}

#[test]
fn three_lines_down_at_o2() {
    if have_clang() {
        check("o2", &["-g", "-O2"], (0, 0), (3, 0), &MAIN_FUNCTIONS);
    }
}

#[test]
fn three_lines_down_in_dwarf4() {
    if have_clang() {
        check(
            "dwarf4",
            &["-gdwarf-4", "-O0"],
            (0, 0),
            (3, 0),
            &MAIN_FUNCTIONS,
        );
    }
}

#[test]
fn lines_up() {
    if have_clang() {
        check("up", &["-g", "-O0"], (5, 0), (1, 0), &MAIN_FUNCTIONS);
    }
}

/// Past line 255 the lines are stored in two bytes, so 300 more fit.
#[test]
fn three_hundred_lines_down_in_two_byte_lines() {
    if have_clang() {
        check("wide", &["-g", "-O0"], (260, 0), (560, 0), &MAIN_FUNCTIONS);
    }
}

/// `ld -r` output holds two units; growing the first line program moves the
/// second, and its DW_AT_stmt_list must follow.
#[test]
fn first_of_two_units_grows() {
    if !have_clang() {
        return;
    }
    let dir = support::scratch("two-units");
    write(&dir, "u.c", OTHER);
    compile(&dir, "u.c", "u.o", &["-g", "-O0"]);
    // From lines below 64 to lines above: the line advances take a byte more.
    for (padding, object) in [(0, "old.o"), (100, "fresh.o")] {
        write_sources(&dir, padding, 0);
        compile(&dir, "t.c", "t.o", &["-g", "-O0"]);
        link_relocatable(&dir, &["t.o", "u.o"], object);
    }
    let old = fs::read(dir.join("old.o")).expect("read old.o");
    compare(&dir, &old, 100, &MAIN_FUNCTIONS);
    let stmt_lists = |object| {
        let dump = debug_info(&dir, object);
        let lists: Vec<String> = dump
            .lines()
            .filter(|l| l.contains("DW_AT_stmt_list"))
            .map(str::to_string)
            .collect();
        assert_eq!(lists.len(), 2, "{dump}");
        lists
    };
    assert_ne!(stmt_lists("old.o"), stmt_lists("shifted.o"));
    let _ = fs::remove_dir_all(&dir);
}

/// A function of the header moves with the header; the lines it includes
/// from frag.inc, and the functions of t.c, stay.
#[test]
fn header_function_moves_only_its_own_lines() {
    if have_clang() {
        check("header", &["-g", "-O0"], (0, 0), (0, 4), &["header_fn"]);
    }
}

/// Lines below 256 are stored in one byte: 300 more do not fit, and the
/// caller must compile again.
#[test]
fn three_hundred_lines_down_in_one_byte_lines_does_not_fit() {
    if !have_clang() {
        return;
    }
    let dir = support::scratch("overflow");
    write_sources(&dir, 0, 0);
    let old = compile(&dir, "t.c", "old.o", &["-g", "-O0"]);
    let err = shift_lines(&old, &shifts(&["loopy"], 300)).expect_err("overflows");
    match &err {
        ShiftError::DoesNotFit { symbol, .. } => assert_eq!(symbol, "loopy"),
        other => panic!("expected DoesNotFit, got {other:?}"),
    }
    assert!(err.to_string().contains("`loopy`"), "{err}");
    assert!(!err.to_string().contains('\n'));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn lines_below_one_are_an_error() {
    if !have_clang() {
        return;
    }
    let dir = support::scratch("negative");
    write_sources(&dir, 0, 0);
    let old = compile(&dir, "t.c", "old.o", &["-g", "-O0"]);
    let err = shift_lines(&old, &shifts(&["loopy"], -20)).expect_err("negative");
    assert!(matches!(err, ShiftError::LineOutOfRange { .. }), "{err:?}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn nothing_to_do_borrows() {
    if !have_clang() {
        return;
    }
    let dir = support::scratch("borrow");
    write_sources(&dir, 0, 0);
    let with_debug = compile(&dir, "t.c", "g.o", &["-g", "-O0"]);
    let without_debug = compile(&dir, "t.c", "nog.o", &["-O0"]);
    let cases = [
        (&with_debug, shifts(&MAIN_FUNCTIONS, 0)),
        (&with_debug, shifts(&["no_such_function"], 3)),
        (&without_debug, shifts(&MAIN_FUNCTIONS, 3)),
    ];
    for (object, shifts) in cases {
        let result = shift_lines(object, &shifts).expect("nothing to do");
        assert!(matches!(result, Cow::Borrowed(_)));
    }
    let _ = fs::remove_dir_all(&dir);
}

/// An erased function keeps no line of its own file: gdb cannot put a
/// breakpoint by line in it, nor name a line of it; the others keep theirs.
#[test]
fn erased_function_has_no_lines() {
    if !have_clang() {
        return;
    }
    let dir = support::scratch("erase");
    write_sources(&dir, 0, 0);
    let old = compile(&dir, "t.c", "old.o", &["-g", "-O0"]);
    let erase = [Shift {
        symbol: "loopy",
        lines: LineMove::Erase,
    }];
    let erased = shift_lines(&old, &erase).expect("erases");
    fs::write(dir.join("erased.o"), &erased).expect("write erased object");
    verify(&dir, "erased.o");
    // Line 10 is loopy's `for`; line 22 is in `included`.
    let commands = ["break t.c:10", "break t.c:22", "info line loopy"];
    let with_old = gdb(&dir, "old.o", "old", &commands);
    let with_erased = gdb(&dir, "erased.o", "erased", &commands);
    let lines = |output: &str| -> Vec<String> { output.lines().map(str::to_string).collect() };
    let (old_lines, erased_lines) = (lines(&with_old), lines(&with_erased));
    assert!(old_lines[0].ends_with("file t.c, line 10."), "{with_old}");
    assert!(!erased_lines[0].contains("t.c"), "{with_erased}");
    assert_eq!(old_lines[1], erased_lines[1]);
    assert!(
        erased_lines[2].starts_with("No line number information"),
        "{with_erased}"
    );
    let _ = fs::remove_dir_all(&dir);
}
