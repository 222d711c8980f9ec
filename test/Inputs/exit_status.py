"""Runs a command, passes its output through and then prints its exit
status, so FileCheck can check a status other than 0 and 1."""

import subprocess
import sys

sys.stdout.flush()
status = subprocess.call(sys.argv[1:])
print(f"exit status {status}")
