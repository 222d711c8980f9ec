"""Runs a command N times at once; prints each run's stdout in order and
fails if any run fails. Usage: run_concurrently.py N command args..."""
import subprocess
import sys

count = int(sys.argv[1])
runs = [subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(count)]
status = 0
for run in runs:
    out, err = run.communicate()
    sys.stdout.write(out.decode())
    sys.stderr.write(err.decode())
    status = status or run.returncode
sys.exit(status)
