#!/usr/bin/env python3
"""End-to-end proofs of `sotto serve` with `sotto phone` (no other peer):

- kill -9 during a run of calls, restart on the same data directory: every call that ended before the kill
  has its record, the registrations are restored, and a phone that reconnects is reachable again;
- SIGHUP under a call: a new certificate on disk is used for new TLS connections (serial and fingerprint
  read with `openssl s_client`) while the call keeps its media, ends with BYE and gets its record;
- a TOML error exits 2 naming file and line, and nothing listens on the configured port.

  tests/server/serve_proofs_test.py [-k NAME]      # SOTTO_BUILD_DIR=build/default by default
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "interop"))
import harness as h  # noqa: E402
from harness import wait_for  # noqa: E402
from phone_interop_test import check_audio, report_of, run_scenarios  # noqa: E402
from serve_harness import Serve  # noqa: E402

USERS = {"alice": "alice-secret", "bob": "bob-secret", "carol": "carol-secret"}


def text_of(wd, log):
    return open(wd.file(log), errors="replace").read()


def start_server(tag, args=()):
    wd = h.Workdir(tag)
    h.make_noise_wav(wd.file("a.wav"), 1)
    h.make_noise_wav(wd.file("b.wav"), 2)
    s = Serve(wd, args=tuple(args))
    for user, pw in USERS.items():
        s.sotto("user", "add", user, "--password", pw)
    return wd, s


def phone(wd, port, ca, user, log, args):
    return wd.spawn([h.sotto_bin(), "phone", "--account", f"sips:{user}@localhost", "--password", USERS[user],
                     "--proxy", f"sips:127.0.0.1:{port}", "--ca-file", ca, *args], log)


def listener(wd, s, user, log, args=()):
    p = phone(wd, s.tls_port, s.ca, user, log, [*args, "--json", "listen", "--auto-answer"])
    wait_for(lambda: "waiting for a call" in text_of(wd, log), 15, f"{user}'s registration ({log})")
    return p


def sotto_json(s, *args):
    return json.loads(s.sotto(*args, "--json").stdout)


def stop_phone(p):
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)


# ------------------------------------------------------------------------------------------------

def kill_9_during_calls_loses_no_finished_call_and_restores_registrations():
    wd, s = start_server("proofs-kill9")
    try:
        # carol stays registered the whole time, idle.
        carol = listener(wd, s, "carol", "carol.log")
        ended = 0
        for i in range(3):
            bob = listener(wd, s, "bob", f"bob{i}.log")
            alice = phone(wd, s.tls_port, s.ca, "alice", f"alice{i}.log",
                          ["--duration", "1", "--json", "call", "sips:bob@localhost"])
            rep, rc = report_of(wd, f"alice{i}.log", alice)
            brep, brc = report_of(wd, f"bob{i}.log", bob)
            assert rc == 0 and brc == 0 and rep["status"] == 200, (rep, brep)
            ended += 1
        # A fourth call, up when the server is killed: it never ended, so it has no record.
        bob = listener(wd, s, "bob", "bob3.log")
        alice = phone(wd, s.tls_port, s.ca, "alice", "alice3.log",
                      ["--duration", "30", "--json", "call", "sips:bob@localhost"])
        wait_for(lambda: "call 4: answered" in s.log(), 15, "the fourth call to be answered")
        time.sleep(0.5)
        s.proc.kill()  # SIGKILL: nothing more is written
        s.proc.wait(timeout=5)
        stop_phone(alice)
        stop_phone(bob)

        calls = sotto_json(s, "calls")["calls"]
        assert len(calls) == ended, f"{len(calls)} records after kill -9, {ended} calls had ended: {calls}"
        assert all(c["result"] == "answered" and c["status"] == 200 and c["verdict"] == "secure" for c in calls), calls
        regs = sotto_json(s, "registrations")["registrations"]
        assert "carol" in [r["user"] for r in regs], regs

        s2 = Serve(wd, data_dir=s.data_dir, tls_port=s.tls_port, log="serve2.log")
        s2.wait_log("restored", 5)
        restored = [l for l in s2.log().splitlines() if "restored" in l and "binding(s) from the database" in l]
        assert restored and int(restored[0].split("restored ")[1].split()[0]) >= 1, s2.log()
        regs = sotto_json(s2, "registrations")["registrations"]
        assert "carol" in [r["user"] for r in regs] and all(r["expires_in"] > 0 for r in regs), regs
        # carol's phone saw its connection die; it reconnects (back-off 1 s, then 2 s, ...) and is reachable again.
        s2.wait_log("registered carol at", 20)
        assert "lost the registrar" in text_of(wd, "carol.log"), text_of(wd, "carol.log")
        alice = phone(wd, s2.tls_port, s2.ca, "alice", "alice-after.log",
                      ["--play", wd.file("a.wav"), "--duration", "2", "--json", "call", "sips:carol@localhost"])
        rep, rc = report_of(wd, "alice-after.log", alice)
        assert rc == 0 and rep["status"] == 200 and rep["srtp_suite"], rep
        crep, crc = report_of(wd, "carol.log", carol)
        assert crc == 0, crep
        calls = sotto_json(s2, "calls")["calls"]
        assert len(calls) == ended + 1, calls
        assert any("carol@" in c["to"] and c["result"] == "answered" for c in calls), calls
        print(f"  {ended} records kept after kill -9 (the call up at the kill has none); {restored[0].split('Z ', 1)[-1]}; "
              f"carol reachable again after reconnecting", flush=True)
        assert s2.stop() == 0
    finally:
        wd.cleanup()


def s_client_cert(port):
    """Serial and SHA-256 fingerprint of the certificate a new TLS connection sees (openssl s_client)."""
    r = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", "localhost"],
                       input=b"", capture_output=True, timeout=15)
    pem = r.stdout.decode(errors="replace")
    assert "-----BEGIN CERTIFICATE-----" in pem, (r.returncode, pem, r.stderr)
    x = subprocess.run(["openssl", "x509", "-noout", "-serial", "-fingerprint", "-sha256"], input=pem.encode(),
                       capture_output=True, check=True, timeout=15)
    return x.stdout.decode().strip()


def sighup_under_a_call_reloads_the_certificate_and_the_call_goes_on():
    wd, s = start_server("proofs-hup")
    try:
        before = s_client_cert(s.tls_port)
        bob = listener(wd, s, "bob", "bob.log", ["--play", wd.file("b.wav"), "--record", wd.file("bob.wav")])
        alice = phone(wd, s.tls_port, s.ca, "alice", "alice.log",
                      ["--play", wd.file("a.wav"), "--record", wd.file("alice.wav"), "--duration", "6", "--json",
                       "call", "sips:bob@localhost"])
        wait_for(lambda: "call 1: answered" in s.log(), 15, "the call to be answered")
        time.sleep(1.5)
        os.remove(os.path.join(s.data_dir, "server.crt"))
        os.remove(os.path.join(s.data_dir, "server.key"))
        s.sotto("ca", "init", "--cert-names", "localhost,127.0.0.1,reloaded.test")
        s.proc.send_signal(signal.SIGHUP)
        s.wait_log("SIGHUP: reloaded certificate", 5)
        after = s_client_cert(s.tls_port)
        assert before != after, (before, after)
        assert alice.poll() is None and bob.poll() is None, "the call must still be up after SIGHUP"
        rep, rc = report_of(wd, "alice.log", alice)
        brep, brc = report_of(wd, "bob.log", bob)
        assert rc == 0 and brc == 0, (rep, brep)
        assert rep["duration_s"] >= 5.5, rep  # hung up by alice's --duration, not cut by the reload
        assert "BYE received" in text_of(wd, "bob.log"), text_of(wd, "bob.log")
        check_audio(wd.file("a.wav"), wd.file("bob.wav"), "alice -> serve -> bob across SIGHUP")
        check_audio(wd.file("b.wav"), wd.file("alice.wav"), "bob -> serve -> alice across SIGHUP")
        calls = sotto_json(s, "calls")["calls"]
        assert len(calls) == 1 and calls[0]["result"] == "answered" and calls[0]["verdict"] == "secure", calls
        for leg in calls[0]["legs"]:
            # 6 s of 20 ms packets is 300 each way: media went on after the reload (at 1.5 s).
            assert leg["packets_in"] > 250 and leg["packets_out"] > 250 and leg["auth_failures"] == 0, leg
        print(f"  before: {before.replace(chr(10), '; ')}\n  after:  {after.replace(chr(10), '; ')}", flush=True)
        assert s.stop() == 0
    finally:
        wd.cleanup()


def toml_error_exits_2_with_file_and_line_and_nothing_listens():
    wd = h.Workdir("proofs-toml")
    try:
        port = h.free_port()
        udp = h.free_port(socket.SOCK_DGRAM)
        bad = wd.file("bad.toml")
        with open(bad, "w") as f:
            f.write(f'listen = ["tls://127.0.0.1:{port}", "udp://127.0.0.1:{udp}"]\n'
                    'domain = "localhost"\n'
                    'dead_media_timeout = "soon"\n'
                    'rtp_ports = "40000-"\n')
        p = subprocess.Popen([h.sotto_bin(), "serve", "--config", bad, "--data-dir", wd.file("data")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # While it runs (it must not get far), the server may not listen on anything: sockets are matched by
        # the server's pid (ss -p), since another program on the machine may bind a port picked free here.
        seen = []
        while p.poll() is None:
            out = subprocess.run(["ss", "-H", "-n", "-l", "-t", "-u", "-p"], capture_output=True, text=True).stdout
            seen += [l for l in out.splitlines() if f"pid={p.pid}," in l]
            time.sleep(0.005)
        out, err = p.communicate(timeout=20)
        assert p.returncode == 2, (p.returncode, out, err)
        lines = err.strip().splitlines()
        assert lines and all(l.startswith(bad + ":") for l in lines), lines
        assert any(l.startswith(bad + ":4:") and "rtp_ports" in l and "expected" in l for l in lines), lines
        assert any(l.startswith(bad + ":3:") and "dead_media_timeout: expected seconds" in l for l in lines), lines
        assert not seen, f"the server listened before failing: {seen}"
        assert not os.path.exists(wd.file("data")), "nothing may be created"
        print("  " + "\n  ".join(lines), flush=True)
        r = subprocess.run([h.sotto_bin(), "serve", "--data-dir", wd.file("data"), "--listen", f"tls://127.0.0.1:{port}",
                            "--dead-media-timeout", "0"], capture_output=True, text=True, timeout=20)
        assert r.returncode == 2 and r.stderr.startswith("sotto serve: --dead-media-timeout: expected"), r
        assert not os.path.exists(wd.file("data")), "nothing may be created"
    finally:
        wd.cleanup()


def callee_that_cannot_do_srtp_gets_503_cause_88():
    """bob's account requires SRTP (the default) but bob's phone cannot do it: it refuses the server's
    RTP/SAVP offer, and alice gets 503 with the carriers' Reason, recorded as failed."""
    wd, s = start_server("proofs-503")
    try:
        bob = listener(wd, s, "bob", "bob.log", ["--srtp", "off"])
        alice = phone(wd, s.tls_port, s.ca, "alice", "alice.log",
                      ["--duration", "2", "--timeout", "10", "--sip-trace", "--json", "call", "sips:bob@localhost"])
        rep, rc = report_of(wd, "alice.log", alice)
        assert rc != 0 and rep["status"] == 503, rep
        finals = [m for m in h.sip_trace_messages(wd.file("alice.log"))
                  if m["dir"] == "received" and m["cseq_method"] == "INVITE" and m["status"] and m["status"] >= 200]
        assert finals and finals[-1]["start"] == "SIP/2.0 503 Service Unavailable", finals
        log = text_of(wd, "alice.log")
        assert 'Reason: Q.850;cause=88;text="Incompatible destination"' in log.splitlines() or \
            'Reason: Q.850;cause=88;text="Incompatible destination"\r' in log, log
        stop_phone(bob)
        calls = sotto_json(s, "calls")["calls"]
        assert len(calls) == 1 and calls[0]["result"] == "failed" and calls[0]["status"] == 503, calls
        print(f"  alice got: {finals[-1]['start']}; record: result {calls[0]['result']} status {calls[0]['status']}",
              flush=True)
        assert s.stop() == 0
    finally:
        wd.cleanup()


