# TinyXML-2 9.0 (Debian source package tinyxml2): the library and its own
# test program xmltest (463 checks over the resources/ documents), built by
# its own Makefile. Sourced by scripts/corpus.sh.

tinyxml2_about="TinyXML-2 9.0 xmltest (its Makefile, its own checks)"

tinyxml2_fetch() { fetch_sources tinyxml2 "$1" xmltest.cpp; }

tinyxml2_configure() { :; }

# xmltest is compiled and linked in one step (make's built-in rule), so a
# relink compiles xmltest.cpp again.
tinyxml2_make() { make -C "$1" -j"$jobs" CXX="$cxx" CXXFLAGS="-fPIC -O$2 -g $3" LDLIBS="$4" xmltest; }

tinyxml2_binaries=(xmltest)

# The timing line is the one output that changes from run to run.
tinyxml2_run() { ./xmltest | sed 's/: [0-9.]* milli-seconds/: (time) milli-seconds/'; }
