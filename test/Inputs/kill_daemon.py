"""Kills the autojitd serving a program while the program waits, then lets
the program go on to call a function that still needs compiling.

usage: kill_daemon.py spawned|standalone AUTOJITD SOCKET PROGRAM

The program prints a line once its first lazy function ran, then waits for
a line on stdin. Prints the program's stderr, then `exit=<status>`, or
`HANG` if it does not end within 60 seconds.
"""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from with_daemon import start_daemon  # noqa: E402


TOKEN = "KILL_DAEMON_TOKEN=%d" % os.getpid()


def spawned_daemons():
    """The autojitd processes the program spawned: they inherited its
    environment, which carries our token (they are not its children)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % pid) as f:
                comm = f.read().strip()
            with open("/proc/%s/environ" % pid, "rb") as f:
                environ = f.read().split(b"\0")
        except OSError:
            continue
        if comm == "autojitd" and TOKEN.encode() in environ:
            yield int(pid)


def main():
    flavour, autojitd, socket_path, program = sys.argv[1:5]
    env = dict(os.environ)
    env.update([TOKEN.split("=")])
    daemon = None
    if flavour == "standalone":
        daemon = start_daemon(autojitd, socket_path, socket_path + ".log")
        env.update(AUTOJIT_SOCKET_PATH=socket_path, AUTOJITD_FORCE_DAEMON="1")
        env.pop("AUTOJITD_FORCE_SPAWN", None)
    else:
        env.update(AUTOJITD_FORCE_SPAWN="1")
    run = subprocess.Popen(
        [program], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sys.stdout.write(run.stdout.readline())
    if daemon is not None:
        daemon.kill()
        daemon.wait()
    else:
        victims = list(spawned_daemons())
        if not victims:
            sys.exit("no spawned autojitd found")
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
    try:
        out, err = run.communicate("go on\n", timeout=60)
    except subprocess.TimeoutExpired:
        run.kill()
        print("HANG")
        return
    sys.stdout.write(out)
    sys.stdout.write(err)
    print("exit=%d" % run.returncode)


if __name__ == "__main__":
    main()
