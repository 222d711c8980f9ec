//! Engine: the one place that turns a GUID into the address of compiled code:
//! an object from the cache when its functions did not change, else one its
//! compiler makes, linked into the program either way.
//!
//! Materialization is serialized by one lock: every function is compiled at
//! most once per process, and a thread that asks for a function another
//! thread is compiling waits and then gets the same address.
//!
//! In an optimized build a function's first code is first-tier code
//! (`autojit_abi::tier`); first-tier code reports the functions that turn
//! out hot (`Engine::hot`), which a background thread compiles again at
//! the build's level and publishes in their trampolines' records.

use crate::compiler::{target_key, BatchCompiler, CompiledBatch, CompilerFactory, Compilers};
use crate::config::EngineConfig;
use crate::error::{Error, ErrorKind};
use crate::link::{DirectCalls, LinkError, Linker, LoaderLinker};
use crate::log::Log;
use crate::object_cache::{CachedBatch, Compiled, Member, ObjectCache};
use crate::perf::PerfOutput;
use crate::program::Program;
use crate::registry::{ModuleId, Registration, Registry};
use autojit_abi::env::{self, Environment};
use autojit_abi::fast_map::{FastMap, FastSet};
use autojit_abi::function_keys::{self, FunctionKey, KeyedFunction};
use autojit_abi::stats::Stats;
use autojit_abi::{names, ContentHash, RegisteredModule, Tier};
use autojit_line_shift::{move_paths, shift_lines, LineMove, Shift, ShiftError};
use autojit_loader::ObjectImage;
use autojit_protocol::autojit::{FirstCall, LinkedBody, Materialized, Publication};
use autojit_remote_cache::RemoteCache;
use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct Engine {
    log: Log,
    /// The settings of the program served.
    config: EngineConfig,
    program: Program,
    /// What perf reads about linked code, with AUTOJIT_PERF.
    perf: Option<PerfOutput>,
    state: Mutex<State>,
    /// Hot first-tier functions, for the background thread to optimize.
    hot: HotFunctions,
    pub stats: Arc<Stats>,
}

/// The queue between first-tier code reporting hot functions and the
/// background thread that optimizes them.
#[derive(Default)]
struct HotFunctions {
    queue: Mutex<HotQueue>,
    /// Signalled when functions are reported, and when the thread is to
    /// end.
    reported: Condvar,
}

/// The most hot functions a thread takes from the queue at once: at exit
/// the threads that optimize share what is left in pieces this size
/// (about a second of the optimizer's time), instead of one thread having
/// taken all of it.
const HOT_PIECE: usize = 64;

#[derive(Default)]
struct HotQueue {
    pending: Vec<u64>,
    /// Whether the background thread gave up (it has no compiler, or
    /// panicked): hot functions stay first-tier code.
    stopped: bool,
    /// The process whose background thread serves the queue: a forked
    /// child has none until it reports a function.
    served_in: Option<u32>,
    /// The program is exiting: optimized objects go to the cache only.
    leaving: bool,
    /// The background thread ends once the queue is empty.
    closing: bool,
    thread: Option<JoinHandle<()>>,
}

impl HotQueue {
    /// The next functions to optimize: none once the queue is empty or
    /// given up.
    fn take_piece(&mut self) -> Vec<u64> {
        if self.stopped {
            return Vec::new();
        }
        let n = self.pending.len().min(HOT_PIECE);
        self.pending.drain(..n).collect()
    }
}

struct State {
    registry: Registry,
    compilers: Compilers,
    linking: Option<Linking>,
    /// The linker of a remote session, until linking starts.
    remote_linker: Option<Box<dyn Linker>>,
}

/// What materializing needs beyond the registry, made by the first
/// materialization: programs that never call a lazy function never read
/// their own symbol tables.
struct Linking {
    /// The body of each function linked, by GUID.
    compiled: FastMap<u64, Body>,
    /// The trampoline records each function was first called through:
    /// where an optimized body is published.
    records: FastMap<u64, Vec<usize>>,
    linker: Box<dyn Linker>,
    cache: ObjectCache,
    /// The target and compiler objects are made for, for cache keys.
    target: String,
    /// The function keys of each module used so far.
    keys: FastMap<ModuleId, Arc<ModuleKeys>>,
    /// Functions of a batch that failed, compiled alone from then on: the
    /// one to blame fails only its own callers, and only once.
    solo: FastSet<u64>,
}

/// A function's linked code.
#[derive(Clone, Copy)]
struct Body {
    address: usize,
    tier: Tier,
}

/// What a link is for, for the stats: a call's materialization (its time
/// measured from `Some` start, by its last link), or the background.
#[derive(Clone, Copy)]
enum LinkFor {
    Call(Option<Instant>),
    Background,
}

/// The bodies an object linked, all of one tier.
struct Linked {
    tier: Tier,
    bodies: Vec<(u64, usize)>,
}

/// What the object cache knows a module's functions by.
struct ModuleKeys {
    /// The key and first line of each lazified function, by GUID.
    functions: FastMap<u64, KeyedFunction>,
    /// The index of the module's source file in the object cache.
    index: ContentHash,
    /// The root of the checkout the module was built in, if any.
    source_root: Option<String>,
}

impl ModuleKeys {
    /// The function's key and line if `member` was compiled from the
    /// function as it is now.
    fn current(&self, member: &Member) -> Option<&KeyedFunction> {
        self.functions
            .get(&member.guid)
            .filter(|k| k.key == member.key)
    }
}

