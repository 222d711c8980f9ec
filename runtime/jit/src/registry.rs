//! Registered modules and the GUID index over them.
//!
//! Registration runs in constructors and must stay cheap: it only records the
//! descriptor. The index from GUID to module is built on the first
//! materialization that needs it, and extended for modules registered later
//! (dlopen).

use autojit_abi::RegisteredModule;
use std::collections::HashMap;

#[derive(Default)]
pub struct Registry {
    modules: Vec<RegisteredModule>,
    index: HashMap<u64, usize>,
    indexed: usize,
}

/// Position of a module in registration order.
pub type ModuleId = usize;

impl Registry {
    pub fn register(&mut self, module: RegisteredModule) {
        self.modules.push(module);
    }

    /// The module that defines `guid`. A link-once function is defined by
    /// every module that uses it; the first registered one wins, so all
    /// callers share one body.
    pub fn find(&mut self, guid: u64) -> Option<(ModuleId, RegisteredModule)> {
        for (id, module) in self.modules.iter().enumerate().skip(self.indexed) {
            for &g in module.guids() {
                self.index.entry(g).or_insert(id);
            }
        }
        self.indexed = self.modules.len();
        self.index.get(&guid).map(|&id| (id, self.modules[id]))
    }
}
