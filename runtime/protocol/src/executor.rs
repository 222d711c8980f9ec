//! The executor services of LLVM 19's SimpleRemoteEPC: the names an
//! executor advertises in its setup message, and the argument and result
//! encodings of each service's wrapper function (`OrcRTBridge.h`,
//! `TargetProcessControlTypes.h`). Decoders consume every byte of a call's
//! arguments; whatever is left over is an error.

use crate::sps::{DecodeError, Reader, Writer};
use alloc::string::String;
use alloc::vec::Vec;

/// Bootstrap symbol names, as LLVM's controller looks them up.
pub mod names {
    pub const DISPATCH_CTX: &str = "__llvm_orc_SimpleRemoteEPC_dispatch_ctx";
    pub const DISPATCH_FN: &str = "__llvm_orc_SimpleRemoteEPC_dispatch_fn";
    pub const MEMORY_MANAGER: &str = "__llvm_orc_SimpleExecutorMemoryManager_Instance";
    pub const MEMORY_RESERVE: &str = "__llvm_orc_SimpleExecutorMemoryManager_reserve_wrapper";
    pub const MEMORY_FINALIZE: &str = "__llvm_orc_SimpleExecutorMemoryManager_finalize_wrapper";
    pub const MEMORY_DEALLOCATE: &str = "__llvm_orc_SimpleExecutorMemoryManager_deallocate_wrapper";
    pub const WRITE_UINT8S: &str = "__llvm_orc_bootstrap_mem_write_uint8s_wrapper";
    pub const WRITE_UINT16S: &str = "__llvm_orc_bootstrap_mem_write_uint16s_wrapper";
    pub const WRITE_UINT32S: &str = "__llvm_orc_bootstrap_mem_write_uint32s_wrapper";
    pub const WRITE_UINT64S: &str = "__llvm_orc_bootstrap_mem_write_uint64s_wrapper";
    pub const WRITE_BUFFERS: &str = "__llvm_orc_bootstrap_mem_write_buffers_wrapper";
    pub const DYLIB_MANAGER: &str = "__llvm_orc_SimpleExecutorDylibManager_Instance";
    pub const DYLIB_OPEN: &str = "__llvm_orc_SimpleExecutorDylibManager_open_wrapper";
    pub const DYLIB_LOOKUP: &str = "__llvm_orc_SimpleExecutorDylibManager_lookup_wrapper";
    pub const RUN_AS_MAIN: &str = "__llvm_orc_bootstrap_run_as_main_wrapper";
    pub const RUN_AS_VOID_FUNCTION: &str = "__llvm_orc_bootstrap_run_as_void_function_wrapper";
    pub const RUN_AS_INT_FUNCTION: &str = "__llvm_orc_bootstrap_run_as_int_function_wrapper";
    pub const REGISTER_EH_FRAME: &str = "llvm_orc_registerEHFrameSectionWrapper";
    pub const DEREGISTER_EH_FRAME: &str = "llvm_orc_deregisterEHFrameSectionWrapper";
    /// Not a bootstrap symbol: the controller finds it with a dylib lookup.
    pub const REGISTER_JIT_LOADER_GDB: &str = "llvm_orc_registerJITLoaderGDBWrapper";
}

/// `JITSymbolFlags::Exported`, the flags a dylib lookup reports.
pub const SYMBOL_FLAG_EXPORTED: u8 = 1 << 4;

/// `tpctypes::RemoteAllocGroup` wire bits.
pub const PROT_READ: u8 = 1 << 0;
pub const PROT_WRITE: u8 = 1 << 1;
pub const PROT_EXEC: u8 = 1 << 2;
pub const FINALIZE_LIFETIME: u8 = 1 << 3;

/// `[start, end)` in the executor (`SPSExecutorAddrRange`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddressRange {
    pub start: u64,
    pub end: u64,
}

impl AddressRange {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(AddressRange {
            start: r.u64()?,
            end: r.u64()?,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.u64(self.start).u64(self.end);
    }
}

/// A wrapper function to call with argument bytes (`SPSWrapperFunctionCall`):
/// an allocation action. Address 0 means no action.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WrapperCall {
    pub function: u64,
    pub args: Vec<u8>,
}

impl WrapperCall {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(WrapperCall {
            function: r.u64()?,
            args: r.byte_sequence()?.to_vec(),
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.u64(self.function).byte_sequence(&self.args);
    }
}

/// One segment of a finalize request: its protection (the wire bits above),
/// where it goes, its size and the content to copy (the rest is zeroed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    pub protection: u8,
    pub address: u64,
    pub size: u64,
    pub content: &'a [u8],
}

