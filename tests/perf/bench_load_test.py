#!/usr/bin/env python3
"""`sotto bench register` and `sotto bench calls` (the TLS + SRTP load driver) against Kamailio 5.6 as a TLS
registrar with digest auth and a record-routing proxy (tests/interop/peers.py). Checks counts and the JSON
report's shape, never timings: the figures themselves go to docs/PERFORMANCE.md.

  flock /tmp/sotto-interop.lock tests/perf/bench_load_test.py [-k NAME]   # SOTTO_BUILD_DIR=build/default
"""
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
import harness as h  # noqa: E402
from phone_interop_test import need, run_scenarios  # noqa: E402

PASSWORD = "load-secret"
USERS = {**{f"alice{i}": PASSWORD for i in range(1, 51)}, **{f"bob{i}": PASSWORD for i in range(1, 21)},
         **{f"carol{i}": PASSWORD for i in range(1, 6)}}
SUITES = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM",
          "AES_256_CM_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_32"}


def kamailio(tag):
    need("kamailio")
    need("kamcmd")
    import peers  # noqa: E402
    wd = h.Workdir(tag)
    pki = h.make_pki(wd)
    return wd, pki, peers.Kamailio(wd, pki, USERS)


def bench(args, timeout=120):
    """Runs `sotto bench ARGS`; returns (exit status, parsed JSON report or None, stderr)."""
    r = subprocess.run([h.sotto_bin(), "bench", *args], capture_output=True, text=True, timeout=timeout)
    report = None
    if r.stdout.strip():
        try:
            report = json.loads(r.stdout)
        except json.JSONDecodeError as e:
            raise AssertionError(f"stdout is not one JSON object ({e}):\n{r.stdout[:2000]}")
    return r.returncode, report, r.stderr


def common(kam, pki, users):
    return ["--server", f"sips:127.0.0.1:{kam.tls_port}", "--ca-file", pki["ca"], "--users", f"{users}:{PASSWORD}",
            "--domain", kam.domain, "--json"]


def check_latency(lat, count, what):
    assert set(lat) == {"count", "p50", "p95", "p99", "max", "mean"}, f"{what}: {lat}"
    assert lat["count"] == count, f"{what}: {lat}"
    if count:
        assert 0 <= lat["p50"] <= lat["p95"] <= lat["p99"] <= lat["max"], f"{what}: {lat}"


def check_register_figures(f, n, what):
    assert set(f) == {"attempted", "succeeded", "failed", "failures", "per_second", "window_s", "latency_ms"}, f
    assert f["attempted"] == n and f["succeeded"] == n and f["failed"] == 0 and f["failures"] == {}, f"{what}: {f}"
    assert f["per_second"] > 0 and f["window_s"] > 0, f"{what}: {f}"
    check_latency(f["latency_ms"], n, what)


# ------------------------------------------------------------------------------------------------

def register_50_accounts_over_tls_with_digest():
    wd, pki, kam = kamailio("bench-reg")
    try:
        rc, rep, err = bench(["register", *common(kam, pki, "alice%d"), "--count", "50", "--expires", "120"])
        assert rc == 0, f"exit {rc}: {err}\n{rep}"
        assert rep["command"] == "register" and rep["accounts"] == 50, rep
        assert rep["server"] == f"sips:127.0.0.1:{kam.tls_port}", rep["server"]
        t = rep["tls_handshakes"]
        assert t["attempted"] == 50 and t["succeeded"] == 50 and t["per_second"] > 0, t
        assert sum(t["negotiated"].values()) == 50, t
        assert all(k.split()[0] in ("TLSv1.2", "TLSv1.3") for k in t["negotiated"]), t
        check_latency(t["latency_ms"], 50, "tls_handshakes")
        check_register_figures(rep["registrations"], 50, "registrations")
        assert rep["unregistrations"] is None and rep["calls"] is None and rep["ok"] is True, rep
        # Kamailio holds one TLS binding for each account, and none for an account not in the run.
        for user in ("alice1", "alice25", "alice50"):
            contacts = kam.contacts(user)
            assert len(contacts) == 1, f"{user}: {contacts}"
            assert contacts[0].startswith(f"sips:{user}@") or "transport=tls" in contacts[0].lower(), contacts
        assert kam.contacts("alice51") == [], kam.contacts("alice51")
    finally:
        kam.stop()
        wd.cleanup()


