"""Damages every file of one kind in an object cache directory, as a crash,
a full disk or another program might leave it.

Usage: damage_cache.py truncate-objects|garble-members|garble-index DIR"""
import pathlib
import sys

how, directory = sys.argv[1], pathlib.Path(sys.argv[2])
suffix = {"truncate-objects": ".o", "garble-members": ".members", "garble-index": ".index"}[how]
files = sorted(directory.glob("*" + suffix))
if not files:
    sys.exit(f"damage_cache.py: no {suffix} file in {directory}")
for path in files:
    data = path.read_bytes()
    if how == "truncate-objects":
        path.write_bytes(data[: len(data) // 3])
    elif how == "garble-members":
        path.write_bytes(b"not a member list\n")
    else:
        path.write_bytes(data + b"0123 not-a-key\npartial")
