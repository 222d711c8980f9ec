"""Reads a benchmark run directory (times/, logs/, sizes) and prints the
side-by-side table; writes the results as JSON (by default results.json next
to the run directory).

Usage: report.py <run dir> <title> <compile runs> <exec runs> [<results file>]"""
import json, os, statistics, sys
out, title, runs, exec_runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
results = os.path.normpath(sys.argv[5] if len(sys.argv) > 5 else f"{out}/../results.json")

def series(name):
    values = [float(v) for v in open(f"{out}/times/{name}") if v.strip()]
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}

binary = open(f"{out}/binary").read().strip()

def file_size(flavour):
    return os.path.getsize(f"{out}/{flavour}/{binary}")

def section_size(flavour):
    # The sum of all sections, as `size -A` totals them (debug info included).
    import subprocess
    table = subprocess.run(["size", "-A", f"{out}/{flavour}/{binary}"], capture_output=True, text=True, check=True).stdout
    return int(next(l.split()[1] for l in table.splitlines() if l.startswith("Total")))

def stats(name):
    # One line per autojit process of the run (a workload may start several).
    lines = open(f"{out}/logs/{name}").read().strip().splitlines()
    return [l.split("stats: ")[1] for l in lines if "stats: " in l]

lazy = int(open(f"{out}/lazy-bytes").read())
r = {
    "benchmark": title,
    "compile_seconds": {"regular": series("compile-regular"), "autojit": series("compile-autojit")},
    "first_result_seconds": {"regular": series("first-regular"), "autojit": series("first-autojit")},
    "binary_section_bytes": {"regular": section_size("regular"), "autojit": section_size("autojit")},
    "binary_file_bytes": {"regular": file_size("regular"), "autojit": file_size("autojit")},
    "lazy_bitcode_bytes": lazy,
    "run_seconds": {"regular": series("run-regular"), "autojit_cold": series("run-autojit-cold"),
                    "autojit_warm": series("run-autojit-warm")},
    "edit_loop_seconds": {"regular": series("edit-regular"), "autojit": series("edit-autojit")},
    "comment_edit_seconds": {"regular": series("comment-regular"), "autojit": series("comment-autojit")},
    "autojit_stats": {"first": stats("stats-first.log"), "cold": stats("stats-cold.log"),
                      "warm": stats("stats-warm.log"), "edit": stats("stats-edit.log"),
                      "comment": stats("stats-comment.log")},
    "outputs_md5": [l.rstrip("\n").split(" ", 1) for l in open(f"{out}/md5")],
}
r["ratios"] = {
    "compile": r["compile_seconds"]["autojit"]["median"] / r["compile_seconds"]["regular"]["median"],
    "first_result": r["first_result_seconds"]["autojit"]["median"] / r["first_result_seconds"]["regular"]["median"],
    "binary_size": r["binary_section_bytes"]["autojit"] / r["binary_section_bytes"]["regular"],
    "binary_file_size": r["binary_file_bytes"]["autojit"] / r["binary_file_bytes"]["regular"],
    "run_cold": r["run_seconds"]["autojit_cold"]["median"] / r["run_seconds"]["regular"]["median"],
    "run_warm": r["run_seconds"]["autojit_warm"]["median"] / r["run_seconds"]["regular"]["median"],
    "edit_loop": r["edit_loop_seconds"]["autojit"]["median"] / r["edit_loop_seconds"]["regular"]["median"],
    "comment_edit": r["comment_edit_seconds"]["autojit"]["median"] / r["comment_edit_seconds"]["regular"]["median"],
}
json.dump(r, open(results, "w"), indent=2)

def row(label, a, b, ratio):
    print(f"  {label:<34} {a:>22} {b:>22} {ratio:>8.2f}x")

def t(s):
    return f"{s['median']:.3f} ({s['min']:.3f}/{s['max']:.3f})"

print()
print(f"{title}; times are median (min/max) seconds")
print(f"  {'':<34} {'regular':>22} {'autojit':>22} {'ratio':>9}")
c, b, f, rs, e = r["compile_seconds"], r["binary_section_bytes"], r["binary_file_bytes"], r["run_seconds"], r["edit_loop_seconds"]
row(f"compile, {runs} clean builds", t(c["regular"]), t(c["autojit"]), r["ratios"]["compile"])
row("binary size, all sections (bytes)", str(b["regular"]), str(b["autojit"]), r["ratios"]["binary_size"])
row("binary file size (bytes)", str(f["regular"]), str(f["autojit"]), r["ratios"]["binary_file_size"])
print(f"  {'lazy bitcode (bytes)':<34} {'':>22} {lazy:>22}")
row(f"run, cold object cache ({exec_runs} runs)", t(rs["regular"]), t(rs["autojit_cold"]), r["ratios"]["run_cold"])
row(f"run, warm object cache ({exec_runs} runs)", t(rs["regular"]), t(rs["autojit_warm"]), r["ratios"]["run_warm"])
row(f"edit one function, rebuild, run", t(e["regular"]), t(e["autojit"]), r["ratios"]["edit_loop"])
ce = r["comment_edit_seconds"]
row(f"comment line atop the file, ditto", t(ce["regular"]), t(ce["autojit"]), r["ratios"]["comment_edit"])
fr = r["first_result_seconds"]
row(f"first result: build + cold run ({runs})", t(fr["regular"]), t(fr["autojit"]), r["ratios"]["first_result"])
print("  outputs identical in both flavours:")
for md5, name in r["outputs_md5"]:
    print(f"    {md5}  {name}")
print("  autojit stats (AUTOJIT_STATS=1), one line per process:")
for label, key in (("first run after a clean build", "first"), ("cold object cache", "cold"),
                   ("warm object cache", "warm"), ("after a statement edit", "edit"),
                   ("after a comment edit", "comment")):
    for line in r["autojit_stats"][key] or ["(none)"]:
        print(f"    {label + ':':<31} {line}")
print(f"  results: {results}")
