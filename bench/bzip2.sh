#!/usr/bin/env bash
# The bzip2 benchmark: regular and autojit builds of bzip2 1.0.8 side by side.
#
#   ./bzip2.sh [--runs=N] [--exec-runs=M] [--autojitd]
#
# Measures, in one run: compile time of clean -O0 -g builds with make (N runs
# each, median/min/max), binary and lazy bitcode sizes, run time compressing
# the two inputs (M runs each, cold object cache and warm), the edit loop
# (change one function body, rebuild, run), and checks that every output is
# identical and decompresses to the input. Prints a table and writes
# bzip2/results.json. Run ./setup.sh first.
set -euo pipefail
source "$(dirname "$0")/common.sh"

runs=5
exec_runs=3
for arg in "$@"; do
  case $arg in
    --runs=*) runs=${arg#--runs=} ;;
    --exec-runs=*) exec_runs=${arg#--exec-runs=} ;;
    --autojitd) die "--autojitd needs the remote-mode daemon, which this build of autojit does not have yet" ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown argument $arg (see --help)" ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ && $exec_runs =~ ^[1-9][0-9]*$ ]] || die "--runs and --exec-runs take a positive number"
require_autojit
src=$work/bzip2/src
inputs=$work/bzip2/inputs
[[ -f $src/bzlib.c && -f $inputs/data1.txt && -f $inputs/data2.bin ]] || die "run ./setup.sh first"

out=$work/bzip2/run
rm -rf "$out"
mkdir -p "$out/times" "$out/outputs" "$out/logs"
export AUTOJIT_CACHE_DIR=$out/store
cflags="-O0 -g -D_FILE_OFFSET_BITS=64"

for flavour in regular autojit; do
  cp -r "$src" "$out/$flavour"
done

# make_bzip2 <flavour>: a clean build with make, timed into times/compile-<flavour>.
make_bzip2() {
  local flavour=$1 extra_cflags="" ldflags="" start
  if [[ $flavour == autojit ]]; then
    extra_cflags=$(plugin_flags)
    ldflags=$(runtime_flags)
    rm -rf "$AUTOJIT_CACHE_DIR/modules"
  fi
  make -C "$out/$flavour" clean >/dev/null
  start=$(now)
  make -C "$out/$flavour" bzip2 CC="$cc" CFLAGS="$cflags $extra_cflags" LDFLAGS="$ldflags" \
    > "$out/logs/build-$flavour.log" 2>&1 || die "building $flavour bzip2 failed: see $out/logs/build-$flavour.log"
  record_since "$out/times/compile-$flavour" "$start"
}

for ((i = 1; i <= runs; i++)); do
  progress "Compile run $i/$runs"
  make_bzip2 regular
  make_bzip2 autojit
done