/// The engine's locks, held across a fork (`Engine::hold_for_fork`); the
/// queue's is released first, as it was taken last.
pub struct ForkHold<'e> {
    _queue: MutexGuard<'e, HotQueue>,
    _state: MutexGuard<'e, State>,
}

/// Held by the background thread: after a panic (which fails only the
/// daemon's session), hot functions are no longer queued for it.
struct StopsOnPanic<'e>(&'e Engine);

impl Drop for StopsOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.hot_queue().stopped = true;
        }
    }
}

/// Hot functions of one module, to optimize into one object.
struct HotGroup {
    id: ModuleId,
    module: Arc<Registration>,
    keys: Arc<ModuleKeys>,
    functions: Vec<u64>,
}

impl Linking {
    fn note_record(&mut self, guid: u64, record: usize) {
        let records = self.records.entry(guid).or_default();
        if !records.contains(&record) {
            records.push(record);
        }
    }

    /// Keeps the bodies an object linked: those of functions not linked
    /// before, and better code for those linked as first-tier code, which
    /// is published in every record they were called through. (A link-once
    /// body another module's object defined keeps the address callers
    /// already have.) An error says why the records were not updated.
    fn keep(&mut self, linked: &Linked) -> Result<(), String> {
        let mut publications = Vec::new();
        for &(guid, address) in &linked.bodies {
            let body = Body {
                address,
                tier: linked.tier,
            };
            match self.compiled.get_mut(&guid) {
                None => {
                    self.compiled.insert(guid, body);
                }
                Some(old) if old.tier < linked.tier => {
                    *old = body;
                    let records = self.records.get(&guid).into_iter().flatten();
                    publications.extend(records.map(|&record| Publication {
                        record: record as u64,
                        body: address as u64,
                    }));
                }
                Some(_) => {}
            }
        }
        if publications.is_empty() {
            return Ok(());
        }
        self.linker.publish(&publications)
    }

    /// The function keys of module `id`, read from beside its lazy file on
    /// first use.
    fn function_keys(
        &mut self,
        id: ModuleId,
        module: &Registration,
    ) -> Result<Arc<ModuleKeys>, ErrorKind> {
        if let Some(keys) = self.keys.get(&id) {
            return Ok(Arc::clone(keys));
        }
        let path = function_keys::keys_path(Path::new(&module.lazy_path));
        let text = std::fs::read_to_string(&path).map_err(|e| {
            ErrorKind::LazyFileUnreadable(format!("its keys file {}: {e}", path.display()))
        })?;
        let file = function_keys::decode(&text).ok_or_else(|| {
            ErrorKind::LazyFileUnreadable(format!("its keys file {} is damaged", path.display()))
        })?;
        let keys = Arc::new(ModuleKeys {
            functions: file.functions.into_iter().map(|f| (f.guid, f)).collect(),
            index: ObjectCache::index_key(&module.source_identity, &self.target),
            source_root: file.source_root,
        });
        self.keys.insert(id, Arc::clone(&keys));
        Ok(keys)
    }
}

impl Engine {
    /// An engine that loads objects into this process, compiled by the
    /// compilers `compilers` makes when the cache does not hold them.
    pub fn new(log_prefix: &'static str, compilers: CompilerFactory) -> Self {
        Engine::with_environment(
            log_prefix,
            Environment::Process,
            Program::ThisProcess,
            compilers,
            None,
        )
    }

    /// An engine that links with `linker` into the process behind a remote
    /// session, with the settings that program forwarded; it runs as
    /// process `pid`, if known.
    pub fn remote(
        log_prefix: &'static str,
        environment: Environment,
        pid: Option<u32>,
        compilers: CompilerFactory,
        linker: Box<dyn Linker>,
    ) -> Self {
        let engine = Engine::with_environment(
            log_prefix,
            environment,
            Program::Remote(pid),
            compilers,
            Some(linker),
        );
        // The stub maps the jitdump once its session is ready, which comes
        // after this.
        if let Some(perf) = &engine.perf {
            if let Err(e) = perf.create_files() {
                engine.log(|| format!("perf: {e}"));
            }
        }
        engine
    }

    fn with_environment(
        log_prefix: &'static str,
        environment: Environment,
        program: Program,
        compilers: CompilerFactory,
        remote_linker: Option<Box<dyn Linker>>,
    ) -> Self {
        let config = EngineConfig::from_environment(&environment);
        Engine {
            log: Log::new(log_prefix, config.debug),
            perf: config
                .perf
                .clone()
                .map(|jitdump_vars| PerfOutput::new(program, jitdump_vars)),
            program,
            state: Mutex::new(State {
                registry: Registry::default(),
                compilers: Compilers::new(compilers, config.compile_threads),
                linking: None,
                remote_linker,
            }),
            config,
            hot: HotFunctions::default(),
            stats: Arc::default(),
        }
    }

