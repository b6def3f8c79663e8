#!/usr/bin/env python3
"""`sotto audit` on captures of real calls made by this test (baresip, SIPp, tshark on loopback).

  flock /tmp/sotto-interop.lock tests/audit/audit_real_peers_test.py [-k NAME]   # SOTTO_BUILD_DIR=build/default

Each scenario records a call (tests/audit/captures.py), audits it with `sotto audit FILE --json --extract DIR
--html FILE`, and checks the verdict, findings, streams and exit status against what the call really was;
extracted audio is correlated with the WAV the sending peer played. The Call-ID expected in the report is
read from the capture by tshark, not by sotto. A missing peer or tool FAILS the scenario.
The last line is "N passed, N failed".
"""
import argparse
import json
import os
import subprocess
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "interop"))
import captures  # noqa: E402
import harness as h  # noqa: E402

AUDIO_MIN = 0.9


def audit(wd, cap, *extra):
    """Runs `sotto audit` with --json, --extract and --html; returns (report, exit status, html text)."""
    out_dir, html = wd.file("extract"), wd.file("report.html")
    os.makedirs(out_dir, exist_ok=True)
    r = subprocess.run([h.sotto_bin(), "audit", cap, "--json", "--extract", out_dir, "--html", html, *extra],
                       capture_output=True, text=True, timeout=120)
    try:
        rep = json.loads(r.stdout)
    except json.JSONDecodeError as e:
        raise AssertionError(f"sotto audit did not print JSON ({e}); exit {r.returncode}; stderr: {r.stderr[-1000:]}; "
                             f"stdout: {r.stdout[:1000]}")
    assert os.path.exists(html), f"--html wrote nothing; stderr: {r.stderr[-500:]}"
    return rep, r.returncode, open(html, encoding="utf-8").read()


def call_ids_in(cap):
    out = subprocess.run(["tshark", "-n", "-r", cap, "-Y", "sip", "-T", "fields", "-e", "sip.Call-ID"],
                         check=True, capture_output=True, text=True).stdout
    return sorted({l.strip() for l in out.splitlines() if l.strip()})


def codes(item):
    return sorted({f["code"] for f in item["findings"]})


def check_html(html, rep):
    n, sections = len(rep["calls"]), html.count('<section class="call ')
    assert sections == n, f"HTML has {sections} call sections, the report {n} calls"
    for c in rep["calls"]:
        if c["call_id"]:
            assert h_escape(c["call_id"]) in html, f"call {c['call_id']} not in the HTML"


def h_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#39;")


def check_streams_audio(call, info, what):
    """Every stream decoded to a WAV that matches one of the two sources; both sources heard when both sent."""
    heard = set()
    for s in call["streams"]:
        assert s["wav"] and os.path.exists(s["wav"]), f"{what}: stream {s['ssrc']} has no WAV: {s}"
        a, b = h.correlate(info["caller_wav"], s["wav"]), h.correlate(info["callee_wav"], s["wav"])
        best, who = (a, "caller") if a["peak"] > b["peak"] else (b, "callee")
        other = b if who == "caller" else a
        assert best["peak"] > AUDIO_MIN and other["peak"] < 0.2, \
            f"{what}: stream {s['ssrc']} correlates {a['peak']:.3f} with the caller's WAV, {b['peak']:.3f} with the callee's"
        heard.add(who)
        assert s["waveform"] and len(s["waveform"]) <= 200, f"{what}: no waveform for {s['ssrc']}"
    return heard


def one_call(rep, cap):
    ids = call_ids_in(cap)
    assert len(ids) == 1, f"the capture holds Call-IDs {ids}"
    assert [c["call_id"] for c in rep["calls"]] == ids, f"calls {[c['call_id'] for c in rep['calls']]}, capture {ids}"
    assert rep["summary"]["calls"] == 1, rep["summary"]
    return rep["calls"][0]


# ------------------------------------------------------------------------------------------------
def plain_udp_call_is_insecure_and_its_audio_is_rebuilt(wd):
    cap = wd.file("plain-udp.pcapng")
    info = captures.make("plain-udp", cap, wd=wd)
    rep, rc, html = audit(wd, cap)
    assert rc == 1, f"exit {rc} for an insecure call"
    c = one_call(rep, cap)
    assert c["verdict"] == "insecure" and c["result"] == "answered" and c["status"] == 200, c
    assert c["signalling"]["transport"] == "UDP", c["signalling"]
    assert {"sip-cleartext", "rtp-unencrypted"} <= set(codes(c)), codes(c)
    assert "sdes-keys-exposed" not in codes(c), codes(c)
    assert len(c["streams"]) == 2, c["streams"]
    for s in c["streams"]:
        assert s["encrypted"] is False and (s["codec"] or "").startswith("PCMU") and s["packets"] > 150 and s["lost"] == 0, s
    assert check_streams_audio(c, info, "plain UDP") == {"caller", "callee"}
    for f in c["findings"]:
        assert f["frames"], f"finding without evidence: {f}"
    assert [m["summary"].split()[0] for m in c["messages"]][:1] == ["INVITE"], c["messages"][:2]
    check_html(html, rep)


