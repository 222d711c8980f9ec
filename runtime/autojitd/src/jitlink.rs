//! JitLinkLinker: links compiled objects into the process behind a remote
//! session with ORC's LLJIT over SimpleRemoteEPC (made by autojitd; JITLink
//! underneath), which registers their EH frames and, for debuggers, their
//! debug info through the stub.
//!
//! Each lazy module gets a JITDylib of its own: its hidden symbols are defined
//! there from the descriptor, and everything else resolves against the
//! running program (its `SymbolScope`), so trampolines, globals and
//! libraries are shared. Hidden definitions of other objects of the module's
//! executable or library come from that file's symbol table, first.

use crate::boundary::autojit_add_remote_scope;
use crate::program_calls::call_program;
use autojit_abi::names;
use autojit_engine::{
    missing_symbols, DirectCalls, LinkError, Linker, LoadedObject, ModuleId, ObjectImage,
    ProgramObjects, Registration, SymbolScope,
};
use autojit_llvm_capi::{buffer_copy, check, string_error};
use autojit_loader::{undefined_symbols, Reference};
use autojit_protocol::autojit::{encode_publications, Publication, PUBLISH_WRAPPER};
use llvm_sys::error::LLVMErrorRef;
use llvm_sys::orc2::lljit::*;
use llvm_sys::orc2::*;
use std::collections::{HashMap, HashSet};
use std::ffi::{c_void, CString};
use std::sync::{mpsc, Arc, Mutex};

pub struct JitLinkLinker {
    jit: LLVMOrcLLJITRef,
    session: LLVMOrcExecutionSessionRef,
    /// What ORC reported while linking, for the engine's one-line message
    /// (boxed: the session's error reporter keeps its address).
    session_errors: Box<Mutex<Vec<String>>>,
    /// The program's executable and libraries, as files.
    objects: ProgramObjects,
    /// Required symbols the last lookup found defined nowhere in the
    /// program, after searching every file that could define them.
    undefined: Undefined,
    /// Why debugger registration is unavailable, if it is.
    pub debug_support_error: Option<String>,
    /// Where each module's objects are linked now.
    dylibs: HashMap<ModuleId, ModuleDylib>,
    /// The file that registered each module, found once (a module gets a
    /// JITDylib of its own for each optimized object).
    module_files: HashMap<ModuleId, Arc<LoadedObject>>,
    /// JITDylibs made so far, for unique names: a module whose link failed
    /// gets a new one, since ORC keeps the failed symbols in the old.
    dylibs_made: usize,
}

type Dylib = LLVMOrcJITDylibRef;

/// The symbol JITLink defines in every ELF graph that refers to it.
const GOT_SYMBOL: &str = "_GLOBAL_OFFSET_TABLE_";

/// A module's JITDylib and the bodies linked into it: one body defined
/// twice in a JITDylib would fail the link.
struct ModuleDylib {
    jd: Dylib,
    defined: HashSet<u64>,
}

/// Where the symbol generators record what they found defined nowhere.
type Undefined = Arc<Mutex<Vec<String>>>;

impl JitLinkLinker {
    /// Links through `jit`, an LLJIT over a remote session with the program
    /// running as process `pid` (None if unknown).
    ///
    /// # Safety
    /// `jit` must stay live for as long as this linker is used, and be
    /// disposed before the linker is dropped (its session reports errors to
    /// the linker).
    pub unsafe fn remote(jit: LLVMOrcLLJITRef, pid: Option<u32>) -> Self {
        // The program's global symbols come from its dynamic symbol table,
        // through the session.
        let objects = ProgramObjects::new(pid, false);
        // SAFETY: the caller's promise.
        unsafe { Self::over(jit, objects) }
    }

    /// # Safety
    /// `jit` must stay live for as long as the linker is used, and be
    /// disposed before the linker is dropped.
    unsafe fn over(jit: LLVMOrcLLJITRef, objects: ProgramObjects) -> Self {
        // SAFETY: `jit` is live (the caller's promise); the error is ours.
        let debug_support_error = unsafe { check(LLVMOrcLLJITEnableDebugSupport(jit)) }.err();
        // SAFETY: as above.
        let session = unsafe { LLVMOrcLLJITGetExecutionSession(jit) };
        // ORC would print session errors itself; collect them instead.
        let session_errors: Box<Mutex<Vec<String>>> = Box::default();
        // SAFETY: `session` is live; the collection outlives it (the
        // caller's promise).
        unsafe {
            LLVMOrcExecutionSessionSetErrorReporter(
                session,
                collect_session_error,
                &*session_errors as *const Mutex<Vec<String>> as *mut c_void,
            )
        };
        JitLinkLinker {
            jit,
            session,
            session_errors,
            objects,
            undefined: Undefined::default(),
            debug_support_error,
            dylibs: HashMap::new(),
            module_files: HashMap::new(),
            dylibs_made: 0,
        }
    }

