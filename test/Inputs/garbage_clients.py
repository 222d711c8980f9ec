"""Runs PROGRAM, then connects to the daemon at SOCKET as broken clients,
then runs PROGRAM again. usage: garbage_clients.py SOCKET PROGRAM"""
import socket
import struct
import subprocess
import sys

path, program = sys.argv[1:3]


def run(label):
    out = subprocess.run([program], capture_output=True, text=True, timeout=60)
    sys.stdout.write(label + ": " + out.stdout)
    sys.stderr.write(out.stderr)
    if out.returncode:
        sys.exit("%s: exit status %d" % (label, out.returncode))


def client(payload, hang_up=True):
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(60)
        s.connect(path)
        s.sendall(payload)
        if hang_up:
            s.shutdown(socket.SHUT_WR)
        # The daemon closes the connection once the session is torn down
        # (a reset, when it did not read everything).
        try:
            s.recv(1)
        except ConnectionResetError:
            pass


def header(size, opcode, seq=0, tag=0):
    return struct.pack("<4Q", size, opcode, seq, tag)


def setup(page_size):
    def string(s):
        return struct.pack("<Q", len(s)) + s
    payload = string(b"x86_64-unknown-linux-gnu") + struct.pack("<QQQ", page_size, 0, 0)
    return header(32 + len(payload), 0) + payload


run("before")
client(header(40, 99) + b"garbage!")
client(setup(0))
client(header((1 << 30) + 1, 0))
client(header(32 + 4096, 0) + b"only a little")
# Connected, but silent: the daemon gives up on it.
client(b"", hang_up=False)
run("after")
