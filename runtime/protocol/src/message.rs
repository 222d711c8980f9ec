//! SimpleRemoteEPC messages: the header that frames each one, and the setup
//! message with which an executor introduces itself.

use crate::sps::{DecodeError, Reader, Writer};
use alloc::string::String;
use alloc::vec::Vec;

/// Bytes in a header: total size, opcode, sequence number and tag address,
/// each a little-endian u64. The total size includes the header.
pub const HEADER_SIZE: usize = 32;

/// Larger messages are refused: no real setup, call or result needs them,
/// and a peer must not make the other side allocate at will.
pub const MAX_MESSAGE_SIZE: u64 = 1 << 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opcode {
    Setup = 0,
    Hangup = 1,
    Result = 2,
    CallWrapper = 3,
}

impl TryFrom<u64> for Opcode {
    type Error = u64;

    fn try_from(v: u64) -> Result<Self, u64> {
        match v {
            0 => Ok(Opcode::Setup),
            1 => Ok(Opcode::Hangup),
            2 => Ok(Opcode::Result),
            3 => Ok(Opcode::CallWrapper),
            other => Err(other),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub opcode: Opcode,
    pub seq_no: u64,
    pub tag_addr: u64,
    /// Bytes of arguments that follow the header.
    pub payload_len: usize,
}

impl Header {
    pub fn encode(&self) -> [u8; HEADER_SIZE] {
        let mut out = [0u8; HEADER_SIZE];
        let fields = [
            (HEADER_SIZE + self.payload_len) as u64,
            self.opcode as u64,
            self.seq_no,
            self.tag_addr,
        ];
        for (chunk, field) in out.chunks_exact_mut(8).zip(fields) {
            chunk.copy_from_slice(&field.to_le_bytes());
        }
        out
    }

    pub fn decode(bytes: &[u8; HEADER_SIZE]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let (size, opcode, seq_no, tag_addr) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?);
        if size < HEADER_SIZE as u64 {
            return Err(DecodeError {
                what: "message size smaller than its header",
                offset: 0,
            });
        }
        if size > MAX_MESSAGE_SIZE {
            return Err(DecodeError {
                what: "message size over the 1 GiB limit",
                offset: 0,
            });
        }
        let opcode = Opcode::try_from(opcode).map_err(|_| DecodeError {
            what: "unknown opcode",
            offset: 8,
        })?;
        Ok(Header {
            opcode,
            seq_no,
            tag_addr,
            payload_len: size as usize - HEADER_SIZE,
        })
    }
}

/// Payloads are read in steps of at most this size: a header announcing a
/// huge message costs nothing until its bytes actually arrive.
pub const PAYLOAD_READ_STEP: usize = 1 << 20;

/// Reads a payload of `len` bytes with `fill`, which fills the buffer it is
/// given and returns how many bytes it read (fewer when the input ended),
/// growing the payload in steps as bytes arrive. `Err(n)` inside when the
/// input ended after `n` bytes.
pub fn read_payload<E>(
    len: usize,
    mut fill: impl FnMut(&mut [u8]) -> Result<usize, E>,
) -> Result<Result<Vec<u8>, usize>, E> {
    let mut payload = Vec::new();
    while payload.len() < len {
        let start = payload.len();
        payload.resize(start + (len - start).min(PAYLOAD_READ_STEP), 0);
        let got = fill(&mut payload[start..])?;
        if start + got < payload.len() {
            return Ok(Err(start + got));
        }
    }
    Ok(Ok(payload))
}

/// The setup message's payload (`SimpleRemoteEPCExecutorInfo`): what the
/// executor is, and the addresses of the functions the controller may call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecutorInfo {
    pub target_triple: String,
    pub page_size: u64,
    pub bootstrap_map: Vec<(String, Vec<u8>)>,
    pub bootstrap_symbols: Vec<(String, u64)>,
}

impl ExecutorInfo {
    pub fn encode(&self, w: &mut Writer) {
        w.string(&self.target_triple).u64(self.page_size);
        w.u64(self.bootstrap_map.len() as u64);
        for (name, value) in &self.bootstrap_map {
            w.string(name).byte_sequence(value);
        }
        w.u64(self.bootstrap_symbols.len() as u64);
        for (name, address) in &self.bootstrap_symbols {
            w.string(name).u64(*address);
        }
    }

