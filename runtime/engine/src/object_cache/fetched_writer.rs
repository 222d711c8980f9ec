//! Objects fetched from a team's store, written to the local cache by a
//! thread of their own while the run links them from memory.

use super::{append_index_lines, cannot_write, members_file, object_file};
use crate::log::Log;
use autojit_abi::{store, ContentHash};
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

impl Fetched {
    /// Writes the object and its member list, then its index lines: a
    /// reader finds the lines only once the files are whole.
    fn write(&self) -> Result<(), String> {
        let dir = &self.dir;
        let object = self
            .record
            .object()
            .map_err(|why| format!("object {} not kept: {why}", self.key.to_hex()))?;
        store::write_atomically(dir, &object_file(self.key), &object)
            .and_then(|_| {
                store::write_atomically(
                    dir,
                    &members_file(self.key),
                    self.record.members().as_bytes(),
                )
            })
            .map_err(|e| cannot_write(dir, e))
            .and_then(|_| append_index_lines(dir, self.index, &self.index_lines))
    }
}

/// A thread that writes fetched objects to the local cache while the run
/// links them from memory: a second checkout's first run creates two files
/// per object (json's tests: 60 files, 16 MB, 0.3x of a warm run when
/// written on the run's path).
pub(super) struct FetchedWriter {
    /// The process the thread is in: a forked child writes on its own path.
    pid: u32,
    queue: mpsc::Sender<Fetched>,
    thread: JoinHandle<()>,
    log: Log,
}

impl FetchedWriter {
    pub fn new(log: Log) -> Self {
        let (queue, fetched) = mpsc::channel::<Fetched>();
        let thread = std::thread::spawn(move || {
            for object in fetched {
                if let Err(e) = object.write() {
                    log.line(|| e);
                }
            }
        });
        FetchedWriter {
            pid: std::process::id(),
            queue,
            thread,
            log,
        }
    }

    pub fn keep(&self, fetched: Fetched) {
        let unsent = if self.pid == std::process::id() {
            self.queue.send(fetched).err().map(|e| e.0)
        } else {
            Some(fetched)
        };
        if let Some(fetched) = unsent {
            if let Err(e) = fetched.write() {
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
