# Shared by the benchmark scripts: where autojit is, the compilers, timing.
# Sourced, not run.

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Installed layout: <prefix>/benchmark/*.sh next to <prefix>/lib. In the source
# tree, point AUTOJIT_LIB_DIR at a build's lib directory. The flags come from
# the pkg-config files there (lib/pkgconfig/autojit{,-remote}.pc).
autojit_lib=${AUTOJIT_LIB_DIR:-$(cd "$bench_dir/../lib" 2>/dev/null && pwd || true)}
# 1 with --autojitd: the autojit flavour links the stub, and each run spawns
# its own autojitd.
remote=0
# The -O level of both flavours' builds (--opt=N): 0 or 2.
opt=0
# The corpus programs' recipes (bench/corpus/NAME.sh), which sqlite.sh reuses.
corpus_dir=$bench_dir/corpus
llvm_bin=${LLVM_BIN_DIR:-/usr/lib/llvm-19/bin}
cc=$llvm_bin/clang
cxx=$llvm_bin/clang++
work=${BENCH_WORK_DIR:-$bench_dir}

die() {
  echo "error: $*" >&2
  exit 1
}

# pkg-config, reading autojit's own .pc files first.
autojit_pkg_config() {
  PKG_CONFIG_PATH=$autojit_lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH} pkg-config "$@"
}
# The package the autojit flavour uses: the in-process runtime, or the stub.
autojit_package() { if ((remote)); then echo autojit-remote; else echo autojit; fi; }

require_autojit() {
  command -v pkg-config >/dev/null || die "pkg-config not found: install pkgconf"
  [[ -f $autojit_lib/pkgconfig/autojit.pc ]] ||
    die "no autojit in ${autojit_lib:-<prefix>/lib}: run 'ninja -C build install-autojit-bench' or set AUTOJIT_LIB_DIR"
  [[ -x $cc ]] || die "$cc not found: install clang-19 (or set LLVM_BIN_DIR)"
  if ((remote)); then
    local autojitd
    autojitd=$(autojit_pkg_config --variable=autojitd autojit-remote)
    [[ -x $autojitd ]] || die "--autojitd needs the daemon: no $autojitd; run 'ninja -C build install-autojit-bench'"
    export AUTOJIT_DAEMON_PATH=$autojitd AUTOJITD_FORCE_SPAWN=1
  fi
}

plugin_flags() { autojit_pkg_config --cflags "$(autojit_package)"; }
# Makefiles put LDFLAGS before the objects: the remote flags pull the stub in
# anyway.
runtime_flags() { autojit_pkg_config --libs "$(autojit_package)"; }

# What the autojit flavour links, for report titles.
flavour_note() {
  if ((remote)); then echo "autojit: stub + spawned autojitd"; else echo "autojit: in-process runtime"; fi
}

# fresh_run_dir <program> <binary>: an empty $work/<program>/run as `out`,
# with the places every script records into, and its own module store.
fresh_run_dir() {
  out=$work/$1/run
  rm -rf "$out"
  mkdir -p "$out/times" "$out/outputs" "$out/logs"
  echo "$2" > "$out/binary"
  export AUTOJIT_CACHE_DIR=$out/store
}

progress() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

now() { date +%s.%N; }

# source_tarball <Debian source package> <download dir>: prints the path of
# the package's upstream tarball, downloaded once (apt-get source, with a
# deb-src entry added if apt has none).
source_tarball() {
  local package=$1 download=$2 tarball sudo=""
  tarball=$(ls "$download"/"${package}"_*.orig.tar.* 2>/dev/null | head -1 || true)
  if [[ -z $tarball ]]; then
    progress "Fetching $package sources (Debian source package)" >&2
    mkdir -p "$download"
    [[ $(id -u) -ne 0 ]] && sudo=sudo
    if ! apt-get source --print-uris "$package" >/dev/null 2>&1; then
      echo "Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $(. /etc/os-release && echo "$VERSION_CODENAME")
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
        $sudo tee /etc/apt/sources.list.d/autojit-deb-src.sources >/dev/null
      $sudo apt-get update -qq
    fi
    (cd "$download" && apt-get source --download-only "$package" >/dev/null 2>&1) ||
      die "apt-get source $package failed; pass the upstream tarball (see --help)"
    tarball=$(ls "$download"/"${package}"_*.orig.tar.* 2>/dev/null | head -1 || true)
    [[ -n $tarball ]] || die "no upstream tarball in Debian's $package source package; pass one (see --help)"
  fi
  echo "$tarball"
}

# fetch_sources <Debian source package> <dest dir> <file that must exist> [tarball]
# Unpacks the package's upstream tarball (or the given one) into <dest dir>.
fetch_sources() {
  local package=$1 dest=$2 marker=$3 tarball=${4:-}
  [[ -f $dest/$marker ]] && return
  [[ -n $tarball ]] || tarball=$(source_tarball "$package" "$(dirname "$dest")/download")
  [[ -f $tarball ]] || die "no tarball at $tarball"
  rm -rf "$dest" && mkdir -p "$dest"
  tar -xf "$tarball" -C "$dest" --strip-components=1
  [[ -f $dest/$marker ]] || die "$tarball does not hold the $package sources"
}

# compressible_input <file> <seed>: 3 MiB for the compressors of the corpus,
# the same bytes for the same seed: 2 MiB of text over vocabularies of 20 to
# 2,000 words, then 1 MiB of random runs and literal bytes.
compressible_input() {
  [[ -f $1 ]] && return
  python3 - "$1" "$2" <<'PY'
import random, sys
rng = random.Random(int(sys.argv[2]))
words = ["".join(rng.choice("etaoinshrdlu") for _ in range(rng.randint(1, 8))) for _ in range(2000)]
text = " ".join(rng.choice(words[: rng.choice((20, 200, 2000))]) for _ in range(300000)).encode()
blob = bytearray()
while len(blob) < (1 << 20):
    blob += rng.randbytes(rng.randint(8, 200)) if rng.random() < 0.5 else bytes([rng.randrange(256)]) * rng.randint(2, 300)
open(sys.argv[1], "wb").write(text[: 2 << 20] + bytes(blob[: 1 << 20]))
PY
}

# fetch_corpus_program <name> [tarball]: the sources of a corpus program
# (bench/corpus/<name>.sh, which this sources) in $work/<name>/src, prepared
# once by its <name>_fetch; the output goes to $work/<name>/fetch.log.
fetch_corpus_program() {
  local name=$1 tarball=${2:-}
  source "$corpus_dir/$name.sh"
  jobs=${jobs:-$(nproc 2>/dev/null || echo 2)}
  mkdir -p "$work/$name"
  progress "$name sources in $work/$name/src (prepared once; log: $work/$name/fetch.log)"
  # In the background, so that set -e holds inside (an `if` would turn it off).
  (set -e; "${name}_fetch" "$work/$name/src" "$tarball") > "$work/$name/fetch.log" 2>&1 &
  if ! wait $!; then
    tail -n 5 "$work/$name/fetch.log" >&2
    die "fetching or preparing $name failed: see $work/$name/fetch.log"
  fi
}

# Appends the seconds since $2 to file $1.
record_since() { record_between "$1" "$2" "$(now)"; }
# Appends the seconds from $2 to $3 to file $1.
record_between() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.4f}')" "$2" "$3" >> "$1"; }

# Prints "median min max" of the numbers in file $1.
summarize() {
  python3 - "$1" <<'PY'
import statistics, sys
values = [float(line) for line in open(sys.argv[1]) if line.strip()]
print(f"{statistics.median(values):.3f} {min(values):.3f} {max(values):.3f}")
PY
}

# measure_compile <count> <clean function> <build function> <run function>:
# <count> rounds of, for each flavour, `<clean function> <flavour>` (not
# timed), `<build function> <flavour>` (a clean build, timed into
# $out/times/compile-<flavour>) and at once the first run of what it built,
# `<run function> <flavour> first-<flavour>` (autojit: empty object cache);
# the build and the run together are the time to the first result, in
# $out/times/first-<flavour>. autojit's lazy modules are removed before each
# of its builds; the stats of its first run go to $out/logs/stats-first.log.
measure_compile() {
  local count=$1 clean=$2 build=$3 run=$4 i flavour start built
  for ((i = 1; i <= count; i++)); do
    progress "Compile run $i/$count: clean build and first run, regular and autojit"
    for flavour in regular autojit; do
      "$clean" "$flavour"
      # A clean build: no lazy modules, objects or cached link-time back ends.
      [[ $flavour == autojit ]] && rm -rf "$AUTOJIT_CACHE_DIR/modules" "$AUTOJIT_CACHE_DIR/objects" "$AUTOJIT_CACHE_DIR/thinlto"
      start=$(now)
      "$build" "$flavour"
      built=$(now)
      if [[ $flavour == autojit ]]; then
        AUTOJIT_STATS=1 "$run" "$flavour" "first-$flavour" 2> "$out/logs/stats-first.log"
      else
        "$run" "$flavour" "first-$flavour"
      fi
      record_between "$out/times/first-$flavour" "$start" "$(now)"
      record_between "$out/times/compile-$flavour" "$start" "$built"
    done
  done
}

# measure_runs <run function> <count>: <count> rounds of the regular build,
# autojit with an emptied object cache, and autojit warm, each timed into
# $out/times/run-<tag>, with autojit's stats line kept in
# $out/logs/stats-{cold,warm}.log. `<run function> <flavour> <output tag>`
# runs the program once.
measure_runs() {
  local run=$1 count=$2 i
  timed_run() {
    local start
    start=$(now)
    "$run" "$1" "$1"
    record_since "$out/times/run-$2" "$start"
  }
  for ((i = 1; i <= count; i++)); do
    progress "Run $i/$count: regular, autojit with a cold object cache, autojit warm"
    timed_run regular regular
    rm -rf "$AUTOJIT_CACHE_DIR/objects"
    AUTOJIT_STATS=1 timed_run autojit autojit-cold 2> "$out/logs/stats-cold.log"
    AUTOJIT_STATS=1 timed_run autojit autojit-warm 2> "$out/logs/stats-warm.log"
  done
}

# measure_edit_loop <file> <anchor> <rebuild and run function> <count>:
# <count> times, for each flavour, puts statement N at the top of the body
# after <anchor> in $out/<flavour>/<file> and times `<function> <flavour>`
# (make, then one run) into $out/times/edit-<flavour>; then, as often, puts
# comment N on the file's first line and times the same into
# $out/times/comment-<flavour>. autojit's stats lines (what compiled after
# each kind of edit) go to $out/logs/stats-{edit,comment}.log.
measure_edit_loop() {
  local file=$1 anchor=$2 rebuild_and_run=$3 count=$4 i
  for ((i = 1; i <= count; i++)); do
    progress "Edit loop $i/$count: one statement"
    timed_edit edit "$file" "$anchor" "$i" "$rebuild_and_run"
  done
  for ((i = 1; i <= count; i++)); do
    progress "Edit loop $i/$count: a comment line at the top of the file"
    timed_edit comment "$file" --comment "$i" "$rebuild_and_run"
  done
}

# timed_edit <kind> <file> <edit.py's where> <N> <rebuild and run function>
timed_edit() {
  local kind=$1 file=$2 where=$3 n=$4 rebuild_and_run=$5 flavour start
  for flavour in regular autojit; do
    python3 "$bench_dir/edit.py" "$out/$flavour/$file" "$where" "$n"
    start=$(now)
    if [[ $flavour == autojit ]]; then
      AUTOJIT_STATS=1 "$rebuild_and_run" "$flavour" 2> "$out/logs/stats-$kind.log"
    else
      "$rebuild_and_run" "$flavour"
    fi
    record_since "$out/times/$kind-$flavour" "$start"
  done
}

# corpus_make <program> <flavour>: the program's recipe (<program>_make, from
# bench/corpus/<program>.sh) in that flavour's copy of the sources, with its
# flags; the log goes to $out/logs/build-<flavour>.log.
corpus_make() {
  local cflags="" ldflags=""
  if [[ $2 == autojit ]]; then
    cflags=$(plugin_flags)
    ldflags=$(runtime_flags)
  fi
  "$1_make" "$out/$2" "$opt" "$cflags" "$ldflags" > "$out/logs/build-$2.log" 2>&1 ||
    die "building $1 ($2) failed: see $out/logs/build-$2.log"
}

# corpus_run <program> <flavour> <output name>: <program>_run in that
# flavour's copy, its output kept in $out/outputs/<output name>.txt.
corpus_run() {
  local status=0
  (cd "$out/$2" && "$1_run") > "$out/outputs/$3.txt" || status=$?
  ((status == 0)) || die "$1 ($2) exits $status: see $out/outputs/$3.txt"
}

# measure_program <name> <clean function> <build function> <run function>
# <file> <anchor>: a program's clean builds and first runs, its cold and
# warm runs and its edit loop (an edit after <anchor> in <file>), each
# flavour in its own copy of the sources; then checks that every output is
# the regular run's. `<build function> <flavour>` builds that flavour,
# `<run function> <flavour> <output name>` runs it once.
measure_program() {
  local name=$1 clean=$2 build=$3 run=$4 file=$5 anchor=$6 tag
  rebuild_and_run() {
    "$build" "$1"
    "$run" "$1" "edit-$1"
  }
  measure_compile "$runs" "$clean" "$build" "$run"
  du -cb "$AUTOJIT_CACHE_DIR"/modules/*.bc | tail -1 | cut -f1 > "$out/lazy-bytes"
  measure_runs "$run" "$exec_runs"
  measure_edit_loop "$file" "$anchor" rebuild_and_run "$exec_runs"
  progress "Checking outputs"
  for tag in first-regular first-autojit autojit edit-regular edit-autojit; do
    cmp -s "$out/outputs/regular.txt" "$out/outputs/$tag.txt" ||
      die "the outputs differ: compare $out/outputs/regular.txt and $out/outputs/$tag.txt"
  done
  echo "$(md5sum < "$out/outputs/regular.txt" | cut -d' ' -f1) $name output" > "$out/md5"
}

# measure_corpus_program <program> <clean function> <file> <anchor>:
# measure_program with the corpus program's recipe (corpus_make,
# corpus_run).
measure_corpus_program() {
  local program=$1
  build_flavour() { corpus_make "$program" "$1"; }
  run_flavour() { corpus_run "$program" "$1" "$2"; }
  measure_program "$program" "$2" build_flavour run_flavour "$3" "$4"
}

# start_redis <dir>: a Redis server on a free port of 127.0.0.1, its files
# in <dir>, stopped when the script exits; its URL in `store_url`.
start_redis() {
  local dir=$1 port
  command -v redis-server > /dev/null || die "a team's store needs redis-server (apt-get install redis-server)"
  mkdir -p "$dir"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" || die "redis-server did not start: see $dir/redis.log"
  trap "kill \"\$(cat '$dir/redis.pid')\" 2> /dev/null || true" EXIT
  for _ in $(seq 100); do
    redis-cli -p "$port" ping > /dev/null 2>&1 && break
    sleep 0.1
  done
  store_url=redis://127.0.0.1:$port
}

# json_sources: `src`, nlohmann-json's source tree, which setup.sh fetched,
# and `units`, the unit-test files the benchmarks build.
json_sources() {
  src=$work/json/src
  units=(unit unit-algorithms unit-json_pointer unit-modifiers unit-items)
  [[ -f $src/include/nlohmann/json.hpp ]] || die "run ./setup.sh first"
}

# parse_run_args <default runs> <default exec runs> args...: sets `runs` and
# `exec_runs` from --runs=N and --exec-runs=M, `opt` from --opt=0|2 and
# `remote` from --autojitd; --help prints the calling script's header.
parse_run_args() {
  runs=$1
  exec_runs=$2
  shift 2
  local arg
  for arg in "$@"; do
    case $arg in
      --runs=*) runs=${arg#--runs=} ;;
      --exec-runs=*) exec_runs=${arg#--exec-runs=} ;;
      --opt=0|--opt=2) opt=${arg#--opt=} ;;
      --opt=*) die "--opt takes 0 or 2" ;;
      --autojitd) remote=1 ;;
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
      *) die "unknown argument $arg (see --help)" ;;
    esac
  done
  [[ $runs =~ ^[1-9][0-9]*$ && $exec_runs =~ ^[1-9][0-9]*$ ]] || die "--runs and --exec-runs take a positive number"
}

# The -O level and -g of both flavours' builds, for the compilers' flags.
opt_flags() { echo "-O$opt -g"; }

# report <program> <title> [<builds>]: the table of $out (report.py), its
# results in $work/<program>/results-O<opt>[-autojitd].json. The title gets
# what the builds are (by default "clean <the compilers' flags> builds") and
# the autojit flavour.
report() {
  local suffix=O$opt builds=${3:-clean $(opt_flags) builds}
  ((remote)) && suffix+=-autojitd
  python3 "$bench_dir/report.py" "$out" "$2, $builds ($(flavour_note))" "$runs" "$exec_runs" \
    "$work/$1/results-$suffix.json"
}
