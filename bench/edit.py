"""The edits of the edit loop, each replacing the previous edit of its kind,
so that between two builds exactly one thing changes:

  edit.py FILE ANCHOR N     puts statement N at the top of the body that
                            follows ANCHOR (every line below it shifts)
  edit.py FILE --comment N  puts comment N on the file's first line (no
                            code changes; every line of the file shifts)

A statement in C or C++, or in Rust for a .rs file."""
import re
import sys

path, where, n = sys.argv[1], sys.argv[2], sys.argv[3]
code = open(path).read()
if where == "--comment":
    code = re.sub(r"^/\* autojit comment edit \d+ \*/\n", "", code)
    code = "/* autojit comment edit %s */\n" % n + code
else:
    anchor = where.encode().decode("unicode_escape")
    if path.endswith(".rs"):
        edit = "{ std::hint::black_box(%s); }"
        previous = r"\n *\{ std::hint::black_box\(\d+\); \}"
    else:
        edit = "{ volatile int autojit_edit = %s; (void)autojit_edit; }"
        previous = r"\n *\{ volatile int autojit_edit = \d+; \(void\)autojit_edit; \}"
    code = re.sub(previous, "", code)
    if anchor not in code:
        sys.exit(f"edit.py: {anchor!r} not found in {path}")
    code = code.replace(anchor, anchor + "\n    " + edit % n, 1)
open(path, "w").write(code)
