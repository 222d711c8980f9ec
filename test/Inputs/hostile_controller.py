"""Plays a hostile SimpleRemoteEPC controller against an executor program
(`<executor> filedescs=0,1`): each case is a session of its own that sends
one bad message. Prints, per case, the executor's exit status, how many
lines it wrote to stderr and the first of them."""

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


def run(executor, name):
    """One session: the setup, one bad message, then end of input."""
    child = subprocess.Popen(
        [executor, "filedescs=0,1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Tags are addresses in the executor, which differ from run to run.
    payload = dict(cases(read_setup(child.stdout)))[name]
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