def unregister_removes_every_binding():
    wd, pki, kam = kamailio("bench-unreg")
    try:
        # The password from a file this time (not on the command line).
        with open(wd.file("pw.txt"), "w") as f:
            f.write(PASSWORD + "\n")
        rc, rep, err = bench(["register", "--server", f"sips:127.0.0.1:{kam.tls_port}", "--ca-file", pki["ca"],
                              "--users", "carol%d", "--password-file", wd.file("pw.txt"), "--domain", kam.domain,
                              "--json", "--count", "5", "--unregister", "--rate", "50/s", "--concurrency", "2"])
        assert rc == 0, f"exit {rc}: {err}\n{rep}"
        assert rep["rate"] == 50 and rep["concurrency"] == 2, rep
        check_register_figures(rep["registrations"], 5, "registrations")
        check_register_figures(rep["unregistrations"], 5, "unregistrations")
        for i in range(1, 6):
            assert kam.contacts(f"carol{i}") == [], f"carol{i}: {kam.contacts(f'carol{i}')}"
    finally:
        kam.stop()
        wd.cleanup()


def calls_10_pairs_with_sdes_srtp_media_both_ways():
    wd, pki, kam = kamailio("bench-calls")
    try:
        rc, rep, err = bench(["calls", *common(kam, pki, "bob%d"), "--count", "10", "--calls", "10",
                              "--hold-time", "2"])
        assert rc == 0, f"exit {rc}: {err}\n{rep}"
        assert rep["command"] == "calls" and rep["accounts"] == 20, rep
        check_register_figures(rep["registrations"], 20, "registrations")
        check_register_figures(rep["unregistrations"], 20, "unregistrations")  # the run cleans up
        c = rep["calls"]
        assert set(c) == {"attempted", "answered", "completed", "failed", "failures", "setups_per_second", "window_s",
                          "setup_ms", "hold_time_s", "concurrent", "srtp", "list"}, c.keys()
        assert c["attempted"] == 10 and c["answered"] == 10 and c["completed"] == 10, c
        assert c["failed"] == 0 and c["failures"] == {} and c["setups_per_second"] > 0, c
        assert c["hold_time_s"] == 2 and c["concurrent"] == 10, c
        check_latency(c["setup_ms"], 10, "setup_ms")
        s = c["srtp"]
        assert s["auth_failures"] == 0 and s["packets_sent"] > 0 and s["packets_received"] > 0, s
        assert s["packets_received"] <= s["packets_sent"], s
        assert len(c["list"]) == 10, c["list"]
        pairs = set()
        for call in c["list"]:
            assert call["result"] == "completed" and call["status"] == 200, call
            assert call["srtp_suite"] in SUITES, call
            # Media both ways, each direction received no more than was sent, nothing failed SRTP auth.
            assert call["caller_sent"] > 0 and call["callee_sent"] > 0, call
            assert 0 < call["callee_received"] <= call["caller_sent"], call
            assert 0 < call["caller_received"] <= call["callee_sent"], call
            assert call["caller_auth_failures"] == 0 and call["callee_auth_failures"] == 0, call
            assert call["setup_ms"] is not None and call["setup_ms"] >= 0, call
            pairs.add((call["caller"], call["callee"]))
        assert pairs == {(f"sips:bob{i}@{kam.domain}", f"sips:bob{i + 10}@{kam.domain}") for i in range(1, 11)}, pairs
        for user in ("bob1", "bob20"):
            assert kam.contacts(user) == [], f"{user}: {kam.contacts(user)}"
    finally:
        kam.stop()
        wd.cleanup()


