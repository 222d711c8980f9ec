//! The autojit compiler, with LLVM: for a function the object cache does not
//! hold, plan the batch compiled with it (`batch.rs`), extract the batch's
//! bodies from their lazy module (`lazy_store.rs`) and compile them into
//! one object (`compile.rs`). The engine (`autojit-engine`) asks for it through
//! `BatchCompiler`: autojitd directly, the in-process runtime through the
//! compiler library it loads on the first such function.

mod batch;
mod boundary;
mod compile;
mod counters;
mod lazy_store;

pub use compile::initialize_native_target;

use autojit_abi::Tier;
use autojit_engine::{
    BatchCompiler, CompiledBatch, Error, ErrorKind, ModuleId, PlannedBatch, Registration,
};
use boundary::autojit_declare_variables;
use compile::Compiler;
use lazy_store::LazyModuleStore;
use std::time::Instant;

pub struct LazyModuleCompiler {
    // Fields drop in order: the lazy modules' contexts report diagnostics to
    // the compiler, so they go first.
    lazy: LazyModuleStore,
    compiler: Compiler,
}

// SAFETY: the LLVM contexts, modules and target machines inside are only
// used through `&mut self`, by one thread at a time.
unsafe impl Send for LazyModuleCompiler {}

impl LazyModuleCompiler {
    pub fn new() -> Result<Self, String> {
        let compiler = Compiler::new()?;
        Ok(LazyModuleCompiler {
            lazy: LazyModuleStore::new(compiler.diagnostics()),
            compiler,
        })
    }
}

impl BatchCompiler for LazyModuleCompiler {
    fn plan(
        &mut self,
        id: ModuleId,
        module: &Registration,
        root: u64,
        limit: usize,
        wanted: &mut dyn FnMut(u64) -> bool,
    ) -> Result<PlannedBatch, Error> {
        let loaded_module = self.lazy.load(id, module, root)?;
        let at = module.guids.iter().position(|&g| g == root).unwrap_or(0);
        let neighbours = module.guids[at + 1..]
            .iter()
            .chain(&module.guids[..at])
            .copied();
        let functions = batch::plan(
            root,
            limit,
            batch::FILL,
            neighbours,
            |g| self.lazy.references(id, module, g),
            wanted,
        );
        Ok(PlannedBatch {
            functions,
            loaded_module,
        })
    }

    fn compile(
        &mut self,
        id: ModuleId,
        module: &Registration,
        batch: &[u64],
        tier: Tier,
    ) -> Result<CompiledBatch, Error> {
        let start = Instant::now();
        // First-tier code inlines nothing but always-inline functions.
        let extracted = self
            .lazy
            .extract(id, module, batch, tier == Tier::Optimized)?;
        // A build at -O0 has one tier, its own.
        let (tier, opt_level) = match (tier, extracted.opt_level) {
            (_, 0) => (Tier::Optimized, 0),
            (Tier::Quick, _) => {
                // SAFETY: the module is live and ours until compiled.
                unsafe { autojit_declare_variables(extracted.module.as_raw()) };
                counters::count_runs(&extracted.module, batch);
                (Tier::Quick, 0)
            }
            (Tier::Optimized, level) => (Tier::Optimized, level),
        };
        let object = self
            .compiler
            .compile(&extracted.module, opt_level)
            .map_err(|e| {
                module.named_failure(batch[0], &extracted.source_names[0], ErrorKind::Compile(e))
            })?;
        Ok(CompiledBatch {
            object,
            names: extracted.source_names,
            compile_time: start.elapsed(),
            tier,
        })
    }
}
