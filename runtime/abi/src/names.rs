//! Symbol names reserved by autojit. A module that already uses one of the
//! reserved prefixes is left untouched by the plugin.

use alloc::format;
use alloc::string::String;

/// `void __llvm_autojit_register(const struct __llvm_autojit_module *)`.
pub const REGISTER_FN: &str = "__llvm_autojit_register";
/// The resolver every trampoline jumps to on its first call (`arch/`); it
/// calls the runtime's `__llvm_autojit_materialize`.
pub const RESOLVE_FN: &str = "__llvm_autojit_resolve";
/// `void __llvm_autojit_hot(uint64_t guid)`: first-tier code calls it once
/// its function has run often (`tier.rs`).
pub const HOT_FN: &str = "__llvm_autojit_hot";
/// The lazily compiled body of a function, named after its GUID.
pub const BODY_PREFIX: &str = "__autojit_fn_";
/// The per-module descriptor and its registration constructor.
pub const MODULE_DESCRIPTOR: &str = "__llvm_autojit_module";
pub const MODULE_CTOR: &str = "__llvm_autojit_module_ctor";
/// String attribute on a lazy body carrying the function's source-level name.
pub const SOURCE_NAME_ATTR: &str = "autojit-name";
/// Module flag in a lazy module recording the optimization level of the build.
pub const OPT_LEVEL_FLAG: &str = "autojit-opt-level";
/// Infix of a promoted local symbol: `<name>.autojit.<module id>`.
pub const PROMOTED_INFIX: &str = ".autojit.";

/// Prefixes that mark a module as already processed or as clashing with us.
pub const RESERVED_PREFIXES: [&str; 2] = ["__llvm_autojit_", BODY_PREFIX];

/// Priority of the registration constructor: before user constructors (65535)
/// and before the C++ static initializers that may call lazy functions.
pub const REGISTER_CTOR_PRIORITY: u32 = 100;

pub fn body_name(guid: u64) -> String {
    format!("{BODY_PREFIX}{guid:016x}")
}

pub fn promoted_name(local: &str, module_id: u64) -> String {
    format!("{local}{PROMOTED_INFIX}{module_id:016x}")
}

pub fn is_reserved(name: &str) -> bool {
    RESERVED_PREFIXES.iter().any(|p| name.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_names_are_fixed_width_hex() {
        assert_eq!(body_name(0x1f), "__autojit_fn_000000000000001f");
    }

    #[test]
    fn reserved_names() {
        assert!(is_reserved("__llvm_autojit_ptr_main"));
        assert!(is_reserved("__autojit_fn_00"));
        assert!(!is_reserved("llvm_autojit"));
    }
}
