#!/usr/bin/env python3
"""The command-line contract of the real `sotto` binary: a usage error is exit 2 and exactly one line on
stderr, prefixed by the command ("sotto phone: ..."); options may follow the subcommand; files are checked
before anything starts (no listener, nothing on stdout); --sip-trace goes to stderr; a failure is
reported once.

  tests/cli_test.py            # SOTTO_BUILD_DIR=build/default by default; ctest runs it as cli
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.abspath(os.environ.get("SOTTO_BUILD_DIR", os.path.join(ROOT, "build", "default")))
SOTTO = os.path.join(BUILD, "apps", "sotto", "sotto")

failures = []


def run(*args, timeout=20):
    return subprocess.run([SOTTO, *args], capture_output=True, text=True, timeout=timeout)


def check(name, cond, detail):
    print(f"{'ok  ' if cond else 'FAIL'} {name}" + ("" if cond else f": {detail}"), flush=True)
    if not cond:
        failures.append(name)


def usage_error(name, args, prefix, contains):
    """exit 2, stdout empty, stderr exactly one line starting with `prefix` (the command, e.g. "sotto phone"
    or "sotto phone call") and containing `contains`."""
    r = run(*args)
    lines = r.stderr.splitlines()
    ok = (r.returncode == 2 and r.stdout == "" and len(lines) == 1 and lines[0].startswith(prefix)
          and ": " in lines[0]
          and contains in lines[0])
    check(name, ok, f"exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")


def dead_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    if not os.access(SOTTO, os.X_OK):
        print(f"FAIL: sotto binary not found at {SOTTO} (set SOTTO_BUILD_DIR)")
        return 1
    tmp = tempfile.mkdtemp(prefix="sotto-cli-")
    try:
        return checks(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def checks(tmp):
    bad_wav = os.path.join(tmp, "bad.wav")
    with open(bad_wav, "wb") as f:
        f.write(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk")
    key = os.path.join(tmp, "k.pem")
    cert = os.path.join(tmp, "c.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"], check=True,
                   capture_output=True)
    udp = ["phone", "--listen", "udp://127.0.0.1:0", "--srtp", "off"]
    target = f"sip:bob@127.0.0.1:{dead_udp_port()}"

    # Parser errors: exit 2 (not CLI11's 104-109), one line, with the command as prefix.
    usage_error("unknown option", ["phone", "--bogus", "call", target], "sotto phone", "--bogus")
    usage_error("missing call URI", ["phone", "call"], "sotto phone call", "uri is required")
    usage_error("no phone subcommand", ["phone", "--srtp", "off"], "sotto phone", "subcommand")
    usage_error("bad option value", ["phone", "--duration", "soon", "call", target], "sotto phone", "soon")
    usage_error("unknown bench option", ["bench", "srtp", "--bogus"], "sotto bench srtp", "--bogus")
    usage_error("unknown command", ["nosuch"], "sotto", "nosuch")

    # Options after the subcommand belong to `phone`: the value reaches phone's own check.
    usage_error("phone option after call", ["phone", "call", target, "--srtp", "maybe"], "sotto phone",
                "--srtp: 'maybe' is not one of off, offer, require")
    usage_error("phone option after listen", ["phone", "listen", "--auto-answer", "--listen", "sctp://127.0.0.1:1"],
                "sotto phone", "--listen: ")
    usage_error("suite after call", ["phone", "call", target, "--suites", "AES_CM_128_HMAC_SHA1_81"], "sotto phone",
                "--suites: unknown suite 'AES_CM_128_HMAC_SHA1_81'")

    # Files are checked before any listener is up (stdout stays empty: no "listening on").
    usage_error("corrupt --play WAV", udp + ["--play", bad_wav, "call", target], "sotto phone", "--play: ")
    usage_error("unwritable --record", udp + ["--record", "/nonexistent-dir/x.wav", "call", target], "sotto phone",
                "--record: cannot write '/nonexistent-dir/x.wav'")
    usage_error("key given as --cert", ["phone", "--cert", key, "call", target],
                "sotto phone", "--cert: '" + key + "' holds no PEM certificate")
    usage_error("certificate given as --key", ["phone", "--cert", cert, "--key", cert, "call", target], "sotto phone",
                "--key: '" + cert + "' holds no PEM private key")

    # A call nobody answers: options after the URI are taken (--timeout 1 ends it in about a second),
    # the SIP trace is on stderr only, and the failure is one "sotto phone:" line.
    r = run(*udp, "call", target, "--timeout", "1", timeout=30)
    check("options after the URI are taken", r.returncode == 1 and "no answer within 1 s (--timeout)" in r.stderr,
          f"exit {r.returncode}: {r.stderr!r}")
    r = run(*udp, "--sip-trace", "--timeout", "1", "call", target, timeout=30)
    err_lines = [l for l in r.stderr.splitlines() if l.startswith("sotto phone:")]
    check("unanswered call exits 1", r.returncode == 1, f"exit {r.returncode}: {r.stderr!r}")
    check("--sip-trace goes to stderr", ">>> INVITE sip:" in r.stderr and ">>> " not in r.stdout,
          f"stdout {r.stdout!r}")
    check("one failure, one line", len(err_lines) == 1, err_lines)
    r = run(*udp, "--json", "call", target, "--timeout", "1", timeout=30)
    check("--json: only the report on stdout", r.stdout.startswith("{") and len(r.stdout.splitlines()) == 1,
          r.stdout)

    # --log-format json: every stderr line is one strict JSON object (ts, level, component, msg); the SIP
    # trace's multi-line messages are escaped inside their line; stdout keeps only the report.
    r = run(*udp, "--log-format", "json", "--sip-trace", "call", target, "--timeout", "1", timeout=30)
    objs, bad = [], []
    for line in r.stderr.splitlines():
        try:
            objs.append(json.loads(line, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c))))
        except ValueError as e:
            bad.append(f"{line!r}: {e}")
    ts_re = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
    check("--log-format json: every stderr line parses", r.returncode == 1 and objs and not bad, bad or r.stderr)
    check("--log-format json: ts, level, component, msg",
          all(isinstance(o, dict) and ts_re.match(o.get("ts", "")) and o.get("level") in ("debug", "info", "warn", "error")
              and o.get("component") and isinstance(o.get("msg"), str) for o in objs), objs[:3])
    trace = [o for o in objs if o.get("component") == "sip-trace" and o["msg"].startswith(">>> INVITE sip:")]
    check("--log-format json: SIP trace messages escaped in one line", trace and "\r\n" in trace[0]["msg"], objs[:3])
    fails = [o for o in objs if o.get("level") == "error" and o["msg"].startswith("call ")]
    check("--log-format json: the failure is one error object", len(fails) == 1, objs)
    check("--log-format json: no progress on stdout", "calling " not in r.stdout and not r.stdout.startswith("{"), r.stdout)
    usage_error("bad --log-format", ["phone", "--log-format", "yaml", "call", target], "sotto phone", "yaml")

    # --help and --version still exit 0.
    r = run("phone", "call", "--help")
    check("--help exits 0", r.returncode == 0 and "uri" in r.stdout.lower(), r)
    r = run("--version")
    check("--version exits 0", r.returncode == 0 and r.stdout.startswith("sotto "), r)

    print(f"{'all passed' if not failures else f'{len(failures)} FAILED: ' + ', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