/// `SimpleExecutorMemoryManager::finalize`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalizeRequest<'a> {
    pub manager: u64,
    pub segments: Vec<Segment<'a>>,
    /// (finalize action, deallocate action) pairs, in order.
    pub actions: Vec<(WrapperCall, WrapperCall)>,
}

impl<'a> FinalizeRequest<'a> {
    pub fn decode(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let manager = r.u64()?;
        // Protection, address, size and a content count: 25 bytes.
        let n = r.count(25)?;
        let mut segments = Vec::with_capacity(n);
        for _ in 0..n {
            segments.push(Segment {
                protection: r.u8()?,
                address: r.u64()?,
                size: r.u64()?,
                content: r.byte_sequence()?,
            });
        }
        // Two addresses and two argument counts: 32 bytes.
        let n = r.count(32)?;
        let mut actions = Vec::with_capacity(n);
        for _ in 0..n {
            actions.push((WrapperCall::decode(&mut r)?, WrapperCall::decode(&mut r)?));
        }
        r.finish()?;
        Ok(FinalizeRequest {
            manager,
            segments,
            actions,
        })
    }

    pub fn encode(&self) -> Writer {
        let mut w = Writer::new();
        w.u64(self.manager).u64(self.segments.len() as u64);
        for s in &self.segments {
            w.u8(s.protection).u64(s.address).u64(s.size);
            w.byte_sequence(s.content);
        }
        w.u64(self.actions.len() as u64);
        for (finalize, deallocate) in &self.actions {
            finalize.encode(&mut w);
            deallocate.encode(&mut w);
        }
        w
    }
}

/// An instance address followed by one u64: `reserve(instance, size)`.
pub fn decode_reserve(bytes: &[u8]) -> Result<(u64, u64), DecodeError> {
    let mut r = Reader::new(bytes);
    let value = (r.u64()?, r.u64()?);
    r.finish()?;
    Ok(value)
}

pub fn encode_reserve(manager: u64, size: u64) -> Writer {
    let mut w = Writer::new();
    w.u64(manager).u64(size);
    w
}

/// `deallocate(instance, Sequence<address>)`.
pub fn decode_deallocate(bytes: &[u8]) -> Result<(u64, Vec<u64>), DecodeError> {
    let mut r = Reader::new(bytes);
    let manager = r.u64()?;
    let bases = r.u64_sequence()?;
    r.finish()?;
    Ok((manager, bases))
}

pub fn encode_deallocate(manager: u64, bases: &[u64]) -> Writer {
    let mut w = Writer::new();
    w.u64(manager).u64_sequence(bases);
    w
}

/// One memory write: where, and the bytes to store there (little-endian for
/// the integer writes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryWrite<'a> {
    pub address: u64,
    pub bytes: &'a [u8],
}

/// `Sequence<(address, uN)>` for N = 8 * `width`, or `Sequence<(address,
/// bytes)>` when `width` is `None` (the buffers write).
pub fn decode_writes(
    bytes: &[u8],
    width: Option<usize>,
) -> Result<Vec<MemoryWrite<'_>>, DecodeError> {
    let mut r = Reader::new(bytes);
    let n = r.count(8 + width.unwrap_or(8))?;
    let mut writes = Vec::with_capacity(n);
    for _ in 0..n {
        let address = r.u64()?;
        let bytes = match width {
            Some(width) => r.bytes(width, "truncated memory write")?,
            None => r.byte_sequence()?,
        };
        writes.push(MemoryWrite { address, bytes });
    }
    r.finish()?;
    Ok(writes)
}

pub fn encode_writes(writes: &[MemoryWrite<'_>], width: Option<usize>) -> Writer {
    let mut w = Writer::new();
    w.u64(writes.len() as u64);
    for write in writes {
        w.u64(write.address);
        match width {
            Some(_) => {
                w.bytes.extend_from_slice(write.bytes);
            }
            None => {
                w.byte_sequence(write.bytes);
            }
        }
    }
    w
}

/// `open(instance, path, mode)`.
pub fn decode_dylib_open(bytes: &[u8]) -> Result<(u64, String, u64), DecodeError> {
    let mut r = Reader::new(bytes);
    let value = (r.u64()?, r.string()?, r.u64()?);
    r.finish()?;
    Ok(value)
}

pub fn encode_dylib_open(manager: u64, path: &str, mode: u64) -> Writer {
    let mut w = Writer::new();
    w.u64(manager).string(path).u64(mode);
    w
}

/// `lookup(instance, handle, Sequence<(name, required)>)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DylibLookup {
    pub manager: u64,
    pub handle: u64,
    pub symbols: Vec<(String, bool)>,
}

