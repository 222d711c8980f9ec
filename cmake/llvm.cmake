# Which LLVM autojit builds against, and the tools its suite runs.
#
# Standalone: an installed LLVM 19 (Debian's by default) or 22
# (-DLLVM_DIR=/usr/lib/llvm-22/lib/cmake/llvm). Inside an LLVM source tree
# (LLVM_EXTERNAL_PROJECTS=llvm-autojit): that tree's LLVM and tools, built
# first; its clang too when the tree builds clang, otherwise the installed
# clang of the same version (the suite then says so).
#
# Sets:
#   AUTOJIT_LLVM_PREFIX   what llvm-sys reads (LLVM_SYS_<ver>_PREFIX)
#   AUTOJIT_LLVM_CONFIG   the llvm-config the crates ask
#   AUTOJIT_TOOLS_DIR     opt, FileCheck, not, llvm-* for the suite
#   AUTOJIT_CLANG_DIR     clang, clang++ and ld.lld for the suite and Rust links
#   AUTOJIT_LIT           the lit command
#   AUTOJIT_LLVM_DEPENDS  targets the crates need built first (tree only)
#   AUTOJIT_TOOL_DEPENDS  targets the suite needs built first (tree only)
#   AUTOJIT_CARGO_RUSTFLAGS  flags every cargo build of this project gets

set(AUTOJIT_LLVM_MAJORS 19 22)

if(CMAKE_SOURCE_DIR STREQUAL PROJECT_SOURCE_DIR)
  set(LLVM_DIR "/usr/lib/llvm-19/lib/cmake/llvm" CACHE PATH "LLVM's CMake package directory")
  # Only the LLVM asked for: find_package would fall back to any other.
  if(NOT EXISTS "${LLVM_DIR}/LLVMConfig.cmake")
    message(FATAL_ERROR "LLVM_DIR=${LLVM_DIR} holds no LLVMConfig.cmake: install llvm-19-dev, "
                        "or pass -DLLVM_DIR=<LLVM 19 or 22>/lib/cmake/llvm (e.g. /usr/lib/llvm-22/lib/cmake/llvm)")
  endif()
  find_package(LLVM REQUIRED CONFIG NO_DEFAULT_PATH PATHS "${LLVM_DIR}")
  set(AUTOJIT_LLVM_VERSION "${LLVM_PACKAGE_VERSION}")
  if(NOT LLVM_VERSION_MAJOR IN_LIST AUTOJIT_LLVM_MAJORS)
    message(FATAL_ERROR "autojit builds against LLVM 19 or 22, found ${AUTOJIT_LLVM_VERSION} in ${LLVM_DIR}; "
                        "install llvm-19-dev or llvm-22-dev, or pass -DLLVM_DIR=<LLVM 19 or 22>/lib/cmake/llvm")
  endif()
  set(AUTOJIT_LLVM_PREFIX "${LLVM_INSTALL_PREFIX}")
  set(AUTOJIT_LLVM_CONFIG "${LLVM_TOOLS_BINARY_DIR}/llvm-config")
  set(AUTOJIT_TOOLS_DIR "${LLVM_TOOLS_BINARY_DIR}")
  set(AUTOJIT_CLANG_DIR "${LLVM_TOOLS_BINARY_DIR}")
  set(AUTOJIT_LLVM_DEPENDS "")
  set(AUTOJIT_TOOL_DEPENDS "")
  set(AUTOJIT_CARGO_RUSTFLAGS "")
  find_program(AUTOJIT_LIT_PROGRAM NAMES lit llvm-lit HINTS "${LLVM_TOOLS_BINARY_DIR}")
  if(AUTOJIT_LIT_PROGRAM)
    set(AUTOJIT_LIT "${AUTOJIT_LIT_PROGRAM}")
  elseif(EXISTS "${LLVM_INSTALL_PREFIX}/build/utils/lit/lit.py")
    find_package(Python3 REQUIRED COMPONENTS Interpreter)
    set(AUTOJIT_LIT "${Python3_EXECUTABLE}" "${LLVM_INSTALL_PREFIX}/build/utils/lit/lit.py")
  else()
    message(FATAL_ERROR "lit not found: install llvm-${LLVM_VERSION_MAJOR}-tools or 'pip install lit'")
  endif()
  return()
endif()

