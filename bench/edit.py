"""The edit of the edit loop: puts edit number N into the body that follows
ANCHOR in FILE (replacing the previous edit), so that exactly one function's
code changes between two builds.

Usage: edit.py FILE ANCHOR N"""
import re
import sys

path, anchor, n = sys.argv[1], sys.argv[2].encode().decode("unicode_escape"), sys.argv[3]
edit = "{ volatile int autojit_edit = %s; (void)autojit_edit; }"
code = re.sub(r"\n *\{ volatile int autojit_edit = \d+; \(void\)autojit_edit; \}", "", open(path).read())
if anchor not in code:
    sys.exit(f"edit.py: {anchor!r} not found in {path}")
open(path, "w").write(code.replace(anchor, anchor + "\n    " + edit % n, 1))
