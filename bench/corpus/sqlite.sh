# SQLite 3.40 (Debian source package sqlite3): the amalgamation (sqlite3.c,
# 8.6 MB, one translation unit of about 250,000 lines) and the sqlite3
# shell, running workload.sql. The amalgamation is generated once from the
# source tree with its own makefile (needs tclsh). Sourced by scripts/corpus.sh
# and by bench/sqlite.sh (and bench/setup.sh).

sqlite_about="SQLite 3.40 amalgamation + shell running bench/corpus/workload.sql"

# sqlite_fetch <dest> [tarball]: the amalgamation, the shell and the
# makefile in <dest>, from Debian's source package or the given upstream
# tarball (sqlite3_3.40.1.orig.tar.xz).
sqlite_fetch() {
  local dest=$1 tarball=${2:-} tree
  [[ -f $dest/sqlite3.c && -f $dest/shell.c && -f $dest/Makefile ]] && return
  command -v tclsh >/dev/null || die "generating the SQLite amalgamation needs tclsh (apt-get install tcl)"
  tree=$(dirname "$dest")/tree
  fetch_sources sqlite3 "$tree" tool/mksqlite3c.tcl "$tarball"
  rm -rf "$tree/bld" && mkdir -p "$tree/bld"
  (cd "$tree/bld" && CC=$cc CFLAGS=-O1 ../configure --disable-tcl && make -j"$jobs" sqlite3.c shell.c)
  mkdir -p "$dest"
  cp "$tree"/bld/{sqlite3.c,sqlite3.h,sqlite3ext.h,shell.c} "$dest/"
  cp "$corpus_dir/sqlite.mk" "$dest/Makefile"
}

sqlite_configure() { :; }

sqlite_make() { make -C "$1" -j"$jobs" CC="$cc" OPT="-O$2 -g $3" LIBS="$4" sqlite3; }

sqlite_binaries=(sqlite3)

sqlite_run() {
  ./sqlite3 :memory: < "$corpus_dir/workload.sql"
  # The same workload into a database file, then queried by a second process.
  rm -f workload.db
  ./sqlite3 workload.db < "$corpus_dir/workload.sql" | md5sum
  ./sqlite3 workload.db 'PRAGMA integrity_check; SELECT count(*), sum(qty) FROM orders; VACUUM;' '.dump item' | md5sum
}
