#!/usr/bin/env python3
"""Calls through `sotto serve` end to end, audio checked by correlation both ways:

- two `sotto phone` instances register over TLS and call each other; `sotto calls --json` shows both legs TLS
  with SRTP and the verdict secure; a tshark capture on the server's own ports shows no cleartext SIP and
  SRTP on both legs, with different ciphertext on the two legs for the same audio (re-encrypted, not
  forwarded);
- the same with two baresip 1.0 phones (TLS, mandatory SRTP, accounts from `sotto provision baresip`);
- policy: an INVITE without crypto from a require-account gets 488 with a Warning, and nothing is relayed.

  flock /tmp/sotto-interop.lock tests/server/serve_calls_test.py [-k NAME]   # SOTTO_BUILD_DIR=build/default
"""
import json
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "interop"))
import harness as h  # noqa: E402
from harness import log_has, wait_for  # noqa: E402
from phone_interop_test import check_audio, need, report_of, run_scenarios  # noqa: E402
from serve_harness import Serve  # noqa: E402

USERS = {"alice": "alice-secret", "bob": "bob-secret"}


def start_server(tag, args=(), realm=None):
    wd = h.Workdir(tag)
    h.make_noise_wav(wd.file("a.wav"), 1)
    h.make_noise_wav(wd.file("b.wav"), 2)
    s = Serve(wd, args=tuple(args) + (("--realm", realm) if realm else ()))
    for user, pw in USERS.items():
        s.sotto("user", "add", user, "--password", pw, *(("--realm", realm) if realm else ()))
    return wd, s


def phone(wd, s, user, log, args):
    return wd.spawn([h.sotto_bin(), "phone", "--account", f"sips:{user}@localhost", "--password", USERS[user],
                     "--proxy", f"sips:127.0.0.1:{s.tls_port}", "--ca-file", s.ca, *args], log)


def calls_json(s):
    r = s.sotto("calls", "--json")
    return json.loads(r.stdout)


def m_port(msgs, direction, start_re, cseq="INVITE"):
    """The m=audio port of the first message sent/received whose start line matches."""
    for m in msgs:
        if m["dir"] == direction and re.match(start_re, m["start"]) and m["cseq_method"] == cseq:
            for line in m["body"]:
                mm = re.match(r"^m=audio (\d+) ", line)
                if mm:
                    return int(mm.group(1))
    raise AssertionError(f"no m=audio in a {direction} '{start_re}'")


def udp_payloads(capture, src_port, dst_port):
    """RTP payloads (after the fixed 12-byte header and CSRCs) of UDP packets src_port -> dst_port, by
    (SSRC, sequence number)."""
    out = subprocess.run(["tshark", "-n", "-r", capture, "-Y", f"udp.srcport == {src_port} && udp.dstport == {dst_port}",
                          "-T", "fields", "-e", "udp.payload"], check=True, capture_output=True, text=True).stdout
    packets = {}
    for line in out.splitlines():
        data = bytes.fromhex(line.strip().replace(":", ""))
        if len(data) < 13 or data[0] >> 6 != 2 or 72 <= (data[1] & 0x7F) <= 76:
            continue  # not RTP (RTCP)
        seq = int.from_bytes(data[2:4], "big")
        ssrc = int.from_bytes(data[8:12], "big")
        packets[(ssrc, seq)] = data[12 + 4 * (data[0] & 0x0F):]
    return packets


def check_record(s, want_suite_prefix=""):
    doc = calls_json(s)
    calls = doc["calls"]
    assert len(calls) == 1, doc
    c = calls[0]
    assert c["result"] == "answered" and c["status"] == 200 and c["verdict"] == "secure", c
    assert c["from"].startswith("sip") and "alice@" in c["from"] and "bob@" in c["to"], c
    assert len(c["legs"]) == 2, c
    for leg in c["legs"]:
        assert leg["transport"] == "TLS" and leg["tls_version"] in ("TLSv1.3", "TLSv1.2"), leg
        assert leg["srtp_suite"] and leg["srtp_suite"].startswith(want_suite_prefix), leg
        assert leg["packets_in"] > 100 and leg["packets_out"] > 100 and leg["auth_failures"] == 0, leg
    return c


# ------------------------------------------------------------------------------------------------

def http_get(port, path):
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def metric(text, series):
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    raise AssertionError(f"no {series} in /metrics:\n{text}")