    /// The module's JITDylib, made anew if it has none or already defines
    /// one of `members` (a reused object's stale copy of a function compiled
    /// again since, or two processes that indexed one function into two
    /// objects).
    fn dylib_for(
        &mut self,
        id: ModuleId,
        module: &Registration,
        members: &[u64],
    ) -> Result<&mut ModuleDylib, String> {
        let taken = self
            .dylibs
            .get(&id)
            .is_some_and(|d| members.iter().any(|m| d.defined.contains(m)));
        if taken || !self.dylibs.contains_key(&id) {
            let name = format!("autojit-module-{id}-{}", self.dylibs_made);
            self.dylibs_made += 1;
            let jd = self.create_dylib(id, &name, &module.symbols, module.scope)?;
            self.dylibs.insert(
                id,
                ModuleDylib {
                    jd,
                    defined: HashSet::new(),
                },
            );
        }
        Ok(self.dylibs.get_mut(&id).expect("just made"))
    }

    /// A new JITDylib that defines `symbols` at fixed addresses and resolves
    /// everything else in `scope`.
    fn create_dylib(
        &mut self,
        id: ModuleId,
        name: &str,
        symbols: &[(String, usize)],
        scope: SymbolScope,
    ) -> Result<Dylib, String> {
        let name = CString::new(name).map_err(|e| e.to_string())?;
        // SAFETY: `session` is live; the name is copied by ORC.
        let jd = unsafe { LLVMOrcExecutionSessionCreateBareJITDylib(self.session, name.as_ptr()) };
        match scope {
            SymbolScope::ThisProcess { .. } => {
                return Err("this process's objects are linked by its own loader".into())
            }
            SymbolScope::Remote {
                library,
                descriptor,
            } => {
                // The object's hidden definitions first, as in-process; what
                // the program's dynamic linker finds next; last, why a symbol
                // found nowhere may still be in the object.
                let objects = &self.objects;
                let object = Arc::clone(
                    self.module_files
                        .entry(id)
                        .or_insert_with(|| objects.registering(descriptor, library == 0)),
                );
                add_generator(jd, HiddenDefinitions(Arc::clone(&object)));
                // SAFETY: `session` and `jd` are live; the error is ours.
                unsafe { check(autojit_add_remote_scope(self.session, jd, library)) }?;
                add_generator(
                    jd,
                    ReportMissing {
                        files: [object, self.objects.executable()],
                        undefined: Arc::clone(&self.undefined),
                    },
                );
            }
        }
        if symbols.is_empty() {
            return Ok(jd);
        }
        let mut pairs = Vec::with_capacity(symbols.len());
        for (sym, address) in symbols {
            let c = CString::new(sym.as_str()).map_err(|e| e.to_string())?;
            // SAFETY: `jit` is live; the interned name is owned by the pair
            // until the materialization unit takes it.
            let name = unsafe { LLVMOrcLLJITMangleAndIntern(self.jit, c.as_ptr()) };
            pairs.push(absolute_symbol(name, *address));
        }
        // SAFETY: `pairs` is valid for the call; the unit takes the names and
        // `jd` takes the unit.
        unsafe {
            let unit = LLVMOrcAbsoluteSymbols(pairs.as_mut_ptr(), pairs.len());
            check(LLVMOrcJITDylibDefine(jd, unit))?;
        }
        Ok(jd)
    }

    fn add_object(&self, jd: Dylib, object: &[u8]) -> Result<(), String> {
        let buf = buffer_copy(object, c"autojit-object");
        // SAFETY: `jit` and `jd` are live; ORC takes ownership of `buf`, and
        // the error is ours.
        unsafe { check(LLVMOrcLLJITAddObjectFile(self.jit, jd, buf)) }
    }

