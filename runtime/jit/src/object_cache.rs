//! ObjectCache: compiled objects on disk, keyed by what was compiled.
//!
//! An object's key hashes the extracted module's IR with the target, so an
//! edit recompiles exactly the functions whose code changed. An index entry,
//! keyed by the lazy file's content hash and the GUID, names the object a
//! function of an unchanged lazy file compiled to: a warm run reads the index
//! and the object and never parses IR.
//!
//! Files are written atomically (temporary + rename), so any number of
//! processes may share the cache; a reader sees a whole file or none.

use autojit_abi::env::{self, Environment};
use autojit_abi::{content_hash, store, ContentHash};
use std::path::PathBuf;

/// Bumped when the engine changes how it compiles, to retire old objects.
const FORMAT_VERSION: &str = "autojit-object-v2";

pub struct ObjectCache {
    dir: Option<PathBuf>,
}

pub struct IndexedObject {
    pub key: ContentHash,
    pub name: String,
    pub object: Vec<u8>,
}

impl ObjectCache {
    /// The cache under the store root, or a disabled cache (with the reason)
    /// when turned off or when the directory is unusable.
    pub fn from_env(environment: &Environment) -> (Self, Option<String>) {
        if environment.flag(env::DISABLE_OBJECT_CACHE) {
            let why = format!("{} is set", env::DISABLE_OBJECT_CACHE);
            return (ObjectCache { dir: None }, Some(why));
        }
        match store::private_subdir(store::OBJECTS_SUBDIR, environment) {
            Ok(dir) => (ObjectCache { dir: Some(dir) }, None),
            Err(e) => (ObjectCache { dir: None }, Some(e.to_string())),
        }
    }

    /// The key of the object compiled from `ir` (textual IR) for `target`.
    ///
    /// Source file checksums are left out: every function of a translation
    /// unit reaches the file's debug entry, whose checksum changes with any
    /// edit of the file, and an unchanged function should not recompile for
    /// that. Its cached object keeps the previous checksum; its lines are
    /// right, since a shifted line changes the function's own locations.
    pub fn key(ir: &str, target: &str) -> ContentHash {
        let ir = without_source_checksums(ir);
        keyed(&[FORMAT_VERSION.as_bytes(), target.as_bytes(), ir.as_bytes()])
    }

    /// The key of the index entry for function `guid` of a lazy file.
    pub fn index_key(lazy_file: ContentHash, guid: u64, target: &str) -> ContentHash {
        let lazy = lazy_file.0.to_le_bytes();
        let guid = guid.to_le_bytes();
        keyed(&[FORMAT_VERSION.as_bytes(), target.as_bytes(), &lazy, &guid])
    }

    pub fn load(&self, key: ContentHash) -> Option<Vec<u8>> {
        let path = self.dir.as_ref()?.join(object_file(key));
        std::fs::read(path)
            .ok()
            .filter(|bytes| bytes.starts_with(b"\x7fELF"))
    }

    /// The object an index entry names, with the function's source name.
    pub fn load_indexed(&self, index_key: ContentHash) -> Option<IndexedObject> {
        let path = self.dir.as_ref()?.join(index_file(index_key));
        let entry = std::fs::read_to_string(path).ok()?;
        let (hex, name) = entry.trim_end().split_once(' ')?;
        let key = ContentHash::from_hex(hex)?;
        let object = self.load(key)?;
        Some(IndexedObject {
            key,
            name: name.to_string(),
            object,
        })
    }

    /// Stores an object; a failure only costs a recompile next time.
    pub fn store(&self, key: ContentHash, object: &[u8]) -> Result<(), String> {
        self.write(&object_file(key), object)
    }

    pub fn store_index(
        &self,
        index_key: ContentHash,
        key: ContentHash,
        name: &str,
    ) -> Result<(), String> {
        let entry = format!("{} {name}\n", key.to_hex());
        self.write(&index_file(index_key), entry.as_bytes())
    }

    fn write(&self, file: &str, bytes: &[u8]) -> Result<(), String> {
        let Some(dir) = &self.dir else { return Ok(()) };
        store::write_atomically(dir, file, bytes)
            .map(|_| ())
            .map_err(|e| format!("cannot write to object cache {}: {e}", dir.display()))
    }

    /// Removes an object that failed to link, and the index entry naming it.
    pub fn evict(&self, key: ContentHash, index_key: ContentHash) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_file(dir.join(object_file(key)));
            let _ = std::fs::remove_file(dir.join(index_file(index_key)));
        }
    }
}

fn object_file(key: ContentHash) -> String {
    format!("{}.o", key.to_hex())
}

fn index_file(index_key: ContentHash) -> String {
    format!("{}.index", index_key.to_hex())
}

/// `ir` without the `, checksumkind: ..., checksum: "..."` of DIFile entries.
fn without_source_checksums(ir: &str) -> std::borrow::Cow<'_, str> {
    const FIELD: &str = ", checksumkind: ";
    if !ir.contains(FIELD) {
        return ir.into();
    }
    let mut out = String::with_capacity(ir.len());
    let mut rest = ir;
    while let Some(start) = rest.find(FIELD) {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        // The checksum's closing quote ends the two fields.
        let end = after
            .find("checksum: \"")
            .and_then(|c| after[c + 11..].find('"').map(|q| c + 11 + q + 1))
            .unwrap_or(FIELD.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out.into()
}

/// Hashes the parts, each followed by a NUL.
fn keyed(parts: &[&[u8]]) -> ContentHash {
    let mut input = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for part in parts {
        input.extend_from_slice(part);
        input.push(0);
    }
    content_hash(&input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_do_not_change_keys() {
        let a = r#"!1 = !DIFile(filename: "a.c", directory: "/d", checksumkind: CSK_MD5, checksum: "00ff")"#;
        let b = r#"!1 = !DIFile(filename: "a.c", directory: "/d", checksumkind: CSK_MD5, checksum: "11ee")"#;
        let c = r#"!1 = !DIFile(filename: "b.c", directory: "/d", checksumkind: CSK_MD5, checksum: "00ff")"#;
        assert_eq!(ObjectCache::key(a, "t"), ObjectCache::key(b, "t"));
        assert_ne!(ObjectCache::key(a, "t"), ObjectCache::key(c, "t"));
        assert_eq!(
            without_source_checksums(a),
            r#"!1 = !DIFile(filename: "a.c", directory: "/d")"#
        );
    }
}
