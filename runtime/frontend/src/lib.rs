//! The program side of autojit: everything a program built with the plugin
//! does, whichever engine compiles for it.
//!
//! The plugin's code calls two entry points: `__llvm_autojit_register` (a
//! constructor per lazified translation unit) and, through the resolver a
//! trampoline jumps to, `__llvm_autojit_materialize`. This crate
//! implements them once over a [`Backend`]: the in-process engine
//! (`runtime/inprocess`) or a session with autojitd (`runtime/stub`). It
//! owns the registry (with the ABI check at registration), the reentrancy
//! guard, the one-line failure naming the function, the file and what to
//! do, the AUTOJIT_STATS line, and what fork and exit mean for a session.
//! A runtime is [`define_runtime!`] and its backend.
//!
//! No std: the stub links this into programs that carry no Rust runtime.

#![cfg_attr(not(test), no_std)]
extern crate alloc;

pub mod lock;
pub mod process;
#[cfg(test)]
mod tests;

use alloc::string::String;
use alloc::vec::Vec;
use autojit_abi::env::{self, StatsDestination};
use autojit_abi::{Failure, FailureKind, ModuleDescriptor, RegisteredModule, StatsSnapshot};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use lock::{LeafList, ReentrantLock};

/// What compiles and links lazy functions for the program.
pub trait Backend: Sync {
    /// How the program's messages begin, e.g. `[autojit-inprocess]`.
    fn prefix(&self) -> &'static str;

    /// A module was registered. Runs in a constructor, under the dynamic
    /// loader's lock: it must not wait for a materializing thread.
    fn registered(&self, _module: &RegisteredModule) {}

    /// The address of the compiled body of `guid`, which the resolver
    /// publishes in `record`, the trampoline's record (where a later,
    /// better body may be published too). `new_modules` are the modules
    /// registered since the previous call (all of them on the first call,
    /// and on the first call after [`Backend::forked_child`]).
    fn materialize(
        &self,
        guid: u64,
        record: usize,
        new_modules: &[RegisteredModule],
    ) -> Result<usize, Failure>;

    /// First-tier code reports function `guid` hot (once): its optimized
    /// body is to be published in the records it was materialized for.
    /// Called on any thread, and must not wait for a compile.
    fn hot(&self, guid: u64);

    /// The counters for AUTOJIT_STATS, if the backend ever ran.
    fn stats(&self) -> Option<StatsSnapshot>;

    /// The name of the function whose trampoline contains `address`, where
    /// the dynamic symbol table does not have it.
    fn function_name(&self, _address: usize) -> Option<String> {
        None
    }

    /// Before fork, on the forking thread: nothing the backend's own
    /// threads do is half done in the child's copy of memory.
    fn before_fork(&self) {}

    /// After fork, in the parent.
    fn after_fork_in_parent(&self) {}

    /// In the child of a fork, which has this thread only.
    fn forked_child(&self) {}

    /// After every static destructor, before the stats line: the work the
    /// backend does on its own for the run finishes (the in-process
    /// runtime's optimizing of hot functions, whose objects the next run
    /// starts from).
    fn finish_work(&self) {}

    /// After every static destructor, which may still call lazy functions.
    fn at_exit(&self) {}
}

/// Every module registered so far, in order.
static REGISTERED: LeafList<RegisteredModule> = LeafList::new();

/// Held while a thread materializes: one at a time (each engine serializes
/// anyway), and a thread that comes back (a signal handler) can tell.
static MATERIALIZE_LOCK: ReentrantLock = ReentrantLock::new();
/// How many of the registry's modules the backend has been given.
static GIVEN: AtomicUsize = AtomicUsize::new(0);
static FORK_HANDLERS: AtomicBool = AtomicBool::new(false);

