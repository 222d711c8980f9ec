//! Conformance with LLVM's own implementation: LLVM 19's
//! `llvm-jitlink-executor` introduces itself with a setup message that this
//! codec must decode, and must accept the hangup this codec encodes.

use autojit_protocol::{ExecutorInfo, Header, Opcode, Reader, Writer, HEADER_SIZE};
use std::io::{Read, Write};
use std::process::{Command, Stdio};

fn executor() -> String {
    let prefix = std::env::var("LLVM_SYS_191_PREFIX").unwrap_or_else(|_| "/usr/lib/llvm-19".into());
    format!("{prefix}/bin/llvm-jitlink-executor")
}

#[test]
fn decodes_llvm_executor_setup_and_hangs_it_up() {
    let path = executor();
    let mut child = Command::new(&path)
        .arg("filedescs=0,1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {path} (install llvm-19): {e}"));
    let mut from_executor = child.stdout.take().unwrap();
    let mut header = [0u8; HEADER_SIZE];
    from_executor.read_exact(&mut header).unwrap();
    let header = Header::decode(&header).unwrap();
    assert_eq!(header.opcode, Opcode::Setup);
    let mut payload = vec![0u8; header.payload_len];
    from_executor.read_exact(&mut payload).unwrap();

    let mut r = Reader::new(&payload);
    let info = ExecutorInfo::decode(&mut r).unwrap();
    r.finish().unwrap();
    assert!(
        info.target_triple.starts_with("x86_64"),
        "{}",
        info.target_triple
    );
    assert!(info.page_size.is_power_of_two());
    let names: Vec<&str> = info
        .bootstrap_symbols
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    assert!(
        names.contains(&"__llvm_orc_SimpleRemoteEPC_dispatch_ctx"),
        "{names:?}"
    );
    assert!(
        names.contains(&"__llvm_orc_SimpleRemoteEPC_dispatch_fn"),
        "{names:?}"
    );
    assert!(info
        .bootstrap_symbols
        .iter()
        .all(|(_, address)| *address != 0));

    // A hangup without error ends the executor cleanly.
    let mut hangup = Writer::new();
    hangup.error(None);
    let mut to_executor = child.stdin.take().unwrap();
    let h = Header {
        opcode: Opcode::Hangup,
        seq_no: 0,
        tag_addr: 0,
        payload_len: hangup.bytes.len(),
    };
    to_executor.write_all(&h.encode()).unwrap();
    to_executor.write_all(&hangup.bytes).unwrap();
    drop(to_executor);
    assert!(child.wait().unwrap().success());
}
