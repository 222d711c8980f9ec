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
# bzip2/results.json. With --autojitd the autojit flavour links the static
# stub and each run spawns its own autojitd. Run ./setup.sh first.
set -euo pipefail
source "$(dirname "$0")/common.sh"

parse_run_args 5 3 "$@"
require_autojit
src=$work/bzip2/src
inputs=$work/bzip2/inputs
[[ -f $src/bzlib.c && -f $inputs/data1.txt && -f $inputs/data2.bin ]] || die "run ./setup.sh first"

out=$work/bzip2/run
rm -rf "$out"
mkdir -p "$out/times" "$out/outputs" "$out/logs"
echo bzip2 > "$out/binary"
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

measure_runs compress_inputs "$exec_runs"

progress "Checking outputs"
for input in data1.txt data2.bin; do
  a=$(md5sum < "$out/outputs/${input}_regular.bz2" | cut -d' ' -f1)
  b=$(md5sum < "$out/outputs/${input}_autojit.bz2" | cut -d' ' -f1)
  [[ $a == "$b" ]] || die "outputs differ for $input: regular $a, autojit $b"
  "$out/autojit/bzip2" -d -c "$out/outputs/${input}_autojit.bz2" | cmp -s - "$inputs/$input" ||
    die "autojit bzip2 does not decompress $input back to the input"
  echo "$a $input.bz2" >> "$out/md5"
done

# The edit loop: change one function body, rebuild (make rebuilds one file
# and relinks), run. The autojit run compiles only the changed function.
rebuild_and_compress() {
  local extra_cflags="" ldflags=""
  [[ $1 == autojit ]] && extra_cflags=$(plugin_flags) && ldflags=$(runtime_flags)
  make -C "$out/$1" bzip2 CC="$cc" CFLAGS="$cflags $extra_cflags" LDFLAGS="$ldflags" >/dev/null 2>&1 ||
    die "rebuilding $1 bzip2 after the edit failed"
  compress_inputs "$1" "edit_$1"
}
measure_edit_loop compress.c "void BZ2_compressBlock ( EState* s, Bool is_last_block )\n{" rebuild_and_compress "$exec_runs"

python3 "$bench_dir/report.py" "$out" "bzip2 1.0.8, clean -O0 -g builds ($(flavour_note))" "$runs" "$exec_runs"
