"""Runs commands at the same time and prints what each did, in order.

usage: run_together.py COMMAND... [--then COMMAND...]...

Each COMMAND is one argument, a command line split as the shell would.
The commands before a --then run at once; those after it, once they have
all finished. Prints each command's stdout and stderr lines prefixed with
its number ("2 out: ", "2 err: ") and then "2 exit=STATUS"; the script's
own status is 0.
"""
import shlex
import subprocess
import sys


def main(argv):
    rounds = [[]]
    for arg in argv:
        if arg == "--then":
            rounds.append([])
        else:
            rounds[-1].append(shlex.split(arg))
    number = 0
    for commands in rounds:
        runs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands]
        for run in runs:
            number += 1
            out, err = run.communicate(timeout=120)
            for stream, text in (("out", out), ("err", err)):
                for line in text.decode().splitlines():
                    print("%d %s: %s" % (number, stream, line))
            print("%d exit=%d" % (number, run.returncode))


if __name__ == "__main__":
    main(sys.argv[1:])
