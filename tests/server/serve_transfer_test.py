#!/usr/bin/env python3
"""Transfers through `sotto serve` with real phones, audio checked by correlation after the transfer:

- blind, sotto phones: alice calls bob, bob transfers alice to carol (`sotto phone --transfer-to`); alice and
  carol hear each other; `sotto calls --json` shows one call with three legs (carol's side
  `transfer-target`), verdict secure, no SRTP authentication failures; a tshark capture on the server's own
  ports shows no cleartext SIP, and carol's leg is keyed apart from bob's (different a=crypto keys in the
  server's offers, no SRTP payload in common);
- blind, baresip as the transferor (ctrl_tcp `transfer`): sotto phone alice calls baresip bob, bob transfers
  her to sotto phone carol;
- attended, linphone-cli as the transferor: linphone calls bob, pauses, calls carol, then `transfer 1
  --to-call 2` (REFER with Replaces); bob and carol hear each other.

  flock /tmp/sotto-interop.lock tests/server/serve_transfer_test.py [-k NAME]   # SOTTO_BUILD_DIR=build/default

How the Debian 12 peers transfer, headless (found by running them on loopback, December 2026):

baresip 1.0.0 (libre 1.1.0)
- Blind only. The `menu` module owns the command (`/transfer ADDR` on its console; `t` opens a prompt); ctrl_tcp
  runs it as `{"command":"transfer","params":"sip:carol@localhost"}` and answers `"ok": true` at once (the
  outcome comes later). No attended transfer in 1.0: no `atransferstart`/`atransferexec` commands, and it never
  sends Replaces.
- It does not hold the call first: REFER right after the 200/ACK exchange, in the call's dialog, with
  `Refer-To:` exactly the string given (addr-spec, no angle brackets), no `Referred-By`, no `Event`.
- It answers each NOTIFY 200 (400 "Bad sipfrag" if the body is not a status line); on a 2xx sipfrag it ends the
  call itself with BYE (3 ms after the final NOTIFY in our run); on >= 300 it logs "transfer failed" and keeps
  the call.
- As transferee it answers 202, sends NOTIFY 100 at once and NOTIFY 200 (`Subscription-State:
  terminated;reason=noresource`) when the target answers; its sipfrag has no CRLF after the status line. With
  a name-addr `Refer-To: <sips:carol@...>` it answered 202 and then sent no NOTIFY and no INVITE at all, and a
  `?Replaces=` in the Refer-To URI (linphone's attended transfer) gives NOTIFY `500 Call Error`.

linphone-cli 5.1.65 (linphonec)
- `calls` lists `Id | Destination | State` (`StreamsRunning`, `Paused`). A second `call` while one runs is
  refused ("Terminate or hold on the current call first."): `pause 1` first (re-INVITE `a=sendonly`, `Subject:
  Call on hold`).
- Blind: `transfer <sip-uri>` (current call) or `transfer <id> <sip-uri>`. Attended: `transfer <id1> --to-call
  <id2>` ("Performing attended transfer of call 1 to call 2"): REFER in call 1's dialog with `Refer-To:
  <sip:carol@DOMAIN?Replaces=CALLID%3bfrom-tag%3dX%3bto-tag%3dY>` (call 2's remote party without its port,
  from-tag = linphone's tag in call 2, to-tag = the other side's) and `Referred-By: <linphone's identity>`.
- It answers the NOTIFYs 200 and follows the sipfrag (transfer state OutgoingInit, OutgoingProgress on
  `100 Trying`, then Connected on `200 OK` or Error on a >= 300 status). On Connected it sends BYE for call 1
  itself (through sotto serve it crosses the server's own BYE; both get 200); after a failure (baresip's
  `500 Call Error`) it keeps both calls until the other side ends them. Registered through the server it
  sends REFER and BYE to the server's Contact and is reached at its GRUU.
- Its blind `transfer 1 sip:carol@localhost` (one run through sotto serve, not a scenario here): no hold
  first (REFER right after the ACK), `Refer-To: sip:carol@localhost` (addr-spec), `Referred-By:
  <sip:alice@localhost>;tag=...`, NOTIFY 100 then 200 answered `200 Ok`, then its own BYE crossing the
  server's; the record had three legs and no authentication failure. `quit` is needed to stop it (PEERS.md).

The server (docs/B2BUA.md) terminates the transfer itself: it answers the REFER 202, sends NOTIFY 100 and the
final status, calls the target on a new leg with new SRTP keys, and ends the transferor's leg with BYE once
the target answered.
"""
import json
import os
import re
import subprocess
import sys
import time
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "interop"))
import harness as h  # noqa: E402
from phone_interop_test import AUDIO_MIN, need, report_of, run_scenarios  # noqa: E402
from serve_calls_test import calls_json, log_has, m_port, udp_flows, wait_for  # noqa: E402
from serve_harness import Serve  # noqa: E402

