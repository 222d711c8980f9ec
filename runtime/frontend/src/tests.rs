//! The front end against a backend that records what it is asked. The
//! front end's state is the process's, so the tests take turns.

use super::*;
use alloc::string::ToString;
use autojit_abi::ABI_VERSION;
use std::sync::Mutex;

static TURN: Mutex<()> = Mutex::new(());

#[derive(Default)]
struct FakeBackend {
    /// The GUIDs of the modules each materialize call was given.
    given: Mutex<Vec<Vec<u64>>>,
    fail_with: Mutex<Option<FailureKind>>,
    forked: Mutex<u32>,
    /// Calls the front end again from inside materialize.
    reenter: Mutex<bool>,
    inner: Mutex<Option<Result<usize, Failure>>>,
}

impl Backend for FakeBackend {
    fn prefix(&self) -> &'static str {
        "[fake]"
    }

    fn materialize(
        &self,
        guid: u64,
        _record: usize,
        new_modules: &[RegisteredModule],
    ) -> Result<usize, Failure> {
        self.given
            .lock()
            .unwrap()
            .push(new_modules.iter().map(|m| m.guids()[0]).collect());
        if *self.reenter.lock().unwrap() {
            *self.inner.lock().unwrap() = Some(try_materialize(self, guid + 1, 0, 0));
        }
        match self.fail_with.lock().unwrap().clone() {
            Some(kind) => Err(Failure::new(guid, kind)),
            None => Ok(0x1000 + guid as usize),
        }
    }

    fn hot(&self, _guid: u64) {}

    fn stats(&self) -> Option<StatsSnapshot> {
        None
    }

    fn function_name(&self, address: usize) -> Option<String> {
        (address == 0x42).then(|| "named_by_backend".to_string())
    }

    fn forked_child(&self) {
        *self.forked.lock().unwrap() += 1;
    }
}

extern "C" fn no_fork_handler() {}

const HANDLERS: ForkHandlers = ForkHandlers {
    prepare: no_fork_handler,
    parent: no_fork_handler,
    child: no_fork_handler,
};

/// A descriptor of one function, leaked: descriptors live as long as the
/// program.
fn descriptor(guid: u64) -> *const ModuleDescriptor {
    let guids: &'static [u64] = Box::leak(Box::new([guid]));
    Box::leak(Box::new(ModuleDescriptor {
        abi_version: ABI_VERSION,
        lazy_path: c"/store/m.bc".as_ptr(),
        source_path: c"/src/m.c".as_ptr(),
        source_identity: c"m.c".as_ptr(),
        content_hash: [1, 2],
        num_functions: 1,
        guids: guids.as_ptr(),
        num_symbols: 0,
        symbols: core::ptr::null(),
        embedded_module: core::ptr::null(),
        embedded_module_len: 0,
        embedded_keys: core::ptr::null(),
        embedded_keys_len: 0,
    }))
}

fn register_one(backend: &FakeBackend, guid: u64) {
    // SAFETY: a well-formed descriptor that is never freed.
    unsafe { register(backend, HANDLERS, descriptor(guid)) };
}

/// Gives the backend every module registered so far, so that a test sees
/// only its own.
fn catch_up(backend: &FakeBackend) {
    try_materialize(backend, 1, 0, 0).unwrap();
    backend.given.lock().unwrap().clear();
}

#[test]
fn each_module_is_given_to_the_backend_once() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let backend = FakeBackend::default();
    catch_up(&backend);
    register_one(&backend, 10);
    register_one(&backend, 11);
    assert_eq!(try_materialize(&backend, 7, 0, 0), Ok(0x1007));
    register_one(&backend, 12);
    try_materialize(&backend, 7, 0, 0).unwrap();
    try_materialize(&backend, 7, 0, 0).unwrap();
    assert_eq!(
        *backend.given.lock().unwrap(),
        [vec![10, 11], vec![12], vec![]]
    );
}

#[test]
fn modules_are_given_again_after_a_failed_call() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let backend = FakeBackend::default();
    catch_up(&backend);
    register_one(&backend, 20);
    *backend.fail_with.lock().unwrap() = Some(FailureKind::Backend("no daemon".into()));
    assert!(try_materialize(&backend, 7, 0, 0).is_err());
    *backend.fail_with.lock().unwrap() = None;
    try_materialize(&backend, 7, 0, 0).unwrap();
    assert_eq!(*backend.given.lock().unwrap(), [vec![20], vec![20]]);
}

#[test]
fn a_forked_child_gives_every_module_again() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let backend = FakeBackend::default();
    register_one(&backend, 30);
    catch_up(&backend);
    before_fork(&backend);
    after_fork_in_child(&backend);
    try_materialize(&backend, 7, 0, 0).unwrap();
    assert_eq!(*backend.forked.lock().unwrap(), 1);
    let given = backend.given.lock().unwrap();
    assert!(given[0].contains(&30), "{given:?}");
}

#[test]
fn a_thread_that_comes_back_while_materializing_is_refused() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let backend = FakeBackend::default();
    *backend.reenter.lock().unwrap() = true;
    assert_eq!(try_materialize(&backend, 7, 0, 0), Ok(0x1007));
    let inner = backend.inner.lock().unwrap().clone().unwrap();
    assert_eq!(inner, Err(Failure::new(8, FailureKind::Reentered)));
    assert_eq!(
        inner.unwrap_err().to_string(),
        "cannot materialize the function with GUID 0x0000000000000008: it was called (from a signal handler?) while this thread was compiling lazy code; build the handler's file without autojit"
    );
}

#[test]
fn failures_name_the_function_from_the_symbol_tables() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let backend = FakeBackend::default();
    *backend.fail_with.lock().unwrap() = Some(FailureKind::UnknownFunction);
    let failure = try_materialize(&backend, 0xab, 0x42, 0).unwrap_err();
    assert_eq!(failure.function.as_deref(), Some("named_by_backend"));
    assert_eq!(
        failure.to_string(),
        "cannot materialize function named_by_backend (GUID 0x00000000000000ab): no registered lazy module defines it; rebuild the program so that all its autojit objects come from one build"
    );
    // An exported function is named by the dynamic symbol table.
    let exported = libc::malloc as *const () as usize;
    let failure = try_materialize(&backend, 0xab, exported, 0).unwrap_err();
    assert_eq!(failure.function.as_deref(), Some("malloc"));
}

#[test]
fn stats_lines_are_appended_to_a_file() {
    let path = std::env::temp_dir().join(format!("autojit-stats-{}", std::process::id()));
    let path_text = path.to_str().unwrap();
    let _ = std::fs::remove_file(&path);
    let destination = env::stats_destination(Some(path_text));
    write_stats("[fake]", &destination, "stats: one");
    write_stats("[fake]", &destination, "stats: two");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(text, "[fake] stats: one\n[fake] stats: two\n");
    assert_eq!(
        env::stats_destination(Some("yes")),
        StatsDestination::Stderr
    );
    assert_eq!(
        env::stats_destination(Some("off")),
        StatsDestination::Nowhere
    );
    assert_eq!(env::stats_destination(None), StatsDestination::Nowhere);
}
