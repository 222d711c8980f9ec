"""Runs a command while a standalone autojitd listens on a socket of its own.

usage: with_daemon.py AUTOJITD SOCKET LOG [--daemon-user UID]
                      [--log-before-stop TEXT] -- COMMAND...

The daemon's output goes to LOG; the command's status is the script's.
With --daemon-user (needs root), the daemon runs as that user. With
--log-before-stop, the daemon is stopped only once LOG holds TEXT (it may
not have taken a connection yet when the command ends).
"""
import os
import signal
import subprocess
import sys
import time


def start_daemon(autojitd, socket_path, log_path, user=None, env=None):
    """Starts autojitd on `socket_path` and returns once it listens (it says
    so in its log); RuntimeError if it does not."""
    env = dict(os.environ if env is None else env, AUTOJIT_SOCKET_PATH=socket_path)
    command = [autojitd]
    if user is not None:
        command = ["setpriv", "--reuid=%s" % user, "--regid=%s" % user, "--clear-groups"] + command
    log = open(log_path, "w")
    daemon = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    deadline = time.time() + 30
    while time.time() < deadline:
        if daemon.poll() is not None:
            raise RuntimeError("autojitd exited early; see " + log_path)
        with open(log_path) as printed:
            if " on " + socket_path in printed.read():
                return daemon
        time.sleep(0.02)
    daemon.kill()
    raise RuntimeError("autojitd did not start listening on %s; see %s" % (socket_path, log_path))


def wait_for_log(log_path, text):
    deadline = time.time() + 30
    while time.time() < deadline:
        with open(log_path) as printed:
            if text in printed.read():
                return
        time.sleep(0.02)


def stop_daemon(daemon):
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=30)


def main():
    args = sys.argv[1:]
    split = args.index("--")
    options, command = args[:split], args[split + 1 :]
    autojitd, socket_path, log_path = options[:3]
    flags = dict(zip(options[3::2], options[4::2]))
    try:
        daemon = start_daemon(autojitd, socket_path, log_path, flags.get("--daemon-user"))
    except RuntimeError as e:
        sys.exit(str(e))
    env = dict(os.environ, AUTOJIT_SOCKET_PATH=socket_path, AUTOJITD_FORCE_DAEMON="1")
    env.pop("AUTOJITD_FORCE_SPAWN", None)
    try:
        status = subprocess.run(command, env=env, timeout=120).returncode
        if "--log-before-stop" in flags:
            wait_for_log(log_path, flags["--log-before-stop"])
    finally:
        stop_daemon(daemon)
    sys.exit(status)


if __name__ == "__main__":
    main()
