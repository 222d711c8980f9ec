#!/usr/bin/env bash
# autojit inside an LLVM tree (LLVM_EXTERNAL_PROJECTS=llvm-autojit), with
# Debian's llvm-toolchain-19 sources (19.1.7, the release of Debian's
# clang-19).
#
#   scripts/llvm-tree.sh --check-graph [--work-dir=DIR]
#   scripts/llvm-tree.sh --build [--no-clang] [--work-dir=DIR]
#
# --check-graph configures the tree twice, without and with autojit, and
# checks the build graph without building: every command of check-autojit
# and install-autojit-bench is complete (lit is the tree's llvm-lit), they
# depend on the tree's LLVM library, llvm-config and the tools the suite
# runs, everything autojit writes is under its own binary directory
# (tools/llvm-autojit), and the tree's cache holds the same LLVM settings
# with autojit as without. Minutes; CI runs it.
#
# --build builds check-autojit for real (LLVM's library and tools first, in
# Release) and runs it, timing both. With --no-clang the tree builds no
# clang and the suite uses Debian's clang-19 (docs/llvm-tree.md says what
# that leaves unproven). Hours on two cores.
set -euo pipefail
project=$(cd "$(dirname "$0")/.." && pwd)
source "$project/bench/common.sh"

mode="" projects="clang;lld" work=$project/build-llvm-tree
for arg in "$@"; do
  case $arg in
    --check-graph) mode=check ;;
    --build) mode=build ;;
    --no-clang) projects="" ;;
    --work-dir=*) work=${arg#--work-dir=} ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) die "unknown argument $arg (see --help)" ;;
  esac
done
[[ -n $mode ]] || die "say --check-graph or --build (see --help)"
mkdir -p "$work"
work=$(cd "$work" && pwd)

# The sources: the upstream tarball of Debian's source package, only the
# parts the configured projects read.
src=$work/src
if [[ ! -f $src/llvm/CMakeLists.txt ]]; then
  tarball=$(source_tarball llvm-toolchain-19 "$work/download")
  progress "Unpacking $(basename "$tarball")"
  rm -rf "$src.tmp" && mkdir -p "$src.tmp"
  tar -xf "$tarball" -C "$src.tmp" --strip-components=1 --wildcards \
    '*/llvm/*' '*/cmake/*' '*/third-party/*' '*/clang/*' '*/lld/*' '*/libunwind/include/*'
  mv "$src.tmp" "$src"
fi

# configure <build dir> [cmake argument...]
configure() {
  local dir=$1
  shift
  rm -rf "$dir"
  CC=clang-19 CXX=clang++-19 cmake -G Ninja -S "$src/llvm" -B "$dir" -DCMAKE_BUILD_TYPE=Release \
    -DLLVM_TARGETS_TO_BUILD=X86 -DLLVM_ENABLE_PROJECTS="$projects" -DLLVM_USE_LINKER=lld \
    -DLLVM_BUILD_LLVM_DYLIB=ON -DLLVM_LINK_LLVM_DYLIB=ON "$@" > "$dir.configure.log" 2>&1 ||
    { tail -n 20 "$dir.configure.log" >&2; die "configuring $dir failed: see $dir.configure.log"; }
}
with_autojit=(-DLLVM_EXTERNAL_PROJECTS=llvm-autojit -DLLVM_EXTERNAL_LLVM_AUTOJIT_SOURCE_DIR="$project")

if [[ $mode == build ]]; then
  build=$work/build${projects:+-clang}
  [[ -f $build/build.ninja ]] || { progress "Configuring $build"; configure "$build" "${with_autojit[@]}"; }
  start=$(now)
  progress "Building what check-autojit needs (log: $build.build.log)"
  ninja -C "$build" llvm-config LLVM FileCheck not count opt llvm-jitlink ${projects:+clang lld} > "$build.build.log" 2>&1 ||
    { tail -n 20 "$build.build.log" >&2; die "the tree's build failed: see $build.build.log"; }
  built=$(now)
  progress "Running check-autojit (log: $build.check.log)"
  status=0
  ninja -C "$build" check-autojit > "$build.check.log" 2>&1 || status=$?
  done_at=$(now)
  grep -E "^(Total Discovered|  Passed|  Failed|  Unsupported)" "$build.check.log" || true
  awk -v a="$start" -v b="$built" -v c="$done_at" -v s="$status" 'BEGIN {
    printf "LLVM and tools: %.0f s; autojit and its suite: %.0f s; check-autojit exit status %d\n", b - a, c - b, s }' 
  exit "$status"
