#!/usr/bin/env bash
# A second checkout of the same sources: a program built in two directories
# (…/alice/<program> and …/bob/work/<program>):
#   --paths=checkout  each a checkout (`git init`), built as it is; the
#                     second reuses the first one's objects, their debug
#                     info's paths moved to it;
#   --paths=mapped    each built with -ffile-prefix-map mapping its root
#                     away, as ccache asks.
# The first checkout runs cold, then warm; then the second checkout's first
# run, its own object cache empty, finds every function the first one ran
# in the shared store, and must print what the first one printed:
#   --store=local  one object cache directory both checkouts use;
#   --store=redis  a team's store: the first checkout writes to a Redis
#                  server (started here, AUTOJIT_REMOTE_CACHE), the second
#                  reads it with an empty local cache on every run.
# Prints the times, the second checkout's stats line, the ratio of its first
# run to the first checkout's warm run, and of its first result (its build,
# then that run) to the first checkout's build and warm run.
#
#   ./second-checkout.sh [--program=json|sqlite|pugixml|lua|zlib|tinyxml2]
#                        [--store=local|redis]
#                        [--paths=checkout|mapped] [--runs=N] [--opt=0|2]
#                        [--autojitd]
#
# N timed runs of each (default 3). json by default; run ./setup.sh first
# (the real-world corpus's programs fetch their sources the first time).
set -euo pipefail
source "$(dirname "$0")/common.sh"

program=json store=local paths=checkout
args=()
for arg in "$@"; do
  case $arg in
    --program=json|--program=sqlite|--program=pugixml) program=${arg#--program=} ;;
    --program=lua|--program=zlib|--program=tinyxml2) program=${arg#--program=} ;;
    --program=*) die "--program takes json, sqlite, pugixml, lua, zlib or tinyxml2" ;;
    --store=local|--store=redis) store=${arg#--store=} ;;
    --store=*) die "--store takes local or redis" ;;
    --paths=checkout|--paths=mapped) paths=${arg#--paths=} ;;
    --paths=*) die "--paths takes checkout or mapped" ;;
    *) args+=("$arg") ;;
  esac
done
parse_run_args 3 3 "${args[@]}"
require_autojit
read -r -a plugin <<< "$(plugin_flags)"
runtime=$(runtime_flags)
jobs=1

# map_flags <checkout>: how the build names its paths.
map_flags() { if [[ $paths == mapped ]]; then echo "-ffile-prefix-map=$1=."; fi; }

case $program in
  json)
    json_sources
    # build_in <checkout>: the tests in <checkout>, its root mapped to `.`.
    build_in() {
      local dir=$1 unit
      mkdir -p "$dir"
      cp -r "$src/tests/src" "$src/include" "$src/tests/thirdparty" "$dir/"
      for unit in "${units[@]}"; do
        (cd "$dir" && "$cxx" -std=c++17 -w $(opt_flags) $(map_flags "$dir") "${plugin[@]}" \
          -Iinclude -Ithirdparty/doctest -Isrc -c "src/$unit.cpp" -o "$unit.o") &
      done
      wait
      (cd "$dir" && "$cxx" ./*.o -o tests $runtime)
    }
    run_in() { (cd "$1" && ./tests); }
    ;;
  *)
    src=$work/$program/src
    source "$corpus_dir/$program.sh"
    fetch_corpus_program "$program"
    build_in() {
      cp -r "$src/." "$1"
      "${program}_configure" "$1" "$opt" "${plugin[*]} $(map_flags "$1")" "$runtime" \
        > "$1.configure.log" 2>&1 || die "configuring $program in $1 failed: see $1.configure.log"
      "${program}_make" "$1" "$opt" "${plugin[*]} $(map_flags "$1")" "$runtime" > "$1.build.log" 2>&1 ||
        die "building $program in $1 failed: see $1.build.log"
    }
    run_in() { (cd "$1" && "${program}_run"); }
    ;;
esac

# checkout <dir>: makes `dir` a checkout of its own, as a clone is.
checkout() { if [[ $paths == checkout ]]; then git init -q "$1"; fi; }

out=$work/second-checkout
rm -rf "$out"
mkdir -p "$out"
alice=$out/alice/$program bob=$out/bob/work/$program

[[ $store == redis ]] && start_redis "$out/redis"

# The object cache each checkout's runs use: one for both, or each its own
# with the store behind.
cache_of() { if [[ $store == local ]]; then echo "$out/store"; else echo "$out/$1-cache"; fi; }

# timed <alice|bob> <name> [<remote cache setting>]: one run in that
# checkout, its seconds in $out/<name>, what it printed in $out/<name>.out.
timed() {
  local dir=${!1} start
  start=$(now)
  AUTOJIT_CACHE_DIR=$(cache_of "$1") AUTOJIT_REMOTE_CACHE=${3:-} run_in "$dir" > "$out/$2.out" ||
    die "the run in $dir failed"
  record_since "$out/$2" "$start"
}

median() { sort -n "$out/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

progress "Building the first checkout"
mkdir -p "$alice" "$bob"
checkout "$alice"
start=$(now)
AUTOJIT_CACHE_DIR=$(cache_of alice) build_in "$alice"
record_since "$out/alice-build" "$start"
progress "Building the second checkout"
checkout "$bob"
start=$(now)
AUTOJIT_CACHE_DIR=$(cache_of bob) build_in "$bob"
record_since "$out/bob-build" "$start"
for ((i = 1; i <= runs; i++)); do
  progress "Run $i/$runs"
  rm -rf "$(cache_of alice)/objects" "$(cache_of bob)/objects"
  [[ $store == redis ]] && redis-cli -u "$store_url" flushall > /dev/null
  timed alice alice-cold "${store_url:-}"
  timed alice alice-warm
  [[ $store == redis ]] && rm -rf "$(cache_of bob)/objects"
  AUTOJIT_STATS=$out/bob.stats timed bob bob-first "${store_url:+$store_url|read-only}"
  cmp -s "$out/alice-warm.out" "$out/bob-first.out" ||
    die "the second checkout printed otherwise than the first: diff $out/alice-warm.out $out/bob-first.out"
done
printf '%-48s %8s\n' "$program, $(opt_flags), $(flavour_note), store: $store, paths: $paths" "median s"
printf '%-48s %8s\n' "first checkout, cold object cache" "$(median alice-cold)"
printf '%-48s %8s\n' "first checkout, warm" "$(median alice-warm)"
printf '%-48s %8s\n' "second checkout, first run" "$(median bob-first)"
printf '%-48s %7.2fx\n' "second checkout's first run / warm run" \
  "$(echo "$(median bob-first) / $(median alice-warm)" | bc -l)"
# The first result, as the other benchmarks count it: the build, then the run.
alice_first=$(echo "$(median alice-build) + $(median alice-warm)" | bc -l)
bob_first=$(echo "$(median bob-build) + $(median bob-first)" | bc -l)
printf '%-48s %8.4f\n' "first checkout, build + warm run" "$alice_first"
printf '%-48s %8.4f\n' "second checkout, build + first run" "$bob_first"
printf '%-48s %7.2fx\n' "first result, second checkout / warm" "$(echo "$bob_first / $alice_first" | bc -l)"
echo "second checkout's stats (AUTOJIT_STATS=1), one line per process:"
sed 's/^/  /' "$out/bob.stats"
