//! The calls autojit adds on top of LLVM's executor services, in both
//! directions of one SimpleRemoteEPC session.
//!
//! Stub to daemon: wrapper calls whose tag is the address of one of the
//! stub's tag bytes, which the stub advertises as bootstrap symbols and the
//! daemon binds to its handlers:
//! - [`REGISTER_TAG`] takes `Error(Sequence<ModuleRegistration>)`;
//! - [`MATERIALIZE_TAG`] takes `MaterializeResult(u64 guid, u64 record)`:
//!   the address of the compiled body with the [`LinkedBody`]s linked with
//!   it ([`Materialized`]), or the [`Failure`] as a value, which the
//!   program's front end alone turns into its message; `record` is the
//!   trampoline record the body is published in (0: none);
//! - [`STATS_TAG`] takes `StatsSnapshot()`, the AUTOJIT_STATS counters;
//! - [`HOT_TAG`] takes `()(Sequence<u64> guids, Sequence<FirstCall>)`:
//!   first-tier code reports its functions hot, and the stub tells which
//!   records it published a linked body in without asking ([`HotCall`]);
//! - [`LEAVING_TAG`] takes `()(bool wait)`: the program exits, and nothing
//!   more may be linked into it; answered once no link is under way, and
//!   with `wait` once what was reported hot is optimized and cached.
//!
//! Daemon to stub:
//! - [`SESSION_READY_WRAPPER`], `Error()`, called once the daemon's JIT for
//!   the session is set up and its handlers are bound; until then the stub
//!   only serves the daemon's calls;
//! - [`PUBLISH_WRAPPER`], `Error(Sequence<Publication>)`: optimized bodies,
//!   for trampoline records the program sent with its materialize calls.

use crate::sps::{DecodeError, Reader, Writer};
use alloc::string::String;
use alloc::vec::Vec;
use autojit_abi::{Failure, FailureKind, StatsSnapshot};

pub const REGISTER_TAG: &str = "__autojit_register_tag";
pub const MATERIALIZE_TAG: &str = "__autojit_materialize_tag";
pub const STATS_TAG: &str = "__autojit_stats_tag";
pub const HOT_TAG: &str = "__autojit_hot_tag";
pub const LEAVING_TAG: &str = "__autojit_leaving_tag";
pub const SESSION_READY_WRAPPER: &str = "__autojit_session_ready_wrapper";
pub const PUBLISH_WRAPPER: &str = "__autojit_publish_wrapper";

/// A better body for a function, published in one of its trampolines'
/// records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    pub record: u64,
    pub body: u64,
}

/// A function linked with the one a materialize call asked for, whose
/// first call the stub answers without asking: its body is final for a
/// first call (no better tier waits in the cache).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkedBody {
    pub guid: u64,
    pub address: u64,
}

/// A materialize call's answer: the body asked for, and the others linked
/// with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Materialized {
    pub address: u64,
    /// Sorted by GUID.
    pub linked_with: Vec<LinkedBody>,
}

/// A first call the stub answered with a [`LinkedBody`]: the record it
/// published the body in, where a better body goes later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstCall {
    pub guid: u64,
    pub record: u64,
}

/// A hot call's arguments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HotCall {
    /// Functions first-tier code reported hot.
    pub guids: Vec<u64>,
    /// First calls answered since the last hot call, sent before any report
    /// that could make their functions optimized.
    pub first_calls: Vec<FirstCall>,
}

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
    pub source_identity: String,
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
        w.string(&self.source_identity);
        w.u64(self.content_hash[0]).u64(self.content_hash[1]);
        w.u64_sequence(&self.guids);
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
        let source_identity = r.string()?;
        let content_hash = [r.u64()?, r.u64()?];
        let guids = r.u64_sequence()?;
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
            source_identity,
            content_hash,
            guids,
            symbols,
        })
    }
}

/// A sequence of values of two words each: the count, then each value's
/// words.
fn write_pairs<T>(w: &mut Writer, items: &[T], words: impl Fn(&T) -> [u64; 2]) {
    w.u64(items.len() as u64);
    for item in items {
        let [a, b] = words(item);
        w.u64(a).u64(b);
    }
}

/// Reads what [`write_pairs`] wrote, each value made by `make`; a count the
/// bytes cannot hold is refused before anything is allocated for it.
fn read_pairs<T>(r: &mut Reader<'_>, make: impl Fn([u64; 2]) -> T) -> Result<Vec<T>, DecodeError> {
    let n = r.count(16)?;
    let mut items = Vec::with_capacity(n);
    for _ in 0..n {
        let words = [r.u64()?, r.u64()?];
        items.push(make(words));
    }
    Ok(items)
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

/// A materialize call's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaterializeCall {
    pub guid: u64,
    /// The trampoline record the body is published in; 0: none.
    pub record: u64,
}

