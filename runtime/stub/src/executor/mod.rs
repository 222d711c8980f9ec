//! The executor services a controller calls: memory, dylibs, running code,
//! EH frames and the GDB interface. A service is named by a tag, the
//! address of one byte of [`TAGS`]; calls are dispatched here by exact
//! match, never by calling through the address the controller sent.

mod dylib;
mod memory;
mod run;
pub mod wrapper;

use crate::gdb;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use autojit_abi::eh_frame;
use autojit_protocol::autojit::{self, FirstCall, LinkedBody};
use autojit_protocol::executor::{
    self as requests, names, AddressRange, FinalizeRequest, WrapperCall,
};
use autojit_protocol::{DecodeError, Writer};
use core::cell::RefCell;
use core::sync::atomic::{AtomicU64, Ordering};

/// What was wrong with a controller's message; it ends the session.
pub type Violation = String;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Service {
    MemoryManager,
    Reserve,
    Finalize,
    Deallocate,
    WriteUint8s,
    WriteUint16s,
    WriteUint32s,
    WriteUint64s,
    WriteBuffers,
    DylibManager,
    DylibOpen,
    DylibLookup,
    RunAsMain,
    RunAsVoidFunction,
    RunAsIntFunction,
    RegisterEhFrame,
    DeregisterEhFrame,
    /// The daemon's call that ends a session's setup.
    SessionReady,
    /// The daemon's call with optimized bodies for trampoline records.
    Publish,
    /// Tags of the daemon's handlers, which the stub calls.
    Register,
    Materialize,
    Stats,
    Hot,
    Leaving,
}

/// Every service, in the order of their tags.
const SERVICES: [Service; 24] = [
    Service::MemoryManager,
    Service::Reserve,
    Service::Finalize,
    Service::Deallocate,
    Service::WriteUint8s,
    Service::WriteUint16s,
    Service::WriteUint32s,
    Service::WriteUint64s,
    Service::WriteBuffers,
    Service::DylibManager,
    Service::DylibOpen,
    Service::DylibLookup,
    Service::RunAsMain,
    Service::RunAsVoidFunction,
    Service::RunAsIntFunction,
    Service::RegisterEhFrame,
    Service::DeregisterEhFrame,
    Service::SessionReady,
    Service::Publish,
    Service::Register,
    Service::Materialize,
    Service::Stats,
    Service::Hot,
    Service::Leaving,
];

impl Service {
    /// The bootstrap symbol the service's tag is advertised as. A match,
    /// not a table of strings: a table would need a relocation per entry.
    fn name(self) -> &'static str {
        match self {
            Service::MemoryManager => names::MEMORY_MANAGER,
            Service::Reserve => names::MEMORY_RESERVE,
            Service::Finalize => names::MEMORY_FINALIZE,
            Service::Deallocate => names::MEMORY_DEALLOCATE,
            Service::WriteUint8s => names::WRITE_UINT8S,
            Service::WriteUint16s => names::WRITE_UINT16S,
            Service::WriteUint32s => names::WRITE_UINT32S,
            Service::WriteUint64s => names::WRITE_UINT64S,
            Service::WriteBuffers => names::WRITE_BUFFERS,
            Service::DylibManager => names::DYLIB_MANAGER,
            Service::DylibOpen => names::DYLIB_OPEN,
            Service::DylibLookup => names::DYLIB_LOOKUP,
            Service::RunAsMain => names::RUN_AS_MAIN,
            Service::RunAsVoidFunction => names::RUN_AS_VOID_FUNCTION,
            Service::RunAsIntFunction => names::RUN_AS_INT_FUNCTION,
            Service::RegisterEhFrame => names::REGISTER_EH_FRAME,
            Service::DeregisterEhFrame => names::DEREGISTER_EH_FRAME,
            Service::SessionReady => autojit::SESSION_READY_WRAPPER,
            Service::Publish => autojit::PUBLISH_WRAPPER,
            Service::Register => autojit::REGISTER_TAG,
            Service::Materialize => autojit::MATERIALIZE_TAG,
            Service::Stats => autojit::STATS_TAG,
            Service::Hot => autojit::HOT_TAG,
            Service::Leaving => autojit::LEAVING_TAG,
        }
    }
}