def two_sotto_phones_call_through_serve_with_media_reencrypted_per_leg():
    need("tshark")
    http = h.free_port()
    wd, s = start_server("serve-call", ["--http", f"127.0.0.1:{http}"])
    try:
        cap = h.Capture(wd, f"host 127.0.0.1 and (tcp port {s.tls_port} or udp portrange {s.rtp_ports[0]}-{s.rtp_ports[1]})")
        bob = phone(wd, s, "bob", "bob.log", ["--play", wd.file("b.wav"), "--record", wd.file("bob.wav"), "--sip-trace",
                                              "--json", "listen", "--auto-answer"])
        wait_for(log_has(wd, "bob.log", "waiting for a call"), 15, "bob's registration")
        alice = phone(wd, s, "alice", "alice.log", ["--play", wd.file("a.wav"), "--record", wd.file("alice.wav"),
                                                    "--duration", "4", "--sip-trace", "--json", "call", "sips:bob@localhost"])
        rep, rc = report_of(wd, "alice.log", alice)
        brep, brc = report_of(wd, "bob.log", bob)
        time.sleep(0.5)
        cap.stop()
        assert rc == 0 and brc == 0, (rep, brep)
        for r in (rep, brep):
            assert r["transport"] == "TLS" and r["srtp_suite"] == "AES_CM_128_HMAC_SHA1_80" and r["auth_failures"] == 0, r
        check_audio(wd.file("a.wav"), wd.file("bob.wav"), "alice -> serve -> bob")
        check_audio(wd.file("b.wav"), wd.file("alice.wav"), "bob -> serve -> alice")
        c = check_record(s, "AES_CM_128_HMAC_SHA1_80")
        assert [(l["side"], l["peer"]) for l in c["legs"]] == [("caller", "alice"), ("callee", "bob")], c

        # The wire: learn the four media ports from the SDP each phone sent and received.
        am, bm = h.sip_trace_messages(wd.file("alice.log")), h.sip_trace_messages(wd.file("bob.log"))
        alice_rtp = m_port(am, "sent", r"^INVITE ")
        relay_a = m_port(am, "received", r"^SIP/2\.0 200 ")
        relay_b = m_port(bm, "received", r"^INVITE ")
        bob_rtp = m_port(bm, "sent", r"^SIP/2\.0 200 ")
        assert s.rtp_ports[0] <= relay_a <= s.rtp_ports[1] and s.rtp_ports[0] <= relay_b <= s.rtp_ports[1], (relay_a, relay_b)
        assert relay_a != relay_b, "one relay port pair per side"
        # The admin API and the metrics say the same.
        st, body = http_get(http, "/api/calls")
        assert st == 200 and json.loads(body)["calls"] == calls_json(s)["calls"], body
        st, body = http_get(http, "/metrics")
        assert st == 200, body
        assert metric(body, 'sotto_calls_total{result="answered"}') == 1, body
        assert metric(body, 'sotto_calls_by_verdict_total{verdict="secure"}') == 1, body
        assert metric(body, "sotto_srtp_auth_failures_total") == 0 and metric(body, 'sotto_relay_packets_total{direction="in"}') > 400, body
        assert metric(body, 'sotto_registrations_total{result="ok"}') >= 2, body
        ports = [p + d for p in (alice_rtp, relay_a, relay_b, bob_rtp) for d in (0, 1)]
        w = h.wire_check(cap.file, s.tls_port, ports)
        assert w["sip_packets"] > 0 and w["cleartext_sip_packets"] == 0, w
        assert w["rtp_packets"] > 600 and w["media_looks_encrypted"], w
        # The same audio on the two legs: alice -> relay (leg A) and relay -> bob (leg B), and back.
        for src, into, out_of, dst, what in ((alice_rtp, relay_a, relay_b, bob_rtp, "alice -> bob"),
                                             (bob_rtp, relay_b, relay_a, alice_rtp, "bob -> alice")):
            leg_in = udp_payloads(cap.file, src, into)
            leg_out = udp_payloads(cap.file, out_of, dst)
            assert len(leg_in) > 150 and len(leg_out) > 150, (what, len(leg_in), len(leg_out))
            same = set(leg_in.values()) & set(leg_out.values())
            assert not same, f"{what}: {len(same)} identical SRTP payloads on both legs (forwarded, not re-encrypted)"
            paired = [k for k in leg_in if k in leg_out]
            print(f"  {what}: {len(leg_in)} packets in, {len(leg_out)} out, {len(paired)} with the same SSRC+seq, "
                  f"0 identical payloads", flush=True)
        assert s.stop() == 0
    finally:
        wd.cleanup()


