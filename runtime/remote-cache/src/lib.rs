//! The object cache's second tier: records of compiled objects on a store a
//! team shares (`AUTOJIT_REMOTE_CACHE`), behind each client's local cache.
//!
//! A store holds two kinds of values:
//! - `autojit/index/<index key>`: a source file's index lines, as the
//!   local index has them plus the name of the record each object is in.
//!   Writers append; a client reads a source's index once per run.
//! - `autojit/record/<BLAKE3>`: a record (`record.rs`), one object
//!   (compressed) with its member list, named by its hash and signed when
//!   the writer has the team key.
//!
//! A fault of the store (down, slow, full, garbage) turns this tier off for
//! the rest of the run, reported once: the run compiles locally and goes on.

mod http;
mod record;
mod redis;
mod setting;
mod store;

pub use record::{Record, RecordName, Refusal};
pub use setting::{RemoteSetting, SettingError};
pub use store::Fault;

use autojit_abi::ContentHash;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use setting::StoreAddress;
use std::fmt;
use std::path::Path;
use store::Store;

pub struct RemoteCache {
    /// The store's address for logs.
    url: String,
    store: Box<dyn Store>,
    reads_on: bool,
    /// Off for a read-only client, and after the store refused a write.
    writes_on: bool,
    verify: Option<VerifyingKey>,
    sign: Option<SigningKey>,
}

/// Why the remote tier did not answer a request, for one log line.
#[derive(Debug)]
pub enum RemoteError {
    /// The store's fault: this tier is off for the rest of the run, or
    /// only its writes (`reads_go_on`: a write refused).
    Fault {
        url: String,
        fault: Fault,
        reads_go_on: bool,
    },
    /// One record not taken: its object is compiled locally.
    Refused { record: RecordName, why: Refusal },
}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemoteError::Fault {
                url,
                fault,
                reads_go_on: false,
            } => write!(
                f,
                "remote cache {url}: {fault}; compiling locally, without it for the rest of this run"
            ),
            RemoteError::Fault {
                url,
                fault,
                reads_go_on: true,
            } => write!(
                f,
                "remote cache {url}: {fault}; writing nothing more to it in this run"
            ),
            RemoteError::Refused { record, why } => write!(
                f,
                "remote cache: refused record {}: {why}; compiling locally",
                record.to_hex()
            ),
        }
    }
}

impl RemoteCache {
    /// The remote cache `setting` names, its keys read; no connection is
    /// made before the first request.
    pub fn open(setting: &RemoteSetting) -> Result<Self, SettingError> {
        let sign = setting
            .sign_key
            .as_deref()
            .map(|path| read_key(path, "sign-key", SigningKey::from_pkcs8_pem))
            .transpose()?;
        let verify = match &setting.verify_key {
            Some(path) => Some(read_key(
                path,
                "verify-key",
                VerifyingKey::from_public_key_pem,
            )?),
            None => sign.as_ref().map(SigningKey::verifying_key),
        };
        let store: Box<dyn Store> = match &setting.store {
            StoreAddress::Redis(address) => Box::new(redis::Redis::new(
                address.clone(),
                setting.connect_timeout,
                setting.timeout,
            )),
            StoreAddress::Http(base) => Box::new(http::Http::new(
                base.clone(),
                setting.connect_timeout,
                setting.timeout,
            )),
        };
        Ok(RemoteCache {
            url: setting.display_url(),
            store,
            reads_on: true,
            writes_on: !setting.read_only,
            verify,
            sign,
        })
    }

    /// The store's address, for logs (no password).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether reads still go to the store (no fault yet).
    pub fn is_reading(&self) -> bool {
        self.reads_on
    }

    /// The stored index of each of `indexes`, in one request.
    pub fn indexes(
        &mut self,
        indexes: &[ContentHash],
    ) -> Result<Vec<Option<Vec<u8>>>, RemoteError> {
        if !self.reads_on {
            return Ok(vec![None; indexes.len()]);
        }
        let names: Vec<String> = indexes.iter().map(|&i| index_name(i)).collect();
        let result = self.store.get_many(&names);
        self.unless_fault(result, true)
    }