fi

plain=$work/graph-plain tree=$work/graph-autojit
progress "Configuring the tree without autojit, then with it"
configure "$plain"
configure "$tree" "${with_autojit[@]}"
own=$tree/tools/llvm-autojit
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The tree's settings: the same with autojit, but for autojit's own entries.
settings() {
  grep -E '^[A-Za-z_][A-Za-z0-9_-]*:[A-Z]+=' "$1/CMakeCache.txt" | sed "s|$1|BUILD|g" |
    grep -v ':INTERNAL=' | grep -viE 'autojit|^LLVM_EXTERNAL_|^CARGO_EXECUTABLE|^ProcessorCount_' | sort
}
changed=$(diff <(settings "$plain") <(settings "$tree") || true)
[[ -z $changed ]] || fail "autojit changes the tree's settings:"$'\n'"$changed"

for target in check-autojit install-autojit-bench; do
  commands=$(ninja -C "$tree" -t commands "$target" | grep -E 'autojit|llvm-lit' || true)
  [[ -n $commands ]] || { fail "$target has no autojit command"; continue; }
  # A command whose program is empty (an unset variable) begins with its
  # arguments.
  if grep -qE '(^|&& )(-|$)' <<<"$commands"; then
    fail "$target has a command without its program:"$'\n'"$(grep -E '(^|&& )(-|$)' <<<"$commands")"
  fi
  # What autojit's commands write: cargo's target directory, the artifacts,
  # lit's results.
  written=$(grep -oE "(CARGO_TARGET_DIR=|-E copy [^ ]+ |-E rename [^ ]+ |--output )$tree[^ ]*" <<<"$commands" |
    grep -oE "$tree[^ ]*" | sort -u || true)
  outside=$(grep -v "^$own/" <<<"$written" || true)
  [[ -z $outside ]] || fail "$target writes outside $own:"$'\n'"$outside"
done

lit_line=$(ninja -C "$tree" -t commands check-autojit | grep -E 'llvm-lit' || true)
lit=$(grep -oE "$tree/bin/llvm-lit" <<<"$lit_line" | head -1 || true)
[[ -n $lit && -x $lit ]] || fail "check-autojit's suite does not run the tree's llvm-lit: $lit_line"
for suite in inprocess spawn daemon; do
  site=$own/test/$suite/lit.site.cfg.py
  [[ -f $site ]] || { fail "no $site"; continue; }
  grep -q "config.llvm_tools_dir = \"$tree/bin\"" "$site" || fail "$site does not point at the tree's tools"
done
for stray in "$tree/test/inprocess" "$tree/cargo" "$tree/install" "$tree/pkgconfig"; do
  [[ ! -e $stray ]] || fail "autojit wrote $stray, in LLVM's own build directory"
done
prefix=$(grep '^CMAKE_INSTALL_PREFIX:' "$tree/CMakeCache.txt" | cut -d= -f2)
[[ $prefix == /usr/local ]] || fail "the tree's install prefix became $prefix"

# What the suite and the crates need is built before them.
inputs=$(ninja -C "$tree" -t inputs check-autojit | sed "s|^$tree/||")
needed="bin/llvm-config bin/opt bin/FileCheck bin/not bin/llvm-jitlink bin/llvm-jitlink-executor bin/llvm-objdump"
[[ -n $projects ]] && needed+=" bin/clang bin/lld"
for path in $needed; do
  grep -qxE "(\./)?$path" <<<"$inputs" || fail "check-autojit does not depend on $path"
done
grep -qE 'lib/libLLVM\.so' <<<"$inputs" || fail "check-autojit does not depend on the tree's libLLVM.so"
install_inputs=$(ninja -C "$tree" -t inputs install-autojit-bench)
grep -qE 'lib/libLLVM\.so' <<<"$install_inputs" || fail "install-autojit-bench does not depend on libLLVM.so"
grep -q 'share/llvm-autojit/benchmark' "$own/bench/cmake_install.cmake" ||
  fail "the benchmark does not install under share/llvm-autojit/benchmark"

if ((failures)); then
  die "the LLVM tree's build graph has $failures problem(s)"
fi
echo "LLVM tree: autojit configures in llvm-toolchain-19's tree; its build graph is complete and its own"