/// One distinct address per service.
static TAGS: [u8; SERVICES.len()] = [0; SERVICES.len()];

pub fn tag(service: Service) -> u64 {
    TAGS.as_ptr() as u64 + service as u64
}

fn service_at(address: u64) -> Option<Service> {
    let index = address.checked_sub(TAGS.as_ptr() as u64)?;
    SERVICES.get(usize::try_from(index).ok()?).copied()
}

/// The address the controller finds `llvm_orc_registerJITLoaderGDBWrapper`
/// at with a dylib lookup.
fn gdb_wrapper_address() -> u64 {
    crate::llvm_orc_registerJITLoaderGDBWrapper as *const () as u64
}

/// The setup message's bootstrap symbols; `dispatch_ctx` is the session.
pub fn bootstrap_symbols(dispatch_ctx: u64, dispatch_fn: u64) -> Vec<(String, u64)> {
    let mut symbols: Vec<(String, u64)> = SERVICES
        .iter()
        .map(|&service| (service.name().into(), tag(service)))
        .collect();
    symbols.push((names::DISPATCH_CTX.into(), dispatch_ctx));
    symbols.push((names::DISPATCH_FN.into(), dispatch_fn));
    // LLVM 19's controller finds it with a dylib lookup; LLVM 22's debugger
    // support takes it from here (autojitd's bridge gives it LLVM 22's name).
    symbols.push((names::REGISTER_JIT_LOADER_GDB.into(), gdb_wrapper_address()));
    symbols
}

pub struct Executor {
    memory: RefCell<memory::Memory>,
    dylibs: RefCell<dylib::Dylibs>,
    /// The trampoline records sent with materialize calls: the only places
    /// the daemon may publish a body in. Kept unsorted: materialize pushes
    /// one, a publish (rare: one per optimized object) scans them.
    records: RefCell<Vec<u64>>,
    /// Bodies the daemon linked with those the program asked for, sorted
    /// by GUID: each one's first call takes it without asking.
    linked: RefCell<Vec<LinkedBody>>,
    /// The first calls answered from `linked`, for the next hot call.
    first_calls: RefCell<Vec<FirstCall>>,
}

#[cold]
#[inline(never)]
fn malformed(call: &str, e: DecodeError) -> Violation {
    format!("{call}: {e}")
}

/// `SPSError` result bytes.
fn error_result(error: Result<(), String>) -> Vec<u8> {
    let mut w = Writer::new();
    w.error(error.err().as_deref());
    w.bytes
}

impl Executor {
    pub fn new() -> Self {
        Executor {
            memory: RefCell::new(memory::Memory::new()),
            dylibs: RefCell::new(dylib::Dylibs::default()),
            records: RefCell::new(Vec::new()),
            linked: RefCell::new(Vec::new()),
            first_calls: RefCell::new(Vec::new()),
        }
    }

    /// Keeps the bodies a materialize call's answer linked with the one
    /// asked for, sorted by GUID: each must lie in code this executor
    /// finalized executable.
    pub fn accept_linked(&self, bodies: Vec<LinkedBody>) -> Result<(), Violation> {
        if bodies.is_empty() {
            return Ok(());
        }
        let memory = self.memory.borrow();
        if !bodies.iter().all(|b| memory.is_executable(b.address)) {
            return Err("materialize: a linked body outside JIT'd code".into());
        }
        // Both sorted by GUID: merged, not sorted again (a sort is 4 KB of
        // the stub). Unsorted bodies only make lookups miss: those calls
        // ask the daemon. A new body replaces an old one of its function
        // (optimized code linked since).
        let mut linked = self.linked.borrow_mut();
        let old = core::mem::take(&mut *linked);
        linked.reserve(old.len() + bodies.len());
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < bodies.len() {
            if j == bodies.len() || (i < old.len() && old[i].guid < bodies[j].guid) {
                linked.push(old[i]);
                i += 1;
            } else {
                if i < old.len() && old[i].guid == bodies[j].guid {
                    i += 1;
                }
                linked.push(bodies[j]);
                j += 1;
            }
        }
        Ok(())
    }

