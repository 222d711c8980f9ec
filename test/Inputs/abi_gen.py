#!/usr/bin/env python3
"""Generates an x86-64 SysV calling-convention test, in the spirit of GCC's
struct-layout-1 and compat suites.

Writes into OUT:
  abi.h            the types (structs of 1 to 64 bytes, unions, packed and
                   bit-field structs, nested structs and arrays, long double,
                   __int128, _Complex, vectors), with a layout check for each,
                   and static helpers: make_T fills a T from a seed, mix_T
                   folds a T into a checksum, pr_T prints a T's value bytes
  abi_callee.c     the functions under test (build it lazified and regular)
  abi_caller.c     main, which calls every function of the test with
                   deterministic arguments and prints one line per call: the
                   result's value bytes in hex and the running checksum
                   abi_sink; and the callbacks it passes (build it lazified
                   and regular)
  abi_regular.c    code the callees call that is always built regularly:
                   functions called directly, callbacks, va_list consumers,
                   and abi_sink
  abi_cxx.cpp      C++ cases (non-trivial copies passed by invisible
                   reference, methods returning structs, virtual calls,
                   templates, lambdas), reached through extern "C" entries
  manifest.txt     one line per call main makes: its name and the classes it
                   exercises ("regs": all in registers)
  cflags           a clang response file: -mavx when AVX is used, else empty

main runs every call, or only the one named by its argument (`prog f12`),
which is how to find the calls that fail.

Each callee folds every argument into a checksum seeded with a constant of
its own, mixes the checksum into abi_sink and returns a value of its return
type made from it. Some callees also call other lazified callees, regular
functions, and function pointers (callbacks defined regularly, or lazily when
the caller is lazified), so lazy code calls lazy and regular code with every
class too. A program is main (abi_caller.c) + abi_callee.c + abi_regular.c +
abi_cxx.cpp; compare the output of the all-regular build with builds where
some of these are lazified.

Classes (Sig.tags, param_tags; clang's lowering of the psABI, checked
against gcc's: the all-gcc and all-clang builds print the same, and a gcc
callee with a clang caller only disagrees on __int128 split between the last
register and the stack). Arguments that go in registers need no tag;
  arg-stack            a scalar (integer, double, __int128, vector) that finds
                       no free register and goes on the stack
  arg-x87              a long double argument (always in memory)
  arg-byval            an aggregate (or _Complex long double) of class MEMORY:
                       more than 16 bytes, unaligned members, or long double
  arg-byval-overflow   a small aggregate that no longer fits in the free
                       registers, passed in memory
  ret-sret             a return value of class MEMORY (hidden pointer)
  ret-x87              long double / _Complex long double return (st0, st1)
  varargs, fnptr, avx32, calls-lazy, calls-regular, va-list, cxx: what else
                       the call does
--classes=regs keeps only calls that use none of the memory and x87 classes
(anywhere: in the callee, or in any call the callee makes).

Deterministic: the same --seed always writes the same files, except for the
32-byte vector functions, which are written when the machine has AVX
(--avx=auto reads /proc/cpuinfo); every file must then be compiled with
-mavx, which the response file OUT/cflags holds (clang @OUT/cflags).
"""

import argparse
import os
import random

# ---------------------------------------------------------------- types


class Type:
    """A C type. kind: int bool ptr float double ldouble i128 cf cd cld vec
    struct union."""

    def __init__(self, key, c, size, align, kind, elem=None, n=0, packed=False):
        self.key = key  # identifier-safe name for helpers
        self.c = c  # C spelling
        self.size = size
        self.align = align
        self.kind = kind
        self.elem = elem  # vector element kind: int char long float double
        self.n = n  # vector element count
        self.fields = []  # (name, type, count or None, bits or None, bit offset)
        self.packed = packed
        self.decl = None  # the definition, for structs, unions and vectors

    @property
    def aggregate(self):
        return self.kind in ("struct", "union")

    def __repr__(self):
        return self.key


SCALARS = [
    ("schar", "signed char", 1, 1, "int"),
    ("uchar", "unsigned char", 1, 1, "int"),
    ("char", "char", 1, 1, "int"),
    ("short", "short", 2, 2, "int"),
    ("ushort", "unsigned short", 2, 2, "int"),
    ("int", "int", 4, 4, "int"),
    ("uint", "unsigned", 4, 4, "int"),
    ("long", "long", 8, 8, "int"),
    ("ullong", "unsigned long long", 8, 8, "int"),
    ("bool", "_Bool", 1, 1, "bool"),
    ("ptr", "void *", 8, 8, "ptr"),
    ("float", "float", 4, 4, "float"),
    ("double", "double", 8, 8, "double"),
    ("ldouble", "long double", 16, 16, "ldouble"),
    ("i128", "__int128", 16, 16, "i128"),
    ("u128", "unsigned __int128", 16, 16, "i128"),
    ("cfloat", "_Complex float", 8, 4, "cf"),
    ("cdouble", "_Complex double", 16, 8, "cd"),
    ("cldouble", "_Complex long double", 32, 16, "cld"),
]

# name, element C type, element kind, total size
VECTORS = [
    ("v2sf", "float", "float", 8),
    ("v2si", "int", "int", 8),
    ("v4sf", "float", "float", 16),
    ("v2df", "double", "double", 16),
    ("v4si", "int", "int", 16),
    ("v16qi", "char", "char", 16),
    ("v8sf", "float", "float", 32),
    ("v4df", "double", "double", 32),
    ("v8si", "int", "int", 32),
]
ELEM_SIZE = {"float": 4, "double": 8, "int": 4, "char": 1, "long": 8}