    /// One line of `AUTOJIT_DEBUG`'s log.
    pub fn log(&self, msg: impl FnOnce() -> String) {
        self.log.line(msg);
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

    /// The address of the compiled body of `guid`, compiling it if needed,
    /// together with the functions it is likely to call next (`batch.rs`).
    /// `record` is the trampoline record the caller will publish it in, if
    /// any: an optimized body is published there later.
    pub fn materialize(&self, guid: u64, record: Option<usize>) -> Result<usize, Error> {
        self.materialize_linking(guid, record, None)
    }

    /// [`Engine::materialize`], and the other functions linked for it, whose
    /// first calls may take their bodies without asking: remote mode
    /// answers those in the program, without a round trip each.
    pub fn materialize_with_batch(
        &self,
        guid: u64,
        record: Option<usize>,
    ) -> Result<Materialized, Error> {
        let mut linked_with = Vec::new();
        let address = self.materialize_linking(guid, record, Some(&mut linked_with))?;
        // The stub merges them into what it has, without a sort of its own.
        linked_with.sort_unstable_by_key(|body| body.guid);
        Ok(Materialized {
            address: address as u64,
            linked_with,
        })
    }

    fn materialize_linking(
        &self,
        guid: u64,
        record: Option<usize>,
        linked_with: Option<&mut Vec<LinkedBody>>,
    ) -> Result<usize, Error> {
        let mut state = self.lock();
        // Before any body of `guid` is handed out: it may be another
        // module's, if two modules' sources have one identity.
        if let Some(clash) = state.registry.clash(guid) {
            return Err(clash);
        }
        let State {
            registry, linking, ..
        } = &mut *state;
        if let Some(b) = linking.as_mut() {
            if let Some(record) = record {
                b.note_record(guid, record);
            }
            if let Some(address) = self.body_for_first_call(b, registry, guid) {
                return Ok(address);
            }
        }
        let (id, mut module) = state
            .registry
            .find(guid)
            .ok_or_else(|| Error::new(guid, ErrorKind::UnknownFunction))?;
        let carried = crate::embedded::carried(&module, self.program)
            .map_err(|kind| module.failure(guid, kind))?;
        if let Some(embedded) = carried {
            let path = crate::embedded::copy_out(
                &module,
                embedded,
                self.program,
                &self.config.embedded_copies_root,
            )
            .map_err(|kind| module.failure(guid, kind))?;
            self.log(|| format!("copied the lazy module the program carries to {path}"));
            module = state.registry.copied_out(id, path);
        }
        if state.linking.is_none() {
            let remote_linker = state.remote_linker.take();
            state.linking = Some(self.start_linking(remote_linker));
        }
        let State {
            registry,
            compilers,
            linking,
            ..
        } = &mut *state;
        let b = linking.as_mut().expect("just created");
        if let Some(record) = record {
            b.note_record(guid, record);
        }
        let linked = self.materialize_in(b, compilers, registry, id, &module, guid)?;
        if let Err(e) = b.keep(&linked) {
            self.log(|| format!("optimized bodies stay unpublished: {e}"));
        }
        if let Some(out) = linked_with {
            // What the fast path above would answer for each, now.
            for &(other, address) in &linked.bodies {
                let final_for_first_call = other != guid
                    && registry.clash(other).is_none()
                    && self.body_for_first_call(b, registry, other) == Some(address);
                if final_for_first_call {
                    out.push(LinkedBody {
                        guid: other,
                        address: address as u64,
                    });
                }
            }
        }
        // Every path above links an object that defines `guid`.
        b.compiled
            .get(&guid)
            .map(|body| body.address)
            .ok_or_else(|| Error::new(guid, ErrorKind::UnknownFunction))
    }

    /// The body a first call of `guid` takes, if it is linked: first-tier
    /// code only while no optimized object is in the cache (a warm run
    /// starts from the best code there is).
    fn body_for_first_call(
        &self,
        b: &Linking,
        registry: &mut Registry,
        guid: u64,
    ) -> Option<usize> {
        let body = b.compiled.get(&guid)?;
        (body.tier == Tier::Optimized || !self.optimized_in_cache(b, registry, guid))
            .then_some(body.address)
    }

    /// Whether the object cache holds optimized code for `guid`, linked now
    /// as first-tier code (so its module's keys are read).
    fn optimized_in_cache(&self, b: &Linking, registry: &mut Registry, guid: u64) -> bool {
        if !self.config.tiers.allows(Tier::Optimized) {
            return false;
        }
        let Some(keys) = registry.find(guid).and_then(|(id, _)| b.keys.get(&id)) else {
            return false;
        };
        keys.functions.get(&guid).is_some_and(|f| {
            b.cache
                .is_indexed(keys.index, f.key, |tier| tier == Tier::Optimized)
        })
    }

    /// First calls the program answered with bodies this engine linked
    /// ([`Engine::materialize_with_batch`]): their records take the
    /// optimized bodies too, now for a function already optimized.
    pub fn note_first_calls(&self, calls: &[FirstCall]) {
        let mut state = self.lock();
        let Some(b) = state.linking.as_mut() else {
            return;
        };
        let mut publications = Vec::new();
        for &FirstCall { guid, record } in calls {
            b.note_record(guid, record as usize);
            if let Some(body) = b.compiled.get(&guid).filter(|b| b.tier == Tier::Optimized) {
                publications.push(Publication {
                    record,
                    body: body.address as u64,
                });
            }
        }
        if publications.is_empty() {
            return;
        }
        if let Err(e) = b.linker.publish(&publications) {
            self.log(|| format!("optimized bodies stay unpublished: {e}"));
        }
    }

    fn hot_queue(&self) -> MutexGuard<'_, HotQueue> {
        // As for the state: keep serving after a panic.
        self.hot.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Called by first-tier code when function `guid` has run often: the
    /// background thread (started now if this process has none) optimizes
    /// it and publishes the optimized body in its trampolines' records.
    pub fn hot(self: &Arc<Self>, guid: u64) {
        if !self.config.tiers.allows(Tier::Optimized) {
            return;
        }
        let mut queue = self.hot_queue();
        if queue.stopped || queue.closing {
            return;
        }
        let pid = std::process::id();
        if queue.served_in.is_some_and(|served_in| served_in != pid) {
            // A forked child: its parent's background compiler may have
            // been compiling, its lock held by a thread the child does not
            // have. Its copy of that thread's handle is never joined.
            self.log(|| {
                "a forked child optimizes nothing: its hot functions stay first-tier code".into()
            });
            queue.stopped = true;
            std::mem::forget(queue.thread.take());
            queue.pending.clear();
            return;
        }
        queue.pending.push(guid);
        if queue.served_in.is_none() {
            let engine = Arc::clone(self);
            let started = std::thread::Builder::new()
                .name("autojit-optimize".into())
                .spawn(move || engine.optimize_queued(0));
            match started {
                Ok(thread) => {
                    queue.served_in = Some(pid);
                    queue.thread = Some(thread);
                }
                Err(e) => self.log(|| format!("cannot start the thread that optimizes: {e}")),
            }
        }
        self.hot.reported.notify_one();
    }

    /// At exit, beside the background thread: as many threads as compile a
    /// batch, the background one included, optimize what is left, each
    /// with a compiler of its own. The program's calls are over; their
    /// cores would otherwise idle while the exit waits. (The exiting thread
    /// only waits: a panic stays in the thread that optimizes.)
    fn help_optimize(&self) {
        let threads = self.lock().compilers.threads();
        std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads)
                .filter_map(|n| {
                    let started = std::thread::Builder::new()
                        .name("autojit-optimize".into())
                        .spawn_scoped(scope, move || self.optimize_queued(n));
                    started
                        .map_err(|e| {
                            self.log(|| format!("cannot start a thread that optimizes: {e}"))
                        })
                        .ok()
                })
                .collect();
            for helper in helpers {
                // A panic was logged by the panic hook.
                let _ = helper.join();
            }
        });
    }

    /// Optimizes hot functions with compiler `n` until the queue is empty
    /// and closing. 0 is the background thread, which optimizes them as
    /// they are reported until the program exits; the threads that help it
    /// at exit find the queue closing.
    fn optimize_queued(&self, n: usize) {
        let _stops = StopsOnPanic(self);
        let made = self.lock().compilers.background(n);
        let mut compiler = match made {
            Ok(compiler) => compiler,
            Err(e) if n == 0 => {
                self.log(|| format!("hot functions stay first-tier code: {e}"));
                self.hot_queue().stopped = true;
                return;
            }
            Err(e) => {
                self.log(|| format!("the background thread optimizes alone: {e}"));
                return;
            }
        };
        loop {
            let hot = {
                let queue = self.hot_queue();
                let mut queue = self
                    .hot
                    .reported
                    .wait_while(queue, |q| q.pending.is_empty() && !q.closing)
                    .unwrap_or_else(|e| e.into_inner());
                queue.take_piece()
            };
            if hot.is_empty() {
                return;
            }
            self.optimize(&mut *compiler, hot);
        }
    }

    /// Before fork: waits until neither a materialization nor the
    /// background thread is in the middle of the engine's state (a link,
    /// a publication) or its queue, and holds both until the returned
    /// guard is dropped, after fork, in the parent or the child (whose one
    /// thread is the one that holds them).
    pub fn hold_for_fork(&self) -> ForkHold<'_> {
        let state = self.lock();
        let queue = self.hot_queue();
        ForkHold {
            _queue: queue,
            _state: state,
        }
    }

    /// The program is exiting: nothing more is linked into it (a link
    /// under way finishes first); what the background thread optimizes
    /// from now on goes to the cache only, for the next run.
    pub fn stop_linking(&self) {
        self.hot_queue().leaving = true;
        // The background thread links under the state's lock and reads
        // `leaving` there.
        drop(self.lock());
    }

    /// At exit: waits until every function reported is optimized (threads
    /// helping the background one) and the objects fetched from a team's
    /// store, or whose lines or paths this run moved, are in the local
    /// cache, so that the next run starts from them; ends both threads.
    pub fn finish_background_work(&self) {
        self.finish_optimizing();
        if let Some(b) = self.lock().linking.as_mut() {
            b.cache.finish_writing();
        }
    }

    /// Optimizes, beside the background thread, every function reported
    /// and not started yet, then ends the thread.
    fn finish_optimizing(&self) {
        let mut queue = self.hot_queue();
        // A forked child has no background thread of its own.
        if queue.served_in != Some(std::process::id()) {
            return;
        }
        queue.closing = true;
        let thread = queue.thread.take();
        // A queue given up leaves nothing for helpers to take.
        let left = !queue.stopped && !queue.pending.is_empty();
        drop(queue);
        self.hot.reported.notify_all();
        if left {
            self.help_optimize();
        }
        if let Some(thread) = thread {
            // A panic of the thread was logged by the panic hook; its
            // functions stay first-tier code.
            let _ = thread.join();
        }
    }

    /// Compiles the first-tier functions among `hot` at their build's
    /// level, one object per module, links them and publishes them.
    fn optimize(&self, compiler: &mut dyn BatchCompiler, hot: Vec<u64>) {
        let groups = {
            let mut state = self.lock();
            let State {
                registry, linking, ..
            } = &mut *state;
            let Some(b) = linking.as_mut() else { return };
            let mut groups: Vec<HotGroup> = Vec::new();
            for guid in hot {
                let first_tier = b
                    .compiled
                    .get(&guid)
                    .is_some_and(|body| body.tier == Tier::Quick);
                let Some((id, module)) = registry.find(guid).filter(|_| first_tier) else {
                    continue;
                };
                match groups.iter_mut().find(|g| g.id == id) {
                    Some(group) => group.functions.push(guid),
                    None => match b.function_keys(id, &module) {
                        Ok(keys) => groups.push(HotGroup {
                            id,
                            module,
                            keys,
                            functions: vec![guid],
                        }),
                        Err(kind) => self.log(|| module.failure(guid, kind).to_string()),
                    },
                }
            }
            groups
        };
        for group in groups {
            let HotGroup {
                id,
                module,
                keys,
                functions,
            } = group;
            let start = Instant::now();
            let compiled = compiler.compile(id, &module, &functions, Tier::Optimized);
            let mut state = self.lock();
            let Some(b) = state.linking.as_mut() else {
                return;
            };
            let compiled = match compiled {
                Ok(compiled) => compiled,
                Err(e) => {
                    self.log(|| format!("stays first-tier code: {e}"));
                    continue;
                }
            };
            if self.hot_queue().leaving {
                self.stats
                    .optimized(functions.len() as u64, start.elapsed());
                self.store_compiled(b, &keys, &functions, compiled);
                continue;
            }
            let linked = self.link_compiled(
                b,
                id,
                &module,
                &keys,
                &functions,
                compiled,
                LinkFor::Background,
            );
            match linked {
                Ok(linked) => {
                    self.stats
                        .optimized(linked.bodies.len() as u64, start.elapsed());
                    if let Err(e) = b.keep(&linked) {
                        self.log(|| format!("optimized bodies stay unpublished: {e}"));
                    }
                }
                Err(e) => self.log(|| format!("stays first-tier code: {e}")),
            }
        }
    }

    /// Stores and indexes the optimized object compiled for `batch`
    /// without linking it: the program is exiting, and the next run starts
    /// from it.
    fn store_compiled(
        &self,
        b: &mut Linking,
        keys: &ModuleKeys,
        batch: &[u64],
        compiled: CompiledBatch,
    ) {
        let members = members(keys, batch, compiled.names);
        let key = object_key(keys, batch, &b.target, compiled.tier);
        if let Err(e) = b.cache.commit(
            keys.index,
            key,
            compiled.tier,
            Some(Compiled {
                object: &compiled.object,
                source_root: keys.source_root.as_deref(),
            }),
            &members,
        ) {
            self.log(|| e);
        }
        let ms = compiled.compile_time.as_secs_f64() * 1e3;
        let tier = compiled.tier.number();
        for Member { guid, name, .. } in &members {
            self.log(|| {
                format!("optimized {name} (guid 0x{guid:016x}) for the next run, compiled in {ms:.2} ms, tier {tier}")
            });
        }
    }

    /// Links the object that holds `guid`: the cached one the index names
    /// for its key, else a batch compiled now (or, if the batch fails,
    /// `guid` alone, so a function that cannot compile fails only its own
    /// callers). Returns every body of the object whose function did not
    /// change.
    #[allow(clippy::too_many_arguments)]
    fn materialize_in(
        &self,
        b: &mut Linking,
        compilers: &mut Compilers,
        registry: &mut Registry,
        id: ModuleId,
        module: &Registration,
        guid: u64,
    ) -> Result<Linked, Error> {
        let start = Instant::now();
        let tiers = self.config.tiers;
        let keys = b
            .function_keys(id, module)
            .map_err(|kind| module.failure(guid, kind))?;
        let Some(this) = keys.functions.get(&guid) else {
            return Err(module.failure(
                guid,
                ErrorKind::MissingBody("the lazy module's keys do not list it".into()),
            ));
        };
        // A function whose key did not change maps straight to its object:
        // no parsing.
        let target = &b.target;
        let sources = || {
            registry
                .source_identities()
                .map(|identity| ObjectCache::index_key(identity, target))
                .collect()
        };
        if let Some(cached) = b.cache.lookup(
            keys.index,
            this.key,
            |m| keys.current(m).is_some(),
            |tier| tiers.allows(tier),
            sources,
        ) {
            if let Some(linked) = self.link_cached(b, id, module, &keys, cached, start) {
                return Ok(linked);
            }
        }
        let limit = if b.solo.contains(&guid) {
            1
        } else {
            self.config.batch_limit
        };
        let planner = compilers
            .planner()
            .map_err(|e| module.failure(guid, ErrorKind::Setup(e)))?;
        let planned = planner.plan(id, module, guid, limit, &mut |g| {
            !b.compiled.contains_key(&g)
                && !b.solo.contains(&g)
                && keys
                    .functions
                    .get(&g)
                    .is_some_and(|k| !b.cache.is_indexed(keys.index, k.key, |t| tiers.allows(t)))
                && registry.find(g).is_some_and(|(owner, _)| owner == id)
        })?;
        if planned.loaded_module {
            self.stats.module_loaded();
            self.log(|| format!("loaded lazy module {}", module.lazy_path));
        }
        let batch = planned.functions;
        let tier = tiers.first();
        match self.compile_and_link(b, compilers, id, module, &keys, &batch, tier, start) {
            Err(e) if batch.len() > 1 => {
                self.log(|| {
                    format!(
                        "a batch of {} functions failed ({e}); compiling 0x{guid:016x} alone",
                        batch.len()
                    )
                });
                b.linker.forget(id);
                b.solo.extend(&batch);
                self.compile_and_link(b, compilers, id, module, &keys, &[guid], tier, start)
            }
            result => result,
        }
    }

    /// Links a cached object, its lines moved to where its functions are
    /// now and its paths to this checkout; None (and a log line) if it
    /// cannot be used, to compile instead.
    fn link_cached(
        &self,
        b: &mut Linking,
        id: ModuleId,
        module: &Registration,
        keys: &ModuleKeys,
        cached: CachedBatch,
        start: Instant,
    ) -> Option<Linked> {
        // Compiled in another checkout of these sources: this checkout's
        // copy of it, its paths moved here, if a run kept one. One fetched
        // from the store is kept here only as this checkout's copy.
        let key = cached.key;
        let (kept_key, cached, from_copy) = match (&cached.source_root, &keys.source_root) {
            (Some(from), Some(here)) if from != here && cached.unwritten.is_none() => {
                let copy = ObjectCache::checkout_copy_key(key, here);
                match b.cache.load(copy) {
                    Some(copy_batch) => (copy, copy_batch, true),
                    None => (copy, cached, false),
                }
            }
            _ => (key, cached, false),
        };
        // Members whose function changed since (below) have their lines
        // erased once: the object so erased is kept under a key of its own,
        // which the next run links as it is. Not for an object fetched from
        // the store, which is first kept here as it came.
        let stale: Vec<FunctionKey> = with_stale_lines(&cached.members, keys)
            .map(|m| m.key)
            .collect();
        let erased_key = (!stale.is_empty() && cached.unwritten.is_none())
            .then(|| ObjectCache::erased_copy_key(kept_key, &stale));
        let (kept_key, cached, from_copy) = match erased_key.and_then(|k| b.cache.load(k)) {
            Some(erased_copy) => (erased_copy.key, erased_copy, true),
            None => (kept_key, cached, from_copy),
        };
        let CachedBatch {
            tier,
            source_root,
            members,
            object: image,
            unwritten,
            ..
        } = cached;
        let live: Vec<&Member> = members
            .iter()
            .filter(|m| keys.current(m).is_some())
            .collect();
        let moves: Vec<(&Member, LineMove)> = live
            .iter()
            .filter_map(|&m| {
                let now = keys.current(m)?.line;
                (m.line != 0 && now != m.line)
                    .then(|| (m, LineMove::By(i64::from(now) - i64::from(m.line))))
            })
            .collect();
        // Members whose function changed since are linked but never used
        // (calls to them go to their trampolines, and from there to what is
        // current); their lines are erased, so that a debugger places no
        // breakpoint in them. The cache keeps them: an edit undone makes
        // them current again.
        let erasures: Vec<(&Member, LineMove)> = with_stale_lines(&members, keys)
            .map(|m| (m, LineMove::Erase))
            .collect();
        let roots = (source_root.as_deref(), keys.source_root.as_deref());
        let Followed {
            kept,
            erased,
            paths_moved,
        } = match followed(image.bytes(), roots, &moves, &erasures) {
            Ok(followed) => followed,
            Err(e) => {
                self.log(|| format!("cached object {} not reused: {e}", key.to_hex()));
                // Not for this run: its functions may join batches compiled.
                b.cache.refuse(key);
                return None;
            }
        };
        if let (true, (Some(from), Some(to))) = (paths_moved, roots) {
            self.log(|| {
                format!(
                    "moved the paths of cached object {} from {from} to {to}",
                    key.to_hex()
                )
            });
        }
        if !erasures.is_empty() {
            self.log(|| {
                format!(
                    "erased the lines of {} changed functions of cached object {}",
                    erasures.len(),
                    key.to_hex()
                )
            });
        }
        if !moves.is_empty() {
            self.log(|| {
                format!(
                    "moved the lines of {} functions of cached object {}",
                    moves.len(),
                    key.to_hex()
                )
            });
        }
        // The loader relocates its own copy in place; the cache keeps the
        // object with its lines and paths where they are now (and the lines
        // of members that changed erased, under its erased copy's key), so
        // that the next run moves nothing, once it linked.
        let (object, to_keep) = match (erased, kept) {
            (Some(erased), kept) => match erased_key {
                Some(key) => (
                    ObjectImage::from(erased.clone()),
                    Some(ObjectToKeep {
                        key,
                        object: erased,
                    }),
                ),
                // Fetched: kept here as it came, its lines moved.
                None => (
                    ObjectImage::from(erased),
                    kept.map(|object| ObjectToKeep {
                        key: kept_key,
                        object,
                    }),
                ),
            },
            (None, Some(kept)) => (
                ObjectImage::from(kept.clone()),
                Some(ObjectToKeep {
                    key: kept_key,
                    object: kept,
                }),
            ),
            (None, None) => (image, None),
        };
        match self.link(b, id, module, object, tier, &members, &live) {
            Ok(linked) => {
                match (to_keep, unwritten) {
                    (Some(kept), unwritten) => {
                        // The erased copy lists its stale members at line 0.
                        let lines_erased = Some(kept.key) == erased_key;
                        let stale_line = |m: &Member| if lines_erased { 0 } else { m.line };
                        let updated: Vec<Member> = members
                            .iter()
                            .map(|m| Member {
                                line: keys.current(m).map_or(stale_line(m), |k| k.line),
                                ..m.clone()
                            })
                            .collect();
                        let root = keys.source_root.clone().or(source_root);
                        b.cache
                            .update(kept.key, tier, kept.object, root, updated, unwritten);
                    }
                    (None, Some(unwritten)) => b.cache.keep_fetched(unwritten),
                    (None, None) => {}
                }
                self.report(&live, &linked, None, LinkFor::Call(Some(start)));
                Some(linked)
            }
            Err(e) => {
                self.log(|| format!("cached object {} failed to link: {e}", key.to_hex()));
                // Broken if all its functions are this program's; else it
                // may be right for the build it came from.
                if live.len() == members.len() {
                    b.cache.reject(if from_copy { kept_key } else { key });
                }
                b.cache.refuse(key);
                b.linker.forget(id);
                None
            }
        }
    }

    /// Finds the object of `batch` in the cache or extracts and compiles
    /// it as code of `tier`, in parts on as many threads as it is big
    /// enough for, links each part's object, and then stores and indexes it
    /// under each member.
    #[allow(clippy::too_many_arguments)]
    fn compile_and_link(
        &self,
        b: &mut Linking,
        compilers: &mut Compilers,
        id: ModuleId,
        module: &Registration,
        keys: &ModuleKeys,
        batch: &[u64],
        tier: Tier,
        start: Instant,
    ) -> Result<Linked, Error> {
        let key = object_key(keys, batch, &b.target, tier);
        if let Some(cached) = b.cache.load(key) {
            let members = cached.members.clone();
            if let Some(linked) = self.link_cached(b, id, module, keys, cached, start) {
                if let Err(e) = b.cache.commit(keys.index, key, tier, None, &members) {
                    self.log(|| e);
                }
                return Ok(linked);
            }
        }
        let parts = compilers.split(batch);
        let compiled = compilers
            .compile(id, module, &parts, tier)
            .into_iter()
            .collect::<Result<Vec<_>, Error>>()?;
        // The last parts first: calls from the first part, which holds the
        // function called, then go straight to what the others define.
        let mut linked = Linked {
            tier,
            bodies: Vec::with_capacity(batch.len()),
        };
        for (i, (part, compiled)) in parts.iter().zip(compiled).enumerate().rev() {
            // The materialization's time is counted once, with the part
            // linked last.
            let link_for = LinkFor::Call((i == 0).then_some(start));
            let part = self.link_compiled(b, id, module, keys, part, compiled, link_for)?;
            // A build at -O0 has one tier, whatever was asked.
            linked.tier = part.tier;
            linked.bodies.extend(part.bodies);
        }
        Ok(linked)
    }

    /// Links the object compiled for `batch`, then stores and indexes it.
    #[allow(clippy::too_many_arguments)]
    fn link_compiled(
        &self,
        b: &mut Linking,
        id: ModuleId,
        module: &Registration,
        keys: &ModuleKeys,
        batch: &[u64],
        compiled: CompiledBatch,
        link_for: LinkFor,
    ) -> Result<Linked, Error> {
        let members = members(keys, batch, compiled.names);
        let object = compiled.object;
        let tier = compiled.tier;
        let all: Vec<&Member> = members.iter().collect();
        // The loader keeps what it links; the cache gets a copy.
        let linked = self
            .link(b, id, module, object.clone().into(), tier, &members, &all)
            .map_err(|e| module.named_failure(batch[0], &members[0].name, e.into()))?;
        // Only an object that linked is kept and indexed.
        let key = object_key(keys, batch, &b.target, tier);
        if let Err(e) = b.cache.commit(
            keys.index,
            key,
            tier,
            Some(Compiled {
                object: &object,
                source_root: keys.source_root.as_deref(),
            }),
            &members,
        ) {
            self.log(|| e);
        }
        self.report(&all, &linked, Some(compiled.compile_time), link_for);
        Ok(linked)
    }

    /// Links `object`, code of `tier` which defines `members`, and returns
    /// the address of each of `live`.
    #[allow(clippy::too_many_arguments)]
    fn link(
        &self,
        b: &mut Linking,
        id: ModuleId,
        module: &Registration,
        object: ObjectImage,
        tier: Tier,
        members: &[Member],
        live: &[&Member],
    ) -> Result<Linked, LinkError> {
        let all: Vec<u64> = members.iter().map(|m| m.guid).collect();
        let wanted: Vec<u64> = live.iter().map(|m| m.guid).collect();
        // The linker keeps the object; perf reads a copy.
        let for_perf = self.perf.as_ref().map(|_| object.bytes().to_vec());
        // Calls may go straight to optimized bodies, from optimized code
        // only: first-tier code calls through the trampolines, where a
        // function's optimized body is published.
        let bodies = |guid| {
            b.compiled
                .get(&guid)
                .filter(|body| body.tier == Tier::Optimized)
                .map(|body| body.address)
        };
        let direct = match tier {
            Tier::Quick => DirectCalls::Never,
            Tier::Optimized => DirectCalls::ToBodies(&bodies),
        };
        let addresses = b.linker.link(id, module, object, &all, &wanted, direct)?;
        let linked: Vec<(u64, usize)> = wanted.into_iter().zip(addresses).collect();
        // perf: every member's address is known now.
        if let (Some(perf), Some(object)) = (&self.perf, for_perf) {
            let live: Vec<Member> = live.iter().map(|&m| m.clone()).collect();
            if let Err(e) = perf.record(&live, &linked, &object) {
                self.log(|| format!("perf: {e}"));
            }
        }
        Ok(Linked {
            tier,
            bodies: linked,
        })
    }

    fn report(
        &self,
        members: &[&Member],
        linked: &Linked,
        compile_time: Option<Duration>,
        link_for: LinkFor,
    ) {
        let from_cache = compile_time.is_none();
        let compile_time = compile_time.unwrap_or(Duration::ZERO);
        // What the background optimizes is counted apart, when swapped in.
        if let LinkFor::Call(start) = link_for {
            self.stats.record(
                members.len() as u64,
                from_cache,
                compile_time,
                start.map_or(Duration::ZERO, |start| start.elapsed()),
            );
        }
        if linked.tier == Tier::Quick {
            self.stats.first_tier(members.len() as u64);
        }
        if !self.log.is_on() {
            return;
        }
        let how = if from_cache {
            "from cache".to_string()
        } else {
            format!("compiled in {:.2} ms", compile_time.as_secs_f64() * 1e3)
        };
        let tier = linked.tier.number();
        let verb = match link_for {
            LinkFor::Call(_) => "materialized",
            LinkFor::Background => "optimized",
        };
        for (&Member { guid, name, .. }, (_, address)) in members.iter().zip(&linked.bodies) {
            self.log(|| {
                format!("{verb} {name} (guid 0x{guid:016x}) at 0x{address:x}, {how}, tier {tier}")
            });
        }
        if members.len() > 1 {
            self.log(|| {
                format!(
                    "one object for {} functions, for {}",
                    members.len(),
                    members[0].name
                )
            });
        }
    }

    fn start_linking(&self, remote_linker: Option<Box<dyn Linker>>) -> Linking {
        let linker = remote_linker.unwrap_or_else(|| Box::new(LoaderLinker::new()));
        let (mut cache, why_disabled) = ObjectCache::open(&self.config.object_cache_root, self.log);
        if let Some(why) = why_disabled {
            self.log(|| format!("object cache disabled: {why}"));
        }
        let target = target_key();
        let remote = self.config.remote_cache.as_ref().map(|setting| {
            setting
                .as_ref()
                .map_err(Clone::clone)
                .and_then(RemoteCache::open)
        });
        match remote {
            Some(Ok(remote)) => cache = cache.with_remote(remote, &target, Arc::clone(&self.stats)),
            Some(Err(e)) => self.log.always(format!(
                "{}: {e}; running without the remote cache",
                env::REMOTE_CACHE
            )),
            None => {}
        }
        Linking {
            compiled: FastMap::default(),
            records: FastMap::default(),
            target,
            linker,
            cache,
            keys: FastMap::default(),
            solo: FastSet::default(),
        }
    }
}

