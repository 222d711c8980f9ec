#!/usr/bin/env bash
# The real-world corpus tier: public programs from Debian source packages,
# each built regular and with autojit, running a real workload; the autojit
# runs must exit like the regular one and print byte-identical output.
#
#   scripts/corpus.sh [--quick] [--opt=0|2|both] [--mode=inprocess|remote|both]
#                     [--only=NAME[,NAME...]] [--work-dir=DIR] [--jobs=N]
#                     [--timeout=SECONDS] [--instrument=address|coverage]
#                     [--remote-cache]
#
# Programs (bench/corpus/NAME.sh): lua, sqlite, pugixml, zlib, tinyxml2, gzip,
# spdlog.
# For each program and -O level (-O0 -g, -O2 -g): a regular build; an
# autojit build (the plugin) linked with the in-process runtime; the same
# objects relinked with the static stub (remote mode: each run spawns its own
# autojitd). Each autojit flavour runs with an empty object cache (every
# function it calls is compiled) and again warm. --quick runs a subset sized
# for a CI tier of a few minutes on 2 cores. Prints a table (build and run
# seconds, pass/FAIL) and the first lines of each failure; exits 1 if any
# result differs or fails. Sources and builds go to build/corpus (--work-dir
# or $CORPUS_WORK_DIR); sources are fetched once and kept.
# --instrument builds every flavour, the regular one too, with
# AddressSanitizer (the runs must exit alike: a report exits 1) or with
# source-based coverage (the runs' merged profiles must agree on each
# function's count and on which of its blocks ran). See docs/corpus.md.
# --remote-cache starts a Redis server for the run: each autojit flavour's
# cold run also writes what it compiles to it (AUTOJIT_REMOTE_CACHE), and a
# third run, its local object cache emptied, links every object fetched
# from the store (the "fetched" time, after the warm one).
#
# Build autojit first (cmake -G Ninja -S . -B build && ninja -C build), or
# point AUTOJIT_LIB_DIR at another build's or an installation's lib directory
# (its pkg-config files give the flags and the daemon).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export AUTOJIT_LIB_DIR=${AUTOJIT_LIB_DIR:-$root/build/lib}
source "$root/bench/common.sh"
export corpus_dir=$root/bench/corpus

all_programs=(lua sqlite pugixml zlib tinyxml2 gzip spdlog)
# --quick: program:opt:modes (i: in-process, r: remote), sized for a CI tier
# of a few minutes on 2 cores. pugixml's cold runs alone take a minute.
quick_set=(lua:0:ir lua:2:ir zlib:0:ir zlib:2:i tinyxml2:0:ir tinyxml2:2:ir sqlite:0:i pugixml:2:i gzip:0:ir)

quick=0 opts=(0 2) modes=(inprocess remote) only="" timeout="" instrument="" remote_cache=0
work=${CORPUS_WORK_DIR:-$root/build/corpus}
jobs=$(nproc 2>/dev/null || echo 2)
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    --opt=0|--opt=2) opts=("${arg#--opt=}") ;;
    --opt=both) opts=(0 2) ;;
    --mode=inprocess|--mode=remote) modes=("${arg#--mode=}") ;;
    --mode=both) modes=(inprocess remote) ;;
    --only=?*) only=${arg#--only=} ;;
    --work-dir=?*) work=${arg#--work-dir=} ;;
    --jobs=?*) jobs=${arg#--jobs=} ;;
    --timeout=?*) timeout=${arg#--timeout=} ;;
    --instrument=address|--instrument=coverage) instrument=${arg#--instrument=} ;;
    --remote-cache) remote_cache=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown argument $arg (see --help)" ;;
  esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs takes a positive number"
[[ -z $timeout || $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout takes a positive number of seconds"
# Seconds one run of a workload may take before it counts as hung.
timeout=${timeout:-$((quick ? 120 : 600))}

# What --instrument adds to every flavour's compile and link flags.
case $instrument in
  address) instrument_cflags="-fsanitize=address" instrument_ldflags="-fsanitize=address" ;;
  coverage) instrument_cflags="-fprofile-instr-generate -fcoverage-mapping" instrument_ldflags="-fprofile-instr-generate" ;;
  *) instrument_cflags="" instrument_ldflags="" ;;
esac
[[ $instrument != coverage || -x $llvm_bin/llvm-profdata ]] ||
  die "--instrument=coverage needs $llvm_bin/llvm-profdata (set LLVM_BIN_DIR)"

programs=()
if [[ -n $only ]]; then
  IFS=, read -ra programs <<< "$only"
  for p in "${programs[@]}"; do
    [[ -f $corpus_dir/$p.sh ]] || die "no program $p (have: ${all_programs[*]})"
  done
