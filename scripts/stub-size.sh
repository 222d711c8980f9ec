#!/usr/bin/env bash
# How much the static stub adds to a program: one small C program built
# with the plugin and linked (a) with the stub, (b) with the in-process
# runtime, and (c) built without autojit. Prints the three `size` lines and
# what the stub adds (text + data + bss) against its 72 KiB budget.
# Usage: scripts/stub-size.sh [<lib dir>]   (default: build/lib)
set -euo pipefail
lib=$(cd "${1:-$(dirname "$0")/../build/lib}" && pwd)
clang=${CLANG:-/usr/lib/llvm-19/bin/clang}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/prog.c" <<'C'
#include <stdio.h>
int square(int x) { return x * x; }
int main(int argc, char **argv) { printf("%d\n", square(argc + 6)); return 0; }
C
export AUTOJIT_CACHE_DIR="$work/store"
"$clang" -O1 -fpass-plugin="$lib/autojit.so" -c "$work/prog.c" -o "$work/lazy.o"
"$clang" -O1 -c "$work/prog.c" -o "$work/plain.o"
"$clang" "$work/lazy.o" -L"$lib" -lautojit-stub -rdynamic -pthread -o "$work/with-stub"
"$clang" "$work/lazy.o" -L"$lib" -lautojit-inprocess -rdynamic -pthread -o "$work/with-runtime"
"$clang" "$work/plain.o" -o "$work/without-autojit"
cd "$work"
size with-stub with-runtime without-autojit
total() { size "$1" | awk 'NR == 2 { print $4 }'; }
added=$(($(total with-stub) - $(total without-autojit)))
verdict=$([[ $added -le 73728 ]] && echo "within" || echo "over")
echo "the stub adds $added bytes: $verdict the 73728-byte budget"
