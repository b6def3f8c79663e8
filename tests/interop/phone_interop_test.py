#!/usr/bin/env python3
"""End-to-end calls of `sotto phone` with real peers on loopback, audio checked by correlation.

  tests/interop/phone_interop_test.py [-k NAME]      # SOTTO_BUILD_DIR=build/default by default

Each scenario is named for what it checks. A scenario whose peer or tool is missing FAILS (scripts/setup
installs them all); a scenario skipped on purpose (Skip) is reported as SKIPPED, and the script then exits
77, which ctest shows as "Not Run", never as passed. The last line is "N passed, N failed, N skipped".
Wire checks count only the call's own ports (learnt from the SDP in the --sip-trace log), so other RTP on
the machine (tools/rtp-noise.py) does not change the result.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

AUDIO_MIN = 0.9


SKIP_EXIT = 77  # ctest SKIP_RETURN_CODE (tests/CMakeLists.txt)


class Skip(Exception):
    """A scenario that cannot run here on purpose; reported as SKIPPED and exit 77, never as a pass."""


class Missing(AssertionError):
    """A peer or tool the scenario needs is not installed: a failure (scripts/setup installs them all)."""


def need(binary):
    if shutil.which(binary) is None:
        raise Missing(f"{binary} is not installed (scripts/setup installs it): this interop was NOT checked")


def sotto_phone(wd, log, args):
    return wd.spawn([h.sotto_bin(), "phone", *args], log)


def report_of(wd, log, proc, timeout=40):
    proc.wait(timeout=timeout)
    lines = [l for l in open(wd.file(log)).read().splitlines() if l.startswith("{")]
    if not lines:
        raise AssertionError(f"no JSON report from sotto phone; log:\n{open(wd.file(log)).read()}")
    return json.loads(lines[-1]), proc.returncode


def check_audio(reference, recording, what):
    c = h.correlate(reference, recording)
    assert c["peak"] > AUDIO_MIN, f"{what}: correlation {c['peak']} (lag {c['lag_ms']} ms) <= {AUDIO_MIN}"
    return c


def tls_args(pki, port=0):
    return ["--listen", f"tls://127.0.0.1:{port}", "--cert", pki["cert"], "--key", pki["key"], "--ca-file", pki["ca"]]


def setup(tag):
    wd = h.Workdir(tag)
    pki = h.make_pki(wd)
    h.make_noise_wav(wd.file("a.wav"), 1)
    h.make_noise_wav(wd.file("b.wav"), 2)
    return wd, pki


# ------------------------------------------------------------------------------------------------
def sotto_calls_baresip_over_tls_with_mandatory_srtp():
    need("baresip")
    need("tshark")
    wd, pki = setup("to-baresip")
    try:
        bob = h.Baresip(wd, "bob", pki, wd.file("b.wav"), mediaenc="srtp-mand")
        cap = h.Capture(wd, f"host 127.0.0.1 and (port {bob.base + 1} or udp)")
        p = sotto_phone(wd, "sotto.log", tls_args(pki) + ["--play", wd.file("a.wav"), "--record", wd.file("rec.wav"),
                                                          "--duration", "4", "--sip-trace", "--json", "call", bob.tls_uri])
        rep, rc = report_of(wd, "sotto.log", p)
        bob.stop()
        assert rc == 0, f"exit {rc}: {rep}"
        assert rep["transport"] == "TLS" and rep["tls_version"] in ("TLSv1.2", "TLSv1.3"), rep
        assert rep["srtp_suite"] == "AES_CM_128_HMAC_SHA1_80", rep
        assert rep["auth_failures"] == 0 and rep["packets_in"] > 150, rep
        check_audio(wd.file("b.wav"), wd.file("rec.wav"), "baresip -> sotto")
        check_audio(wd.file("a.wav"), bob.decoded_recording(), "sotto -> baresip")
        cap.stop()
        ports = h.sdp_media_ports(wd.file("sotto.log"))
        assert len(ports) == 4, f"our and baresip's RTP and RTCP ports from the SDP: {ports}"
        wire = h.wire_check(cap.file, bob.base + 1, ports)
        assert wire["cleartext_sip_packets"] == 0 and wire["sip_packets"] > 0, wire
        assert wire["media_looks_encrypted"] and wire["rtp_packets"] > 300, wire
    finally:
        wd.cleanup()


def baresip_calls_sotto_over_tls_with_mandatory_srtp():
    need("baresip")
    wd, pki = setup("from-baresip")
    try:
        port = h.free_port()
        p = sotto_phone(wd, "sotto.log", tls_args(pki, port) + ["--play", wd.file("b.wav"), "--record", wd.file("rec.wav"),
                                                                "--duration", "4", "--json", "listen", "--auto-answer"])
        time.sleep(0.5)
        alice = h.Baresip(wd, "alice", pki, wd.file("a.wav"), mediaenc="srtp-mand")
        time.sleep(1.0)  # ctrl_tcp answers before the account's TLS transport is up
        alice.command_ok("dial", f"sip:sotto@127.0.0.1:{port}")  # PEERS.md: no ;transport=tls (TLS account)

        rep, rc = report_of(wd, "sotto.log", p)
        time.sleep(0.5)
        alice.stop()
        assert rc == 0, f"exit {rc}: {rep}"
        assert rep["srtp_suite"] == "AES_CM_128_HMAC_SHA1_80" and rep["transport"] == "TLS", rep
        check_audio(wd.file("a.wav"), wd.file("rec.wav"), "baresip -> sotto")
        check_audio(wd.file("b.wav"), alice.decoded_recording(), "sotto -> baresip")
    finally:
        wd.cleanup()


def sotto_offers_best_effort_srtp_to_baresip():
    need("baresip")
    wd, pki = setup("best-effort")
    try:
        bob = h.Baresip(wd, "bob", pki, wd.file("b.wav"), mediaenc="srtp")
        p = sotto_phone(wd, "sotto.log", tls_args(pki) + ["--srtp", "offer", "--srtp-offer", "avp", "--play", wd.file("a.wav"),
                                                          "--record", wd.file("rec.wav"), "--duration", "3", "--json",
                                                          "call", bob.tls_uri])
        rep, rc = report_of(wd, "sotto.log", p)
        bob.stop()
        assert rc == 0, rep
        assert rep["srtp_suite"] == "AES_CM_128_HMAC_SHA1_80", f"best effort must still end up SRTP: {rep}"
        check_audio(wd.file("b.wav"), wd.file("rec.wav"), "baresip -> sotto")
    finally:
        wd.cleanup()


def baresip_best_effort_srtp_calls_sotto_in_offer_mode():
    need("baresip")
    wd, pki = setup("from-baresip-best-effort")
    try:
        port = h.free_port()
        p = sotto_phone(wd, "sotto.log", tls_args(pki, port) + ["--srtp", "offer", "--play", wd.file("b.wav"),
                                                                "--record", wd.file("rec.wav"), "--duration", "3",
                                                                "--json", "listen", "--auto-answer"])
        time.sleep(0.5)
        alice = h.Baresip(wd, "alice", pki, wd.file("a.wav"), mediaenc="srtp")
        time.sleep(1.0)
        alice.command_ok("dial", f"sip:sotto@127.0.0.1:{port}")
        rep, rc = report_of(wd, "sotto.log", p)
        time.sleep(0.5)
        alice.stop()
        assert rc == 0, rep
        assert rep["srtp_suite"] == "AES_CM_128_HMAC_SHA1_80", f"RTP/AVP + a=crypto must be answered with SRTP: {rep}"
        check_audio(wd.file("a.wav"), wd.file("rec.wav"), "baresip -> sotto")
        check_audio(wd.file("b.wav"), alice.decoded_recording(), "sotto -> baresip")
    finally:
        wd.cleanup()


def baresip_answering_an_unoffered_suite_is_refused_not_fail_open():
    """Offered only F8 (which baresip lacks), baresip 1.0 answers 200 with a crypto line we never
    offered and would send RTP (PEERS.md). We must end the call with a reason, never play media."""
    need("baresip")
    wd, pki = setup("fail-open")
    try:
        bob = h.Baresip(wd, "bob", pki, wd.file("b.wav"), mediaenc="srtp-mand")
        p = sotto_phone(wd, "sotto.log", tls_args(pki) + ["--suites", "F8_128_HMAC_SHA1_80", "--duration", "3",
                                                          "--sip-trace", "--json", "call", bob.tls_uri])
        rep, rc = report_of(wd, "sotto.log", p)
        bob.stop()
        assert rc == 1, f"the call must fail: {rep}"
        assert rep["result"] == "failed" and rep["packets_out"] == 0 and rep["packets_in"] == 0, rep
        # The reason, exactly: baresip's answer names a suite that the tag we offered did not.
        assert rep["error"] == ("SRTP answer m-line 0 (audio): a=crypto tag 1 names AES_CM_128_HMAC_SHA1_80, but our "
                                "offer's tag 1 was F8_128_HMAC_SHA1_80 (RFC 4568 section 7.1.2: same suite)"), rep
        # The 200 was acknowledged and the call ended with a BYE (RFC 3264: no media under an unusable answer).
        sent = [m["start"].split()[0] for m in h.sip_trace_messages(wd.file("sotto.log")) if m["dir"] == "sent"]
        assert sent[:1] == ["INVITE"] and "ACK" in sent and "BYE" in sent and sent.index("ACK") < sent.index("BYE"), sent
    finally:
        wd.cleanup()


def sotto_to_sotto_every_suite_over_tls():
    wd, pki = setup("every-suite")
    failures = []
    try:
        for suite in ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AES_192_CM_HMAC_SHA1_80",
                      "AES_192_CM_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_32",
                      "AEAD_AES_128_GCM", "AEAD_AES_256_GCM", "AEAD_AES_128_GCM_8", "AEAD_AES_256_GCM_8",
                      "F8_128_HMAC_SHA1_80"]:
            port = h.free_port()
            common = ["--suites", suite, "--json"]
            callee = sotto_phone(wd, f"callee-{suite}.log", tls_args(pki, port) + common + [
                "--play", wd.file("b.wav"), "--record", wd.file(f"callee-{suite}.wav"), "listen", "--auto-answer"])
            time.sleep(0.3)
            caller = sotto_phone(wd, f"caller-{suite}.log", tls_args(pki) + common + [
                "--play", wd.file("a.wav"), "--record", wd.file(f"caller-{suite}.wav"), "--duration", "2.5",
                "call", f"sips:bob@127.0.0.1:{port}"])
            rep, rc = report_of(wd, f"caller-{suite}.log", caller)
            crep, crc = report_of(wd, f"callee-{suite}.log", callee)
            try:
                assert rc == 0 and crc == 0, f"exit {rc}/{crc}: {rep} / {crep}"
                assert rep["srtp_suite"] == suite and crep["srtp_suite"] == suite, (rep, crep)
                check_audio(wd.file("a.wav"), wd.file(f"callee-{suite}.wav"), f"{suite} caller -> callee")
                check_audio(wd.file("b.wav"), wd.file(f"caller-{suite}.wav"), f"{suite} callee -> caller")
            except AssertionError as e:
                failures.append(f"{suite}: {e}")
        assert not failures, "\n".join(failures)
    finally:
        wd.cleanup()


def linphone_calls_sotto_over_tls_with_srtp():
    """linphone-cli (belle-sip, mbedTLS, TLS 1.2 only) calls us; its TLS listener never accepts, so our 200,
    and the BYE at --duration, must go down the connection linphone opened."""
    need("linphonec")
    wd, pki = setup("linphone")
    lp = None
    try:
        port = h.free_port()
        callee = sotto_phone(wd, "sotto.log", tls_args(pki, port) + [
            "--play", wd.file("a.wav"), "--record", wd.file("sotto.wav"), "--duration", "4", "--json", "listen",
            "--auto-answer"])
        time.sleep(0.3)
        lp = h.Linphone(wd, pki, wd.file("b.wav"), wd.file("linphone.wav"))
        reply = lp.command(f"call sips:sotto@127.0.0.1:{port}")
        assert "in progress" in reply or "Establishing" in reply, reply
        rep, rc = report_of(wd, "sotto.log", callee)
        deadline = time.time() + 10
        call_lines = lambda: [l for l in lp.log().splitlines() if l.startswith(f"Call 1 with sips:sotto@127.0.0.1:{port} ")]
        while time.time() < deadline and not any(l.endswith(" ended (No error).") for l in call_lines()):
            time.sleep(0.2)
        lp.stop()
        assert rc == 0, rep
        assert rep["transport"] == "TLS" and rep["tls_version"] == "TLSv1.2", rep
        assert rep["srtp_suite"] == "AES_CM_128_HMAC_SHA1_80" and rep["auth_failures"] == 0, rep
        # linphonec's own status lines for this call, e.g. "Call 1 with sips:sotto@127.0.0.1:P connected."
        assert [l.split(f"{port} ", 1)[1] for l in call_lines()][-2:] == ["connected.", "ended (No error)."], lp.log()
        check_audio(wd.file("b.wav"), wd.file("sotto.wav"), "linphone -> sotto")
        h.check_linphone_recording(wd.file("a.wav"), wd.file("b.wav"), wd.file("linphone.wav"), "sotto -> linphone")
    finally:
        if lp:
            lp.stop()
        wd.cleanup()


def callee_accepting_only_pcma_gets_pcma_both_ways():
    """The caller offers PCMU then PCMA; the callee takes only PCMA. On the wire (the RTP header is clear
    under SRTP) every audio packet both ways must be payload type 8, and the audio must survive A-law."""
    need("tshark")
    wd, pki = setup("pcma")
    try:
        port = h.free_port()
        cap = h.Capture(wd, "host 127.0.0.1 and udp")
        callee = sotto_phone(wd, "callee.log", tls_args(pki, port) + [
            "--codecs", "PCMA", "--play", wd.file("b.wav"), "--record", wd.file("callee.wav"), "--sip-trace", "--json",
            "listen", "--auto-answer"])
        time.sleep(0.3)
        caller = sotto_phone(wd, "caller.log", tls_args(pki) + [
            "--play", wd.file("a.wav"), "--record", wd.file("caller.wav"), "--duration", "3", "--sip-trace", "--json",
            "call", f"sips:bob@127.0.0.1:{port}"])
        rep, rc = report_of(wd, "caller.log", caller)
        crep, crc = report_of(wd, "callee.log", callee)
        assert rc == 0 and crc == 0, (rep, crep)
        cap.stop()
        assert rep["codec"] == "PCMA" and crep["codec"] == "PCMA", (rep, crep)
        # Only this call's packets: both ends among the ports its SDP named (RTP noise on the machine is PCMU).
        ports = h.sdp_media_ports(wd.file("caller.log"))
        assert len(ports) == 4 and ports == h.sdp_media_ports(wd.file("callee.log")), ports
        wire = h.wire_check(cap.file, port, ports)
        pts = wire["rtp_payload_types"]
        assert pts.get("8", 0) > 250 and set(pts) <= {"8", "101"}, f"only PCMA (8) expected on the wire: {pts}"
        check_audio(wd.file("b.wav"), wd.file("caller.wav"), "callee -> caller (PCMA)")
        check_audio(wd.file("a.wav"), wd.file("callee.wav"), "caller -> callee (PCMA)")
    finally:
        wd.cleanup()


def plain_call_over_udp_shows_on_the_wire():
    need("tshark")
    wd, pki = setup("plain")
    try:
        port = h.free_port(socket.SOCK_DGRAM)
        cap = h.Capture(wd, "host 127.0.0.1 and udp")
        common = ["--srtp", "off", "--sip-trace", "--json"]
        callee = sotto_phone(wd, "callee.log", ["--listen", f"udp://127.0.0.1:{port}", *common, "--play", wd.file("b.wav"),
                                               "listen", "--auto-answer"])
        time.sleep(0.3)
        caller = sotto_phone(wd, "caller.log", ["--listen", "udp://127.0.0.1:0", *common, "--play", wd.file("a.wav"),
                                               "--record", wd.file("rec.wav"), "--duration", "3",
                                               "call", f"sip:bob@127.0.0.1:{port}"])
        rep, rc = report_of(wd, "caller.log", caller)
        report_of(wd, "callee.log", callee)
        cap.stop()
        assert rc == 0 and rep["srtp_suite"] is None, rep
        check_audio(wd.file("b.wav"), wd.file("rec.wav"), "plain RTP")
        ports = h.sdp_media_ports(wd.file("caller.log"))
        assert len(ports) == 4, ports
        wire = h.wire_check(cap.file, port, ports)
        assert wire["cleartext_sip_packets"] > 0, wire
        assert wire["rtp_packets"] > 250 and set(wire["rtp_payload_types"]) <= {"0", "101"}, wire
        assert not wire["media_looks_encrypted"] and wire["chi_square"] > 1000, wire
    finally:
        wd.cleanup()


def sipp_offer_without_srtp_gets_488_and_the_phone_still_answers_the_next_call():
    """A rejected call (488) must not take `listen --auto-answer` off the line: only an answered call
    ends it."""
    need("sipp")
    wd, pki = setup("sipp-488")
    try:
        port = h.free_port(socket.SOCK_DGRAM)
        common = ["--srtp", "require", "--allow-sdes-over-insecure-transport", "--json"]
        callee = sotto_phone(wd, "callee.log", ["--listen", f"udp://127.0.0.1:{port}", *common, "listen", "--auto-answer"])
        time.sleep(0.3)
        scenario = os.path.join(os.path.dirname(__file__), "sipp", "uac_plain_offer_expects_488.xml")
        sipp_port = h.free_port(socket.SOCK_DGRAM)
        r = subprocess.run(["sipp", "-sf", scenario, "-m", "1", "-i", "127.0.0.1", "-p", str(sipp_port), "-t", "u1",
                            "-timeout", "15", "-timeout_error", "-trace_err", f"127.0.0.1:{port}"],
                           cwd=wd.path, capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, f"sipp exit {r.returncode}: {r.stdout[-800:]} {r.stderr[-800:]}"
        # SIPp checked the Warning header on the wire (305 sotto "SRTP required but not offered ...").
        time.sleep(0.5)
        assert callee.poll() is None, "listen --auto-answer ended after a call it rejected:\n" + open(wd.file("callee.log")).read()
        caller = sotto_phone(wd, "caller.log", ["--listen", f"udp://127.0.0.1:{h.free_port(socket.SOCK_DGRAM)}", *common,
                                                "--duration", "1.5", "call", f"sip:bob@127.0.0.1:{port}"])
        rep, rc = report_of(wd, "caller.log", caller)
        crep, crc = report_of(wd, "callee.log", callee)
        assert rc == 0 and crc == 0, f"exit {rc}/{crc}: {rep} / {crep}"
        assert crep["result"] == "completed" and crep["srtp_suite"] is not None, crep
        log = open(wd.file("callee.log")).read().splitlines()
        assert any(l.startswith("call failed: 488 ") and "SRTP required but not offered" in l for l in log), log
        assert any(l.startswith("call from ") and "not answered" in l and l.endswith("still waiting for a call")
                   for l in log), log
    finally:
        wd.cleanup()


def sipp_malformed_request_gets_400_naming_the_fault():
    need("sipp")
    wd, pki = setup("sipp-400")
    try:
        port = h.free_port(socket.SOCK_DGRAM)
        callee = sotto_phone(wd, "callee.log", ["--listen", f"udp://127.0.0.1:{port}", "--srtp", "off", "--timeout", "5",
                                               "--json", "listen", "--auto-answer"])
        time.sleep(0.3)
        scenario = os.path.join(os.path.dirname(__file__), "sipp", "uac_bad_content_length_expects_400.xml")
        r = subprocess.run(["sipp", "-sf", scenario, "-m", "1", "-i", "127.0.0.1", "-p", str(h.free_port(socket.SOCK_DGRAM)),
                            "-t", "u1", "-timeout", "10", "-timeout_error", f"127.0.0.1:{port}"],
                           cwd=wd.path, capture_output=True, text=True, timeout=30)
        callee.terminate()
        callee.wait(timeout=10)
        assert r.returncode == 0, f"sipp exit {r.returncode}: {r.stdout[-800:]} {r.stderr[-800:]}"
        log = open(wd.file("callee.log")).read()
        assert "incoming call" not in log, "a malformed INVITE must not reach the call logic"
    finally:
        wd.cleanup()


def untrusted_certificate_is_one_clear_line():
    wd, pki = setup("bad-ca")
    try:
        other = h.Workdir("other-ca")
        other_pki = h.make_pki(other)
        port = h.free_port()
        callee = sotto_phone(wd, "callee.log", tls_args(other_pki, port) + ["--json", "listen", "--auto-answer"])
        time.sleep(0.3)
        caller = sotto_phone(wd, "caller.log", tls_args(pki) + ["--json", "--timeout", "5", "call",
                                                                f"sips:bob@127.0.0.1:{port}"])
        rep, rc = report_of(wd, "caller.log", caller)
        callee.terminate()
        other.cleanup()
        assert rc == 1 and rep["result"] == "failed", rep
        assert rep["error"] == (f"cannot reach sips:bob@127.0.0.1:{port}: tls 127.0.0.1 127.0.0.1:{port}: certificate verify "
                                "failed: unknown CA (issuer CN=sotto interop CA)"), rep
        lines = [l for l in open(wd.file("caller.log")).read().splitlines() if l.startswith("sotto phone:")]
        assert len(lines) == 1 and lines[0].endswith("certificate verify failed: unknown CA (issuer CN=sotto interop CA))"), lines
    finally:
        wd.cleanup()


def hold_and_resume_after_the_roc_wrap_keeps_audio_both_ways():
    """Both sides start at RTP sequence 65450, so the ROC is 1 before the re-INVITEs at 2 s (hold) and
    3 s (resume). Keys are kept (RFC 4568 7.1.4): no auth failures, and audio at the end of the call."""
    wd, pki = setup("hold-roc")
    try:
        port = h.free_port()
        common = ["--rtp-initial-seq", "65450", "--json"]
        callee = sotto_phone(wd, "callee.log", tls_args(pki, port) + common + [
            "--play", wd.file("b.wav"), "--record", wd.file("callee.wav"), "listen", "--auto-answer"])
        time.sleep(0.3)
        caller = sotto_phone(wd, "caller.log", tls_args(pki) + common + [
            "--play", wd.file("a.wav"), "--record", wd.file("caller.wav"), "--hold-at", "2", "--resume-at", "3",
            "--duration", "5", "call", f"sips:bob@127.0.0.1:{port}"])
        rep, rc = report_of(wd, "caller.log", caller)
        crep, crc = report_of(wd, "callee.log", callee)
        assert rc == 0 and crc == 0, (rep, crep)
        for r in (rep, crep):
            assert r["auth_failures"] == 0 and r["srtp_replays"] == 0, r
        # The caller held (sendonly): the callee sent nothing for about a second.
        assert crep["packets_out"] < rep["packets_out"] - 30, (rep, crep)
        log = open(wd.file("caller.log")).read()
        assert log.count("media updated") == 2 and "tx key kept" in log, log
        for ref, rec in (("b.wav", "caller.wav"), ("a.wav", "callee.wav")):
            c = check_audio(wd.file(ref), wd.file(rec), f"{rec}")
            assert c["tail_rms"] > 500, f"{rec}: no audio after resume: {c}"
    finally:
        wd.cleanup()


def sipp_rekeying_every_answer_never_repeats_our_srtp_or_srtcp_index():
    """A SIPp UAS over UDP answers the INVITE and both re-INVITEs (hold, resume) with a fresh key of its
    own (RFC 4568 7.1.4). Our key never changes, so our SRTP and SRTCP contexts must simply go on: in the
    capture of what we send to SIPp's media ports, no (SSRC, SRTP index) and no (SSRC, SRTCP index) may
    repeat (a repeat is the same keystream twice). The sequence starts at 65450 so the ROC wraps too."""
    need("sipp")
    need("tshark")
    wd, pki = setup("sipp-rekey")
    try:
        sip_port = h.free_port(socket.SOCK_DGRAM)
        media_port = 31000 + 2 * (os.getpid() % 400)  # outside 20000-30000, where other traffic may be
        cap = h.Capture(wd, f"udp and dst host 127.0.0.1 and (dst port {media_port} or dst port {media_port + 1})")
        scenario = os.path.join(os.path.dirname(__file__), "sipp", "uas_rekeys_every_answer.xml")
        sipp = wd.spawn(["sipp", "-sf", scenario, "-m", "1", "-i", "127.0.0.1", "-p", str(sip_port), "-t", "u1",
                         "-mp", str(media_port), "-nostdin", "-trace_err", "-timeout", "40"],
                        "sipp.log")
        time.sleep(0.5)
        caller = sotto_phone(wd, "caller.log", [
            "--listen", "udp://127.0.0.1:0", "--transport", "udp", "--allow-sdes-over-insecure-transport",
            "--rtp-initial-seq", "65450", "--play", wd.file("a.wav"), "--hold-at", "3", "--resume-at", "6",
            "--duration", "10", "--json", "call", f"sip:sipp@127.0.0.1:{sip_port}"])
        rep, rc = report_of(wd, "caller.log", caller)
        sipp.wait(timeout=20)
        cap.stop()
        assert rc == 0 and sipp.returncode == 0, (rep, sipp.returncode, open(wd.file("sipp.log")).read()[-800:])
        log = open(wd.file("caller.log")).read()
        assert log.count("tx key kept, rx key new") == 2, log
        rtp = subprocess.run(["tshark", "-n", "-r", cap.file, "-Y", f"udp.dstport == {media_port}", "-T", "fields",
                              "-e", "udp.payload"], check=True, capture_output=True, text=True).stdout.split()
        rtcp = subprocess.run(["tshark", "-n", "-r", cap.file, "-Y", f"udp.dstport == {media_port + 1}", "-T", "fields",
                               "-e", "udp.payload"], check=True, capture_output=True, text=True).stdout.split()
        seen_rtp, seen_rtcp, highest = set(), set(), {}
        for hexdata in rtp:
            b = bytes.fromhex(hexdata.replace(":", ""))
            ssrc, seq = int.from_bytes(b[8:12], "big"), int.from_bytes(b[2:4], "big")
            # RFC 3711 3.3.1 index estimate from the highest index seen (packets arrive in order here).
            top = highest.get(ssrc)
            if top is None:
                index = seq
            else:
                roc, s_l = top >> 16, top & 0xFFFF
                v = roc - 1 if (s_l < 32768 and seq - s_l > 32768) else roc + 1 if (s_l >= 32768 and s_l - 32768 > seq) else roc
                index = (v << 16) | seq
            highest[ssrc] = max(index, top or 0)
            assert (ssrc, index) not in seen_rtp, f"SRTP index {index} of SSRC {ssrc:#x} sent twice under one key"
            seen_rtp.add((ssrc, index))
        for hexdata in rtcp:
            b = bytes.fromhex(hexdata.replace(":", ""))
            ssrc = int.from_bytes(b[4:8], "big")
            index = int.from_bytes(b[-14:-10], "big") & 0x7FFFFFFF  # E+index, then the 80-bit tag (no MKI)
            assert (ssrc, index) not in seen_rtcp, f"SRTCP index {index} of SSRC {ssrc:#x} sent twice under one key"
            seen_rtcp.add((ssrc, index))
        assert len(seen_rtp) > 300 and max(highest.values()) >= 65536, (len(seen_rtp), highest)  # the ROC wrapped
        assert len(seen_rtcp) >= 2, f"only {len(seen_rtcp)} SRTCP packets captured: nothing to compare"
    finally:
        wd.cleanup()


SCENARIOS = [
    sotto_calls_baresip_over_tls_with_mandatory_srtp,
    baresip_calls_sotto_over_tls_with_mandatory_srtp,
    sotto_offers_best_effort_srtp_to_baresip,
    baresip_best_effort_srtp_calls_sotto_in_offer_mode,
    baresip_answering_an_unoffered_suite_is_refused_not_fail_open,
    sotto_to_sotto_every_suite_over_tls,
    hold_and_resume_after_the_roc_wrap_keeps_audio_both_ways,
    callee_accepting_only_pcma_gets_pcma_both_ways,
    linphone_calls_sotto_over_tls_with_srtp,
    plain_call_over_udp_shows_on_the_wire,
    sipp_offer_without_srtp_gets_488_and_the_phone_still_answers_the_next_call,
    sipp_malformed_request_gets_400_naming_the_fault,
    sipp_rekeying_every_answer_never_repeats_our_srtp_or_srtcp_index,
    untrusted_certificate_is_one_clear_line,
]


def run_scenarios(scenarios):
    """Runs each scenario (filtered by -k), prints PASS/FAIL/SKIPPED per scenario and one closing line; returns
    the exit status: 1 on any failure or when nothing matched, SKIP_EXIT when something was skipped, else 0."""
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="run only scenarios whose name contains this")
    args = ap.parse_args()
    if not os.path.exists(h.sotto_bin()):
        print(f"sotto binary not found at {h.sotto_bin()} (set SOTTO_BUILD_DIR)")
        return 2
    passed = failed = skipped = 0
    for s in scenarios:
        if args.k not in s.__name__:
            continue
        t0 = time.time()
        try:
            s()
            passed += 1
            print(f"PASS {s.__name__} ({time.time() - t0:.1f}s)", flush=True)
        except Skip as e:
            skipped += 1
            print(f"SKIPPED {s.__name__}: {e}  <-- interop not checked!", flush=True)
        except Exception as e:  # noqa: BLE001
            failed += 1
            print(f"FAIL {s.__name__} ({time.time() - t0:.1f}s): {e}", flush=True)
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    if passed + failed + skipped == 0:
        print(f"no scenario matches -k {args.k!r}")
        return 1
    return 1 if failed else SKIP_EXIT if skipped else 0


def main():
    return run_scenarios(SCENARIOS)

if __name__ == "__main__":
    sys.exit(main())
