//! Conformance with LLVM's own implementation. LLVM 19's
//! `llvm-jitlink-executor` introduces itself with a setup message that this
//! codec must decode. It answers wrapper calls this codec encodes (here:
//! reserving and releasing memory through its memory manager) with results
//! this codec decodes. And it accepts the hangup this codec encodes.

use autojit_protocol::{DecodeError, ExecutorInfo, Header, Opcode, Reader, Writer, HEADER_SIZE};
use std::io::{Read, Write};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};

fn executor() -> String {
    let prefix = std::env::var("LLVM_SYS_191_PREFIX").unwrap_or_else(|_| "/usr/lib/llvm-19".into());
    format!("{prefix}/bin/llvm-jitlink-executor")
}

fn receive(from: &mut ChildStdout) -> (Header, Vec<u8>) {
    let mut header = [0u8; HEADER_SIZE];
    from.read_exact(&mut header).unwrap();
    let header = Header::decode(&header).unwrap();
    let mut payload = vec![0u8; header.payload_len];
    from.read_exact(&mut payload).unwrap();
    (header, payload)
}

fn send(to: &mut ChildStdin, opcode: Opcode, seq_no: u64, tag_addr: u64, payload: &[u8]) {
    let header = Header {
        opcode,
        seq_no,
        tag_addr,
        payload_len: payload.len(),
    };
    to.write_all(&header.encode()).unwrap();
    to.write_all(payload).unwrap();
}

/// The controller's side of a session: calls wrapper functions in the
/// executor and decodes their results completely.
struct Controller {
    to: ChildStdin,
    from: ChildStdout,
    next_seq_no: u64,
}

impl Controller {
    fn call<T>(
        &mut self,
        function: u64,
        args: &Writer,
        decode: impl FnOnce(&mut Reader<'_>) -> Result<T, DecodeError>,
    ) -> T {
        self.next_seq_no += 1;
        let seq_no = self.next_seq_no;
        send(
            &mut self.to,
            Opcode::CallWrapper,
            seq_no,
            function,
            &args.bytes,
        );
        let (header, result) = receive(&mut self.from);
        assert_eq!((header.opcode, header.seq_no), (Opcode::Result, seq_no));
        let mut r = Reader::new(&result);
        let value = decode(&mut r).unwrap();
        r.finish().unwrap();
        value
    }
}

#[test]
fn talks_to_llvm_executor() {
    let path = executor();
    let mut child = Command::new(&path)
        .arg("filedescs=0,1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {path} (install llvm-19): {e}"));
    let mut from = child.stdout.take().unwrap();
    let to = child.stdin.take().unwrap();

    let (header, payload) = receive(&mut from);
    assert_eq!(header.opcode, Opcode::Setup);
    let mut r = Reader::new(&payload);
    let info = ExecutorInfo::decode(&mut r).unwrap();
    r.finish().unwrap();
    assert!(
        info.target_triple.starts_with("x86_64"),
        "{}",
        info.target_triple
    );
    assert!(info.page_size.is_power_of_two());
    let symbol = |name: &str| {
        info.bootstrap_symbols
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, address)| address)
            .unwrap_or_else(|| panic!("no bootstrap symbol {name}"))
    };
    symbol("__llvm_orc_SimpleRemoteEPC_dispatch_ctx");
    symbol("__llvm_orc_SimpleRemoteEPC_dispatch_fn");

    let mut controller = Controller {
        to,
        from,
        next_seq_no: 0,
    };
    let instance = symbol("__llvm_orc_SimpleExecutorMemoryManager_Instance");

    // reserve: Expected<ExecutorAddr>(ExecutorAddr instance, uint64_t size)
    let mut args = Writer::new();
    args.u64(instance).u64(info.page_size);
    let reserve = symbol("__llvm_orc_SimpleExecutorMemoryManager_reserve_wrapper");
    let address = controller
        .call(reserve, &args, |r| r.expected(|r| r.u64()))
        .expect("reserve succeeds");
    assert!(
        address != 0 && address.is_multiple_of(info.page_size),
        "{address:#x}"
    );

    // deallocate: Error(ExecutorAddr instance, Sequence<ExecutorAddr> bases)
    let mut args = Writer::new();
    args.u64(instance).u64(1).u64(address);
    let deallocate = symbol("__llvm_orc_SimpleExecutorMemoryManager_deallocate_wrapper");
    assert_eq!(controller.call(deallocate, &args, |r| r.error()), None);

    // A hangup without error ends the executor cleanly.
    let mut hangup = Writer::new();
    hangup.error(None);
    send(&mut controller.to, Opcode::Hangup, 0, 0, &hangup.bytes);
    drop(controller);
    assert!(child.wait().unwrap().success());
}
