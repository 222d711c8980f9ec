//! Errors of the engine. Each names the function and file involved and says
//! what the user can do; the entry point decides how to report them.

use std::fmt;

#[derive(Debug)]
pub enum ErrorKind {
    /// No registered module lists the GUID.
    UnknownFunction,
    /// The module was built by an incompatible plugin.
    AbiMismatch {
        found: u64,
    },
    /// The lazy file cannot be read.
    LazyFileUnreadable(std::io::Error),
    /// The lazy file's content no longer matches the hash it is named after.
    LazyFileModified,
    /// The lazy file is not bitcode LLVM can read.
    LazyFileInvalid(String),
    /// The lazy module has no body for the function.
    MissingBody(String),
    Compile(String),
    Link(String),
    /// The JIT could not be set up at all.
    Setup(String),
}

#[derive(Debug)]
pub struct Error {
    pub guid: u64,
    /// The function's source name once known; the entry point may fill it in.
    pub function: Option<String>,
    pub lazy_file: Option<String>,
    pub source: Option<String>,
    pub kind: ErrorKind,
}

impl Error {
    pub fn new(guid: u64, kind: ErrorKind) -> Self {
        Error {
            guid,
            function: None,
            lazy_file: None,
            source: None,
            kind,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let function = match &self.function {
            Some(name) => format!("function {name} (GUID 0x{:016x})", self.guid),
            None => format!("the function with GUID 0x{:016x}", self.guid),
        };
        let file = self.lazy_file.as_deref().unwrap_or("?");
        let rebuild = match &self.source {
            Some(src) => format!("rebuild {src} and relink the program"),
            None => "rebuild the program".to_string(),
        };
        match &self.kind {
            ErrorKind::UnknownFunction => write!(
                f,
                "cannot materialize {function}: no registered lazy module defines it; rebuild the program so that all its autojit objects come from one build"
            ),
            ErrorKind::AbiMismatch { found } => write!(
                f,
                "cannot materialize {function}: lazy module {file} was built for runtime ABI {found}, this runtime speaks {}; {rebuild} with the matching plugin",
                autojit_abi::ABI_VERSION
            ),
            ErrorKind::LazyFileUnreadable(e) => write!(
                f,
                "cannot materialize {function}: cannot read lazy module {file}: {e}; {rebuild}"
            ),
            ErrorKind::LazyFileModified => write!(
                f,
                "cannot materialize {function}: lazy module {file} changed after the build (its content no longer matches its hash); {rebuild}"
            ),
            ErrorKind::LazyFileInvalid(msg) => write!(
                f,
                "cannot materialize {function}: lazy module {file} is not valid bitcode ({msg}); {rebuild}"
            ),
            ErrorKind::MissingBody(msg) => write!(
                f,
                "cannot materialize {function} from lazy module {file}: {msg}; {rebuild}"
            ),
            ErrorKind::Compile(msg) => write!(
                f,
                "cannot compile {function} from {file}: {msg}; build that function's file without the autojit plugin"
            ),
            ErrorKind::Link(msg) => write!(
                f,
                "cannot link {function} from {file}: {msg}; keep the program's symbol table (do not strip it) or link it with -rdynamic"
            ),
            ErrorKind::Setup(msg) => write!(
                f,
                "cannot set up the JIT for {function}: {msg}; check that LLVM 19 (libLLVM.so.19.1) is installed"
            ),
        }
    }
}

impl std::error::Error for Error {}
