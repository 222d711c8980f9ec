#!/usr/bin/env bash
# The large-translation-unit benchmark: the SQLite amalgamation (sqlite3.c,
# one file of about 250,000 lines) and its shell, regular and autojit side by
# side, running the corpus tier's SQL workload (corpus/workload.sql: joins,
# window functions, CTEs, triggers, JSON, full-text search, in memory and
# into a database file that a second process checks).
#
#   ./sqlite.sh [--runs=N] [--exec-runs=M] [--opt=0|2] [--autojitd]
#
# Builds the shell with make, one job at a time (N clean -O0 -g builds each,
# each followed by its first run: the time to the first result), runs the
# workload (M runs, cold and warm object cache), checks that every run prints
# the same as the regular one, and times the edit loop: change the body of
# sqlite3_step, rebuild (all of sqlite3.c and the link), run. Prints a table,
# with autojit's stats lines (one per sqlite3 process), and writes
# sqlite/results-O<N>[-autojitd].json. --opt=2 builds both flavours with
# -O2 -g instead (a cold -O2 run compiles for minutes). With --autojitd the
# autojit flavour links the static stub and each run spawns its own autojitd.
# The sources come from ./setup.sh, or are fetched here the first time
# (Debian's sqlite3 source package; generating the amalgamation needs
# tclsh). The recipe (fetch, make, run) is corpus/sqlite.sh's.
set -euo pipefail
source "$(dirname "$0")/common.sh"

parse_run_args 3 3 "$@"
require_autojit
src=$work/sqlite/src
# corpus/sqlite.sh: sqlite_fetch, sqlite_make, sqlite_run.
source "$corpus_dir/sqlite.sh"
[[ -f $src/sqlite3.c && -f $src/shell.c && -f $src/Makefile ]] || fetch_corpus_program sqlite
# Serial builds, like the other benchmarks' make: the two cores of a small
# machine would otherwise build shell.c beside sqlite3.c.
jobs=1
version=$(sed -n 's/^#define SQLITE_VERSION *"\(.*\)"/\1/p' "$src/sqlite3.h")

fresh_run_dir sqlite sqlite3

for flavour in regular autojit; do
  cp -r "$src" "$out/$flavour"
done

clean_sqlite() { rm -f "$out/$1"/*.o "$out/$1/sqlite3" "$out/$1/workload.db"; }

# The edit loop changes the body of sqlite3_step (every statement calls it):
# make compiles sqlite3.c again and links.
measure_corpus_program sqlite clean_sqlite sqlite3.c "SQLITE_API int sqlite3_step(sqlite3_stmt *pStmt){"

report sqlite "SQLite $version amalgamation + shell, corpus/workload.sql"
