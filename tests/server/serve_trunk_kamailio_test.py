#!/usr/bin/env python3
"""A trunk to Kamailio 5.6 as the carrier's proxy: `sotto serve` (office) has a [[trunk]] to Kamailio over
TLS; Kamailio challenges (407, qop=auth) every request From its domain example.test and routes numbers to
the phones registered with it.

- outbound: alice (at the office) dials 015550002 -> the trunk sends INVITE sips:15550002@example.test
  (maddr 127.0.0.1, TLS verified against a certificate for example.test), answers Kamailio's 407 as acme,
  Kamailio relays to 15550002 (a sotto phone registered with Kamailio); audio checked both ways;
- inbound: 15550002 calls sips:+15550001@127.0.0.1:<office port> through Kamailio; the office takes it as the
  trunk's call (source address 127.0.0.1, number +15550001 -> alice); audio checked both ways;
- `sotto calls --json`: both legs TLS with SRTP, the trunk leg as trunk:carrier.

  flock /tmp/sotto-interop.lock tests/server/serve_trunk_kamailio_test.py [-k NAME]
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "interop"))
import harness as h  # noqa: E402
from phone_interop_test import check_audio, need, report_of, run_scenarios, tls_args  # noqa: E402
from registrar_interop_test import domain_cert  # noqa: E402
from serve_harness import Serve  # noqa: E402

PW = {"alice": "alice-secret", "acme": "acme-secret", "15550002": "carol-secret"}


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def log_has(wd, log, text):
    return lambda: text in open(wd.file(log), errors="replace").read()


def call_via_kamailio(direction):
    need("kamailio")
    import peers  # noqa: E402
    wd = h.Workdir(f"serve-trunk-kam-{direction}")
    pki = h.make_pki(wd)
    dom = domain_cert(wd, pki, "example.test")
    h.make_noise_wav(wd.file("a.wav"), 1)
    h.make_noise_wav(wd.file("b.wav"), 2)
    kam = s = None
    try:
        kam = peers.Kamailio(wd, dom, {"acme": PW["acme"], "15550002": PW["15550002"]})
        with open(wd.file("office.toml"), "w") as f:
            f.write(f'''[[trunk]]
name = "carrier"
uri = "sips:example.test:{kam.tls_port};maddr=127.0.0.1"
username = "acme"
password = "{PW['acme']}"
srtp = "require"
prefix = "0"
numbers = {{ "+15550001" = "alice" }}
sources = ["127.0.0.1"]
''')
        s = Serve(wd, args=["--config", wd.file("office.toml"), "--cert", pki["cert"], "--key", pki["key"],
                            "--ca-file", pki["ca"]], log="office.log")
        s.sotto("user", "add", "alice", "--password", PW["alice"])
        carol_args = tls_args(pki) + ["--account", "sips:15550002@example.test", "--password", PW["15550002"],
                                      "--proxy", f"sips:127.0.0.1:{kam.tls_port}"]
        alice_args = ["--account", "sips:alice@localhost", "--password", PW["alice"],
                      "--proxy", f"sips:127.0.0.1:{s.tls_port}", "--ca-file", pki["ca"]]
        if direction == "out":
            callee_args, caller_args, target = carol_args, alice_args, "sips:015550002@localhost"
        else:
            callee_args, caller_args, target = alice_args, carol_args, f"sips:+15550001@127.0.0.1:{s.tls_port}"
        callee = wd.spawn([h.sotto_bin(), "phone", *callee_args, "--play", wd.file("b.wav"), "--record",
                           wd.file("callee.wav"), "--json", "listen", "--auto-answer"], "callee.log")
        wait_for(log_has(wd, "callee.log", "waiting for a call"), 15, "the callee's registration")
        caller = wd.spawn([h.sotto_bin(), "phone", *caller_args, "--play", wd.file("a.wav"), "--record",
                           wd.file("caller.wav"), "--duration", "4", "--sip-trace", "--json", "call", target], "caller.log")
        rep, rc = report_of(wd, "caller.log", caller)
        brep, brc = report_of(wd, "callee.log", callee)
        time.sleep(0.5)
        assert rc == 0 and brc == 0, (rep, brep, s.log()[-2000:])
        for r in (rep, brep):
            assert r["transport"] == "TLS" and r["srtp_suite"] and r["auth_failures"] == 0, r
        ca = check_audio(wd.file("a.wav"), wd.file("callee.wav"), f"{direction}: caller -> callee")
        cb = check_audio(wd.file("b.wav"), wd.file("caller.wav"), f"{direction}: callee -> caller")
        calls = json.loads(s.sotto("calls", "--json").stdout)["calls"]
        assert len(calls) == 1, calls
        c = calls[0]
        want = [("caller", "alice"), ("callee", "trunk:carrier")] if direction == "out" else \
            [("caller", "trunk:carrier"), ("callee", "alice")]
        assert c["result"] == "answered" and c["verdict"] == "secure", c
        assert [(l["side"], l["peer"]) for l in c["legs"]] == want, c
        for leg in c["legs"]:
            assert leg["transport"] == "TLS" and leg["srtp_suite"] and leg["packets_in"] > 100, leg
        klog = open(kam.log_path, errors="replace").read()
        if direction == "out":
            # Kamailio saw the INVITE for the number twice: the challenged one and the one with credentials.
            assert klog.count("INVITE sips:15550002@example.test") >= 2, klog[-3000:]
        print(f"  {direction}: correlation {ca['peak']:.2f} / {cb['peak']:.2f}; " +
              "; ".join(f"{l['side']} {l['peer']} {l['transport']} {l['tls_version']} {l['srtp_suite']}" for l in c["legs"]),
              flush=True)
        assert s.stop() == 0
    finally:
        if s is not None and s.proc.poll() is None:
            s.stop()
        if kam is not None:
            kam.stop()
        wd.cleanup()


def alice_calls_a_number_behind_kamailio_through_the_trunk():
    call_via_kamailio("out")


def number_behind_kamailio_calls_alice_through_the_trunk():
    call_via_kamailio("in")


SCENARIOS = [alice_calls_a_number_behind_kamailio_through_the_trunk, number_behind_kamailio_calls_alice_through_the_trunk]

if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS))
