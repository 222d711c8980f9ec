//! Bad input is an error, never a panic.

mod common;

use autojit_loader::{LoadError, Loader};
use common::{compile, dlsym, FLAGS};

/// Loads `bytes`, resolving every name (to some function when the process
/// has none by that name): what is tested is the reading, not the symbols.
fn load(bytes: &[u8]) -> Result<(), LoadError> {
    let near = load as *const () as usize;
    let mut resolve = |name: &str| dlsym(name).or(Some(near));
    Loader::new(near)
        .load(bytes.to_vec().into(), &mut resolve)
        .map(drop)
}

/// Deterministic noise (xorshift).
fn noise(len: usize, mut state: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

#[test]
fn garbage_is_rejected() {
    assert!(matches!(load(&[]), Err(LoadError::Malformed(_))));
    for (len, seed) in [(1, 1), (64, 2), (4096, 3), (100_000, 4)] {
        assert!(load(&noise(len, seed)).is_err());
    }
    let mut elf_like = noise(4096, 5);
    elf_like[..4].copy_from_slice(b"\x7fELF");
    assert!(load(&elf_like).is_err());
}

#[test]
fn every_prefix_of_an_object_is_rejected() {
    let Some(object) = compile("basic.c", FLAGS) else {
        return;
    };
    for len in 0..object.len() {
        assert!(
            load(&object[..len]).is_err(),
            "prefix of {len} bytes loaded"
        );
    }
}

#[test]
fn unaligned_input_is_read() {
    let Some(object) = compile("basic.c", FLAGS) else {
        return;
    };
    let mut shifted = vec![0; object.len() + 1];
    shifted[1..].copy_from_slice(&object);
    load(&shifted[1..]).unwrap_or_else(|error| panic!("{error}"));
}

/// Every byte of a small object changed in turn: each load fails or
/// succeeds, none panics. Without unwind tables, no corrupt `.eh_frame`
/// reaches the unwinders.
#[test]
fn corrupted_objects_do_not_panic() {
    let flags = [
        "-O1",
        "-fPIC",
        "-ffunction-sections",
        "-fdata-sections",
        "-fno-asynchronous-unwind-tables",
        "-fno-unwind-tables",
    ];
    let Some(object) = compile("basic.c", &flags) else {
        return;
    };
    let mut loaded = 0;
    for at in 0..object.len() {
        for change in [0xff, 0x80, 0x01] {
            let mut corrupted = object.clone();
            corrupted[at] ^= change;
            loaded += usize::from(load(&corrupted).is_ok());
        }
    }
    // Changing code or data bytes leaves a loadable object.
    assert!(loaded > 0);
}
