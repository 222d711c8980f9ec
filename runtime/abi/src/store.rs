//! Where lazy modules and compiled objects live, and how files get there.
//!
//! The store root is `$AUTOJIT_CACHE_DIR`, else `$XDG_CACHE_HOME/autojit`,
//! else `~/.cache/autojit`. It is created 0700 and refused when another user
//! owns it or anyone else may write to it: a lazy module is code the program
//! will run, so it must never come from a shared world-writable directory.

use crate::env::{self, Environment};
use crate::guid::ContentHash;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub const MODULES_SUBDIR: &str = "modules";
pub const OBJECTS_SUBDIR: &str = "objects";
pub const LAZY_FILE_EXT: &str = "bc";

#[derive(Debug)]
pub struct StoreError {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot use autojit store {}: {}; set {} to a private writable directory",
            self.path.display(),
            self.reason,
            env::CACHE_DIR
        )
    }
}

impl std::error::Error for StoreError {}

/// The store root chosen by the environment (not yet created or checked).
pub fn store_root(environment: &Environment) -> Result<PathBuf, StoreError> {
    if let Some(dir) = environment.var(env::CACHE_DIR) {
        return Ok(environment.absolute(&dir));
    }
    if let Some(dir) = environment.var("XDG_CACHE_HOME") {
        return Ok(environment.absolute(&dir).join("autojit"));
    }
    match environment.var("HOME") {
        Some(home) => Ok(PathBuf::from(home).join(".cache").join("autojit")),
        None => Err(StoreError {
            path: PathBuf::from("~/.cache/autojit"),
            reason: "neither HOME nor XDG_CACHE_HOME is set".into(),
        }),
    }
}

/// Creates `dir` (and missing parents) with mode 0700 and checks that it is
/// private to the current user.
pub fn ensure_private_dir(dir: &Path) -> Result<(), StoreError> {
    let fail = |reason: String| StoreError {
        path: dir.to_path_buf(),
        reason,
    };
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| fail(e.to_string()))?;
    let meta = fs::metadata(dir).map_err(|e| fail(e.to_string()))?;
    if !meta.is_dir() {
        return Err(fail("not a directory".into()));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    if meta.uid() != euid {
        return Err(fail(format!("owned by uid {}, not by you", meta.uid())));
    }
    if meta.permissions().mode() & 0o022 != 0 {
        return Err(fail("writable by other users".into()));
    }
    Ok(())
}

/// `<store root>/<subdir>`, created if needed, after checking that both the
/// root and the subdirectory are private to the current user.
pub fn private_subdir(subdir: &str, environment: &Environment) -> Result<PathBuf, StoreError> {
    private_subdir_of(&store_root(environment)?, subdir)
}

/// `<root>/<subdir>`, created if needed, after checking that both are
/// private to the current user.
pub fn private_subdir_of(root: &Path, subdir: &str) -> Result<PathBuf, StoreError> {
    ensure_private_dir(root)?;
    let dir = root.join(subdir);
    ensure_private_dir(&dir)?;
    Ok(dir)
}

/// `<stem>-<hash>.bc`: the name of a lazy module file.
pub fn lazy_file_name(stem: &str, hash: ContentHash) -> String {
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{stem}-{}.{LAZY_FILE_EXT}", hash.to_hex())
}

/// The content hash a lazy module file is named after.
pub fn hash_in_lazy_file_name(path: &Path) -> Option<ContentHash> {
    let stem = path.file_stem()?.to_str()?;
    let (_, hex) = stem.rsplit_once('-')?;
    ContentHash::from_hex(hex)
}

/// Writes a lazy module, `name` as `lazy_file_name` makes it, and its keys
/// into `modules_dir`: the module unless a file of its name (so that
/// content) is there, the keys unless the same keys are (a plugin of
/// another version may have written others for the same module). The keys
/// go first: a lazy file in the store has its keys. On failure, the file
/// that could not be written.
pub fn write_lazy_files(
    modules_dir: &Path,
    name: &str,
    keys: &[u8],
    bitcode: &[u8],
) -> Result<PathBuf, (PathBuf, io::Error)> {
    let path = modules_dir.join(name);
    let keys_path = crate::function_keys::keys_path(&path);
    let keys_written = fs::read(&keys_path).is_ok_and(|written| written == keys);
    for (file, bytes, written) in [
        (&keys_path, keys, keys_written),
        (&path, bitcode, path.exists()),
    ] {
        if written {
            continue;
        }
        let file_name = file.file_name().expect("a file name").to_string_lossy();
        write_atomically(modules_dir, &file_name, bytes).map_err(|e| (file.clone(), e))?;
    }
    Ok(path)
}

/// Writes `bytes` to `dir/name` so that readers only ever see no file or the
/// whole file: write a unique temporary in the same directory, then rename.
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let target = dir.join(name);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let temp = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .and_then(|mut f| f.write_all(bytes));
    match written.and_then(|()| fs::rename(&temp, &target)) {
        Ok(()) => Ok(target),
        Err(e) => {
            let _ = fs::remove_file(&temp);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guid::content_hash;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("autojit-abi-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn lazy_file_names_carry_the_hash() {
        let h = content_hash(b"x");
        let name = lazy_file_name("my file-1", h);
        assert!(name.starts_with("my_file-1-"));
        assert_eq!(hash_in_lazy_file_name(Path::new(&name)), Some(h));
        assert_eq!(hash_in_lazy_file_name(Path::new("foo.bc")), None);
    }

    #[test]
    fn private_dir_is_created_0700() {
        let dir = scratch("private").join("a/b");
        ensure_private_dir(&dir).unwrap();
        let mode = fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }

    #[test]
    fn world_writable_dir_is_refused() {
        let dir = scratch("shared");
        fs::create_dir_all(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
        let err = ensure_private_dir(&dir).unwrap_err();
        assert!(err.to_string().contains("writable by other users"), "{err}");
    }

    #[test]
    fn atomic_write_leaves_no_temporaries() {
        let dir = scratch("atomic");
        ensure_private_dir(&dir).unwrap();
        let path = write_atomically(&dir, "f.bin", b"abc").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"abc");
        write_atomically(&dir, "f.bin", b"def").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"def");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn keys_another_plugin_wrote_for_the_module_are_replaced() {
        let dir = scratch("lazy");
        ensure_private_dir(&dir).unwrap();
        let name = lazy_file_name("m", content_hash(b"bitcode"));
        let path = write_lazy_files(&dir, &name, b"old keys", b"bitcode").unwrap();
        write_lazy_files(&dir, &name, b"new keys", b"other bitcode").unwrap();
        let keys = crate::function_keys::keys_path(&path);
        assert_eq!(fs::read(&keys).unwrap(), b"new keys");
        // The module is named by its content: the file there is kept.
        assert_eq!(fs::read(&path).unwrap(), b"bitcode");
    }
}
