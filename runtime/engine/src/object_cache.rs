//! ObjectCache: compiled objects on disk, keyed by the functions in them.
//!
//! An object holds a batch of functions compiled together. Its key hashes
//! the batch's function keys (`autojit_abi::function_keys`: what decides
//! each function's code, its lines counted from its first line) with the
//! target and the code's tier (`ObjectCache::key`); its member list
//! (`<key>.members`, one `<guid> <function key> <first line> <name>` line
//! each) says which bodies it defines and where each one's lines are in the
//! object, after a first line with the object's content hash and tier, so
//! that a list and an object rewritten apart (lines moved by
//! `ObjectCache::update`) are never taken for each other. The
//! index of a source file (`<hash of its path and the target>.index`, one
//! `<function key> <object key> <tier>` line per function compiled) names
//! the objects each function key compiled into, optimized ones first: after an edit, every function
//! whose key did not change still finds its object, and a warm run reads the
//! index once, then the member list and object of each batch it calls into,
//! and never parses IR. A function may be in several objects: two programs
//! built from one source file with different options share its unchanged
//! functions but not their batch-mates, and each takes the object whose
//! members are all its own.
//!
//! Behind it, optionally, a store the team shares (`AUTOJIT_REMOTE_CACHE`,
//! `autojit_remote_cache`): a function the local index does not know is
//! looked up in the store's index of its source file (read once per run),
//! and an object found there is fetched, checked and written here, so the
//! next run finds it locally. What this client compiles it publishes, unless
//! it only reads.
//!
//! Objects and member lists are written atomically (temporary + rename), and
//! index lines appended in one write per batch, so any number of processes
//! may share the cache: a reader sees a whole file or none, and skips a line
//! cut short.

use crate::log::Log;
use autojit_abi::fast_map::{FastMap, FastSet};
use autojit_abi::function_keys::{self, FunctionKey};
use autojit_abi::stats::Stats;
use autojit_abi::{content_hash, store, ContentHash, Tier};
use autojit_loader::ObjectImage;
use autojit_remote_cache::{RecordName, RemoteCache, RemoteError};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod writer;
use writer::{Fetched, Kept, Moved, Writer};

/// Bumped when the engine changes how it compiles, to retire old objects.
const FORMAT_VERSION: &str = "autojit-object-v6";

/// The engine's one door to compiled objects on disk: look up what an index
/// names, commit an object that linked, reject one that did not.
pub struct ObjectCache {
    dir: Option<PathBuf>,
    /// The index of each source file read so far, by its key.
    indexes: FastMap<ContentHash, Index>,
    /// Objects that did not link into this program, though they may into
    /// another: not offered again in this run.
    refused: FastSet<ContentHash>,
    remote: Option<Remote>,
    /// Writes objects fetched or moved here, off the run's path.
    writer: Option<Writer>,
    log: Log,
}

/// The store behind the local cache, and what this run read of it.
struct Remote {
    cache: RemoteCache,
    /// Indexes whose stored lines were merged into `indexes`.
    merged: FastSet<ContentHash>,
    /// The target objects are compiled for: a record fetched must be the
    /// object its key names for it.
    target: String,
    stats: Arc<Stats>,
}

impl Remote {
    /// Logs in `log` why the store did not answer; if it is off for the
    /// rest of the run, notes when in `dir`, for the runs that follow.
    fn failed(&self, log: Log, dir: Option<&Path>, e: &RemoteError) {
        log.line(|| e.to_string());
        if let (false, Some(dir)) = (self.cache.is_reading(), dir) {
            let note = format!("{} {}\n", unix_seconds(), self.cache.url());
            // Without the note, the next run asks the store again.
            let _ = store::write_atomically(dir, REMOTE_FAULT_FILE, note.as_bytes());
        }
    }
}

/// Where a run notes that the store failed it, so that the runs after it
/// (a test suite's thousand processes) do not each wait for a timeout.
const REMOTE_FAULT_FILE: &str = "remote-fault";
/// How long a store's fault is remembered.
const REMOTE_FAULT_MEMORY: Duration = Duration::from_secs(60);

