//! LLVM 22's controller over the stub's executor, which speaks LLVM 19's
//! protocol (`autojit_protocol::executor`) whatever LLVM autojitd is built
//! against.
//!
//! LLVM 22 renamed two memory manager services and changed a third and the
//! dylib manager's lookup:
//! - finalize became initialize, which answers with an address where
//!   finalize answered with an error (the controller ignores the address);
//! - deallocate became release, with the same arguments and result;
//! - lookup(manager, handle, symbols) became resolve(handle, symbols),
//!   whose result gives each address as optional;
//! - debugger registration is an allocation action, which LLVM 22 finds in
//!   the setup message under a name of its own;
//! - deinitialize and reads of the program's memory are new, and not used by
//!   the parts of ORC autojitd runs.
//!
//! The bridge advertises the stub's services under LLVM 22's names too (the
//! new services at address 0, which the stub refuses to call), and
//! translates the calls whose encodings changed as their messages pass.
//! Built against LLVM 19 it is inactive: every message passes unchanged.

use autojit_protocol::executor::names;
use autojit_protocol::message::{ExecutorInfo, Opcode};
use autojit_protocol::sps::{DecodeError, Reader, Writer};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Mutex;

/// The services LLVM 22's controller looks up by these names: the stub's
/// service of the other name, or none.
const LLVM22_NAMES: [(&str, Option<&str>); 13] = [
    (
        "__llvm_orc_SimpleExecutorMemoryManager_initialize_wrapper",
        Some(names::MEMORY_FINALIZE),
    ),
    (
        "__llvm_orc_SimpleExecutorMemoryManager_release_wrapper",
        Some(names::MEMORY_DEALLOCATE),
    ),
    (
        "__llvm_orc_SimpleExecutorDylibManager_resolve_wrapper",
        Some(names::DYLIB_LOOKUP),
    ),
    // The same arguments, run as an allocation action.
    (
        "llvm_orc_registerJITLoaderGDBAllocAction",
        Some(names::REGISTER_JIT_LOADER_GDB),
    ),
    (
        "__llvm_orc_SimpleExecutorMemoryManager_deinitialize_wrapper",
        None,
    ),
    ("__llvm_orc_bootstrap_mem_write_pointers_wrapper", None),
    ("__llvm_orc_bootstrap_mem_read_uint8s_wrapper", None),
    ("__llvm_orc_bootstrap_mem_read_uint16s_wrapper", None),
    ("__llvm_orc_bootstrap_mem_read_uint32s_wrapper", None),
    ("__llvm_orc_bootstrap_mem_read_uint64s_wrapper", None),
    ("__llvm_orc_bootstrap_mem_read_pointers_wrapper", None),
    ("__llvm_orc_bootstrap_mem_read_buffers_wrapper", None),
    ("__llvm_orc_bootstrap_mem_read_strings_wrapper", None),
];

/// A call whose result is translated when it comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Translated {
    Finalize,
    Lookup,
}

/// The stub's services whose calls are translated, from its setup message.
#[derive(Debug, Default, Clone, Copy)]
struct Services {
    finalize: u64,
    lookup: u64,
    dylib_manager: u64,
}

pub struct ExecutorBridge {
    active: bool,
    services: Mutex<Services>,
    /// Calls on their way, by sequence number, whose results are translated.
    pending: Mutex<HashMap<u64, Translated>>,
}

impl ExecutorBridge {
    /// The bridge autojitd's LLVM needs: active when it is LLVM 22.
    pub fn for_this_llvm() -> Self {
        Self::new(cfg!(feature = "llvm22"))
    }

    fn new(active: bool) -> Self {
        ExecutorBridge {
            active,
            services: Mutex::default(),
            pending: Mutex::default(),
        }
    }

