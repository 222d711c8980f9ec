//! Debug output of the plugin: one line per decision on stderr, and the
//! `.ll` files of each stage next to the lazy module.

use std::path::{Path, PathBuf};

pub const PREFIX: &str = "autojit-plugin:";

pub struct DebugLog {
    pub enabled: bool,
}

impl DebugLog {
    pub fn line(&self, msg: impl FnOnce() -> String) {
        if self.enabled {
            eprintln!("{PREFIX} {}", msg());
        }
    }

    /// Writes `<dir>/<stem><suffix>.ll` when debugging.
    pub fn dump(
        &self,
        m: llvm_sys::prelude::LLVMModuleRef,
        dir: Option<&Path>,
        stem: &str,
        suffix: &str,
    ) -> Result<(), String> {
        let Some(dir) = dir.filter(|_| self.enabled) else {
            return Ok(());
        };
        let path: PathBuf = dir.join(format!("{stem}{suffix}.ll"));
        crate::ir::print_module_to_file(m, &path)?;
        self.line(|| format!("wrote {}", path.display()));
        Ok(())
    }
}
