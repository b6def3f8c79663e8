#!/usr/bin/env python3
"""A real `sotto phone` TLS call captured with tshark, decrypted by our TLS code with the phones'
--tls-keylog files: TLS 1.2 (--tls-max-version 1.2, each AEAD cipher) and TLS 1.3; then the same
capture through `sotto audit --tls-keylog` (the SIP inside is audited) and without the key log
(no call; the TLS connection is still listed, with its certificate in TLS 1.2 but not in 1.3). A
self-signed server certificate makes the decrypted call's verdict not secure with a tls-weak finding.

  tests/interop/tls_keylog_interop_test.py [-k NAME]      # SOTTO_BUILD_DIR=build/default by default

For each call: the caller's first request on the TLS connection must decrypt to exactly the INVITE
request line, the callee's answer must hold the exact status line "SIP/2.0 200 OK", and the Call-ID
must equal the one tshark finds when it decrypts the same capture with the same key log (an
independent implementation). Without the key log nothing may decrypt. A missing tshark FAILS.
The last line is "N passed, N failed".
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


def dump_bin():
    return os.path.join(h.build_dir(), "tests", "tls_stream_dump")


def tls_args(pki, port, keylog):
    return ["--listen", f"tls://127.0.0.1:{port}", "--cert", pki["cert"], "--key", pki["key"], "--ca-file", pki["ca"],
            "--tls-keylog", keylog, "--srtp", "require", "--json"]


def self_signed_pki(wd):
    """One self-signed certificate for 127.0.0.1 that is also the caller's only trust anchor."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "self.key", "-out", "self.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True, cwd=wd.path)
    return {"ca": wd.file("self.pem"), "cert": wd.file("self.pem"), "key": wd.file("self.key")}


def call_and_capture(tag, extra, self_signed=False):
    """One TLS call between two sotto phones, captured on the callee's port. Returns (wd, port, keylog, capture)."""
    if shutil.which("tshark") is None:
        raise AssertionError("tshark is not installed (scripts/setup installs it)")
    wd = h.Workdir(tag)
    pki = self_signed_pki(wd) if self_signed else h.make_pki(wd)
    h.make_noise_wav(wd.file("a.wav"), 1, seconds=2)
    port = h.free_port()
    cap = h.Capture(wd, f"host 127.0.0.1 and tcp port {port}")
    callee = wd.spawn([h.sotto_bin(), "phone", *tls_args(pki, port, wd.file("callee-keys.log")), *extra,
                       "listen", "--auto-answer"], "callee.log")
    time.sleep(0.3)
    caller = wd.spawn([h.sotto_bin(), "phone", *tls_args(pki, 0, wd.file("caller-keys.log")), *extra,
                       "--play", wd.file("a.wav"), "--duration", "1", "call", f"sips:bob@127.0.0.1:{port}"], "caller.log")
    caller.wait(timeout=40)
    callee.wait(timeout=20)
    time.sleep(0.3)
    cap.stop()
    assert caller.returncode == 0, f"caller exit {caller.returncode}:\n{open(wd.file('caller.log')).read()}"
    keylog = wd.file("keys.log")
    with open(keylog, "w") as out:
        for name in ("caller-keys.log", "callee-keys.log"):
            if os.path.exists(wd.file(name)):
                out.write(open(wd.file(name)).read())
    return wd, port, keylog, cap.file