/// The argument bytes of a materialize call.
pub fn encode_materialize(call: MaterializeCall) -> Writer {
    let mut w = Writer::new();
    w.u64(call.guid).u64(call.record);
    w
}

/// Decodes a materialize call's argument bytes completely.
pub fn decode_materialize(bytes: &[u8]) -> Result<MaterializeCall, DecodeError> {
    let mut r = Reader::new(bytes);
    let guid = r.u64()?;
    let record = r.u64()?;
    r.finish()?;
    Ok(MaterializeCall { guid, record })
}

/// The argument bytes of a hot call.
pub fn encode_hot(call: &HotCall) -> Writer {
    let mut w = Writer::new();
    w.u64_sequence(&call.guids);
    write_pairs(&mut w, &call.first_calls, |c| [c.guid, c.record]);
    w
}

/// Decodes a hot call's argument bytes completely.
pub fn decode_hot(bytes: &[u8]) -> Result<HotCall, DecodeError> {
    let mut r = Reader::new(bytes);
    let guids = r.u64_sequence()?;
    let first_calls = read_pairs(&mut r, |[guid, record]| FirstCall { guid, record })?;
    r.finish()?;
    Ok(HotCall { guids, first_calls })
}

/// The argument bytes of a leaving call.
pub fn encode_leaving(wait: bool) -> Writer {
    let mut w = Writer::new();
    w.bool(wait);
    w
}

/// Decodes a leaving call's argument bytes completely: whether to wait.
pub fn decode_leaving(bytes: &[u8]) -> Result<bool, DecodeError> {
    let mut r = Reader::new(bytes);
    let wait = r.bool()?;
    r.finish()?;
    Ok(wait)
}

/// The argument bytes of a publish call.
pub fn encode_publications(publications: &[Publication]) -> Writer {
    let mut w = Writer::new();
    write_pairs(&mut w, publications, |p| [p.record, p.body]);
    w
}

/// Decodes a publish call's argument bytes completely.
pub fn decode_publications(bytes: &[u8]) -> Result<Vec<Publication>, DecodeError> {
    let mut r = Reader::new(bytes);
    let publications = read_pairs(&mut r, |[record, body]| Publication { record, body })?;
    r.finish()?;
    Ok(publications)
}

/// The result bytes of a materialize call: 0, the address and the bodies
/// linked with it, or 1 and the failure.
pub fn encode_materialize_result(result: &Result<Materialized, Failure>) -> Writer {
    let mut w = Writer::new();
    match result {
        Ok(materialized) => {
            w.u8(0).u64(materialized.address);
            write_pairs(&mut w, &materialized.linked_with, |b| [b.guid, b.address]);
        }
        Err(failure) => {
            w.u8(1);
            encode_failure(&mut w, failure);
        }
    }
    w
}

/// Decodes a materialize call's result bytes completely.
pub fn decode_materialize_result(
    bytes: &[u8],
) -> Result<Result<Materialized, Failure>, DecodeError> {
    let mut r = Reader::new(bytes);
    let result = match r.u8()? {
        0 => {
            let address = r.u64()?;
            let linked_with = read_pairs(&mut r, |[guid, address]| LinkedBody { guid, address })?;
            Ok(Materialized {
                address,
                linked_with,
            })
        }
        1 => Err(decode_failure(&mut r)?),
        _ => return Err(r.fail("invalid materialize result tag")),
    };
    r.finish()?;
    Ok(result)
}

/// A failure as SPS values: GUID, kind, detail, ABI found, and the three
/// optional names (each a bool and a string).
pub fn encode_failure(w: &mut Writer, failure: &Failure) {
    w.u64(failure.guid).u8(failure.kind.code());
    w.string(failure.kind.detail())
        .u64(failure.kind.found_abi());
    for name in [&failure.function, &failure.lazy_file, &failure.source] {
        w.bool(name.is_some()).string(name.as_deref().unwrap_or(""));
    }
}

pub fn decode_failure(r: &mut Reader<'_>) -> Result<Failure, DecodeError> {
    let guid = r.u64()?;
    let code = r.u8()?;
    let detail = r.string()?;
    let found_abi = r.u64()?;
    let kind = FailureKind::from_parts(code, detail, found_abi)
        .ok_or_else(|| r.fail("invalid failure kind"))?;
    let mut names = [None, None, None];
    for name in &mut names {
        let present = r.bool()?;
        let text = r.string()?;
        *name = present.then_some(text);
    }
    let [function, lazy_file, source] = names;
    Ok(Failure {
        guid,
        function,
        lazy_file,
        source,
        kind,
    })
}

/// The result bytes of a stats call.
pub fn encode_stats(stats: &StatsSnapshot) -> Writer {
    let mut w = Writer::new();
    w.u64(stats.materialized)
        .u64(stats.compiled)
        .u64(stats.cache_hits);
    w.u64(stats.modules_loaded)
        .u64(stats.objects)
        .u64(stats.compile_nanos)
        .u64(stats.materialize_nanos);
    w.u64(stats.remote.hits)
        .u64(stats.remote.misses)
        .u64(stats.remote.bytes_read)
        .u64(stats.remote.bytes_written);
    w
}

