//! Why a function could not be materialized: one value, made by the engine
//! (in-process or in autojitd), carried to the program as it is (across the
//! compiler library's interface or the daemon's connection), and turned into
//! the one-line message by the program's front end alone.

use alloc::format;
use alloc::string::String;
use core::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// No registered module lists the GUID.
    UnknownFunction,
    /// The module was built by an incompatible plugin.
    AbiMismatch {
        found: u64,
    },
    /// The lazy file cannot be read (the system's reason).
    LazyFileUnreadable(String),
    /// The lazy file's content no longer matches the hash it is named after.
    LazyFileModified,
    /// The lazy file is not bitcode LLVM can read.
    LazyFileInvalid(String),
    /// The lazy module has no body for the function.
    MissingBody(String),
    Compile(String),
    Link(String),
    /// Symbols the code refers to that nothing in the process defines (their
    /// names, comma-separated), where every file that could define them was
    /// searched: the program runs with other libraries than it was linked
    /// against.
    UndefinedSymbols(String),
    /// The JIT could not be set up at all.
    Setup(String),
    /// The engine could not be reached or loaded, or its session ended.
    Backend(String),
    /// The module's source and another (the path given) of the program have
    /// one name from their checkouts' roots: their functions have the same
    /// GUIDs.
    NameClash(String),
    /// Called while this thread was already materializing: only a signal
    /// handler (or code the daemon runs) can get there.
    Reentered,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub guid: u64,
    /// The function's source name once known; the front end fills it in
    /// from the program's symbol tables otherwise.
    pub function: Option<String>,
    pub lazy_file: Option<String>,
    pub source: Option<String>,
    pub kind: FailureKind,
}

impl Failure {
    pub fn new(guid: u64, kind: FailureKind) -> Self {
        Failure {
            guid,
            function: None,
            lazy_file: None,
            source: None,
            kind,
        }
    }
}

impl FailureKind {
    /// The kind's number on the wire and across the engine's interface.
    pub fn code(&self) -> u8 {
        match self {
            FailureKind::UnknownFunction => 0,
            FailureKind::AbiMismatch { .. } => 1,
            FailureKind::LazyFileUnreadable(_) => 2,
            FailureKind::LazyFileModified => 3,
            FailureKind::LazyFileInvalid(_) => 4,
            FailureKind::MissingBody(_) => 5,
            FailureKind::Compile(_) => 6,
            FailureKind::Link(_) => 7,
            FailureKind::Setup(_) => 8,
            FailureKind::Backend(_) => 9,
            FailureKind::Reentered => 10,
            FailureKind::UndefinedSymbols(_) => 11,
            FailureKind::NameClash(_) => 12,
        }
    }

    /// The kind's text detail, if it has one.
    pub fn detail(&self) -> &str {
        match self {
            FailureKind::LazyFileUnreadable(s)
            | FailureKind::LazyFileInvalid(s)
            | FailureKind::MissingBody(s)
            | FailureKind::Compile(s)
            | FailureKind::Link(s)
            | FailureKind::UndefinedSymbols(s)
            | FailureKind::Setup(s)
            | FailureKind::Backend(s)
            | FailureKind::NameClash(s) => s,
            _ => "",
        }
    }

    /// The inverse of `code`, `detail` and the ABI version of `AbiMismatch`.
    pub fn from_parts(code: u8, detail: String, found_abi: u64) -> Option<Self> {
        Some(match code {
            0 => FailureKind::UnknownFunction,
            1 => FailureKind::AbiMismatch { found: found_abi },
            2 => FailureKind::LazyFileUnreadable(detail),
            3 => FailureKind::LazyFileModified,
            4 => FailureKind::LazyFileInvalid(detail),
            5 => FailureKind::MissingBody(detail),
            6 => FailureKind::Compile(detail),
            7 => FailureKind::Link(detail),
            8 => FailureKind::Setup(detail),
            9 => FailureKind::Backend(detail),
            10 => FailureKind::Reentered,
            11 => FailureKind::UndefinedSymbols(detail),
            12 => FailureKind::NameClash(detail),
            _ => return None,
        })
    }

