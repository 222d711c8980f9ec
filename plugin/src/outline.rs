//! The pass: from one module clang made, a lazy module on disk and a static
//! module whose lazified bodies are static frames.

use crate::ir;
use crate::lazy_module::{build_lazy_module, erase_dead_locals, external_references, LazyFunction};
use crate::link_checks;
use crate::log::DebugLog;
use crate::plan::plan_module;
use crate::promote::promote_locals;
use crate::registration::{add_registration, EmbeddedLazyModule, Registration};
use crate::select::waits_for_coverage;
use crate::trampoline::{replace_with_trampolines, Lazified};
use autojit_abi::function_keys;
use autojit_abi::source::{name_source, SourceName};
use autojit_abi::{arch, content_hash, function_guid, store};
use llvm_sys::prelude::*;
use llvm_sys::LLVMVisibility;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

pub struct Options {
    pub opt_level: u32,
    pub debug: bool,
    /// Run at the start of clang's pipeline, before its coverage passes:
    /// a module they will instrument is left for the pass's second run.
    pub before_coverage: bool,
    /// Run by a linker's LTO back end, on modules merged or imported into
    /// after the link.
    pub at_link_time: bool,
    /// Put the lazy module in the object, not in the module store.
    pub embed: bool,
}

/// Where a lazy module goes.
enum Destination {
    /// The module store's directory.
    Store(PathBuf),
    /// The object being compiled; the store's directory, if there is one,
    /// still gets the debug dumps.
    Object { dumps: Option<PathBuf> },
}

impl Destination {
    /// Embedding when asked, or when no store is configured at all (a
    /// sandboxed build without HOME: a store there would not outlive the
    /// sandbox anyway).
    fn choose(embed: bool, log: &DebugLog) -> Result<Self, String> {
        let environment = Default::default();
        if store::store_root(&environment).is_err() {
            log.line(|| "no module store is configured (AUTOJIT_CACHE_DIR, XDG_CACHE_HOME or HOME): embedding the lazy module".into());
            return Ok(Destination::Object { dumps: None });
        }
        let dir = || store::private_subdir(store::MODULES_SUBDIR, &environment);
        if !embed {
            return dir().map(Destination::Store).map_err(|e| e.to_string());
        }
        Ok(Destination::Object {
            dumps: log.enabled.then(|| dir().ok()).flatten(),
        })
    }

    fn dumps(&self) -> Option<&Path> {
        match self {
            Destination::Store(dir) => Some(dir),
            Destination::Object { dumps } => dumps.as_deref(),
        }
    }
}

/// What the pass did to a module.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Unchanged,
    Outlined,
    /// Left for the run after clang's coverage passes.
    Deferred,
}

