#!/usr/bin/env bash
# The C++ benchmark: nlohmann-json's own unit tests (template-heavy code, where
# -O0 code generation is a large part of the build), regular and autojit side
# by side.
#
#   ./json.sh [--runs=N] [--exec-runs=M] [--opt=0|2] [--autojitd]
#
# Builds five of the library's unit-test files and doctest's runner with make
# (N clean -O0 -g builds each, each followed by its first run: the time to
# the first result), runs the tests (M runs, cold and warm object cache),
# checks both flavours print the same results, and times the edit loop:
# change one test's body, rebuild, run the tests. Prints a table, with
# autojit's stats lines, and writes json/results-O<N>[-autojitd].json.
# --opt=2 builds both flavours with -O2 -g instead. With --autojitd the
# autojit flavour links the static stub and each run spawns its own autojitd.
# Run ./setup.sh first.
set -euo pipefail
source "$(dirname "$0")/common.sh"

parse_run_args 3 3 "$@"
require_autojit
json_sources
fresh_run_dir json tests

for flavour in regular autojit; do
  mkdir -p "$out/$flavour"
  cp -r "$src/tests/src" "$out/$flavour/src"
  {
    echo "OBJS = $(printf '%s.o ' "${units[@]}")"
    echo "INCLUDES = -I$src/include -I$src/tests/thirdparty/doctest -Isrc"
    echo 'tests: $(OBJS)'
    printf '\t$(CXX) $(OBJS) -o tests $(LDFLAGS)\n'
    echo '%.o: src/%.cpp'
    printf '\t$(CXX) -std=c++17 -w $(CXXFLAGS) $(INCLUDES) -c $< -o $@\n'
    echo 'clean:'
    printf '\trm -f *.o tests\n'
  } > "$out/$flavour/Makefile"
done

flags() {
  if [[ $1 == autojit ]]; then
    echo "CXXFLAGS=$(opt_flags) $(plugin_flags)" "LDFLAGS=$(runtime_flags)"
  else
    echo "CXXFLAGS=$(opt_flags)" "LDFLAGS="
  fi
}

# make_tests <flavour> [target]: make with that flavour's flags.
make_tests() {
  local flavour=$1
  local -a make_flags
  mapfile -t make_flags < <(flags "$flavour" | sed 's/ LDFLAGS=/\nLDFLAGS=/')
  make -C "$out/$flavour" CXX="$cxx" "${make_flags[@]}" tests > "$out/logs/build-$flavour.log" 2>&1 ||
    die "building the $flavour tests failed: see $out/logs/build-$flavour.log"
}

clean_tests() { make -C "$out/$1" clean >/dev/null; }

# run_tests <flavour> <output name>: the doctest runner, output kept.
run_tests() { "$out/$1/tests" > "$out/outputs/$2.txt" || die "the $1 tests failed: see $out/outputs/$2.txt"; }

measure_compile "$runs" clean_tests make_tests run_tests
du -cb "$AUTOJIT_CACHE_DIR"/modules/*.bc | tail -1 | cut -f1 > "$out/lazy-bytes"

measure_runs run_tests "$exec_runs"

progress "Checking outputs"
for tag in "" first-; do
  cmp -s "$out/outputs/${tag}regular.txt" "$out/outputs/${tag}autojit.txt" ||
    die "the test results differ: compare $out/outputs/${tag}regular.txt and $out/outputs/${tag}autojit.txt"
done
echo "$(md5sum < "$out/outputs/regular.txt" | cut -d' ' -f1) test results" > "$out/md5"

# The edit loop: change the body of one test, rebuild (one file and the
# link), run the tests.
rebuild_and_test() {
  make_tests "$1"
  run_tests "$1" "edit-$1"
}
measure_edit_loop src/unit-algorithms.cpp "TEST_CASE(\"algorithms\")\n{" rebuild_and_test "$exec_runs"

report json "nlohmann-json 3.11 unit tests"
