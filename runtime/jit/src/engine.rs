//! Engine: the one place that turns a GUID into the address of compiled code.
//!
//! Materialization is serialized by one lock: every function is compiled at
//! most once per process, and a thread that asks for a function another
//! thread is compiling waits and then gets the same address.

use crate::compile::Compiler;
use crate::error::{Error, ErrorKind};
use crate::lazy_store::{Extracted, LazyModuleStore};
use crate::linker::{Dylib, ProcessLinker};
use crate::object_cache::ObjectCache;
use crate::registry::{ModuleId, Registration, Registry};
use autojit_abi::env::{self, Environment};
use autojit_abi::stats::Stats;
use autojit_abi::{names, ContentHash, RegisteredModule};
use llvm_sys::orc2::lljit::LLVMOrcLLJITRef;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub struct Engine {
    log_prefix: &'static str,
    /// The settings of the program served.
    environment: Environment,
    debug: bool,
    state: Mutex<State>,
    pub stats: Stats,
}

#[derive(Default)]
struct State {
    registry: Registry,
    compiled: HashMap<u64, usize>,
    backend: Option<Backend>,
    /// The linker of a remote session, until the backend takes it.
    remote_linker: Option<ProcessLinker>,
}

/// Everything that needs LLVM, created on the first materialization so that
/// programs that never call a lazy function never initialize LLVM.
struct Backend {
    // Fields drop in order: the lazy modules' contexts report diagnostics to
    // the compiler, so they go first.
    lazy: LazyModuleStore,
    compiler: Compiler,
    linker: ProcessLinker,
    cache: ObjectCache,
    dylibs: HashMap<ModuleId, Dylib>,
}

// SAFETY: the LLVM contexts, modules, target machines and JIT inside Backend
// are only ever used while holding the engine's lock.
unsafe impl Send for Backend {}

impl Engine {
    /// An engine that links into this process.
    pub fn new(log_prefix: &'static str) -> Self {
        Engine::with_environment(log_prefix, Environment::Process)
    }

    fn with_environment(log_prefix: &'static str, environment: Environment) -> Self {
        Engine {
            log_prefix,
            debug: environment.flag(env::DEBUG),
            environment,
            state: Mutex::new(State::default()),
            stats: Stats::default(),
        }
    }

    /// An engine that links into the process behind a remote session, with
    /// the settings that program forwarded; it runs as process `pid`, if
    /// known.
    ///
    /// # Safety
    /// `jit` must be an LLJIT over that session that stays live for as long
    /// as the engine materializes, and is disposed before the engine is
    /// dropped.
    pub unsafe fn remote(
        log_prefix: &'static str,
        jit: LLVMOrcLLJITRef,
        environment: Environment,
        pid: Option<u32>,
    ) -> Self {
        let engine = Engine::with_environment(log_prefix, environment);
        // SAFETY: the caller keeps `jit` live.
        engine.lock().remote_linker = Some(unsafe { ProcessLinker::remote(jit, pid) });
        engine
    }