    /// Answers a first call of `guid` with its body, if an answer brought
    /// it: the call through `record` (0: none) takes it, and the daemon
    /// hears of the record with the next hot call.
    pub fn answer_from_linked(&self, guid: u64, record: u64) -> Option<u64> {
        let linked = self.linked.borrow();
        let at = linked.binary_search_by_key(&guid, |b| b.guid).ok()?;
        if record != 0 {
            self.accept_record(record);
            self.first_calls
                .borrow_mut()
                .push(FirstCall { guid, record });
        }
        Some(linked[at].address)
    }

    /// The first calls answered from linked bodies since the last take.
    pub fn take_first_calls(&self) -> Vec<FirstCall> {
        core::mem::take(&mut *self.first_calls.borrow_mut())
    }

    /// Accepts `record` in publications: the program sends it with a
    /// materialize call.
    pub fn accept_record(&self, record: u64) {
        self.records.borrow_mut().push(record);
    }

    /// Stores each optimized body in its trampoline record: a record the
    /// program sent, a body in code this executor finalized executable.
    fn publish(&self, args: &[u8]) -> Result<Vec<u8>, Violation> {
        let publications =
            autojit::decode_publications(args).map_err(|e| malformed("publish", e))?;
        let records = self.records.borrow();
        let memory = self.memory.borrow();
        for p in &publications {
            if !records.contains(&p.record) || !memory.is_executable(p.body) {
                return Err(
                    "publish: a body outside JIT'd code, or a record the program never sent".into(),
                );
            }
        }
        for p in &publications {
            // SAFETY: the program's resolver reported the record: an
            // aligned word of a trampoline, which the resolver and the
            // trampolines read atomically.
            let record = unsafe { AtomicU64::from_ptr(p.record as *mut u64) };
            record.store(p.body, Ordering::Release);
        }
        Ok(error_result(Ok(())))
    }

    /// Accepts `handle` (a registering library's) in dylib lookups.
    pub fn issue_library_handle(&self, handle: u64) {
        self.dylibs.borrow_mut().issue(handle);
    }

    /// Serves a controller's call of the wrapper at `tag`: the result bytes,
    /// or None when `tag` names no executor service.
    pub fn call(&self, tag: u64, args: &[u8]) -> Option<Result<Vec<u8>, Violation>> {
        if tag == gdb_wrapper_address() {
            return Some(self.register_debug_object(args));
        }
        let service = service_at(tag)?;
        let bytes_of = |w: Writer| Ok(w.bytes);
        Some(match service {
            Service::Reserve => self.reserve(args).and_then(bytes_of),
            Service::Finalize => self.finalize(args),
            Service::Deallocate => self.deallocate(args),
            Service::WriteUint8s => self.write(args, "memory write (uint8s)", Some(1)),
            Service::WriteUint16s => self.write(args, "memory write (uint16s)", Some(2)),
            Service::WriteUint32s => self.write(args, "memory write (uint32s)", Some(4)),
            Service::WriteUint64s => self.write(args, "memory write (uint64s)", Some(8)),
            Service::WriteBuffers => self.write(args, "memory write (buffers)", None),
            Service::DylibOpen => self.dylib_open(args),
            Service::DylibLookup => self.dylib_lookup(args),
            Service::RunAsMain | Service::RunAsVoidFunction | Service::RunAsIntFunction => {
                self.run(service, args)
            }
            Service::RegisterEhFrame | Service::DeregisterEhFrame => {
                self.register_eh_frame(args, service == Service::RegisterEhFrame)
            }
            Service::Publish => self.publish(args),
            Service::MemoryManager
            | Service::DylibManager
            | Service::SessionReady
            | Service::Register
            | Service::Materialize
            | Service::Stats
            | Service::Hot
            | Service::Leaving => return None,
        })
    }

    fn check_instance(&self, call: &str, instance: u64, service: Service) -> Result<(), Violation> {
        if instance == tag(service) {
            Ok(())
        } else {
            Err(format!(
                "{call}: 0x{instance:x} is not this executor's {}",
                service.name()
            ))
        }
    }