    /// The record named `name`, if the store has it and this client trusts
    /// it.
    pub fn record(&mut self, name: RecordName) -> Result<Option<Record>, RemoteError> {
        if !self.reads_on {
            return Ok(None);
        }
        let result = self.store.get_many(&[record_name(name)]);
        let Some(bytes) = self.unless_fault(result, true)?.pop().flatten() else {
            return Ok(None);
        };
        Record::open(name, bytes, self.verify.as_ref())
            .map(Some)
            .map_err(|why| RemoteError::Refused { record: name, why })
    }

    /// Stores the record of `members` and `object` (signed, with the team
    /// key) and appends to index `index` the lines `index_lines` gives for
    /// its name; the bytes sent, or 0 for a client that does not write.
    pub fn publish(
        &mut self,
        index: ContentHash,
        members: &str,
        object: &[u8],
        index_lines: impl FnOnce(RecordName) -> String,
    ) -> Result<usize, RemoteError> {
        if !self.writes_on {
            return Ok(0);
        }
        let (name, bytes) = Record::seal(members, object, self.sign.as_ref());
        let lines = index_lines(name);
        let result = self
            .store
            .put(&record_name(name), &bytes)
            .and_then(|()| self.store.append(&index_name(index), lines.as_bytes()));
        self.unless_fault(result, false)?;
        Ok(bytes.len() + lines.len())
    }

    /// `result`, or (once) the fault that turns this tier off: all of it
    /// when the store is unusable, or when `reading`; only writes when the
    /// store refused one (full, or not allowed).
    fn unless_fault<T>(
        &mut self,
        result: Result<T, Fault>,
        reading: bool,
    ) -> Result<T, RemoteError> {
        result.map_err(|fault| {
            self.writes_on = false;
            if reading || !matches!(fault, Fault::Refused(_)) {
                self.reads_on = false;
            }
            RemoteError::Fault {
                url: self.url.clone(),
                fault,
                reads_go_on: self.reads_on,
            }
        })
    }
}

fn index_name(index: ContentHash) -> String {
    format!("autojit/index/{}", index.to_hex())
}

fn record_name(name: RecordName) -> String {
    format!("autojit/record/{}", name.to_hex())
}

/// The key in PEM file `path`, given as attribute `attribute`.
fn read_key<K, E>(
    path: &Path,
    attribute: &str,
    parse: impl Fn(&str) -> Result<K, E>,
) -> Result<K, SettingError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        SettingError(format!(
            "{attribute}={}: cannot read it: {e}",
            path.display()
        ))
    })?;
    parse(&text).map_err(|_| {
        SettingError(format!(
            "{attribute}={}: not an ed25519 key in PEM (make the team key with `openssl genpkey -algorithm ed25519 -out team.pem`, its public half with `openssl pkey -in team.pem -pubout -out team.pub`)",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opened(value: &str) -> Result<RemoteCache, SettingError> {
        RemoteCache::open(&RemoteSetting::parse(value).expect("a setting"))
    }

    #[test]
    fn key_files_that_are_missing_or_not_keys_are_named() {
        let dir = std::env::temp_dir().join(format!("autojit-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = dir.join("missing.pub");
        let e = opened(&format!("redis://h|verify-key={}", missing.display()))
            .err()
            .unwrap();
        assert!(
            e.0.starts_with(&format!("verify-key={}: cannot read it", missing.display())),
            "{e}"
        );
        let not_a_key = dir.join("notes.pem");
        std::fs::write(&not_a_key, "-----BEGIN NOTES-----\n").unwrap();
        let e = opened(&format!("http://h/c|sign-key={}", not_a_key.display()))
            .err()
            .unwrap();
        assert!(
            e.0.contains("not an ed25519 key in PEM (make the team key with `openssl genpkey"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        // No key: nothing to read, and no connection made yet.
        assert!(opened("redis://127.0.0.1:1|read-only").is_ok());
    }
}
