#!/usr/bin/env python3
"""Plays `autojitd --stdio` for a program linked with the stub, answering
its first materialize call the way $HOSTILE_DAEMON_CASE says is wrong:
- linked-outside: a body linked with it lies outside JIT'd code;
- linked-truncated: the list of bodies linked with it is cut short.
Registrations are accepted; everything else the program sends is read and
left unanswered."""

import os
import struct
import sys

from hostile_controller import CALL_WRAPPER, RESULT, message, read_setup, u64


def materialize_answer(case, guid):
    outside = 0x1000
    if case == "linked-outside":
        return b"\x00" + u64(outside) + u64(1) + u64(guid ^ 1) + u64(outside + 64)
    if case == "linked-truncated":
        return b"\x00" + u64(outside) + u64(2) + u64(guid ^ 1)
    sys.exit(f"hostile_daemon.py: unknown case {case!r}")


def serve(case, inp, out):
    symbols = read_setup(inp)
    out.write(message(CALL_WRAPPER, 1, symbols["__autojit_session_ready_wrapper"]))
    out.flush()
    while True:
        header = inp.read(32)
        if len(header) < 32:
            return
        size, opcode, seq_no, tag = struct.unpack("<QQQQ", header)
        payload = inp.read(size - 32)
        if opcode != CALL_WRAPPER:
            continue
        if tag == symbols["__autojit_register_tag"]:
            out.write(message(RESULT, seq_no, 0, b"\x00"))
        elif tag == symbols["__autojit_materialize_tag"]:
            (guid,) = struct.unpack_from("<Q", payload, 0)
            out.write(message(RESULT, seq_no, 0, materialize_answer(case, guid)))
        out.flush()


def main():
    # As autojitd does: the program reaps the first process.
    if os.fork() > 0:
        os._exit(0)
    os.setsid()
    serve(os.environ["HOSTILE_DAEMON_CASE"], os.fdopen(0, "rb"), os.fdopen(1, "wb"))


if __name__ == "__main__":
    main()