def plain_rtp_leg_bridged_where_both_policies_allow_is_partial():
    """alice (SRTP required, TLS) calls bob, whose account allows plain RTP over UDP: the call is bridged
    (SRTP on alice's leg, RTP on bob's), audio both ways, and the record says `partial`."""
    wd = h.Workdir("proofs-partial")
    try:
        h.make_noise_wav(wd.file("a.wav"), 1)
        h.make_noise_wav(wd.file("b.wav"), 2)
        udp = h.free_port(socket.SOCK_DGRAM)
        s = Serve(wd, udp_port=udp)
        s.sotto("user", "add", "alice", "--password", USERS["alice"])
        s.sotto("user", "add", "bob", "--password", USERS["bob"], "--srtp", "off", "--allow-transports", "tls,udp")
        bob = wd.spawn([h.sotto_bin(), "phone", "--account", "sip:bob@localhost", "--password", USERS["bob"],
                        "--proxy", f"sip:127.0.0.1:{udp}", "--transport", "udp", "--listen", "udp://127.0.0.1:0",
                        "--srtp", "off", "--play", wd.file("b.wav"), "--record", wd.file("bob.wav"), "--json",
                        "listen", "--auto-answer"], "bob.log")
        wait_for(lambda: "waiting for a call" in text_of(wd, "bob.log"), 15, "bob's registration over UDP")
        alice = phone(wd, s.tls_port, s.ca, "alice", "alice.log",
                      ["--play", wd.file("a.wav"), "--record", wd.file("alice.wav"), "--duration", "3", "--json",
                       "call", "sip:bob@localhost"])
        rep, rc = report_of(wd, "alice.log", alice)
        brep, brc = report_of(wd, "bob.log", bob)
        assert rc == 0 and brc == 0, (rep, brep)
        assert rep["transport"] == "TLS" and rep["srtp_suite"], rep
        assert brep["transport"] == "UDP" and brep["srtp_suite"] is None, brep
        check_audio(wd.file("a.wav"), wd.file("bob.wav"), "alice (SRTP) -> serve -> bob (RTP)")
        check_audio(wd.file("b.wav"), wd.file("alice.wav"), "bob (RTP) -> serve -> alice (SRTP)")
        calls = sotto_json(s, "calls")["calls"]
        assert len(calls) == 1, calls
        c = calls[0]
        assert c["result"] == "answered" and c["verdict"] == "partial", c
        legs = {l["side"]: l for l in c["legs"]}
        assert legs["caller"]["transport"] == "TLS" and legs["caller"]["srtp_suite"], legs
        assert legs["callee"]["transport"] == "UDP" and legs["callee"]["srtp_suite"] is None, legs
        assert legs["callee"]["packets_in"] > 100 and legs["caller"]["packets_in"] > 100, legs
        print(f"  verdict {c['verdict']}: {c.get('reasons') or c.get('verdict_reasons')}", flush=True)
        assert s.stop() == 0
    finally:
        wd.cleanup()