else
  programs=("${all_programs[@]}")
fi

remote=0
require_autojit
if [[ " ${modes[*]} " == *" remote "* ]]; then
  remote=1
  require_autojit
  remote=0
  unset AUTOJIT_DAEMON_PATH AUTOJITD_FORCE_SPAWN
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
command -v make >/dev/null || die "make not found"

# wanted <program> <opt> <mode>: whether this run covers that combination.
wanted() {
  [[ " ${modes[*]} " == *" $3 "* ]] || return 1
  ((quick)) || return 0
  local entry
  for entry in "${quick_set[@]}"; do
    [[ $entry == "$1:$2:"* && ${entry##*:} == *"${3:0:1}"* ]] && return 0
  done
  return 1
}

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# Table rows: program, opt, flavour, build, cold run, warm run, result.
rows=()
# Failure reports, one block each.
failures=()
failed=0

add_row() { rows+=("$(printf '%s\t' "$@")"); }

# fail <program> <opt> <flavour> <what> <file with details>
fail() {
  failed=1
  local block details
  block="FAIL $1${2:+ -O$2} $3: $4"
  details=$(head -n 12 "$5" | cut -c1-200 | sed 's/^/    /')
  [[ -n $details ]] && block+=$'\n'$details
  failures+=("$block")
}

# first_errors <build log>: the lines that say why a build failed.
first_errors() {
  grep -m 12 -E 'error|Error|undefined|discarded section|multiple definition|relocation|Symbols not found|fatal|Segmentation|Aborted|core dumped' "$1" ||
    tail -n 12 "$1"
}

# build <program> <dir> <opt> <cflags> <link flags> <log>: a fresh copy of
# the sources, configured and built. Prints the seconds it took.
build() {
  local program=$1 dir=$2 opt=$3 cflags=$4 ldflags=$5 log=$6 start status
  rm -rf "$dir"
  cp -a "$work/$program/src" "$dir"
  start=$EPOCHREALTIME
  { "${program}_configure" "$dir" "$opt" "$cflags" "$ldflags" &&
      "${program}_make" "$dir" "$opt" "$cflags" "$ldflags"; } > "$log" 2>&1
  status=$?
  elapsed "$start"
  return $status
}

# relink <program> <from dir> <dir> <opt> <cflags> <link flags> <log>: the
# objects of <from dir>, linked again with other flags.
relink() {
  local program=$1 from=$2 dir=$3 opt=$4 cflags=$5 ldflags=$6 log=$7 start status binaries
  rm -rf "$dir"
  cp -a "$from" "$dir"
  binaries="${program}_binaries[@]"
  (cd "$dir" && rm -f "${!binaries}")
  start=$EPOCHREALTIME
  "${program}_make" "$dir" "$opt" "$cflags" "$ldflags" > "$log" 2>&1
  status=$?
  elapsed "$start"
  return $status
}

# run <program> <dir> <output prefix>: the workload in <dir>, stdout to
# <prefix>.out, stderr to <prefix>.err, exit status to <prefix>.rc. Prints
# the seconds it took.
run() {
  local program=$1 dir=$2 prefix=$3 start status
  start=$EPOCHREALTIME
  rm -rf "$prefix.profiles"
  (cd "$dir" && export -f "${program}_run" && export LLVM_PROFILE_FILE="$prefix.profiles/%p.profraw" &&
      timeout -k 10 "$timeout" bash -c "set -eo pipefail; ${program}_run") \
    > "$prefix.out" 2> "$prefix.err" < /dev/null
  status=$?
  echo "$status" > "$prefix.rc"
  if [[ $instrument == coverage ]]; then
    # A line per function: its name, entry count and which of its blocks
    # ran (block counts can follow data a program never wrote: zlib's
    # slide_hash reads the garbage its comments allow).
    "$llvm_bin/llvm-profdata" merge -o "$prefix.profdata" "$prefix.profiles" &&
      "$llvm_bin/llvm-profdata" show --all-functions --counts "$prefix.profdata" |
      awk '/^  [^ ].*:$/ { name = $1 } /Function count/ { count = $3 }
           /Block counts/ { gsub(/[1-9][0-9]*/, "1"); print name, count, $0 }' > "$prefix.counts"
  fi 2> "$prefix.profile-errors"
  elapsed "$start"
  return 0
}

# check <program> <opt> <flavour> <prefix> <regular prefix>: compares a run
# with the regular one; sets `result` and records the failure.
check() {
  local program=$1 opt=$2 flavour=$3 prefix=$4 ref=$5 rc ref_rc details=$4.why
  rc=$(cat "$prefix.rc") ref_rc=$(cat "$ref.rc")
  local counts_differ=0
  [[ $instrument != coverage ]] || cmp -s "$prefix.counts" "$ref.counts" || counts_differ=1
  if [[ $rc == "$ref_rc" ]] && cmp -s "$prefix.out" "$ref.out" && ((!counts_differ)); then
    result=pass
    return 0
  fi
  {
    if [[ $rc != "$ref_rc" ]]; then
      case $rc in
        124|137) echo "timed out after ${timeout}s" ;;
        *) echo "exit status $rc (regular: $ref_rc)" ;;
      esac
      # Strip the prefix bash puts on its own messages (a crash's "Segmentation fault").
      head -n 6 "$prefix.err" | sed 's/^environment: line [0-9]*: *//'
    fi
    if [[ ! -s $prefix.out ]]; then
      echo "stdout: empty (regular: $(wc -l < "$ref.out") lines)"
    elif ! cmp -s "$prefix.out" "$ref.out"; then
      echo "stdout: $(cmp "$ref.out" "$prefix.out" 2>&1 | sed 's|^cmp: ||; s|[^ ]*/||g' | head -n 1)"
      diff "$ref.out" "$prefix.out" | head -n 6
    fi
    if ((counts_differ)); then
      echo "coverage counts differ: compare $ref.counts and $prefix.counts"
      cat "$prefix.profile-errors"
      diff "$ref.counts" "$prefix.counts" | head -n 6
    fi
  } > "$details"
  fail "$program" "$opt" "$flavour" "$(head -n 1 "$details")" <(tail -n +2 "$details")
  case $rc in
    "$ref_rc") ((counts_differ)) && result="FAIL(counts)" || result="FAIL(output)" ;;
    124|137) result="FAIL(timeout)" ;;
    *) result="FAIL(exit $rc)" ;;
  esac
  return 1
}

