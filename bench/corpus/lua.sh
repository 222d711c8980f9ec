# Lua 5.4 (Debian source package lua5.4): the interpreter built by its own
# makefile (`make linux`: computed-goto dispatch, LUA_USE_JUMPTABLE, by
# default), running workload.lua. Sourced by scripts/corpus.sh.

lua_about="Lua 5.4 interpreter (make linux) running bench/corpus/workload.lua"
# Why --instrument=coverage skips it: counts differ between any two runs.
lua_unsteady_counts="Lua seeds its string hashes per run (luai_makeseed), so its coverage counts differ from run to run"

lua_fetch() { fetch_sources lua5.4 "$1" src/lvm.c; }

lua_configure() { :; }

# lua_make <dir> <opt> <extra cflags> <extra link flags>
lua_make() {
  # The makefile's CFLAGS say -O2; MYCFLAGS comes after it, so its -O wins.
  # MYLIBS goes after the objects on the link line.
  make -C "$1" -j"$jobs" linux CC="$cc -std=gnu99" MYCFLAGS="-O$2 -g $3" MYLIBS="$4"
}

lua_binaries=(src/lua src/luac)

lua_run() {
  cp "$corpus_dir/workload.lua" workload.lua
  ./src/lua workload.lua
  # luac: compile the workload to bytecode, list it, and run the bytecode.
  ./src/luac -o workload.luac workload.lua
  ./src/luac -l -l -p workload.lua | sed 's/0x[0-9a-f]*/ADDR/g' | md5sum
  ./src/lua workload.luac | md5sum
}
