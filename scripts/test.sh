#!/usr/bin/env bash
# Builds autojit and runs every test: cargo test and the lit suite.
# Usage: scripts/test.sh [build-dir [cmake-argument...]]   (default: build)
# e.g. scripts/test.sh build-22 -DLLVM_DIR=/usr/lib/llvm-22/lib/cmake/llvm
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
build=${1:-build}
shift || true
[[ -f $build/build.ninja ]] || cmake -G Ninja -S . -B "$build" "$@"
ninja -C "$build" check-autojit

# One closing line for the whole lit run.
python3 - "$build/test/results.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["tests"]
passed = sum(r["code"] in ("PASS", "XFAIL") for r in results)
failed = sum(r["code"] in ("FAIL", "XPASS", "UNRESOLVED", "TIMEOUT") for r in results)
skipped = len(results) - passed - failed
print(f"lit: {passed} passed, {failed} failed, {skipped} skipped")
PY