# autojit_runs <program> <opt> <flavour> <dir> <build seconds>: cold and warm
# runs of an autojit build (and, with --remote-cache, a run that fetches
# every object from the store), checked against the regular run.
autojit_runs() {
  local program=$1 opt=$2 flavour=$3 dir=$4 build_time=$5 cold warm="-" fetched result
  rm -rf "$AUTOJIT_CACHE_DIR/objects"
  # The cold run compiles everything, and fills an empty store.
  [[ -z $store_url ]] || redis-cli -u "$store_url" flushall > /dev/null
  cold=$( [[ -z $store_url ]] || export AUTOJIT_REMOTE_CACHE=$store_url
          run "$program" "$dir" "$out/$flavour-cold")
  if check "$program" "$opt" "$flavour" "$out/$flavour-cold" "$out/regular"; then
    warm=$(run "$program" "$dir" "$out/$flavour-warm")
    check "$program" "$opt" "$flavour (warm object cache)" "$out/$flavour-warm" "$out/regular"
  fi
  if [[ -n $store_url && $result == pass ]]; then
    rm -rf "$AUTOJIT_CACHE_DIR/objects"
    fetched=$(export AUTOJIT_REMOTE_CACHE="$store_url|read-only"
              run "$program" "$dir" "$out/$flavour-fetched")
    check "$program" "$opt" "$flavour (objects fetched from the store)" "$out/$flavour-fetched" "$out/regular"
    warm+="/$fetched"
  fi
  add_row "$program" "-O$opt" "$flavour" "$build_time" "$cold" "$warm" "$result"
}

