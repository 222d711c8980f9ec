//! The key of each lazified function, from the lazy module as written
//! (`cpp/function_key.cpp`; the file format is `autojit_abi::function_keys`).

use crate::boundary::autojit_function_keys;
use crate::lazy_module::LazyFunction;
use autojit_abi::function_keys::{FunctionKey, KeyedFunction, KeysFile};
use autojit_abi::{names, ContentHash};
use llvm_sys::prelude::LLVMModuleRef;
use std::ffi::{c_char, CString};

/// The keys of `functions`, whose paths under `source_root` (the
/// checkout's root, if any) count from there.
pub fn function_keys(
    lazy: LLVMModuleRef,
    functions: &[LazyFunction],
    source_root: Option<&str>,
) -> Result<KeysFile, String> {
    let bodies: Vec<CString> = functions
        .iter()
        .map(|f| CString::new(names::body_name(f.guid)).expect("hex digits only"))
        .collect();
    let pointers: Vec<*const c_char> = bodies.iter().map(|b| b.as_ptr()).collect();
    let mut keys = vec![0u64; 2 * functions.len()];
    let mut lines = vec![0u32; functions.len()];
    let root = source_root.unwrap_or("");
    // SAFETY: `lazy` is live; the arrays hold `count` names, 2 * `count`
    // words and `count` lines; the root is a buffer of its length.
    let ok = unsafe {
        autojit_function_keys(
            lazy,
            root.as_ptr() as *const c_char,
            root.len(),
            pointers.as_ptr(),
            pointers.len(),
            keys.as_mut_ptr(),
            lines.as_mut_ptr(),
        )
    };
    if !ok {
        return Err("the lazy module lost a body it was built with".into());
    }
    let functions = functions
        .iter()
        .zip(keys.chunks(2))
        .zip(lines)
        .map(|((f, key), line)| KeyedFunction {
            guid: f.guid,
            key: FunctionKey(ContentHash::from_halves([key[0], key[1]])),
            line,
        })
        .collect();
    Ok(KeysFile {
        source_root: source_root.map(str::to_string),
        functions,
    })
}
