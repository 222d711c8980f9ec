//! The contract shared by the outlining plugin and the runtimes.
//!
//! Everything both sides must agree on lives here and nowhere else: symbol
//! names, how a function's GUID is computed, the layout of the module
//! descriptor the registration constructor passes to the runtime, where the
//! module store and object cache live, and how environment flags are read.
//!
//! Both runtimes also share here what they ask of the process about JIT'd
//! code: which library registered a module (`library.rs`), EH-frame
//! registration with every unwinder present (`eh_frame.rs`), and the GDB JIT
//! interface's records (`gdb_jit.rs`).
//!
//! Without the default `std` feature only the names, the descriptor layout,
//! the environment variable names and those two remain: what the `no_std`
//! stub needs.

#![cfg_attr(not(feature = "std"), no_std)]
extern crate alloc;

pub mod arch;
#[cfg(feature = "std")]
pub mod compiler_library;
pub mod descriptor;
pub mod eh_frame;
pub mod env;
pub mod failure;
#[cfg(feature = "std")]
pub mod fast_map;
#[cfg(feature = "std")]
pub mod function_keys;
pub mod gdb_jit;
#[cfg(feature = "std")]
pub mod guid;
pub mod library;
pub mod names;
#[cfg(feature = "std")]
pub mod source;
pub mod stats;
#[cfg(feature = "std")]
pub mod store;
pub mod tier;

pub use descriptor::{
    EmbeddedModule, ModuleDescriptor, ProgramBytes, RegisteredModule, SymbolEntry, ABI_VERSION,
};
pub use failure::{Failure, FailureKind};
#[cfg(feature = "std")]
pub use guid::{content_hash, function_guid, ContentHash};
pub use stats::StatsSnapshot;
pub use tier::Tier;
