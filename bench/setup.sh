#!/usr/bin/env bash
# Gets the bzip2 1.0.8 sources and generates the benchmark's input data.
#
#   ./setup.sh                 sources from Debian's source package (apt-get
#                              source bzip2; adds a deb-src entry if needed)
#   ./setup.sh --tarball=PATH  sources from a bzip2-1.0.8 tarball you have
#
# The inputs are two files of 4 MiB, text-like and binary-like, generated from
# a fixed seed: every machine compresses the same bytes.
set -euo pipefail
source "$(dirname "$0")/common.sh"

tarball=""
for arg in "$@"; do
  case $arg in
    --tarball=*) tarball=${arg#--tarball=} ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) die "unknown argument $arg (see --help)" ;;
  esac
done

mkdir -p "$work/bzip2"
src=$work/bzip2/src
if [[ ! -f $src/bzlib.c ]]; then
  if [[ -z $tarball ]]; then
    progress "Fetching bzip2 sources (Debian source package)"
    download=$work/bzip2/download
    mkdir -p "$download"
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo=sudo
    if ! apt-get source --print-uris bzip2 >/dev/null 2>&1; then
      echo "Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $(. /etc/os-release && echo "$VERSION_CODENAME")
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
        $sudo tee /etc/apt/sources.list.d/autojit-deb-src.sources >/dev/null
      $sudo apt-get update -qq
    fi
    (cd "$download" && apt-get source --download-only bzip2 >/dev/null 2>&1) ||
      die "apt-get source bzip2 failed; pass --tarball=PATH to a bzip2-1.0.8 tarball"
    tarball=$(ls "$download"/bzip2_1.0.8.orig.tar.* 2>/dev/null | head -1)
    [[ -n $tarball ]] || die "Debian's bzip2 source package is not 1.0.8; pass --tarball=PATH"
  fi
  [[ -f $tarball ]] || die "no tarball at $tarball"
  rm -rf "$src" && mkdir -p "$src"
  tar -xf "$tarball" -C "$src" --strip-components=1
  [[ -f $src/bzlib.c && -f $src/Makefile ]] || die "$tarball does not hold the bzip2 sources"
fi
progress "bzip2 sources in $src"

inputs=$work/bzip2/inputs
mkdir -p "$inputs"
progress "Generating inputs in $inputs"
python3 - "$inputs" <<'PY'
import random, sys
out = sys.argv[1]
size = 4 << 20
rng = random.Random(401)
words = ["".join(rng.choice("etaoinshrdlucmfwypvbgkjqxz") for _ in range(rng.randint(1, 9)))
         for _ in range(5000)]
text = []
n = 0
while n < size:
    line = " ".join(rng.choice(words[: rng.choice((50, 500, 5000))]) for _ in range(rng.randint(4, 16)))
    text.append(line)
    n += len(line) + 1
open(f"{out}/data1.txt", "w").write("\n".join(text)[:size])
blob = bytearray()
while len(blob) < size:
    kind = rng.random()
    if kind < 0.4:
        blob += rng.randbytes(rng.randint(16, 256))
    elif kind < 0.8:
        blob += bytes([rng.randrange(256)]) * rng.randint(4, 512)
    else:
        blob += blob[-rng.randint(64, 4096):] if len(blob) > 4096 else rng.randbytes(64)
open(f"{out}/data2.bin", "wb").write(bytes(blob[:size]))
PY
md5sum "$inputs"/data1.txt "$inputs"/data2.bin
progress "Setup done"