def decrypt_first_stream(capture, keylog):
    follow = subprocess.run(["tshark", "-r", capture, "-q", "-z", "follow,tcp,raw,0"], check=True,
                            capture_output=True, text=True).stdout
    args = [dump_bin()] + ([keylog] if keylog else [])
    out = subprocess.run(args, input=follow, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def tshark_call_id(capture, keylog, port):
    out = subprocess.run(["tshark", "-r", capture, "-n", "-o", f"tls.keylog_file:{keylog}", "-d", f"tcp.port=={port},tls",
                          "-d", f"tls.port=={port},sip", "-Y", "sip.Method == \"INVITE\"",
                          "-T", "fields", "-e", "sip.Call-ID"], check=True, capture_output=True, text=True).stdout
    ids = sorted(set(l.strip() for l in out.splitlines() if l.strip()))
    assert len(ids) == 1, f"tshark found INVITE Call-IDs {ids}"
    return ids[0]


def audit(capture, keylog):
    args = [h.sotto_bin(), "audit", capture, "--json"] + (["--tls-keylog", keylog] if keylog else [])
    p = subprocess.run(args, capture_output=True, text=True)
    assert p.returncode in (0, 1), f"sotto audit exit {p.returncode}: {p.stderr}"
    return json.loads(p.stdout), p.returncode


def check_audit(capture, keylog, port, call_id, want_version, self_signed):
    rep, rc = audit(capture, keylog)
    calls = [c for c in rep["calls"] if c["call_id"] == call_id]
    assert len(calls) == 1, f"sotto audit: call {call_id} not found in {[c['call_id'] for c in rep['calls']]}"
    c = calls[0]
    tls = c["signalling"]["tls"]
    assert c["signalling"]["transport"] == "TLS" and tls["decrypted"] and tls["version"] == want_version, c["signalling"]
    assert tls["error"] is None, tls["error"]
    summaries = [m["summary"] for m in c["messages"]]
    assert f"INVITE sips:bob@127.0.0.1:{port}" in summaries and "200 OK" in summaries, summaries
    assert c["result"] == "answered" and c["status"] == 200, (c["result"], c["status"])
    codes = [f["code"] for f in c["findings"]]
    assert "sip-cleartext" not in codes and "sdes-keys-exposed" not in codes, codes
    assert ("tls-weak" in codes) == self_signed, codes
    if self_signed:
        weak = next(f for f in c["findings"] if f["code"] == "tls-weak")
        assert "self-signed certificate CN=127.0.0.1" in weak["message"], weak
        assert c["verdict"] != "secure" and rc == 1, (c["verdict"], rc)
    # A malformed key log is refused with its line number, before any audit.
    bad = os.path.join(os.path.dirname(capture), "bad-keys.log")
    with open(bad, "w") as f:
        f.write("# comment\nCLIENT_RANDOM 00\n")
    p = subprocess.run([h.sotto_bin(), "audit", capture, "--tls-keylog", bad], capture_output=True, text=True)
    assert p.returncode == 2 and p.stdout == "", (p.returncode, p.stdout)
    assert p.stderr.strip() == (f"sotto audit: {bad}: malformed input: key log line 2: CLIENT_RANDOM needs 3 fields "
                                "(label, client random, secret), got 2"), p.stderr
    # Without the key log the SIP is invisible: no call, but the TLS connection and, before 1.3, its certificate.
    blind, _ = audit(capture, None)
    assert not any(x["call_id"] == call_id for x in blind["calls"]), "call found without the key log"
    conns = [t for t in blind["tls_connections"] if t["server"] == f"127.0.0.1:{port}"]
    assert conns and conns[0]["version"] == want_version and not conns[0]["decrypted"], blind["tls_connections"]
    assert (len(conns[0]["certificates"]) > 0) == (want_version == "TLSv1.2"), conns[0]["certificates"]


def check_call(extra, want_version, want_suite=None, self_signed=False):
    wd, port, keylog, capture = call_and_capture("tlskeys", extra, self_signed)
    ok = False
    try:
        d = decrypt_first_stream(capture, keylog)
        assert d["error"] == "", d["error"]
        assert d["version"] == want_version, d["version"]
        if want_suite:
            assert d["cipher_suite"] == want_suite, d["cipher_suite"]
        assert d["handshake_complete"] and d["decrypted"] and d["forward_secrecy"], d
        assert d["sni"] == "", d["sni"]  # the target is an IP literal: no SNI (RFC 6066 3)
        assert len(d["certificates"]) >= 1 and d["certificates"][0]["subject"] == "CN=127.0.0.1", d["certificates"]
        assert d["certificates"][0]["self_signed"] == self_signed, d["certificates"]
        first_line = d["client_plaintext"].split("\r\n", 1)[0]
        assert first_line == f"INVITE sips:bob@127.0.0.1:{port} SIP/2.0", first_line
        status_lines = [l for l in d["server_plaintext"].split("\r\n") if l.startswith("SIP/2.0 ")]
        assert "SIP/2.0 200 OK" in status_lines, status_lines
        m = re.search(r"^(?:Call-ID|i):\s*(\S+)\r$", d["client_plaintext"], re.M | re.I)
        assert m, "no Call-ID in the decrypted INVITE"
        assert m.group(1) == tshark_call_id(capture, keylog, port), (m.group(1), "tshark disagrees")
        # Control: without the key log the same capture gives metadata only.
        blind = decrypt_first_stream(capture, None)
        assert blind["version"] == want_version and not blind["decrypted"], blind
        assert blind["client_plaintext"] == "" and blind["server_plaintext"] == "", "decrypted without keys"
        assert (len(blind["certificates"]) >= 1) == (want_version == "TLSv1.2"), blind["certificates"]
        check_audit(capture, keylog, port, m.group(1), want_version, self_signed)
        ok = True
        return d
    finally:
        wd.cleanup(keep=not ok)


def tls13_call_decrypts():
    check_call([], "TLSv1.3")


def tls12_aes128_gcm_call_decrypts():
    check_call(["--tls-max-version", "1.2", "--tls-ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256"], "TLSv1.2",
               "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")


def tls12_aes256_gcm_call_decrypts():
    check_call(["--tls-max-version", "1.2", "--tls-ciphers", "ECDHE-ECDSA-AES256-GCM-SHA384"], "TLSv1.2",
               "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")


def tls12_chacha20_call_decrypts():
    check_call(["--tls-max-version", "1.2", "--tls-ciphers", "ECDHE-ECDSA-CHACHA20-POLY1305"], "TLSv1.2",
               "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256")


def tls13_self_signed_server_is_tls_weak():
    check_call([], "TLSv1.3", self_signed=True)


def tls12_self_signed_server_is_tls_weak():
    check_call(["--tls-max-version", "1.2"], "TLSv1.2", self_signed=True)


SCENARIOS = [tls13_call_decrypts, tls12_aes128_gcm_call_decrypts, tls12_aes256_gcm_call_decrypts,
             tls12_chacha20_call_decrypts, tls13_self_signed_server_is_tls_weak, tls12_self_signed_server_is_tls_weak]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="run only scenarios whose name contains this")
    args = ap.parse_args()
    for b in (h.sotto_bin(), dump_bin()):
        if not os.path.exists(b):
            print(f"{b} not found (set SOTTO_BUILD_DIR; build sotto and tls_stream_dump)")
            return 2
    passed = failed = 0
    for s in SCENARIOS:
        if args.k not in s.__name__:
            continue
        t0 = time.time()
        try:
            s()
            passed += 1
            print(f"PASS {s.__name__} ({time.time() - t0:.1f}s)", flush=True)
        except Exception as e:  # noqa: BLE001
            failed += 1
            print(f"FAIL {s.__name__} ({time.time() - t0:.1f}s): {e}", flush=True)
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