def iso_ms(ts):
    from datetime import datetime
    return datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def dead_media_ends_the_call_after_the_timeout_with_bye_both_ways():
    """Both phones stop (SIGSTOP: no media either way, their connections stay open): after
    --dead-media-timeout 3 the server ends the call with BYE to both sides and writes its record; the
    phones, resumed, find the BYE."""
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
        f.write("dead_media_timeout = 3\n")  # the configuration key; the flag --dead-media-timeout overrides it
    try:
        wd, s = start_server("proofs-dead", ["--config", f.name])
    finally:
        os.remove(f.name)
    try:
        bob = listener(wd, s, "bob", "bob.log", ["--play", wd.file("b.wav")])
        alice = phone(wd, s.tls_port, s.ca, "alice", "alice.log",
                      ["--play", wd.file("a.wav"), "--duration", "0", "--json", "call", "sips:bob@localhost"])
        wait_for(lambda: "call 1: answered" in s.log(), 15, "the call to be answered")
        time.sleep(1)
        alice.send_signal(signal.SIGSTOP)
        bob.send_signal(signal.SIGSTOP)
        stopped = time.time()
        try:
            wait_for(lambda: "call 1: ended" in s.log(), 12, "the server to end the call on dead media")
            took = time.time() - stopped
        finally:
            alice.send_signal(signal.SIGCONT)
            bob.send_signal(signal.SIGCONT)
        ended = [l for l in s.log().splitlines() if "call 1: ended" in l][0]
        assert "(media timeout)" in ended, ended
        assert any("call 1: relay" in l and "ending it" in l for l in s.log().splitlines()), s.log()
        assert 2.5 <= took <= 6, f"ended {took:.1f} s after the media stopped, with --dead-media-timeout 3"
        rep, rc = report_of(wd, "alice.log", alice)
        brep, brc = report_of(wd, "bob.log", bob)
        for who in ("alice", "bob"):
            assert "BYE received" in text_of(wd, f"{who}.log"), text_of(wd, f"{who}.log")
        calls = sotto_json(s, "calls")["calls"]
        assert len(calls) == 1 and calls[0]["result"] == "answered" and calls[0]["status"] == 200, calls
        assert calls[0]["end_reason"] == "media timeout", calls
        talk = iso_ms(calls[0]["ended"]) - iso_ms(calls[0]["answered"])
        assert 3.5 <= talk <= 8, f"answered to ended {talk:.1f} s: 1 s of media, then the 3 s timeout"
        print(f"  {ended.split('Z ', 1)[-1][:120]}; ended {took:.1f} s after both phones stopped", flush=True)
        assert s.stop() == 0
    finally:
        wd.cleanup()