impl DylibLookup {
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let manager = r.u64()?;
        let handle = r.u64()?;
        // A name's count and the required flag: 9 bytes.
        let n = r.count(9)?;
        let mut symbols = Vec::with_capacity(n);
        for _ in 0..n {
            symbols.push((r.string()?, r.bool()?));
        }
        r.finish()?;
        Ok(DylibLookup {
            manager,
            handle,
            symbols,
        })
    }

    pub fn encode(&self) -> Writer {
        let mut w = Writer::new();
        w.u64(self.manager).u64(self.handle);
        w.u64(self.symbols.len() as u64);
        for (name, required) in &self.symbols {
            w.string(name).bool(*required);
        }
        w
    }
}

/// A lookup's result: `Expected<Sequence<(address, (flags, target flags))>>`
/// with every symbol found marked exported.
pub fn encode_lookup_result(addresses: &[u64]) -> Writer {
    let mut w = Writer::new();
    w.bool(true).u64(addresses.len() as u64);
    for &address in addresses {
        w.u64(address).u8(SYMBOL_FLAG_EXPORTED).u8(0);
    }
    w
}

/// `run_as_main(function, Sequence<String> argv)`.
pub fn decode_run_as_main(bytes: &[u8]) -> Result<(u64, Vec<String>), DecodeError> {
    let mut r = Reader::new(bytes);
    let function = r.u64()?;
    let n = r.count(8)?;
    let mut args = Vec::with_capacity(n);
    for _ in 0..n {
        args.push(r.string()?);
    }
    r.finish()?;
    Ok((function, args))
}

pub fn encode_run_as_main(function: u64, args: &[&str]) -> Writer {
    let mut w = Writer::new();
    w.u64(function).u64(args.len() as u64);
    for arg in args {
        w.string(arg);
    }
    w
}

/// `run_as_void_function(function)`.
pub fn decode_run_as_void(bytes: &[u8]) -> Result<u64, DecodeError> {
    let mut r = Reader::new(bytes);
    let function = r.u64()?;
    r.finish()?;
    Ok(function)
}

/// `run_as_int_function(function, int32 argument)`.
pub fn decode_run_as_int(bytes: &[u8]) -> Result<(u64, i32), DecodeError> {
    let mut r = Reader::new(bytes);
    let value = (r.u64()?, r.u32()? as i32);
    r.finish()?;
    Ok(value)
}

pub fn encode_run_as_int(function: u64, arg: i32) -> Writer {
    let mut w = Writer::new();
    w.u64(function).u32(arg as u32);
    w
}

/// The EH-frame (de)registration argument: the `.eh_frame` section's range.
pub fn decode_range(bytes: &[u8]) -> Result<AddressRange, DecodeError> {
    let mut r = Reader::new(bytes);
    let range = AddressRange::decode(&mut r)?;
    r.finish()?;
    Ok(range)
}

pub fn encode_range(range: AddressRange) -> Writer {
    let mut w = Writer::new();
    range.encode(&mut w);
    w
}

/// The GDB registration argument: the debug object's range, and whether to
/// notify the debugger now.
pub fn decode_debug_object(bytes: &[u8]) -> Result<(AddressRange, bool), DecodeError> {
    let mut r = Reader::new(bytes);
    let value = (AddressRange::decode(&mut r)?, r.bool()?);
    r.finish()?;
    Ok(value)
}

pub fn encode_debug_object(range: AddressRange, notify: bool) -> Writer {
    let mut w = Writer::new();
    range.encode(&mut w);
    w.bool(notify);
    w
}

