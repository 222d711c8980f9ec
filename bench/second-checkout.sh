#!/usr/bin/env bash
# A second checkout of the same sources: json's unit tests built in two
# directories (…/alice/json and …/bob/work/json), one store, each built with
# -ffile-prefix-map mapping its root away. The first checkout runs cold,
# then warm; the second checkout's first run then finds every function the
# first one ran in the shared object cache. Prints the times and the second
# checkout's stats line, and the ratio of its first run to the first
# checkout's warm run.
#
#   ./second-checkout.sh [--runs=N] [--opt=0|2] [--autojitd]
#
# N timed runs of each (default 3). Run ./setup.sh first.
set -euo pipefail
source "$(dirname "$0")/common.sh"

parse_run_args 3 3 "$@"
require_autojit
json_sources
out=$work/second-checkout
rm -rf "$out"
export AUTOJIT_CACHE_DIR=$out/store
read -r -a plugin <<< "$(plugin_flags)"
read -r -a runtime <<< "$(runtime_flags)"

# build <checkout>: the tests in <checkout>, its root mapped to `.`.
build() {
  local dir=$1
  mkdir -p "$dir"
  cp -r "$src/tests/src" "$src/include" "$src/tests/thirdparty" "$dir/"
  for unit in "${units[@]}"; do
    (cd "$dir" && "$cxx" -std=c++17 -w $(opt_flags) -ffile-prefix-map="$dir=." "${plugin[@]}" \
      -Iinclude -Ithirdparty/doctest -Isrc -c "src/$unit.cpp" -o "$unit.o") &
  done
  wait
  (cd "$dir" && "$cxx" ./*.o -o tests "${runtime[@]}")
}

# timed <checkout> <name>: one run of its tests, its seconds in $out/<name>.
timed() {
  local start end
  start=$(now)
  (cd "$1" && ./tests > /dev/null) || die "the tests in $1 failed"
  end=$(now)
  echo "$end - $start" | bc >> "$out/$2"
}

median() { sort -n "$out/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

alice=$out/alice/json bob=$out/bob/work/json
progress "Building the first checkout"
build "$alice"
progress "Building the second checkout"
build "$bob"
for ((i = 1; i <= runs; i++)); do
  progress "Run $i/$runs"
  rm -rf "$AUTOJIT_CACHE_DIR/objects"
  timed "$alice" alice-cold
  timed "$alice" alice-warm
  AUTOJIT_STATS=$out/bob.stats timed "$bob" bob-first
done
printf '%-44s %8s\n' "json unit tests, $(opt_flags), $(flavour_note)" "median s"
printf '%-44s %8s\n' "first checkout, cold object cache" "$(median alice-cold)"
printf '%-44s %8s\n' "first checkout, warm" "$(median alice-warm)"
printf '%-44s %8s\n' "second checkout, first run" "$(median bob-first)"
printf '%-44s %7.2fx\n' "second checkout's first run / warm run" \
  "$(echo "$(median bob-first) / $(median alice-warm)" | bc -l)"
echo "second checkout's stats (AUTOJIT_STATS=1), one line per run:"
sed 's/^/  /' "$out/bob.stats"
