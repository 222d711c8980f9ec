#!/usr/bin/env bash
# Builds autojit, then builds examples/textstats twice (regular and with
# autojit, clean -O0 -g builds), runs both, checks that they print the same,
# and reports compile time, binary size and run time side by side.
# Usage: scripts/demo.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
build=${1:-build}
[[ -f $build/build.ninja ]] || cmake -G Ninja -S . -B "$build"
ninja -C "$build" autojit autojit-inprocess >/dev/null

root=$(pwd)
lib=$root/$build/lib
work=$root/$build/demo
rm -rf "$work"
mkdir -p "$work"
export AUTOJIT_CACHE_DIR=$work/store
cxx=/usr/lib/llvm-19/bin/clang++
sources=(examples/textstats/corpus.cpp examples/textstats/stats.cpp examples/textstats/main.cpp)

seconds() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }

# build <flavour> <extra compile flags> <extra link flags>
build_flavour() {
  local out=$work/$1 start end
  mkdir -p "$out"
  start=$(seconds)
  for src in "${sources[@]}"; do
    $cxx -O0 -g $2 -c "$src" -o "$out/$(basename "${src%.cpp}").o"
  done
  $cxx "$out"/*.o -o "$out/textstats" $3
  end=$(seconds)
  elapsed "$start" "$end"
}

echo "Building textstats regular and with autojit (clean -O0 -g builds)"
t_regular=$(build_flavour regular "" "")
# The build tree's pkg-config files: the flags users get from an install.
pc() { PKG_CONFIG_PATH=$lib/pkgconfig pkg-config "$@"; }
t_autojit=$(build_flavour autojit "$(pc --cflags autojit)" "$(pc --libs autojit)")

run() {
  local start end
  start=$(seconds)
  "$@" > "$work/last-output.txt" 2> "$work/last-stderr.txt"
  end=$(seconds)
  elapsed "$start" "$end"
}
echo "Running both"
r_regular=$(run "$work/regular/textstats")
cp "$work/last-output.txt" "$work/regular/output.txt"
rm -rf "$AUTOJIT_CACHE_DIR/objects"
r_cold=$(AUTOJIT_STATS=1 run "$work/autojit/textstats")
cp "$work/last-output.txt" "$work/autojit/output.txt"
stats=$(grep 'stats:' "$work/last-stderr.txt" | sed 's/.*stats: //')
r_warm=$(run "$work/autojit/textstats")

if ! cmp -s "$work/regular/output.txt" "$work/autojit/output.txt"; then
  echo "error: the autojit build printed something else than the regular build:" >&2
  diff "$work/regular/output.txt" "$work/autojit/output.txt" >&2 || true
  exit 1
fi

size_of() { stat -c %s "$1"; }
lazy_bytes=$(du -cb "$AUTOJIT_CACHE_DIR"/modules/*.bc | tail -1 | cut -f1)
ratio() { python3 -c "print(f'{$2 / $1:.2f}x')"; }
cat <<REPORT

Outputs are identical:
$(sed 's/^/  /' "$work/regular/output.txt" | head -3)

                      regular     autojit     ratio
  compile time (s)    $(printf '%-11s %-11s %s' "$t_regular" "$t_autojit" "$(ratio "$t_regular" "$t_autojit")")
  binary size (bytes) $(printf '%-11s %-11s %s' "$(size_of "$work/regular/textstats")" "$(size_of "$work/autojit/textstats")" "$(ratio "$(size_of "$work/regular/textstats")" "$(size_of "$work/autojit/textstats")")")
  run, cold cache (s) $(printf '%-11s %-11s %s' "$r_regular" "$r_cold" "$(ratio "$r_regular" "$r_cold")")
  run, warm cache (s) $(printf '%-11s %-11s %s' "$r_regular" "$r_warm" "$(ratio "$r_regular" "$r_warm")")
  lazy bitcode: $lazy_bytes bytes
  first autojit run: $stats
REPORT
