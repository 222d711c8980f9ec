#!/usr/bin/env bash
# One debug build of bzip2 with autojit and AUTOJIT_DEBUG=1, with a log per
# step, checking the compressed outputs against their known md5. Run
# ./setup.sh first.
set -euo pipefail
source "$(dirname "$0")/common.sh"
require_autojit
src=$work/bzip2/src
inputs=$work/bzip2/inputs
[[ -f $src/bzlib.c && -f $inputs/data1.txt ]] || die "run ./setup.sh first"

test_dir=$work/bzip2/test-autojit
rm -rf "$test_dir"
mkdir -p "$test_dir"
export AUTOJIT_CACHE_DIR=$test_dir/store AUTOJIT_DEBUG=1 AUTOJIT_STATS=1
echo "Test bzip2 with autojit"

cp -r "$src" "$test_dir/src"
echo "Configure: $test_dir/setup.log"
{ echo "plugin: $autojit_lib/autojit.so"; echo "runtime: $autojit_lib/libautojit-inprocess.so"; "$cc" --version; } > "$test_dir/setup.log"

echo "Build: $test_dir/build.log"
make -C "$test_dir/src" bzip2 CC="$cc" CFLAGS="-O0 -g -D_FILE_OFFSET_BITS=64 $(plugin_flags)" \
  LDFLAGS="$(runtime_flags)" > "$test_dir/build.log" 2>&1 || die "build failed: see $test_dir/build.log"

echo "Run: $test_dir/run.log"
declare -A expected=([data1.txt]=4409cbbbd0046dac94fdc1b63e236914 [data2.bin]=b3baebc035a6e490921e7a432f69773e)
for input in data1.txt data2.bin; do
  "$test_dir/src/bzip2" -c "$inputs/$input" > "$test_dir/$input.bz2" 2>> "$test_dir/run.log" ||
    die "bzip2 failed on $input: see $test_dir/run.log"
  actual=$(md5sum < "$test_dir/$input.bz2" | cut -d' ' -f1)
  [[ $actual == "${expected[$input]}" ]] || die "$input.bz2 has md5 $actual, expected ${expected[$input]}"
  echo "  $input.bz2: $actual (as expected)"
done
grep 'stats:' "$test_dir/run.log" | tail -1
