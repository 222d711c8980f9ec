"""Starts autojitd with AUTOJIT_WAIT_FOR_DEBUGGER=1, checks that it does not
listen before a debugger attaches and listens after gdb attached.
usage: wait_for_debugger.py AUTOJITD SOCKET"""
import os
import re
import select
import signal
import subprocess
import sys
import time

autojitd, path = sys.argv[1:3]
env = dict(os.environ, AUTOJIT_WAIT_FOR_DEBUGGER="1", AUTOJIT_SOCKET_PATH=path)
daemon = subprocess.Popen([autojitd], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
waiting = daemon.stderr.readline()
print(waiting, end="")
pid = int(re.search(r"gdb -p (\d+)", waiting).group(1))
time.sleep(0.5)
print("listening before attach:", os.path.exists(path))
gdb = subprocess.Popen(["gdb", "-p", str(pid), "-batch", "-ex", "continue"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
# Never hang: if gdb cannot attach, the daemon would wait forever.
if select.select([daemon.stdout], [], [], 60)[0]:
    print(daemon.stdout.readline(), end="")
else:
    print("still waiting after 60 s")
daemon.send_signal(signal.SIGTERM)
try:
    daemon.wait(timeout=30)
except subprocess.TimeoutExpired:
    daemon.kill()
gdb.wait(timeout=30)
