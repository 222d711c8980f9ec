//! The autojit engine, shared by the in-process runtime and the daemon: find
//! the lazy module that defines a function, link the object the cache holds
//! for it or the one its compiler (`BatchCompiler`) makes, together with the
//! functions it will likely call next. No LLVM: a warm run of an in-process
//! program never loads it.

mod compiler;
mod config;
mod elf_symbols;
mod embedded;
mod engine;
mod error;
mod link;
mod log;
mod object_cache;
mod perf;
mod program;
mod program_symbols;
mod registry;

pub use autojit_loader::ObjectImage;
pub use compiler::{BatchCompiler, CompiledBatch, CompilerFactory, PlannedBatch, LLVM_VERSION};
pub use elf_symbols::{LoadedObject, ProgramObjects};
pub use engine::{Engine, ForkHold};
pub use error::{Error, ErrorKind};
pub use link::{missing_symbols, DirectCalls, LinkError, Linker};
pub use registry::{ModuleId, Registration, SymbolScope};
