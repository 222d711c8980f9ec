//! gdb finds loaded code through the GDB JIT interface: a breakpoint set
//! by name before the object exists is hit, with the source line.

mod common;

use std::process::Command;

use autojit_loader::Loader;
use common::{compile, dlsym, function, source, FLAGS};

const CHILD: &str = "AUTOJIT_LOADER_GDB_CHILD";

/// Run by `debugger_sees_loaded_code` under gdb; nothing otherwise.
#[test]
fn child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let object = compile("debug.c", FLAGS).expect("clang-19");
    let loaded = Loader::new(child as *const () as usize)
        .load(object.to_vec().into(), &mut dlsym)
        .unwrap_or_else(|error| panic!("{error}"));
    let address = loaded.symbol("loaded_fn").expect("loaded_fn");
    // SAFETY: `int loaded_fn(int)` in tests/sources/debug.c.
    let loaded_fn: extern "C" fn(i32) -> i32 = unsafe { function(address) };
    assert_eq!(loaded_fn(3), 7);
}

#[test]
fn debugger_sees_loaded_code() {
    if Command::new("gdb").arg("--version").output().is_err() {
        eprintln!("note: gdb not found; skipping");
        return;
    }
    if compile("debug.c", FLAGS).is_none() {
        return;
    }
    let executable = std::env::current_exe().expect("test executable");
    let output = Command::new("gdb")
        .args(["-nx", "-batch"])
        .args(["-ex", "set breakpoint pending on"])
        .args(["-ex", "break loaded_fn"])
        .args(["-ex", "run"])
        .args(["-ex", "bt 1"])
        .arg("--args")
        .arg(&executable)
        .args(["child", "--exact", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .expect("running gdb");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let expected = format!("loaded_fn (x=3) at {}:2", source("debug.c").display());
    assert!(
        stdout.contains(&expected),
        "gdb output lacks {expected:?}:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
