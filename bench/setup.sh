#!/usr/bin/env bash
# Gets the sources of the benchmark's programs and generates bzip2's inputs.
#
#   ./setup.sh                        sources from Debian's source packages
#                                     (apt-get source; adds a deb-src entry if needed)
#   ./setup.sh --tarball=PATH         bzip2 from a bzip2-1.0.8 tarball you have
#   ./setup.sh --json-tarball=PATH    nlohmann-json from a 3.11 tarball you have
#   ./setup.sh --sqlite-tarball=PATH  SQLite from sqlite3_3.40.1.orig.tar.xz
#
# SQLite's amalgamation is generated once from its source tree (needs tclsh:
# apt-get install tcl); without tclsh, setup skips SQLite with a warning.
#
# The inputs are two files of 4 MiB, text-like and binary-like, generated from
# a fixed seed: every machine compresses the same bytes.
set -euo pipefail
source "$(dirname "$0")/common.sh"

bzip2_tarball=""
json_tarball=""
sqlite_tarball=""
for arg in "$@"; do
  case $arg in
    --tarball=*) bzip2_tarball=${arg#--tarball=} ;;
    --json-tarball=*) json_tarball=${arg#--json-tarball=} ;;
    --sqlite-tarball=*) sqlite_tarball=${arg#--sqlite-tarball=} ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown argument $arg (see --help)" ;;
  esac
done

mkdir -p "$work/bzip2" "$work/json"
fetch_sources bzip2 "$work/bzip2/src" bzlib.c "$bzip2_tarball"
progress "bzip2 sources in $work/bzip2/src"
fetch_sources nlohmann-json3 "$work/json/src" include/nlohmann/json.hpp "$json_tarball"
progress "nlohmann-json sources in $work/json/src"
if command -v tclsh >/dev/null; then
  fetch_corpus_program sqlite "$sqlite_tarball"
else
  echo "warning: no tclsh, skipping SQLite (sqlite.sh needs it: apt-get install tcl)" >&2
fi

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
