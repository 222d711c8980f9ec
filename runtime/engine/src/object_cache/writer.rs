//! Objects written to the local cache by a thread of their own while the
//! run links them from memory: those fetched from a team's store, and
//! those whose lines or paths the run moved.

use super::{append_index_lines, member_list, write_object, Member};
use crate::log::Log;
use autojit_abi::{ContentHash, Tier};
use autojit_remote_cache::Record;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;

/// An object fetched from the store, to keep in the local cache.
pub(super) struct Fetched {
    pub dir: PathBuf,
    pub key: ContentHash,
    pub index: ContentHash,
    pub index_lines: String,
    /// The object and its member list, as checked.
    pub record: Record,
}

/// An object whose lines or paths this run moved, to replace the one under
/// its key: the next run need not move them again.
pub(super) struct Moved {
    pub dir: PathBuf,
    pub key: ContentHash,
    pub tier: Tier,
    pub source_root: Option<String>,
    pub members: Vec<Member>,
    pub object: Vec<u8>,
    /// For an object fetched from the store: the index and the lines that
    /// index it here, appended once it is written.
    pub index_lines: Option<(ContentHash, String)>,
}

/// What the thread writes.
pub(super) enum Kept {
    Fetched(Fetched),
    Moved(Moved),
}

impl Kept {
    fn write(&self) -> Result<(), String> {
        match self {
            Kept::Fetched(fetched) => fetched.write(),
            Kept::Moved(moved) => moved.write(),
        }
    }
}

impl Moved {
    fn write(&self) -> Result<(), String> {
        let list = member_list(
            &self.object,
            self.tier,
            self.source_root.as_deref(),
            &self.members,
        );
        write_object(&self.dir, self.key, &self.object, &list)?;
        match &self.index_lines {
            Some((index, lines)) => append_index_lines(&self.dir, *index, lines),
            None => Ok(()),
        }
    }
}

impl Fetched {
    /// Writes the object and its member list, then its index lines: a
    /// reader finds the lines only once the files are whole.
    fn write(&self) -> Result<(), String> {
        let dir = &self.dir;
        let object = self
            .record
            .object()
            .map_err(|why| format!("object {} not kept: {why}", self.key.to_hex()))?;
        write_object(dir, self.key, &object, self.record.members())?;
        append_index_lines(dir, self.index, &self.index_lines)
    }
}

/// A thread that writes objects to the local cache while the run links
/// them from memory: a second checkout's first run creates two files per
/// object (json's tests: 60 files, 16 MB, 0.3x of a warm run when written
/// on the run's path).
pub(super) struct Writer {
    /// The process the thread is in: a forked child writes on its own path.
    pid: u32,
    queue: mpsc::Sender<Kept>,
    thread: JoinHandle<()>,
    log: Log,
}

impl Writer {
    pub fn new(log: Log) -> Self {
        let (queue, kept) = mpsc::channel::<Kept>();
        let thread = std::thread::spawn(move || {
            for object in kept {
                if let Err(e) = object.write() {
                    log.line(|| e);
                }
            }
        });
        Writer {
            pid: std::process::id(),
            queue,
            thread,
            log,
        }
    }

    pub fn keep(&self, kept: Kept) {
        let unsent = if self.pid == std::process::id() {
            self.queue.send(kept).err().map(|e| e.0)
        } else {
            Some(kept)
        };
        if let Some(kept) = unsent {
            if let Err(e) = kept.write() {
                self.log.line(|| e);
            }
        }
    }

    pub fn finish(self) {
        if self.pid != std::process::id() {
            // The parent's thread and queue: not this process's to touch.
            std::mem::forget(self);
            return;
        }
        drop(self.queue);
        // A panic of the thread costs only a fetch next run.
        let _ = self.thread.join();
    }
}
