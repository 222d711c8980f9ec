"""Replaces OLD with NEW in FILE, as a user's edit would; a \n in NEW is a
line break (RUN lines are one line each). Usage: replace.py FILE OLD NEW"""
import sys

path, old, new = sys.argv[1:4]
new = new.replace("\\n", "\n")
text = open(path).read()
if old not in text:
    sys.exit(f"replace.py: {old!r} not found in {path}")
open(path, "w").write(text.replace(old, new))