    /// Looks `wanted` up in `jd`, linking whatever objects define them:
    /// the address of each symbol found, by name (a weak one may be
    /// missing).
    fn lookup(
        &self,
        jd: Dylib,
        wanted: &[Reference<'_>],
    ) -> Result<HashMap<String, usize>, LinkError> {
        if wanted.is_empty() {
            return Ok(HashMap::new());
        }
        let mut symbols = Vec::with_capacity(wanted.len());
        for symbol in wanted {
            let c = CString::new(symbol.name).map_err(|e| e.to_string())?;
            symbols.push(LLVMOrcCLookupSetElement {
                // SAFETY: `jit` is live; the lookup takes ownership of the
                // name.
                Name: unsafe { LLVMOrcLLJITMangleAndIntern(self.jit, c.as_ptr()) },
                LookupFlags: if symbol.weak {
                    LLVMOrcSymbolLookupFlags::LLVMOrcSymbolLookupFlagsWeaklyReferencedSymbol
                } else {
                    LLVMOrcSymbolLookupFlags::LLVMOrcSymbolLookupFlagsRequiredSymbol
                },
            });
        }
        let mut order = [LLVMOrcCJITDylibSearchOrderElement {
            JD: jd,
            JDLookupFlags: LLVMOrcJITDylibLookupFlags::LLVMOrcJITDylibLookupFlagsMatchAllSymbols,
        }];
        let (tx, rx) = mpsc::channel::<LookupResult>();
        let ctx = Box::into_raw(Box::new(tx)) as *mut c_void;
        // SAFETY: the arrays live across the call; `ctx` is reclaimed exactly
        // once by `deliver_lookup`.
        unsafe {
            LLVMOrcExecutionSessionLookup(
                self.session,
                LLVMOrcLookupKind::LLVMOrcLookupKindStatic,
                order.as_mut_ptr(),
                1,
                symbols.as_mut_ptr(),
                symbols.len(),
                deliver_lookup,
                ctx,
            );
        }
        let result = rx
            .recv()
            .map_err(|_| "the JIT dropped the lookup".to_string())?;
        let reported: Vec<String> = self
            .session_errors
            .lock()
            .map(|mut e| e.drain(..).collect())
            .unwrap_or_default();
        let undefined: Vec<String> = self
            .undefined
            .lock()
            .map(|mut u| u.drain(..).collect())
            .unwrap_or_default();
        match result {
            Err(_) if !undefined.is_empty() => Err(LinkError::Undefined(undefined)),
            Err(e) if reported.is_empty() => Err(e.into()),
            Err(_) => Err(reported.join("; ").into()),
            Ok(found) => Ok(found),
        }
    }
}

type LookupResult = Result<HashMap<String, usize>, String>;

impl Linker for JitLinkLinker {
    fn link(
        &mut self,
        id: ModuleId,
        module: &Registration,
        object: ObjectImage,
        members: &[u64],
        live: &[u64],
        // Calls between lazy functions go through their trampolines: the daemon
        // reads no code of the program.
        _direct: DirectCalls<'_>,
    ) -> Result<Vec<usize>, LinkError> {
        let jd = self.dylib_for(id, module, members)?.jd;
        // Everything the object needs is found before JITLink sees it: a
        // link that fails inside JITLink leaves its session unreliable (on
        // LLVM 22 the debug-object plugin's failure handling can deadlock),
        // while a lookup that fails only fails. JITLink defines the GOT
        // symbol itself.
        let mut needed = undefined_symbols(object.bytes()).map_err(|e| e.to_string())?;
        needed.retain(|r| r.name != GOT_SYMBOL);
        self.lookup(jd, &needed)?;
        self.add_object(jd, object.bytes())?;
        if let Some(dylib) = self.dylibs.get_mut(&id) {
            dylib.defined.extend(members);
        }
        let bodies: Vec<String> = live.iter().map(|&guid| names::body_name(guid)).collect();
        let wanted: Vec<Reference> = bodies
            .iter()
            .map(|name| Reference { name, weak: false })
            .collect();
        let found = self.lookup(jd, &wanted)?;
        bodies
            .iter()
            .map(|name| {
                found
                    .get(name)
                    .copied()
                    .ok_or_else(|| LinkError::Other(format!("{name} not found after linking")))
            })
            .collect()
    }

    fn forget(&mut self, id: ModuleId) {
        self.dylibs.remove(&id);
    }

