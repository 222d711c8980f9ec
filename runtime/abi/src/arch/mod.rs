//! What depends on the instruction set: the trampolines of lazified
//! functions and their resolver. One file per target; x86-64 is the only
//! one so far.

#[cfg(target_arch = "x86_64")]
mod x86_64;
#[cfg(target_arch = "x86_64")]
pub use x86_64::*;
