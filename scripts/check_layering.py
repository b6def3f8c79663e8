#!/usr/bin/env python3
"""Checks the layering of src/ from the CMake DEPS graph and the #include lines.

Usage: scripts/check_layering.py [repo-root]

Layers (docs in README.md, "Layout"):
  base      <- nothing
  crypto    <- base
  core/*    <- base, crypto, core/*           (core never reaches io, media, runtime or a feature)
  io, io/*  <- base, crypto, core/*, io/*
  media     <- base, crypto, core/*
  interop/*, bench <- base, crypto, core/*, interop/*   (references for tests and benchmarks)
  runtime   <- everything above except interop/bench
  features (phone, server, audit, tlscheck, loadgen) <- everything above; never another feature

Three checks:
  1. every DEPS arrow between sotto targets is allowed by the table above;
  2. every #include "a/b/c.hpp" of a module's files names a header that the module's DEPS (transitively)
     expose, which is what the build enforces (each target's include root holds only its own headers);
  3. OpenSSL at two places only: libcrypto (ciphers, MACs, hashes, RNG, X.509 building) in src/crypto and the
     benchmark's EVP reference src/interop/evp; libssl and X.509 checks at the TLS edge, src/io/tls_*
     (and io's tests). Nothing else includes <openssl/...> or <asio/ssl...>.
Exits 1 naming each violation; 0 when there is none.
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
src = root / "src"

FEATURES = {"phone", "server", "audit", "tlscheck", "loadgen"}


def layer(folder: str) -> str:
    top = folder.split("/")[0]
    if top in FEATURES:
        return "feature"
    return top  # base, crypto, core, io, media, interop, bench, runtime


ALLOWED = {
    "base": set(),
    "crypto": {"base"},
    "core": {"base", "crypto", "core"},
    "io": {"base", "crypto", "core", "io"},
    "media": {"base", "crypto", "core"},
    "interop": {"base", "crypto", "core", "interop"},
    "bench": {"base", "crypto", "core", "interop"},
    "runtime": {"base", "crypto", "core", "io", "media", "runtime"},
    # server state and configuration, below the features: the store (SQLite), the data directory's CA, TOML
    "store": {"base", "crypto", "core"},
    "pki": {"base", "crypto"},
    "config": {"base", "core"},
    "feature": {"base", "crypto", "core", "io", "media", "runtime", "store", "pki", "config"},
}

module_re = re.compile(r"sotto_module\(\s*(\w+)(.*?)\)", re.S)
link_re = re.compile(r"target_link_libraries\(\s*(\w+)\s+(?:PUBLIC|INTERFACE)\s+([^)]*)\)", re.S)

targets = {}  # target -> folder (relative to src)
deps = {}  # target -> set of sotto targets
test_deps = {}  # target -> sotto targets its *_test/_bench executables add
for cml in sorted(src.rglob("CMakeLists.txt")):
    text = re.sub(r"#[^\n]*", "", cml.read_text())
    folder = cml.parent.relative_to(src).as_posix()
    for m in module_re.finditer(text):
        name, args = m.group(1), m.group(2).split()
        targets[name] = folder
        words, mode = set(), None
        for a in args:
            if a in ("DEPS", "TEST_DEPS"):
                mode = a
            elif mode == "DEPS":
                words.add(a)
        deps[name] = {w for w in words if w.startswith("sotto_")}
        tw, mode = set(), None
        for a in args:
            if a in ("DEPS", "TEST_DEPS"):
                mode = a
            elif mode == "TEST_DEPS":
                tw.add(a)
        test_deps[name] = {w for w in tw if w.startswith("sotto_")}
    for m in link_re.finditer(text):
        if m.group(1) in deps:
            deps[m.group(1)] |= {w for w in m.group(2).split() if w.startswith("sotto_")}

errors = []
for t, ds in sorted(deps.items()):
    for d in sorted(ds):
        if d not in targets:
            errors.append(f"{t}: DEPS names unknown target {d}")
            continue
        lt, ld = layer(targets[t]), layer(targets[d])
        if ld not in ALLOWED[lt]:
            errors.append(f"{t} ({targets[t]}) -> {d} ({targets[d]}): layer '{lt}' must not depend on '{ld}'")


def closure(t, seen=None):
    seen = set() if seen is None else seen
    for d in deps.get(t, ()):
        if d not in seen and d in targets:
            seen.add(d)
            closure(d, seen)
    return seen


# Which target owns each folder: the deepest folder with a CMakeLists.txt that declares a module.
folder_owner = {f: t for t, f in targets.items()}


def owner_of(rel: str):
    parts = pathlib.PurePosixPath(rel).parent.parts
    for n in range(len(parts), 0, -1):
        f = "/".join(parts[:n])
        if f in folder_owner:
            return folder_owner[f]
    return None


include_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
for f in sorted(src.rglob("*")):
    if f.suffix not in (".cpp", ".hpp", ".h") or not f.is_file():
        continue
    rel = f.relative_to(src).as_posix()
    t = owner_of(rel)
    if t is None:
        continue
    visible = closure(t) | {t}
    if f.stem.endswith(("_test", "_bench")) or f.stem.startswith("testing_"):
        for d in test_deps.get(t, ()):
            visible |= closure(d) | {d}
    for inc in include_re.findall(f.read_text(errors="replace")):
        if (f.parent / inc).exists():
            continue  # relative to the including file
        if not (src / inc).exists():
            continue  # a system or generated header
        o = owner_of(inc)
        if o is None or o in visible:
            continue
        errors.append(f"src/{rel}: includes \"{inc}\" of {o}, which {t} does not depend on")

# 3. OpenSSL.
IO_TLS_HEADERS = {"ssl.h", "tls1.h", "x509.h", "x509v3.h", "err.h", "pem.h"}
openssl_re = re.compile(r'^\s*#\s*include\s+<(openssl/[^>]+|asio/ssl[^>]*)>', re.M)
for base in ("src", "apps", "tests"):
    for f in sorted((root / base).rglob("*")):
        if f.suffix not in (".cpp", ".hpp", ".h") or not f.is_file():
            continue
        rel = f.relative_to(root).as_posix()
        for inc in openssl_re.findall(f.read_text(errors="replace")):
            # test and benchmark programs may stand up a real TLS peer (libssl over memory BIOs); the tls-check
            # prober is a TLS edge of its own: it speaks TLS with every version and suite OpenSSL can offer.
            if rel.endswith(("_test.cpp", "_bench.cpp")) or rel.startswith(("src/tlscheck/prober.", "src/tlscheck/chain_check.")):
                continue
            if rel.startswith(("src/crypto/", "src/interop/evp/")) and inc.startswith("openssl/"):
                continue
            if rel.startswith("src/io/") and "/" not in rel[len("src/io/"):] and (
                    f.name.startswith("tls_") or f.stem.endswith("_test")):
                if inc.startswith("asio/ssl") or inc[len("openssl/"):] in IO_TLS_HEADERS:
                    continue
            errors.append(f"{rel}: includes <{inc}>; OpenSSL belongs in src/crypto (libcrypto) or src/io/tls_* (libssl)")

for e in errors:
    print("layering:", e)
if errors:
    sys.exit(1)
print(f"layering: {len(targets)} targets, {sum(len(d) for d in deps.values())} DEPS arrows, all allowed")
