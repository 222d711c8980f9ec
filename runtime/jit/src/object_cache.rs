//! ObjectCache: compiled objects on disk, keyed by what was compiled.
//!
//! An object holds a batch of functions compiled together. Its key hashes
//! the lazy file's content hash and the batch's GUIDs with the target
//! (`ObjectCache::key`), so an edited file's functions compile again when
//! they next run; its member list (`<key>.members`, one
//! `<guid> <name>` line each) says which bodies it defines. The index of a
//! lazy file (`<hash of its content>.index`, one `<guid> <key>` line per
//! function) names the object each of its functions compiled into: a warm
//! run reads the index once, then the member list and object of each batch
//! it calls into, and never parses IR.
//!
//! Objects and member lists are written atomically (temporary + rename), and
//! index lines appended in one write per batch, so any number of processes
//! may share the cache: a reader sees a whole file or none, and skips a line
//! cut short.

use autojit_abi::{content_hash, store, ContentHash};
use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Bumped when the engine changes how it compiles, to retire old objects.
const FORMAT_VERSION: &str = "autojit-object-v3";

/// The engine's one door to compiled objects on disk: look up what an index
/// names, commit an object that linked, reject one that did not.
pub struct ObjectCache {
    dir: Option<PathBuf>,
    /// The index of each lazy file read so far, by its key.
    indexes: HashMap<ContentHash, HashMap<u64, ContentHash>>,
}

/// A body an object defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub guid: u64,
    /// The function's source name, for logs, perf and messages.
    pub name: String,
}

/// A cached object and the functions it defines.
pub struct CachedBatch {
    pub key: ContentHash,
    /// The first is the one whose call compiled the batch.
    pub members: Vec<Member>,
    pub object: Vec<u8>,
}

impl ObjectCache {
    /// The cache under store root `root` (the engine's setting), created
    /// private to this user; or a disabled cache, with the reason, when the
    /// setting or the directory says so.
    pub fn open(root: &Result<PathBuf, String>) -> (Self, Option<String>) {
        let dir = root.clone().and_then(|root| {
            store::private_subdir_of(&root, store::OBJECTS_SUBDIR).map_err(|e| e.to_string())
        });
        match dir {
            Ok(dir) => (ObjectCache::at(Some(dir)), None),
            Err(why) => (ObjectCache::at(None), Some(why)),
        }
    }

    fn at(dir: Option<PathBuf>) -> Self {
        ObjectCache {
            dir,
            indexes: HashMap::new(),
        }
    }

    /// The key of the object compiled for `target` from the bodies
    /// `guids` of a lazy file, in that order.
    ///
    /// The lazy file's content determines every body and all it carries
    /// and declares (the optimization level too), so nothing is printed or
    /// hashed again at run time. An edited file's functions compile again
    /// when they next run, as the regular build compiles the whole file
    /// again; see docs/design.md.
    pub fn key(lazy_file: ContentHash, guids: &[u64], target: &str) -> ContentHash {
        let lazy = lazy_file.0.to_le_bytes();
        let guids: Vec<u8> = guids.iter().flat_map(|g| g.to_le_bytes()).collect();
        keyed(&[
            FORMAT_VERSION.as_bytes(),
            target.as_bytes(),
            &lazy,
            b"batch",
            &guids,
        ])
    }

    /// The key of the index of a lazy file.
    pub fn index_key(lazy_file: ContentHash, target: &str) -> ContentHash {
        let lazy = lazy_file.0.to_le_bytes();
        keyed(&[FORMAT_VERSION.as_bytes(), target.as_bytes(), &lazy])
    }

