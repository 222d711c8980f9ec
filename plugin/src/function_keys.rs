//! The key of each lazified function, from the lazy module as written
//! (`cpp/function_key.cpp`; the file format is `autojit_abi::function_keys`).

use crate::boundary::autojit_function_keys;
use crate::lazy_module::LazyFunction;
use autojit_abi::function_keys::{FunctionKey, KeyedFunction};
use autojit_abi::{names, ContentHash};
use llvm_sys::prelude::LLVMModuleRef;
use std::ffi::{c_char, CString};

pub fn function_keys(
    lazy: LLVMModuleRef,
    functions: &[LazyFunction],
) -> Result<Vec<KeyedFunction>, String> {
    let bodies: Vec<CString> = functions
        .iter()
        .map(|f| CString::new(names::body_name(f.guid)).expect("hex digits only"))
        .collect();
    let pointers: Vec<*const c_char> = bodies.iter().map(|b| b.as_ptr()).collect();
    let mut keys = vec![0u64; 2 * functions.len()];
    let mut lines = vec![0u32; functions.len()];
    // SAFETY: `lazy` is live; the arrays hold `count` names, 2 * `count`
    // words and `count` lines.
    let ok = unsafe {
        autojit_function_keys(
            lazy,
            pointers.as_ptr(),
            pointers.len(),
            keys.as_mut_ptr(),
            lines.as_mut_ptr(),
        )
    };
    if !ok {
        return Err("the lazy module lost a body it was built with".into());
    }
    Ok(functions
        .iter()
        .zip(keys.chunks(2))
        .zip(lines)
        .map(|((f, key), line)| KeyedFunction {
            guid: f.guid,
            key: FunctionKey(ContentHash::from_halves([key[0], key[1]])),
            line,
        })
        .collect())
}
