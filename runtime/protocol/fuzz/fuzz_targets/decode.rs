//! Any bytes from a peer: the header and payload decoders must return an
//! error or a value, never panic, read out of bounds or allocate at will.
//! Run: cd runtime/protocol/fuzz && cargo +nightly fuzz run decode
#![no_main]

use autojit_protocol::{autojit, executor, ExecutorInfo, Header, Reader, HEADER_SIZE};
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
    // The executor services' arguments: what decodes re-encodes to the
    // same bytes.
    if let Ok(request) = executor::FinalizeRequest::decode(data) {
        assert_eq!(request.encode().bytes, data);
    }
    if let Ok(lookup) = executor::DylibLookup::decode(data) {
        assert_eq!(lookup.encode().bytes, data);
    }
    for width in [Some(1), Some(2), Some(4), Some(8), None] {
        if let Ok(writes) = executor::decode_writes(data, width) {
            assert_eq!(executor::encode_writes(&writes, width).bytes, data);
        }
    }
    let _ = executor::decode_reserve(data);
    let _ = executor::decode_deallocate(data);
    let _ = executor::decode_dylib_open(data);
    let _ = executor::decode_run_as_main(data);
    let _ = executor::decode_run_as_void(data);
    let _ = executor::decode_run_as_int(data);
    let _ = executor::decode_range(data);
    let _ = executor::decode_debug_object(data);
    let _ = executor::decode_error_result(data);
    // autojit's own calls, which autojitd decodes.
    if let Ok(modules) = autojit::decode_registrations(data) {
        assert_eq!(autojit::encode_registrations(&modules).bytes, data);
    }
    if let Ok(call) = autojit::decode_materialize(data) {
        assert_eq!(autojit::encode_materialize(call).bytes, data);
    }
    if let Ok(call) = autojit::decode_hot(data) {
        assert_eq!(autojit::encode_hot(&call).bytes, data);
    }
    if let Ok(wait) = autojit::decode_leaving(data) {
        assert_eq!(autojit::encode_leaving(wait).bytes, data);
    }
    // The stub decodes these.
    if let Ok(publications) = autojit::decode_publications(data) {
        assert_eq!(autojit::encode_publications(&publications).bytes, data);
    }
    if let Ok(result) = autojit::decode_materialize_result(data) {
        assert_eq!(autojit::decode_materialize_result(&autojit::encode_materialize_result(&result).bytes), Ok(result));
    }
    if let Ok(stats) = autojit::decode_stats(data) {
        assert_eq!(autojit::encode_stats(&stats).bytes, data);
    }
    let mut r = Reader::new(data);
    let _ = r.error();
    let _ = r.string();
    let _ = r.byte_sequence();
});
