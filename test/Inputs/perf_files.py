"""Prints what a program's perf files say, for FileCheck, and removes its map
from /tmp. The program printed `pid=<pid> pc=0x<address>` (an address in
its lazily compiled code) on a line of <output>.

  perf_files.py map <output>                the perf map /tmp/perf-<pid>.map
  perf_files.py jitdump <output> <dir>      the jitdump <dir>/.debug/jit/jit-<pid>.dump
  perf_files.py cleanup <output>            only removes the map

map:      `map <name> size=<ok|bad> [pc]` per line (pc: the function holds
          pc), or `no perf map`
jitdump:  `header magic=<hex> version=<n> mach=<n> pid=<ok|bad>`, then per
          code load `load <name> size=<ok|bad> code=<ok|bad> [pc]`, after
          `lines <name> <file name>:<line> ...` when a line table came first.
"""
import os
import re
import struct
import sys


def program(output_path):
    with open(output_path) as f:
        m = re.search(r"pid=(\d+) pc=(?:0x)?([0-9a-f]+)", f.read())
    if not m:
        sys.exit("no pid=... pc=... line in " + output_path)
    return int(m.group(1)), int(m.group(2), 16)


def size_ok(size):
    return "ok" if 0 < size < 1 << 20 else "bad"


def show_map(pid, pc):
    path = "/tmp/perf-%d.map" % pid
    if not os.path.exists(path):
        print("no perf map")
        return
    with open(path) as f:
        lines = f.read().splitlines()
    os.remove(path)
    for line in lines:
        start, size, name = line.split(" ", 2)
        start, size = int(start, 16), int(size, 16)
        covers = " pc" if start <= pc < start + size else ""
        print("map %s size=%s%s" % (name, size_ok(size), covers))


def show_jitdump(pid, pc, base):
    with open(os.path.join(base, ".debug", "jit", "jit-%d.dump" % pid), "rb") as f:
        data = f.read()
    magic, version, header_size, mach, _, file_pid, _, _ = struct.unpack_from("<6I2Q", data)
    print(
        "header magic=%x version=%d mach=%d pid=%s"
        % (magic, version, mach, "ok" if file_pid == pid else "bad")
    )
    at, lines = header_size, None
    while at < len(data):
        kind, total, _ = struct.unpack_from("<2IQ", data, at)
        body = data[at + 16 : at + total]
        if kind == 2:  # JIT_CODE_DEBUG_INFO
            _, count = struct.unpack_from("<2Q", body)
            lines, offset = [], 16
            for _ in range(count):
                _, line, _ = struct.unpack_from("<Q2I", body, offset)
                end = body.index(b"\0", offset + 16)
                name = os.path.basename(body[offset + 16 : end].decode())
                if "%s:%d" % (name, line) not in lines:
                    lines.append("%s:%d" % (name, line))
                offset = end + 1
        elif kind == 0:  # JIT_CODE_LOAD
            _, _, _, address, size, _ = struct.unpack_from("<2I4Q", body)
            end = body.index(b"\0", 40)
            name = body[40:end].decode()
            code = body[end + 1 :]
            if lines:
                print("lines %s %s" % (name, " ".join(lines)))
            covers = " pc" if address <= pc < address + size else ""
            print(
                "load %s size=%s code=%s%s"
                % (name, size_ok(size), "ok" if len(code) == size else "bad", covers)
            )
            lines = None
        at += total


def main():
    what, output = sys.argv[1], sys.argv[2]
    pid, pc = program(output)
    if what == "map":
        show_map(pid, pc)
    elif what == "jitdump":
        show_jitdump(pid, pc, sys.argv[3])
    elif what == "cleanup":
        if os.path.exists("/tmp/perf-%d.map" % pid):
            os.remove("/tmp/perf-%d.map" % pid)
    else:
        sys.exit("unknown command " + what)


main()
