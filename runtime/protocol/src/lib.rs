//! The wire format between an autojit executor (the static stub linked into
//! a program) and autojitd: LLVM 19 ORC's SimpleRemoteEPC protocol.
//!
//! Every message is a 32-byte header ([`Header`]) followed by its argument
//! bytes, serialized with ORC's Simple Packed Serialization ([`sps`]). The
//! decoder checks every length against the bytes actually present, so a
//! malformed or hostile message is an error, never an out-of-bounds read or
//! a huge allocation.
//!
//! `no_std` (with `alloc`): the stub must not pull in more than it needs.

#![no_std]
extern crate alloc;

pub mod autojit;
pub mod executor;
pub mod message;
pub mod sps;

pub use message::{read_payload, ExecutorInfo, Header, Opcode, HEADER_SIZE};
pub use sps::{DecodeError, Reader, Writer};
