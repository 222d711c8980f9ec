# The Cargo glue: Cargo builds the Rust crates, CMake decides when and where.
#
# Cargo's target directory lives inside the CMake build directory, the build
# type picks the Cargo profile, and each artifact is re-built whenever a Rust
# or C++ source of the workspace changes (Cargo itself then does the minimal
# work). Cargo holds a lock on its target directory, so the commands run in
# CMake's console pool, one at a time, with Cargo's own progress output.

find_program(CARGO_EXECUTABLE cargo HINTS $ENV{HOME}/.cargo/bin REQUIRED)

set(AUTOJIT_CARGO_TARGET_DIR "${PROJECT_BINARY_DIR}/cargo")
if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  set(AUTOJIT_CARGO_PROFILE_ARGS "")
  set(AUTOJIT_CARGO_PROFILE_DIR "debug")
else()
  set(AUTOJIT_CARGO_PROFILE_ARGS "--release")
  set(AUTOJIT_CARGO_PROFILE_DIR "release")
endif()

file(GLOB_RECURSE AUTOJIT_CARGO_SOURCES CONFIGURE_DEPENDS
  "${PROJECT_SOURCE_DIR}/plugin/*.rs" "${PROJECT_SOURCE_DIR}/plugin/*.cpp" "${PROJECT_SOURCE_DIR}/plugin/*.h"
  "${PROJECT_SOURCE_DIR}/runtime/*.rs" "${PROJECT_SOURCE_DIR}/runtime/*.cpp" "${PROJECT_SOURCE_DIR}/runtime/*.h"
  "${PROJECT_SOURCE_DIR}/llvm-capi/*.rs" "${PROJECT_SOURCE_DIR}/cxx-build/*.rs"
  "${PROJECT_SOURCE_DIR}/cxx-build/*.h" "${PROJECT_SOURCE_DIR}/llvm-sys/*.rs"
  "${PROJECT_SOURCE_DIR}/*Cargo.toml")
list(FILTER AUTOJIT_CARGO_SOURCES EXCLUDE REGEX "/(fuzz|target)/")

# The LLVM the crates build against: a Cargo feature of the crates built on
# their own (llvm19, the default, or llvm22), and the prefix llvm-sys of
# that version reads.
if(LLVM_VERSION_MAJOR EQUAL 22)
  set(AUTOJIT_CARGO_FEATURE_ARGS --no-default-features --features llvm22)
  set(AUTOJIT_LLVM_SYS_PREFIX_VAR LLVM_SYS_221_PREFIX)
else()
  set(AUTOJIT_CARGO_FEATURE_ARGS "")
  set(AUTOJIT_LLVM_SYS_PREFIX_VAR LLVM_SYS_191_PREFIX)
endif()

# The environment every cargo invocation of this build sees.
set(AUTOJIT_CARGO_ENV
  "${AUTOJIT_LLVM_SYS_PREFIX_VAR}=${AUTOJIT_LLVM_PREFIX}"
  "AUTOJIT_LLVM_CONFIG=${AUTOJIT_LLVM_CONFIG}"
  "CARGO_TARGET_DIR=${AUTOJIT_CARGO_TARGET_DIR}")
# Flags every build gets (an LLVM tree's library path). As the target's
# flags, so that a build's own RUSTFLAGS replace them (and repeat them).
if(AUTOJIT_CARGO_RUSTFLAGS)
  list(APPEND AUTOJIT_CARGO_ENV "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS=${AUTOJIT_CARGO_RUSTFLAGS}")
endif()

# AUTOJIT_SANITIZE=address builds what runs in or for a program (runtimes,
# engine, stub, daemon) with AddressSanitizer, to test autojit itself; the
# plugin stays as it is, since clang, which loads it, is not sanitized.
# Rust's sanitizers are unstable options: this test build lets the stable
# compiler take them (RUSTC_BOOTSTRAP), in a cargo target directory of its
# own. ThreadSanitizer would need Rust's standard library rebuilt with it
# (-Zbuild-std and the rust-src component), or reports every lock in it.
set(AUTOJIT_SANITIZE "" CACHE STRING "address: build the runtimes, engine, stub and daemon with AddressSanitizer (testing autojit itself)")
set(AUTOJIT_SANITIZED_CARGO_ENV "")
set(AUTOJIT_SANITIZED_RUSTFLAGS "")
if(AUTOJIT_SANITIZE STREQUAL "address")
  set(AUTOJIT_SANITIZED_CARGO_ENV
    "RUSTC_BOOTSTRAP=1" "CFLAGS=-fsanitize=address" "CXXFLAGS=-fsanitize=address")
  set(AUTOJIT_SANITIZED_RUSTFLAGS "-Zsanitizer=address")
elseif(AUTOJIT_SANITIZE)
  message(FATAL_ERROR "AUTOJIT_SANITIZE=${AUTOJIT_SANITIZE} is not supported: use address, or leave it empty. "
                      "(thread would need Rust's standard library built with ThreadSanitizer, "
                      "which needs the rust-src component and -Zbuild-std.)")
endif()