    fn reserve(&self, args: &[u8]) -> Result<Writer, Violation> {
        let (manager, size) =
            requests::decode_reserve(args).map_err(|e| malformed("reserve", e))?;
        self.check_instance("reserve", manager, Service::MemoryManager)?;
        let mut w = Writer::new();
        match self.memory.borrow_mut().reserve(size) {
            Ok(address) => w.bool(true).u64(address),
            Err(e) => w.unexpected(&e),
        };
        Ok(w)
    }

    fn finalize(&self, args: &[u8]) -> Result<Vec<u8>, Violation> {
        let request = FinalizeRequest::decode(args).map_err(|e| malformed("finalize", e))?;
        self.check_instance("finalize", request.manager, Service::MemoryManager)?;
        let applied = self
            .memory
            .borrow_mut()
            .finalize(&request.segments, &request.actions)?;
        if applied.is_err() {
            return Ok(error_result(applied));
        }
        for (action, _) in &request.actions {
            if action.function != 0 {
                if let Err(e) = self.run_action("finalize", action)? {
                    return Ok(error_result(Err(e)));
                }
            }
        }
        Ok(error_result(Ok(())))
    }

    fn deallocate(&self, args: &[u8]) -> Result<Vec<u8>, Violation> {
        let (manager, bases) =
            requests::decode_deallocate(args).map_err(|e| malformed("deallocate", e))?;
        self.check_instance("deallocate", manager, Service::MemoryManager)?;
        self.memory.borrow().check_bases(&bases)?;
        let mut errors = Vec::new();
        for &base in bases.iter().rev() {
            let actions = self.memory.borrow_mut().take_dealloc_actions(base);
            for action in &actions {
                if let Err(e) = self.run_action("deallocate", action)? {
                    errors.push(e);
                }
            }
            if let Err(e) = self.memory.borrow_mut().release(base) {
                errors.push(e);
            }
        }
        // The first error; the others are usually its consequences.
        Ok(error_result(errors.into_iter().next().map_or(Ok(()), Err)))
    }

    /// Runs an allocation action: one of the stub's own wrappers, or a
    /// wrapper function in JIT'd code. Its `SPSError`, or a violation when
    /// the target is neither.
    fn run_action(
        &self,
        call: &str,
        action: &WrapperCall,
    ) -> Result<Result<(), String>, Violation> {
        let own = match service_at(action.function) {
            Some(service @ (Service::RegisterEhFrame | Service::DeregisterEhFrame)) => {
                Some(self.register_eh_frame(&action.args, service == Service::RegisterEhFrame)?)
            }
            _ if action.function == gdb_wrapper_address() => {
                Some(self.register_debug_object(&action.args)?)
            }
            _ => None,
        };
        let result = match own {
            Some(bytes) => Ok(bytes),
            None if self.memory.borrow().is_executable(action.function) => {
                // SAFETY: the target lies in code this executor finalized
                // executable; the controller linked a wrapper function there.
                unsafe { run::wrapper(action.function, &action.args) }
            }
            None => {
                return Err(format!(
                    "{call}: allocation action 0x{:x} is not in JIT'd code of this executor",
                    action.function
                ))
            }
        };
        Ok(
            result.and_then(|bytes| match requests::decode_error_result(&bytes) {
                Ok(None) => Ok(()),
                Ok(Some(e)) => Err(e),
                Err(e) => Err(format!(
                    "allocation action 0x{:x} returned {e}",
                    action.function
                )),
            }),
        )
    }

    fn write(&self, args: &[u8], call: &str, width: Option<usize>) -> Result<Vec<u8>, Violation> {
        let writes = requests::decode_writes(args, width).map_err(|e| malformed(call, e))?;
        self.memory.borrow_mut().write(call, &writes)?;
        Ok(Vec::new())
    }

    fn dylib_open(&self, args: &[u8]) -> Result<Vec<u8>, Violation> {
        let (manager, path, _mode) =
            requests::decode_dylib_open(args).map_err(|e| malformed("dylib open", e))?;
        self.check_instance("dylib open", manager, Service::DylibManager)?;
        let mut w = Writer::new();
        match self.dylibs.borrow_mut().open(&path) {
            Ok(handle) => w.bool(true).u64(handle),
            Err(e) => w.unexpected(&e),
        };
        Ok(w.bytes)
    }