# Structs and unions: name, field declarations, flags ("union", "packed").
# Names are s_<name>; a field's type may be an earlier s_<name>.
STRUCTS = [
    ("c1", "char a", ""),
    ("c3", "char x[3]", ""),
    ("c5", "char x[5]", ""),
    ("c7", "char x[7]", ""),
    ("c9", "char x[9]", ""),
    ("c15", "char x[15]", ""),
    ("c17", "char x[17]", ""),
    ("c33", "char x[33]", ""),
    ("c64", "unsigned char x[64]", ""),
    ("sc", "short a; char b", ""),
    ("s3", "short x[3]", ""),
    ("i1", "int a", ""),
    ("ic", "int a; char b", ""),
    ("ii", "int a; int b", ""),
    ("iii", "int a; int b; int c", ""),
    ("l1", "long a", ""),
    ("ll", "long a; long b", ""),
    ("lll", "long a; long b; long c", ""),
    ("f1", "float a", ""),
    ("ff", "float a; float b", ""),
    ("fff", "float a; float b; float c", ""),
    ("f4", "float x[4]", ""),
    ("f5", "float x[5]", ""),
    ("d1", "double a", ""),
    ("dd", "double a; double b", ""),
    ("ddd", "double a; double b; double c", ""),
    ("dl", "double a; long b", ""),
    ("ld", "long a; double b", ""),
    ("fi", "float a; int b", ""),
    ("iff", "int a; float b; float c", ""),
    ("fd", "float a; double b", ""),
    ("df", "double a; float b", ""),
    ("cf", "char a; float b", ""),
    ("fl", "float a; long b", ""),
    ("lf", "long a; float b", ""),
    ("sil", "short a; int b; long c", ""),
    ("cdc", "char a; double b; char c", ""),
    ("mix", "char c; short s; int i; float f; double d", ""),
    ("mix2", "char c; float f; short s", ""),
    ("pn", "void * p; int n", ""),
    ("b3", "_Bool a; _Bool b; char c", ""),
    ("u_if", "int i; float f", "union"),
    ("u_dl", "double d; long l", "union"),
    ("u_df", "double d; float f", "union"),
    ("u_c20", "char c[20]; double d", "union"),
    ("u_fff", "s_fff a; long b[2]", "union"),
    ("u_ff", "s_ff a; double d", "union"),
    ("p_ci", "char c; int i", "packed"),
    ("p_sc", "short s; char c", "packed"),
    ("p_cd", "char c; double d", "packed"),
    ("p_cl3", "char c; long x[3]", "packed"),
    ("bf1", "unsigned a:3; unsigned b:5; unsigned c:12", ""),
    ("bf2", "unsigned long long a:40; unsigned long long b:20", ""),
    ("bf3", "unsigned a:7; char c; unsigned b:17", ""),
    ("bf4", "float f; unsigned b:3; unsigned c:9", ""),
    ("bf5", "double d; unsigned short a:5; unsigned short b:11; int c", ""),
    ("n_ff_f", "s_ff a; float b", ""),
    ("n_c3_sc", "s_c3 a; s_sc b", ""),
    ("n_d_ii", "s_d1 a; s_ii b", ""),
    ("n_dd_dd", "s_dd a; s_dd b", ""),
    ("n_fi2", "s_fi x[2]", ""),
    ("n_deep", "s_n_ff_f a; int b", ""),
    ("ld1", "long double a", ""),
    ("ldi", "long double a; int b", ""),
    ("ldld", "long double a; long double b", ""),
    ("i128", "__int128 a", ""),
    ("ci128", "char c; __int128 a", ""),
    ("cfs", "_Complex float a", ""),
    ("cds", "_Complex double a", ""),
    ("cfi", "_Complex float a; int b", ""),
    ("v4sfs", "v4sf a", ""),
    ("v2sif", "v2si a; float b", ""),
    ("d8", "double x[8]", ""),
    ("l8", "long x[8]", ""),
    ("f16", "float x[16]", ""),
    ("big", "double d[3]; int i[4]; char c[7]; short s", ""),
]


def round_up(x, a):
    return (x + a - 1) // a * a


def parse_field(text, types):
    text = text.strip()
    bits = count = None
    if ":" in text:
        text, w = text.split(":")
        bits = int(w)
        text = text.strip()
    if text.endswith("]"):
        text, n = text[:-1].split("[")
        count = int(n)
    words = text.split()
    name = words[-1]
    tname = " ".join(words[:-1])
    return name, types[tname], count, bits


