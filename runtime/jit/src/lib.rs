//! The autojit engine, shared by the in-process runtime and the daemon: find
//! the lazy module that defines a function, extract it with the functions it
//! will likely call next, compile them into one object (or load it from the
//! object cache) and link it.

mod batch;
mod compile;
mod config;
mod elf_symbols;
mod engine;
mod error;
mod lazy_store;
mod link;
mod object_cache;
mod perf;
mod program_symbols;
mod registry;

pub use compile::initialize_native_target;
pub use engine::Engine;
pub use error::{Error, ErrorKind};
pub use registry::{Registration, SymbolScope};