/// The members of the object compiled for `batch`, whose functions' names
/// are `names`.
fn members(keys: &ModuleKeys, batch: &[u64], names: Vec<String>) -> Vec<Member> {
    batch
        .iter()
        .zip(names)
        .map(|(&guid, name)| Member {
            guid,
            key: keys.functions[&guid].key,
            line: keys.functions[&guid].line,
            name,
        })
        .collect()
}

/// The object cache's key of the object of `tier` compiled for `batch`.
fn object_key(keys: &ModuleKeys, batch: &[u64], target: &str, tier: Tier) -> ContentHash {
    let batch_keys: Vec<FunctionKey> = batch.iter().map(|g| keys.functions[g].key).collect();
    ObjectCache::key(&batch_keys, target, tier)
}

/// A cached object made to follow its source; each copy is None where it
/// would be the object as cached.
struct Followed {
    /// Its paths and lines moved: what the cache keeps.
    kept: Option<Vec<u8>>,
    /// That with the stale members' lines erased: what is linked, if it
    /// differs from what is kept.
    erased: Option<Vec<u8>>,
    /// Whether its paths were moved to this checkout.
    paths_moved: bool,
}

/// `object` with its paths moved from the checkout it was compiled in to
/// this one (`roots`: from, to), its members' lines moved as `moves` says,
/// and then `erasures` done.
fn followed(
    object: &[u8],
    roots: (Option<&str>, Option<&str>),
    moves: &[(&Member, LineMove)],
    erasures: &[(&Member, LineMove)],
) -> Result<Followed, ShiftError> {
    let relocated = match roots {
        (Some(from), Some(to)) => match move_paths(object, from, to)? {
            Cow::Owned(bytes) => Some(bytes),
            Cow::Borrowed(_) => None,
        },
        _ => None,
    };
    let paths_moved = relocated.is_some();
    let base = relocated.as_deref().unwrap_or(object);
    let moved = shifted(base, moves)?;
    let erased = match shifted(&moved, erasures)? {
        Cow::Owned(erased) => Some(erased),
        Cow::Borrowed(_) => None,
    };
    let kept = match moved {
        Cow::Owned(moved) => Some(moved),
        Cow::Borrowed(_) => relocated,
    };
    Ok(Followed {
        kept,
        erased,
        paths_moved,
    })
}

/// What the object cache keeps of a cached object a run changed to link it.
struct ObjectToKeep {
    key: ContentHash,
    /// Its lines and paths where they are now.
    object: Vec<u8>,
}

/// The members of a cached object whose functions changed since it was
/// compiled and whose lines are not erased yet.
fn with_stale_lines<'m>(
    members: &'m [Member],
    keys: &'m ModuleKeys,
) -> impl Iterator<Item = &'m Member> {
    members
        .iter()
        .filter(|m| m.line != 0 && keys.current(m).is_none())
}

/// `object` with the lines of each member's body moved as said.
fn shifted<'o>(
    object: &'o [u8],
    moves: &[(&Member, LineMove)],
) -> Result<Cow<'o, [u8]>, ShiftError> {
    let bodies: Vec<String> = moves
        .iter()
        .map(|(m, _)| names::body_name(m.guid))
        .collect();
    let shifts: Vec<Shift> = bodies
        .iter()
        .zip(moves)
        .map(|(symbol, &(_, lines))| Shift { symbol, lines })
        .collect();
    shift_lines(object, &shifts)
}