/// Records a lazy module. A null descriptor or one of another ABI version
/// stops the program at once, naming the file to rebuild.
///
/// # Safety
/// `module` must be null or a descriptor emitted by the plugin, alive for
/// as long as the program runs.
pub unsafe fn register(
    backend: &dyn Backend,
    fork_handlers: ForkHandlers,
    module: *const ModuleDescriptor,
) {
    let prefix = backend.prefix();
    // SAFETY: as the caller guarantees.
    let Some(module) = (unsafe { RegisteredModule::from_raw(module) }) else {
        process::fail(
            prefix,
            format_args!(
                "__llvm_autojit_register called with a null module descriptor; rebuild the program"
            ),
        );
    };
    if module.abi_version() != autojit_abi::ABI_VERSION {
        // Nothing else of a descriptor of another layout can be trusted.
        process::fail(
            prefix,
            format_args!(
                "lazy module {} was built for runtime ABI {}, this runtime speaks {}; rebuild {} and relink the program with the matching plugin",
                module.lazy_path(),
                module.abi_version(),
                autojit_abi::ABI_VERSION,
                module.source_path()
            ),
        );
    }
    if !FORK_HANDLERS.swap(true, Ordering::Relaxed) {
        // SAFETY: three plain extern "C" functions without arguments.
        unsafe {
            libc::pthread_atfork(
                Some(fork_handlers.prepare),
                Some(fork_handlers.parent),
                Some(fork_handlers.child),
            )
        };
    }
    if process::flag(env::DEBUG) {
        process::report_line(
            prefix,
            format_args!(
                "registered {} ({} functions)",
                module.lazy_path(),
                module.guids().len()
            ),
        );
    }
    REGISTERED.push(module);
    backend.registered(&module);
}

/// The address of the body of `guid`; `function` lies in the function's
/// trampoline, whose record is at `record`. On failure, prints one line and
/// exits.
pub fn materialize(backend: &dyn Backend, guid: u64, function: usize, record: usize) -> usize {
    let prefix = backend.prefix();
    if process::failed() {
        // An exit handler after the reported failure: the line is out.
        // SAFETY: ends the process at once.
        unsafe { libc::_exit(process::EXIT_STATUS) };
    }
    match try_materialize(backend, guid, function, record) {
        Ok(address) => address,
        Err(failure) if failure.kind == FailureKind::Reentered => {
            // Nothing more that allocates: the interrupted code may hold
            // malloc's lock.
            process::report_line(prefix, format_args!("{failure}"));
            // SAFETY: ends the process at once; nothing else is safe here.
            unsafe { libc::_exit(process::EXIT_STATUS) };
        }
        Err(failure) => process::fail(prefix, format_args!("{failure}")),
    }
}

/// [`materialize`] without the exit: the failure, its function named.
pub fn try_materialize(
    backend: &dyn Backend,
    guid: u64,
    function: usize,
    record: usize,
) -> Result<usize, Failure> {
    if MATERIALIZE_LOCK.held_by_current_thread() {
        // Waiting would wait for this very thread.
        return Err(Failure::new(guid, FailureKind::Reentered));
    }
    let result = {
        let _guard = MATERIALIZE_LOCK.lock();
        let new_modules = modules_not_given();
        let result = backend.materialize(guid, record, &new_modules);
        if result.is_ok() {
            GIVEN.fetch_add(new_modules.len(), Ordering::Relaxed);
        }
        result
    };
    result.map_err(|mut failure| {
        if failure.function.is_none() {
            failure.function =
                process::dynamic_symbol_name(function).or_else(|| backend.function_name(function));
        }
        failure
    })
}

fn modules_not_given() -> Vec<RegisteredModule> {
    REGISTERED.read(|modules| {
        modules
            .get(GIVEN.load(Ordering::Relaxed)..)
            .unwrap_or_default()
            .to_vec()
    })
}

/// The `pthread_atfork` handlers [`define_runtime!`] makes for its backend.
#[derive(Clone, Copy)]
pub struct ForkHandlers {
    pub prepare: extern "C" fn(),
    pub parent: extern "C" fn(),
    pub child: extern "C" fn(),
}

/// Before fork: no materialization, registration or work of the
/// backend's own threads is half done in the child's copy of memory.
pub fn before_fork(backend: &dyn Backend) {
    MATERIALIZE_LOCK.lock_for_fork();
    backend.before_fork();
    // A leaf lock: last.
    REGISTERED.lock.lock_for_fork();
}

pub fn after_fork_in_parent(backend: &dyn Backend) {
    REGISTERED.lock.unlock_after_fork();
    backend.after_fork_in_parent();
    MATERIALIZE_LOCK.unlock_after_fork();
}

/// The child starts over with the backend: it is given every module again.
pub fn after_fork_in_child(backend: &dyn Backend) {
    REGISTERED.reset_in_child(true);
    MATERIALIZE_LOCK.reset_in_child();
    backend.forked_child();
    GIVEN.store(0, Ordering::Relaxed);
}

