//! Lazy modules a binary carries (`-mllvm -autojit-embed`): on first need
//! the engine copies the module and its keys out of the program's memory
//! into files named as the store names them, and reads them from there as
//! any other lazy module. The names hold the content hash, so a copy made
//! once serves every later run, and every binary carrying the same module.
//! A remote registration does not say whether the program carries the
//! module (the stub forwards what fits its size budget: the descriptor's
//! address and lazy path), so the engine reads the descriptor itself.

use crate::error::ErrorKind;
use crate::program::{read_memory, Program};
use crate::registry::{Registration, SymbolScope};
use autojit_abi::{
    content_hash, function_keys, store, EmbeddedModule, ModuleDescriptor, ProgramBytes,
};
use std::path::Path;

/// The most bytes an embedded module inflates to; a deflated stream that
/// claims more is damaged.
const MAX_MODULE_BYTES: usize = 1 << 30;

/// Where the program carries `module`, if it does: a module in the store
/// has an absolute path.
pub fn carried(
    module: &Registration,
    program: Program,
) -> Result<Option<EmbeddedModule>, ErrorKind> {
    if module.embedded.is_some() || module.lazy_path.starts_with('/') {
        return Ok(module.embedded);
    }
    let SymbolScope::Remote { descriptor, .. } = module.scope else {
        return Ok(None);
    };
    let pid = program.pid().ok_or_else(|| {
        ErrorKind::LazyFileUnreadable("the program carries it, and its process is not known".into())
    })?;
    let start = std::mem::offset_of!(ModuleDescriptor, embedded_module);
    let end = std::mem::size_of::<ModuleDescriptor>();
    let fields =
        read_memory(pid, (descriptor + start) as u64, (end - start) as u64).map_err(|e| {
            ErrorKind::LazyFileUnreadable(format!("its descriptor, in process {pid}: {e}"))
        })?;
    let field =
        |i: usize| u64::from_ne_bytes(fields[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
    Ok((field(0) != 0).then_some(EmbeddedModule {
        module: ProgramBytes {
            address: field(0),
            len: field(1),
        },
        keys: ProgramBytes {
            address: field(2),
            len: field(3),
        },
    }))
}

/// Copies `module`, which the program carries as `embedded`, to `root`'s
/// `modules/` if no copy is there yet; returns the copy's path.
pub fn copy_out(
    module: &Registration,
    embedded: EmbeddedModule,
    program: Program,
    root: &Path,
) -> Result<String, ErrorKind> {
    let unreadable = |what: String| ErrorKind::LazyFileUnreadable(what);
    // The plugin names the module as the store would: a file name only.
    let name = Path::new(&module.lazy_path);
    if name.file_name() != Some(name.as_os_str()) || store::hash_in_lazy_file_name(name).is_none() {
        return Err(ErrorKind::LazyFileInvalid(format!(
            "the program carries it under the name {:?}, not one the plugin makes",
            module.lazy_path
        )));
    }
    let dir = store::private_subdir_of(root, store::MODULES_SUBDIR).map_err(|e| {
        unreadable(format!(
            "a place for the copy of the lazy module the program carries: {e}"
        ))
    })?;
    let path = dir.join(name);
    // Keys another version wrote for the same module are copied again.
    let keys_readable = std::fs::read_to_string(function_keys::keys_path(&path))
        .is_ok_and(|text| function_keys::decode(&text).is_some());
    if path.exists() && keys_readable {
        return Ok(path.to_string_lossy().into_owned());
    }
    let pid = program
        .pid()
        .ok_or_else(|| unreadable("the program carries it, and its process is not known".into()))?;
    let read = |bytes: ProgramBytes| {
        read_memory(pid, bytes.address, bytes.len)
            .map_err(|e| unreadable(format!("the program's copy of it, in process {pid}: {e}")))
    };
    let keys = read(embedded.keys)?;
    let bitcode = miniz_oxide::inflate::decompress_to_vec_with_limit(
        &read(embedded.module)?,
        MAX_MODULE_BYTES,
    )
    .map_err(|e| {
        ErrorKind::LazyFileInvalid(format!("the program's copy of it does not inflate: {e}"))
    })?;
    if content_hash(&bitcode) != module.content_hash {
        return Err(ErrorKind::LazyFileModified);
    }
    store::write_lazy_files(&dir, &module.lazy_path, &keys, &bitcode)
        .map(|path| path.to_string_lossy().into_owned())
        .map_err(|(file, e)| unreadable(format!("its copy {}: {e}", file.display())))
}