def mutual_tls_phone_with_a_certificate_from_ca_issue():
    """`sotto ca issue alice --out DIR` gives alice a client certificate; her phone registers and calls over
    mutual TLS with it, and the record's caller leg names its subject (bob, without one: null)."""
    wd, s = start_server("proofs-mtls")
    try:
        s.sotto("ca", "issue", "alice", "--out", wd.file("certs"))
        crt, key = wd.file("certs/alice.crt"), wd.file("certs/alice.key")
        assert os.path.exists(crt) and os.path.exists(key), os.listdir(wd.file("certs"))
        subject = subprocess.run(["openssl", "x509", "-in", crt, "-noout", "-subject", "-nameopt", "RFC2253"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        parts = sorted(subject.removeprefix("subject=").split(","))
        assert "CN=alice" in parts, subject
        bob = listener(wd, s, "bob", "bob.log", ["--play", wd.file("b.wav")])
        alice = phone(wd, s.tls_port, s.ca, "alice", "alice.log",
                      ["--listen", "tls://127.0.0.1:0", "--cert", crt, "--key", key, "--play", wd.file("a.wav"),
                       "--duration", "2", "--json", "call", "sips:bob@localhost"])
        rep, rc = report_of(wd, "alice.log", alice)
        brep, brc = report_of(wd, "bob.log", bob)
        assert rc == 0 and brc == 0 and rep["status"] == 200, (rep, brep)
        assert "registered as sips:alice@localhost" in text_of(wd, "alice.log"), text_of(wd, "alice.log")
        calls = sotto_json(s, "calls")["calls"]
        assert len(calls) == 1 and calls[0]["verdict"] == "secure", calls
        legs = {l["side"]: l for l in calls[0]["legs"]}
        got = legs["caller"]["peer_certificate"]
        assert got and sorted(p.strip() for p in got.replace("/", ",").split(",") if p.strip()) == parts, (got, subject)
        assert legs["callee"]["peer_certificate"] is None, legs
        # A certificate from another CA is taken (not required), and recorded as not verified.
        pki = h.make_pki(wd)
        bob = listener(wd, s, "bob", "bob2.log")
        alice = phone(wd, s.tls_port, s.ca, "alice", "alice2.log",
                      ["--listen", "tls://127.0.0.1:0", "--cert", pki["cert"], "--key", pki["key"], "--duration", "1",
                       "--json", "call", "sips:bob@localhost"])
        rep, rc = report_of(wd, "alice2.log", alice)
        report_of(wd, "bob2.log", bob)
        calls = sotto_json(s, "calls")["calls"]
        assert rc == 0 and len(calls) == 2, (rep, calls)
        other = calls[1]["legs"][0]["peer_certificate"]
        assert other and "(not verified: " in other, calls[1]
        print(f"  caller leg peer_certificate: {legs['caller']['peer_certificate']!r}; from another CA: {other!r}",
              flush=True)
        assert s.stop() == 0
    finally:
        wd.cleanup()


SCENARIOS = [
    kill_9_during_calls_loses_no_finished_call_and_restores_registrations,
    sighup_under_a_call_reloads_the_certificate_and_the_call_goes_on,
    toml_error_exits_2_with_file_and_line_and_nothing_listens,
    callee_that_cannot_do_srtp_gets_503_cause_88,
    plain_rtp_leg_bridged_where_both_policies_allow_is_partial,
    dead_media_ends_the_call_after_the_timeout_with_bye_both_ways,
    mutual_tls_phone_with_a_certificate_from_ca_issue,
]

if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS))