# In an LLVM tree. The plugin is loaded into clang and opt, so they and the
# plugin must share one LLVM: the shared library, which tools link only when
# the tree is configured so.
set(AUTOJIT_LLVM_VERSION "${LLVM_VERSION_MAJOR}.${LLVM_VERSION_MINOR}.${LLVM_VERSION_PATCH}")
if(NOT LLVM_VERSION_MAJOR IN_LIST AUTOJIT_LLVM_MAJORS)
  message(FATAL_ERROR "autojit builds in an LLVM 19 or 22 tree; this tree is LLVM ${AUTOJIT_LLVM_VERSION}")
endif()
if(NOT LLVM_BUILD_LLVM_DYLIB OR NOT LLVM_LINK_LLVM_DYLIB)
  message(FATAL_ERROR "autojit in an LLVM tree links LLVM as one shared library, the one clang and opt load its "
                      "plugin into: configure the tree with -DLLVM_BUILD_LLVM_DYLIB=ON -DLLVM_LINK_LLVM_DYLIB=ON")
endif()
if(NOT "X86" IN_LIST LLVM_TARGETS_TO_BUILD)
  message(FATAL_ERROR "autojit generates x86-64 code: add X86 to LLVM_TARGETS_TO_BUILD")
endif()
cmake_path(SET tree_bin_dir NORMALIZE "${LLVM_RUNTIME_OUTPUT_INTDIR}")
cmake_path(SET tree_lib_dir NORMALIZE "${LLVM_LIBRARY_OUTPUT_INTDIR}")
set(AUTOJIT_LLVM_PREFIX "${LLVM_BINARY_DIR}")
set(AUTOJIT_LLVM_CONFIG "${tree_bin_dir}/llvm-config")
set(AUTOJIT_TOOLS_DIR "${tree_bin_dir}")
set(AUTOJIT_LLVM_DEPENDS LLVM llvm-config)
# The tree's lib directory is nobody's library path.
set(AUTOJIT_CARGO_RUSTFLAGS "-Clink-arg=-Wl,-rpath,${tree_lib_dir}")

# The tools the suite runs (LLVM's tools and utilities, on by default).
if(NOT LLVM_INCLUDE_TOOLS OR NOT LLVM_INCLUDE_UTILS)
  message(FATAL_ERROR "the autojit suite runs LLVM's tools and FileCheck: configure the tree with "
                      "LLVM_INCLUDE_TOOLS and LLVM_INCLUDE_UTILS on (the defaults)")
endif()
set(AUTOJIT_TOOL_DEPENDS opt FileCheck not count llvm-ar llvm-cov llvm-dis llvm-jitlink
    llvm-jitlink-executor llvm-nm llvm-objdump llvm-profdata llvm-readelf llvm-strip)

if("clang" IN_LIST LLVM_ENABLE_PROJECTS)
  set(AUTOJIT_CLANG_DIR "${tree_bin_dir}")
  list(APPEND AUTOJIT_TOOL_DEPENDS clang)
  if("lld" IN_LIST LLVM_ENABLE_PROJECTS)
    list(APPEND AUTOJIT_TOOL_DEPENDS lld)
  endif()
else()
  # Without clang in the tree, the installed clang of the same release: it
  # loads the plugin into its own libLLVM.so.<major>.1, the same soname and
  # version as the tree's.
  set(AUTOJIT_CLANG_DIR "/usr/lib/llvm-${LLVM_VERSION_MAJOR}/bin" CACHE PATH
      "Where the suite finds clang when the LLVM tree builds none")
  execute_process(COMMAND "${AUTOJIT_CLANG_DIR}/clang" --version
    OUTPUT_VARIABLE clang_version RESULT_VARIABLE clang_failed ERROR_QUIET)
  if(clang_failed OR NOT clang_version MATCHES "clang version ${AUTOJIT_LLVM_VERSION}[ \n]")
    message(FATAL_ERROR "this LLVM tree builds no clang, and ${AUTOJIT_CLANG_DIR}/clang is not clang "
                        "${AUTOJIT_LLVM_VERSION}: add clang to LLVM_ENABLE_PROJECTS, or set AUTOJIT_CLANG_DIR "
                        "to the bin directory of a clang ${AUTOJIT_LLVM_VERSION}")
  endif()
  message(STATUS "autojit: the tree builds no clang; the suite uses ${AUTOJIT_CLANG_DIR}/clang (${AUTOJIT_LLVM_VERSION})")
endif()

# LLVM's own lit, as its projects' suites run it.
get_llvm_lit_path(lit_base_dir lit_file_name ALLOW_EXTERNAL)
cmake_path(SET AUTOJIT_LIT NORMALIZE "${lit_base_dir}/${lit_file_name}")
