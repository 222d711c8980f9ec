//! ObjectCache: compiled objects on disk, keyed by the functions in them.
//!
//! An object holds a batch of functions compiled together. Its key hashes
//! the batch's function keys (`autojit_abi::function_keys`: what decides
//! each function's code, its lines counted from its first line) with the
//! target (`ObjectCache::key`); its member list (`<key>.members`, one
//! `<guid> <function key> <first line> <name>` line each) says which bodies
//! it defines and where each one's lines are in the object, after a first
//! line with the object's content hash, so that a list and an object
//! rewritten apart (lines moved by `ObjectCache::update`) are never taken
//! for each other. The
//! index of a source file (`<hash of its path and the target>.index`, one
//! `<function key> <object key>` line per function compiled) names the
//! object each function key compiled into: after an edit, every function
//! whose key did not change still finds its object, and a warm run reads the
//! index once, then the member list and object of each batch it calls into,
//! and never parses IR.
//!
//! Objects and member lists are written atomically (temporary + rename), and
//! index lines appended in one write per batch, so any number of processes
//! may share the cache: a reader sees a whole file or none, and skips a line
//! cut short.

use autojit_abi::fast_map::FastMap;
use autojit_abi::function_keys::FunctionKey;
use autojit_abi::{content_hash, store, ContentHash};
use autojit_loader::ObjectImage;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Bumped when the engine changes how it compiles, to retire old objects.
const FORMAT_VERSION: &str = "autojit-object-v5";

/// The engine's one door to compiled objects on disk: look up what an index
/// names, commit an object that linked, reject one that did not.
pub struct ObjectCache {
    dir: Option<PathBuf>,
    /// The index of each source file read so far, by its key.
    indexes: FastMap<ContentHash, FastMap<FunctionKey, ContentHash>>,
}

/// A body an object defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub guid: u64,
    /// The key of the function the body was compiled from.
    pub key: FunctionKey,
    /// The function's first line when it was compiled (0: no debug info).
    pub line: u32,
    /// The function's source name, for logs, perf and messages.
    pub name: String,
}