    /// A message from the program, as the controller reads it: the setup
    /// message with LLVM 22's names added, a translated call's result in
    /// LLVM 22's encoding.
    pub fn incoming<'a>(
        &self,
        opcode: Opcode,
        seq_no: u64,
        payload: &'a [u8],
    ) -> Result<Cow<'a, [u8]>, String> {
        if !self.active {
            return Ok(Cow::Borrowed(payload));
        }
        match opcode {
            Opcode::Setup => self.setup(payload).map(Cow::Owned),
            Opcode::Result => {
                let call = self.lock_pending().remove(&seq_no);
                match call {
                    Some(Translated::Finalize) => finalize_result(payload),
                    Some(Translated::Lookup) => lookup_result(payload),
                    None => return Ok(Cow::Borrowed(payload)),
                }
                .map(Cow::Owned)
                .map_err(|e| format!("the program sent a {e} in a result"))
            }
            _ => Ok(Cow::Borrowed(payload)),
        }
    }

    /// A message to the program, as the stub reads it: a lookup's
    /// arguments with the dylib manager first. Notes the calls whose results
    /// come back translated.
    pub fn outgoing<'a>(
        &self,
        opcode: Opcode,
        seq_no: u64,
        tag: u64,
        payload: &'a [u8],
    ) -> Cow<'a, [u8]> {
        if !self.active || opcode != Opcode::CallWrapper || tag == 0 {
            return Cow::Borrowed(payload);
        }
        let services = *self.services.lock().unwrap_or_else(|e| e.into_inner());
        let call = if tag == services.finalize {
            Translated::Finalize
        } else if tag == services.lookup {
            Translated::Lookup
        } else {
            return Cow::Borrowed(payload);
        };
        self.lock_pending().insert(seq_no, call);
        match call {
            Translated::Finalize => Cow::Borrowed(payload),
            Translated::Lookup => {
                let mut args = Writer::new();
                args.u64(services.dylib_manager);
                args.bytes.extend_from_slice(payload);
                Cow::Owned(args.bytes)
            }
        }
    }

    fn setup(&self, payload: &[u8]) -> Result<Vec<u8>, String> {
        let mut r = Reader::new(payload);
        let mut info = ExecutorInfo::decode(&mut r)
            .and_then(|info| r.finish().map(|()| info))
            .map_err(|e| format!("the program sent a {e} in its setup message"))?;
        let address = |name: &str| {
            info.bootstrap_symbols
                .iter()
                .find(|(n, _)| n == name)
                .map(|&(_, address)| address)
                .ok_or_else(|| format!("the program's setup message lacks {name}"))
        };
        let services = Services {
            finalize: address(names::MEMORY_FINALIZE)?,
            lookup: address(names::DYLIB_LOOKUP)?,
            dylib_manager: address(names::DYLIB_MANAGER)?,
        };
        let mut added = Vec::with_capacity(LLVM22_NAMES.len());
        for (name, service) in LLVM22_NAMES {
            let at = match service {
                // A stub without it: LLVM 22's debugger support reports
                // itself unavailable, rather than calling address 0.
                Some(names::REGISTER_JIT_LOADER_GDB) => {
                    match address(names::REGISTER_JIT_LOADER_GDB) {
                        Ok(at) => at,
                        Err(_) => continue,
                    }
                }
                Some(service) => address(service)?,
                None => 0,
            };
            added.push((name.to_string(), at));
        }
        info.bootstrap_symbols.extend(added);
        *self.services.lock().unwrap_or_else(|e| e.into_inner()) = services;
        let mut w = Writer::new();
        info.encode(&mut w);
        Ok(w.bytes)
    }

    fn lock_pending(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Translated>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// finalize's `Error` as initialize's `Expected<ExecutorAddr>`.
fn finalize_result(payload: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut r = Reader::new(payload);
    let error = r.error()?;
    r.finish()?;
    let mut w = Writer::new();
    match error {
        None => w.bool(true).u64(0),
        Some(message) => w.unexpected(&message),
    };
    Ok(w.bytes)
}

/// lookup's `Expected<Sequence<ExecutorSymbolDef>>` as resolve's
/// `Expected<Sequence<Optional<ExecutorSymbolDef>>>`: address 0 (a weak
/// symbol found nowhere) is no address.
fn lookup_result(payload: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut r = Reader::new(payload);
    let found = r.expected(|r| {
        // An address and two flag bytes each.
        let n = r.count(10)?;
        (0..n)
            .map(|_| Ok((r.u64()?, r.u8()?, r.u8()?)))
            .collect::<Result<Vec<_>, DecodeError>>()
    })?;
    r.finish()?;
    let mut w = Writer::new();
    match found {
        Ok(symbols) => {
            w.bool(true).u64(symbols.len() as u64);
            for (address, flags, target_flags) in symbols {
                w.bool(address != 0);
                if address != 0 {
                    w.u64(address).u8(flags).u8(target_flags);
                }
            }
        }
        Err(message) => {
            w.unexpected(&message);
        }
    }
    Ok(w.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use autojit_protocol::executor::{encode_lookup_result, DylibLookup};

    fn stub_setup() -> Vec<u8> {
        let info = ExecutorInfo {
            target_triple: "x86_64-unknown-linux-gnu".into(),
            page_size: 4096,
            bootstrap_map: vec![],
            bootstrap_symbols: vec![
                (names::MEMORY_FINALIZE.into(), 0x10),
                (names::MEMORY_DEALLOCATE.into(), 0x20),
                (names::DYLIB_LOOKUP.into(), 0x30),
                (names::DYLIB_MANAGER.into(), 0x40),
                (names::REGISTER_JIT_LOADER_GDB.into(), 0x50),
            ],
        };
        let mut w = Writer::new();
        info.encode(&mut w);
        w.bytes
    }

    fn active_bridge() -> ExecutorBridge {
        let bridge = ExecutorBridge::new(true);
        bridge
            .incoming(Opcode::Setup, 0, &stub_setup())
            .expect("setup");
        bridge
    }

    #[test]
    fn setup_names_the_stub_services_as_llvm_22_does() {
        let bridge = ExecutorBridge::new(true);
        let stub = stub_setup();
        let setup = bridge.incoming(Opcode::Setup, 0, &stub).unwrap();
        let info = ExecutorInfo::decode(&mut Reader::new(&setup)).unwrap();
        let at = |name: &str| {
            info.bootstrap_symbols
                .iter()
                .find(|(n, _)| n == name)
                .unwrap()
                .1
        };
        assert_eq!(
            at("__llvm_orc_SimpleExecutorMemoryManager_initialize_wrapper"),
            0x10
        );
        assert_eq!(
            at("__llvm_orc_SimpleExecutorMemoryManager_release_wrapper"),
            0x20
        );
        assert_eq!(
            at("__llvm_orc_SimpleExecutorDylibManager_resolve_wrapper"),
            0x30
        );
        assert_eq!(at("llvm_orc_registerJITLoaderGDBAllocAction"), 0x50);
        assert_eq!(at("__llvm_orc_bootstrap_mem_read_strings_wrapper"), 0);
        assert_eq!(at(names::MEMORY_FINALIZE), 0x10);
    }

    #[test]
    fn a_setup_without_the_services_is_refused() {
        let mut w = Writer::new();
        ExecutorInfo::default().encode(&mut w);
        let why = ExecutorBridge::new(true)
            .incoming(Opcode::Setup, 0, &w.bytes)
            .unwrap_err();
        assert!(why.contains(names::MEMORY_FINALIZE), "{why}");
    }

    #[test]
    fn finalize_answers_as_initialize() {
        let bridge = active_bridge();
        assert_eq!(
            bridge.outgoing(Opcode::CallWrapper, 7, 0x10, b"args"),
            &b"args"[..]
        );
        let mut ok = Writer::new();
        ok.error(None);
        let result = bridge.incoming(Opcode::Result, 7, &ok.bytes).unwrap();
        let mut r = Reader::new(&result);
        assert_eq!(r.expected(|r| r.u64()), Ok(Ok(0)));
        assert_eq!(r.finish(), Ok(()));

        bridge.outgoing(Opcode::CallWrapper, 8, 0x10, b"args");
        let mut failed = Writer::new();
        failed.error(Some("no memory"));
        let result = bridge.incoming(Opcode::Result, 8, &failed.bytes).unwrap();
        let mut r = Reader::new(&result);
        assert_eq!(r.expected(|r| r.u64()), Ok(Err("no memory".into())));
    }

    #[test]
    fn resolve_calls_lookup_and_answers_optional_addresses() {
        let bridge = active_bridge();
        let mut resolve = Writer::new();
        resolve
            .u64(0x99)
            .u64(2)
            .string("puts")
            .bool(true)
            .string("weak")
            .bool(false);
        let args = bridge.outgoing(Opcode::CallWrapper, 3, 0x30, &resolve.bytes);
        let lookup = DylibLookup::decode(&args).unwrap();
        assert_eq!((lookup.manager, lookup.handle), (0x40, 0x99));
        assert_eq!(
            lookup.symbols,
            [("puts".into(), true), ("weak".into(), false)]
        );

        let found = encode_lookup_result(&[0x1234, 0]);
        let result = bridge.incoming(Opcode::Result, 3, &found.bytes).unwrap();
        let mut r = Reader::new(&result);
        assert_eq!(r.bool(), Ok(true));
        assert_eq!(r.u64(), Ok(2));
        assert_eq!(r.bool(), Ok(true));
        assert_eq!(r.u64(), Ok(0x1234));
        r.u8().unwrap();
        r.u8().unwrap();
        assert_eq!(r.bool(), Ok(false));
        assert_eq!(r.finish(), Ok(()));
    }

    #[test]
    fn other_messages_pass_unchanged() {
        let bridge = active_bridge();
        assert_eq!(
            bridge.outgoing(Opcode::CallWrapper, 4, 0x20, b"x"),
            &b"x"[..]
        );
        assert_eq!(bridge.incoming(Opcode::Result, 4, b"y").unwrap(), &b"y"[..]);
        let inactive = ExecutorBridge::new(false);
        assert_eq!(
            inactive.incoming(Opcode::Setup, 0, b"z").unwrap(),
            &b"z"[..]
        );
    }

    #[test]
    fn a_damaged_result_is_an_error() {
        let bridge = active_bridge();
        bridge.outgoing(Opcode::CallWrapper, 5, 0x30, b"");
        let why = bridge.incoming(Opcode::Result, 5, &[1, 9]).unwrap_err();
        assert!(why.starts_with("the program sent a"), "{why}");
    }
}
