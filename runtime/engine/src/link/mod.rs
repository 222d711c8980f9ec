//! Linking compiled objects into the program the engine serves, behind one
//! interface: `loader` maps them into this process with the runtime's own
//! loader (no LLVM); autojitd links them with ORC's JITLink into the process
//! behind a remote session (`autojitd`'s `jitlink.rs`).

mod loader;
mod trampolines;

pub use loader::LoaderLinker;

use crate::error::ErrorKind;
use crate::registry::{ModuleId, Registration};
use autojit_loader::ObjectImage;
use autojit_protocol::autojit::Publication;

/// Links objects of lazy modules into the program.
pub trait Linker: Send {
    /// Links `object`, which defines the bodies of `members`, for module
    /// `id`, and returns the address of each body of `live` (members whose
    /// function did not change since the object was compiled). `direct`
    /// says where calls to a lazy function's trampoline may go instead.
    fn link(
        &mut self,
        id: ModuleId,
        module: &Registration,
        object: ObjectImage,
        members: &[u64],
        live: &[u64],
        direct: DirectCalls<'_>,
    ) -> Result<Vec<usize>, LinkError>;

    /// After a failed link: the module's next object links afresh.
    fn forget(&mut self, id: ModuleId);

    /// Points trampoline records at better bodies linked since: each
    /// record is one the program's resolver reported, each body one this
    /// linker linked.
    fn publish(&mut self, publications: &[Publication]) -> Result<(), String>;
}

/// Where an object's calls to a lazy function may go instead of its
/// trampoline.
#[derive(Clone, Copy)]
pub enum DirectCalls<'a> {
    /// Nowhere: first-tier code calls through the trampolines, where a
    /// function's optimized body is published.
    Never,
    /// To the body of a function linked before, as the function says, or to
    /// one the object itself defines for a live member.
    ToBodies(&'a dyn Fn(u64) -> Option<usize>),
}

/// Why linking an object failed.
pub enum LinkError {
    /// Required symbols that nothing in the program defines.
    Undefined(Vec<String>),
    Other(String),
}

impl From<String> for LinkError {
    fn from(message: String) -> Self {
        LinkError::Other(message)
    }
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::Undefined(names) => write!(f, "{} defined nowhere", names.join(", ")),
            LinkError::Other(message) => f.write_str(message),
        }
    }
}

impl From<LinkError> for ErrorKind {
    fn from(e: LinkError) -> Self {
        match e {
            LinkError::Undefined(names) => ErrorKind::UndefinedSymbols(names.join(", ")),
            LinkError::Other(message) => ErrorKind::Link(message),
        }
    }
}

/// The error for the required symbols no search found: why they may still
/// exist where the search could not look, or, every file searched, that
/// they are defined nowhere.
pub fn missing_symbols(missing: Vec<String>, unsearchable: Option<String>) -> LinkError {
    match unsearchable {
        Some(why) => LinkError::Other(format!("{} not found: {why}", missing.join(", "))),
        None => LinkError::Undefined(missing),
    }
}