/// How many seconds ago a run noted in `dir` that the store at `url`
/// failed, if it is less than `REMOTE_FAULT_MEMORY` ago.
fn recent_fault(dir: &Path, url: &str) -> Option<u64> {
    let note = std::fs::read_to_string(dir.join(REMOTE_FAULT_FILE)).ok()?;
    let (when, noted_url) = note.trim_end().split_once(' ')?;
    let ago = unix_seconds().checked_sub(when.parse().ok()?)?;
    (noted_url == url && ago < REMOTE_FAULT_MEMORY.as_secs()).then_some(ago)
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A source file's index: the objects each function key compiled into, the
/// latest last.
type Index = FastMap<FunctionKey, Vec<Indexed>>;

/// An object an index names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Indexed {
    object: ContentHash,
    tier: Tier,
    /// Where the store has the object, for an index line read from it.
    record: Option<RecordName>,
}

/// How many objects a function's index entry remembers.
const OBJECTS_PER_FUNCTION: usize = 4;

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
    pub tier: Tier,
    /// The root of the checkout it was compiled in, which its debug info's
    /// paths start with (`autojit_abi::function_keys`).
    pub source_root: Option<String>,
    /// The first is the one whose call compiled the batch.
    pub members: Vec<Member>,
    pub object: ObjectImage,
    /// Fetched from the store and not written here yet: the engine has it
    /// written once it linked (`keep_fetched`, or `update` if it moved it).
    pub unwritten: Option<Unwritten>,
}

/// An object fetched from the store, to write to the local cache.
pub struct Unwritten(Fetched);

/// An object compiled now, in the checkout of root `source_root` (if any).
pub struct Compiled<'a> {
    pub object: &'a [u8],
    pub source_root: Option<&'a str>,
}

impl ObjectCache {
    /// The cache under store root `root` (the engine's setting), created
    /// private to this user; or a disabled cache, with the reason, when the
    /// setting or the directory says so.
    pub fn open(root: &Result<PathBuf, String>, log: Log) -> (Self, Option<String>) {
        let dir = root.clone().and_then(|root| {
            store::private_subdir_of(&root, store::OBJECTS_SUBDIR).map_err(|e| e.to_string())
        });
        match dir {
            Ok(dir) => (ObjectCache::at(Some(dir), log), None),
            Err(why) => (ObjectCache::at(None, log), Some(why)),
        }
    }

    fn at(dir: Option<PathBuf>, log: Log) -> Self {
        ObjectCache {
            dir,
            indexes: FastMap::default(),
            refused: FastSet::default(),
            remote: None,
            writer: None,
            log,
        }
    }

    /// Hands `kept` to the thread that writes objects here.
    fn keep(&mut self, kept: Kept) {
        let log = self.log;
        self.writer
            .get_or_insert_with(|| Writer::new(log))
            .keep(kept);
    }

    /// This cache with `remote` behind it, for objects compiled for
    /// `target`; without a local directory, which fetched objects go to,
    /// there is no remote tier either, nor while the store is remembered
    /// to have failed a run of this user (`REMOTE_FAULT_FILE`).
    pub fn with_remote(mut self, cache: RemoteCache, target: &str, stats: Arc<Stats>) -> Self {
        let Some(dir) = &self.dir else { return self };
        let log = self.log;
        if let Some(ago) = recent_fault(dir, cache.url()) {
            log.line(|| {
                format!(
                    "remote cache {}: a run {ago} s ago found it failing; compiling locally without it for {} s more",
                    cache.url(),
                    REMOTE_FAULT_MEMORY.as_secs().saturating_sub(ago)
                )
            });
        } else {
            self.remote = Some(Remote {
                cache,
                merged: FastSet::default(),
                target: target.to_string(),
                stats,
            });
        }
        self
    }

    /// The key of the object of `tier` compiled for `target` from the
    /// functions of keys `members`, in that order.
    ///
    /// A function key covers everything the function carries and declares
    /// (the optimization level too), so nothing is printed or hashed again
    /// at run time.
    pub fn key(members: &[FunctionKey], target: &str, tier: Tier) -> ContentHash {
        let members: Vec<u8> = members.iter().flat_map(|k| k.0 .0.to_le_bytes()).collect();
        keyed(&[
            FORMAT_VERSION.as_bytes(),
            target.as_bytes(),
            b"batch",
            &[tier.number()],
            &members,
        ])
    }