# autojit_cargo_artifact(<target> PACKAGE <cargo package> ARTIFACT <file name
#   cargo produces> OUTPUT <path in the build tree> [PROFILE <cargo profile>]
#   [LLVM] [SANITIZED] [RUSTFLAGS <flags>] [OBJCOPY_ARGS <argument>...]
#   [EXPORTS <symbol>...])
#
# Adds <target>, built by default, whose output is the cargo-built cdylib,
# staticlib or binary copied to OUTPUT. PROFILE names a cargo profile of
# the workspace that overrides the one the build type picks (the static stub
# is always built small); RUSTFLAGS are added for that build (use them only
# with a PROFILE of their own, so other builds keep their cache);
# LLVM marks a package that links LLVM: it is built with the Cargo feature
# of the LLVM version configured. SANITIZED builds it with AUTOJIT_SANITIZE's
# sanitizer, if one is set.
# OBJCOPY_ARGS, if any, are applied to the copy with objcopy. EXPORTS seals a
# static library: its members are linked into one relocatable object (what
# no export reaches is dropped) whose only global definitions are EXPORTS,
# so nothing else it carries (Rust's compiler_builtins defines floor, sqrt,
# cbrt, ...) can stand in for a program's own libraries at link time.
function(autojit_cargo_artifact target)
  cmake_parse_arguments(ARG "LLVM;SANITIZED" "PACKAGE;ARTIFACT;OUTPUT;PROFILE;RUSTFLAGS" "OBJCOPY_ARGS;EXPORTS" ${ARGN})
  set(env ${AUTOJIT_CARGO_ENV})
  set(target_dir "${AUTOJIT_CARGO_TARGET_DIR}")
  if(ARG_SANITIZED AND AUTOJIT_SANITIZE)
    set(target_dir "${PROJECT_BINARY_DIR}/cargo-${AUTOJIT_SANITIZE}")
    # Later settings of a variable win in `cmake -E env`.
    list(APPEND env ${AUTOJIT_SANITIZED_CARGO_ENV} "CARGO_TARGET_DIR=${target_dir}")
    string(STRIP "${AUTOJIT_SANITIZED_RUSTFLAGS} ${ARG_RUSTFLAGS}" ARG_RUSTFLAGS)
  endif()
  if(ARG_RUSTFLAGS AND ARG_LLVM)
    string(STRIP "${AUTOJIT_CARGO_RUSTFLAGS} ${ARG_RUSTFLAGS}" ARG_RUSTFLAGS)
  endif()
  if(ARG_RUSTFLAGS)
    list(APPEND env "RUSTFLAGS=${ARG_RUSTFLAGS}")
  endif()
  set(strip_command "")
  if(ARG_OBJCOPY_ARGS)
    set(strip_command COMMAND ${CMAKE_OBJCOPY} ${ARG_OBJCOPY_ARGS} "${ARG_OUTPUT}.tmp")
  endif()
  set(seal_command "")
  if(ARG_EXPORTS)
    set(roots "")
    set(keep "")
    foreach(symbol ${ARG_EXPORTS})
      list(APPEND roots -u ${symbol})
      list(APPEND keep --keep-global-symbol=${symbol})
    endforeach()
    set(sealed "${ARG_OUTPUT}.o")
    set(seal_command
      COMMAND ${CMAKE_LINKER} -r --gc-sections ${roots} -o "${sealed}"
              --whole-archive "${ARG_OUTPUT}.tmp"
      COMMAND ${CMAKE_OBJCOPY} ${keep} "${sealed}"
      COMMAND ${CMAKE_COMMAND} -E rm -f "${ARG_OUTPUT}.tmp"
      COMMAND ${CMAKE_AR} rcs "${ARG_OUTPUT}.tmp" "${sealed}"
      COMMAND ${CMAKE_COMMAND} -E rm -f "${sealed}")
  endif()
  if(ARG_PROFILE)
    set(profile_args --profile ${ARG_PROFILE})
    set(profile_dir ${ARG_PROFILE})
  else()
    set(profile_args ${AUTOJIT_CARGO_PROFILE_ARGS})
    set(profile_dir ${AUTOJIT_CARGO_PROFILE_DIR})
  endif()
  set(feature_args "")
  if(ARG_LLVM)
    set(feature_args ${AUTOJIT_CARGO_FEATURE_ARGS})
  endif()
  set(built "${target_dir}/${profile_dir}/${ARG_ARTIFACT}")
  add_custom_command(
    OUTPUT "${ARG_OUTPUT}"
    COMMAND ${CMAKE_COMMAND} -E env ${env}
            ${CARGO_EXECUTABLE} build --package ${ARG_PACKAGE} ${profile_args} ${feature_args}
            --manifest-path "${PROJECT_SOURCE_DIR}/Cargo.toml"
    # Copy, then rename: a process still running the previous build keeps
    # its file instead of seeing the new one written over it.
    COMMAND ${CMAKE_COMMAND} -E copy "${built}" "${ARG_OUTPUT}.tmp"
    ${strip_command}
    ${seal_command}
    COMMAND ${CMAKE_COMMAND} -E rename "${ARG_OUTPUT}.tmp" "${ARG_OUTPUT}"
    DEPENDS ${AUTOJIT_CARGO_SOURCES} ${AUTOJIT_LLVM_DEPENDS}
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
    COMMENT "Building ${ARG_OUTPUT} (cargo package ${ARG_PACKAGE})"
    USES_TERMINAL)
  add_custom_target(${target} ALL DEPENDS "${ARG_OUTPUT}")
endfunction()
