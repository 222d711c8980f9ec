//! The contract shared by the outlining plugin and the runtimes.
//!
//! Everything both sides must agree on lives here and nowhere else: symbol
//! names, how a function's GUID is computed, the layout of the module
//! descriptor the registration constructor passes to the runtime, where the
//! module store and object cache live, and how environment flags are read.

pub mod descriptor;
pub mod engine;
pub mod env;
pub mod guid;
pub mod names;
pub mod stats;
pub mod store;

pub use descriptor::{ModuleDescriptor, RegisteredModule, SymbolEntry, ABI_VERSION};
pub use guid::{content_hash, function_guid, ContentHash};
