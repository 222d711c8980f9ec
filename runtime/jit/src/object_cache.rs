//! ObjectCache: compiled objects on disk, keyed by what was compiled.
//!
//! The key hashes the extracted module's IR with the target and the options, so an edit recompiles exactly the functions whose code changed.
//! Files are written atomically (temporary + rename), so any number of
//! processes may share the cache; a reader sees a whole object or none.

use autojit_abi::{content_hash, env, store, ContentHash};
use std::path::PathBuf;

/// Bumped when the engine changes how it compiles, to retire old objects.
const FORMAT_VERSION: &str = "autojit-object-v1";

pub struct ObjectCache {
    dir: Option<PathBuf>,
}

impl ObjectCache {
    /// The cache under the store root, or a disabled cache (with the reason)
    /// when turned off or when the directory is unusable.
    pub fn from_env() -> (Self, Option<String>) {
        if env::flag(env::DISABLE_OBJECT_CACHE) {
            return (
                ObjectCache { dir: None },
                Some(format!("{} is set", env::DISABLE_OBJECT_CACHE)),
            );
        }
        match store::private_subdir(store::OBJECTS_SUBDIR) {
            Ok(dir) => (ObjectCache { dir: Some(dir) }, None),
            Err(e) => (ObjectCache { dir: None }, Some(e.to_string())),
        }
    }

    pub fn key(ir: &[u8], target: &str) -> ContentHash {
        let mut input = Vec::with_capacity(ir.len() + target.len() + FORMAT_VERSION.len() + 2);
        input.extend_from_slice(FORMAT_VERSION.as_bytes());
        input.push(0);
        input.extend_from_slice(target.as_bytes());
        input.push(0);
        input.extend_from_slice(ir);
        content_hash(&input)
    }

    pub fn load(&self, key: ContentHash) -> Option<Vec<u8>> {
        let path = self.dir.as_ref()?.join(format!("{}.o", key.to_hex()));
        std::fs::read(path)
            .ok()
            .filter(|bytes| bytes.starts_with(b"\x7fELF"))
    }

    /// Stores an object; a failure only costs a recompile next time.
    pub fn store(&self, key: ContentHash, object: &[u8]) -> Result<(), String> {
        let Some(dir) = &self.dir else { return Ok(()) };
        store::write_atomically(dir, &format!("{}.o", key.to_hex()), object)
            .map(|_| ())
            .map_err(|e| format!("cannot write to object cache {}: {e}", dir.display()))
    }

    /// Removes an object that failed to link.
    pub fn evict(&self, key: ContentHash) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_file(dir.join(format!("{}.o", key.to_hex())));
        }
    }
}
