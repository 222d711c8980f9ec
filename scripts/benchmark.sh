#!/usr/bin/env bash
# The main job: builds and installs autojit with its benchmark, fetches bzip2
# 1.0.8, then compares a regular and an autojit build side by side (compile
# time, size, run time, the edit loop) and checks their outputs match.
# Usage: scripts/benchmark.sh [--runs=N] [--exec-runs=M]   (build dir: build)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
build=build
[[ -f $build/build.ninja ]] || cmake -G Ninja -S . -B "$build"
ninja -C "$build" install-autojit-bench >/dev/null
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
cd "$prefix/benchmark"
./setup.sh
./bzip2.sh "$@"
