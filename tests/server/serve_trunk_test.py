#!/usr/bin/env python3
"""Trunks end to end: two `sotto serve` on loopback, "office" (A) with a [[trunk]] to "carrier" (B).

B plays the carrier: its account "acme" is A's trunk username/password (B challenges A's INVITEs with
407 and A answers with them), its user "15550002" is reached by number, and its own [[trunk]] back to A
(prefix "9") delivers calls to A's number +15550001, which A's trunk maps to alice.

- outbound: alice (at A) dials 015550002 -> A strips the prefix "0", calls B as acme (digest), B rings
  15550002; audio checked both ways by correlation;
- inbound: 15550002 (at B) dials 9+15550001 -> B's trunk -> A identifies its carrier by source address and
  the number, rings alice; audio checked both ways;
- `sotto calls --json` on both servers: every leg TLS with SRTP, the trunk legs named trunk:<name>;
- no toll fraud: an INVITE to the trunk number from an address that is not the carrier's gets 407;
- the policy matrix at a trunk: an RTP-only trunk (srtp = "off") is bridged to alice's SRTP leg (verdict
  `partial`, audio checked), and an SRTP-requiring trunk towards an RTP-only carrier gives 503 cause 88.

  flock /tmp/sotto-interop.lock tests/server/serve_trunk_test.py [-k NAME]   # SOTTO_BUILD_DIR=build/default
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "interop"))
import harness as h  # noqa: E402
from harness import log_has, wait_for  # noqa: E402
from phone_interop_test import check_audio, report_of, run_scenarios  # noqa: E402
from serve_harness import Serve  # noqa: E402

PW = {"alice": "alice-secret", "acme": "acme-secret", "15550002": "carol-secret"}


def phone(wd, pki, port, user, log, args):
    return wd.spawn([h.sotto_bin(), "phone", "--account", f"sips:{user}@localhost", "--password", PW[user],
                     "--proxy", f"sips:127.0.0.1:{port}", "--ca-file", pki["ca"], *args], log)


def calls_json(s):
    return json.loads(s.sotto("calls", "--json").stdout)["calls"]


def start_pair(wd, pki, office_srtp="require", carrier_srtp="require"):
    port_a, port_b = h.free_port(), h.free_port()
    while port_b == port_a:
        port_b = h.free_port()
    with open(wd.file("office.toml"), "w") as f:
        f.write(f'''[[trunk]]
name = "carrier"
uri = "sips:127.0.0.1:{port_b}"
username = "acme"
password = "{PW['acme']}"
srtp = "{office_srtp}"
prefix = "0"
numbers = {{ "+15550001" = "alice" }}
register = false
''')
    with open(wd.file("carrier.toml"), "w") as f:
        f.write(f'''[[trunk]]
name = "office"
uri = "sips:127.0.0.1:{port_a}"
srtp = "{carrier_srtp}"
prefix = "9"
''')
    tls = ["--cert", pki["cert"], "--key", pki["key"], "--ca-file", pki["ca"]]
    b = Serve(wd, args=["--config", wd.file("carrier.toml"), *tls], data_dir=wd.file("carrier-data"), tls_port=port_b,
              log="carrier.log")
    a = Serve(wd, args=["--config", wd.file("office.toml"), *tls], data_dir=wd.file("office-data"), tls_port=port_a,
              log="office.log")
    a.sotto("user", "add", "alice", "--password", PW["alice"])
    b.sotto("user", "add", "acme", "--password", PW["acme"])
    b.sotto("user", "add", "15550002", "--password", PW["15550002"])
    assert "trunk carrier: sips:127.0.0.1:%d (srtp %s), prefix '0', 1 number(s), inbound from 127.0.0.1" % (
        port_b, office_srtp) in a.log(), a.log()
    return a, b


def check_records(s, caller, callee):
    calls = calls_json(s)
    assert len(calls) == 1, calls
    c = calls[0]
    assert c["result"] == "answered" and c["status"] == 200 and c["verdict"] == "secure", c
    assert [(l["side"], l["peer"]) for l in c["legs"]] == [("caller", caller), ("callee", callee)], c
    for leg in c["legs"]:
        assert leg["transport"] == "TLS" and leg["tls_version"] in ("TLSv1.3", "TLSv1.2"), leg
        assert leg["srtp_suite"], leg
        assert leg["packets_in"] > 100 and leg["packets_out"] > 100 and leg["auth_failures"] == 0, leg
    return c


def call_through_trunk(direction):
    wd = h.Workdir(f"serve-trunk-{direction}")
    pki = h.make_pki(wd)
    h.make_noise_wav(wd.file("a.wav"), 1)
    h.make_noise_wav(wd.file("b.wav"), 2)
    a = b = None
    try:
        a, b = start_pair(wd, pki)
        if direction == "out":
            callee = phone(wd, pki, b.tls_port, "15550002", "callee.log",
                           ["--play", wd.file("b.wav"), "--record", wd.file("callee.wav"), "--json", "listen", "--auto-answer"])
            caller_args = (a.tls_port, "alice", "sips:015550002@localhost")
        else:
            callee = phone(wd, pki, a.tls_port, "alice", "callee.log",
                           ["--play", wd.file("b.wav"), "--record", wd.file("callee.wav"), "--json", "listen", "--auto-answer"])
            caller_args = (b.tls_port, "15550002", "sips:9+15550001@localhost")
        wait_for(log_has(wd, "callee.log", "waiting for a call"), 15, "the callee's registration")
        port, user, target = caller_args
        caller = phone(wd, pki, port, user, "caller.log", ["--play", wd.file("a.wav"), "--record", wd.file("caller.wav"),
                                                         "--duration", "4", "--sip-trace", "--json", "call", target])
        rep, rc = report_of(wd, "caller.log", caller)
        brep, brc = report_of(wd, "callee.log", callee)
        time.sleep(0.5)
        assert rc == 0 and brc == 0, (rep, brep, a.log()[-2000:], b.log()[-2000:])
        for r in (rep, brep):
            assert r["transport"] == "TLS" and r["srtp_suite"] and r["auth_failures"] == 0, r
        ca = check_audio(wd.file("a.wav"), wd.file("callee.wav"), f"{direction}: caller -> trunk -> callee")
        cb = check_audio(wd.file("b.wav"), wd.file("caller.wav"), f"{direction}: callee -> trunk -> caller")
        print(f"  {direction}: correlation caller->callee {ca['peak']:.2f}, callee->caller {cb['peak']:.2f}", flush=True)
        if direction == "out":
            ra = check_records(a, "alice", "trunk:carrier")
            rb = check_records(b, "acme", "15550002")
            # The carrier challenged A (407) and A answered as acme: B's caller is the trunk account.
            assert "015550002" in ra["to"] and "15550002@" in rb["to"], (ra, rb)
        else:
            ra = check_records(a, "trunk:carrier", "alice")
            rb = check_records(b, "15550002", "trunk:office")
            assert "+15550001@" in ra["to"], ra
        for s, r in (("office", ra), ("carrier", rb)):
            print(f"  {s}: " + "; ".join(f"{l['side']} {l['peer']} {l['transport']} {l['tls_version']} {l['srtp_suite']}"
                                          for l in r["legs"]), flush=True)
        assert a.stop() == 0 and b.stop() == 0
    finally:
        for s in (a, b):
            if s is not None and s.proc.poll() is None:
                s.stop()
        wd.cleanup()


def alice_calls_a_carrier_number_through_the_trunk_with_digest():
    call_through_trunk("out")


def carrier_number_call_reaches_alice_through_the_trunk():
    call_through_trunk("in")


def invite_to_a_trunk_number_from_another_address_is_challenged_not_rung():
    """No toll fraud: with the carrier at 127.0.0.2, a plain TLS INVITE from 127.0.0.1 to the trunk's number
    (and one to the outbound prefix) gets 407 like any unauthenticated request, and alice's phone never rings."""
    wd = h.Workdir("serve-trunk-fraud")
    pki = h.make_pki(wd)
    s = None
    try:
        with open(wd.file("office.toml"), "w") as f:
            f.write('[[trunk]]\nname = "carrier"\nuri = "sips:127.0.0.2:5999"\nusername = "acme"\npassword = "x"\n'
                    'prefix = "0"\nnumbers = { "+15550001" = "alice" }\n')
        s = Serve(wd, args=["--config", wd.file("office.toml"), "--cert", pki["cert"], "--key", pki["key"],
                            "--ca-file", pki["ca"]], log="office.log")
        assert "inbound from 127.0.0.2" in s.log(), s.log()
        s.sotto("user", "add", "alice", "--password", PW["alice"])
        alice = phone(wd, pki, s.tls_port, "alice", "alice.log", ["--json", "listen", "--auto-answer"])
        wait_for(log_has(wd, "alice.log", "waiting for a call"), 15, "alice's registration")
        sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               "m=audio 45000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 "
               "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n")
        import serve_harness as sh
        for ruri in ("sips:+15550001@127.0.0.1", "sips:015550002@127.0.0.1"):
            with sh.tls_connect(s.tls_port, pki["ca"]) as sock:
                resp = sh.stream_exchange(sock, sh.request("INVITE", ruri, transport="tls", from_user="mallory",
                                                           extra="Contact: <sips:mallory@127.0.0.1:5999>\r\n"
                                                                 "Content-Type: application/sdp\r\n", body=sdp))
            assert sh.status_line(resp) == "SIP/2.0 407 Proxy Authentication Required", resp
            print(f"  INVITE {ruri} from 127.0.0.1: {sh.status_line(resp)}", flush=True)
        time.sleep(1)
        assert "incoming call" not in open(wd.file("alice.log")).read().lower()
        assert calls_json(s) == [], calls_json(s)
        alice.send_signal(2)
        alice.wait(timeout=10)
        assert s.stop() == 0
    finally:
        if s is not None and s.proc.poll() is None:
            s.stop()
        wd.cleanup()


