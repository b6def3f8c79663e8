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
from harness import log_has, wait_for  # noqa: E402
from phone_interop_test import check_audio, need, report_of, run_scenarios, tls_args  # noqa: E402
from registrar_interop_test import domain_cert  # noqa: E402
from serve_harness import Serve  # noqa: E402

PW = {"alice": "alice-secret", "acme": "acme-secret", "15550002": "carol-secret"}


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


def kamailio_source_ports(klog, what):
    """The source ports of the requests Kamailio logged as "<what> ... from 127.0.0.1:<port> (tls)"."""
    import re
    return [int(m) for m in re.findall(re.escape(what) + r"\S* from 127\.0\.0\.1:(\d+) \(tls\)", klog)]


def office_registers_at_kamailio_and_calls_come_down_that_connection():
    """`register = true` against Kamailio's registrar (usrloc, 401 with qop=auth, fix_nated_register): the
    office registers as acme with contact user +15550001; 15550002 calls acme through Kamailio, which looks the
    binding up and relays down the office's own connection (the office's `sources` name another address);
    alice dials 015550002 and the INVITE leaves on the same connection with P-Asserted-Identity (`pai`) naming
    alice's number; on SIGTERM the binding is removed."""
    need("kamailio")
    import peers  # noqa: E402
    wd = h.Workdir("serve-trunk-kam-register")
    pki = h.make_pki(wd)
    dom = domain_cert(wd, pki, "example.test")
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
sources = ["127.0.0.9"]
register = true
register_expires = 300
contact_user = "+15550001"
pai = "sip:+15559999@example.test"
''')
        s = Serve(wd, args=["--config", wd.file("office.toml"), "--cert", pki["cert"], "--key", pki["key"],
                            "--ca-file", pki["ca"]], log="office.log")
        s.sotto("user", "add", "alice", "--password", PW["alice"])
        s.wait_log("trunk carrier: registered at sips:example.test:%d;maddr=127.0.0.1 as acme (expires 300 s) over TLS"
                   % kam.tls_port, 20)
        contacts = kam.contacts("acme")
        assert len(contacts) == 1 and contacts[0].startswith(f"sips:+15550001@127.0.0.1:{s.tls_port}"), contacts
        klog = open(kam.log_path, errors="replace").read()
        reg_ports = set(kamailio_source_ports(klog, "REGISTER sips:example.test"))
        assert len(reg_ports) == 1, klog[-3000:]
        print(f"  Kamailio's binding for acme: {contacts[0]} (REGISTER from port {min(reg_ports)})", flush=True)
        carol_args = tls_args(pki) + ["--account", "sips:15550002@example.test", "--password", PW["15550002"],
                                      "--proxy", f"sips:127.0.0.1:{kam.tls_port}"]
        alice_args = ["--account", "sips:alice@localhost", "--password", PW["alice"],
                      "--proxy", f"sips:127.0.0.1:{s.tls_port}", "--ca-file", pki["ca"]]
        for direction in ("in", "out"):
            h.make_noise_wav(wd.file(f"{direction}-a.wav"), 1)
            h.make_noise_wav(wd.file(f"{direction}-b.wav"), 2)
            if direction == "in":
                callee_args, caller_args, target = alice_args, carol_args, "sips:acme@example.test"
            else:
                callee_args, caller_args, target = carol_args, alice_args, "sips:015550002@localhost"
            callee = wd.spawn([h.sotto_bin(), "phone", *callee_args, "--play", wd.file(f"{direction}-b.wav"), "--record",
                               wd.file(f"{direction}-callee.wav"), "--sip-trace", "--json", "listen", "--auto-answer"],
                              f"{direction}-callee.log")
            wait_for(log_has(wd, f"{direction}-callee.log", "waiting for a call"), 15, "the callee's registration")
            caller = wd.spawn([h.sotto_bin(), "phone", *caller_args, "--play", wd.file(f"{direction}-a.wav"), "--record",
                               wd.file(f"{direction}-caller.wav"), "--duration", "4", "--json", "call", target],
                              f"{direction}-caller.log")
            rep, rc = report_of(wd, f"{direction}-caller.log", caller)
            brep, brc = report_of(wd, f"{direction}-callee.log", callee)
            time.sleep(0.5)
            assert rc == 0 and brc == 0, (rep, brep, s.log()[-2000:])
            ca = check_audio(wd.file(f"{direction}-a.wav"), wd.file(f"{direction}-callee.wav"), f"{direction}: caller -> callee")
            cb = check_audio(wd.file(f"{direction}-b.wav"), wd.file(f"{direction}-caller.wav"), f"{direction}: callee -> caller")
            print(f"  {direction}: correlation {ca['peak']:.2f} / {cb['peak']:.2f}", flush=True)
            if direction == "out":
                # pai: Kamailio relays the office's P-Asserted-Identity with alice's own number to the callee.
                clog = open(wd.file("out-callee.log"), errors="replace").read()
                assert "P-Asserted-Identity: <sip:+15550001@example.test>" in clog, clog[-3000:]
        calls = sorted(json.loads(s.sotto("calls", "--json").stdout)["calls"], key=lambda c: c["started"])
        assert [[(l["side"], l["peer"]) for l in c["legs"]] for c in calls] == [
            [("caller", "trunk:carrier"), ("callee", "alice")], [("caller", "alice"), ("callee", "trunk:carrier")]], calls
        for c in calls:
            assert c["result"] == "answered" and c["verdict"] == "secure", c
        # Inbound came from Kamailio's side of the registered connection; outbound left on it.
        assert calls[0]["legs"][0]["address"] == f"127.0.0.1:{kam.tls_port}", calls[0]["legs"][0]
        klog = open(kam.log_path, errors="replace").read()
        invite_ports = set(kamailio_source_ports(klog, "INVITE sips:15550002@example.test"))
        assert invite_ports == reg_ports, (invite_ports, reg_ports)
        print(f"  outbound INVITEs from port(s) {sorted(invite_ports)} = the REGISTER's connection", flush=True)
        assert s.stop() == 0
        assert "trunk carrier: unregistered" in s.log(), s.log()[-2000:]
        assert kam.contacts("acme") == [], kam.contacts("acme")
        print("  SIGTERM: unregistered; Kamailio has no contact for acme", flush=True)
    finally:
        if s is not None and s.proc.poll() is None:
            s.stop()
        if kam is not None:
            kam.stop()
        wd.cleanup()


SCENARIOS = [alice_calls_a_number_behind_kamailio_through_the_trunk, number_behind_kamailio_calls_alice_through_the_trunk,
             office_registers_at_kamailio_and_calls_come_down_that_connection]

if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS))