    /// The key under which a checkout keeps its own copy of object `key`,
    /// compiled in another checkout of the same sources: the copy's debug
    /// info names the files of the checkout of root `source_root`. Each
    /// checkout keeps its copy, so that runs in two checkouts sharing a
    /// cache do not move an object's paths back and forth.
    pub fn checkout_copy_key(key: ContentHash, source_root: &str) -> ContentHash {
        keyed(&[
            FORMAT_VERSION.as_bytes(),
            b"checkout copy",
            &key.0.to_le_bytes(),
            source_root.as_bytes(),
        ])
    }

    /// The key under which object `key` is kept with the lines of the
    /// members of keys `stale` erased (their functions changed since it was
    /// compiled): each run that links it would otherwise erase them again.
    /// An edit undone makes a member current again, and the object's own
    /// copy, lines and all, serves again.
    pub fn erased_copy_key(key: ContentHash, stale: &[FunctionKey]) -> ContentHash {
        let mut stale: Vec<[u8; 16]> = stale.iter().map(|k| k.0 .0.to_le_bytes()).collect();
        stale.sort_unstable();
        let key = key.0.to_le_bytes();
        let mut parts: Vec<&[u8]> = vec![FORMAT_VERSION.as_bytes(), b"erased copy", &key];
        parts.extend(stale.iter().map(|k| &k[..]));
        keyed(&parts)
    }

    /// The key of the index of the source file of identity `source_identity`.
    pub fn index_key(source_identity: &str, target: &str) -> ContentHash {
        keyed(&[
            FORMAT_VERSION.as_bytes(),
            target.as_bytes(),
            source_identity.as_bytes(),
        ])
    }

    /// The object and member list stored under `key`, if both are whole and
    /// belong together.
    pub fn load(&self, key: ContentHash) -> Option<CachedBatch> {
        self.load_listed(key, self.members(key)?)
    }

    /// The object stored under `key`, with its member list read already,
    /// if it belongs with the list.
    fn load_listed(&self, key: ContentHash, list: MemberList) -> Option<CachedBatch> {
        let object = read_object(self.dir.as_ref()?, key)
            .filter(|o| content_hash(o.bytes()) == list.object)?;
        Some(CachedBatch {
            key,
            tier: list.tier,
            source_root: list.source_root,
            members: list.members,
            object,
            unwritten: None,
        })
    }

    /// The member list stored under `key`.
    fn members(&self, key: ContentHash) -> Option<MemberList> {
        let list = std::fs::read_to_string(self.dir.as_ref()?.join(members_file(key))).ok()?;
        parse_member_list(&list)
    }

    /// An object the function of key `function` compiled into, by index
    /// `index` (read on first use), of a tier `allowed` allows: of the
    /// highest tier there is, the latest whose members are all `current`,
    /// else the latest. If the local index does not know the function, the
    /// store's is read too, in one request with those of `sources` (the
    /// indexes of the program's other source files) not read yet.
    pub fn lookup(
        &mut self,
        index: ContentHash,
        function: FunctionKey,
        current: impl Fn(&Member) -> bool,
        allowed: impl Fn(Tier) -> bool,
        sources: impl FnOnce() -> Vec<ContentHash>,
    ) -> Option<CachedBatch> {
        let mut found = self.lookup_indexed(index, function, &current, &allowed);
        if found.is_none() && self.merge_remote_indexes(index, sources) {
            found = self.lookup_indexed(index, function, &current, &allowed);
        }
        if let (None, Some(remote)) = (&found, &self.remote) {
            if remote.merged.contains(&index) && remote.cache.is_reading() {
                remote.stats.remote_lookup(false);
            }
        }
        found
    }

