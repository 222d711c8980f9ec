#!/usr/bin/env bash
# The third workload, C++ of another kind than json's: pugixml's own unit
# tests (Debian's pugixml source package: one 13,000-line library file, a
# DOM and XPath engine, and about 40 test files whose 956 tests register
# themselves with a runner of their own; little template code), regular and
# autojit side by side.
#
#   ./pugixml.sh [--runs=N] [--exec-runs=M] [--opt=0|2] [--autojitd]
#
# Builds the test program with its Makefile, one job at a time (N clean
# -O0 -g builds each, each followed by its first run: the time to the first
# result), runs the tests (M runs, cold and warm object cache), checks that
# every run prints the same as the regular one, and times the edit loop:
# change the body of xml_node::child, rebuild (pugixml.cpp and the link),
# run. Prints a table, with autojit's stats lines, and writes
# pugixml/results-O<N>[-autojitd].json. --opt=2 builds both flavours with
# -O2 -g instead. With --autojitd the autojit flavour links the static stub
# and each run spawns its own autojitd. The sources are fetched the first
# time; the recipe (fetch, make, run) is corpus/pugixml.sh's.
set -euo pipefail
source "$(dirname "$0")/common.sh"

parse_run_args 3 3 "$@"
require_autojit
src=$work/pugixml/src
# corpus/pugixml.sh: pugixml_fetch, pugixml_make, pugixml_run.
source "$corpus_dir/pugixml.sh"
[[ -f $src/src/pugixml.cpp && -f $src/Makefile ]] || fetch_corpus_program pugixml
jobs=1

fresh_run_dir pugixml build/corpus/test

for flavour in regular autojit; do
  cp -r "$src" "$out/$flavour"
done

clean_tests() { rm -rf "$out/$1/build/corpus"; }

# The edit loop changes the body of xml_node::child: make compiles
# pugixml.cpp again and links.
measure_corpus_program pugixml clean_tests src/pugixml.cpp "xml_node xml_node::child(const char_t* name_) const\n\t{"

report pugixml "pugixml 1.13 unit tests (956 tests, its own runner)"