# corpus_one <program> <opt>: every flavour of one program at one -O level.
corpus_one() {
  local program=$1 opt=$2 t regular_time inprocess_built=0 plugin
  out=$work/$program/O$opt${instrument:+-$instrument}
  rm -rf "$out"
  mkdir -p "$out"
  export AUTOJIT_CACHE_DIR=$out/store

  local unsteady="${program}_unsteady_counts"
  if [[ $instrument == coverage && -n ${!unsteady:-} ]]; then
    add_row "$program" "-O$opt" all - - - "skipped: ${!unsteady}"
    return
  fi
  progress "$program -O$opt: regular build and run"
  if ! t=$(build "$program" "$out/regular" "$opt" "$instrument_cflags" "$instrument_ldflags" "$out/regular.build.log"); then
    fail "$program" "$opt" regular "build failed (see $out/regular.build.log)" <(first_errors "$out/regular.build.log")
    add_row "$program" "-O$opt" regular "$t" - - "FAIL(build)"
    return
  fi
  regular_time=$(run "$program" "$out/regular" "$out/regular")
  if [[ $(cat "$out/regular.rc") != 0 ]]; then
    fail "$program" "$opt" regular "the regular build's workload exits $(cat "$out/regular.rc")" "$out/regular.err"
    add_row "$program" "-O$opt" regular "$t" "$regular_time" - "FAIL(exit $(cat "$out/regular.rc"))"
    return
  fi
  add_row "$program" "-O$opt" regular "$t" "$regular_time" - ok

  plugin="$(plugin_flags) $instrument_cflags"
  if wanted "$program" "$opt" inprocess; then
    progress "$program -O$opt: autojit build, in-process runs"
    remote=0
    if t=$(build "$program" "$out/inprocess" "$opt" "$plugin" "$(runtime_flags) $instrument_ldflags" "$out/inprocess.build.log"); then
      inprocess_built=1
      autojit_runs "$program" "$opt" inprocess "$out/inprocess" "$t"
    else
      fail "$program" "$opt" inprocess "build failed (see $out/inprocess.build.log)" <(first_errors "$out/inprocess.build.log")
      add_row "$program" "-O$opt" inprocess "$t" - - "FAIL(build)"
    fi
  fi
  if wanted "$program" "$opt" remote; then
    remote=1
    # The build too: a configure script runs the programs it links.
    AUTOJIT_DAEMON_PATH=$(autojit_pkg_config --variable=autojitd autojit-remote)
    export AUTOJIT_DAEMON_PATH AUTOJITD_FORCE_SPAWN=1
    if ((inprocess_built)); then
      progress "$program -O$opt: autojit objects relinked with the stub, remote runs"
      t=$(relink "$program" "$out/inprocess" "$out/remote" "$opt" "$plugin" "$(runtime_flags) $instrument_ldflags" "$out/remote.build.log")
    else
      progress "$program -O$opt: autojit build with the stub, remote runs"
      t=$(build "$program" "$out/remote" "$opt" "$plugin" "$(runtime_flags) $instrument_ldflags" "$out/remote.build.log")
    fi
    if (($? == 0)); then
      ((inprocess_built)) && t="$t*"
      autojit_runs "$program" "$opt" remote "$out/remote" "$t"
    else
      fail "$program" "$opt" remote "build failed (see $out/remote.build.log)" <(first_errors "$out/remote.build.log")
      add_row "$program" "-O$opt" remote "$t" - - "FAIL(build)"
    fi
    unset AUTOJIT_DAEMON_PATH AUTOJITD_FORCE_SPAWN
    remote=0
  fi
}

# --remote-cache: one Redis server for every program.
store_url=""
((remote_cache)) && start_redis "$work/redis"

start_all=$EPOCHREALTIME
progress "Corpus: ${programs[*]} at -O${opts[*]}, ${modes[*]}$( ((quick)) && echo ' (quick)')${instrument:+, instrumented: $instrument}, work dir $work"
for program in "${programs[@]}"; do
  source "$corpus_dir/$program.sh"
  mkdir -p "$work/$program"
  progress "$program: sources"
  if ! ( set -e; "${program}_fetch" "$work/$program/src" ) > "$work/$program/fetch.log" 2>&1; then
    fail "$program" "" sources "fetching or preparing the sources failed (see $work/$program/fetch.log)" <(tail -n 8 "$work/$program/fetch.log")
    add_row "$program" - sources - - - "FAIL(fetch)"
    continue
  fi
  for opt in "${opts[@]}"; do
    if wanted "$program" "$opt" inprocess || wanted "$program" "$opt" remote; then
      corpus_one "$program" "$opt"
    fi
  done
done

{
  echo
  echo "Corpus results (seconds; build* = autojit objects relinked with the stub; cold = empty object cache)"
  printf '%-9s %-4s %-10s %9s %9s %9s  %s\n' program opt flavour build run/cold "$( ((remote_cache)) && echo warm/fetched || echo warm)" result
  for row in "${rows[@]}"; do
    IFS=$'\t' read -r p o f b c w r <<< "$row"
    printf '%-9s %-4s %-10s %9s %9s %9s  %s\n' "$p" "$o" "$f" "$b" "$c" "$w" "$r"
  done
  echo "total: $(elapsed "$start_all") s"
  passed=0 not_passed=0
  for row in "${rows[@]}"; do
    IFS=$'\t' read -r p o f b c w r <<< "$row"
    case $f:$r in
      regular:* | *:skipped*) ;;
      *:pass) ((passed++)) ;;
      *) ((not_passed++)) ;;
    esac
  done
  if ((${#failures[@]})); then
    echo
    printf '%s\n' "${failures[@]}"
  fi
  echo "corpus: $passed passed, $not_passed failed"
} | tee "$work/results.txt"
exit $failed