def udp_flows(capture):
    """{(src_port, dst_port): {(ssrc, seq): payload}} for the RTP packets in the capture."""
    out = subprocess.run(["tshark", "-n", "-r", capture, "-Y", "udp", "-T", "fields", "-e", "udp.srcport", "-e",
                          "udp.dstport", "-e", "udp.payload"], check=True, capture_output=True, text=True).stdout
    flows = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2]:
            continue
        data = bytes.fromhex(parts[2].replace(":", ""))
        if len(data) < 13 or data[0] >> 6 != 2 or 72 <= (data[1] & 0x7F) <= 76:
            continue
        key = (int(parts[0]), int(parts[1]))
        seq = int.from_bytes(data[2:4], "big")
        ssrc = int.from_bytes(data[8:12], "big")
        flows.setdefault(key, {})[(ssrc, seq)] = data[12 + 4 * (data[0] & 0x0F):]
    return flows


def two_baresip_phones_call_through_serve_with_provisioned_accounts():
    need("baresip")
    need("tshark")
    wd, s = start_server("serve-baresip")
    phones = []
    try:
        lo, hi = s.rtp_ports
        cap = h.Capture(wd, f"host 127.0.0.1 and (tcp port {s.tls_port} or udp portrange {lo}-{hi})")
        pki = h.make_pki(wd)  # baresip's own listener certificate (unused: calls come down its registration)
        pki["ca"] = s.ca
        for user, wav in (("alice", "a.wav"), ("bob", "b.wav")):
            line = [l for l in s.sotto("provision", "baresip", user, "--password", USERS[user], "--server",
                                       f"127.0.0.1:{s.tls_port}").stdout.splitlines() if l.startswith("<sip:")][0]
            phones.append(h.Baresip(wd, user, pki, wd.file(wav), account=line + ";answermode=auto;audio_codecs=pcmu"))
        alice, bob = phones
        wait_for(lambda: s.log().count("registered ") >= 2, 15, "both baresip registrations")
        alice.command_ok("dial", "sip:bob@localhost")
        wait_for(lambda: "answered" in s.log(), 15, "the call to be answered")
        time.sleep(4)
        alice.command_ok("hangup")
        wait_for(lambda: "ended, answered 200" in s.log(), 10, "the call's end")
        time.sleep(0.5)
        cap.stop()
        check_audio(wd.file("a.wav"), bob.decoded_recording(), "baresip alice -> serve -> baresip bob")
        check_audio(wd.file("b.wav"), alice.decoded_recording(), "baresip bob -> serve -> baresip alice")
        check_record(s, "AES_CM_128_HMAC_SHA1_80")
        flows = udp_flows(cap.file)
        ports = sorted({p for k in flows for p in k})
        w = h.wire_check(cap.file, s.tls_port, ports)
        assert w["sip_packets"] > 0 and w["cleartext_sip_packets"] == 0, w
        assert w["rtp_packets"] > 600 and w["media_looks_encrypted"], w
        into = {k: v for k, v in flows.items() if lo <= k[1] <= hi and not lo <= k[0] <= hi and len(v) > 100}
        out_of = {k: v for k, v in flows.items() if lo <= k[0] <= hi and not lo <= k[1] <= hi and len(v) > 100}
        assert len(into) == 2 and len(out_of) == 2, (list(into), list(out_of))
        for ki, vi in into.items():
            for ko, vo in out_of.items():
                if ki[1] == ko[0]:
                    continue  # the same relay side: that is the other direction of the same leg
                same = set(vi.values()) & set(vo.values())
                assert not same, f"{ki} -> {ko}: {len(same)} identical SRTP payloads (forwarded, not re-encrypted)"
                print(f"  {ki[0]}->{ki[1]} then {ko[0]}->{ko[1]}: {len(vi)} / {len(vo)} packets, 0 identical payloads",
                      flush=True)
        assert s.stop() == 0
    finally:
        for p in phones:
            p.stop()
        wd.cleanup()