/// A wrapper function's `SPSError` result, decoded completely.
pub fn decode_error_result(bytes: &[u8]) -> Result<Option<String>, DecodeError> {
    let mut r = Reader::new(bytes);
    let error = r.error()?;
    r.finish()?;
    Ok(error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// Every proper prefix of `bytes` must fail to decode.
    fn every_truncation_fails(bytes: &[u8], decodes: impl Fn(&[u8]) -> bool) {
        for len in 0..bytes.len() {
            assert!(
                !decodes(&bytes[..len]),
                "decoded {len} of {} bytes",
                bytes.len()
            );
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(!decodes(&longer), "trailing byte accepted");
    }

    fn finalize_request(content: &[u8]) -> FinalizeRequest<'_> {
        FinalizeRequest {
            manager: 0x10,
            segments: vec![Segment {
                protection: PROT_READ | PROT_EXEC,
                address: 0x7000_0000,
                size: 4096,
                content,
            }],
            actions: vec![(
                WrapperCall {
                    function: 0x7000_0010,
                    args: vec![1, 2],
                },
                WrapperCall::default(),
            )],
        }
    }

    #[test]
    fn finalize_request_layout_and_round_trip() {
        let content = [0xc3u8, 0x90];
        let request = finalize_request(&content);
        let w = request.encode();
        // Instance, segment count, then the protection byte.
        assert_eq!(&w.bytes[8..16], &1u64.to_le_bytes());
        assert_eq!(w.bytes[16], PROT_READ | PROT_EXEC);
        assert_eq!(FinalizeRequest::decode(&w.bytes), Ok(request));
        every_truncation_fails(&w.bytes, |b| FinalizeRequest::decode(b).is_ok());
    }

    #[test]
    fn hostile_counts_are_errors() {
        let mut w = Writer::new();
        w.u64(0x10).u64(u64::MAX);
        assert_eq!(
            FinalizeRequest::decode(&w.bytes).unwrap_err().what,
            "sequence longer than the message"
        );
        assert!(decode_deallocate(&w.bytes).is_err());
        assert!(decode_writes(&w.bytes[8..], Some(8)).is_err());
    }

    #[test]
    fn reserve_and_deallocate() {
        let w = encode_reserve(0x10, 8192);
        assert_eq!(decode_reserve(&w.bytes), Ok((0x10, 8192)));
        every_truncation_fails(&w.bytes, |b| decode_reserve(b).is_ok());
        let w = encode_deallocate(0x10, &[0x7000_0000, 0x7100_0000]);
        assert_eq!(
            decode_deallocate(&w.bytes),
            Ok((0x10, vec![0x7000_0000, 0x7100_0000]))
        );
        every_truncation_fails(&w.bytes, |b| decode_deallocate(b).is_ok());
    }

    #[test]
    fn memory_writes() {
        let value = 0xdead_beefu32.to_le_bytes();
        let writes = [
            MemoryWrite {
                address: 0x1000,
                bytes: &value,
            },
            MemoryWrite {
                address: 0x2000,
                bytes: &value,
            },
        ];
        let w = encode_writes(&writes, Some(4));
        assert_eq!(w.bytes.len(), 8 + 2 * 12);
        assert_eq!(decode_writes(&w.bytes, Some(4)).as_deref(), Ok(&writes[..]));
        every_truncation_fails(&w.bytes, |b| decode_writes(b, Some(4)).is_ok());
        let w = encode_writes(&writes, None);
        assert_eq!(decode_writes(&w.bytes, None).as_deref(), Ok(&writes[..]));
        every_truncation_fails(&w.bytes, |b| decode_writes(b, None).is_ok());
    }

    #[test]
    fn dylib_calls() {
        let w = encode_dylib_open(0x20, "", 0);
        assert_eq!(decode_dylib_open(&w.bytes), Ok((0x20, String::new(), 0)));
        every_truncation_fails(&w.bytes, |b| decode_dylib_open(b).is_ok());
        let lookup = DylibLookup {
            manager: 0x20,
            handle: 0x30,
            symbols: vec![("printf".into(), true), ("maybe".into(), false)],
        };
        let w = lookup.encode();
        assert_eq!(DylibLookup::decode(&w.bytes), Ok(lookup));
        every_truncation_fails(&w.bytes, |b| DylibLookup::decode(b).is_ok());
        let w = encode_lookup_result(&[0x40]);
        assert_eq!(
            w.bytes,
            [
                &[1u8][..],
                &1u64.to_le_bytes(),
                &0x40u64.to_le_bytes(),
                &[0x10, 0]
            ]
            .concat()
        );
    }

    #[test]
    fn run_calls() {
        let w = encode_run_as_main(0x50, &["prog", "-v"]);
        assert_eq!(
            decode_run_as_main(&w.bytes),
            Ok((0x50, vec![String::from("prog"), String::from("-v")]))
        );
        every_truncation_fails(&w.bytes, |b| decode_run_as_main(b).is_ok());
        let w = encode_run_as_int(0x50, -3);
        assert_eq!(decode_run_as_int(&w.bytes), Ok((0x50, -3)));
        every_truncation_fails(&w.bytes, |b| decode_run_as_int(b).is_ok());
        assert_eq!(decode_run_as_void(&0x50u64.to_le_bytes()), Ok(0x50));
        every_truncation_fails(&0x50u64.to_le_bytes(), |b| decode_run_as_void(b).is_ok());
    }

    #[test]
    fn ranges_and_errors() {
        let range = AddressRange {
            start: 0x1000,
            end: 0x1100,
        };
        let w = encode_range(range);
        assert_eq!(decode_range(&w.bytes), Ok(range));
        every_truncation_fails(&w.bytes, |b| decode_range(b).is_ok());
        let w = encode_debug_object(range, true);
        assert_eq!(decode_debug_object(&w.bytes), Ok((range, true)));
        every_truncation_fails(&w.bytes, |b| decode_debug_object(b).is_ok());
        let mut w = Writer::new();
        w.error(Some("boom"));
        assert_eq!(decode_error_result(&w.bytes), Ok(Some("boom".into())));
        every_truncation_fails(&w.bytes, |b| decode_error_result(b).is_ok());
    }
}
