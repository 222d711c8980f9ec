//! Any bytes from a peer: the header and payload decoders must return an
//! error or a value, never panic, read out of bounds or allocate at will.
//! Run: cd runtime/protocol/fuzz && cargo +nightly fuzz run decode
#![no_main]

use autojit_protocol::{ExecutorInfo, Header, Reader, HEADER_SIZE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(header) = data.get(..HEADER_SIZE) {
        let header: &[u8; HEADER_SIZE] = header.try_into().expect("32 bytes");
        let _ = Header::decode(header);
    }
    let mut r = Reader::new(data);
    if let Ok(info) = ExecutorInfo::decode(&mut r) {
        let mut w = autojit_protocol::Writer::new();
        info.encode(&mut w);
        // What decodes re-encodes to the bytes it came from.
        assert_eq!(&w.bytes[..], &data[..data.len() - r.remaining()]);
    }
    let mut r = Reader::new(data);
    let _ = r.error();
    let _ = r.string();
    let _ = r.byte_sequence();
});