USERS = {"alice": "alice-secret", "bob": "bob-secret", "carol": "carol-secret"}
WAV_SECONDS = 30  # longer than any call here: each phone plays its file from its own answer on


def start_server(tag, realm=None):
    wd = h.Workdir(tag)
    for i, name in enumerate(("a", "b", "c")):
        h.make_noise_wav(wd.file(f"{name}.wav"), i + 1, WAV_SECONDS)
    s = Serve(wd, args=("--realm", realm) if realm else ())
    for user, pw in USERS.items():
        s.sotto("user", "add", user, "--password", pw, *(("--realm", realm) if realm else ()))
    return wd, s


def phone(wd, s, user, log, args):
    return wd.spawn([h.sotto_bin(), "phone", "--account", f"sips:{user}@localhost", "--password", USERS[user],
                     "--proxy", f"sips:127.0.0.1:{s.tls_port}", "--ca-file", s.ca, *args], log)


class Clock:
    """Wall-clock times of lines appearing in the phones' logs (polled every 20 ms): when each phone's
    media started, so that a recording's position can be mapped to the position in the other side's WAV
    (sotto phone plays its file from the answer on and records one 20 ms frame per tick)."""

    def __init__(self):
        self.seen = {}

    def poll(self, wd, watches):
        for key, (log, text) in watches.items():
            if key not in self.seen and text in open(wd.file(log), errors="replace").read():
                self.seen[key] = time.time()

    def wait(self, wd, watches, keys, timeout, procs=()):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.poll(wd, watches)
            if all(k in self.seen for k in keys):
                return
            time.sleep(0.02)
        missing = [k for k in keys if k not in self.seen]
        raise AssertionError(f"timed out waiting for {missing}: " +
                             "; ".join(f"{watches[k][0]}: ...{open(wd.file(watches[k][0]), errors='replace').read()[-800:]}"
                                       for k in missing))