    /// The stub checks each record against those the program sent and each
    /// body against the code linked into it, then stores them.
    fn publish(&mut self, publications: &[Publication]) -> Result<(), String> {
        let args = encode_publications(publications);
        // SAFETY: the linker's JIT is live while it is used (`remote`).
        unsafe { call_program(self.jit, PUBLISH_WRAPPER, &args.bytes) }
    }
}

extern "C" fn collect_session_error(ctx: *mut c_void, err: LLVMErrorRef) {
    // SAFETY: `ctx` is the collection registered in `new`.
    let errors = unsafe { &*(ctx as *const Mutex<Vec<String>>) };
    // SAFETY: ORC hands the error over to this reporter.
    let outcome = unsafe { check(err) };
    if let (Err(message), Ok(mut errors)) = (outcome, errors.lock()) {
        errors.push(message);
    }
}

/// An exported symbol at a fixed address, for LLVMOrcAbsoluteSymbols.
fn absolute_symbol(name: LLVMOrcSymbolStringPoolEntryRef, address: usize) -> LLVMOrcCSymbolMapPair {
    LLVMOrcCSymbolMapPair {
        Name: name,
        Sym: LLVMJITEvaluatedSymbol {
            Address: address as u64,
            Flags: LLVMJITSymbolFlags {
                GenericFlags: LLVMJITSymbolGenericFlags::LLVMJITSymbolGenericFlagsExported as u8,
                TargetFlags: 0,
            },
        },
    }
}

/// What a JITDylib's definition generator does when a lookup reaches it.
trait Generator {
    /// Defines in `jd` what it can of `wanted`; an error fails the lookup.
    fn generate(&self, jd: LLVMOrcJITDylibRef, wanted: &[LLVMOrcCLookupSetElement])
        -> LLVMErrorRef;
}

/// Adds `generator` to `jd`, which owns it from then on.
fn add_generator<G: Generator>(jd: LLVMOrcJITDylibRef, generator: G) {
    let ctx = Box::into_raw(Box::new(generator)) as *mut c_void;
    // SAFETY: `jd` is live and takes the generator, which passes `ctx` to
    // `run::<G>` and frees it once, with `dispose::<G>`.
    unsafe {
        LLVMOrcJITDylibAddGenerator(
            jd,
            LLVMOrcCreateCustomCAPIDefinitionGenerator(run::<G>, ctx, dispose::<G>),
        )
    }
}

extern "C" fn run<G: Generator>(
    _generator: LLVMOrcDefinitionGeneratorRef,
    ctx: *mut c_void,
    _state: *mut LLVMOrcLookupStateRef,
    _kind: LLVMOrcLookupKind,
    jd: LLVMOrcJITDylibRef,
    _flags: LLVMOrcJITDylibLookupFlags,
    set: LLVMOrcCLookupSet,
    len: usize,
) -> LLVMErrorRef {
    // SAFETY: `ctx` is the generator boxed by `add_generator`.
    let generator = unsafe { &*(ctx as *const G) };
    // SAFETY: ORC passes `len` lookup elements at `set`.
    generator.generate(jd, unsafe { lookup_set(set, len) })
}

extern "C" fn dispose<G>(ctx: *mut c_void) {
    // SAFETY: `ctx` is the box made by `add_generator`, freed once, with its
    // generator.
    drop(unsafe { Box::from_raw(ctx as *mut G) });
}

/// Remote: the hidden definitions of the module's object.
struct HiddenDefinitions(Arc<LoadedObject>);

impl Generator for HiddenDefinitions {
    fn generate(
        &self,
        jd: LLVMOrcJITDylibRef,
        wanted: &[LLVMOrcCLookupSetElement],
    ) -> LLVMErrorRef {
        define_found(jd, wanted, |n| self.0.hidden(n))
            .err()
            .unwrap_or(std::ptr::null_mut())
    }
}

/// Remote, last in the search order, after the program's dynamic linker:
/// fails the lookup of the required symbols nothing defined, saying why.
/// One the module's object or the executable defines in its symbol table
/// but does not export is a link error of its own (remote mode reaches the
/// program's globals through its dynamic symbol table).
struct ReportMissing {
    /// The module's object, then the executable.
    files: [Arc<LoadedObject>; 2],
    undefined: Undefined,
}

impl Generator for ReportMissing {
    fn generate(
        &self,
        _jd: LLVMOrcJITDylibRef,
        wanted: &[LLVMOrcCLookupSetElement],
    ) -> LLVMErrorRef {
        let (unexported, missing): (Vec<String>, Vec<String>) = wanted
            .iter()
            .filter(|e| is_required(e))
            .map(|e| element_name(e).to_string_lossy().into_owned())
            .partition(|name| self.files.iter().any(|f| f.defines(name)));
        if !unexported.is_empty() {
            return string_error(&format!(
                "{} not exported: the program's dynamic symbol table does not list it",
                unexported.join(", ")
            ));
        }
        let unsearchable = self.files.iter().find_map(|f| f.unsearchable());
        report_missing(missing, unsearchable, &self.undefined)
    }
}

/// # Safety
/// `set` must point to `len` lookup elements that outlive the use.
unsafe fn lookup_set<'a>(set: LLVMOrcCLookupSet, len: usize) -> &'a [LLVMOrcCLookupSetElement] {
    if len == 0 {
        return &[];
    }
    // SAFETY: the caller's promise.
    unsafe { std::slice::from_raw_parts(set, len) }
}

fn element_name(element: &LLVMOrcCLookupSetElement) -> &std::ffi::CStr {
    // SAFETY: the name is a live pool entry; its string is NUL-terminated.
    unsafe { std::ffi::CStr::from_ptr(LLVMOrcSymbolStringPoolEntryStr(element.Name)) }
}

/// A weak reference may stay undefined; only required symbols are missing.
fn is_required(element: &LLVMOrcCLookupSetElement) -> bool {
    matches!(
        element.LookupFlags,
        LLVMOrcSymbolLookupFlags::LLVMOrcSymbolLookupFlagsRequiredSymbol
    )
}

/// Defines in `jd` each of `wanted` that `resolve` finds; the names of the
/// required ones it does not find.
fn define_found(
    jd: LLVMOrcJITDylibRef,
    wanted: &[LLVMOrcCLookupSetElement],
    resolve: impl Fn(&str) -> Option<usize>,
) -> Result<Vec<String>, LLVMErrorRef> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for element in wanted {
        let name = element_name(element);
        match name.to_str().ok().and_then(&resolve) {
            Some(address) => {
                // SAFETY: the definition below takes a reference of its own.
                unsafe { LLVMOrcRetainSymbolStringPoolEntry(element.Name) };
                found.push(absolute_symbol(element.Name, address));
            }
            None if is_required(element) => missing.push(name.to_string_lossy().into_owned()),
            None => {}
        }
    }
    if found.is_empty() {
        return Ok(missing);
    }
    // SAFETY: `found` holds retained names; the unit takes them and `jd` the unit.
    let err = unsafe {
        LLVMOrcJITDylibDefine(jd, LLVMOrcAbsoluteSymbols(found.as_mut_ptr(), found.len()))
    };
    if err.is_null() {
        Ok(missing)
    } else {
        Err(err)
    }
}

