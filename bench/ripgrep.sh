#!/usr/bin/env bash
# The Rust workload: ripgrep 14.1.1 from crates.io (its own sources and 34
# crates.io dependencies), built by cargo, regular and autojit side by side.
# autojit builds Rust programs when it is built against LLVM 22: point
# AUTOJIT_LIB_DIR at such a build's lib directory.
#
#   ./ripgrep.sh [--runs=N] [--exec-runs=M] [--opt=0|2] [--autojitd]
#
# --opt=0 is cargo's dev profile, --opt=2 its release profile (opt-level 3).
# Builds rg (N clean builds of the whole dependency graph, each followed by
# its first run: the time to the first result), runs three searches of LLVM
# 22's headers (M runs, cold and warm object cache), checks that every run
# prints the same as the regular one, and times the edit loop: change the
# body of rg's `run`, rebuild (the ripgrep crate and the link), run. Prints
# a table, with autojit's stats lines, and writes
# ripgrep/results-O<N>[-autojitd].json. With --autojitd the autojit flavour
# links the static stub and each run spawns its own autojitd. The sources
# and dependencies are fetched the first time (crates.io).
set -euo pipefail
source "$(dirname "$0")/common.sh"

parse_run_args 1 3 "$@"
require_autojit
command -v cargo >/dev/null || die "cargo not found: install a Rust toolchain (rustup)"
rustflags=$(autojit_pkg_config --variable=rustflags "$(autojit_package)")
[[ -n $rustflags ]] || die "the autojit in $autojit_lib has no rustflags: rebuild it"
haystack=/usr/lib/llvm-22/include
[[ -d $haystack/llvm ]] || die "no LLVM 22 headers in $haystack: apt-get install llvm-22-dev"

version=14.1.1
src=$work/ripgrep/src
if [[ ! -f $src/Cargo.lock ]]; then
  progress "Fetching ripgrep $version and its dependencies (crates.io)"
  mkdir -p "$work/ripgrep"
  curl -sSfL "https://static.crates.io/crates/ripgrep/ripgrep-$version.crate" -o "$work/ripgrep/ripgrep.crate" ||
    die "downloading ripgrep $version from crates.io failed"
  rm -rf "$src" && mkdir -p "$src"
  tar -xzf "$work/ripgrep/ripgrep.crate" -C "$src" --strip-components=1
  (cd "$src" && cargo fetch --locked -q) || die "cargo fetch failed in $src"
fi

target=x86_64-unknown-linux-gnu
if ((opt == 0)); then profile=dev profile_dir=debug; else profile=release profile_dir=release; fi
fresh_run_dir ripgrep "target/$target/$profile_dir/rg"
for flavour in regular autojit; do
  cp -r "$src" "$out/$flavour"
done

# build_rg <flavour>: cargo build of that flavour's copy; the explicit
# target keeps autojit's flags away from build scripts and proc-macros.
build_rg() {
  local flags=""
  [[ $1 == autojit ]] && flags=$rustflags
  (cd "$out/$1" && RUSTFLAGS=$flags CARGO_TARGET_DIR=$out/$1/target \
    cargo build --offline --locked --profile "$profile" --target "$target") > "$out/logs/build-$1.log" 2>&1 ||
    die "building ripgrep ($1) failed: see $out/logs/build-$1.log"
}

clean_rg() { rm -rf "$out/$1/target"; }

# run_rg <flavour> <output name>: three searches (following the include
# directory's symbolic links), sorted by path so that the output does not
# depend on thread timing.
run_rg() {
  local rg=$out/$1/target/$target/$profile_dir/rg
  {
    "$rg" -L --sort path -c 'class \w+Pass\b' "$haystack"
    "$rg" -L --sort path -c -i 'todo|fixme' "$haystack"
    "$rg" -L --sort path -n -w 'cast<[A-Za-z]+>\(I\)' "$haystack"
  } < /dev/null > "$out/outputs/$2.txt" || die "rg ($1) failed: see $out/outputs/$2.txt"
}

measure_program ripgrep clean_rg build_rg run_rg crates/core/main.rs \
  "fn run(result: crate::flags::ParseResult<HiArgs>) -> anyhow::Result<ExitCode> {"

report ripgrep "ripgrep $version" "clean builds in cargo's $profile profile"
