"""Plays a hostile SimpleRemoteEPC controller against an executor program
(`<executor> filedescs=0,1`): each case is a session of its own that sends
one bad message (some after reserving a page, to aim just beside it).
Prints, per case, the executor's exit status, how many lines it wrote to
stderr and the first of them."""

import collections
import struct
import subprocess
import sys

SETUP, HANGUP, RESULT, CALL_WRAPPER = 0, 1, 2, 3


def message(opcode, seq_no, tag, payload=b""):
    return struct.pack("<QQQQ", 32 + len(payload), opcode, seq_no, tag) + payload


def u64(v):
    return struct.pack("<Q", v)


def seq(items):
    return u64(len(items)) + b"".join(items)


def read_setup(out):
    header = out.read(32)
    size, opcode, _, _ = struct.unpack("<QQQQ", header)
    assert opcode == SETUP, opcode
    data = out.read(size - 32)
    at = 0

    def take_u64():
        nonlocal at
        (v,) = struct.unpack_from("<Q", data, at)
        at += 8
        return v

    def take_bytes():
        nonlocal at
        n = take_u64()
        at += n
        return data[at - n : at]

    take_bytes()  # triple
    take_u64()  # page size
    for _ in range(take_u64()):
        take_bytes(), take_bytes()
    return {take_bytes().decode(): take_u64() for _ in range(take_u64())}


def cases(symbols):
    manager = symbols["__llvm_orc_SimpleExecutorMemoryManager_Instance"]
    call = lambda name, payload: message(CALL_WRAPPER, 1, symbols[name], payload)
    outside = 0x1000
    yield "garbage", u64(48) + b"garbage, not a SimpleRemoteEPC message!!"
    yield "truncated-header", message(CALL_WRAPPER, 1, 0)[:10]
    yield "oversized-length", struct.pack("<QQQQ", 1 << 40, CALL_WRAPPER, 1, 0)
    yield "unknown-tag", message(CALL_WRAPPER, 1, 0x1234, b"")
    yield "write-outside", call(
        "__llvm_orc_bootstrap_mem_write_uint8s_wrapper", seq([u64(outside) + b"\x2a"])
    )
    segment = b"\x05" + u64(outside) + u64(4096) + seq([b"\xc3"])
    yield "finalize-outside", call(
        "__llvm_orc_SimpleExecutorMemoryManager_finalize_wrapper",
        u64(manager) + seq([segment]) + seq([]),
    )
    yield "deallocate-unknown", call(
        "__llvm_orc_SimpleExecutorMemoryManager_deallocate_wrapper",
        u64(manager) + seq([u64(outside)]),
    )
    yield "run-as-main-not-jit", call(
        "__llvm_orc_bootstrap_run_as_main_wrapper",
        u64(symbols["__llvm_orc_SimpleRemoteEPC_dispatch_fn"]) + seq([]),
    )
    yield "result-unknown-seq", message(RESULT, 77, 0, b"")
    yield "lookup-unissued-handle", call(
        "__llvm_orc_SimpleExecutorDylibManager_lookup_wrapper",
        u64(symbols["__llvm_orc_SimpleExecutorDylibManager_Instance"])
        + u64(0x1234)
        + seq([u64(4) + b"puts" + b"\x01"]),
    )
    # A body published in a record the program never sent.
    yield "publish-unsent-record", call(
        "__autojit_publish_wrapper", u64(1) + u64(outside) + u64(outside + 64)
    )
    yield "eh-frame-outside", call(
        "llvm_orc_registerEHFrameSectionWrapper", u64(outside) + u64(outside + 64)
    )
    finalize = lambda segments, actions: call(
        "__llvm_orc_SimpleExecutorMemoryManager_finalize_wrapper",
        u64(manager) + seq(segments) + seq(actions),
    )
    # These take the base of a page the executor reserved.
    yield "segment-content-over-size", lambda base: finalize(
        [b"\x03" + u64(base) + u64(16) + seq([b"\x00"] * 32)], []
    )
    yield "segment-unaligned", lambda base: finalize(
        [b"\x03" + u64(base + 8) + u64(16) + seq([])], []
    )
    no_call = u64(0) + seq([])
    yield "action-not-jit", lambda base: finalize(
        [b"\x03" + u64(base) + u64(16) + seq([])], [u64(outside) + seq([]) + no_call]
    )


def reserve_page(symbols, into, out):
    """Reserves a page through the memory manager; its address."""
    manager = symbols["__llvm_orc_SimpleExecutorMemoryManager_Instance"]
    reserve = symbols["__llvm_orc_SimpleExecutorMemoryManager_reserve_wrapper"]
    into.write(message(CALL_WRAPPER, 9, reserve, u64(manager) + u64(4096)))
    into.flush()
    size, opcode, seq_no, _ = struct.unpack("<QQQQ", out.read(32))
    result = out.read(size - 32)
    assert (opcode, seq_no, result[0]) == (RESULT, 9, 1), (opcode, seq_no, result)
    return struct.unpack_from("<Q", result, 1)[0]


def run(executor, name):
    """One session: the setup, one bad message, then end of input."""
    child = subprocess.Popen(
        [executor, "filedescs=0,1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Tags are addresses in the executor, which differ from run to run.
    symbols = read_setup(child.stdout)
    payload = dict(cases(symbols))[name]
    if callable(payload):
        payload = payload(reserve_page(symbols, child.stdin, child.stdout))
    try:
        child.stdin.write(payload)
        child.stdin.close()
    except BrokenPipeError:
        pass
    child.stdout.read()
    lines = child.stderr.read().decode().splitlines()
    status = child.wait(timeout=60)
    first = lines[0] if lines else "<nothing>"
    print(f"{name}: status={status} lines={len(lines)} {first}")


def main():
    executor = sys.argv[1]
    placeholder = collections.defaultdict(int)
    for name, _ in cases(placeholder):
        run(executor, name)


if __name__ == "__main__":
    main()