/// After every static destructor: the stats line, then the backend's end.
pub fn at_exit(backend: &dyn Backend) {
    if MATERIALIZE_LOCK.held_by_current_thread() {
        // exit() from code the backend runs (the daemon's JIT'd code): it is
        // mid-call.
        return;
    }
    let _guard = MATERIALIZE_LOCK.lock();
    backend.finish_work();
    let destination = env::stats_destination(process::var(env::STATS));
    if destination != StatsDestination::Nowhere {
        let line = backend.stats().unwrap_or_default().summary();
        write_stats(backend.prefix(), &destination, &line);
    }
    backend.at_exit();
    GIVEN.store(0, Ordering::Relaxed);
}

pub fn write_stats(prefix: &str, destination: &StatsDestination, line: &str) {
    match destination {
        StatsDestination::Nowhere => {}
        StatsDestination::Stderr => process::report_line(prefix, format_args!("{line}")),
        StatsDestination::File(path) => {
            let c_path = process::c_string(path);
            // SAFETY: a NUL-terminated path; the descriptor is closed below.
            let fd = unsafe {
                libc::open(
                    c_path.as_ptr().cast(),
                    libc::O_WRONLY | libc::O_APPEND | libc::O_CREAT | libc::O_CLOEXEC,
                    0o644,
                )
            };
            if fd < 0 {
                process::report_line(
                    prefix,
                    format_args!(
                        "cannot append the stats to {path}: {}; set AUTOJIT_STATS to a file that can be written, or to 1 for stderr; {line}",
                        process::strerror(process::errno())
                    ),
                );
                return;
            }
            let mut text = String::with_capacity(line.len() + prefix.len() + 2);
            text.push_str(prefix);
            text.push(' ');
            text.push_str(line);
            text.push('\n');
            // One write: O_APPEND keeps lines of concurrent programs whole.
            process::write_all(fd, text.as_bytes());
            // SAFETY: `fd` was opened above.
            unsafe { libc::close(fd) };
        }
    }
}

/// Defines a runtime's C entry points over `$backend` (a `static` of a type
/// implementing [`Backend`]): `__llvm_autojit_register`,
/// `__llvm_autojit_materialize`, the resolver the trampolines jump to,
/// `__llvm_autojit_hot`, the fork handlers and the exit hook (a `.fini_array` entry, which runs after
/// every atexit handler and static destructor of the program).
#[macro_export]
macro_rules! define_runtime {
    ($backend:path) => {
        /// Records a lazy module; see `include/llvm-autojit.h`.
        ///
        /// # Safety
        /// `module` must be a descriptor emitted by the autojit plugin.
        #[no_mangle]
        pub unsafe extern "C" fn __llvm_autojit_register(
            module: *const autojit_abi::ModuleDescriptor,
        ) {
            extern "C" fn prepare() {
                $crate::before_fork(&$backend)
            }
            extern "C" fn parent() {
                $crate::after_fork_in_parent(&$backend)
            }
            extern "C" fn child() {
                $crate::after_fork_in_child(&$backend)
            }
            let handlers = $crate::ForkHandlers {
                prepare,
                parent,
                child,
            };
            // SAFETY: as the caller guarantees.
            unsafe { $crate::register(&$backend, handlers, module) }
        }

        /// The address of the compiled body of `guid`; `function` lies in
        /// its trampoline, whose record is at `record`. See
        /// `include/llvm-autojit.h`.
        #[no_mangle]
        pub extern "C" fn __llvm_autojit_materialize(
            guid: u64,
            function: usize,
            record: usize,
        ) -> usize {
            $crate::materialize(&$backend, guid, function, record)
        }

        autojit_abi::define_resolver!(__llvm_autojit_materialize);

        /// First-tier code's report that function `guid` has run often; see
        /// `include/llvm-autojit.h`.
        #[no_mangle]
        pub extern "C" fn __llvm_autojit_hot(guid: u64) {
            $crate::Backend::hot(&$backend, guid)
        }

        #[used]
        #[link_section = ".fini_array"]
        static AUTOJIT_AT_EXIT: extern "C" fn() = {
            extern "C" fn at_exit() {
                $crate::at_exit(&$backend)
            }
            at_exit
        };
    };
}