    fn lookup_indexed(
        &mut self,
        index: ContentHash,
        function: FunctionKey,
        current: &impl Fn(&Member) -> bool,
        allowed: &impl Fn(Tier) -> bool,
    ) -> Option<CachedBatch> {
        let dir = self.dir.as_ref()?;
        let entries = self
            .indexes
            .entry(index)
            .or_insert_with(|| read_index(&dir.join(index_file(index))));
        let mut candidates: Vec<Indexed> = entries
            .get(&function)?
            .iter()
            .rev()
            .filter(|c| allowed(c.tier) && !self.refused.contains(&c.object))
            .copied()
            .collect();
        // Stable: the latest first within a tier.
        candidates.sort_by_key(|c| std::cmp::Reverse(c.tier));
        let best_tier = candidates.first()?.tier;
        let mut gone = Vec::new();
        // The chosen object, with its member list if read from here (else
        // it was fetched).
        let mut chosen: Option<(ContentHash, Option<MemberList>)> = None;
        // Objects fetched from the store, linked from memory: their local
        // copies may not be written yet.
        let mut fetched: Vec<CachedBatch> = Vec::new();
        for candidate in candidates.iter().take_while(|c| c.tier == best_tier) {
            let key = candidate.object;
            let (all_current, list) = match self.members(key) {
                Some(list) => (list.members.iter().all(current), Some(list)),
                None => match candidate
                    .record
                    .and_then(|name| self.fetch(index, key, name))
                {
                    Some(batch) => {
                        let all_current = batch.members.iter().all(current);
                        fetched.push(batch);
                        (all_current, None)
                    }
                    None => {
                        gone.push(key);
                        continue;
                    }
                },
            };
            if all_current {
                chosen = Some((key, list));
                break;
            }
            chosen.get_or_insert((key, list));
        }
        let batch = chosen.and_then(|(key, list)| {
            let batch = match list {
                Some(list) => self.load_listed(key, list),
                None => fetched
                    .iter()
                    .position(|b| b.key == key)
                    .map(|at| fetched.swap_remove(at)),
            };
            if batch.is_none() {
                gone.push(key);
            }
            batch
        });
        // The others fetched are kept too: a later run may choose them.
        for other in fetched {
            if let Some(unwritten) = other.unwritten {
                self.keep_fetched(unwritten);
            }
        }
        // Gone or damaged: their functions are not in those objects after
        // all, and may join the batch that compiles them again.
        if let (false, Some(entries)) = (gone.is_empty(), self.indexes.get_mut(&index)) {
            for objects in entries.values_mut() {
                objects.retain(|o| !gone.contains(&o.object));
            }
            entries.retain(|_, objects| !objects.is_empty());
        }
        batch
    }

    /// Merges the store's lines of index `index`, and of `sources`, into
    /// the local ones, each the first time it is asked for in this run;
    /// whether `index`'s were read now.
    fn merge_remote_indexes(
        &mut self,
        index: ContentHash,
        sources: impl FnOnce() -> Vec<ContentHash>,
    ) -> bool {
        let Some(remote) = &mut self.remote else {
            return false;
        };
        if remote.merged.contains(&index) {
            return false;
        }
        let wanted: Vec<ContentHash> = std::iter::once(index)
            .chain(sources())
            .filter(|&i| remote.merged.insert(i))
            .collect();
        let texts = match remote.cache.indexes(&wanted) {
            Ok(texts) => texts,
            Err(e) => {
                remote.failed(self.log, self.dir.as_deref(), &e);
                return false;
            }
        };
        for (index, text) in wanted.into_iter().zip(texts) {
            let Some(text) = text else { continue };
            remote.stats.remote_read(text.len() as u64);
            // The store's lines first: what this client indexed itself stays
            // the latest.
            let mut merged = parse_index(&String::from_utf8_lossy(&text));
            let local = self.indexes.remove(&index).unwrap_or_else(|| {
                self.dir.as_ref().map_or_else(Index::default, |dir| {
                    read_index(&dir.join(index_file(index)))
                })
            });
            for (function, objects) in local {
                let list = merged.entry(function).or_default();
                for object in objects {
                    index_object(list, object);
                }
            }
            self.indexes.insert(index, merged);
        }
        true
    }

