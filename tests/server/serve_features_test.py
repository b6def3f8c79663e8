#!/usr/bin/env python3
"""The B2BUA's and registrar's features proven against real phones through `sotto serve` (TLS + SRTP,
media checked, not only signalling):

- forking: two baresip phones registered as bob both get the INVITE; one answers, the other gets CANCEL;
  audio both ways between the caller and the winner;
- GRUU (RFC 5627): linphone (account from `sotto provision linphone`) asks for a GRUU and gets pub-gruu in
  the 200; a call to that pub-gruu reaches linphone only, not the baresip phone registered as the same user;
- late offer: linphone calls with `[sip] sdp_200_ack=1` (INVITE without SDP, offer in our 200, answer in its
  ACK), audio both ways;
- early media: baresip answers with 183 + SDP (`answermode=early`) and never with 200; the caller's baresip
  records the callee's audio, then cancels;
- hold/resume after the ROC wrap on both legs: two sotto phones start at RTP sequence 65450, each holds and
  resumes once, audio after the resume, no authentication failure on either leg of the call record.

  flock /tmp/sotto-interop.lock tests/server/serve_features_test.py [-k NAME]   # SOTTO_BUILD_DIR=build/default
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
from harness import wait_for  # noqa: E402
from phone_interop_test import check_audio, need, report_of, run_scenarios  # noqa: E402
from serve_calls_test import udp_flows  # noqa: E402
from serve_harness import Serve  # noqa: E402

USERS = {"alice": "alice-secret", "bob": "bob-secret"}


def text(path):
    return open(path, errors="replace").read() if os.path.exists(path) else ""


def start_server(tag, args=()):
    wd = h.Workdir(tag)
    for seed, name in ((1, "a.wav"), (2, "b.wav"), (3, "c.wav")):
        h.make_noise_wav(wd.file(name), seed)
    s = Serve(wd, args=tuple(args))
    for user, pw in USERS.items():
        s.sotto("user", "add", user, "--password", pw)
    return wd, s


def phone(wd, s, user, log, args):
    return wd.spawn([h.sotto_bin(), "phone", "--account", f"sips:{user}@localhost", "--password", USERS[user],
                     "--proxy", f"sips:127.0.0.1:{s.tls_port}", "--ca-file", s.ca, *args], log)


def calls_json(s):
    return json.loads(s.sotto("calls", "--json").stdout)["calls"]


def registrations_json(s):
    return json.loads(s.sotto("registrations", "--json").stdout)["registrations"]


def baresip(wd, s, name, user, wav, answermode, modules=()):
    """(-s: baresip prints every SIP message it sends and receives in its log.)"""
    """A baresip phone whose account line is `sotto provision baresip USER` plus answer mode and codec."""
    line = [l for l in s.sotto("provision", "baresip", user, "--password", USERS[user], "--server",
                               f"127.0.0.1:{s.tls_port}").stdout.splitlines() if l.startswith("<sip:")][0]
    pki = h.make_pki(wd) if not os.path.exists(wd.file("srv-combined.pem")) else {
        "ca": wd.file("ca.pem"), "combined": wd.file("srv-combined.pem")}
    pki = dict(pki, ca=s.ca)
    return h.Baresip(wd, name, pki, wd.file(wav), account=f"{line};answermode={answermode};audio_codecs=pcmu",
                     modules=modules, sip_trace=True)


def baresip_messages(b, server_port):
    """The SIP messages baresip -s printed: (direction, text) with direction "received" (from the server's
    port) or "sent". Each is printed as "#", "TLS SRC:PORT -> DST:PORT", the message, then a colour reset."""
    log = text(b.wd.file(f"baresip-{b.name}.log"))
    out = []
    for m in re.finditer(r"(?s)\nTLS [\d.]+:(\d+) -> [\d.]+:(\d+)\n(.*?)(?=\x1b\[|\Z)", log):
        out.append(("received" if int(m.group(1)) == server_port else "sent", m.group(3)))
    return out


def starts(msgs, direction, start_re, cseq=None):
    return [t for d, t in msgs if d == direction and re.match(start_re, t)
            and (cseq is None or re.search(rf"(?mi)^CSeq: \d+ {cseq}\r?$", t))]


def incoming_calls(b):
    """Incoming calls baresip announced in its log (menu module: "... Incoming call from: ...")."""
    return len(re.findall(r"(?i)incoming call from", text(b.wd.file(f"baresip-{b.name}.log"))))


class ProvisionedLinphone(h.Linphone):
    """linphonec whose account ([proxy_0], [auth_info_0], the SRTP and CA keys of [sip]) is exactly what
    `sotto provision linphone USER` printed; only the loopback bindings (PEERS.md) are added here."""

    def __init__(self, wd, s, user, play_wav, record_wav, sip_extra=None, autoanswer=False, args=()):
        self.wd = wd
        self.socket_path = f"/tmp/linphonec-{os.getuid()}"
        if os.path.exists(self.socket_path):
            raise RuntimeError(f"{self.socket_path} exists: another linphonec of this uid is running")
        home = wd.file("linphone-home")
        os.makedirs(os.path.join(home, ".local", "share", "linphone"), exist_ok=True)
        snippet = s.sotto("provision", "linphone", user, "--password", USERS[user], "--server",
                          f"127.0.0.1:{s.tls_port}").stdout
        sections, current = {}, None
        for line in snippet.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.match(r"^\[(.+)\]$", line)
            if m:
                current = sections.setdefault(m.group(1), {})
                continue
            k, _, v = line.partition("=")
            current[k] = v
        for section in ("sip", "proxy_0", "auth_info_0"):
            assert section in sections, f"provision linphone printed no [{section}]:\n{snippet}"
        rtp = h.free_udp_block(30000, 32700, 40)
        local = {"sip": {"sip_port": "0", "sip_tcp_port": "0", "sip_tls_port": str(h.free_port()),
                         "bind_address": "127.0.0.1", "use_ipv6": "0", "ipv6_migration_done": "1"},
                 "rtp": {"bind_address": "127.0.0.1", "audio_rtp_port": f"{rtp}-{rtp + 40}"},
                 "sound": {"echocancellation": "0"}}
        for k, v in (sip_extra or {}).items():
            local["sip"][k] = v
        for name, keys in local.items():
            for k, v in keys.items():
                assert k not in sections.get(name, {}), f"provision output sets [{name}] {k}; the test would override it"
                sections.setdefault(name, {})[k] = v
        with open(wd.file("linphonerc"), "w") as f:
            for name, keys in sections.items():
                f.write(f"[{name}]\n" + "".join(f"{k}={v}\n" for k, v in keys.items()) + "\n")
        env = dict(os.environ, HOME=home)
        self.proc = wd.spawn(["linphonec", "--pipe", "-c", wd.file("linphonerc"), "-d", "6", "-l",
                              wd.file("linphone-debug.log"), *args], "linphone.log", env=env)
        deadline = time.time() + 10
        while time.time() < deadline and not os.path.exists(self.socket_path):
            time.sleep(0.1)
        if not os.path.exists(self.socket_path):
            raise RuntimeError(f"linphonec did not start; see {wd.file('linphone.log')}")
        self.command("soundcard use files")
        if autoanswer:
            self.command("autoanswer enable")
        self.command(f"play {play_wav}")
        self.command(f"record {record_wav}")

    def debug(self):
        return text(self.wd.file("linphone-debug.log"))


def sip_messages_in_linphone_log(log):
    """SIP messages belle-sip printed at -d 6: "message sent to [TLS://...], size: [N] bytes" or "received [N]
    new bytes from [TLS://...]:", then the message, up to the next timestamped log line. List of (direction,
    text)."""
    out = []
    for m in re.finditer(r"(?s)(message sent to|received \[\d+\] new bytes from) \[[^\]]*\][^\n]*\n(.*?)"
                         r"(?=\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3} |\Z)", log):
        out.append(("sent" if m.group(1) == "message sent to" else "received", m.group(2)))
    return out


# ------------------------------------------------------------------------------------------------

def two_phones_of_one_user_both_ring_the_loser_gets_cancel_the_winner_has_audio():
    need("baresip")
    wd, s = start_server("features-fork")
    phones = []
    try:
        bob1 = baresip(wd, s, "bob1", "bob", "b.wav", "manual")
        bob2 = baresip(wd, s, "bob2", "bob", "c.wav", "manual")
        phones += [bob1, bob2]
        wait_for(lambda: s.log().count("registered bob ") >= 2, 15, "both baresip registrations of bob")
        assert len(registrations_json(s)) == 2, registrations_json(s)
        alice = phone(wd, s, "alice", "alice.log", ["--play", wd.file("a.wav"), "--record", wd.file("alice.wav"),
                                                    "--duration", "4", "--timeout", "20", "--json", "call",
                                                    "sips:bob@localhost"])
        wait_for(lambda: incoming_calls(bob1) == 1 and incoming_calls(bob2) == 1, 15, "both of bob's phones to ring")
        bob2.command_ok("accept")
        rep, rc = report_of(wd, "alice.log", alice)
        assert rc == 0 and rep["srtp_suite"] and rep["auth_failures"] == 0, rep
        wait_for(lambda: "ended, answered 200" in s.log(), 10, "the call's end")
        m1, m2 = baresip_messages(bob1, s.tls_port), baresip_messages(bob2, s.tls_port)
        assert len(starts(m1, "received", r"INVITE sip:")) == 1 and len(starts(m2, "received", r"INVITE sip:")) == 1
        # The loser: CANCEL from the server, 200 to it and 487 to the INVITE; it never answered 200.
        assert len(starts(m1, "received", r"CANCEL sip:")) == 1, m1
        assert starts(m1, "sent", r"SIP/2\.0 200 OK\r?\n", "CANCEL") and starts(m1, "sent", r"SIP/2\.0 487 Request Terminated", "INVITE")
        assert not starts(m1, "sent", r"SIP/2\.0 200 ", "INVITE"), "the loser answered"
        assert not starts(m2, "received", r"CANCEL "), "the winner got a CANCEL"
        assert starts(m2, "sent", r"SIP/2\.0 200 ", "INVITE")
        assert bob1.decoded_recording() is None, "the loser never had media"
        check_audio(wd.file("a.wav"), bob2.decoded_recording(), "alice -> serve -> bob2 (the winner)")
        check_audio(wd.file("c.wav"), wd.file("alice.wav"), "bob2 -> serve -> alice")
        wrong = h.correlate(wd.file("b.wav"), wd.file("alice.wav"))
        assert wrong["peak"] < 0.2, f"alice heard the loser's audio: {wrong}"
        c = calls_json(s)
        assert len(c) == 1 and c[0]["result"] == "answered" and c[0]["verdict"] == "secure", c
        for leg in c[0]["legs"]:
            assert leg["srtp_suite"] and leg["auth_failures"] == 0 and leg["packets_in"] > 100, leg
        print("  INVITE to both of bob's baresip phones; bob2 answered 200; bob1 got CANCEL and answered 487", flush=True)
        assert s.stop() == 0
    finally:
        for p in phones:
            p.stop()
        wd.cleanup()


def a_call_to_linphones_pub_gruu_reaches_linphone_only():
    need("baresip")
    need("linphonec")
    wd, s = start_server("features-gruu")
    lp = bare = None
    try:
        bare = baresip(wd, s, "bob-baresip", "bob", "c.wav", "auto")
        lp = ProvisionedLinphone(wd, s, "bob", wd.file("b.wav"), wd.file("linphone.wav"), autoanswer=True)
        wait_for(lambda: s.log().count("registered bob ") >= 2, 20, "linphone's and baresip's registrations")
        regs = registrations_json(s)
        assert len(regs) == 2, regs
        msgs = sip_messages_in_linphone_log(lp.debug())
        register = [t for d, t in msgs if d == "sent" and t.startswith("REGISTER ")]
        assert register and re.search(r"(?im)^Supported:.*\bgruu\b", register[-1]) and "+sip.instance" in register[-1], register
        ok = [t for d, t in msgs if d == "received" and t.startswith("SIP/2.0 200 ") and re.search(r"(?m)^CSeq: \d+ REGISTER", t)]
        assert ok, "linphone received no 200 to its REGISTER"
        m = re.search(r'pub-gruu="([^"]+)"', ok[-1])
        assert m, f"no pub-gruu in the 200 linphone received:\n{ok[-1]}"
        gruu = m.group(1)
        assert ";gr=urn:uuid:" in gruu, gruu
        assert [r for r in regs if r["gruu"] == gruu], regs
        print(f"  linphone's pub-gruu: {gruu}", flush=True)
        alice = phone(wd, s, "alice", "alice.log", ["--play", wd.file("a.wav"), "--record", wd.file("alice.wav"),
                                                    "--duration", "4", "--timeout", "20", "--json", "call", gruu])
        rep, rc = report_of(wd, "alice.log", alice)
        assert rc == 0 and rep["srtp_suite"] and rep["auth_failures"] == 0, rep
        check_audio(wd.file("b.wav"), wd.file("alice.wav"), "linphone (via its GRUU) -> serve -> alice")
        bm = baresip_messages(bare, s.tls_port)
        assert starts(bm, "sent", r"REGISTER ") and starts(bm, "received", r"SIP/2\.0 200 OK", "REGISTER"), bm
        assert not starts(bm, "received", r"INVITE ") and incoming_calls(bare) == 0, \
            "the baresip phone of the same user got an INVITE for a call to linphone's GRUU"
        assert len([t for d, t in sip_messages_in_linphone_log(lp.debug()) if d == "received" and t.startswith("INVITE ")]) == 1
        lp.stop()
        h.check_linphone_recording(wd.file("a.wav"), wd.file("b.wav"), wd.file("linphone.wav"),
                                   "alice -> serve -> linphone (via its GRUU)")
        c = calls_json(s)
        assert len(c) == 1 and c[0]["result"] == "answered" and c[0]["verdict"] == "secure", c
        assert c[0]["to"] == gruu or "gr=" in c[0]["to"], c
        assert s.stop() == 0
    finally:
        if lp:
            lp.stop()
        if bare:
            bare.stop()
        wd.cleanup()


def linphone_calls_with_a_late_offer_and_answers_in_the_ack():
    need("linphonec")
    wd, s = start_server("features-late")
    lp = None
    try:
        bob = phone(wd, s, "bob", "bob.log", ["--play", wd.file("b.wav"), "--record", wd.file("bob.wav"), "--sip-trace",
                                              "--json", "listen", "--auto-answer"])
        wait_for(lambda: "waiting for a call" in text(wd.file("bob.log")), 15, "bob's registration")
        lp = ProvisionedLinphone(wd, s, "alice", wd.file("a.wav"), wd.file("linphone.wav"), sip_extra={"sdp_200_ack": "1"})
        wait_for(lambda: "registered alice " in s.log(), 20, "linphone's registration")
        lp.command("call sip:bob@localhost")
        wait_for(lambda: "answered" in s.log(), 20, "the call to be answered")
        time.sleep(4)
        lp.command("terminate")
        rep, rc = report_of(wd, "bob.log", bob)
        assert rc == 0 and rep["srtp_suite"] and rep["auth_failures"] == 0, rep
        msgs = sip_messages_in_linphone_log(lp.debug())
        invites = [t for d, t in msgs if d == "sent" and t.startswith("INVITE ")]
        # Every INVITE linphone sent (the first one, and again with credentials after our 407) had no SDP.
        assert invites and all(re.search(r"(?im)^Content-Length: 0\s*$", t) and "m=audio" not in t for t in invites), invites
        ok = [t for d, t in msgs if d == "received" and t.startswith("SIP/2.0 200 ") and re.search(r"(?m)^CSeq: \d+ INVITE", t)]
        assert ok and "m=audio" in ok[0] and "a=crypto:" in ok[0], ok[:1]  # our offer
        cseq = re.search(r"(?m)^CSeq: (\d+) INVITE", ok[0]).group(1)
        ack = [t for d, t in msgs if d == "sent" and t.startswith("ACK ") and re.search(rf"(?m)^CSeq: {cseq} ACK", t)]
        assert ack and "m=audio" in ack[0] and "a=crypto:" in ack[0], ack[:1]  # linphone's answer
        suite = re.search(r"a=crypto:\d+ ([A-Z0-9_]+) ", ack[0]).group(1)
        print(f"  linphone: {len(invites)} INVITE(s) without SDP; our offer in the 200; its answer in the ACK ({suite})",
              flush=True)
        check_audio(wd.file("a.wav"), wd.file("bob.wav"), "linphone (late offer) -> serve -> bob")
        lp.stop()
        h.check_linphone_recording(wd.file("b.wav"), wd.file("a.wav"), wd.file("linphone.wav"),
                                   "bob -> serve -> linphone (late offer)")
        c = calls_json(s)
        assert len(c) == 1 and c[0]["result"] == "answered" and c[0]["verdict"] == "secure", c
        for leg in c[0]["legs"]:
            assert leg["srtp_suite"] and leg["auth_failures"] == 0 and leg["packets_in"] > 100, leg
        assert s.stop() == 0
    finally:
        if lp:
            lp.stop()
        wd.cleanup()


def early_media_from_a_183_reaches_the_caller_before_any_200():
    """bob's linphone sends early media (`linphonec --real-early-media`: 183 with SDP, then its WAV as
    audio) and never answers; alice's baresip plays early media and records it, then hangs up (CANCEL).
    baresip 1.0's own answermode=early sends the 183 with SDP but never starts its audio source, so it
    cannot be the callee here (docs/B2BUA.md)."""
    need("baresip")
    need("linphonec")
    wd, s = start_server("features-early")
    lp = alice = None
    try:
        lp = ProvisionedLinphone(wd, s, "bob", wd.file("b.wav"), wd.file("linphone.wav"), args=("--real-early-media",))
        alice = baresip(wd, s, "alice", "alice", "a.wav", "auto")
        wait_for(lambda: s.log().count("registered ") >= 2, 20, "both registrations")
        alice.command_ok("dial", "sip:bob@localhost")
        wait_for(lambda: "Sending early media" in lp.log(), 15, "linphone's early media")
        time.sleep(4)
        alice.command_ok("hangup")
        wait_for(lambda: "ended, cancelled" in s.log(), 10, "the cancelled call's end")
        # The server logs the record before its 487 goes out (the record is durable first): wait for the 487.
        wait_for(lambda: starts(baresip_messages(alice, s.tls_port), "received", r"SIP/2\.0 487 ", "INVITE"), 10,
                 "the 487 at alice")
        am = baresip_messages(alice, s.tls_port)
        early = starts(am, "received", r"SIP/2\.0 183 ", "INVITE")
        assert early and "m=audio" in early[0] and "a=crypto:" in early[0], early
        assert not starts(am, "received", r"SIP/2\.0 200 ", "INVITE"), "alice got a 200: not early media"
        assert starts(am, "sent", r"CANCEL ") and starts(am, "received", r"SIP/2\.0 487 ", "INVITE")
        lm = [t for d, t in sip_messages_in_linphone_log(lp.debug()) if d == "sent"]
        assert [t for t in lm if t.startswith("SIP/2.0 183 ") and "m=audio" in t], "linphone sent no 183 with SDP"
        assert not [t for t in lm if t.startswith("SIP/2.0 200 ") and re.search(r"(?m)^CSeq: \d+ INVITE", t)]
        c = calls_json(s)
        assert len(c) == 1 and c[0]["result"] == "cancelled" and c[0]["status"] == 487 and c[0]["verdict"] == "secure", c
        # No 200 anywhere: whatever alice recorded came as early media, through the relay.
        check_audio(wd.file("b.wav"), alice.decoded_recording(), "bob's early media -> serve -> alice")
        legs = c[0]["legs"]
        assert len(legs) == 2 and all(l["srtp_suite"] for l in legs), legs
        assert legs[0]["packets_out"] > 100 and legs[1]["packets_in"] > 100 and \
            all(l["auth_failures"] == 0 for l in legs), legs
        print(f"  cancelled call: the relay sent alice {legs[0]['packets_out']} packets of bob's early media "
              f"(bob's leg: {legs[1]['packets_in']} in)", flush=True)
        assert s.stop() == 0
    finally:
        if lp:
            lp.stop()
        if alice:
            alice.stop()
        wd.cleanup()


def tail(path, out, skip_s):
    with wave.open(path) as w:
        rate = w.getframerate()
        w.readframes(int(skip_s * rate))
        frames = w.readframes(w.getnframes())
        with wave.open(out, "wb") as o:
            o.setnchannels(w.getnchannels())
            o.setsampwidth(w.getsampwidth())
            o.setframerate(rate)
            o.writeframes(frames)
    return out


def hold_and_resume_on_both_legs_after_the_roc_wrap():
    need("tshark")
    wd, s = start_server("features-roc")
    try:
        lo, hi = s.rtp_ports
        cap = h.Capture(wd, f"udp and host 127.0.0.1 and portrange {lo}-{hi}")
        # Both phones start at sequence 65500: 36 packets (0.72 s at 50 packets/s) later their ROC is 1, well
        # before alice holds (1.5 s) and resumes (2.5 s), then bob holds (3 s) and resumes (4 s).
        common = ["--rtp-initial-seq", "65500", "--json"]
        bob = phone(wd, s, "bob", "bob.log", common + ["--play", wd.file("b.wav"), "--record", wd.file("bob.wav"),
                                                       "--hold-at", "3", "--resume-at", "4", "listen", "--auto-answer"])
        wait_for(lambda: "waiting for a call" in text(wd.file("bob.log")), 15, "bob's registration")
        alice = phone(wd, s, "alice", "alice.log", common + ["--play", wd.file("a.wav"), "--record", wd.file("alice.wav"),
                                                             "--hold-at", "1.5", "--resume-at", "2.5", "--duration", "7",
                                                             "call", "sips:bob@localhost"])
        rep, rc = report_of(wd, "alice.log", alice)
        brep, brc = report_of(wd, "bob.log", bob)
        time.sleep(0.3)
        cap.stop()
        assert rc == 0 and brc == 0, (rep, brep)
        for r in (rep, brep):
            assert r["auth_failures"] == 0 and r["srtp_replays"] == 0, r
        # On the wire, all four flows (alice -> relay -> bob, bob -> relay -> alice) crossed the wrap: sequence
        # numbers above 65500 and, later, small ones (the ROC is 1 from there on).
        flows = {k: v for k, v in udp_flows(cap.file).items() if len(v) > 100}
        assert len(flows) == 4, {k: len(v) for k, v in flows.items()}
        for k, v in flows.items():
            seqs = [seq for _, seq in v]
            assert max(seqs) >= 65500 and min(seqs) < 100 and len(seqs) > 200, (k, min(seqs), max(seqs), len(seqs))
        print(f"  4 relay flows, each with sequence numbers from >= 65500 across 0: "
              f"{sorted(len(v) for v in flows.values())} packets", flush=True)
        for log in ("alice.log", "bob.log"):
            assert text(wd.file(log)).count("media updated") >= 4, f"{log}: expected 2 re-INVITEs each way"
        # After both resumes (4 s after the answer) the audio still flows both ways: the first 2 s of each
        # recording's last 2.7 s are found in what the other phone played (anywhere: a held phone's player
        # pauses while it does not send, so the stretch is not at the same offset).
        for ref, rec in (("b.wav", "alice.wav"), ("a.wav", "bob.wav")):
            part = tail(wd.file(rec), wd.file("tail-" + rec), 4.3)
            r = subprocess.run([h.wav_correlate_bin(), part, wd.file(ref), "8000"], check=True, capture_output=True,
                               text=True)
            c = json.loads(r.stdout)
            assert c["peak"] > 0.9 and c["rms"] > 500, f"{rec} after the resumes: {c}"
            print(f"  {rec} from 4.3 s on: correlation {c['peak']:.3f} with {ref} at {c['lag_ms'] / 1000:.2f} s", flush=True)
        c = calls_json(s)
        assert len(c) == 1 and c[0]["result"] == "answered" and c[0]["verdict"] == "secure", c
        for leg in c[0]["legs"]:
            assert leg["srtp_suite"] and leg["auth_failures"] == 0 and leg["packets_in"] > 200, leg
        assert s.stop() == 0
    finally:
        wd.cleanup()


SCENARIOS = [
    two_phones_of_one_user_both_ring_the_loser_gets_cancel_the_winner_has_audio,
    a_call_to_linphones_pub_gruu_reaches_linphone_only,
    linphone_calls_with_a_late_offer_and_answers_in_the_ack,
    early_media_from_a_183_reaches_the_caller_before_any_200,
    hold_and_resume_on_both_legs_after_the_roc_wrap,
]

if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS))
