//! Compiling C with clang-19 and reading the result with llvm-dwarfdump-19
//! and gdb, for the tests that check shifted objects against fresh ones.

// Each test crate includes this module and uses a part of it.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// True if clang-19 runs; otherwise prints why the test does nothing.
pub fn have_clang() -> bool {
    let ok = Command::new("clang-19")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("note: clang-19 not found; skipping");
    }
    ok
}

/// A fresh directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("line-shift-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch directory");
    dir
}

/// `lines` comment lines, to push what follows down.
pub fn padding(lines: usize) -> String {
    (0..lines).map(|i| format!("// padding {i}\n")).collect()
}

pub fn write(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).expect("write source");
}

/// Compiles `source` (in `dir`) to `object` with `flags`; returns its bytes.
pub fn compile(dir: &Path, source: &str, object: &str, flags: &[&str]) -> Vec<u8> {
    let status = Command::new("clang-19")
        .current_dir(dir)
        .args(flags)
        .args(["-ffunction-sections", "-c", source, "-o", object])
        .status()
        .expect("run clang-19");
    assert!(status.success(), "clang-19 {flags:?} failed");
    fs::read(dir.join(object)).expect("read object")
}

/// Links `inputs` into one relocatable object, as `ld -r` does.
pub fn link_relocatable(dir: &Path, inputs: &[&str], output: &str) {
    let mut args = vec!["-r", "-o", output];
    args.extend(inputs);
    run(dir, "clang-19", &args);
}

fn run(dir: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `llvm-dwarfdump-19 --debug-line`, without what legitimately differs
/// between a shifted object and a fresh one: the file name, the source's
/// MD5 in the file table, and unit lengths (the re-encoded program may be
/// shorter or longer).
pub fn debug_line(dir: &Path, object: &str) -> String {
    run(dir, "llvm-dwarfdump-19", &["--debug-line", object])
        .lines()
        .skip(1)
        .filter(|l| !l.contains("md5_checksum") && !l.trim_start().starts_with("length:"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `llvm-dwarfdump-19 --debug-info`, with `DW_AT_decl_line` dropped outside
/// the trees of subprograms that have code: the lines of types, globals and
/// abstract inline functions are not the functions' lines, and stay.
pub fn debug_info(dir: &Path, object: &str) -> String {
    let dump = run(dir, "llvm-dwarfdump-19", &["--debug-info", object]);
    let mut kept = Vec::new();
    // Depth and "inside a function with code" of each open DIE.
    let mut open: Vec<(usize, bool)> = Vec::new();
    for die in dies(&dump) {
        let depth = die_depth(die[0]);
        open.retain(|&(d, _)| d < depth);
        let with_code =
            die[0].contains("DW_TAG_subprogram") && die.iter().any(|l| l.contains("DW_AT_low_pc"));
        let inside = with_code || open.last().is_some_and(|&(_, inside)| inside);
        open.push((depth, inside));
        kept.extend(
            die.iter()
                .filter(|l| inside || !l.contains("DW_AT_decl_line"))
                .map(|l| l.to_string()),
        );
    }
    kept.join("\n")
}

/// The dump cut into DIEs: a header line ("0x…: DW_TAG_…" or NULL) and its
/// attribute lines. The lines before the first DIE are dropped.
fn dies(dump: &str) -> Vec<Vec<&str>> {
    let mut dies: Vec<Vec<&str>> = Vec::new();
    for line in dump.lines().filter(|l| !l.trim().is_empty()) {
        if line.starts_with("0x") && (line.contains("DW_TAG_") || line.contains("NULL")) {
            dies.push(vec![line]);
        } else if let Some(die) = dies.last_mut() {
            die.push(line);
        } else if line.starts_with("0x") {
            dies.push(vec![line]); // the unit header
        }
    }
    dies
}

/// How far a DIE header line is indented after its offset.
fn die_depth(header: &str) -> usize {
    let after = header.split_once(':').map_or("", |(_, rest)| rest);
    after.len() - after.trim_start().len()
}

/// `llvm-dwarfdump-19 --verify` passes.
pub fn verify(dir: &Path, object: &str) {
    let out = run(dir, "llvm-dwarfdump-19", &["--verify", object]);
    assert!(out.contains("No errors."), "verify {object}:\n{out}");
}

/// Links `object` into `program` and runs it under gdb with `commands`;
/// returns gdb's output without addresses and process ids.
pub fn gdb(dir: &Path, object: &str, program: &str, commands: &[&str]) -> String {
    run(dir, "clang-19", &[object, "-o", program]);
    let mut args = vec!["-nx", "-batch", "-ex", "set debuginfod enabled off"];
    for c in commands {
        args.extend(["-ex", c]);
    }
    let path = format!("./{program}");
    args.push(&path);
    let out = run(dir, "gdb", &args);
    out.lines()
        .filter(|l| !l.contains("process") && !l.contains("libthread_db"))
        .map(|l| without_hex(l).replace(program, "PROGRAM"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `line` with every hexadecimal number (addresses, which differ between
/// the two programs) replaced.
fn without_hex(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at]);
        out.push_str("ADDR");
        let digits = rest[at + 2..].find(|c: char| !c.is_ascii_hexdigit());
        rest = &rest[at + 2 + digits.unwrap_or(rest.len() - at - 2)..];
    }
    out.push_str(rest);
    out
}