    /// Fetches the object under `key` from the store's record `name`,
    /// checks that it is that object, and keeps it here too, indexed under
    /// `index`: the next run finds it without the store.
    fn fetch(
        &mut self,
        index: ContentHash,
        key: ContentHash,
        name: RecordName,
    ) -> Option<CachedBatch> {
        let remote = self.remote.as_mut()?;
        let dir = self.dir.as_ref()?;
        let record = match remote.cache.record(name) {
            Ok(record) => record?,
            Err(e) => {
                remote.failed(self.log, Some(dir), &e);
                return None;
            }
        };
        remote.stats.remote_read(record.stored_len() as u64);
        // The record's hash vouches for its object matching its member
        // list, as the writer made them; the key must be the one asked for.
        let fits = parse_member_list(record.members()).filter(|list| {
            let keys: Vec<FunctionKey> = list.members.iter().map(|m| m.key).collect();
            ObjectCache::key(&keys, &remote.target, list.tier) == key
        });
        let Some(MemberList {
            tier,
            source_root,
            members,
            ..
        }) = fits
        else {
            self.log.line(|| {
                format!(
                    "remote cache: refused record {}: it is not the object {} its index names; compiling locally",
                    name.to_hex(),
                    key.to_hex()
                )
            });
            return None;
        };
        let object = match record.object() {
            Ok(object) => object,
            Err(why) => {
                remote.failed(
                    self.log,
                    Some(dir),
                    &RemoteError::Refused { record: name, why },
                );
                return None;
            }
        };
        remote.stats.remote_lookup(true);
        // The writer expands its own copy of the object on its thread.
        let fetched = Fetched {
            dir: dir.clone(),
            key,
            index,
            index_lines: index_lines(key, tier, &members, None),
            record,
        };
        Some(CachedBatch {
            key,
            tier,
            source_root,
            members,
            object: ObjectImage::from(object),
            unwritten: Some(Unwritten(fetched)),
        })
    }

    /// Writes an object fetched from the store here, as fetched.
    pub fn keep_fetched(&mut self, unwritten: Unwritten) {
        self.keep(Kept::Fetched(unwritten.0));
    }

    /// At exit: waits until the objects fetched or moved are written here.
    pub fn finish_writing(&mut self) {
        if let Some(writer) = self.writer.take() {
            writer.finish();
        }
    }

    /// Whether the function of key `function` is in some object of a tier
    /// `allowed` allows that this run may use, by index `index` as read
    /// before.
    pub fn is_indexed(
        &self,
        index: ContentHash,
        function: FunctionKey,
        allowed: impl Fn(Tier) -> bool,
    ) -> bool {
        self.indexes
            .get(&index)
            .and_then(|e| e.get(&function))
            .is_some_and(|objects| {
                objects
                    .iter()
                    .any(|o| allowed(o.tier) && !self.refused.contains(&o.object))
            })
    }

    /// Keeps an object of `tier` that linked: stores it under `key` with its
    /// member list if it was compiled now (`compiled`), and publishes it to
    /// the store behind if there is one to write to; indexes each member
    /// under it in index `index`. A failure only costs a compile next time.
    pub fn commit(
        &mut self,
        index: ContentHash,
        key: ContentHash,
        tier: Tier,
        compiled: Option<Compiled>,
        members: &[Member],
    ) -> Result<(), String> {
        if let Some(Compiled {
            object,
            source_root,
        }) = compiled
        {
            let list = member_list(object, tier, source_root, members);
            self.store(key, object, &list)?;
            self.publish(index, key, tier, object, &list, members);
        }
        let Some(dir) = &self.dir else { return Ok(()) };
        let entries = self.indexes.entry(index).or_default();
        for member in members {
            let indexed = Indexed {
                object: key,
                tier,
                record: None,
            };
            index_object(entries.entry(member.key).or_default(), indexed);
        }
        append_index_lines(dir, index, &index_lines(key, tier, members, None))
    }

    /// Sends an object compiled now to the store, for the rest of the team.
    fn publish(
        &mut self,
        index: ContentHash,
        key: ContentHash,
        tier: Tier,
        object: &[u8],
        list: &str,
        members: &[Member],
    ) {
        let Some(remote) = &mut self.remote else {
            return;
        };
        let lines = |name| index_lines(key, tier, members, Some(name));
        match remote.cache.publish(index, list, object, lines) {
            Ok(bytes) => remote.stats.remote_written(bytes as u64),
            Err(e) => remote.failed(self.log, self.dir.as_deref(), &e),
        }
    }

    /// Replaces the object under `key` with `object`, the same code with its
    /// functions' lines and paths moved (`members` says where their lines
    /// are now, `source_root` which checkout its paths are in), so that the
    /// next run need not move them again; if it was fetched (`unwritten`),
    /// this is the copy kept here, and it is indexed. Written off the run's
    /// path; a failure is logged and costs a move next run.
    pub fn update(
        &mut self,
        key: ContentHash,
        tier: Tier,
        object: Vec<u8>,
        source_root: Option<String>,
        members: Vec<Member>,
        unwritten: Option<Unwritten>,
    ) {
        let Some(dir) = self.dir.clone() else { return };
        let index_lines = unwritten.map(|Unwritten(f)| (f.index, f.index_lines));
        self.keep(Kept::Moved(Moved {
            dir,
            key,
            tier,
            source_root,
            members,
            object,
            index_lines,
        }));
    }

