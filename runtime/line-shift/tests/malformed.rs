//! Broken input gives an error, never a panic.

mod support;

use autojit_line_shift::{shift_lines, LineMove, Shift};
use support::*;

const SOURCE: &str = r#"int f(int n) {
  int acc = 0;
  for (int i = 0; i < n; i++)
    acc += i;
  return acc;
}

int g(int n) { return f(n) + 1; }
"#;

const SHIFTS: [Shift; 2] = [
    Shift {
        symbol: "f",
        lines: LineMove::By(2),
    },
    Shift {
        symbol: "g",
        lines: LineMove::By(2),
    },
];

fn object(name: &str, flags: &[&str]) -> Vec<u8> {
    let dir = scratch(name);
    write(&dir, "m.c", SOURCE);
    let object = compile(&dir, "m.c", "m.o", flags);
    let _ = std::fs::remove_dir_all(&dir);
    object
}

#[test]
fn garbage_is_an_error() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for len in [0, 1, 16, 63, 64, 65, 200, 4096] {
        let garbage: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        assert!(shift_lines(&garbage, &SHIFTS).is_err(), "{len} bytes");
    }
}

#[test]
fn truncated_objects_are_errors() {
    if !have_clang() {
        return;
    }
    let object = object("truncated", &["-g", "-O0"]);
    assert!(shift_lines(&object, &SHIFTS).is_ok());
    for len in 0..object.len() {
        assert!(
            shift_lines(&object[..len], &SHIFTS).is_err(),
            "prefix of {len} bytes"
        );
    }
}

/// Every byte of the object, changed in turn: the debug sections become
/// malformed in every way a single byte can make them.
#[test]
fn corrupted_bytes_do_not_panic() {
    if !have_clang() {
        return;
    }
    for flags in [["-g", "-O0"], ["-gdwarf-4", "-O2"]] {
        let object = object(&format!("corrupted{}", flags[0]), &flags);
        let mut copy = object.clone();
        for at in 0..object.len() {
            for value in [0x00, 0xff, object[at] ^ 0x80, object[at].wrapping_add(1)] {
                copy[at] = value;
                // Either outcome is fine; returning at all is the point.
                let _ = shift_lines(&copy, &SHIFTS);
            }
            copy[at] = object[at];
        }
    }
}