pub fn outline_module(m: LLVMModuleRef, opts: &Options) -> Result<Outcome, String> {
    let log = DebugLog {
        enabled: opts.debug,
    };
    let source = module_source(m);
    let (path, identity) = (&source.path, &source.identity);
    if opts.before_coverage && waits_for_coverage(m) {
        log.line(|| format!("deferred module {path} until its coverage counters are placed"));
        return Ok(Outcome::Deferred);
    }
    let plan = match plan_module(m, opts.at_link_time) {
        Ok(plan) => plan,
        Err(reason) => {
            log.line(|| format!("skipped module {path}: {reason}"));
            return Ok(Outcome::Unchanged);
        }
    };
    let destination = Destination::choose(opts.embed, &log)?;
    let dumps = destination.dumps();
    let stem = Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "module".into());
    log.line(|| format!("processing module {path}"));
    log.dump(m, dumps, &stem, "_incoming")?;

    // Promoted names carry a hash of the source's identity: unique per
    // source file in a program (the engine refuses a program where it is
    // not: `Registry::clash`), and stable across edits and checkouts so
    // that unchanged functions keep hitting the object cache.
    let module_id = function_guid(identity, "", false);
    for (f, reason) in &plan.labels.pinned {
        log.line(|| format!("kept {} in the static object: {reason}", ir::name(*f)));
    }
    for p in promote_locals(&plan.promoted, module_id) {
        log.line(|| format!("promoted {} to {}", p.old_name, p.new_name));
    }

    // Named after promotion: a lazified local goes by its promoted name.
    let lazy_functions: Vec<LazyFunction> = plan
        .lazified
        .iter()
        .map(|&f| {
            let name = ir::name(f);
            let guid = function_guid(identity, &name, ir::is_link_once(ir::linkage(f)));
            LazyFunction { name, guid }
        })
        .collect();
    let lazy = build_lazy_module(m, &lazy_functions, opts.opt_level);
    if opts.opt_level > 0 {
        let copied = crate::inlinable::add_inlinable_copies(lazy.as_raw(), &lazy_functions);
        log.line(|| format!("gave {copied} small lazified functions an inlinable copy"));
    }
    let thread_locals = crate::thread_locals::reach_through_accessors(lazy.as_raw(), m);
    if thread_locals > 0 {
        log.line(|| {
            format!("lazy code reaches {thread_locals} thread-local variables through accessors")
        });
    }
    log.dump(lazy.as_raw(), dumps, &stem, "")?;
    let keys = crate::function_keys::function_keys(
        lazy.as_raw(),
        &lazy_functions,
        source.root.as_deref(),
    )?;
    let bitcode = ir::write_bitcode(lazy.as_raw());
    let hash = content_hash(&bitcode);
    let keys = function_keys::encode(&keys).into_bytes();
    let (lazy_path, embedded) = match &destination {
        Destination::Store(dir) => {
            let name = store::lazy_file_name(&stem, hash);
            let path = store::write_lazy_files(dir, &name, &keys, &bitcode).map_err(|(file, e)| {
                format!(
                    "cannot write lazy module {}: {e}; check that the directory is writable or set {}",
                    file.display(),
                    autojit_abi::env::CACHE_DIR
                )
            })?;
            log.line(|| format!("wrote lazy module {}", path.display()));
            (path.to_string_lossy().into_owned(), None)
        }
        Destination::Object { .. } => {
            let module = miniz_oxide::deflate::compress_to_vec(&bitcode, 6);
            log.line(|| {
                format!(
                    "embedded the lazy module ({} bytes, deflated from {})",
                    module.len(),
                    bitcode.len()
                )
            });
            let embedded = EmbeddedLazyModule { module, keys };
            (store::lazy_file_name(&stem, hash), Some(embedded))
        }
    };

    let static_symbols: HashMap<String, LLVMValueRef> = ir::global_values(m)
        .into_iter()
        .map(|gv| (ir::name(gv), gv))
        .collect();
    let referenced: Vec<LLVMValueRef> = external_references(lazy.as_raw())
        .iter()
        .filter_map(|name| static_symbols.get(name).copied())
        .collect();
    let undefined =
        link_checks::undefined_references(lazy.as_raw(), &static_symbols, &lazy_functions);
    drop(lazy);

    // What lazy code refers to may have no other reference left: the
    // optimizer drops unused link-once definitions, and a ThinLTO link
    // drops or internalizes any symbol no IR refers to (it does not see the
    // link checks' relocations, which are assembly). Lazified functions are
    // trampolines in assembly, always defined.
    let lazified: HashSet<LLVMValueRef> = plan.lazified.iter().copied().collect();
    let keep_alive: Vec<_> = referenced
        .iter()
        .copied()
        .filter(|gv| !lazified.contains(gv) && !ir::is_intrinsic(*gv))
        .collect();
    // Nor does a linker's --gc-sections (rustc always links with it) see
    // lazy code: what it uses from this module is retained.
    let (defined, declared): (Vec<_>, Vec<_>) = keep_alive
        .into_iter()
        .partition(|&gv| !ir::is_declaration(gv) && !ir::is_alias(gv));
    ir::append_used(m, defined);
    ir::append_compiler_used(m, declared);
    // Hidden symbols, whether defined here or elsewhere in the same binary
    // (like __dso_handle), are local once linked: neither dlsym nor the
    // executable's global symbols find them, so the descriptor carries them.
    let hidden: Vec<_> = referenced
        .iter()
        .copied()
        .filter(|&gv| ir::visibility(gv) != LLVMVisibility::LLVMDefaultVisibility)
        .collect();
    let guids: Vec<u64> = lazy_functions.iter().map(|f| f.guid).collect();
    add_registration(
        m,
        &Registration {
            lazy_path: &lazy_path,
            embedded: embedded.as_ref(),
            source_path: path,
            source_identity: identity,
            content_hash: hash,
            guids: &guids,
            hidden_symbols: &hidden,
        },
    );

    // Last: the lists above hold handles to aliases the trampolines replace.
    let checks: Vec<Vec<&str>> = undefined
        .iter()
        .map(|names| names.iter().map(String::as_str).collect())
        .collect();
    let trampolines: Vec<Lazified> = plan
        .lazified
        .iter()
        .zip(&guids)
        .zip(&checks)
        .map(|((&function, &guid), link_checks)| Lazified {
            function,
            guid,
            link_checks,
        })
        .collect();
    for f in &lazy_functions {
        log.line(|| format!("lazified {} guid 0x{:016x}", f.name, f.guid));
    }
    // Read while the functions still have their COMDAT groups.
    let checks_asm = link_check_asm(&trampolines, &static_symbols);
    ir::append_module_asm(
        m,
        &(checks_asm + &replace_with_trampolines(m, &trampolines)),
    );
    erase_dead_locals(m);
    log.dump(m, dumps, &stem, "_static")?;
    Ok(Outcome::Outlined)
}

/// The link checks the records do not carry: those of functions without a
/// COMDAT group, which share one section (records in a group carry their
/// function's), with the binding and visibility of each checked symbol.
fn link_check_asm(lazified: &[Lazified], symbols: &link_checks::StaticSymbols) -> String {
    let mut shared = BTreeSet::new();
    let mut all = BTreeSet::new();
    for l in lazified {
        all.extend(l.link_checks.iter().copied());
        if ir::comdat_name(l.function).is_none() {
            shared.extend(l.link_checks.iter().copied());
        }
    }
    let shared: Vec<&str> = shared.into_iter().collect();
    link_checks::symbol_directives(symbols, &all) + &arch::module_link_check_asm(&shared)
}

/// The names of the module's source (`autojit_abi::source`).
fn module_source(m: LLVMModuleRef) -> SourceName {
    name_source(
        ir::debug_source_path(m).unwrap_or_else(|| absolute_source_path(&ir::source_filename(m))),
    )
}

/// The source path as the user's build sees it, made absolute against the
/// compiler's working directory so that `foo.c` built in two directories are
/// two different sources.
fn absolute_source_path(source: &str) -> String {
    std::path::absolute(source)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| source.to_string())
}