    fn store(&self, key: ContentHash, object: &[u8], list: &str) -> Result<(), String> {
        let Some(dir) = &self.dir else { return Ok(()) };
        write_object(dir, key, object, list)
    }

    /// Leaves out, for the rest of this run, an object that did not link
    /// because of its members compiled from other versions of their
    /// functions (a build with other options, or before an edit): it may
    /// still be right for the program it was compiled for.
    pub fn refuse(&mut self, key: ContentHash) {
        self.refused.insert(key);
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

/// Writes `object` under `key` in `dir`, then its member list `list`: each
/// whole or not at all, and `load` takes them only together.
fn write_object(dir: &Path, key: ContentHash, object: &[u8], list: &str) -> Result<(), String> {
    store::write_atomically(dir, &object_file(key), object)
        .and_then(|_| store::write_atomically(dir, &members_file(key), list.as_bytes()))
        .map(|_| ())
        .map_err(|e| cannot_write(dir, e))
}

/// What a member list says of its object.
struct MemberList {
    object: ContentHash,
    tier: Tier,
    source_root: Option<String>,
    members: Vec<Member>,
}

/// The member list of `object`: its hash, tier and the root of the
/// checkout it was compiled in, then a line per member.
fn member_list(object: &[u8], tier: Tier, source_root: Option<&str>, members: &[Member]) -> String {
    let mut list = format!(
        "object {} tier {}\n",
        content_hash(object).to_hex(),
        tier.number()
    );
    if let Some(root) = source_root {
        list.push_str(&function_keys::source_root_line(root));
    }
    for m in members {
        list.push_str(&format!(
            "{:016x} {} {} {}\n",
            m.guid,
            m.key.to_hex(),
            m.line,
            m.name
        ));
    }
    list
}

/// What a member list says, if it is whole.
fn parse_member_list(list: &str) -> Option<MemberList> {
    let mut lines = list.lines().peekable();
    let (object, tier) = lines
        .next()?
        .strip_prefix("object ")?
        .split_once(" tier ")?;
    let object = ContentHash::from_hex(object)?;
    let tier = Tier::from_number(tier.parse().ok()?)?;
    let source_root = function_keys::next_source_root(&mut lines)?;
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
    Some(MemberList {
        object,
        tier,
        source_root,
        members,
    })
}

/// The index lines saying that `members` compiled into the object `key`
/// of `tier`, which the store has as record `record`.
fn index_lines(
    key: ContentHash,
    tier: Tier,
    members: &[Member],
    record: Option<RecordName>,
) -> String {
    let record = record.map_or(String::new(), |r| format!(" {}", r.to_hex()));
    members
        .iter()
        .map(|m| {
            format!(
                "{} {} {}{record}\n",
                m.key.to_hex(),
                key.to_hex(),
                tier.number()
            )
        })
        .collect()
}

/// Appends `lines` to index `index`, in one write.
fn append_index_lines(dir: &Path, index: ContentHash, lines: &str) -> Result<(), String> {
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(dir.join(index_file(index)))
        .and_then(|mut f| f.write_all(lines.as_bytes()))
        .map_err(|e| cannot_write(dir, e))
}

/// An index file's entries.
fn read_index(path: &Path) -> Index {
    parse_index(&std::fs::read_to_string(path).unwrap_or_default())
}

/// An index's entries: a line cut short (a writer that died) is skipped,
/// and a later line for a function comes later in its list. A line read
/// from the store ends with the name of the record that holds the object.
fn parse_index(text: &str) -> Index {
    let mut index = Index::default();
    for line in text.lines() {
        let mut fields = line.split(' ');
        let parsed = (|| {
            let function = FunctionKey::from_hex(fields.next()?)?;
            let object = ContentHash::from_hex(fields.next()?)?;
            let tier = Tier::from_number(fields.next()?.parse().ok()?)?;
            let record = match fields.next() {
                Some(name) => Some(RecordName::from_hex(name)?),
                None => None,
            };
            Some((
                function,
                Indexed {
                    object,
                    tier,
                    record,
                },
            ))
        })();
        if let Some((function, indexed)) = parsed {
            index_object(index.entry(function).or_default(), indexed);
        }
    }
    index
}

/// Records that a function compiled into `indexed`, the latest of
/// `objects`; the oldest beyond `OBJECTS_PER_FUNCTION` are forgotten.
fn index_object(objects: &mut Vec<Indexed>, indexed: Indexed) {
    objects.retain(|o| o.object != indexed.object);
    if objects.len() == OBJECTS_PER_FUNCTION {
        objects.remove(0);
    }
    objects.push(indexed);
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

    /// Function `guid` compiled from key `key`.
    fn member(guid: u64, key: u128) -> Member {
        Member {
            guid,
            key: fk(key),
            line: 0,
            name: format!("f{guid}"),
        }
    }

    /// A directory of this test process's own, empty.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("autojit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn keys_tell_batches_targets_and_tiers_apart() {
        let key = |members: &[FunctionKey], target, tier| ObjectCache::key(members, target, tier);
        let k = key(&[fk(1), fk(2)], "t", Tier::Optimized);
        assert_eq!(k, key(&[fk(1), fk(2)], "t", Tier::Optimized));
        assert_ne!(k, key(&[fk(2), fk(1)], "t", Tier::Optimized));
        assert_ne!(k, key(&[fk(1)], "t", Tier::Optimized));
        assert_ne!(k, key(&[fk(1), fk(2)], "u", Tier::Optimized));
        assert_ne!(k, key(&[fk(1), fk(2)], "t", Tier::Quick));
        assert_ne!(
            ObjectCache::index_key("/a.c", "t"),
            ObjectCache::index_key("/b.c", "t")
        );
    }

    #[test]
    fn an_erased_copy_is_keyed_by_its_object_and_the_set_of_stale_members() {
        let object = ContentHash(7);
        let erased = |stale: &[FunctionKey]| ObjectCache::erased_copy_key(object, stale);
        let k = erased(&[fk(1), fk(2)]);
        assert_eq!(k, erased(&[fk(2), fk(1)]));
        assert_ne!(k, erased(&[fk(1)]));
        assert_ne!(
            k,
            ObjectCache::erased_copy_key(ContentHash(8), &[fk(1), fk(2)])
        );
        assert_ne!(k, object);
        assert_ne!(k, ObjectCache::checkout_copy_key(object, ""));
    }

    #[test]
    fn an_object_and_a_member_list_written_apart_are_not_taken_together() {
        let dir = scratch("members");
        let mut cache = ObjectCache::at(Some(dir.clone()), Log::new("test", false));
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
                Tier::Quick,
                Some(Compiled {
                    object: b"\x7fELF one",
                    source_root: Some("/home/a b/checkout"),
                }),
                std::slice::from_ref(&member),
            )
            .unwrap();
        let loaded = cache
            .lookup(index, fk(9), |_| true, |_| true, Vec::new)
            .expect("stored");
        assert_eq!(loaded.tier, Tier::Quick);
        assert_eq!(loaded.source_root.as_deref(), Some("/home/a b/checkout"));
        assert_eq!(
            (loaded.object.bytes(), loaded.members),
            (&b"\x7fELF one"[..], vec![member.clone()])
        );
        // Another writer's object under the same key, its list not yet.
        std::fs::write(dir.join(object_file(key)), b"\x7fELF two").unwrap();
        assert!(cache.load(key).is_none());
        let moved = Member { line: 15, ..member };
        cache.update(
            key,
            Tier::Quick,
            b"\x7fELF two".to_vec(),
            None,
            vec![moved.clone()],
            None,
        );
        cache.finish_writing();
        let loaded = cache.load(key).expect("whole again");
        assert_eq!((loaded.members, loaded.source_root), (vec![moved], None));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn index_lines_cut_short_are_skipped_and_later_lines_win() {
        let dir = scratch("index");
        let path = dir.join("x.index");
        let (k1, k2) = (ContentHash(0x11), ContentHash(0x22));
        let text = format!(
            "{} {} 1\n{} {} 1\n{} {} 2\n{} {} 3\n00000000000000",
            fk(1).to_hex(),
            k1.to_hex(),
            fk(2).to_hex(),
            k1.to_hex(),
            fk(1).to_hex(),
            k2.to_hex(),
            fk(3).to_hex(),
            k2.to_hex(),
        );
        std::fs::write(&path, text).unwrap();
        let index = read_index(&path);
        std::fs::remove_dir_all(&dir).unwrap();
        let quick = |object| Indexed {
            object,
            tier: Tier::Quick,
            record: None,
        };
        let optimized = Indexed {
            object: k2,
            tier: Tier::Optimized,
            record: None,
        };
        // The line of an unknown tier is skipped too.
        assert_eq!(index.len(), 2);
        assert_eq!(index[&fk(1)], [quick(k1), optimized]);
        assert_eq!(index[&fk(2)], [quick(k1)]);
    }

    #[test]
    fn a_function_in_two_objects_finds_the_one_whose_members_are_current() {
        let dir = scratch("variants");
        let mut cache = ObjectCache::at(Some(dir.clone()), Log::new("test", false));
        // One function (guid 1, key 10) batched with two versions of
        // another (guid 2): keys 20 and 21, as two builds would have it.
        let index = ContentHash(1);
        let (first, second) = (ContentHash(2), ContentHash(3));
        let first_members = [member(1, 10), member(2, 20)];
        let second_members = [member(1, 10), member(2, 21)];
        for (key, members) in [(first, &first_members), (second, &second_members)] {
            cache
                .commit(
                    index,
                    key,
                    Tier::Quick,
                    Some(Compiled {
                        object: b"\x7fELF",
                        source_root: None,
                    }),
                    members,
                )
                .unwrap();
        }
        let current = |keys: [u128; 2]| move |m: &Member| m.key == fk(keys[m.guid as usize - 1]);
        for cache in [
            &mut cache,
            &mut ObjectCache::at(Some(dir.clone()), Log::new("test", false)),
        ] {
            let found = |cache: &mut ObjectCache, keys| {
                cache.lookup(index, fk(10), current(keys), |_| true, Vec::new)
            };
            assert_eq!(found(cache, [10, 20]).unwrap().key, first);
            assert_eq!(found(cache, [10, 21]).unwrap().key, second);
            // Neither is all current (an edit since): the latest.
            assert_eq!(found(cache, [10, 22]).unwrap().key, second);
        }
        // A removed object is forgotten; the other is still found.
        cache.reject(second);
        assert_eq!(
            cache
                .lookup(index, fk(10), current([10, 21]), |_| true, Vec::new)
                .unwrap()
                .key,
            first
        );
        // What was only in it may be compiled again.
        assert!(!cache.is_indexed(index, fk(21), |_| true));
        assert!(cache.is_indexed(index, fk(20), |_| true));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_optimized_object_of_a_function_comes_first_unless_not_allowed() {
        let dir = scratch("tiers");
        let mut cache = ObjectCache::at(Some(dir.clone()), Log::new("test", false));
        let index = ContentHash(1);
        let (optimized, quick) = (ContentHash(2), ContentHash(3));
        // The hot function alone, optimized; later, its batch at tier 1.
        cache
            .commit(
                index,
                optimized,
                Tier::Optimized,
                Some(Compiled {
                    object: b"\x7fELF 2",
                    source_root: None,
                }),
                &[member(1, 10)],
            )
            .unwrap();
        cache
            .commit(
                index,
                quick,
                Tier::Quick,
                Some(Compiled {
                    object: b"\x7fELF 1",
                    source_root: None,
                }),
                &[member(1, 10), member(2, 20)],
            )
            .unwrap();
        let found = |cache: &mut ObjectCache, allowed: fn(Tier) -> bool| {
            cache
                .lookup(index, fk(10), |_| true, allowed, Vec::new)
                .map(|b| (b.key, b.tier))
        };
        assert_eq!(
            found(&mut cache, |_| true),
            Some((optimized, Tier::Optimized))
        );
        assert_eq!(
            found(&mut cache, |t| t == Tier::Quick),
            Some((quick, Tier::Quick))
        );
        assert!(cache.is_indexed(index, fk(20), |t| t == Tier::Quick));
        assert!(!cache.is_indexed(index, fk(20), |t| t == Tier::Optimized));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
