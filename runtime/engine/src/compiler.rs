//! What the engine asks of a compiler when the object cache does not hold a
//! function: which functions to compile with it, then their object. The
//! compiler is LLVM (`autojit-compiler`): in autojitd's process, or, for the
//! in-process runtime, in the compiler library loaded on the first such
//! function, so that a warm run never loads LLVM.

use crate::error::Error;
use crate::registry::{ModuleId, Registration};
use autojit_abi::Tier;
use autojit_protocol::{DecodeError, Reader, Writer};
use std::time::Duration;

/// The version of LLVM the compiler is built with, for the object cache's
/// keys (`build.rs`).
pub const LLVM_VERSION: &str = env!("AUTOJIT_LLVM_VERSION");

/// The target and compiler a compiled object depends on (the optimization
/// level is part of each lazy module).
pub fn target_key() -> String {
    format!(
        "{}-{}-llvm{LLVM_VERSION}",
        std::env::consts::ARCH,
        std::env::consts::OS
    )
}

pub trait BatchCompiler: Send {
    /// The functions of module `id` to compile into one object with `root`:
    /// `root` first, then up to `limit - 1` it will likely call next, each
    /// only if `wanted` says so.
    fn plan(
        &mut self,
        id: ModuleId,
        module: &Registration,
        root: u64,
        limit: usize,
        wanted: &mut dyn FnMut(u64) -> bool,
    ) -> Result<PlannedBatch, Error>;

    /// Extracts `batch` (planned above) and compiles it into one object,
    /// as code of `tier` (a build at -O0 has only `Tier::Optimized`, its
    /// own level).
    fn compile(
        &mut self,
        id: ModuleId,
        module: &Registration,
        batch: &[u64],
        tier: Tier,
    ) -> Result<CompiledBatch, Error>;
}

/// Makes the compiler of each thread that compiles a part of a batch
/// (0: the one that also plans), or says why it cannot.
pub type CompilerFactory = Box<dyn FnMut(usize) -> Result<Box<dyn BatchCompiler>, String> + Send>;

/// A batch of at least this many functions per thread is compiled in
/// parts, one per thread: fewer would make more objects than they save
/// time.
const MIN_PART: usize = 128;

/// The engine's compilers, made when first needed: the first by the first
/// function that must be compiled, the others when a batch is first split.
pub(crate) struct Compilers {
    make: CompilerFactory,
    made: Vec<Box<dyn BatchCompiler>>,
    /// How many threads a batch may be compiled on.
    threads: usize,
}

impl Compilers {
    pub fn new(make: CompilerFactory, threads: usize) -> Self {
        Compilers {
            make,
            made: Vec::new(),
            threads,
        }
    }

    /// The compiler that plans batches (and compiles their first part).
    pub fn planner(&mut self) -> Result<&mut dyn BatchCompiler, String> {
        if self.made.is_empty() {
            let first = (self.make)(0)?;
            self.made.push(first);
        }
        Ok(&mut *self.made[0])
    }

    /// Compiler `n` of the threads that optimize hot functions (0: the
    /// background thread; then those that help it at exit), numbered after
    /// every thread that compiles batches: they compile while those do.
    pub fn background(&mut self, n: usize) -> Result<Box<dyn BatchCompiler>, String> {
        (self.make)(self.threads + n)
    }

    /// How many threads optimize what is left at exit, when no batch is
    /// compiled any more: as many as compile a batch.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// How `batch` is compiled: in consecutive parts, one per thread, as
    /// many as there are compilers (made now if needed) and as the batch is
    /// big enough for.
    pub fn split<'b>(&mut self, batch: &'b [u64]) -> Vec<&'b [u64]> {
        let wanted = self.threads.min(batch.len() / MIN_PART).max(1);
        while self.made.len() < wanted {
            match (self.make)(self.made.len()) {
                Ok(compiler) => self.made.push(compiler),
                Err(_) => break,
            }
        }
        let parts = wanted.min(self.made.len());
        batch.chunks(batch.len().div_ceil(parts)).collect()
    }

    /// Compiles each of `parts` (from `split`) on a thread of its own, the
    /// first on this one; the results in the order of `parts`.
    pub fn compile(
        &mut self,
        id: ModuleId,
        module: &Registration,
        parts: &[&[u64]],
        tier: Tier,
    ) -> Vec<Result<CompiledBatch, Error>> {
        let (first, others) = self.made.split_first_mut().expect("the planner made one");
        std::thread::scope(|scope| {
            let helpers: Vec<_> = parts[1..]
                .iter()
                .zip(others.iter_mut())
                .map(|(&part, compiler)| {
                    scope.spawn(move || compiler.compile(id, module, part, tier))
                })
                .collect();
            let mut results = vec![first.compile(id, module, parts[0], tier)];
            for (helper, &part) in helpers.into_iter().zip(&parts[1..]) {
                results.push(helper.join().unwrap_or_else(|_| {
                    Err(module.failure(
                        part[0],
                        crate::ErrorKind::Compile("a compiling thread panicked".into()),
                    ))
                }));
            }
            results
        })
    }
}