    /// The object and member list stored under `key`.
    pub fn load(&self, key: ContentHash) -> Option<CachedBatch> {
        let dir = self.dir.as_ref()?;
        let members = std::fs::read_to_string(dir.join(members_file(key))).ok()?;
        let members = members
            .lines()
            .map(|line| {
                let (guid, name) = line.split_once(' ')?;
                Some(Member {
                    guid: u64::from_str_radix(guid, 16).ok()?,
                    name: name.to_string(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(CachedBatch {
            key,
            members,
            object: read_object(dir, key)?,
        })
    }

    /// The object function `guid` compiled into, by index `index` (read on
    /// first use).
    pub fn lookup(&mut self, index: ContentHash, guid: u64) -> Option<CachedBatch> {
        let dir = self.dir.as_ref()?;
        let entries = self
            .indexes
            .entry(index)
            .or_insert_with(|| read_index(&dir.join(index_file(index))));
        let key = *entries.get(&guid)?;
        self.load(key)
    }

    /// Whether function `guid` is in some object, by index `index` as read
    /// before.
    pub fn is_indexed(&self, index: ContentHash, guid: u64) -> bool {
        self.indexes
            .get(&index)
            .is_some_and(|e| e.contains_key(&guid))
    }

    /// Keeps an object that linked: stores it under `key` with its member
    /// list if it was compiled now (`compiled`), and indexes each member
    /// under it in index `index`. A failure only costs a compile next time.
    pub fn commit(
        &mut self,
        index: ContentHash,
        key: ContentHash,
        compiled: Option<&[u8]>,
        members: &[Member],
    ) -> Result<(), String> {
        let Some(dir) = &self.dir else { return Ok(()) };
        if let Some(object) = compiled {
            let list: String = members
                .iter()
                .map(|m| format!("{:016x} {}\n", m.guid, m.name))
                .collect();
            // The object first: a member list names an object that exists.
            store::write_atomically(dir, &object_file(key), object)
                .and_then(|_| store::write_atomically(dir, &members_file(key), list.as_bytes()))
                .map_err(|e| cannot_write(dir, e))?;
        }
        let entries = self.indexes.entry(index).or_default();
        let mut lines = String::new();
        for member in members {
            entries.insert(member.guid, key);
            lines.push_str(&format!("{:016x} {}\n", member.guid, key.to_hex()));
        }
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(dir.join(index_file(index)))
            .and_then(|mut f| f.write_all(lines.as_bytes()))
            .map_err(|e| cannot_write(dir, e))
    }

    /// Removes an object that failed to link, with its member list.
    pub fn reject(&self, key: ContentHash) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_file(dir.join(object_file(key)));
            let _ = std::fs::remove_file(dir.join(members_file(key)));
        }
    }
}

fn cannot_write(dir: &Path, e: std::io::Error) -> String {
    format!("cannot write to object cache {}: {e}", dir.display())
}

/// An index file's entries; a line cut short (a writer that died) is
/// skipped, and a later line for a function wins.
fn read_index(path: &Path) -> HashMap<u64, ContentHash> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let (guid, key) = line.split_once(' ')?;
            Some((
                u64::from_str_radix(guid, 16).ok()?,
                ContentHash::from_hex(key)?,
            ))
        })
        .collect()
}

fn read_object(dir: &Path, key: ContentHash) -> Option<Vec<u8>> {
    std::fs::read(dir.join(object_file(key)))
        .ok()
        .filter(|bytes| bytes.starts_with(b"\x7fELF"))
}

fn object_file(key: ContentHash) -> String {
    format!("{}.o", key.to_hex())
}

fn members_file(key: ContentHash) -> String {
    format!("{}.members", key.to_hex())
}

fn index_file(index: ContentHash) -> String {
    format!("{}.index", index.to_hex())
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
    fn keys_tell_files_batches_and_targets_apart() {
        let (a, b) = (ContentHash(1), ContentHash(2));
        let key = ObjectCache::key(a, &[1, 2], "t");
        assert_eq!(key, ObjectCache::key(a, &[1, 2], "t"));
        assert_ne!(key, ObjectCache::key(b, &[1, 2], "t"));
        assert_ne!(key, ObjectCache::key(a, &[2, 1], "t"));
        assert_ne!(key, ObjectCache::key(a, &[1], "t"));
        assert_ne!(key, ObjectCache::key(a, &[1, 2], "u"));
        assert_ne!(key, ObjectCache::index_key(a, "t"));
    }

    #[test]
    fn index_lines_cut_short_are_skipped_and_later_lines_win() {
        let dir = std::env::temp_dir().join(format!("autojit-index-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.index");
        let (k1, k2) = (ContentHash(0x11), ContentHash(0x22));
        let text = format!(
            "{:016x} {}\n{:016x} {}\n{:016x} {}\n00000000000000",
            1,
            k1.to_hex(),
            2,
            k1.to_hex(),
            1,
            k2.to_hex()
        );
        std::fs::write(&path, text).unwrap();
        let index = read_index(&path);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(index.len(), 2);
        assert_eq!(index[&1], k2);
        assert_eq!(index[&2], k1);
    }
}