def trim_wav(src, dst, start_s, seconds=None):
    with wave.open(src, "rb") as r:
        rate, width, channels = r.getframerate(), r.getsampwidth(), r.getnchannels()
        r.setpos(min(r.getnframes(), int(start_s * rate)))
        frames = r.readframes(r.getnframes() if seconds is None else int(seconds * rate))
    with wave.open(dst, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(frames)
    return dst


def heard(wd, reference, recording, rec_start_s, ref_start_s, what):
    """`reference` (a WAV a phone played from its answer on) is in `recording` from `rec_start_s` on (4 s of
    it). The reference was at about `ref_start_s` there by the log clock; a phone on hold reads no audio, so
    after a hold it is earlier. Tries the estimate first, then every start from 0 s in 1.5 s steps
    (wav_correlate searches +-1 s around each). Returns the best correlation."""
    assert rec_start_s >= 0, f"{what}: recording start {rec_start_s}"
    tag = abs(hash(what))
    rec = trim_wav(recording, wd.file(f"rec-{tag}.wav"), rec_start_s, 4)
    best = None
    starts = [max(0.0, ref_start_s)] + [i * 1.5 for i in range(int((WAV_SECONDS - 6) / 1.5))]
    for start in starts:
        ref = trim_wav(reference, wd.file(f"ref-{tag}.wav"), start, 6)
        c = h.correlate(ref, rec)
        c["ref_start_s"] = round(start, 2)
        if best is None or c["peak"] > best["peak"]:
            best = c
        if c["peak"] > AUDIO_MIN:
            break
    assert best["peak"] > AUDIO_MIN, f"{what}: correlation {best} <= {AUDIO_MIN}"
    print(f"  {what}: peak {best['peak']:.3f} at {rec_start_s:.1f} s of the recording "
          f"({best['ref_start_s'] + best['lag_ms'] / 1000:.1f} s into the sender's WAV)", flush=True)
    return best


def offered_keys_per_invite(capture, keylog, server_port, dst_port):
    """The a=crypto keys of each INVITE (initial or re-INVITE) the server sent to the phone at TCP port
    `dst_port`, in order, read from the capture with the phones' TLS key logs (the phones' own --sip-trace
    redacts keys)."""
    out = subprocess.run(["tshark", "-n", "-r", capture, "-o", f"tls.keylog_file:{keylog}", "-d",
                          f"tcp.port=={server_port},tls", "-d", f"tls.port=={server_port},sip", "-Y",
                          f'sip.Method == "INVITE" && tcp.dstport == {dst_port}', "-T", "fields", "-e", "sip.CSeq.seq",
                          "-e", "sdp.media_attr"], check=True, capture_output=True, text=True).stdout
    per_cseq = {}
    for line in out.splitlines():
        cseq, _, attrs = line.partition("\t")
        per_cseq.setdefault(cseq, set()).update(re.findall(r"crypto:\d+ \S+ inline:([A-Za-z0-9+/=]+)", attrs))
    return list(per_cseq.values())


def offered_keys(capture, keylog, server_port, dst_port):
    return set().union(*offered_keys_per_invite(capture, keylog, server_port, dst_port))


def write_keylog(wd, names):
    keylog = wd.file("all.keys")
    with open(keylog, "w") as out:
        for n in names:
            out.write(open(wd.file(f"{n}.keys")).read())
    return keylog


def registered_port(s, user):
    m = re.search(rf"registered {user} at \S+ over TLS from 127\.0\.0\.1:(\d+)", s.log())
    assert m, f"no registration of {user} in the server log"
    return int(m.group(1))


def check_wire(cap, s, flows_apart):
    """No cleartext SIP on the server's TLS port, encrypted-looking media, and for each (what, flow, flow)
    pair: no SRTP payload in common (re-encrypted per leg with that leg's keys, not forwarded)."""
    flows = udp_flows(cap.file)
    ports = sorted({p for k in flows for p in k})
    w = h.wire_check(cap.file, s.tls_port, ports)
    assert w["sip_packets"] > 0 and w["cleartext_sip_packets"] == 0, w
    assert w["rtp_packets"] > 400 and w["media_looks_encrypted"], w
    for what, k1, k2 in flows_apart:
        a, b = flows.get(k1, {}), flows.get(k2, {})
        assert len(a) > 50 and len(b) > 50, (what, k1, len(a), k2, len(b), sorted(flows))
        same = set(a.values()) & set(b.values())
        assert not same, f"{what}: {len(same)} identical SRTP payloads on {k1} and {k2}"
        common = [k for k in a if k in b]
        differ = sum(1 for k in common if a[k] != b[k])
        print(f"  {what}: {len(a)} / {len(b)} packets, {len(common)} with the same SSRC+seq ({differ} of them "
              f"differ), 0 identical payloads", flush=True)
    return flows


def check_legs(c, want):
    """want: [(side, peer)] in order; every leg TLS, SRTP, no authentication failure."""
    assert [(l["side"], l["peer"]) for l in c["legs"]] == want, c
    for leg in c["legs"]:
        assert leg["transport"] == "TLS" and leg["srtp_suite"], leg
        assert leg["auth_failures"] == 0, leg


# ------------------------------------------------------------------------------------------------

def blind_transfer_between_sotto_phones_keeps_audio_and_keys_the_target_apart():
    need("tshark")
    wd, s = start_server("serve-xfer-blind")
    try:
        lo, hi = s.rtp_ports
        cap = h.Capture(wd, f"host 127.0.0.1 and (tcp port {s.tls_port} or udp portrange {lo}-{hi})")
        common = ["--sip-trace", "--json"]
        carol = phone(wd, s, "carol", "carol.log", ["--tls-keylog", wd.file("carol.keys"), "--play", wd.file("c.wav"), "--record", wd.file("carol.wav"), *common,
                                                    "listen", "--auto-answer"])
        bob = phone(wd, s, "bob", "bob.log", ["--tls-keylog", wd.file("bob.keys"), "--play", wd.file("b.wav"),
                                              "--record", wd.file("bob.wav"), "--transfer-to", "sips:carol@localhost", "--transfer-at", "2", *common,
                                              "listen", "--auto-answer"])
        wait_for(lambda: "waiting for a call" in open(wd.file("carol.log")).read()
                 and "waiting for a call" in open(wd.file("bob.log")).read(), 15, "bob's and carol's registrations")
        alice = phone(wd, s, "alice", "alice.log", ["--tls-keylog", wd.file("alice.keys"), "--play", wd.file("a.wav"),
                                                    "--record", wd.file("alice.wav"), "--duration", "8", *common, "call", "sips:bob@localhost"])
        clock = Clock()
        watches = {"alice": ("alice.log", "call established"), "carol": ("carol.log", "call established"),
                   "bob_done": ("bob.log", "transfer: 200 ")}
        clock.wait(wd, watches, ["alice", "carol", "bob_done"], 20)
        rep, rc = report_of(wd, "alice.log", alice)
        brep, brc = report_of(wd, "bob.log", bob)
        crep, crc = report_of(wd, "carol.log", carol)
        time.sleep(0.5)
        cap.stop()
        assert rc == 0 and brc == 0 and crc == 0, (rep, brep, crep)
        t = brep["transfer"]
        assert t and t["result"] == "transferred" and t["status"] == 200 and t["target"] == "sips:carol@localhost", brep
        assert t["progress"][0] == "202 Accepted" and t["progress"][-1] == "200 OK", t
        blog = open(wd.file("bob.log")).read()
        assert "hanging up (transferred)" in blog or "BYE received" in blog, blog[-2000:]
        for r in (rep, brep, crep):
            assert r["transport"] == "TLS" and r["srtp_suite"] and r["auth_failures"] == 0, r
        # alice's call went on after the transfer: she hung up at --duration 8, carol heard her until then.
        assert rep["duration_s"] > 7.5 and crep["duration_s"] > 2, (rep, crep)
        # Audio after the transfer, both ways: carol's WAV in alice's recording, alice's in carol's.
        skew = clock.seen["carol"] - clock.seen["alice"]
        heard(wd, wd.file("c.wav"), wd.file("alice.wav"), skew + 0.5, 0.5, "carol -> serve -> alice, after the transfer")
        heard(wd, wd.file("a.wav"), wd.file("carol.wav"), 0.5, skew + 0.5, "alice -> serve -> carol, after the transfer")
        # Before it, alice and bob talked.
        heard(wd, wd.file("b.wav"), wd.file("alice.wav"), 0.3, 0.3, "bob -> serve -> alice, before the transfer")

        doc = calls_json(s)
        assert len(doc["calls"]) == 1, doc
        c = doc["calls"][0]
        assert c["result"] == "answered" and c["status"] == 200 and c["verdict"] == "secure", c
        assert "alice@" in c["from"] and "bob@" in c["to"], c
        check_legs(c, [("caller", "alice"), ("callee", "bob"), ("transfer-target", "carol")])
        assert c["legs"][2]["packets_in"] > 100 and c["legs"][2]["packets_out"] > 100, c

        # Keys: the server's offer to carol carries other keys than its offer to bob (decrypted from the
        # capture with the phones' TLS key logs), and the wire agrees.
        keylog = write_keylog(wd, ("alice", "bob", "carol"))
        bob_keys = offered_keys(cap.file, keylog, s.tls_port, registered_port(s, "bob"))
        carol_keys = offered_keys(cap.file, keylog, s.tls_port, registered_port(s, "carol"))
        assert bob_keys and carol_keys and not bob_keys & carol_keys, (len(bob_keys), len(carol_keys), len(bob_keys & carol_keys))
        print(f"  a=crypto keys offered to bob: {len(bob_keys)}, to carol: {len(carol_keys)}, in common: 0", flush=True)
        am, bm, cm = (h.sip_trace_messages(wd.file(f"{n}.log")) for n in ("alice", "bob", "carol"))
        alice_rtp, relay_a = m_port(am, "sent", r"^INVITE "), m_port(am, "received", r"^SIP/2\.0 200 ")
        relay_b, bob_rtp = m_port(bm, "received", r"^INVITE "), m_port(bm, "sent", r"^SIP/2\.0 200 ")
        relay_c, carol_rtp = m_port(cm, "received", r"^INVITE "), m_port(cm, "sent", r"^SIP/2\.0 200 ")
        assert relay_a not in (relay_b, relay_c), (relay_a, relay_b, relay_c)
        check_wire(cap, s, [("relay -> bob vs relay -> carol (alice's audio, two keys)", (relay_b, bob_rtp), (relay_c, carol_rtp)),
                            ("alice -> relay vs relay -> carol (re-encrypted)", (alice_rtp, relay_a), (relay_c, carol_rtp)),
                            ("carol -> relay vs relay -> alice (re-encrypted)", (carol_rtp, relay_c), (relay_a, alice_rtp))])
        assert s.stop() == 0
    finally:
        wd.cleanup()


def blind_transfer_by_baresip_joins_the_other_two_with_audio():
    need("baresip")
    wd, s = start_server("serve-xfer-baresip")
    bob = None
    try:
        pki = h.make_pki(wd)  # baresip's own listener certificate (unused: calls come down its registration)
        pki["ca"] = s.ca
        line = [l for l in s.sotto("provision", "baresip", "bob", "--password", USERS["bob"], "--server",
                                   f"127.0.0.1:{s.tls_port}").stdout.splitlines() if l.startswith("<sip:")][0]
        bob = h.Baresip(wd, "bob", pki, wd.file("b.wav"), account=line + ";answermode=auto;audio_codecs=pcmu")
        carol = phone(wd, s, "carol", "carol.log", ["--play", wd.file("c.wav"), "--record", wd.file("carol.wav"),
                                                    "--sip-trace", "--json", "listen", "--auto-answer"])
        wait_for(lambda: "registered bob" in s.log() and "waiting for a call" in open(wd.file("carol.log")).read(), 15,
                 "baresip's and carol's registrations")
        alice = phone(wd, s, "alice", "alice.log", ["--play", wd.file("a.wav"), "--record", wd.file("alice.wav"),
                                                    "--duration", "8", "--sip-trace", "--json", "call", "sips:bob@localhost"])
        clock = Clock()
        watches = {"alice": ("alice.log", "call established"), "carol": ("carol.log", "call established")}
        clock.wait(wd, watches, ["alice"], 15)
        time.sleep(2)
        bob.command_ok("transfer", "sip:carol@localhost")
        clock.wait(wd, watches, ["carol"], 15)
        rep, rc = report_of(wd, "alice.log", alice)
        crep, crc = report_of(wd, "carol.log", carol)
        assert rc == 0 and crc == 0, (rep, crep)
        for r in (rep, crep):
            assert r["transport"] == "TLS" and r["srtp_suite"] and r["auth_failures"] == 0, r
        skew = clock.seen["carol"] - clock.seen["alice"]
        heard(wd, wd.file("c.wav"), wd.file("alice.wav"), skew + 0.5, 0.5, "carol -> serve -> alice, after baresip's transfer")
        heard(wd, wd.file("a.wav"), wd.file("carol.wav"), 0.5, skew + 0.5, "alice -> serve -> carol, after baresip's transfer")
        # baresip's call is over (it hangs up itself on the final NOTIFY, or the server ended it).
        listed = bob.command_ok("listcalls")
        assert "Active calls (0)" in listed.get("data", ""), listed
        doc = calls_json(s)
        assert len(doc["calls"]) == 1, doc
        c = doc["calls"][0]
        assert c["result"] == "answered" and c["verdict"] == "secure", c
        check_legs(c, [("caller", "alice"), ("callee", "bob"), ("transfer-target", "carol")])
        assert s.stop() == 0
    finally:
        if bob:
            bob.stop()
        wd.cleanup()


def attended_transfer_by_linphone_joins_bob_and_carol_with_audio():
    """linphone (alice) calls bob, pauses him, calls carol, then `transfer 1 --to-call 2`: a REFER in call 1
    with Refer-To carol?Replaces=<call 2's dialog>. linphone registers with realm = domain (the harness's
    linphonerc), so the server runs with --realm localhost."""
    need("linphonec")
    need("tshark")
    wd, s = start_server("serve-xfer-linphone", realm="localhost")
    lp = None
    try:
        lo, hi = s.rtp_ports
        cap = h.Capture(wd, f"host 127.0.0.1 and (tcp port {s.tls_port} or udp portrange {lo}-{hi})")
        lp = h.Linphone(wd, {"ca": s.ca}, wd.file("a.wav"), wd.file("linphone.wav"),
                        register={"user": "alice", "password": USERS["alice"], "domain": "localhost",
                                  "proxy_port": s.tls_port, "route": True})
        bob = phone(wd, s, "bob", "bob.log", ["--tls-keylog", wd.file("bob.keys"), "--play", wd.file("b.wav"),
                                              "--record", wd.file("bob.wav"), "--duration", "14", "--sip-trace", "--json", "listen", "--auto-answer"])
        carol = phone(wd, s, "carol", "carol.log", ["--tls-keylog", wd.file("carol.keys"), "--play", wd.file("c.wav"),
                                                    "--record", wd.file("carol.wav"), "--sip-trace", "--json", "listen",
                                                    "--auto-answer"])
        wait_for(lambda: "registered alice" in s.log() and "waiting for a call" in open(wd.file("bob.log")).read()
                 and "waiting for a call" in open(wd.file("carol.log")).read(), 20, "the three registrations")
        clock = Clock()
        watches = {"bob": ("bob.log", "call established"), "carol": ("carol.log", "call established")}
        out = lp.command("call sip:bob@localhost")
        clock.wait(wd, watches, ["bob"], 15)
        time.sleep(1.5)
        out += lp.command("pause 1")
        time.sleep(1)
        out += lp.command("call sip:carol@localhost")
        clock.wait(wd, watches, ["carol"], 15)
        time.sleep(1.5)
        calls = lp.command("calls")
        assert re.search(r"(?m)^1\s+\|.*\|\s+Paused", calls) and re.search(r"(?m)^2\s+\|.*\|\s+StreamsRunning", calls), calls
        out += lp.command("transfer 1 --to-call 2")
        assert "Performing attended transfer of call 1 to call 2" in out, out
        t_xfer = time.time()
        # linphone's both calls end: call 1 by the server's BYE after the transfer, call 2 replaced.
        wait_for(lambda: not re.search(r"(?m)^\d+\s+\|", lp.command("calls")), 15, "linphone's calls to end")
        brep, brc = report_of(wd, "bob.log", bob, timeout=30)
        crep, crc = report_of(wd, "carol.log", carol, timeout=15)
        assert brc == 0 and crc == 0, (brep, crep)
        for r in (brep, crep):
            assert r["transport"] == "TLS" and r["srtp_suite"], r
        # carol is re-keyed by our re-INVITE: call 2's relay sends her nothing from then until her answer
        # (MediaAnchor::set_quiet), so no packet under the old key reaches her after she switched.
        assert brep["auth_failures"] == 0 and crep["auth_failures"] == 0, (brep, crep)
        skew = clock.seen["carol"] - clock.seen["bob"]
        joined = t_xfer - clock.seen["bob"] + 1.0
        assert brep["duration_s"] > joined + 3, (brep, joined)
        heard(wd, wd.file("c.wav"), wd.file("bob.wav"), joined, joined - skew, "carol -> serve -> bob, after linphone's transfer")
        heard(wd, wd.file("b.wav"), wd.file("carol.wav"), joined - skew, joined, "bob -> serve -> carol, after linphone's transfer")
        doc = calls_json(s)
        print("  calls: " + json.dumps([(c["from"], c["to"], c["result"], [(l["side"], l["peer"]) for l in c["legs"]])
                                        for c in doc["calls"]]), flush=True)
        for c in doc["calls"]:
            assert c["verdict"] == "secure" and all(l["auth_failures"] == 0 for l in c["legs"]), c
        joined_calls = [c for c in doc["calls"] if [l["side"] for l in c["legs"]] == ["caller", "callee", "transfer-target"]]
        assert len(joined_calls) == 1, doc
        check_legs(joined_calls[0], [("caller", "alice"), ("callee", "bob"), ("transfer-target", "carol")])
        # The wire: no cleartext SIP; carol was moved onto the first call's relay with other keys than
        # her own call had (a re-INVITE with fresh keys, decrypted with her TLS key log).
        time.sleep(0.5)
        cap.stop()
        check_wire(cap, s, [])
        carol_invites = offered_keys_per_invite(cap.file, write_keylog(wd, ("bob", "carol")), s.tls_port,
                                                registered_port(s, "carol"))
        assert len(carol_invites) == 2 and all(carol_invites), [len(k) for k in carol_invites]
        assert not carol_invites[0] & carol_invites[1], "carol's re-INVITE repeats a key of her first INVITE"
        cm = h.sip_trace_messages(wd.file("carol.log"))
        moved = [int(mm.group(1)) for m in cm if m["dir"] == "received" and m["start"].startswith("INVITE ")
                 for line in m["body"] for mm in [re.match(r"^m=audio (\d+) ", line)] if mm]
        assert len(moved) == 2 and moved[0] != moved[1], moved
        print(f"  carol: relay port {moved[0]} then {moved[1]}; {len(carol_invites[0])} and {len(carol_invites[1])} "
              f"a=crypto keys offered, none repeated", flush=True)
        assert s.stop() == 0
    finally:
        if lp:
            lp.stop()
        wd.cleanup()


SCENARIOS = [
    blind_transfer_between_sotto_phones_keeps_audio_and_keys_the_target_apart,
    blind_transfer_by_baresip_joins_the_other_two_with_audio,
    attended_transfer_by_linphone_joins_bob_and_carol_with_audio,
]

if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS))
