#!/usr/bin/env bash
# The bzip2 benchmark: regular and autojit builds of bzip2 1.0.8 side by side.
#
#   ./bzip2.sh [--runs=N] [--exec-runs=M] [--opt=0|2] [--autojitd]
#
# Measures, in one run: compile time of clean -O0 -g builds with make (N runs
# each, median/min/max), the time to the first result (a clean build and its
# first run, cold object cache), binary and lazy bitcode sizes, run time
# compressing the two inputs (M runs each, cold object cache and warm), the
# edit loop (change one function body, rebuild, run), and checks that every
# output is identical and decompresses to the input. Prints a table, with
# autojit's stats lines, and writes bzip2/results-O<N>[-autojitd].json.
# --opt=2 builds both flavours with -O2 -g instead. With --autojitd the
# autojit flavour links the static stub and each run spawns its own autojitd.
# Run ./setup.sh first.
set -euo pipefail
source "$(dirname "$0")/common.sh"

parse_run_args 5 3 "$@"
require_autojit
src=$work/bzip2/src
inputs=$work/bzip2/inputs
[[ -f $src/bzlib.c && -f $inputs/data1.txt && -f $inputs/data2.bin ]] || die "run ./setup.sh first"

fresh_run_dir bzip2 bzip2
cflags="$(opt_flags) -D_FILE_OFFSET_BITS=64"

for flavour in regular autojit; do
  cp -r "$src" "$out/$flavour"
done

clean_bzip2() { make -C "$out/$1" clean >/dev/null; }

# make_bzip2 <flavour>: make with that flavour's flags.
make_bzip2() {
  local flavour=$1 extra_cflags="" ldflags=""
  if [[ $flavour == autojit ]]; then
    extra_cflags=$(plugin_flags)
    ldflags=$(runtime_flags)
  fi
  make -C "$out/$flavour" bzip2 CC="$cc" CFLAGS="$cflags $extra_cflags" LDFLAGS="$ldflags" \
    > "$out/logs/build-$flavour.log" 2>&1 || die "building $flavour bzip2 failed: see $out/logs/build-$flavour.log"
}

# compress_inputs <flavour> <suffix>: both inputs through that flavour's bzip2.
compress_inputs() {
  for input in data1.txt data2.bin; do
    "$out/$1/bzip2" -c "$inputs/$input" > "$out/outputs/${input}_$2.bz2"
  done
}

measure_compile "$runs" clean_bzip2 make_bzip2 compress_inputs

# The lazy modules of one clean build (the edit loop below adds more).
du -cb "$AUTOJIT_CACHE_DIR"/modules/*.bc | tail -1 | cut -f1 > "$out/lazy-bytes"

measure_runs compress_inputs "$exec_runs"

progress "Checking outputs"
for input in data1.txt data2.bin; do
  a=$(md5sum < "$out/outputs/${input}_regular.bz2" | cut -d' ' -f1)
  b=$(md5sum < "$out/outputs/${input}_autojit.bz2" | cut -d' ' -f1)
  [[ $a == "$b" ]] || die "outputs differ for $input: regular $a, autojit $b"
  cmp -s "$out/outputs/${input}_first-regular.bz2" "$out/outputs/${input}_first-autojit.bz2" ||
    die "the first runs' outputs differ for $input"
  "$out/autojit/bzip2" -d -c "$out/outputs/${input}_autojit.bz2" | cmp -s - "$inputs/$input" ||
    die "autojit bzip2 does not decompress $input back to the input"
  echo "$a $input.bz2" >> "$out/md5"
done

# The edit loop: change one function body, rebuild (make rebuilds one file
# and relinks), run. The autojit run compiles only the changed function.
rebuild_and_compress() {
  make_bzip2 "$1"
  compress_inputs "$1" "edit_$1"
}
measure_edit_loop compress.c "void BZ2_compressBlock ( EState* s, Bool is_last_block )\n{" rebuild_and_compress "$exec_runs"

report bzip2 "bzip2 1.0.8"