    pub fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let target_triple = r.string()?;
        let page_size = r.u64()?;
        // Each entry holds at least two sequence counts, or a count and an
        // address: 16 bytes.
        let entries = r.count(16)?;
        let mut bootstrap_map = Vec::with_capacity(entries);
        for _ in 0..entries {
            bootstrap_map.push((r.string()?, r.byte_sequence()?.to_vec()));
        }
        let symbols = r.count(16)?;
        let mut bootstrap_symbols = Vec::with_capacity(symbols);
        for _ in 0..symbols {
            bootstrap_symbols.push((r.string()?, r.u64()?));
        }
        Ok(ExecutorInfo {
            target_triple,
            page_size,
            bootstrap_map,
            bootstrap_symbols,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup_info() -> ExecutorInfo {
        ExecutorInfo {
            target_triple: "x86_64-unknown-linux-gnu".into(),
            page_size: 4096,
            bootstrap_map: Vec::new(),
            bootstrap_symbols: alloc::vec![(
                "__llvm_orc_SimpleRemoteEPC_dispatch_ctx".into(),
                0x5555_1eff_04e0
            )],
        }
    }

    #[test]
    fn payloads_grow_in_steps_and_stop_at_the_end_of_input() {
        let input = alloc::vec![7u8; PAYLOAD_READ_STEP + 10];
        let input = &input[..];
        // Reads `input` from the start, as much as each buffer holds.
        let reader = || {
            let mut at = 0;
            move |buf: &mut [u8]| -> Result<usize, ()> {
                let n = buf.len().min(input.len() - at);
                buf[..n].copy_from_slice(&input[at..at + n]);
                at += n;
                Ok(n)
            }
        };
        assert_eq!(read_payload(input.len(), reader()), Ok(Ok(input.to_vec())));
        // A length far beyond the input: it ends after what there is.
        assert_eq!(read_payload(1 << 30, reader()), Ok(Err(input.len())));
    }

    #[test]
    fn header_layout_is_four_le_u64() {
        let h = Header {
            opcode: Opcode::CallWrapper,
            seq_no: 5,
            tag_addr: 0x1000,
            payload_len: 8,
        };
        let bytes = h.encode();
        assert_eq!(&bytes[0..8], &40u64.to_le_bytes());
        assert_eq!(&bytes[8..16], &3u64.to_le_bytes());
        assert_eq!(&bytes[16..24], &5u64.to_le_bytes());
        assert_eq!(&bytes[24..32], &0x1000u64.to_le_bytes());
        assert_eq!(Header::decode(&bytes), Ok(h));
    }

    #[test]
    fn bad_headers_are_errors() {
        let mut bytes = Header {
            opcode: Opcode::Setup,
            seq_no: 0,
            tag_addr: 0,
            payload_len: 0,
        }
        .encode();
        bytes[0] = 31;
        assert_eq!(
            Header::decode(&bytes).unwrap_err().what,
            "message size smaller than its header"
        );
        bytes[0..8].copy_from_slice(&(MAX_MESSAGE_SIZE + 1).to_le_bytes());
        assert_eq!(
            Header::decode(&bytes).unwrap_err().what,
            "message size over the 1 GiB limit"
        );
        bytes[0..8].copy_from_slice(&32u64.to_le_bytes());
        bytes[8] = 4;
        assert_eq!(Header::decode(&bytes).unwrap_err().what, "unknown opcode");
    }

    #[test]
    fn setup_payload_round_trips() {
        let mut w = Writer::new();
        setup_info().encode(&mut w);
        // Triple first, as a u64-counted string, then the page size.
        assert_eq!(&w.bytes[0..8], &24u64.to_le_bytes());
        assert_eq!(&w.bytes[8..32], b"x86_64-unknown-linux-gnu");
        assert_eq!(&w.bytes[32..40], &4096u64.to_le_bytes());
        let mut r = Reader::new(&w.bytes);
        assert_eq!(ExecutorInfo::decode(&mut r), Ok(setup_info()));
        assert_eq!(r.finish(), Ok(()));
    }

    #[test]
    fn every_truncation_of_a_setup_payload_is_an_error() {
        let mut w = Writer::new();
        setup_info().encode(&mut w);
        for len in 0..w.bytes.len() {
            let mut r = Reader::new(&w.bytes[..len]);
            assert!(
                ExecutorInfo::decode(&mut r).is_err(),
                "decoded {len} of {} bytes",
                w.bytes.len()
            );
        }
    }
}