def sotto_phone_calls_linphone_down_the_connection_it_registered_over():
    """linphone never accepts inbound TLS (PEERS.md): the server must send the INVITE, ACK and BYE down the
    connection linphone registered over (RFC 5626 flow). Realm = domain here, as the harness's linphonerc
    puts the domain in [auth_info_0] realm."""
    need("linphonec")
    wd, s = start_server("serve-linphone", realm="localhost")
    lp = None
    try:
        pki = {"ca": s.ca}
        lp = h.Linphone(wd, pki, wd.file("b.wav"), wd.file("linphone.wav"),
                        register={"user": "bob", "password": USERS["bob"], "domain": "localhost", "proxy_port": s.tls_port})
        wait_for(lambda: "registered bob" in s.log(), 20, "linphone's registration")
        alice = phone(wd, s, "alice", "alice.log", ["--play", wd.file("a.wav"), "--record", wd.file("alice.wav"),
                                                    "--duration", "4", "--json", "call", "sips:bob@localhost"])
        rep, rc = report_of(wd, "alice.log", alice)
        assert rc == 0 and rep["transport"] == "TLS" and rep["srtp_suite"], rep
        check_audio(wd.file("b.wav"), wd.file("alice.wav"), "linphone -> serve -> sotto phone")
        lp.stop()
        h.check_linphone_recording(wd.file("a.wav"), wd.file("b.wav"), wd.file("linphone.wav"),
                                   "sotto phone -> serve -> linphone")
        c = calls_json(s)["calls"]
        assert len(c) == 1 and c[0]["result"] == "answered" and c[0]["verdict"] == "secure", c
        callee = c[0]["legs"][1]
        assert callee["tls_version"] == "TLSv1.2" and callee["srtp_suite"], callee  # linphone speaks TLS 1.2 only
        assert s.stop() == 0
    finally:
        if lp:
            lp.stop()
        wd.cleanup()


def sighup_during_a_call_keeps_the_call_and_its_audio():
    wd, s = start_server("serve-hup-call")
    try:
        bob = phone(wd, s, "bob", "bob.log", ["--play", wd.file("b.wav"), "--record", wd.file("bob.wav"), "--json",
                                              "listen", "--auto-answer"])
        wait_for(log_has(wd, "bob.log", "waiting for a call"), 15, "bob's registration")
        alice = phone(wd, s, "alice", "alice.log", ["--play", wd.file("a.wav"), "--record", wd.file("alice.wav"),
                                                    "--duration", "5", "--json", "call", "sips:bob@localhost"])
        wait_for(lambda: "answered" in s.log(), 15, "the call to be answered")
        time.sleep(1)
        s.proc.send_signal(1)  # SIGHUP
        s.wait_log("SIGHUP: reloaded certificate", 5)
        rep, rc = report_of(wd, "alice.log", alice)
        brep, brc = report_of(wd, "bob.log", bob)
        assert rc == 0 and brc == 0 and rep["duration_s"] > 4.5, (rep, brep)
        check_audio(wd.file("a.wav"), wd.file("bob.wav"), "alice -> bob across a SIGHUP")
        check_audio(wd.file("b.wav"), wd.file("alice.wav"), "bob -> alice across a SIGHUP")
        c = calls_json(s)["calls"]
        assert len(c) == 1 and c[0]["result"] == "answered" and c[0]["verdict"] == "secure", c
        assert s.stop() == 0
    finally:
        wd.cleanup()


def sigterm_during_a_call_drains_ends_the_call_and_writes_its_record():
    http = h.free_port()
    wd, s = start_server("serve-drain", ["--drain-timeout", "2", "--http", f"127.0.0.1:{http}"])
    try:
        bob = phone(wd, s, "bob", "bob.log", ["--play", wd.file("b.wav"), "--json", "listen", "--auto-answer"])
        wait_for(log_has(wd, "bob.log", "waiting for a call"), 15, "bob's registration")
        alice = phone(wd, s, "alice", "alice.log", ["--play", wd.file("a.wav"), "--duration", "30", "--json", "call",
                                                    "sips:bob@localhost"])
        wait_for(lambda: "answered" in s.log(), 15, "the call to be answered")
        time.sleep(1)
        t0 = time.time()
        s.proc.send_signal(15)
        s.wait_log("call(s) may run for 2 s more", 5)
        st, body = http_get(http, "/api/health")
        assert st == 503 and json.loads(body)["status"] == "draining", (st, body)
        # A new connection is refused while draining.
        try:
            socket.create_connection(("127.0.0.1", s.tls_port), timeout=2).close()
            refused = False
        except OSError:
            refused = True
        assert refused, "the TLS listener must be closed while draining"
        rc = s.proc.wait(timeout=15)
        took = time.time() - t0
        assert rc == 0, (rc, s.log())
        assert 1.5 < took < 6, f"drained in {took:.1f} s with --drain-timeout 2"
        rep, arc = report_of(wd, "alice.log", alice)
        brep, brc = report_of(wd, "bob.log", bob)
        # Both phones got a BYE from the server: the call ended well before alice's --duration 30.
        assert rep["duration_s"] < 15 and brep["duration_s"] < 15, (rep, brep)
        assert "BYE received" in open(wd.file("alice.log")).read(), open(wd.file("alice.log")).read()
        assert "BYE received" in open(wd.file("bob.log")).read(), open(wd.file("bob.log")).read()
        c = calls_json(s)["calls"]
        assert len(c) == 1 and c[0]["result"] == "answered" and c[0]["status"] == 200 and c[0]["verdict"] == "secure", c
        assert "drain timeout: ending the remaining calls" in s.log() and s.log().rstrip().endswith("stopped"), s.log()
    finally:
        wd.cleanup()


