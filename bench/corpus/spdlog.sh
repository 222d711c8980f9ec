# spdlog 1.10 (Debian source package spdlog): the compiled library and its
# own unit tests (146 Catch2 test cases) against Debian's fmt. Its thread ids are a `thread_local` static with dynamic
# initialization, read from every logging thread: the corpus's thread-local
# program. Sourced by scripts/corpus.sh.

spdlog_about="spdlog 1.10 unit tests (its CMake project, Catch2, thread_local)"

# Debian's source drops the bundled fmt and Catch2: fmt comes from
# libfmt-dev, Catch2 v2's single header from the tests directory.
spdlog_fetch() {
  dpkg-query -W -f='${Status}' libfmt-dev 2>/dev/null | grep -q "install ok installed" ||
    die "spdlog needs libfmt-dev (apt-get install libfmt-dev)"
  fetch_sources spdlog "$1" include/spdlog/spdlog.h
  mkdir -p "$1/corpus-include/catch2"
  ln -sf ../../tests/catch.hpp "$1/corpus-include/catch2/catch.hpp"
}

spdlog_configure() { :; }

# What its CMake project builds (the compiled library, the tests without
# systemd's), by a Makefile of the corpus's own: a relink reuses the
# objects.
spdlog_make() {
  {
    echo "CXXFLAGS = -O$2 -g -std=c++17 -DSPDLOG_COMPILED_LIB -DSPDLOG_FMT_EXTERNAL -Iinclude -Icorpus-include -pthread $3"
    echo "LDLIBS = -lfmt -pthread $4"
    echo 'SOURCES = $(wildcard src/*.cpp) $(filter-out tests/test_systemd.cpp,$(wildcard tests/*.cpp))'
    echo 'spdlog-utests: $(SOURCES:.cpp=.o)'
    printf '\t$(CXX) $^ -o $@ $(LDLIBS)\n'
  } > "$1/corpus.mk"
  make -C "$1" -f corpus.mk -j"$jobs" CXX="$cxx" spdlog-utests
}

spdlog_binaries=(spdlog-utests)

# Catch2's summary only: the tests log timestamps. "clone async" gives the
# logging thread 10 ms, which a cold run spends compiling that thread's
# first calls.
spdlog_run() {
  rm -rf logs && ./spdlog-utests '~clone async' | tail -n 2
}