/// The lookup's error for the required symbols no search found.
fn report_missing(
    missing: Vec<String>,
    unsearchable: Option<String>,
    undefined: &Mutex<Vec<String>>,
) -> LLVMErrorRef {
    if missing.is_empty() {
        return std::ptr::null_mut();
    }
    let error = missing_symbols(missing, unsearchable);
    if let (LinkError::Undefined(names), Ok(mut undefined)) = (&error, undefined.lock()) {
        undefined.extend(names.iter().cloned());
    }
    string_error(&error.to_string())
}

extern "C" fn deliver_lookup(
    err: LLVMErrorRef,
    result: LLVMOrcCSymbolMapPairs,
    n: usize,
    ctx: *mut c_void,
) {
    // SAFETY: `ctx` is the sender boxed by `lookup`, handed over once.
    let tx = unsafe { Box::from_raw(ctx as *mut mpsc::Sender<LookupResult>) };
    // SAFETY: ORC hands the error over with the result.
    let outcome = unsafe { check(err) }.map(|()| {
        if n == 0 || result.is_null() {
            return HashMap::new();
        }
        // SAFETY: on success `result` holds `n` pairs.
        let pairs = unsafe { std::slice::from_raw_parts(result, n) };
        pairs
            .iter()
            .map(|pair| {
                // SAFETY: the name is a live pool entry; its string is
                // NUL-terminated.
                let name =
                    unsafe { std::ffi::CStr::from_ptr(LLVMOrcSymbolStringPoolEntryStr(pair.Name)) };
                (
                    name.to_string_lossy().into_owned(),
                    pair.Sym.Address as usize,
                )
            })
            .collect()
    });
    let _ = tx.send(outcome);
}

// SAFETY: the LLJIT instance is internally synchronized, and the engine only
// touches it under its own lock.
unsafe impl Send for JitLinkLinker {}