def rtp_only_trunk_is_bridged_only_where_the_trunk_policy_allows():
    """The policy matrix at a trunk. (1) office's trunk says srtp = "off" (a carrier doing plain RTP) and the
    carrier answers RTP/AVP: alice's leg keeps SRTP (her account requires it), the trunk leg is plain RTP,
    the relay bridges them with audio both ways, and the record says `partial` naming the trunk leg.
    (2) office's trunk says srtp = "require" but the carrier only does plain RTP: alice gets
    503 with Reason Q.850 cause 88 (incompatible destination), nothing rings, the record says failed."""
    wd = h.Workdir("serve-trunk-rtp-only")
    pki = h.make_pki(wd)
    h.make_noise_wav(wd.file("a.wav"), 1)
    h.make_noise_wav(wd.file("b.wav"), 2)
    a = b = None
    try:
        a, b = start_pair(wd, pki, office_srtp="off", carrier_srtp="off")
        # At the carrier, office's calls arrive as its account acme: that account does plain RTP.
        b.sotto("user", "remove", "acme")
        b.sotto("user", "add", "acme", "--password", PW["acme"], "--srtp", "off")
        b.sotto("user", "add", "15550003", "--password", "dave-secret", "--srtp", "off")
        PW["15550003"] = "dave-secret"
        callee = phone(wd, pki, b.tls_port, "15550003", "callee.log",
                       ["--srtp", "off", "--play", wd.file("b.wav"), "--record", wd.file("callee.wav"), "--json",
                        "listen", "--auto-answer"])
        wait_for(log_has(wd, "callee.log", "waiting for a call"), 15, "the callee's registration")
        caller = phone(wd, pki, a.tls_port, "alice", "caller.log",
                       ["--play", wd.file("a.wav"), "--record", wd.file("caller.wav"), "--duration", "4", "--json",
                        "call", "sips:015550003@localhost"])
        rep, rc = report_of(wd, "caller.log", caller)
        brep, brc = report_of(wd, "callee.log", callee)
        time.sleep(0.5)
        assert rc == 0 and brc == 0, (rep, brep, a.log()[-2000:], b.log()[-2000:])
        assert rep["srtp_suite"] and rep["auth_failures"] == 0, rep     # alice: SRTP (require)
        assert brep["srtp_suite"] is None, brep                          # behind the RTP-only trunk: plain RTP
        ca = check_audio(wd.file("a.wav"), wd.file("callee.wav"), "rtp-only trunk: alice -> carrier")
        cb = check_audio(wd.file("b.wav"), wd.file("caller.wav"), "rtp-only trunk: carrier -> alice")
        print(f"  srtp=off trunk: correlation {ca['peak']:.2f} / {cb['peak']:.2f}", flush=True)
        c = calls_json(a)
        assert len(c) == 1, c
        c = c[0]
        assert c["result"] == "answered" and c["verdict"] == "partial", c
        legs = {l["side"]: l for l in c["legs"]}
        assert legs["caller"]["srtp_suite"] and legs["callee"]["srtp_suite"] is None, c
        assert legs["callee"]["peer"] == "trunk:carrier", c
        assert any("rtp-unencrypted" in r and "callee" in r for r in c["reasons"]), c["reasons"]
        print(f"  office record: verdict {c['verdict']}; reasons {c['reasons']}", flush=True)
        assert a.stop() == 0
        a = None

        # (2) The same carrier, but office's trunk now requires SRTP.
        port_a = h.free_port()
        with open(wd.file("office2.toml"), "w") as f:
            f.write(open(wd.file("office.toml")).read().replace('srtp = "off"', 'srtp = "require"'))
        tls = ["--cert", pki["cert"], "--key", pki["key"], "--ca-file", pki["ca"]]
        a = Serve(wd, args=["--config", wd.file("office2.toml"), *tls], data_dir=wd.file("office-data"),
                  tls_port=port_a, log="office2.log")
        # A plain-RTP phone is registered at the carrier again (the first one answered its one call).
        callee = phone(wd, pki, b.tls_port, "15550003", "callee2.log",
                       ["--srtp", "off", "--json", "listen", "--auto-answer"])
        wait_for(log_has(wd, "callee2.log", "waiting for a call"), 15, "the second callee's registration")
        caller = phone(wd, pki, a.tls_port, "alice", "caller2.log",
                       ["--sip-trace", "--json", "call", "sips:015550003@localhost"])
        rep, rc = report_of(wd, "caller2.log", caller)
        trace = open(wd.file("caller2.log"), errors="replace").read()
        assert rc != 0 and rep["status"] == 503, (rep, a.log()[-2000:])
        assert "cause=88" in trace, trace[-3000:]
        c = [x for x in calls_json(a) if x["result"] != "answered"]  # the data dir also holds call (1)
        assert len(c) == 1 and c[0]["result"] == "failed" and c[0]["status"] == 503, c
        assert c[0]["end_reason"].startswith("Incompatible destination"), c
        time.sleep(0.5)
        assert "incoming call" not in open(wd.file("callee2.log"), errors="replace").read(), "the RTP-only callee rang"
        print(f"  srtp=require trunk to an RTP-only carrier: {rep['status']} {rep['reason_phrase']}, cause 88, "
              "nothing rang", flush=True)
        assert a.stop() == 0
        callee.send_signal(2)
        callee.wait(timeout=10)
    finally:
        for s in (a, b):
            if s is not None and s.proc.poll() is None:
                s.stop()
        wd.cleanup()


SCENARIOS = [
    alice_calls_a_carrier_number_through_the_trunk_with_digest,
    carrier_number_call_reaches_alice_through_the_trunk,
    invite_to_a_trunk_number_from_another_address_is_challenged_not_rung,
    rtp_only_trunk_is_bridged_only_where_the_trunk_policy_allows,
]

if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS))