    /// The ABI version `AbiMismatch` found, 0 for other kinds.
    pub fn found_abi(&self) -> u64 {
        match self {
            FailureKind::AbiMismatch { found } => *found,
            _ => 0,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == FailureKind::Reentered {
            // Nothing that allocates: the interrupted code (a signal
            // handler's) may hold malloc's lock.
            return write!(
                f,
                "cannot materialize the function with GUID 0x{:016x}: it was called (from a signal handler?) while this thread was compiling lazy code; build the handler's file without autojit",
                self.guid
            );
        }
        let function = match &self.function {
            Some(name) => format!("function {name} (GUID 0x{:016x})", self.guid),
            None => format!("the function with GUID 0x{:016x}", self.guid),
        };
        let file = self.lazy_file.as_deref().unwrap_or("?");
        let rebuild = match &self.source {
            Some(src) => format!("rebuild {src} and relink the program"),
            None => String::from("rebuild the program"),
        };
        match &self.kind {
            FailureKind::UnknownFunction => write!(
                f,
                "cannot materialize {function}: no registered lazy module defines it; rebuild the program so that all its autojit objects come from one build"
            ),
            FailureKind::AbiMismatch { found } => write!(
                f,
                "cannot materialize {function}: lazy module {file} was built for runtime ABI {found}, this runtime speaks {}; {rebuild} with the matching plugin",
                crate::ABI_VERSION
            ),
            FailureKind::LazyFileUnreadable(e) => write!(
                f,
                "cannot materialize {function}: cannot read lazy module {file}: {e}; {rebuild}"
            ),
            FailureKind::LazyFileModified => write!(
                f,
                "cannot materialize {function}: lazy module {file} changed after the build (its content no longer matches its hash); {rebuild}"
            ),
            FailureKind::LazyFileInvalid(msg) => write!(
                f,
                "cannot materialize {function}: lazy module {file} is not valid bitcode ({msg}); {rebuild}"
            ),
            FailureKind::MissingBody(msg) => write!(
                f,
                "cannot materialize {function} from lazy module {file}: {msg}; {rebuild}"
            ),
            FailureKind::Compile(msg) => write!(
                f,
                "cannot compile {function} from {file}: {msg}; build that function's file without the autojit plugin"
            ),
            FailureKind::Link(msg) => write!(
                f,
                "cannot link {function} from {file}: {msg}; keep the program's symbol table (do not strip it) or link it with -rdynamic"
            ),
            FailureKind::UndefinedSymbols(names) => write!(
                f,
                "cannot link {function} from {file}: {names} defined nowhere in the process; run the program with the libraries it was linked against, or relink it against these"
            ),
            FailureKind::Setup(msg) => write!(
                f,
                "cannot set up the JIT for {function}: {msg}; check that LLVM 19 (libLLVM.so.19.1) is installed"
            ),
            FailureKind::Backend(msg) => write!(f, "{msg}"),
            FailureKind::NameClash(other) => write!(
                f,
                "cannot materialize {function}: its source and {other} have one path from their checkouts' roots, so their functions cannot be told apart; build one of them with -ffile-prefix-map=<its checkout>=<a name of its own> and relink the program"
            ),
            FailureKind::Reentered => Ok(()), // written above
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_parts() {
        let kinds = [
            FailureKind::UnknownFunction,
            FailureKind::AbiMismatch { found: 99 },
            FailureKind::LazyFileUnreadable("gone".into()),
            FailureKind::LazyFileModified,
            FailureKind::LazyFileInvalid("x".into()),
            FailureKind::MissingBody("y".into()),
            FailureKind::Compile("z".into()),
            FailureKind::Link("w".into()),
            FailureKind::UndefinedSymbols("t".into()),
            FailureKind::Setup("v".into()),
            FailureKind::Backend("u".into()),
            FailureKind::NameClash("/b/src/m.c".into()),
            FailureKind::Reentered,
        ];
        for kind in kinds {
            let back = FailureKind::from_parts(kind.code(), kind.detail().into(), kind.found_abi());
            assert_eq!(back, Some(kind));
        }
        assert_eq!(FailureKind::from_parts(200, String::new(), 0), None);
    }

    #[test]
    fn messages_name_the_function_and_what_to_do() {
        let mut failure = Failure::new(0x1234, FailureKind::LazyFileModified);
        failure.function = Some("main".into());
        failure.lazy_file = Some("/s/m.bc".into());
        failure.source = Some("/src/m.c".into());
        assert_eq!(
            alloc::string::ToString::to_string(&failure),
            "cannot materialize function main (GUID 0x0000000000001234): lazy module /s/m.bc changed after the build (its content no longer matches its hash); rebuild /src/m.c and relink the program"
        );
    }
}
