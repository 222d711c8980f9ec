# The autojit lit suite. CMake configures build/test/<mode>/lit.site.cfg.py,
# which sets the paths and the mode below and loads this file. Modes: how
# programs reach the engine.
#   inprocess  linked with libautojit-inprocess.so
#   spawn      linked with the stub; each program spawns its own autojitd
#   daemon     linked with the stub; one standalone autojitd serves the run
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

import lit.formats

mode = config.autojit_mode
config.name = "AutoJIT-" + mode
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".cpp", ".ll", ".test"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.join(config.autojit_src_root, "test")
config.test_exec_root = os.path.join(config.autojit_obj_root, "test", mode)
config.available_features.add(mode)
if mode != "inprocess":
    config.available_features.add("remote")
# The LLVM autojit is built against.
config.available_features.add("llvm-%d" % config.llvm_version_major)

# A test that hangs fails after ten minutes instead of stopping the suite
# (lit needs psutil for this; scripts/install-deps.sh installs it).
if lit_config.maxIndividualTestTimeIsSupported[0]:
    lit_config.maxIndividualTestTime = 600

tools = config.llvm_tools_dir
lib = config.autojit_lib_dir
plugin = os.path.join(lib, "autojit.so")

# Tests see the configured LLVM's tools first (and clang's, when another
# directory holds it), and none of the caller's autojit settings.
path = [tools] + ([config.clang_tools_dir] if config.clang_tools_dir != tools else [])
config.environment["PATH"] = os.pathsep.join(path + [config.environment.get("PATH", os.environ["PATH"])])
for name in list(config.environment):
    if name.startswith("AUTOJIT"):
        del config.environment[name]
config.environment["HOME"] = os.environ.get("HOME", "/root")
# A suite-wide store; tests that count compilations export their own.
config.environment["AUTOJIT_CACHE_DIR"] = os.path.join(config.test_exec_root, "store")

config.substitutions.append(("%clangxx", os.path.join(config.clang_tools_dir, "clang++")))
config.substitutions.append(("%clang", os.path.join(config.clang_tools_dir, "clang")))
config.substitutions.append(("%opt", os.path.join(tools, "opt")))
config.substitutions.append(("%autojitd", os.path.join(config.autojit_bin_dir, "autojitd")))
# Socket paths must fit in 108 bytes, whatever the build directory: tests put
# their daemons' sockets in a short directory of this run's own.
socket_dir = tempfile.mkdtemp(prefix="autojit-lit-", dir="/tmp")
os.chmod(socket_dir, 0o755)
atexit.register(shutil.rmtree, socket_dir, True)
config.substitutions.append(("%sockdir", socket_dir))
config.substitutions.append(("%plugin", plugin))
config.substitutions.append(("%autojit", "-fpass-plugin=" + plugin))
config.substitutions.append(("%libdir", lib))
# %rt links a program with the mode's runtime; %rtprefix and %engineprefix
# are how its messages and the engine's log lines begin, for FileCheck -D.
# %rt spells the flags of the build tree's pkg-config files, so that the
# suite does not need pkg-config; test/install checks the installed files.
if mode == "inprocess":
    rt = "-L{0} -lautojit-inprocess -Wl,-rpath,{0} -pthread".format(lib)
    rt_prefix, engine_prefix = "[autojit-inprocess]", "[autojit-inprocess]"
else:
    rt = "-L{0} -lautojit-stub -rdynamic -pthread".format(lib)
    rt_prefix, engine_prefix = "[autojit-stub]", "[autojitd]"
    config.environment["AUTOJIT_DAEMON_PATH"] = os.path.join(config.autojit_bin_dir, "autojitd")
# A build of autojit made with AUTOJIT_SANITIZE=address: programs carry the
# sanitizer's runtime its libraries and stub call into.
if config.autojit_sanitize:
    rt += " -fsanitize=" + config.autojit_sanitize
    config.available_features.add("sanitized-autojit")
config.substitutions.append(("%rtprefix", "'%s'" % rt_prefix))
config.substitutions.append(("%engineprefix", "'%s'" % engine_prefix))
config.substitutions.append(("%rt", rt))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))
# The install tests install the build into a prefix of their own (%builddir:
# the CMake build, %installlibdir: its lib directory under a prefix) and
# configure CMake projects with %cmake %generator.
config.substitutions.append(("%builddir", config.autojit_obj_root))
config.substitutions.append(("%installlibdir", config.install_libdir))
config.substitutions.append(("%cmake", config.cmake))
config.substitutions.append(
    ("%generator", "-G '%s' -DCMAKE_MAKE_PROGRAM=%s" % (config.cmake_generator, config.cmake_make_program))
)
config.substitutions.append(("%python", sys.executable))
# Real stores for the remote cache's tests, started by each test itself.
config.substitutions.append(
    ("%remote-store", "%s %s" % (sys.executable, os.path.join(config.test_source_root, "Inputs", "remote-store.py")))
)
if shutil.which("redis-server"):
    config.available_features.add("redis")
