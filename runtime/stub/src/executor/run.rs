//! Calls of JIT'd code: a program's `main`, `int f(void)`, `int f(int)`,
//! and wrapper functions run as allocation actions.

use super::wrapper::{CWrapperFunctionResult, WrapperFn};
use alloc::string::String;
use alloc::vec::Vec;

/// Calls `main(argc, argv)` at `function` with `args` as argv.
///
/// # Safety
/// `function` must be JIT'd code with main's signature.
pub unsafe fn main(function: u64, args: &[String]) -> i64 {
    let storage: Vec<Vec<u8>> = args.iter().map(|a| crate::sys::c_string(a)).collect();
    let mut argv: Vec<*const u8> = storage.iter().map(|a| a.as_ptr()).collect();
    argv.push(core::ptr::null());
    type MainFn = unsafe extern "C" fn(i32, *const *const u8) -> i32;
    // SAFETY: the caller guarantees the signature; argv is NULL-terminated
    // and outlives the call.
    unsafe {
        let main = core::mem::transmute::<usize, MainFn>(function as usize);
        i64::from(main(storage.len() as i32, argv.as_ptr()))
    }
}

/// # Safety
/// `function` must be JIT'd code of type `int (void)`.
pub unsafe fn void_function(function: u64) -> i32 {
    // SAFETY: as the caller guarantees.
    unsafe { core::mem::transmute::<usize, unsafe extern "C" fn() -> i32>(function as usize)() }
}

/// # Safety
/// `function` must be JIT'd code of type `int (int)`.
pub unsafe fn int_function(function: u64, arg: i32) -> i32 {
    // SAFETY: as the caller guarantees.
    unsafe {
        core::mem::transmute::<usize, unsafe extern "C" fn(i32) -> i32>(function as usize)(arg)
    }
}

/// Calls the wrapper function at `function` with `args`; its result bytes
/// or out-of-band error.
///
/// # Safety
/// `function` must be JIT'd code with the C wrapper-function signature.
pub unsafe fn wrapper(function: u64, args: &[u8]) -> Result<Vec<u8>, String> {
    // SAFETY: as the caller guarantees; `args` outlives the call.
    let result: CWrapperFunctionResult = unsafe {
        core::mem::transmute::<usize, WrapperFn>(function as usize)(args.as_ptr(), args.len())
    };
    result.into_bytes()
}
