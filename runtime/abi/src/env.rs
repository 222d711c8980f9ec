//! Environment variables understood by the plugin and the runtimes.

pub const DEBUG: &str = "AUTOJIT_DEBUG";
pub const STATS: &str = "AUTOJIT_STATS";
pub const CACHE_DIR: &str = "AUTOJIT_CACHE_DIR";
pub const DISABLE_OBJECT_CACHE: &str = "AUTOJIT_DISABLE_OBJECT_CACHE";

/// Truthy values: 1, on, true, yes, in any case.
pub fn is_truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "on" | "true" | "yes"
    )
}

pub fn flag(name: &str) -> bool {
    std::env::var(name).map(|v| is_truthy(&v)).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truthy_values() {
        for v in ["1", "on", "ON", "True", "yes", " yes "] {
            assert!(is_truthy(v), "{v}");
        }
        for v in ["", "0", "off", "no", "2", "enable"] {
            assert!(!is_truthy(v), "{v}");
        }
    }
}