    fn dylib_lookup(&self, args: &[u8]) -> Result<Vec<u8>, Violation> {
        let lookup =
            requests::DylibLookup::decode(args).map_err(|e| malformed("dylib lookup", e))?;
        self.check_instance("dylib lookup", lookup.manager, Service::DylibManager)?;
        let found = self
            .dylibs
            .borrow()
            .lookup(lookup.handle, &lookup.symbols)?;
        Ok(match found {
            Ok(addresses) => requests::encode_lookup_result(&addresses).bytes,
            Err(e) => {
                let mut w = Writer::new();
                w.unexpected(&e);
                w.bytes
            }
        })
    }

    fn run(&self, service: Service, args: &[u8]) -> Result<Vec<u8>, Violation> {
        /// What to call the function with.
        enum Arguments {
            Main(Vec<String>),
            Void,
            Int(i32),
        }
        let (call, decoded) = match service {
            Service::RunAsMain => (
                "run_as_main",
                requests::decode_run_as_main(args).map(|(f, argv)| (f, Arguments::Main(argv))),
            ),
            Service::RunAsVoidFunction => (
                "run_as_void_function",
                requests::decode_run_as_void(args).map(|f| (f, Arguments::Void)),
            ),
            _ => (
                "run_as_int_function",
                requests::decode_run_as_int(args).map(|(f, arg)| (f, Arguments::Int(arg))),
            ),
        };
        let (function, arguments) = decoded.map_err(|e| malformed(call, e))?;
        if !self.memory.borrow().is_executable(function) {
            return Err(format!(
                "{call}: 0x{function:x} is not in JIT'd code of this executor"
            ));
        }
        // In each arm: `function` lies in code this executor finalized
        // executable, linked by the controller with the signature its call
        // names; no borrow of the executor is held while it runs.
        Ok(match arguments {
            // SAFETY: as above, `main`'s signature.
            Arguments::Main(argv) => unsafe { run::main(function, &argv) }.to_le_bytes().to_vec(),
            // SAFETY: as above, `int()`.
            Arguments::Void => unsafe { run::void_function(function) }
                .to_le_bytes()
                .to_vec(),
            // SAFETY: as above, `int(int)`.
            Arguments::Int(arg) => unsafe { run::int_function(function, arg) }
                .to_le_bytes()
                .to_vec(),
        })
    }

    /// A violation unless `range` is non-empty and in reserved memory.
    fn check_reserved(&self, call: &str, range: AddressRange) -> Result<(), Violation> {
        if self.memory.borrow().is_reserved(range.start, range.end) {
            return Ok(());
        }
        Err(format!(
            "{call}: 0x{:x}..0x{:x} is outside the memory this executor reserved",
            range.start, range.end
        ))
    }

    fn register_eh_frame(&self, args: &[u8], add: bool) -> Result<Vec<u8>, Violation> {
        let call = if add {
            "EH-frame registration"
        } else {
            "EH-frame deregistration"
        };
        let range = requests::decode_range(args).map_err(|e| malformed(call, e))?;
        self.check_reserved(call, range)?;
        // SAFETY: the section lies in memory this executor reserved, where
        // the daemon linked it.
        Ok(error_result(unsafe {
            eh_frame::register(range.start, add)
        }))
    }

    fn register_debug_object(&self, args: &[u8]) -> Result<Vec<u8>, Violation> {
        let call = "GDB registration";
        let (range, notify) =
            requests::decode_debug_object(args).map_err(|e| malformed(call, e))?;
        self.check_reserved(call, range)?;
        gdb::register(range.start, range.end - range.start, notify);
        Ok(error_result(Ok(())))
    }
}

/// `llvm_orc_registerJITLoaderGDBWrapper` called directly, by code of the
/// process: the debug object's range is taken as given.
pub fn register_debug_object_unchecked(args: &[u8]) -> Vec<u8> {
    match requests::decode_debug_object(args) {
        Ok((range, notify)) => {
            gdb::register(range.start, range.end.saturating_sub(range.start), notify);
            error_result(Ok(()))
        }
        Err(e) => error_result(Err(format!("GDB registration: {e}"))),
    }
}
