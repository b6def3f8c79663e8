#!/usr/bin/env python3
"""`sotto bench register` and `sotto bench calls` against `sotto serve` (registrar, B2BUA, SRTP relay): counts,
the JSON shape and the server's own call records, never timings. Until `sotto serve` is in the binary the
scenarios are SKIPPED (exit 77, ctest "Not Run"), never passed.

  tests/perf/bench_serve_test.py [-k NAME]    # SOTTO_BUILD_DIR=build/default; SOTTO_SERVE_BIN: another binary's serve
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
import harness as h  # noqa: E402
from phone_interop_test import Skip, run_scenarios  # noqa: E402
from bench_load_test import SUITES, bench, check_latency, check_register_figures  # noqa: E402

PASSWORD = "serve-load-secret"


def serve_bin():
    return os.environ.get("SOTTO_SERVE_BIN", h.sotto_bin())


def need_serve():
    # Not the exit status: an unknown subcommand followed by --help prints the top-level help, exit 0.
    probe = subprocess.run([serve_bin(), "serve", "--help"], capture_output=True, text=True)
    if probe.returncode != 0 or "Usage: sotto serve" not in probe.stdout:
        raise Skip(f"{serve_bin()} has no `serve` subcommand: the load driver was NOT checked against sotto serve")


class Serve:
    """A `sotto serve` on a fresh data directory with accounts PREFIX1..PREFIXn, on tls://127.0.0.1:PORT."""

    def __init__(self, wd, prefix, n):
        self.data = wd.file("data")
        self.pw = wd.file("pw.txt")
        with open(self.pw, "w") as f:
            f.write(PASSWORD + "\n")
        for i in range(1, n + 1):
            subprocess.run([serve_bin(), "user", "add", f"{prefix}{i}", "--password-file", self.pw, "--data-dir", self.data],
                           check=True, capture_output=True, timeout=30)
        self.ca = wd.file("ca.pem")
        with open(self.ca, "w") as f:
            subprocess.run([serve_bin(), "ca", "export", "--data-dir", self.data], check=True, stdout=f, timeout=30)
        self.port = h.free_port()
        self.log = wd.file("serve.log")
        self.proc = wd.spawn([serve_bin(), "serve", "--data-dir", self.data, "--listen", f"tls://127.0.0.1:{self.port}"],
                             "serve.log")
        deadline = time.time() + 15
        while time.time() < deadline and "listening on" not in open(self.log, errors="replace").read():
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        assert "listening on" in open(self.log, errors="replace").read(), open(self.log, errors="replace").read()

    def args(self, users):
        return ["--server", f"sips:127.0.0.1:{self.port}", "--ca-file", self.ca, "--users", users,
                "--password-file", self.pw, "--json", "--concurrency", "10"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=20)


# ------------------------------------------------------------------------------------------------

def register_30_accounts_through_sotto_serve():
    need_serve()
    wd = h.Workdir("bench-serve-reg")
    try:
        srv = Serve(wd, "alice", 30)
        rc, rep, err = bench(["register", *srv.args("alice%d"), "--count", "30", "--unregister"])
        assert rc == 0, f"exit {rc}: {err}\n{rep}"
        assert rep["tls_handshakes"]["succeeded"] == 30, rep["tls_handshakes"]
        check_register_figures(rep["registrations"], 30, "registrations")
        check_register_figures(rep["unregistrations"], 30, "unregistrations")
        srv.stop()
        log = open(srv.log, errors="replace").read()
        for i in (1, 30):
            assert re.search(rf"\bregistered alice{i}\b", log) and re.search(rf"\bunregistered alice{i}\b", log), log[-3000:]
    finally:
        wd.cleanup()


def calls_through_the_b2bua_and_relay_with_srtp():
    need_serve()
    wd = h.Workdir("bench-serve-calls")
    try:
        srv = Serve(wd, "bob", 10)
        rc, rep, err = bench(["calls", *srv.args("bob%d"), "--count", "5", "--calls", "10", "--hold-time", "2"])
        assert rc == 0, f"exit {rc}: {err}\n{rep}"
        c = rep["calls"]
        assert c["attempted"] == 10 and c["answered"] == 10 and c["completed"] == 10 and c["failures"] == {}, c
        check_latency(c["setup_ms"], 10, "setup_ms")
        assert c["srtp"]["auth_failures"] == 0 and c["srtp"]["packets_received"] > 0, c["srtp"]
        for call in c["list"]:
            assert call["result"] == "completed" and call["srtp_suite"] in SUITES, call
            assert call["caller_received"] > 0 and call["callee_received"] > 0, call
            assert call["caller_auth_failures"] == 0 and call["callee_auth_failures"] == 0, call
        srv.stop()
        # The server's own record of each call: answered, secured on both legs.
        log = open(srv.log, errors="replace").read()
        ended = [l for l in log.splitlines() if ": ended, answered 200" in l]
        assert len(ended) == 10 and all("verdict secure" in l for l in ended), log[-3000:]
    finally:
        wd.cleanup()


SCENARIOS = [register_30_accounts_through_sotto_serve, calls_through_the_b2bua_and_relay_with_srtp]

if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS))