/// The counters a stats call's result carries, in its order.
fn sent_counters(stats: &mut StatsSnapshot) -> [&mut u64; 11] {
    [
        &mut stats.materialized,
        &mut stats.compiled,
        &mut stats.cache_hits,
        &mut stats.modules_loaded,
        &mut stats.objects,
        &mut stats.compile_nanos,
        &mut stats.materialize_nanos,
        &mut stats.remote.hits,
        &mut stats.remote.misses,
        &mut stats.remote.bytes_read,
        &mut stats.remote.bytes_written,
    ]
}

/// Decodes a stats call's result bytes completely.
pub fn decode_stats(bytes: &[u8]) -> Result<StatsSnapshot, DecodeError> {
    let mut r = Reader::new(bytes);
    // No tiers' counters: only a build of the contract with std has them,
    // and the stub prints what it is sent.
    let mut stats = StatsSnapshot::default();
    for counter in sent_counters(&mut stats) {
        *counter = r.u64()?;
    }
    r.finish()?;
    Ok(stats)
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
            source_identity: "a.c".into(),
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
    fn materialize_and_hot_payloads_round_trip_exactly() {
        let call = MaterializeCall {
            guid: 7,
            record: 0x5555_0000_3008,
        };
        let w = encode_materialize(call);
        assert_eq!(decode_materialize(&w.bytes), Ok(call));
        let mut longer = w.bytes.clone();
        longer.push(0);
        assert!(decode_materialize(&longer).is_err());
        assert!(decode_materialize(&w.bytes[..w.bytes.len() - 1]).is_err());
        let hot = HotCall {
            guids: alloc::vec![9, 10],
            first_calls: alloc::vec![FirstCall {
                guid: 11,
                record: 0x5555_0000_3018,
            }],
        };
        let w = encode_hot(&hot);
        assert_eq!(decode_hot(&w.bytes), Ok(hot));
        for len in 0..w.bytes.len() {
            assert!(decode_hot(&w.bytes[..len]).is_err(), "{len}");
        }
        let mut longer = w.bytes.clone();
        longer.push(0);
        assert!(decode_hot(&longer).is_err());
    }

    #[test]
    fn leaving_round_trips_exactly() {
        for wait in [false, true] {
            assert_eq!(decode_leaving(&encode_leaving(wait).bytes), Ok(wait));
        }
        assert!(decode_leaving(&[]).is_err());
        assert!(decode_leaving(&[2]).is_err());
        assert!(decode_leaving(&[1, 0]).is_err());
    }

    #[test]
    fn publications_round_trip_and_truncations_fail() {
        let publications = [
            Publication {
                record: 0x5555_0000_3008,
                body: 0x7f00_0000_1000,
            },
            Publication {
                record: 0x5555_0000_3010,
                body: 0x7f00_0000_2000,
            },
        ];
        let w = encode_publications(&publications);
        assert_eq!(decode_publications(&w.bytes), Ok(publications.to_vec()));
        for len in 0..w.bytes.len() {
            assert!(decode_publications(&w.bytes[..len]).is_err(), "{len}");
        }
        // A count the bytes cannot hold is refused before anything is
        // allocated for it.
        let mut huge = Writer::new();
        huge.u64(u64::MAX);
        assert!(decode_publications(&huge.bytes).is_err());
    }

    #[test]
    fn materialize_results_round_trip_and_truncations_fail() {
        let mut failure = Failure::new(9, FailureKind::Link("Symbols not found: [ x ]".into()));
        failure.lazy_file = Some("/s/a.bc".into());
        failure.source = Some("/src/a.c".into());
        let materialized = Materialized {
            address: 0x1000,
            linked_with: alloc::vec![LinkedBody {
                guid: 10,
                address: 0x1040,
            }],
        };
        let alone = Materialized {
            address: 0x2000,
            linked_with: Vec::new(),
        };
        for result in [Ok(materialized), Ok(alone), Err(failure)] {
            let w = encode_materialize_result(&result);
            assert_eq!(decode_materialize_result(&w.bytes), Ok(result));
            for len in 0..w.bytes.len() {
                assert!(decode_materialize_result(&w.bytes[..len]).is_err(), "{len}");
            }
        }
        assert!(decode_materialize_result(&[2]).is_err());
    }

    #[test]
    fn stats_round_trip() {
        let mut stats = StatsSnapshot::default();
        for (value, counter) in sent_counters(&mut stats).into_iter().enumerate() {
            *counter = value as u64 + 1;
        }
        assert_eq!(decode_stats(&encode_stats(&stats).bytes), Ok(stats));
    }
}
