# The autojit lit suite. CMake configures build/test/lit.site.cfg.py, which
# sets the paths below and loads this file.
import os
import shutil
import sys

import lit.formats

config.name = "AutoJIT"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".cpp", ".ll", ".test"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.join(config.autojit_src_root, "test")
config.test_exec_root = os.path.join(config.autojit_obj_root, "test")

tools = config.llvm_tools_dir
lib = config.autojit_lib_dir
plugin = os.path.join(lib, "autojit.so")

# Tests see LLVM 19's tools first, and none of the caller's autojit settings.
config.environment["PATH"] = os.pathsep.join([tools, config.environment.get("PATH", os.environ["PATH"])])
for name in list(config.environment):
    if name.startswith("AUTOJIT"):
        del config.environment[name]
config.environment["HOME"] = os.environ.get("HOME", "/root")
# A suite-wide store; tests that count compilations export their own.
config.environment["AUTOJIT_CACHE_DIR"] = os.path.join(config.test_exec_root, "store")

config.substitutions.append(("%clangxx", os.path.join(tools, "clang++")))
config.substitutions.append(("%clang", os.path.join(tools, "clang")))
config.substitutions.append(("%opt", os.path.join(tools, "opt")))
config.substitutions.append(("%plugin", plugin))
config.substitutions.append(("%autojit", "-fpass-plugin=" + plugin))
config.substitutions.append(("%libdir", lib))
config.substitutions.append(
    ("%rt", "-L{0} -lautojit-runtime -Wl,-rpath,{0} -pthread".format(lib))
)
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))
config.substitutions.append(("%python", sys.executable))

if shutil.which("gdb"):
    config.available_features.add("gdb")
if os.path.exists(os.path.join(tools, "..", "lib", "libc++.so")) or os.path.exists(
    "/usr/lib/x86_64-linux-gnu/libc++.so.1"
):
    config.available_features.add("libcxx")
