#!/usr/bin/env bash
# Builds autojit and runs every test: cargo test and the lit suite.
# Usage: scripts/test.sh [build-dir]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
build=${1:-build}
[[ -f $build/build.ninja ]] || cmake -G Ninja -S . -B "$build"
ninja -C "$build" check-autojit
