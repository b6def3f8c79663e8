#!/usr/bin/env python3
"""packaging/sotto.service checked by systemd itself, and held to the contract docs/OPERATIONS.md states.

  - `systemd-analyze verify` on a copy whose ExecStart names the built binary (verify requires the binary
    to exist): exit 0 and no output at all (bad values are only warnings, so any line is a failure);
  - the control: the same check flags a copy with a bad value, so silence above means something;
  - `systemd-analyze security --offline=yes`: exposure at most 2.0 ("OK");
  - the contract: ExecStart, ExecReload with SIGHUP, KillSignal=SIGTERM, TimeoutStopSec above the default
    drain time, the state directory, the hardening directives;
  - packaging/sotto.toml passes `sotto config check`.

  tests/packaging/systemd_unit_test.py      # SOTTO_BUILD_DIR=build/default by default; ctest: systemd_unit
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(os.environ.get("SOTTO_BUILD_DIR", os.path.join(ROOT, "build", "default")))
SOTTO = os.path.join(BUILD, "apps", "sotto", "sotto")
UNIT = os.path.join(ROOT, "packaging", "sotto.service")
TOML = os.path.join(ROOT, "packaging", "sotto.toml")
DRAIN_DEFAULT_S = 10  # sotto serve --drain-timeout default (docs/OPERATIONS.md)

failures = []


def check(name, cond, detail=""):
    print(f"{'ok  ' if cond else 'FAIL'} {name}" + ("" if cond else f": {detail}"), flush=True)
    if not cond:
        failures.append(name)


def analyze(*args):
    return subprocess.run(["systemd-analyze", *args], capture_output=True, text=True, timeout=60)


def unit_copy(tmp, text):
    # The file name is the unit name: keep it sotto.service.
    d = tempfile.mkdtemp(dir=tmp)
    path = os.path.join(d, "sotto.service")
    with open(path, "w") as f:
        f.write(text)
    return path


def directives(text):
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        k, _, v = line.partition("=")
        out.setdefault(k.strip(), []).append(v.strip())
    return out


def seconds(v):
    m = re.fullmatch(r"(\d+)\s*(s|sec|min|m)?", v)
    if not m:
        return None
    return int(m.group(1)) * (60 if m.group(2) in ("min", "m") else 1)


def main():
    if shutil.which("systemd-analyze") is None:
        print("FAIL: systemd-analyze not found (Debian package systemd)")
        return 1
    if not os.access(SOTTO, os.X_OK):
        print(f"FAIL: sotto binary not found at {SOTTO} (set SOTTO_BUILD_DIR)")
        return 1
    text = open(UNIT).read()
    tmp = tempfile.mkdtemp(prefix="sotto-unit-")
    try:
        built = unit_copy(tmp, text.replace("/usr/bin/sotto", SOTTO))
        r = analyze("verify", built)
        out = (r.stdout + r.stderr).strip()
        check("systemd-analyze verify: exit 0, no output", r.returncode == 0 and out == "",
              f"exit {r.returncode}: {out}")

        bad = unit_copy(tmp, text.replace("/usr/bin/sotto", SOTTO).replace("ProtectSystem=strict", "ProtectSystem=bogus"))
        r = analyze("verify", bad)
        check("control: a bad value is reported", "bogus" in r.stdout + r.stderr, r.stdout + r.stderr)
        missing = unit_copy(tmp, text)  # /usr/bin/sotto is not installed here
        if not os.path.exists("/usr/bin/sotto"):
            r = analyze("verify", missing)
            check("control: a missing binary is reported", r.returncode != 0 and "/usr/bin/sotto" in r.stdout + r.stderr,
                  r.stdout + r.stderr)

        r = analyze("security", "--offline=yes", built)
        m = re.search(r"Overall exposure level for sotto\.service: ([0-9.]+)", r.stdout + r.stderr)
        level = float(m.group(1)) if m else None
        print(f"     exposure level {level}")
        check("systemd-analyze security: exposure <= 2.0", level is not None and level <= 2.0, r.stdout[-400:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    d = directives(text)
    want = {
        "ExecStart": "/usr/bin/sotto serve --config /etc/sotto/sotto.toml --data-dir /var/lib/sotto",
        "ExecReload": "/bin/kill -HUP $MAINPID",
        "KillSignal": "SIGTERM",
        "StateDirectory": "sotto",
        "DynamicUser": "yes",
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
        "MemoryDenyWriteExecute": "yes",
        "CapabilityBoundingSet": "",
    }
    for k, v in want.items():
        check(f"{k}={v}", d.get(k) == [v], d.get(k))
    stop = seconds(d.get("TimeoutStopSec", ["?"])[0])
    check(f"TimeoutStopSec above the drain time ({DRAIN_DEFAULT_S} s)", stop is not None and stop > DRAIN_DEFAULT_S + 5,
          d.get("TimeoutStopSec"))

    r = subprocess.run([SOTTO, "config", "check", TOML], capture_output=True, text=True, timeout=30)
    check("packaging/sotto.toml passes sotto config check", r.returncode == 0, r.stderr)

    print(f"{'all passed' if not failures else f'{len(failures)} FAILED: ' + ', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