def sdes_over_udp_exposes_keys_and_is_decrypted(wd):
    cap = wd.file("sdes-udp.pcapng")
    info = captures.make("sdes-udp", cap, wd=wd)
    rep, rc, html = audit(wd, cap)
    assert rc == 1, f"exit {rc} for keys in clear"
    c = one_call(rep, cap)
    assert c["verdict"] == "insecure", c["verdict"]
    assert {"sip-cleartext", "sdes-keys-exposed"} <= set(codes(c)), codes(c)
    assert "rtp-unencrypted" not in codes(c), codes(c)
    sdes = next(f for f in c["findings"] if f["code"] == "sdes-keys-exposed")
    assert sdes["severity"] == "high" and sdes["frames"], sdes
    assert len(c["streams"]) == 2, c["streams"]
    for s in c["streams"]:
        assert s["encrypted"] is True and s["decrypted"] is True and s["auth_failures"] == 0, s
        assert s["suite"] == "AES_CM_128_HMAC_SHA1_80" and s["packets"] > 150, s
    assert check_streams_audio(c, info, "SDES over UDP") == {"caller", "callee"}
    check_html(html, rep)


def sdes_over_tls_is_secure_and_not_decrypted(wd):
    cap = wd.file("sdes-tls.pcapng")
    captures.make("sdes-tls", cap, wd=wd)
    rep, rc, html = audit(wd, cap)
    assert rc == 0, f"exit {rc} for TLS + SRTP; verdicts {[c['verdict'] for c in rep['calls']]}"
    assert rep["calls"], "no call found (the media should be reported even when the signalling is encrypted)"
    streams = [s for c in rep["calls"] for s in c["streams"]]
    assert len(streams) == 2, streams
    for c in rep["calls"]:
        assert c["verdict"] == "secure", c
        assert "sdes-keys-exposed" not in codes(c) and "sip-cleartext" not in codes(c), codes(c)
        if c["signalling"] and c["signalling"].get("transport"):
            assert c["signalling"]["transport"] == "TLS", c["signalling"]
    # The TLS parameters as tshark reads them from the ServerHello.
    hello = subprocess.run(["tshark", "-n", "-r", cap, "-Y", "tls.handshake.type==2", "-T", "fields",
                            "-e", "tls.handshake.extensions.supported_version", "-e", "tls.handshake.ciphersuite",
                            "-e", "tls.handshake.version"],
                           check=True, capture_output=True, text=True).stdout.splitlines()
    assert hello, "tshark found no ServerHello"
    hello = hello[0].split("\t")
    hello = [hello[0] or hello[2], hello[1]]  # TLS 1.2 has no supported_versions: the legacy version then
    names = {"0x0304": "TLSv1.3", "0x0303": "TLSv1.2"}
    suites = {"0x1301": "TLS_AES_128_GCM_SHA256", "0x1302": "TLS_AES_256_GCM_SHA384", "0x1303": "TLS_CHACHA20_POLY1305_SHA256"}
    tls = [c["signalling"]["tls"] for c in rep["calls"] if c["signalling"] and c["signalling"].get("tls")]
    assert tls, f"no TLS parameters reported: {[c['signalling'] for c in rep['calls']]}"
    for t in tls:
        assert t["version"] == names.get(hello[0]) and t["cipher_suite"] == suites.get(hello[1]), (t, hello)
        assert t["decrypted"] is False, t
    for s in streams:
        assert s["encrypted"] is True and s["decrypted"] is False and s["wav"] is None, s
        assert s["packets"] > 150, s
    assert not os.listdir(wd.file("extract")), f"WAVs written for undecryptable streams: {os.listdir(wd.file('extract'))}"
    check_html(html, rep)


def sipp_uac_over_udp_is_insecure(wd):
    cap = wd.file("sipp-udp.pcapng")
    info = captures.make("sipp-udp", cap, wd=wd)
    rep, rc, html = audit(wd, cap)
    assert rc == 1, f"exit {rc}"
    c = one_call(rep, cap)
    assert c["verdict"] == "insecure" and c["result"] == "answered" and c["status"] == 200, c
    assert {"sip-cleartext", "rtp-unencrypted"} <= set(codes(c)), codes(c)
    summaries = [m["summary"].split()[0] for m in c["messages"]]
    for method in ("INVITE", "ACK", "BYE"):
        assert method in summaries, summaries
    # SIPp sends no media: one stream, baresip's, carrying the callee's WAV.
    assert len(c["streams"]) == 1, c["streams"]
    assert check_streams_audio(c, info, "SIPp call") == {"callee"}
    check_html(html, rep)


SCENARIOS = [
    plain_udp_call_is_insecure_and_its_audio_is_rebuilt,
    sdes_over_udp_exposes_keys_and_is_decrypted,
    sdes_over_tls_is_secure_and_not_decrypted,
    sipp_uac_over_udp_is_insecure,
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", help="run only scenarios whose name contains this")
    a = ap.parse_args()
    passed = failed = 0
    for s in SCENARIOS:
        if a.k and a.k not in s.__name__:
            continue
        wd = h.Workdir(f"audit-{s.__name__[:20]}")
        ok = False
        try:
            s(wd)
            ok = True
            passed += 1
            print(f"PASS {s.__name__}", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {s.__name__}\n{traceback.format_exc()}", flush=True)
            print(f"     (workdir kept: {wd.path})", flush=True)
        finally:
            wd.cleanup(keep=not ok)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
