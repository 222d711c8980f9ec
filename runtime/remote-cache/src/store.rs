//! What a remote store does for the cache: get values by name, many in one
//! request where the store can; put one; append to one. Redis and HTTP
//! stores are its two kinds.

use std::fmt;

/// The largest value taken from a store: a record holds one object, and an
/// index a source file's lines. Anything bigger is a store's garbage.
pub const MAX_VALUE: usize = 256 << 20;

pub trait Store: Send {
    /// The values of `names`, in order; `None` for a name the store lacks.
    fn get_many(&mut self, names: &[String]) -> Result<Vec<Option<Vec<u8>>>, Fault>;
    fn put(&mut self, name: &str, value: &[u8]) -> Result<(), Fault>;
    /// Adds `value` at the end of what `name` holds (creating it).
    fn append(&mut self, name: &str, value: &[u8]) -> Result<(), Fault>;
}

/// Why a store did not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// No connection, or it broke.
    Unreachable(String),
    /// No answer within the timeout.
    Slow,
    /// An answer that is not the store's protocol.
    Garbage(String),
    /// The store understood and said no (full, read-only, not allowed).
    Refused(String),
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Unreachable(why) => write!(f, "unreachable ({why})"),
            Fault::Slow => f.write_str("no answer within the timeout"),
            Fault::Garbage(why) => write!(f, "answered garbage ({why})"),
            Fault::Refused(why) => write!(f, "refused ({why})"),
        }
    }
}

impl From<std::io::Error> for Fault {
    fn from(e: std::io::Error) -> Self {
        use std::io::ErrorKind::*;
        match e.kind() {
            WouldBlock | TimedOut => Fault::Slow,
            _ => Fault::Unreachable(e.to_string()),
        }
    }
}
