#!/usr/bin/env bash
# Installs what building and testing autojit needs on Debian 12, and only what
# is missing: LLVM 19 and 22 from Debian, CMake, Ninja, gdb, pkg-config,
# autoconf (for the configure-probe tests), fmt (for the corpus's spdlog),
# Redis and nginx (real stores for the remote cache's tests), b3sum (to
# forge a record in one of them) and openssl (team keys); lit comes with
# llvm-19-tools (PyPI's lit is the fallback), psutil from PyPI. Rust
# (cargo) must be installed.
set -euo pipefail

packages=(clang-19 llvm-19-dev llvm-19-tools lld-19 libclang-rt-19-dev
          libc++-19-dev libc++abi-19-dev
          clang-22 llvm-22-dev llvm-22-tools lld-22 libclang-rt-22-dev
          cmake ninja-build gdb python3 pkg-config autoconf libfmt-dev
          redis-server nginx-light b3sum openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  echo "Installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v lit >/dev/null && [[ ! -f /usr/lib/llvm-19/build/utils/lit/lit.py ]]; then
  python3 -m pip install --quiet lit
fi
# lit's per-test timeout needs psutil.
python3 -c "import psutil" 2>/dev/null || python3 -m pip install --quiet psutil

if ! command -v cargo >/dev/null; then
  [[ -x $HOME/.cargo/bin/cargo ]] && export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null || {
  echo "error: cargo not found; install Rust with rustup (https://rustup.rs) and run this again" >&2
  exit 1
}