def invite_without_crypto_from_a_require_account_gets_488_with_warning():
    wd, s = start_server("serve-488")
    try:
        bob = phone(wd, s, "bob", "bob.log", ["--json", "listen", "--auto-answer"])
        wait_for(log_has(wd, "bob.log", "waiting for a call"), 15, "bob's registration")
        alice = phone(wd, s, "alice", "alice.log", ["--srtp", "off", "--duration", "2", "--timeout", "10", "--sip-trace",
                                                    "--json", "call", "sips:bob@localhost"])
        rep, rc = report_of(wd, "alice.log", alice)
        assert rc != 0 and rep["status"] == 488, rep
        finals = [m for m in h.sip_trace_messages(wd.file("alice.log"))
                  if m["dir"] == "received" and m["cseq_method"] == "INVITE" and m["status"] and m["status"] >= 200]
        assert finals and finals[-1]["start"] == "SIP/2.0 488 Not Acceptable Here", finals
        log = open(wd.file("alice.log")).read()
        assert re.search(r"(?m)^Warning: 3\d\d ", log), "a Warning header must name what is missing"
        assert rep["warning"], rep
        # bob's phone was never called.
        assert "incoming call" not in open(wd.file("bob.log")).read().lower()
        bob.send_signal(2)
        bob.wait(timeout=10)
        doc = calls_json(s)
        assert all(c["status"] != 200 for c in doc["calls"]), doc
        assert s.stop() == 0
    finally:
        wd.cleanup()


def callee_that_cannot_do_srtp_gets_the_caller_503_cause_88():
    """bob's account requires SRTP but his phone only does plain RTP: it refuses the server's offer, and the
    caller is told as carriers tell it: 503 with Reason Q.850 cause 88."""
    wd, s = start_server("serve-503")
    try:
        bob = phone(wd, s, "bob", "bob.log", ["--srtp", "off", "--json", "listen", "--auto-answer"])
        wait_for(log_has(wd, "bob.log", "waiting for a call"), 15, "bob's registration")
        alice = phone(wd, s, "alice", "alice.log", ["--duration", "2", "--timeout", "10", "--sip-trace", "--json", "call",
                                                    "sips:bob@localhost"])
        rep, rc = report_of(wd, "alice.log", alice)
        assert rc != 0 and rep["status"] == 503, rep
        finals = [m for m in h.sip_trace_messages(wd.file("alice.log"))
                  if m["dir"] == "received" and m["cseq_method"] == "INVITE" and m["status"] and m["status"] >= 200]
        assert finals and finals[-1]["start"] == "SIP/2.0 503 Service Unavailable", finals
        log = open(wd.file("alice.log")).read()
        assert 'Reason: Q.850;cause=88;text="Incompatible destination"' in log, log[-3000:]
        c = calls_json(s)["calls"]
        assert len(c) == 1 and c[0]["result"] == "failed" and c[0]["status"] == 503, c
        bob.send_signal(2)
        bob.wait(timeout=10)
        assert s.stop() == 0
    finally:
        wd.cleanup()


SCENARIOS = [
    two_sotto_phones_call_through_serve_with_media_reencrypted_per_leg,
    two_baresip_phones_call_through_serve_with_provisioned_accounts,
    sotto_phone_calls_linphone_down_the_connection_it_registered_over,
    sighup_during_a_call_keeps_the_call_and_its_audio,
    sigterm_during_a_call_drains_ends_the_call_and_writes_its_record,
    invite_without_crypto_from_a_require_account_gets_488_with_warning,
    callee_that_cannot_do_srtp_gets_the_caller_503_cause_88,
]

if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS))
