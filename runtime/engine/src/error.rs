//! Errors of the engine: `autojit_abi::Failure`, the one value that reaches
//! the program's front end, which alone turns it into a message.

pub use autojit_abi::{Failure as Error, FailureKind as ErrorKind};