/// A cached object and the functions it defines.
pub struct CachedBatch {
    pub key: ContentHash,
    /// The first is the one whose call compiled the batch.
    pub members: Vec<Member>,
    pub object: ObjectImage,
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
            indexes: FastMap::default(),
        }
    }

    /// The key of the object compiled for `target` from the functions of
    /// keys `members`, in that order.
    ///
    /// A function key covers everything the function carries and declares
    /// (the optimization level too), so nothing is printed or hashed again
    /// at run time.
    pub fn key(members: &[FunctionKey], target: &str) -> ContentHash {
        let members: Vec<u8> = members.iter().flat_map(|k| k.0 .0.to_le_bytes()).collect();
        keyed(&[
            FORMAT_VERSION.as_bytes(),
            target.as_bytes(),
            b"batch",
            &members,
        ])
    }

    /// The key of the index of source file `source_path`.
    pub fn index_key(source_path: &str, target: &str) -> ContentHash {
        keyed(&[
            FORMAT_VERSION.as_bytes(),
            target.as_bytes(),
            source_path.as_bytes(),
        ])
    }

    /// The object and member list stored under `key`, if both are whole and
    /// belong together.
    pub fn load(&self, key: ContentHash) -> Option<CachedBatch> {
        let dir = self.dir.as_ref()?;
        let list = std::fs::read_to_string(dir.join(members_file(key))).ok()?;
        let mut lines = list.lines();
        let object_hash = ContentHash::from_hex(lines.next()?.strip_prefix("object ")?)?;
        let members = lines
            .map(|line| {
                let mut fields = line.splitn(4, ' ');
                Some(Member {
                    guid: u64::from_str_radix(fields.next()?, 16).ok()?,
                    key: FunctionKey::from_hex(fields.next()?)?,
                    line: fields.next()?.parse().ok()?,
                    name: fields.next()?.to_string(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let object = read_object(dir, key).filter(|o| content_hash(o.bytes()) == object_hash)?;
        Some(CachedBatch {
            key,
            members,
            object,
        })
    }

    /// The object the function of key `function` compiled into, by index
    /// `index` (read on first use).
    pub fn lookup(&mut self, index: ContentHash, function: FunctionKey) -> Option<CachedBatch> {
        let dir = self.dir.as_ref()?;
        let entries = self
            .indexes
            .entry(index)
            .or_insert_with(|| read_index(&dir.join(index_file(index))));
        let key = *entries.get(&function)?;
        let batch = self.load(key);
        if batch.is_none() {
            // Gone or damaged: its functions are not in an object after
            // all, and may join the batch that compiles them again.
            if let Some(entries) = self.indexes.get_mut(&index) {
                entries.retain(|_, object| *object != key);
            }
        }
        batch
    }

    /// Whether the function of key `function` is in some object, by index
    /// `index` as read before.
    pub fn is_indexed(&self, index: ContentHash, function: FunctionKey) -> bool {
        self.indexes
            .get(&index)
            .is_some_and(|e| e.contains_key(&function))
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
        if let Some(object) = compiled {
            self.store(key, object, members)?;
        }
        let Some(dir) = &self.dir else { return Ok(()) };
        let entries = self.indexes.entry(index).or_default();
        let mut lines = String::new();
        for member in members {
            entries.insert(member.key, key);
            lines.push_str(&format!("{} {}\n", member.key.to_hex(), key.to_hex()));
        }
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(dir.join(index_file(index)))
            .and_then(|mut f| f.write_all(lines.as_bytes()))
            .map_err(|e| cannot_write(dir, e))
    }

    /// Replaces the object under `key` with `object`, the same code with its
    /// functions' lines moved (`members` says where they are now), so that
    /// the next run need not move them again.
    pub fn update(
        &self,
        key: ContentHash,
        object: &[u8],
        members: &[Member],
    ) -> Result<(), String> {
        self.store(key, object, members)
    }

    fn store(&self, key: ContentHash, object: &[u8], members: &[Member]) -> Result<(), String> {
        let Some(dir) = &self.dir else { return Ok(()) };
        let mut list = format!("object {}\n", content_hash(object).to_hex());
        for m in members {
            list.push_str(&format!(
                "{:016x} {} {} {}\n",
                m.guid,
                m.key.to_hex(),
                m.line,
                m.name
            ));
        }
        store::write_atomically(dir, &object_file(key), object)
            .and_then(|_| store::write_atomically(dir, &members_file(key), list.as_bytes()))
            .map(|_| ())
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
fn read_index(path: &Path) -> FastMap<FunctionKey, ContentHash> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let (function, key) = line.split_once(' ')?;
            Some((
                FunctionKey::from_hex(function)?,
                ContentHash::from_hex(key)?,
            ))
        })
        .collect()
}

fn read_object(dir: &Path, key: ContentHash) -> Option<ObjectImage> {
    ObjectImage::map(&dir.join(object_file(key)))
        .ok()
        .filter(|image| image.bytes().starts_with(b"\x7fELF"))
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

    fn fk(n: u128) -> FunctionKey {
        FunctionKey(ContentHash(n))
    }

    #[test]
    fn keys_tell_batches_and_targets_apart() {
        let key = ObjectCache::key(&[fk(1), fk(2)], "t");
        assert_eq!(key, ObjectCache::key(&[fk(1), fk(2)], "t"));
        assert_ne!(key, ObjectCache::key(&[fk(2), fk(1)], "t"));
        assert_ne!(key, ObjectCache::key(&[fk(1)], "t"));
        assert_ne!(key, ObjectCache::key(&[fk(1), fk(2)], "u"));
        assert_ne!(
            ObjectCache::index_key("/a.c", "t"),
            ObjectCache::index_key("/b.c", "t")
        );
    }

    #[test]
    fn an_object_and_a_member_list_written_apart_are_not_taken_together() {
        let dir = std::env::temp_dir().join(format!("autojit-members-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut cache = ObjectCache::at(Some(dir.clone()));
        let member = Member {
            guid: 7,
            key: fk(9),
            line: 12,
            name: "f".into(),
        };
        let (index, key) = (ContentHash(1), ContentHash(2));
        cache
            .commit(
                index,
                key,
                Some(b"\x7fELF one"),
                std::slice::from_ref(&member),
            )
            .unwrap();
        let loaded = cache.lookup(index, fk(9)).expect("stored");
        assert_eq!(
            (loaded.object.bytes(), loaded.members),
            (&b"\x7fELF one"[..], vec![member.clone()])
        );
        // Another writer's object under the same key, its list not yet.
        std::fs::write(dir.join(object_file(key)), b"\x7fELF two").unwrap();
        assert!(cache.load(key).is_none());
        let moved = Member { line: 15, ..member };
        cache
            .update(key, b"\x7fELF two", std::slice::from_ref(&moved))
            .unwrap();
        assert_eq!(cache.load(key).expect("whole again").members, vec![moved]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn index_lines_cut_short_are_skipped_and_later_lines_win() {
        let dir = std::env::temp_dir().join(format!("autojit-index-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.index");
        let (k1, k2) = (ContentHash(0x11), ContentHash(0x22));
        let text = format!(
            "{} {}\n{} {}\n{} {}\n00000000000000",
            fk(1).to_hex(),
            k1.to_hex(),
            fk(2).to_hex(),
            k1.to_hex(),
            fk(1).to_hex(),
            k2.to_hex()
        );
        std::fs::write(&path, text).unwrap();
        let index = read_index(&path);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(index.len(), 2);
        assert_eq!(index[&fk(1)], k2);
        assert_eq!(index[&fk(2)], k1);
    }
}
