# gzip 1.12 (Debian source package gzip): an autoconf and gnulib project,
# configured with the autojit flags in CFLAGS and LIBS, as a user adds them
# to an existing build. Its configure links a few hundred probe programs
# (AC_CHECK_FUNCS and gnulib's replacements), so the workload first prints
# the configuration it chose: every flavour must choose what the regular
# build chose. Then it compresses and decompresses a generated 3 MiB input
# at several levels. Sourced by scripts/corpus.sh.

gzip_about="gzip 1.12: configure's choices, then compression levels and round trips"

gzip_fetch() {
  fetch_sources gzip "$1" gzip.c
  compressible_input "$1/corpus-input.bin" 2023
}

# gzip_configure <dir> <opt> <extra cflags> <extra link flags>
gzip_configure() {
  (cd "$1" && ./configure -q CC="$cc" CFLAGS="-O$2 -g $3" LIBS="$4")
}

# gzip_make <dir> <opt> <extra cflags> <extra link flags>: LIBS again, so
# that the remote flavour's relink takes the stub instead of the runtime
# configure saw (configure adds no library of its own on glibc).
gzip_make() { make -C "$1" -j"$jobs" LIBS="$4"; }

gzip_binaries=(gzip)

gzip_run() {
  # What configure decided (HAVE_ and replacement macros), in order.
  grep -E '^#define (HAVE_|GNULIB_|REPLACE_|NEED_)' lib/config.h | md5sum
  grep -cE '^#define HAVE_' lib/config.h
  local level
  for level in -1 -6 -9; do
    printf 'gzip %s: ' "$level"
    ./gzip "$level" -c -n < corpus-input.bin | tee out.gz | md5sum
    ./gzip -d -c < out.gz | cmp - corpus-input.bin && echo "  round trip ok"
  done
  ./gzip -t out.gz && echo "test ok"
}