def build_types(avx):
    types = {}
    for key, c, size, align, kind in SCALARS:
        types[c] = Type(key, c, size, align, kind)
    for name, ec, ek, size in VECTORS:
        if size == 32 and not avx:
            continue
        t = Type(name, name, size, size, "vec", elem=ek, n=size // ELEM_SIZE[ek])
        t.decl = "typedef %s %s __attribute__((vector_size(%d)));" % (ec, name, size)
        types[name] = t
    for name, body, flags in STRUCTS:
        t = layout(name, body, flags, types)
        if t is not None:
            types[t.c] = t
    return types


def layout(name, body, flags, types):
    """Lays the struct out as clang does on x86-64 (Itanium bit-fields), so
    the generator can classify it; abi.h checks the size and alignment."""
    union = "union" in flags
    packed = "packed" in flags
    fields = [parse_field(f, types) for f in body.split(";")]
    t = Type("s_" + name, "s_" + name, 0, 1, "union" if union else "struct", packed=packed)
    bit = 0
    size_bits = 0
    for fname, ft, count, bits in fields:
        falign = 1 if packed else ft.align
        if bits is not None:
            unit = ft.size * 8
            if not packed and bit // unit != (bit + bits - 1) // unit:
                bit = round_up(bit, unit)
            off = 0 if union else bit
            t.fields.append((fname, ft, None, bits, off))
            if not union:
                bit += bits
            size_bits = max(size_bits, off + bits)
        else:
            n = count or 1
            off = 0 if union else round_up(bit, falign * 8)
            t.fields.append((fname, ft, count, None, off))
            if not union:
                bit = off + ft.size * 8 * n
            size_bits = max(size_bits, off + ft.size * 8 * n)
        t.align = max(t.align, falign)
    t.size = round_up(round_up(size_bits, 8) // 8, t.align)
    kw = "union" if union else "struct"
    attr = " __attribute__((packed))" if packed else ""
    decls = []
    for fname, ft, count, bits, off in t.fields:
        d = "%s %s" % (ft.c, fname)
        if count:
            d += "[%d]" % count
        if bits:
            d += " : %d" % bits
        decls.append(d + ";")
    t.decl = "typedef %s%s %s { %s } %s;" % (kw, attr, t.c, " ".join(decls), t.c)
    return t


# ---------------------------------------------------------------- classes

NO, INT, SSE, SSEUP, X87, X87UP, CX87, MEM = "NO INT SSE SSEUP X87 X87UP CX87 MEM".split()


def leaves(t, off, out):
    """(byte offset, class) of every piece of t placed at off; False when a
    member is not aligned (the type is then of class MEMORY)."""
    k = t.kind
    if k in ("int", "bool", "ptr"):
        out.append((off, INT))
    elif k in ("float", "double"):
        out.append((off, SSE))
    elif k == "ldouble":
        out += [(off, X87), (off + 8, X87UP)]
    elif k == "i128":
        out += [(off, INT), (off + 8, INT)]
    elif k == "cf":
        out += [(off, SSE), (off + 4, SSE)]
    elif k == "cd":
        out += [(off, SSE), (off + 8, SSE)]
    elif k == "cld":
        out += [(off + 8 * i, CX87) for i in range(4)]
    elif k == "vec":
        out.append((off, SSE))
        out += [(off + 8 * i, SSEUP) for i in range(1, t.size // 8)]
    else:
        for fname, ft, count, bits, boff in t.fields:
            if bits is not None:
                for b in range(boff, boff + bits, 8):
                    out.append((off + b // 8, INT))
                out.append((off + (boff + bits - 1) // 8, INT))
                continue
            foff = off + boff // 8
            if foff % ft.align:
                return False
            for i in range(count or 1):
                if not leaves(ft, foff + i * ft.size, out):
                    return False
    return True


def merge(a, b):
    if a == b:
        return a
    if a == NO:
        return b
    if b == NO:
        return a
    if MEM in (a, b):
        return MEM
    if INT in (a, b):
        return INT
    if {a, b} & {X87, X87UP, CX87}:
        return MEM
    return SSE


def classify(t):
    """The eightbyte classes of t (SysV psABI 3.2.3), or [MEM]."""
    out = []
    if t.size > 16 or not leaves(t, 0, out):
        return [MEM]
    cls = [NO] * ((t.size + 7) // 8)
    for off, c in out:
        cls[off // 8] = merge(cls[off // 8], c)
    if MEM in cls:
        return [MEM]
    for i, c in enumerate(cls):
        if c == X87UP and (i == 0 or cls[i - 1] != X87):
            return [MEM]
        if c == SSEUP and (i == 0 or cls[i - 1] not in (SSE, SSEUP)):
            cls[i] = SSE
    return cls


def scalar_classes(t):
    k = t.kind
    return {
        "int": [INT], "bool": [INT], "ptr": [INT], "float": [SSE], "double": [SSE],
        "ldouble": [X87, X87UP], "i128": [INT, INT], "cf": [SSE], "cd": [SSE, SSE],
        "cld": [CX87],
    }.get(k) or ([SSE] + [SSEUP] * (t.size // 8 - 1))


def classes(t):
    return classify(t) if t.aggregate else scalar_classes(t)


def returns_in_memory(t):
    return t is not None and classes(t) == [MEM]


def param_tags(params, ret, tags):
    """Adds the tags of passing params (in order) to tags."""
    gpr = 5 if returns_in_memory(ret) else 6
    sse = 8
    for p in params:
        if isinstance(p, Sig):  # a function pointer
            p = PTR
        cls = classes(p)
        if cls == [MEM] or set(cls) & {X87, X87UP, CX87}:
            if p.kind == "ldouble":
                tags.add("arg-x87")
            else:
                tags.add("arg-byval")
            continue
        ni, ns = cls.count(INT), cls.count(SSE)
        if ni <= gpr and ns <= sse:
            gpr -= ni
            sse -= ns
        elif p.aggregate:
            tags.add("arg-byval-overflow")
        else:
            tags.add("arg-stack")


UNSAFE = {"arg-stack", "arg-x87", "arg-byval", "arg-byval-overflow", "ret-sret", "ret-x87"}

# ---------------------------------------------------------------- signatures


class Sig:
    def __init__(self, ret, params, var=None):
        self.ret = ret  # Type or None (void)
        self.params = params  # Types, or Sigs for function pointers
        self.var = var  # None, or the Types passed through "..."

    def tags(self):
        t = set()
        if self.ret is not None:
            cls = classes(self.ret)
            if cls == [MEM]:
                t.add("ret-sret")
            elif set(cls) & {X87, CX87}:
                t.add("ret-x87")
        param_tags(self.params + [promote(v) for v in (self.var or [])], self.ret, t)
        if self.var is not None:
            t.add("varargs")
        if any(isinstance(p, Sig) for p in self.params):
            t.add("fnptr")
        if any(not isinstance(p, Sig) and p.size == 32 and p.kind == "vec" for p in self.params) or (
            self.ret is not None and self.ret.kind == "vec" and self.ret.size == 32
        ):
            t.add("avx32")
        return t

    def proto(self, name):
        ps = []
        for i, p in enumerate(self.params):
            if isinstance(p, Sig):
                ps.append(p.ptr_decl("a%d" % i))
            else:
                ps.append("%s a%d" % (p.c, i))
        if self.var is not None:
            ps.append("...")
        if not ps:
            ps = ["void"]
        return "%s %s(%s)" % (ret_c(self.ret), name, ", ".join(ps))

    def ptr_decl(self, name):
        return self.proto("(*%s)" % name)


def ret_c(t):
    return "void" if t is None else t.c


PTR = None  # the Type of void *, set in main
TYPES = {}


def promote(t):
    """The type a variadic argument of type t arrives as."""
    if t.kind == "float":
        return TYPES["double"]
    if t.kind in ("int", "bool") and t.size < 4:
        return TYPES["int"]
    return t


def avoid_split_i128(ret, fixed, var):
    """A variadic __int128 that finds one free integer register is left out
    (a long instead): clang 19's callers then pass the integers after it on
    the stack, while its va_arg reads them from the register left (the psABI
    says the register), so even the regular build reads garbage."""
    gpr = 5 if returns_in_memory(ret) else 6
    sse = 8
    out = []
    for i, p in enumerate(fixed + [TYPES[v] for v in var]):
        if i >= len(fixed):
            if p.kind == "i128" and gpr == 1:
                p = TYPES["long"]
            out.append(p.c)
        cls = classes(promote(p))
        if cls == [MEM] or set(cls) & {X87, X87UP, CX87}:
            continue
        ni, ns = cls.count(INT), cls.count(SSE)
        if ni <= gpr and ns <= sse:
            gpr -= ni
            sse -= ns
    return out


class Func:
    """A function definition: where it lives, its signature, and what its
    body calls."""

    def __init__(self, name, sig, where, seed):
        self.name = name
        self.sig = sig
        self.where = where  # callee caller regular
        self.seed = seed
        self.calls = []  # (Func or None for "the callback parameter", Sig, what to pass for fn ptrs)
        self.va_split = None  # varargs: how many the callee reads before handing ap on
        self.va_handler = None

    def all_tags(self, seen=None):
        tags = set(self.sig.tags())
        for f, sig, cbs in self.calls:
            tags |= sig.tags()
            if f is not None:
                tags.add("calls-" + ("lazy" if f.where == "callee" else "regular"))
            if f is not None:
                tags |= f.all_tags()
            for cb in cbs:
                tags |= cb.all_tags()
        if self.va_handler is not None:
            tags.add("va-list")
        return tags


# ---------------------------------------------------------------- C code

HELPERS = r"""
extern uint64_t abi_sink;

static inline uint64_t nx(uint64_t h) {
  h = h * 6364136223846793005ULL + 1442695040888963407ULL;
  return h ^ (h >> 29);
}
static inline uint64_t mix64(uint64_t h, uint64_t x) {
  h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL ^ (h >> 31);
}
static inline uint64_t fbits(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }
static inline uint64_t dbits(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }
/* The 10 value bytes of an x87 long double; the other 6 are padding. */
static inline uint64_t ldlo(const void *p) { uint64_t b; memcpy(&b, p, 8); return b; }
static inline uint64_t ldhi(const void *p) { uint16_t b; memcpy(&b, (const char *)p + 8, 2); return b; }
static inline uint64_t chunk(const void *p, int k, int n) {
  uint64_t b = 0; memcpy(&b, (const char *)p + 8 * k, n - 8 * k < 8 ? n - 8 * k : 8); return b;
}
/* Exactly representable values, the same whatever the optimization level. */
static inline float mkf(uint64_t h) { return (float)((int64_t)(h >> 40) - 0x800000) / 8.0f; }
static inline double mkd(uint64_t h) { return (double)((int64_t)(h >> 11) - (1LL << 52)) / 16.0; }
static inline long double mkld(uint64_t h) { return (long double)(int64_t)h / 32.0L; }
static inline void prx(uint64_t v) { printf(".%llx", (unsigned long long)v); }
"""


def values(t, lv):
    """uint64_t expressions that together are the value of the lvalue lv."""
    k = t.kind
    if k in ("int", "bool"):
        return ["(uint64_t)(%s)" % lv]
    if k == "ptr":
        return ["(uint64_t)(uintptr_t)(%s)" % lv]
    if k == "float":
        return ["fbits(%s)" % lv]
    if k == "double":
        return ["dbits(%s)" % lv]
    if k == "ldouble":
        return ["ldlo(&%s)" % lv, "ldhi(&%s)" % lv]
    if k == "i128":
        return ["(uint64_t)(%s)" % lv, "(uint64_t)((unsigned __int128)(%s) >> 64)" % lv]
    if k == "cf":
        return ["fbits(__real__ %s)" % lv, "fbits(__imag__ %s)" % lv]
    if k == "cd":
        return ["dbits(__real__ %s)" % lv, "dbits(__imag__ %s)" % lv]
    if k == "cld":
        return ["ldlo(&%s)" % lv, "ldhi(&%s)" % lv, "ldlo((const char *)&%s + 16)" % lv,
                "ldhi((const char *)&%s + 16)" % lv]
    if k == "vec":
        return ["chunk(&%s, %d, %d)" % (lv, i, t.size) for i in range((t.size + 7) // 8)]
    raise ValueError(k)


def make_value(t, lv):
    """Statements that set the lvalue lv from h and advance h."""
    k = t.kind
    if k in ("int", "bool"):
        return ["%s = (%s)(h >> 3); h = nx(h);" % (lv, t.c)]
    if k == "ptr":
        return ["%s = (void *)(uintptr_t)h; h = nx(h);" % lv]
    mk = {"float": "mkf", "double": "mkd", "ldouble": "mkld"}
    if k in mk:
        return ["%s = %s(h); h = nx(h);" % (lv, mk[k])]
    if k == "i128":
        return ["%s = (%s)(((unsigned __int128)h << 64) | nx(h ^ 1)); h = nx(h);" % (lv, t.c)]
    cm = {"cf": "mkf", "cd": "mkd", "cld": "mkld"}
    if k in cm:
        return ["%s = __builtin_complex(%s(h), %s(nx(h ^ 2))); h = nx(h);" % (lv, cm[k], cm[k])]
    if k == "vec":
        ek = t.elem
        out = []
        for i in range(t.n):
            if ek in ("float", "double"):
                out.append("%s[%d] = %s(h); h = nx(h);" % (lv, i, mk[ek]))
            else:
                out.append("%s[%d] = (%s)(h >> 5); h = nx(h);" % (lv, i, ek))
        return out
    raise ValueError(k)


def walk(t, lv, leaf, depth=0):
    """Applies leaf(type, lvalue) to every scalar of t in order (the largest
    member of a union); arrays become loops."""
    if not t.aggregate:
        return leaf(t, lv)
    fields = t.fields
    if t.kind == "union":
        fields = [max(fields, key=lambda f: f[1].size * (f[2] or 1))]
    out = []
    for fname, ft, count, bits, off in fields:
        if bits is not None:
            out += leaf(TYPES["unsigned"] if ft.size <= 4 else TYPES["unsigned long long"], "%s.%s" % (lv, fname))
        elif count:
            i = "i%d" % depth
            out.append("for (int %s = 0; %s < %d; %s++) {" % (i, i, count, i))
            out += ["  " + s for s in walk(ft, "%s.%s[%s]" % (lv, fname, i), leaf, depth + 1)]
            out.append("}")
        else:
            out += walk(ft, "%s.%s" % (lv, fname), leaf, depth + 1)
    return out


def type_helpers(t):
    out = []
    out.append("static inline void make_%s(%s *p, uint64_t h) {" % (t.key, t.c))
    out.append("  memset(p, 0, sizeof *p);")
    out += ["  " + s for s in walk(t, "(*p)", make_value)]
    out.append("}")
    out.append("static inline uint64_t mix_%s(uint64_t h, const %s *p) {" % (t.key, t.c))
    out += ["  " + s for s in walk(t, "(*p)", lambda lt, lv: ["h = mix64(h, %s);" % v for v in values(lt, lv)])]
    out.append("  return h;")
    out.append("}")
    out.append("static inline void pr_%s(const %s *p) {" % (t.key, t.c))
    out += ["  " + s for s in walk(t, "(*p)", lambda lt, lv: ["prx(%s);" % v for v in values(lt, lv)])]
    out.append("}")
    return out


class Emitter:
    def __init__(self):
        self.n = 0

    def var(self, prefix):
        self.n += 1
        return "%s%d" % (prefix, self.n)


def gen_call(sig, fexpr, seed, cbs, em, acc):
    """Statements that build arguments for sig from seed (a C expression),
    call fexpr and fold the result (or abi_sink) into the uint64_t acc.
    cbs: the functions passed for the function pointer parameters."""
    lines = []
    args = []
    cbs = list(cbs)
    ps = list(sig.params) + list(sig.var or [])
    for i, p in enumerate(ps):
        if isinstance(p, Sig):
            args.append(cbs.pop(0).name)
            continue
        v = em.var("x")
        lines.append("%s %s; make_%s(&%s, (%s) ^ 0x%xULL);" % (p.c, v, p.key, v, seed, 0x1000 + i * 0x10001))
        args.append(v)
    call = "%s(%s)" % (fexpr, ", ".join(args))
    if sig.ret is None:
        lines.append("%s;" % call)
        lines.append("%s = mix64(%s, abi_sink);" % (acc, acc))
        res = None
    else:
        res = em.var("r")
        lines.append("%s %s = %s;" % (sig.ret.c, res, call))
        lines.append("%s = mix_%s(%s, &%s);" % (acc, sig.ret.key, acc, res))
    return lines, res


def gen_body(f, em):
    """The definition of f."""
    sig = f.sig
    out = ["%s {" % sig.proto(f.name), "  uint64_t h = 0x%016xULL;" % f.seed]
    for i, p in enumerate(sig.params):
        if isinstance(p, Sig):
            out.append("  h = mix64(h, %s != 0);" % ("a%d" % i))
        else:
            out.append("  h = mix_%s(h, &a%d);" % (p.key, i))
    if sig.var is not None:
        last = "a%d" % (len(sig.params) - 1)
        out.append("  va_list ap;")
        out.append("  va_start(ap, %s);" % last)
        n = len(sig.var) if f.va_handler is None else f.va_split
        for t in sig.var[:n]:
            pt = promote(t)
            v = em.var("v")
            out.append("  %s %s = va_arg(ap, %s);" % (pt.c, v, pt.c))
            out.append("  h = mix_%s(h, &%s);" % (pt.key, v))
        if f.va_handler is not None:
            out.append("  h = %s(h, ap);" % f.va_handler.name)
        out.append("  va_end(ap);")
    for callee, csig, cbs in f.calls:
        if callee is None:  # the function pointer parameter
            idx = [i for i, p in enumerate(sig.params) if isinstance(p, Sig)][0]
            fexpr = "a%d" % idx
        else:
            fexpr = callee.name
        lines, _ = gen_call(csig, fexpr, "h", cbs, em, "h")
        out.append("  {")
        out += ["    " + s for s in lines]
        out.append("  }")
    out.append("  abi_sink = mix64(abi_sink, h);")
    if sig.ret is not None:
        out.append("  %s r;" % sig.ret.c)
        out.append("  make_%s(&r, h);" % sig.ret.key)
        out.append("  return r;")
    out.append("}")
    return out


def gen_va_handler(name, types, em):
    out = ["uint64_t %s(uint64_t h, va_list ap) {" % name]
    for t in types:
        pt = promote(t)
        v = em.var("v")
        out.append("  %s %s = va_arg(ap, %s);" % (pt.c, v, pt.c))
        out.append("  h = mix_%s(h, &%s);" % (pt.key, v))
    out.append("  return h;")
    out.append("}")
    return out


# ---------------------------------------------------------------- the test


class Generator:
    def __init__(self, seed, avx):
        self.rng = random.Random(seed)
        self.avx = avx
        self.funcs = []  # every Func, in definition order
        self.entries = []  # what main calls: (label, Func to call, Sig, cbs, tags, getfp selector)
        self.handlers = []  # (name, types) va_list consumers in abi_regular.c
        self.n = 0

    def seed(self):
        return self.rng.getrandbits(64)

    def t(self, name):
        return TYPES[name]

    def pool(self):
        """Types for random signatures; structs weigh more."""
        # No 32-byte vectors: the random signatures do not depend on AVX.
        return [t for t in TYPES.values() if t.kind != "ptr" and not (t.kind == "vec" and t.size == 32)]

    def rand_type(self):
        ts = self.pool()
        aggs = [t for t in ts if t.aggregate]
        if self.rng.random() < 0.55:
            return self.rng.choice(aggs)
        return self.rng.choice([t for t in ts if not t.aggregate])

    def rand_sig(self, nmin=1, nmax=6, void=0.1):
        ret = None if self.rng.random() < void else self.rand_type()
        return Sig(ret, [self.rand_type() for _ in range(self.rng.randint(nmin, nmax))])

    def new(self, prefix, sig, where="callee"):
        self.n += 1
        f = Func("%s%d" % (prefix, self.n), sig, where, self.seed())
        self.funcs.append(f)
        return f

    def entry(self, f, cbs=(), label=None):
        self.entries.append((label or f.name, f, f.sig, list(cbs), None))

    def plain_callees(self):
        return [f for f in self.funcs if f.where == "callee" and f.name.startswith("f")]

    def maybe_chain(self, f):
        """Some bodies call an earlier lazified callee, some a regular twin."""
        r = self.rng.random()
        earlier = self.plain_callees()[:-1]
        if r < 0.3 and earlier:
            g = self.rng.choice(earlier)
            cbs = self.callbacks_for(g.sig, "regular")
            f.calls.append((g, g.sig, cbs))
        elif r < 0.55 and earlier:
            g = self.rng.choice(earlier)
            twin = self.new("reg", g.sig, "regular")
            f.calls.append((twin, g.sig, []))

    def callbacks_for(self, sig, where):
        cbs = []
        for p in sig.params:
            if isinstance(p, Sig):
                cbs.append(self.new("rcb" if where == "regular" else "cb", p, where))
        return cbs

    def build(self):
        T = self.t
        # Random signatures over every class.
        for _ in range(42):
            f = self.new("f", self.rand_sig())
            self.maybe_chain(f)
            self.entry(f)
        # Register pressure: more arguments than registers, and aggregates
        # that no longer fit in the registers left.
        ints = ["int", "long", "char", "short", "unsigned", "long", "int", "unsigned long long",
                "signed char", "long", "int", "long"]
        fps = ["double", "float", "double", "double", "float", "double", "double", "float",
               "double", "float", "double", "double"]
        fixed = [
            Sig(T("long"), [T(x) for x in ints]),
            Sig(T("double"), [T(x) for x in fps]),
            Sig(T("s_dd"), [T(x) for x in ints[:7]] + [T(x) for x in fps[:10]]),
            Sig(T("int"), [T(x) for x in ints[:5]] + [T("s_ll")]),
            Sig(T("int"), [T(x) for x in ints[:6]] + [T("s_ll"), T("int")]),
            Sig(T("double"), [T(x) for x in fps[:6]] + [T("s_dd")]),
            Sig(T("double"), [T(x) for x in fps[:7]] + [T("s_dd"), T("double")]),
            Sig(T("double"), [T(x) for x in fps[:8]] + [T("s_ff"), T("float")]),
            Sig(T("long"), [T(x) for x in ints[:5]] + [T(x) for x in fps[:7]] + [T("s_dl")]),
            Sig(T("long"), [T(x) for x in ints[:6]] + [T("s_dl"), T("double")]),
            Sig(T("__int128"), [T(x) for x in ints[:4]] + [T("__int128")]),
            Sig(T("__int128"), [T(x) for x in ints[:5]] + [T("__int128"), T("int")]),
            Sig(T("v2df"), [T("v2df")] * 10),
            Sig(T("s_lll"), [T(x) for x in ints[:5]] + [T("long")]),
            Sig(T("s_mix"), [T("s_fff"), T("double"), T("s_fi"), T("float"), T("s_iff")]),
            # long double and friends
            Sig(T("long double"), [T("long double")]),
            Sig(T("long double"), [T("int"), T("long double"), T("double"), T("long double")]),
            Sig(T("double"), [T(x) for x in ints[:6]] + [T("long double"), T("long")]),
            Sig(T("s_ld1"), [T("s_ld1"), T("int")]),
            Sig(T("s_ldi"), [T("s_ldi"), T("long double")]),
            Sig(T("_Complex long double"), [T("_Complex long double"), T("_Complex float")]),
            Sig(T("_Complex double"), [T("_Complex double"), T("_Complex float"), T("_Complex double")]),
            Sig(T("_Complex float"), [T("_Complex float")] * 9),
            Sig(T("unsigned __int128"), [T("unsigned __int128"), T("__int128"), T("unsigned __int128")]),
            # MEMORY-class returns
            Sig(T("s_c64"), [T("int")]),
            Sig(T("s_d8"), [T("s_d8"), T("double")]),
            Sig(T("s_big"), [T(x) for x in ints[:6]]),
            Sig(T("s_c17"), [T("s_c15"), T("s_c9")]),
            Sig(T("s_p_cd"), [T("s_p_ci"), T("s_p_sc")]),
            Sig(T("s_l8"), [T("s_l8"), T("s_f16"), T("s_c64")]),
            # vectors
            Sig(T("v4sf"), [T("v4sf"), T("v2df"), T("v4si"), T("v16qi"), T("s_v4sfs")]),
            Sig(T("v2sf"), [T("v2sf"), T("v2si"), T("s_v2sif")]),
        ]
        if self.avx:
            fixed += [
                Sig(T("v8sf"), [T("v8sf"), T("v4df"), T("v8si")]),
                Sig(T("v4df"), [T("v4df")] * 9 + [T("v8si")]),
            ]
        for sig in fixed:
            f = self.new("f", sig)
            self.entry(f)
        # Varargs: floats, doubles, structs and more than fits in registers.
        va_pool = ["int", "long", "double", "float", "short", "long double", "__int128",
                   "_Complex double", "s_ff", "s_dd", "s_dl", "s_ll", "s_fff", "s_c3", "s_lll",
                   "s_ld1", "s_mix", "s_c64", "v4sf", "s_ic", "s_p_ci"]
        va_sigs = [
            ([T("int")], ["double"] * 10),
            ([T("int")], ["float", "double", "float", "int", "float"]),
            ([T("int")], ["long"] * 8),
            ([T("double")], ["s_dd", "s_ff", "s_fff", "double", "s_dd", "s_dd", "s_dd"]),
            ([T("int")], ["s_ll", "s_ll", "s_ll", "long"]),
            ([T("long")], ["long double", "int", "long double"]),
            ([T("s_ff")], ["s_lll", "s_c64"]),
        ]
        for _ in range(9):
            va_sigs.append(([self.rand_type() for _ in range(self.rng.randint(1, 2))],
                            [self.rng.choice(va_pool) for _ in range(self.rng.randint(1, 8))]))
        for i, (fixed_params, var) in enumerate(va_sigs):
            if fixed_params[-1].kind in ("float", "bool") or fixed_params[-1].kind == "int" and fixed_params[-1].size < 4:
                fixed_params.append(T("int"))  # va_start after a promoted parameter is undefined
            ret = None if i % 5 == 4 else self.rand_type()
            var = avoid_split_i128(ret, fixed_params, var)
            f = self.new("va", Sig(ret, fixed_params, [T(x) for x in var]))
            if i % 4 == 1 and len(var) > 1:  # hand the rest of the list to regular code
                f.va_split = len(var) // 2
                h = Func("rv%d" % self.n, None, "regular", 0)
                self.handlers.append((h.name, [T(x) for x in var[f.va_split:]]))
                f.va_handler = h
            self.entry(f)
        # Function pointers: the callee calls a callback that main passes
        # (regular, or lazy when the caller is lazified); some callees call
        # each other with regular callbacks.
        for i in range(12):
            cbsig = self.rand_sig(1, 5 if i % 3 else 9)
            sig = Sig(self.rand_type() if i % 4 else None, [self.rand_type(), cbsig] + [self.rand_type() for _ in range(i % 3)])
            f = self.new("fp", sig)
            f.calls.append((None, cbsig, []))
            cb = self.new("cb", cbsig, "caller")
            self.entry(f, [cb])
            if i % 3 == 0:
                # A lazified caller of f that passes a regular callback.
                g = self.new("f", Sig(T("long"), [T("int")]))
                g.calls.append((f, sig, [self.new("rcb", cbsig, "regular")]))
                self.entry(g)
        # Functions returning function pointers: to a lazified function and to
        # a regular one; main calls through both.
        for i in range(4):
            cbsig = self.rand_sig(1, 4)
            lazy = self.new("lcb", cbsig)
            reg = self.new("rcb", cbsig, "regular")
            g = self.new("getfp", Sig(None, [T("int")]))
            g.getfp = (cbsig, lazy, reg)
            for sel in (0, 1):
                self.entries.append(("%s(%d)" % (g.name, sel), g, cbsig, [], sel))

    # -------------------------------------------------------------- output

    def write(self, out, regs_only):
        em = Emitter()
        entries = []
        for label, f, sig, cbs, sel in self.entries:
            tags = f.all_tags() | set().union(*[c.all_tags() for c in cbs]) if cbs else f.all_tags()
            if sel is not None:
                tags = sig.tags() | f.getfp[1 + sel].all_tags()
                tags.add("fnptr")
            if regs_only and tags & UNSAFE:
                continue
            entries.append((label, f, sig, cbs, sel, tags))
        used = set()

        def use(f):
            if f.name in used:
                return
            used.add(f.name)
            for g, _, cbs in f.calls:
                if g is not None:
                    use(g)
                for c in cbs:
                    use(c)
            if getattr(f, "getfp", None):
                use(f.getfp[1])
                use(f.getfp[2])

        for e in entries:
            use(e[1])
            for c in e[3]:
                use(c)
        funcs = [f for f in self.funcs if f.name in used]

        types = list(TYPES.values())
        h = ["/* Generated by abi_gen.py: do not edit. */", "#ifndef ABI_H", "#define ABI_H",
             "#include <stdarg.h>", "#include <stdint.h>", "#include <stdio.h>", "#include <string.h>"]
        for t in types:
            if t.decl:
                h.append(t.decl)
            if t.aggregate or t.kind == "vec":
                h.append('_Static_assert(sizeof(%s) == %d && _Alignof(%s) == %d, "layout of %s");'
                         % (t.c, t.size, t.c, t.align, t.c))
        h.append(HELPERS)
        for t in types:
            h += type_helpers(t)
        for f in funcs:
            if getattr(f, "getfp", None):
                h.append("%s;" % f.getfp[0].ptr_decl("%s(int sel)" % f.name))
            else:
                h.append("%s;" % f.sig.proto(f.name))
        for name, _ in self.handlers:
            h.append("uint64_t %s(uint64_t h, va_list ap);" % name)
        h.append("uint64_t cxx_entry(int which, uint64_t seed);")
        h.append("extern const int cxx_entries;")
        h.append("#endif")

        files = {"callee": [], "caller": [], "regular": []}
        for f in funcs:
            if getattr(f, "getfp", None):
                cbsig, lazy, reg = f.getfp
                body = ["%s {" % cbsig.ptr_decl("%s(int sel)" % f.name),
                        "  abi_sink = mix64(abi_sink, 0x%xULL ^ (uint64_t)sel);" % f.seed,
                        "  return sel ? %s : %s;" % (reg.name, lazy.name), "}"]
            else:
                body = gen_body(f, em)
            files[f.where] += body + [""]
        for name, ts in self.handlers:
            if any(f.va_handler is not None and f.va_handler.name == name for f in funcs):
                files["regular"] += gen_va_handler(name, ts, em) + [""]

        main = ["int main(int argc, char **argv) {",
                "  const char *only = argc > 1 ? argv[1] : 0;",
                "  setvbuf(stdout, 0, _IOLBF, 0); /* what ran before a crash is printed */"]
        manifest = []
        for label, f, sig, cbs, sel, tags in entries:
            manifest.append("%s %s" % (label, " ".join(sorted(tags)) or "regs"))
            main.append("  if (!only || !strcmp(only, \"%s\")) {" % label)
            main.append("    uint64_t acc = 0;")
            seed = "0x%xULL" % self.seed()
            if sel is None:
                lines, res = gen_call(sig, f.name, seed, cbs, em, "acc")
            else:
                p = em.var("p")
                main.append("    %s = %s(%d);" % (sig.ptr_decl(p), f.name, sel))
                lines, res = gen_call(sig, p, seed, [], em, "acc")
            main += ["    " + s for s in lines]
            main.append("    printf(\"%s\");" % label)
            if res is not None:
                main.append("    pr_%s(&%s);" % (sig.ret.key, res))
            main.append("    printf(\" acc=%llx sink=%llx\\n\", (unsigned long long)acc, (unsigned long long)abi_sink);")
            main.append("  }")
        cxx = CXX_ENTRIES if not regs_only else [e for e in CXX_ENTRIES if not set(e[1]) & UNSAFE]
        for which, tags in cxx:
            label = "cxx%d" % which
            manifest.append("%s %s" % (label, " ".join(sorted(set(tags) | {"cxx"}))))
            main.append("  if (!only || !strcmp(only, \"%s\"))" % label)
            main.append("    printf(\"%s %%llx\\n\", (unsigned long long)cxx_entry(%d, 0x%xULL));"
                        % (label, which, self.seed()))
        main += ["  return 0;", "}"]

        header = ["/* Generated by abi_gen.py: do not edit. */", '#include "abi.h"', ""]
        footer = []
        os.makedirs(out, exist_ok=True)

        def save(name, lines):
            with open(os.path.join(out, name), "w") as fh:
                fh.write("\n".join(lines) + "\n")

        save("abi.h", h)
        save("abi_callee.c", header + files["callee"] + footer)
        save("abi_caller.c", header + files["caller"] + main + footer)
        save("abi_regular.c", header + ["uint64_t abi_sink;", ""] + files["regular"] + footer)
        save("abi_cxx.cpp", [CXX])
        save("manifest.txt", manifest)
        # A response file for every compilation (clang @cflags): the ABI
        # passes 32-byte vectors in registers only when the whole program is
        # built with AVX (a target attribute does not change it).
        save("cflags", ["-mavx" if self.avx else ""])
        return len(entries), len(funcs)


# C++: what a C signature cannot show. Each entry's classes, for the manifest
# and --classes=regs.
CXX_ENTRIES = [
    (0, ["arg-indirect-nontrivial", "ret-sret"]),
    (1, ["ret-sret", "arg-byval"]),
    (2, []),
    (3, ["arg-byval", "ret-sret"]),
    (4, ["arg-x87", "ret-x87"]),
    (5, ["arg-byval", "ret-sret"]),
    (6, []),
    (7, ["arg-byval"]),
]

CXX = r"""// Generated by abi_gen.py: do not edit.
#include <stdint.h>
#include <string.h>

static uint64_t mix(uint64_t h, uint64_t x) {
  h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdULL ^ (h >> 31);
}
static uint64_t dbits(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }
static uint64_t ldbits(long double d) { uint64_t b[2] = {0, 0}; memcpy(b, &d, 10); return b[0] ^ (b[1] << 48); }

// Not trivially copyable: passed by invisible reference, returned through
// the hidden pointer.
struct Counted {
  long a, b;
  int copies;
  Counted(long a, long b) : a(a), b(b), copies(0) {}
  Counted(const Counted &o) : a(o.a), b(o.b), copies(o.copies + 1) {}
  ~Counted() {}
};
struct Small { int a; float b; };
struct Pair { double x, y; };
struct Big { double d[5]; long tag; };

Counted pass_counted(Counted c, double d, Counted e) {
  return Counted(c.a * 3 + e.b + (long)d, c.b ^ e.a);
}

class Shape {
 public:
  explicit Shape(long seed) : seed_(seed) {}
  virtual ~Shape() {}
  virtual Pair corner(Small s, double scale) const { return Pair{s.a * scale + seed_, s.b * scale}; }
  virtual Big grow(Big b, int k) const {
    for (int i = 0; i < 5; i++) b.d[i] = b.d[i] * k + seed_;
    b.tag ^= seed_;
    return b;
  }
  Small shrink(Small s) const { return Small{s.a - (int)seed_, s.b / 2}; }
  long double stretch(long double x, long double y) const { return x * 3 + y - seed_; }

 protected:
  long seed_;
};

class Square : public Shape {
 public:
  explicit Square(long seed) : Shape(seed) {}
  Pair corner(Small s, double scale) const override { return Pair{s.b * scale, s.a * scale - seed_}; }
  Big grow(Big b, int k) const override {
    Big r = Shape::grow(b, k + 1);
    r.tag += 7;
    return r;
  }
};

template <class T> T twice(T x, T y) { return x; }
template <> Big twice(Big x, Big y) {
  for (int i = 0; i < 5; i++) x.d[i] += y.d[i];
  return x;
}
template <> Small twice(Small x, Small y) { return Small{x.a + y.a, x.b + y.b}; }

template <class F> uint64_t apply(F f, Big b, int n) { return f(b, n); }

static uint64_t mix_big(uint64_t h, const Big &b) {
  for (int i = 0; i < 5; i++) h = mix(h, dbits(b.d[i]));
  return mix(h, (uint64_t)b.tag);
}

static Big make_big(uint64_t seed) {
  Big b;
  for (int i = 0; i < 5; i++) b.d[i] = (double)(int64_t)((seed >> (i * 7)) & 0xffff) / 4.0;
  b.tag = (long)seed;
  return b;
}

uint64_t entry0(uint64_t seed) {
  Counted a((long)seed, (long)(seed >> 3)), b((long)(seed >> 5), 9);
  Counted r = pass_counted(a, 1.5, b);
  return mix(mix(mix(seed, (uint64_t)r.a), (uint64_t)r.b), (uint64_t)r.copies);
}

uint64_t entry1(uint64_t seed) {
  Square sq((long)(seed & 0xff));
  const Shape &s = sq;
  Big r = s.grow(make_big(seed), 3);
  return mix_big(seed, r);
}

uint64_t entry2(uint64_t seed) {
  Shape sh((long)(seed & 0xfff));
  Square sq((long)(seed & 0xff));
  const Shape *ps[2] = {&sh, &sq};
  uint64_t h = seed;
  for (int i = 0; i < 2; i++) {
    Pair p = ps[i]->corner(Small{(int)seed, 0.25f * i}, 2.0);
    Small s = ps[i]->shrink(Small{(int)(seed >> 9), 3.5f});
    h = mix(mix(mix(h, dbits(p.x)), dbits(p.y)), (uint64_t)s.a ^ dbits(s.b));
  }
  return h;
}

uint64_t entry3(uint64_t seed) {
  Big r = twice(make_big(seed), make_big(seed >> 4));
  return mix_big(seed, r);
}

uint64_t entry4(uint64_t seed) {
  Shape sh((long)(seed & 0x3f));
  long double x = sh.stretch((long double)(int64_t)seed / 64.0L, 0.5L);
  return mix(seed, ldbits(x));
}

uint64_t entry5(uint64_t seed) {
  long base = (long)(seed & 0xffff);
  auto f = [base](Big b, int n) -> uint64_t { return mix_big((uint64_t)(base * n), b); };
  return apply(f, make_big(seed), 5);
}

uint64_t entry6(uint64_t seed) {
  Small s = twice(Small{(int)seed, 1.25f}, Small{(int)(seed >> 20), 2.5f});
  return mix(mix(seed, (uint64_t)s.a), dbits(s.b));
}

struct Visitor {
  virtual uint64_t visit(Big b, long double w, Small s) = 0;
};
struct Summer : Visitor {
  uint64_t visit(Big b, long double w, Small s) override { return mix_big(ldbits(w) ^ (uint64_t)s.a, b); }
};
uint64_t entry7(uint64_t seed) {
  Summer sum;
  Visitor &v = sum;
  return v.visit(make_big(seed), 2.25L, Small{(int)(seed >> 30), 4.0f});
}

extern "C" const int cxx_entries = 8;
extern "C" uint64_t cxx_entry(int which, uint64_t seed) {
  switch (which) {
  case 0: return entry0(seed);
  case 1: return entry1(seed);
  case 2: return entry2(seed);
  case 3: return entry3(seed);
  case 4: return entry4(seed);
  case 5: return entry5(seed);
  case 6: return entry6(seed);
  case 7: return entry7(seed);
  }
  return 0;
}
"""


def has_avx():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return "avx" in line.split()
    except OSError:
        pass
    return False


def main():
    global PTR, TYPES
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="directory to write into")
    ap.add_argument("--seed", type=int, default=20240519)
    ap.add_argument("--classes", choices=["all", "regs"], default="all",
                    help="regs: only calls whose arguments and results all travel in registers")
    ap.add_argument("--avx", choices=["auto", "yes", "no"], default="auto")
    args = ap.parse_args()
    avx = has_avx() if args.avx == "auto" else args.avx == "yes"
    TYPES = build_types(avx)
    PTR = TYPES["void *"]
    gen = Generator(args.seed, avx)
    gen.build()
    entries, funcs = gen.write(args.out, args.classes == "regs")
    print("abi_gen: %d calls, %d functions, classes=%s, avx=%s" % (entries, funcs, args.classes, "yes" if avx else "no"))


if __name__ == "__main__":
    main()