def interrupt_reports_what_was_measured():
    wd, pki, kam = kamailio("bench-sigint")
    try:
        err_path = wd.file("stderr.txt")
        with open(err_path, "w") as err:
            p = subprocess.Popen([h.sotto_bin(), "bench", "calls", *common(kam, pki, "bob%d"), "--count", "3",
                                  "--calls", "30", "--hold-time", "30"], stdout=subprocess.PIPE, stderr=err, text=True)
        deadline = time.time() + 20
        while time.time() < deadline and "placing 30 calls" not in open(err_path).read():
            time.sleep(0.1)
        assert "placing 30 calls" in open(err_path).read(), open(err_path).read()
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=20)
        rep = json.loads(out)
        assert p.returncode == 1 and rep["interrupted"] is True and rep["ok"] is False, (p.returncode, rep)
        check_register_figures(rep["registrations"], 6, "registrations")
        assert 1 <= rep["calls"]["attempted"] <= 3 and rep["calls"]["completed"] == 0, rep["calls"]
        assert [c["result"] for c in rep["calls"]["list"]] == ["interrupted"] * rep["calls"]["attempted"], rep["calls"]
        assert "interrupted: reporting what was measured so far" in open(err_path).read()
    finally:
        kam.stop()
        wd.cleanup()


def wrong_password_is_counted_by_status():
    wd, pki, kam = kamailio("bench-401")
    try:
        args = ["register", "--server", f"sips:127.0.0.1:{kam.tls_port}", "--ca-file", pki["ca"],
                "--users", "alice%d:wrong", "--domain", kam.domain, "--count", "3", "--json"]
        rc, rep, err = bench(args)
        assert rc == 1, f"exit {rc}: {err}"
        f = rep["registrations"]
        assert f["attempted"] == 3 and f["succeeded"] == 0 and f["failed"] == 3, f
        assert list(f["failures"].values()) == [3] and list(f["failures"])[0].startswith("401 "), f
        assert rep["tls_handshakes"]["succeeded"] == 3 and rep["ok"] is False, rep
    finally:
        kam.stop()
        wd.cleanup()


def unreachable_server_is_one_error():
    wd = h.Workdir("bench-unreach")
    try:
        pki = h.make_pki(wd)
        port = h.free_port()  # nothing listens there
        rc, rep, err = bench(["register", "--server", f"sips:127.0.0.1:{port}", "--ca-file", pki["ca"],
                              "--users", "x%d:pw", "--count", "200", "--json"])
        lines = [l for l in err.splitlines() if l.startswith("sotto bench register:")]
        assert rc == 1 and rep is None, f"exit {rc}: {err}"
        assert len(lines) == 1 and f"cannot reach sips:127.0.0.1:{port}" in lines[0], err
        assert "Connection refused" in lines[0], lines
    finally:
        wd.cleanup()


def bad_flags_exit_2_naming_the_flag():
    wd = h.Workdir("bench-flags")
    try:
        ca = wd.file("ca.pem")
        open(ca, "w").write("")
        base = ["--server", "sips:127.0.0.1:5061", "--ca-file", ca, "--users", "a%d:pw", "--count", "2"]
        for args, says in [
            (["register", *base, "--rate", "fast"], "sotto bench register: --rate: 'fast' is not a rate"),
            (["register", *base[:4], "--users", "nobody:pw", "--count", "2"], "sotto bench register: --users: 'nobody' has no %d"),
            (["register", "--server", "sip:127.0.0.1", "--ca-file", ca, "--users", "a%d:pw", "--count", "1"],
             "sotto bench register: --server: 'sip:127.0.0.1' is not a sips: URI"),
            (["calls", *base], "sotto bench calls: --calls must be at least 1"),
            (["calls", *base, "--calls", "4", "--concurrent", "3"], "sotto bench calls: --concurrent 3 is more than --count 2"),
        ]:
            rc, rep, err = bench(args)
            assert rc == 2 and rep is None, f"{args}: exit {rc}: {err}"
            assert err.strip().splitlines() == [err.strip()] and err.startswith(says), f"{args}: {err!r}"
    finally:
        wd.cleanup()


SCENARIOS = [
    register_50_accounts_over_tls_with_digest,
    unregister_removes_every_binding,
    calls_10_pairs_with_sdes_srtp_media_both_ways,
    interrupt_reports_what_was_measured,
    wrong_password_is_counted_by_status,
    unreachable_server_is_one_error,
    bad_flags_exit_2_naming_the_flag,
]

if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS))