    fn log(&self, msg: impl FnOnce() -> String) {
        if self.debug {
            eprintln!("{} {}", self.log_prefix, msg());
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic cannot leave the state half-updated in a way that matters
        // more than stopping would; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn register(&self, module: Registration) {
        self.lock().registry.register(module);
    }

    /// Records a descriptor of this process; nothing of it is read yet.
    pub fn register_descriptor(&self, module: RegisteredModule) {
        self.lock().registry.register_descriptor(module);
    }

    /// The address of the compiled body of `guid`, compiling it if needed.
    pub fn materialize(&self, guid: u64) -> Result<usize, Error> {
        let mut state = self.lock();
        if let Some(&address) = state.compiled.get(&guid) {
            return Ok(address);
        }
        let (id, module) = state
            .registry
            .find(guid)
            .ok_or_else(|| Error::new(guid, ErrorKind::UnknownFunction))?;
        if state.backend.is_none() {
            let remote_linker = state.remote_linker.take();
            state.backend = Some(
                self.start_backend(remote_linker)
                    .map_err(|e| Error::new(guid, ErrorKind::Setup(e)))?,
            );
        }
        let backend = state.backend.as_mut().expect("just created");
        let address = self.materialize_in(backend, id, &module, guid)?;
        state.compiled.insert(guid, address);
        Ok(address)
    }

    /// The object of `guid` when the index does not name it: extract the
    /// function, then find its object by content or compile it, and index it.
    fn extract_and_compile(
        &self,
        b: &mut Backend,
        id: ModuleId,
        module: &Registration,
        guid: u64,
        index_key: ContentHash,
    ) -> Result<Found, Error> {
        let extracted = self.extract(b, id, module, guid)?;
        let name = extracted
            .source_name
            .clone()
            .unwrap_or_else(|| names::body_name(guid));
        let key = ObjectCache::key(&extracted.module.text(), &b.compiler.target_key());
        let (object, compile_time) = match b.cache.load(key) {
            Some(object) => (object, None),
            None => {
                let t = Instant::now();
                let object = b
                    .compiler
                    .compile(&extracted.module, extracted.opt_level)
                    .map_err(|e| context(module, guid, &name, ErrorKind::Compile(e)))?;
                (object, Some(t.elapsed()))
            }
        };
        let stored = match compile_time {
            Some(_) => b.cache.store(key, &object),
            None => Ok(()),
        };
        if let Err(e) = stored.and_then(|()| b.cache.store_index(index_key, key, &name)) {
            self.log(|| e);
        }
        Ok(Found {
            object,
            key,
            name,
            compile_time,
        })
    }

    fn extract(
        &self,
        b: &mut Backend,
        id: ModuleId,
        module: &Registration,
        guid: u64,
    ) -> Result<Extracted, Error> {
        let loaded_before = b.lazy.loaded_count();
        let extracted = b.lazy.extract(id, module, guid)?;
        if b.lazy.loaded_count() > loaded_before {
            self.stats.module_loaded();
            self.log(|| format!("loaded lazy module {}", module.lazy_path));
        }
        Ok(extracted)
    }

    /// Links `object` into the module's JITDylib and returns the address of
    /// `body`.
    fn link(
        &self,
        b: &mut Backend,
        id: ModuleId,
        module: &Registration,
        object: &[u8],
        body: &str,
    ) -> Result<usize, String> {
        let dylib = match b.dylibs.get(&id) {
            Some(&jd) => jd,
            None => {
                let name = format!("autojit-module-{id}");
                let jd = b
                    .linker
                    .create_dylib(&name, &module.symbols, module.scope)?;
                b.dylibs.insert(id, jd);
                jd
            }
        };
        b.linker.add_object(dylib, object)?;
        b.linker.lookup(dylib, body)
    }

    fn start_backend(&self, remote_linker: Option<ProcessLinker>) -> Result<Backend, String> {
        let compiler = Compiler::new()?;
        let linker = match remote_linker {
            Some(linker) => linker,
            None => ProcessLinker::new()?,
        };
        if let Some(e) = &linker.debug_support_error {
            self.log(|| format!("debugger registration unavailable: {e}"));
        }
        let (cache, why_disabled) = ObjectCache::from_env(&self.environment);
        if let Some(why) = why_disabled {
            self.log(|| format!("object cache disabled: {why}"));
        }
        Ok(Backend {
            lazy: LazyModuleStore::new(compiler.diagnostics()),
            compiler,
            linker,
            cache,
            dylibs: HashMap::new(),
        })
    }

    fn materialize_in(
        &self,
        b: &mut Backend,
        id: ModuleId,
        module: &Registration,
        guid: u64,
    ) -> Result<usize, Error> {
        let start = Instant::now();
        let body = names::body_name(guid);
        let target = b.compiler.target_key();
        // An unchanged lazy file maps straight to its objects: no parsing.
        let index_key = ObjectCache::index_key(module.content_hash, guid, &target);
        let Found {
            object,
            key,
            name,
            compile_time,
        } = match b.cache.load_indexed(index_key) {
            Some(hit) => Found {
                object: hit.object,
                key: hit.key,
                name: hit.name,
                compile_time: None,
            },
            None => self.extract_and_compile(b, id, module, guid, index_key)?,
        };
        let from_cache = compile_time.is_none();
        let compile_time = compile_time.unwrap_or(Duration::ZERO);
        let address = self.link(b, id, module, &object, &body).map_err(|e| {
            if from_cache {
                b.cache.evict(key, index_key);
            }
            context(module, guid, &name, ErrorKind::Link(e))
        })?;
        self.stats.record(from_cache, compile_time, start.elapsed());
        self.log(|| {
            let how = if from_cache {
                "from cache".to_string()
            } else {
                format!("compiled in {:.2} ms", compile_time.as_secs_f64() * 1e3)
            };
            format!("materialized {name} (guid 0x{guid:016x}) at 0x{address:x}, {how}")
        });
        Ok(address)
    }
}

/// A function's object, and how it was found.
struct Found {
    object: Vec<u8>,
    key: ContentHash,
    name: String,
    /// None when it came from the cache.
    compile_time: Option<Duration>,
}

fn context(module: &Registration, guid: u64, name: &str, kind: ErrorKind) -> Error {
    Error {
        guid,
        function: Some(name.to_string()),
        lazy_file: Some(module.lazy_path.clone()),
        source: Some(module.source_path.clone()),
        kind,
    }
}