pub struct PlannedBatch {
    pub functions: Vec<u64>,
    /// Whether planning loaded the module's lazy file.
    pub loaded_module: bool,
}

pub struct CompiledBatch {
    pub object: Vec<u8>,
    /// The source name of each function, in the batch's order.
    pub names: Vec<String>,
    pub compile_time: Duration,
    /// The tier the code is of.
    pub tier: Tier,
}

// The compiler library's results (`autojit_abi::compiler_library`) carry these in the
// encoding of autojit's own calls.

impl PlannedBatch {
    pub fn encode(&self, w: &mut Writer) {
        w.bool(self.loaded_module).u64(self.functions.len() as u64);
        for &guid in &self.functions {
            w.u64(guid);
        }
    }

    /// Decodes a plan, all of `r`.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let loaded_module = r.bool()?;
        let count = r.count(8)?;
        let functions = (0..count).map(|_| r.u64()).collect::<Result<_, _>>()?;
        r.finish()?;
        Ok(PlannedBatch {
            functions,
            loaded_module,
        })
    }
}

impl CompiledBatch {
    pub fn encode(&self, w: &mut Writer) {
        w.byte_sequence(&self.object)
            .u64(self.compile_time.as_nanos() as u64)
            .u8(self.tier.number())
            .u64(self.names.len() as u64);
        for name in &self.names {
            w.string(name);
        }
    }

    /// Decodes a compiled batch, all of `r`.
    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let object = r.byte_sequence()?.to_vec();
        let compile_time = Duration::from_nanos(r.u64()?);
        let tier = Tier::from_number(r.u8()?).ok_or_else(|| r.fail("unknown tier"))?;
        let count = r.count(8)?;
        let names = (0..count).map(|_| r.string()).collect::<Result<_, _>>()?;
        r.finish()?;
        Ok(CompiledBatch {
            object,
            names,
            compile_time,
            tier,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_round_trip() {
        let plan = PlannedBatch {
            functions: vec![3, 1 << 60],
            loaded_module: true,
        };
        let mut w = Writer::new();
        plan.encode(&mut w);
        let back = PlannedBatch::decode(&mut Reader::new(&w.bytes)).unwrap();
        assert_eq!((back.functions, back.loaded_module), (plan.functions, true));

        let compiled = CompiledBatch {
            object: b"\x7fELF".to_vec(),
            names: vec!["main".into(), "f".into()],
            compile_time: Duration::from_micros(1500),
            tier: Tier::Quick,
        };
        let mut w = Writer::new();
        compiled.encode(&mut w);
        let back = CompiledBatch::decode(&mut Reader::new(&w.bytes)).unwrap();
        assert_eq!(back.object, compiled.object);
        assert_eq!(back.names, compiled.names);
        assert_eq!(back.compile_time, compiled.compile_time);
        assert_eq!(back.tier, compiled.tier);
        // A truncated result is an error, not a short batch.
        assert!(CompiledBatch::decode(&mut Reader::new(&w.bytes[..w.bytes.len() - 1])).is_err());
        // So is a tier this engine does not know (after the object and the
        // compile time).
        let mut unknown_tier = w.bytes.clone();
        let tier_at = 8 + compiled.object.len() + 8;
        assert_eq!(unknown_tier[tier_at], Tier::Quick.number());
        unknown_tier[tier_at] = 7;
        assert!(CompiledBatch::decode(&mut Reader::new(&unknown_tier)).is_err());
    }
}
