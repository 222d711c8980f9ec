# pugixml 1.13 (Debian source package pugixml): the library and its own unit
# tests (about 40 C++ files, 956 tests, with their own runner), built by its
# own Makefile. Sourced by scripts/corpus.sh.

pugixml_about="pugixml 1.13 unit tests (its Makefile, its own test runner)"

pugixml_fetch() { fetch_sources pugixml "$1" src/pugixml.cpp; }

pugixml_configure() { :; }

# The Makefile's CXXFLAGS add -Werror and a list of warnings; the corpus
# replaces them (clang 19 warns where the gcc of the day did not).
pugixml_make() {
  make -C "$1" -j"$jobs" CXX="$cxx" BUILD=build/corpus CXXFLAGS="-g -std=c++11 -O$2 $3" LDFLAGS="$4" build/corpus/test
}

pugixml_binaries=(build/corpus/test)

# The tests read tests/data relative to the source root.
pugixml_run() { ./build/corpus/test; }
