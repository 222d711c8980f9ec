# Shared by the benchmark scripts: where autojit is, the compilers, timing.
# Sourced, not run.

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Installed layout: <prefix>/benchmark/*.sh next to <prefix>/lib. In the source
# tree, point AUTOJIT_LIB_DIR at a build's lib directory.
autojit_lib=${AUTOJIT_LIB_DIR:-$(cd "$bench_dir/../lib" 2>/dev/null && pwd || true)}
llvm_bin=${LLVM_BIN_DIR:-/usr/lib/llvm-19/bin}
cc=$llvm_bin/clang
cxx=$llvm_bin/clang++
work=${BENCH_WORK_DIR:-$bench_dir}

die() {
  echo "error: $*" >&2
  exit 1
}

require_autojit() {
  [[ -f $autojit_lib/autojit.so && -f $autojit_lib/libautojit-runtime.so ]] ||
    die "no autojit in ${autojit_lib:-<prefix>/lib}: run 'ninja -C build install-autojit-bench' or set AUTOJIT_LIB_DIR"
  [[ -x $cc ]] || die "$cc not found: install clang-19 (or set LLVM_BIN_DIR)"
}

plugin_flags() { echo "-fpass-plugin=$autojit_lib/autojit.so"; }
runtime_flags() { echo "-L$autojit_lib -lautojit-runtime -Wl,-rpath,$autojit_lib -pthread"; }

progress() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }

now() { date +%s.%N; }

# Appends the seconds since $2 to file $1.
record_since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.4f}')" "$2" "$(now)" >> "$1"; }

# Prints "median min max" of the numbers in file $1.
summarize() {
  python3 - "$1" <<'PY'
import statistics, sys
values = [float(line) for line in open(sys.argv[1]) if line.strip()]
print(f"{statistics.median(values):.3f} {min(values):.3f} {max(values):.3f}")
PY
}
