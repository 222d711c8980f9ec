#!/usr/bin/env python3
"""Starts and stops the stores the remote cache tests use, each a real
server on a free port of 127.0.0.1, its files under DIR.

  remote-store.py redis DIR [redis-server options...]   Redis
  remote-store.py http DIR                              nginx with PUT (WebDAV)
  remote-store.py garbage DIR                           answers every request with bytes of no protocol
  remote-store.py with DIR [|attributes] -- COMMAND...  runs COMMAND with AUTOJIT_REMOTE_CACHE
                                                        set to DIR's server (and the attributes)
  remote-store.py tamper DIR HOW                        alters every record in DIR's Redis, HOW being
                                                        flip (a byte of its code), truncate, or
                                                        rename (flip, then name and index it by its
                                                        new hash, as a writer of the store could)
  remote-store.py flush DIR                             empties DIR's Redis
  remote-store.py stop DIR                              stops DIR's server (continuing it first)
  remote-store.py pause DIR / resume DIR                SIGSTOP / SIGCONT

A server left running by a failed test is killed after five minutes.
"""
import os
import signal
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_listening(port, directory):
    """Waits for the server's port and its pid file (which a daemon may
    write after it listens)."""
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            if os.path.getsize(os.path.join(directory, "pid")) > 0:
                return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit("remote-store.py: no server on port %d after 10 s" % port)


def read_pid(directory):
    with open(os.path.join(directory, "pid")) as f:
        return int(f.read().strip())


def redis(directory, options):
    port = free_port()
    subprocess.run(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--daemonize", "yes", "--dir", directory,
         "--pidfile", os.path.join(directory, "pid"),
         "--logfile", os.path.join(directory, "redis.log")] + options,
        check=True)
    wait_until_listening(port, directory)
    return "redis://127.0.0.1:%d" % port


def http(directory):
    port = free_port()
    data = os.path.join(directory, "data")
    os.makedirs(os.path.join(directory, "body"), exist_ok=True)
    os.makedirs(data, exist_ok=True)
    conf = os.path.join(directory, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""
master_process off;
daemon on;
pid %(dir)s/pid;
error_log %(dir)s/error.log;
events {}
http {
  access_log off;
  client_body_temp_path %(dir)s/body;
  proxy_temp_path %(dir)s/body;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:%(port)d;
    root %(data)s;
    location / {
      dav_methods PUT;
      create_full_put_path on;
    }
  }
}
""" % {"dir": directory, "port": port, "data": data})
    subprocess.run(["nginx", "-p", directory, "-c", conf], check=True)
    wait_until_listening(port, directory)
    return "http://127.0.0.1:%d/cache" % port


def garbage(directory):
    port = free_port()
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(16)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        while True:
            peer, _ = server.accept()
            try:
                peer.recv(65536)
                peer.sendall(b"\x00\x17no protocol at all\n" * 64)
            except OSError:
                pass
            peer.close()
    with open(os.path.join(directory, "pid"), "w") as f:
        f.write(str(pid))
    return "redis://127.0.0.1:%d" % port


def start_time(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except OSError:
        return None


def watch(directory, seconds=300):
    """Kills the server after `seconds` if a failed test left it running."""
    pid = read_pid(directory)
    started = start_time(pid)
    if os.fork() == 0:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        time.sleep(seconds)
        if started is not None and start_time(pid) == started:
            os.kill(pid, signal.SIGKILL)
        os._exit(0)


def redis_port(directory):
    with open(os.path.join(directory, "url")) as f:
        return int(f.read().strip().rsplit(":", 1)[1])


def redis_command(port, *args):
    """One command's reply: bytes, an int, None, or a list of them."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        request = b"*%d\r\n" % len(args)
        for arg in args:
            arg = arg if isinstance(arg, bytes) else arg.encode()
            request += b"$%d\r\n%s\r\n" % (len(arg), arg)
        s.sendall(request)
        reply = s.makefile("rb")

        def read():
            line = reply.readline()[:-2]
            kind, rest = line[:1], line[1:]
            if kind == b"$":
                n = int(rest)
                return None if n < 0 else reply.read(n + 2)[:-2]
            if kind == b"*":
                return [read() for _ in range(int(rest))]
            if kind == b"-":
                sys.exit("remote-store.py: Redis said " + rest.decode())
            return int(rest) if kind == b":" else rest

        return read()


def content_hash(record):
    """A record's name, as the remote cache computes it (record.rs): the
    BLAKE3 hash of its member list's and object's lengths, its member list
    and its compressed object."""
    header, body = record.split(b"\n", 1)
    fields = header.split(b" ")
    lengths = int(fields[2]).to_bytes(8, "little") + int(fields[3]).to_bytes(8, "little")
    digest = subprocess.run(["b3sum", "--no-names"], input=lengths + body, capture_output=True, check=True)
    return digest.stdout.split()[0]


def tamper(directory, how):
    port = redis_port(directory)
    renames = {}
    for key in redis_command(port, "KEYS", "autojit/record/*"):
        record = redis_command(port, "GET", key)
        if how == "truncate":
            redis_command(port, "SET", key, record[: len(record) // 2])
            continue
        altered = record[:-1] + bytes([record[-1] ^ 1])
        if how == "flip":
            redis_command(port, "SET", key, altered)
        else:
            redis_command(port, "SET", b"autojit/record/" + content_hash(altered), altered)
            renames[key.rsplit(b"/", 1)[1]] = content_hash(altered)
    for key in redis_command(port, "KEYS", "autojit/index/*") if renames else []:
        index = redis_command(port, "GET", key)
        for old, new in renames.items():
            index = index.replace(old, new)
        redis_command(port, "SET", key, index)


def main():
    command, directory = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(directory, exist_ok=True)
    if command == "with":
        split = sys.argv.index("--")
        with open(os.path.join(directory, "url")) as f:
            url = f.read().strip()
        os.environ["AUTOJIT_REMOTE_CACHE"] = url + "".join(sys.argv[3:split])
        os.execvp(sys.argv[split + 1], sys.argv[split + 1:])
    elif command == "stop":
        pid = read_pid(directory)
        for sig in (signal.SIGCONT, signal.SIGTERM):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
    elif command == "tamper":
        tamper(directory, sys.argv[3])
    elif command == "flush":
        redis_command(redis_port(directory), "FLUSHALL")
    elif command in ("pause", "resume"):
        os.kill(read_pid(directory), signal.SIGSTOP if command == "pause" else signal.SIGCONT)
    else:
        start = {"redis": lambda: redis(directory, sys.argv[3:]),
                 "http": lambda: http(directory),
                 "garbage": lambda: garbage(directory)}[command]
        with open(os.path.join(directory, "url"), "w") as f:
            f.write(start())
        watch(directory)


if __name__ == "__main__":
    main()