if shutil.which("nginx"):
    config.available_features.add("nginx")

if os.geteuid() == 0 and shutil.which("setpriv"):
    config.available_features.add("root")
if shutil.which("gdb"):
    config.available_features.add("gdb")
if shutil.which("autoconf"):
    config.available_features.add("autoconf")
if shutil.which("pkg-config"):
    config.available_features.add("pkg-config")
try:
    with open("/proc/cpuinfo") as f:
        if " avx " in f.read().replace("\n", " "):
            config.available_features.add("avx")
except OSError:
    pass
# Linker-dependent tests also link with lld (-fuse-ld=lld) when clang has it.
if os.path.exists(os.path.join(config.clang_tools_dir, "ld.lld")):
    config.available_features.add("lld")
if shutil.which("ld.gold"):
    config.available_features.add("gold")


def perf_can_record():
    """Whether `perf record -k mono` works here: perf is installed (Debian's
    wrapper fails without the kernel's tools) and this user may sample."""
    perf = shutil.which("perf")
    if not perf:
        return False
    with tempfile.TemporaryDirectory() as scratch:
        command = [perf, "record", "-q", "-N", "-k", "mono", "-o", os.path.join(scratch, "data"), "true"]
        try:
            done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return False
    return done.returncode == 0


if perf_can_record():
    config.available_features.add("perf")


def may_attach_debugger():
    """Whether a debugger may attach to a process it did not start: Yama's
    ptrace scope 0, or CAP_SYS_PTRACE (bit 19)."""
    try:
        with open("/proc/sys/kernel/yama/ptrace_scope") as f:
            if f.read().strip() == "0":
                return True
    except OSError:
        return True
    with open("/proc/self/status") as f:
        caps = [l.split()[1] for l in f if l.startswith("CapEff:")]
    return bool(caps) and int(caps[0], 16) & (1 << 19) != 0


if shutil.which("gdb") and may_attach_debugger():
    config.available_features.add("gdb-attach")


def rustc_llvm_major():
    """The LLVM major version of the rustc cargo runs, or None."""
    if not shutil.which("cargo") or not shutil.which("rustc"):
        return None
    try:
        out = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in out.splitlines():
        if line.startswith("LLVM version:"):
            return int(line.split(":")[1].strip().split(".")[0])
    return None


# Rust programs: the plugin reads rustc's bitcode at link time, which needs
# an autojit built against rustc's LLVM major version. %rustflags is what
# `pkg-config --variable=rustflags` prints for the mode, from the build tree.
if rustc_llvm_major() == config.llvm_version_major:
    config.available_features.add("rust")
rust_linker = os.path.join(config.autojit_bin_dir, "autojit-rust-linker")
config.substitutions.append(("%rustlinker", rust_linker))
rustflags = ["-Clinker-plugin-lto", "-Clinker=" + rust_linker]
rustflags += ["-Clinker-flavor=gcc"] + ["-Clink-arg=" + arg for arg in rt.split()]
config.substitutions.append(("%rustflags", " ".join(rustflags)))
for name in ("CARGO_HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN"):
    if name in os.environ:
        config.environment[name] = os.environ[name]
if os.path.exists(os.path.join(config.clang_tools_dir, "..", "lib", "libc++.so")) or os.path.exists(
    "/usr/lib/x86_64-linux-gnu/libc++.so.1"
):
    config.available_features.add("libcxx")


def start_suite_daemon():
    """One standalone autojitd for the whole run of the daemon mode; its log
    is <exec root>/autojitd.log."""
    sys.path.insert(0, os.path.join(config.test_source_root, "Inputs"))
    from with_daemon import start_daemon

    os.makedirs(config.test_exec_root, exist_ok=True)
    path = os.path.join(socket_dir, "suite.sock")
    log = os.path.join(config.test_exec_root, "autojitd.log")
    autojitd = os.path.join(config.autojit_bin_dir, "autojitd")
    try:
        daemon = start_daemon(autojitd, path, log, env=config.environment)
    except RuntimeError as e:
        lit_config.fatal(str(e))
    atexit.register(daemon.terminate)
    return path


if mode == "spawn":
    config.environment["AUTOJITD_FORCE_SPAWN"] = "1"
elif mode == "daemon":
    config.environment["AUTOJIT_SOCKET_PATH"] = start_suite_daemon()
    config.environment["AUTOJITD_FORCE_DAEMON"] = "1"
