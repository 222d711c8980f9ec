# zlib 1.2.13 (Debian source package zlib): configured and built by its own
# configure and Makefile (static library), running its test program
# `example` and `minigzip` over a generated 3 MiB input at several levels and
# strategies. Sourced by scripts/corpus.sh.

zlib_about="zlib 1.2.13 example + minigzip (levels, strategies, round trip)"

zlib_fetch() {
  fetch_sources zlib "$1" zlib.h
  compressible_input "$1/corpus-input.bin" 1995
}

# zlib_configure <dir> <opt> <extra cflags> <extra link flags>: configure
# without the autojit flags, so that every flavour gets the same
# configuration (configure links its test programs without LDFLAGS, so with
# the plugin they would fail to link and turn features off).
zlib_configure() { (cd "$1" && CC=$cc CFLAGS="-O$2 -g" ./configure --static); }

# zlib_make <dir> <opt> <extra cflags> <extra link flags>: the CFLAGS
# configure chose plus the extra ones.
zlib_make() {
  local configured
  configured=$(sed -n 's/^CFLAGS=//p' "$1/Makefile")
  make -C "$1" -j"$jobs" CFLAGS="$configured $3" LDFLAGS="$4" example minigzip
}

zlib_binaries=(example minigzip)

zlib_run() {
  ./example
  local level
  for level in -1 -6 -9 -h -r -f; do
    printf 'minigzip %s: ' "$level"
    ./minigzip "$level" < corpus-input.bin | tee out.gz | md5sum
    ./minigzip -d < out.gz | cmp - corpus-input.bin && echo "  round trip ok"
  done
}
