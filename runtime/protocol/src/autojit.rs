//! The calls autojit adds on top of LLVM's executor services, in both
//! directions of one SimpleRemoteEPC session.
//!
//! Stub to daemon: wrapper calls whose tag is the address of one of the
//! stub's tag bytes, which the stub advertises as bootstrap symbols and the
//! daemon binds to its handlers:
//! - [`REGISTER_TAG`] takes `Error(Sequence<ModuleRegistration>)`;
//! - [`MATERIALIZE_TAG`] takes `Expected<u64 address>(u64 guid, String caller)`,
//!   where `caller` names the calling function for messages (may be empty);
//! - [`STATS_TAG`] takes `String()`, the AUTOJIT_STATS summary line.
//!
//! Daemon to stub: [`SESSION_READY_WRAPPER`], `Error()`, called once the
//! daemon's JIT for the session is set up and its handlers are bound; until
//! then the stub only serves the daemon's calls.

use crate::sps::{DecodeError, Reader, Writer};
use alloc::string::String;
use alloc::vec::Vec;

pub const REGISTER_TAG: &str = "__autojit_register_tag";
pub const MATERIALIZE_TAG: &str = "__autojit_materialize_tag";
pub const STATS_TAG: &str = "__autojit_stats_tag";
pub const SESSION_READY_WRAPPER: &str = "__autojit_session_ready_wrapper";

/// One module descriptor, as the stub found it in its process.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModuleRegistration {
    /// A dylib-manager handle on the shared library that registered the
    /// module (its own symbol scope), or 0 for the executable.
    pub library: u64,
    /// The descriptor's address, which tells the daemon which of the
    /// program's files holds the module (for the hidden symbols in its
    /// symbol table).
    pub descriptor: u64,
    pub lazy_path: String,
    pub source_path: String,
    /// Content hash of the lazy file, high half first.
    pub content_hash: [u64; 2],
    pub guids: Vec<u64>,
    /// Hidden definitions the lazy code refers to, at their addresses.
    pub symbols: Vec<(String, u64)>,
}

impl ModuleRegistration {
    pub fn encode(&self, w: &mut Writer) {
        w.u64(self.library).u64(self.descriptor);
        w.string(&self.lazy_path).string(&self.source_path);
        w.u64(self.content_hash[0]).u64(self.content_hash[1]);
        w.u64(self.guids.len() as u64);
        for &guid in &self.guids {
            w.u64(guid);
        }
        w.u64(self.symbols.len() as u64);
        for (name, address) in &self.symbols {
            w.string(name).u64(*address);
        }
    }

    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let library = r.u64()?;
        let descriptor = r.u64()?;
        let lazy_path = r.string()?;
        let source_path = r.string()?;
        let content_hash = [r.u64()?, r.u64()?];
        let n = r.count(8)?;
        let mut guids = Vec::with_capacity(n);
        for _ in 0..n {
            guids.push(r.u64()?);
        }
        // A name's count and an address: 16 bytes at least.
        let n = r.count(16)?;
        let mut symbols = Vec::with_capacity(n);
        for _ in 0..n {
            symbols.push((r.string()?, r.u64()?));
        }
        Ok(ModuleRegistration {
            library,
            descriptor,
            lazy_path,
            source_path,
            content_hash,
            guids,
            symbols,
        })
    }
}

/// The argument bytes of a register call.
pub fn encode_registrations(modules: &[ModuleRegistration]) -> Writer {
    let mut w = Writer::new();
    w.u64(modules.len() as u64);
    for m in modules {
        m.encode(&mut w);
    }
    w
}

/// Decodes a register call's argument bytes completely.
pub fn decode_registrations(bytes: &[u8]) -> Result<Vec<ModuleRegistration>, DecodeError> {
    let mut r = Reader::new(bytes);
    // A handle, an address, two string counts, a hash and two sequence
    // counts.
    let n = r.count(64)?;
    let mut modules = Vec::with_capacity(n);
    for _ in 0..n {
        modules.push(ModuleRegistration::decode(&mut r)?);
    }
    r.finish()?;
    Ok(modules)
}

/// The argument bytes of a materialize call.
pub fn encode_materialize(guid: u64, caller: &str) -> Writer {
    let mut w = Writer::new();
    w.u64(guid).string(caller);
    w
}

/// Decodes a materialize call's argument bytes completely: the GUID and the
/// caller's name.
pub fn decode_materialize(bytes: &[u8]) -> Result<(u64, String), DecodeError> {
    let mut r = Reader::new(bytes);
    let guid = r.u64()?;
    let caller = r.string()?;
    r.finish()?;
    Ok((guid, caller))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module() -> ModuleRegistration {
        ModuleRegistration {
            library: 0,
            descriptor: 0x5555_0000_1000,
            lazy_path: "/store/ab.bc".into(),
            source_path: "/src/a.c".into(),
            content_hash: [1, 2],
            guids: alloc::vec![7, 8, 9],
            symbols: alloc::vec![("helper.autojit.3".into(), 0x5555_0000_2000)],
        }
    }

    #[test]
    fn registrations_round_trip() {
        let modules = [module(), ModuleRegistration::default()];
        let w = encode_registrations(&modules);
        assert_eq!(decode_registrations(&w.bytes), Ok(modules.to_vec()));
    }

    #[test]
    fn every_truncation_of_a_registration_is_an_error() {
        let w = encode_registrations(&[module()]);
        for len in 0..w.bytes.len() {
            assert!(decode_registrations(&w.bytes[..len]).is_err(), "{len}");
        }
    }

    #[test]
    fn materialize_payload_round_trips_exactly() {
        let w = encode_materialize(7, "main");
        assert_eq!(decode_materialize(&w.bytes), Ok((7, "main".into())));
        let mut longer = w.bytes.clone();
        longer.push(0);
        assert!(decode_materialize(&longer).is_err());
        assert!(decode_materialize(&w.bytes[..w.bytes.len() - 1]).is_err());
    }
}