# The lazy modules of one clean build (the edit loop below adds more).
du -cb "$AUTOJIT_CACHE_DIR"/modules/*.bc | tail -1 | cut -f1 > "$out/lazy-bytes"

# compress_inputs <flavour> <suffix>: both inputs through that flavour's bzip2.
compress_inputs() {
  for input in data1.txt data2.bin; do
    "$out/$1/bzip2" -c "$inputs/$input" > "$out/outputs/${input}_$2.bz2"
  done
}

# compress <flavour> <tag>: compress_inputs, timed into times/run-<tag>.
compress() {
  local start
  start=$(now)
  compress_inputs "$1" "$1"
  record_since "$out/times/run-$2" "$start"
}

for ((i = 1; i <= exec_runs; i++)); do
  progress "Run $i/$exec_runs: regular, autojit with a cold object cache, autojit warm"
  compress regular regular
  rm -rf "$AUTOJIT_CACHE_DIR/objects"
  AUTOJIT_STATS=1 compress autojit autojit-cold 2> "$out/logs/stats-cold.log"
  AUTOJIT_STATS=1 compress autojit autojit-warm 2> "$out/logs/stats-warm.log"
done

progress "Checking outputs"
for input in data1.txt data2.bin; do
  a=$(md5sum < "$out/outputs/${input}_regular.bz2" | cut -d' ' -f1)
  b=$(md5sum < "$out/outputs/${input}_autojit.bz2" | cut -d' ' -f1)
  [[ $a == "$b" ]] || die "outputs differ for $input: regular $a, autojit $b"
  "$out/autojit/bzip2" -d -c "$out/outputs/${input}_autojit.bz2" | cmp -s - "$inputs/$input" ||
    die "autojit bzip2 does not decompress $input back to the input"
  echo "$a $input" >> "$out/md5"
done

# The edit loop: change one function body, rebuild (make rebuilds one file
# and relinks), run. The autojit run compiles only the changed function.
edit_and_run() {
  local flavour=$1 n=$2 extra_cflags="" ldflags="" start
  [[ $flavour == autojit ]] && extra_cflags=$(plugin_flags) && ldflags=$(runtime_flags)
  python3 - "$out/$flavour/compress.c" "$n" <<'PY'
import re, sys
path, n = sys.argv[1], sys.argv[2]
code = re.sub(r"\n   \{ volatile int autojit_edit = \d+; \(void\)autojit_edit; \}", "", open(path).read())
head = "void BZ2_compressBlock ( EState* s, Bool is_last_block )\n{"
assert head in code, "BZ2_compressBlock not found"
open(path, "w").write(code.replace(head, head + f"\n   {{ volatile int autojit_edit = {n}; (void)autojit_edit; }}"))
PY
  start=$(now)
  make -C "$out/$flavour" bzip2 CC="$cc" CFLAGS="$cflags $extra_cflags" LDFLAGS="$ldflags" >/dev/null 2>&1 ||
    die "rebuilding $flavour bzip2 after the edit failed"
  compress_inputs "$flavour" "edit_$flavour"
  record_since "$out/times/edit-$flavour" "$start"
}
for ((i = 1; i <= exec_runs; i++)); do
  progress "Edit loop $i/$exec_runs"
  edit_and_run regular "$i"
  AUTOJIT_STATS=1 edit_and_run autojit "$i" 2> "$out/logs/stats-edit.log"
done

python3 - "$out" "$runs" "$exec_runs" <<'PY'
import json, os, statistics, sys
out, runs, exec_runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def series(name):
    values = [float(v) for v in open(f"{out}/times/{name}") if v.strip()]
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}

def file_size(flavour):
    return os.path.getsize(f"{out}/{flavour}/bzip2")

def section_size(flavour):
    # The sum of all sections, as `size -A` totals them (debug info included).
    import subprocess
    table = subprocess.run(["size", "-A", f"{out}/{flavour}/bzip2"], capture_output=True, text=True, check=True).stdout
    return int(next(l.split()[1] for l in table.splitlines() if l.startswith("Total")))

def stats(name):
    line = open(f"{out}/logs/{name}").read().strip().splitlines()
    return next((l.split("stats: ")[1] for l in line if "stats: " in l), "")

lazy = int(open(f"{out}/lazy-bytes").read())
r = {
    "benchmark": "bzip2 1.0.8, clean -O0 -g builds",
    "compile_seconds": {"regular": series("compile-regular"), "autojit": series("compile-autojit")},
    "binary_section_bytes": {"regular": section_size("regular"), "autojit": section_size("autojit")},
    "binary_file_bytes": {"regular": file_size("regular"), "autojit": file_size("autojit")},
    "lazy_bitcode_bytes": lazy,
    "run_seconds": {"regular": series("run-regular"), "autojit_cold": series("run-autojit-cold"),
                    "autojit_warm": series("run-autojit-warm")},
    "edit_loop_seconds": {"regular": series("edit-regular"), "autojit": series("edit-autojit")},
    "autojit_stats": {"cold": stats("stats-cold.log"), "warm": stats("stats-warm.log"), "edit": stats("stats-edit.log")},
    "outputs_md5": [l.split() for l in open(f"{out}/md5")],
}
r["ratios"] = {
    "compile": r["compile_seconds"]["autojit"]["median"] / r["compile_seconds"]["regular"]["median"],
    "binary_size": r["binary_section_bytes"]["autojit"] / r["binary_section_bytes"]["regular"],
    "binary_file_size": r["binary_file_bytes"]["autojit"] / r["binary_file_bytes"]["regular"],
    "run_cold": r["run_seconds"]["autojit_cold"]["median"] / r["run_seconds"]["regular"]["median"],
    "run_warm": r["run_seconds"]["autojit_warm"]["median"] / r["run_seconds"]["regular"]["median"],
    "edit_loop": r["edit_loop_seconds"]["autojit"]["median"] / r["edit_loop_seconds"]["regular"]["median"],
}
json.dump(r, open(f"{out}/../results.json", "w"), indent=2)

def row(label, a, b, ratio):
    print(f"  {label:<34} {a:>22} {b:>22} {ratio:>8.2f}x")

def t(s):
    return f"{s['median']:.3f} ({s['min']:.3f}/{s['max']:.3f})"

print()
print(f"bzip2 1.0.8, clean -O0 -g builds; times are median (min/max) seconds")
print(f"  {'':<34} {'regular':>22} {'autojit':>22} {'ratio':>9}")
c, b, f, rs, e = r["compile_seconds"], r["binary_section_bytes"], r["binary_file_bytes"], r["run_seconds"], r["edit_loop_seconds"]
row(f"compile, {runs} clean builds", t(c["regular"]), t(c["autojit"]), r["ratios"]["compile"])
row("binary size, all sections (bytes)", str(b["regular"]), str(b["autojit"]), r["ratios"]["binary_size"])
row("binary file size (bytes)", str(f["regular"]), str(f["autojit"]), r["ratios"]["binary_file_size"])
print(f"  {'lazy bitcode (bytes)':<34} {'':>22} {lazy:>22}")
row(f"run, cold object cache ({exec_runs} runs)", t(rs["regular"]), t(rs["autojit_cold"]), r["ratios"]["run_cold"])
row(f"run, warm object cache ({exec_runs} runs)", t(rs["regular"]), t(rs["autojit_warm"]), r["ratios"]["run_warm"])
row(f"edit one function, rebuild, run", t(e["regular"]), t(e["autojit"]), r["ratios"]["edit_loop"])
print("  outputs identical in both flavours, and decompress to the inputs:")
for md5, name in r["outputs_md5"]:
    print(f"    {md5}  {name}.bz2")
print(f"  autojit, cold run: {r['autojit_stats']['cold']}")
print(f"  autojit, after the edit: {r['autojit_stats']['edit']}")
print(f"  results: {os.path.normpath(out + '/../results.json')}")
PY
