#!/usr/bin/env python3
"""`sotto tls-check` against `openssl s_server` set up good and bad each way, and against a `sotto phone`
TLS listener. Each bad server must raise exactly its finding code; the good ones none.

  tests/tlscheck/tls_check_test.py [-k NAME]      # SOTTO_BUILD_DIR=build/default by default

Kamailio is in tls_check_kamailio_test.py (it needs the interop lock).
"""
import argparse
import os
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlscheck_support as t  # noqa: E402

WD = None
PKI = None


def setup():
    global WD, PKI
    WD = t.Workdir("tlscheck")
    PKI = t.Pki(WD)


def expect(target, want_codes, *args, want_exit=None):
    rc, doc, err = t.tls_check(target, "--ca-file", PKI.ca, *args)
    assert doc is not None, f"no JSON from tls-check {target} (exit {rc}): {err}"
    got = t.codes(doc)
    assert got == sorted(want_codes), f"findings {got}, expected {sorted(want_codes)}: " + \
        "; ".join(f"{f['code']}: {f['message']}" for f in doc["findings"])
    want = (1 if want_codes else 0) if want_exit is None else want_exit
    assert rc == want, f"exit {rc}, expected {want} (stderr: {err})"
    return doc


def with_server(name, cert, key, chain=None, args=()):
    return t.SServer(WD, name, cert, key, chain, args)


# ------------------------------------------------------------------------------------------------

def good_ecdsa_full_chain_is_clean():
    cert, key, chain = PKI.leaf("good")
    s = with_server("good", cert, key, PKI.int, ["-no_tls1", "-no_tls1_1"])
    try:
        doc = expect(s.target(), [], "--no-sip")
        assert doc["tls_versions"] == {"TLSv1.0": False, "TLSv1.1": False, "TLSv1.2": True, "TLSv1.3": True}, \
            doc["tls_versions"]
        assert len(doc["certificates"]) == 2 and doc["chain"]["intermediates_sent"] is True, doc["chain"]
        leaf = doc["certificates"][0]
        assert leaf["key_type"] == "EC" and leaf["key_bits"] == 256, leaf
        fp = WD.run("openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256").strip().split("=", 1)[1]
        assert leaf["sha256"] == fp, f"{leaf['sha256']} != openssl's {fp}"
        fp1 = WD.run("openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha1").strip().split("=", 1)[1]
        assert leaf["sha1"] == fp1, f"{leaf['sha1']} != openssl's {fp1}"
        assert 398 <= leaf["days_left"] <= 400, leaf["days_left"]
        assert doc["forward_secrecy"] == "all", doc["forward_secrecy"]
        assert "TLS_AES_128_GCM_SHA256" in doc["ciphers"]["TLSv1.3"], doc["ciphers"]
        assert "ECDHE-ECDSA-AES128-GCM-SHA256" in doc["ciphers"]["TLSv1.2"], doc["ciphers"]
        assert not any("RSA" in c.split("-")[1:2] for c in doc["ciphers"]["TLSv1.2"]), doc["ciphers"]
        assert set(["SSLv3", "RC4", "EXPORT", "DES"]) <= set(doc["unchecked"]), doc["unchecked"]
        # The text report says the same and exits the same.
        r = subprocess.run([t.sotto_bin(), "tls-check", s.target(), "--ca-file", PKI.ca, "--no-sip"],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and "findings: none" in r.stdout, r.stdout + r.stderr
    finally:
        s.stop()


def old_versions_allowed_is_tls_version_old():
    cert, key, _ = PKI.leaf("old")
    s = with_server("old", cert, key, PKI.int, ["-min_protocol", "TLSv1", "-cipher", "DEFAULT:@SECLEVEL=0"])
    try:
        doc = expect(s.target(), ["tls-version-old"], "--no-sip")
        assert doc["tls_versions"] == {"TLSv1.0": True, "TLSv1.1": True, "TLSv1.2": True, "TLSv1.3": True}, \
            doc["tls_versions"]
        assert doc["ciphers"].get("TLSv1.0"), doc["ciphers"]
    finally:
        s.stop()


def tls1_only_is_high():
    cert, key, _ = PKI.leaf("tls1")
    s = with_server("tls1", cert, key, PKI.int, ["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"])
    try:
        doc = expect(s.target(), ["tls-version-old"], "--no-sip")
        assert doc["findings"][0]["severity"] == "high", doc["findings"]
        assert doc["tls_versions"] == {"TLSv1.0": True, "TLSv1.1": False, "TLSv1.2": False, "TLSv1.3": False}
        assert doc["negotiated"]["version"] == "TLSv1", doc["negotiated"]
    finally:
        s.stop()


def expired_is_cert_expired():
    cert, key, _ = PKI.leaf("expired", dates=("20240101000000Z", "20250101000000Z"))
    s = with_server("expired", cert, key, PKI.int)
    try:
        doc = expect(s.target(), ["cert-expired"], "--no-sip")
        assert doc["certificates"][0]["days_left"] < -300, doc["certificates"][0]
        assert doc["chain"]["verified"] is False
    finally:
        s.stop()


def expiring_soon_follows_the_threshold():
    cert, key, _ = PKI.leaf("soon", days=10)
    s = with_server("soon", cert, key, PKI.int)
    try:
        expect(s.target(), ["cert-expiring-soon"], "--no-sip")
        expect(s.target(), [], "--no-sip", "--expiring-days", "5")
    finally:
        s.stop()


def self_signed_is_cert_self_signed():
    cert, key = PKI.self_signed("selfsigned")
    s = with_server("selfsigned", cert, key)
    try:
        expect(s.target(), ["cert-self-signed"], "--no-sip")
    finally:
        s.stop()


def wrong_name_is_cert_name_mismatch():
    cert, key, _ = PKI.leaf("wrongname", san="subjectAltName=DNS:sip.example.com\n")
    s = with_server("wrongname", cert, key, PKI.int)
    try:
        doc = expect(s.target(), ["cert-name-mismatch"], "--no-sip")
        assert doc["chain"]["verified"] is True, doc["chain"]
        # The same certificate checked against the name it does carry (SNI too): clean.
        expect(s.target(), [], "--no-sip", "--name", "sip.example.com")
    finally:
        s.stop()


def wildcard_needs_the_flag():
    cert, key, _ = PKI.leaf("wild", san="subjectAltName=DNS:*.example.com\n")
    s = with_server("wild", cert, key, PKI.int)
    try:
        expect(s.target(), ["cert-name-mismatch"], "--no-sip", "--name", "sip.example.com")
        expect(s.target(), [], "--no-sip", "--name", "sip.example.com", "--tls-allow-wildcards")
    finally:
        s.stop()


def missing_intermediate_is_chain_incomplete():
    cert, key, _ = PKI.leaf("noint")
    s = with_server("noint", cert, key)  # leaf only
    try:
        doc = expect(s.target(), ["chain-incomplete"], "--no-sip")
        assert doc["chain"]["intermediates_sent"] is False and doc["chain"]["sent"] == 1, doc["chain"]
    finally:
        s.stop()


def untrusted_root_is_cert_untrusted():
    # A chain that is complete but ends in a root the client does not trust: verified against another CA.
    cert, key, _ = PKI.leaf("untrusted")
    other = WD.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                   "-keyout", "other.key", "-out", "other.pem", "-days", "30", "-subj", "/CN=another root")
    del other
    both = WD.write("int+root.pem", open(PKI.int).read() + open(PKI.ca).read())
    s = with_server("untrusted", cert, key, both)
    try:
        rc, doc, err = t.tls_check(s.target(), "--ca-file", WD.file("other.pem"), "--no-sip")
        assert t.codes(doc) == ["cert-untrusted"], doc["findings"]
        assert rc == 1, (rc, err)
    finally:
        s.stop()


def rsa_1024_is_key_weak():
    cert, key, _ = PKI.leaf("rsa1024", kind="rsa1024")
    s = with_server("rsa1024", cert, key, PKI.int, ["-cipher", "ECDHE+AESGCM:@SECLEVEL=0"])
    try:
        doc = expect(s.target(), ["key-weak"], "--no-sip")
        assert doc["certificates"][0]["key_type"] == "RSA" and doc["certificates"][0]["key_bits"] == 1024
    finally:
        s.stop()


def weak_dh_is_dh_weak():
    cert, key, _ = PKI.leaf("dhe", kind="rsa2048")
    # PKCS #3 parameters (s_server cannot load the X9.42 kind `-dsaparam` writes); about a second.
    WD.run("openssl", "dhparam", "-out", "dh1024.pem", "1024")
    s = with_server("dhe", cert, key, PKI.int,
                    ["-dhparam", WD.file("dh1024.pem"), "-cipher", "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"])
    try:
        doc = expect(s.target(), ["dh-weak"], "--no-sip")
        assert doc["dh_bits"] == 1024, doc["dh_bits"]
        assert doc["ciphers"]["TLSv1.2"] == ["DHE-RSA-AES128-GCM-SHA256"], doc["ciphers"]
    finally:
        s.stop()


def strong_dh_is_clean():
    cert, key, _ = PKI.leaf("dhe2048", kind="rsa2048")
    s = with_server("dhe2048", cert, key, PKI.int, ["-cipher", "DHE-RSA-AES128-GCM-SHA256"])  # auto: 2048-bit
    try:
        doc = expect(s.target(), [], "--no-sip")
        assert doc["dh_bits"] is not None and doc["dh_bits"] >= 2048, doc["dh_bits"]
    finally:
        s.stop()


def rsa_key_exchange_is_no_forward_secrecy():
    cert, key, _ = PKI.leaf("rsakx", kind="rsa2048")
    s = with_server("rsakx", cert, key, PKI.int, ["-cipher", "AES128-GCM-SHA256"])
    try:
        doc = expect(s.target(), ["no-forward-secrecy"], "--no-sip")
        assert doc["forward_secrecy"] == "some", doc["forward_secrecy"]
        assert doc["ciphers"]["TLSv1.2"] == ["AES128-GCM-SHA256"], doc["ciphers"]
    finally:
        s.stop()


def anonymous_suite_is_cipher_weak():
    cert, key, _ = PKI.leaf("anon")
    s = with_server("anon", cert, key, PKI.int, ["-no_tls1", "-no_tls1_1",
                                                 "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:AECDH-AES128-SHA:@SECLEVEL=0"])
    try:
        doc = expect(s.target(), ["cipher-weak"], "--no-sip")
        assert "AECDH-AES128-SHA" in doc["ciphers"]["TLSv1.2"], doc["ciphers"]
    finally:
        s.stop()


def http_server_is_not_sip():
    # s_server -www answers only a GET: to OPTIONS it says nothing.
    cert, key, _ = PKI.leaf("www")
    s = with_server("www", cert, key, PKI.int, ["-www"])
    try:
        doc = expect(s.target(), ["not-sip"], "--sip-timeout", "1")
        assert doc["sip_options"]["answered"] is False, doc["sip_options"]
        assert doc["sip_options"]["detail"] == "no answer within 1 s", doc["sip_options"]
    finally:
        s.stop()


def http_answer_is_not_sip():
    # A web server that answers anything with an HTTP error, as most do to "OPTIONS sip:...".
    import socket
    import ssl
    import threading
    cert, key, chain = PKI.leaf("https")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    srv.settimeout(0.2)
    port = srv.getsockname()[1]
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                c, _ = srv.accept()
            except OSError:
                continue
            try:
                c.settimeout(2)
                with ctx.wrap_socket(c, server_side=True) as tc:
                    tc.recv(4096)
                    tc.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except (OSError, ssl.SSLError):
                pass
            finally:
                c.close()
    th = threading.Thread(target=serve, daemon=True)
    th.start()
    try:
        doc = expect(f"127.0.0.1:{port}", ["not-sip"], "--no-cipher-scan")
        assert doc["sip_options"]["detail"] == "answered with something else: 'HTTP/1.1 400 Bad Request'", \
            doc["sip_options"]
    finally:
        stop.set()
        th.join()
        srv.close()


def client_certificate_demanded():
    cert, key, _ = PKI.leaf("mtls")
    ccert, ckey, cchain = PKI.leaf("client")
    s = with_server("mtls", cert, key, PKI.int, ["-Verify", "2", "-CAfile", PKI.ca, "-verify_return_error"])
    try:
        rc, doc, err = t.tls_check(s.target(), "--ca-file", PKI.ca, "--no-sip")
        assert rc == 2 and doc is None, (rc, err)
        assert err == f"sotto tls-check: TLS handshake with {s.target()} failed: the server asked for a client " \
                      "certificate and refused the handshake without one (give --cert and --key)\n", err
        expect(s.target(), [], "--no-sip", "--cert", cchain, "--key", ckey)
    finally:
        s.stop()
    # TLS 1.2 only: the refusal comes inside the handshake, as a bare handshake_failure alert.
    s = with_server("mtls12", cert, key, PKI.int, ["-tls1_2", "-Verify", "2", "-CAfile", PKI.ca,
                                                   "-verify_return_error"])
    try:
        rc, doc, err = t.tls_check(s.target(), "--ca-file", PKI.ca, "--no-sip")
        assert rc == 2 and "asked for a client certificate" in err and err.count("\n") == 1, (rc, err)
        doc = expect(s.target(), [], "--no-sip", "--cert", cchain, "--key", ckey)
        assert doc["tls_versions"]["TLSv1.3"] is False and doc["tls_versions"]["TLSv1.2"] is True
    finally:
        s.stop()


def ipv6_target():
    cert, key, _ = PKI.leaf("v6", san="subjectAltName=IP:::1,DNS:localhost\n")
    port = t.free_port()
    p = WD.spawn(["openssl", "s_server", "-accept", f"[::1]:{port}", "-cert", cert, "-key", key,
                  "-cert_chain", PKI.int], "s_server-v6only.log", stdin=subprocess.PIPE)
    try:
        deadline = time.time() + 10
        while "ACCEPT" not in open(WD.file("s_server-v6only.log")).read() and time.time() < deadline:
            time.sleep(0.05)
        doc = expect(f"[::1]:{port}", [], "--no-sip")
        assert doc["address"] == f"[::1]:{port}" and doc["sni"] is None, doc
        assert doc["chain"]["name"] == "::1", doc["chain"]
    finally:
        WD.stop(p)


def cannot_connect_is_exit_2():
    port = t.free_port()
    rc, doc, err = t.tls_check(f"127.0.0.1:{port}")
    assert rc == 2 and doc is None, (rc, doc)
    assert err == f"sotto tls-check: cannot connect to 127.0.0.1:{port}: Connection refused\n", err
    rc, doc, err = t.tls_check("127.0.0.1:99999")
    assert rc == 2 and err == "sotto tls-check: target '127.0.0.1:99999': port must be 1-65535\n", err


def not_tls_is_exit_2():
    # A plain TCP server that answers SIP in the clear: no TLS at all.
    import socket
    import threading
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    port = srv.getsockname()[1]
    stop = threading.Event()

    def serve():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                c, _ = srv.accept()
            except OSError:
                continue
            try:
                c.recv(4096)
                c.sendall(b"SIP/2.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass
            c.close()
    th = threading.Thread(target=serve, daemon=True)
    th.start()
    try:
        rc, doc, err = t.tls_check(f"127.0.0.1:{port}")
        assert rc == 2 and doc is None, (rc, doc)
        assert err.startswith(f"sotto tls-check: TLS handshake with 127.0.0.1:{port} failed: ") and \
            err.count("\n") == 1, err
    finally:
        stop.set()
        th.join()
        srv.close()


def sotto_phone_listener_is_clean_and_answers_options():
    cert, key, chain = PKI.leaf("phone")
    port = t.free_port()
    p = WD.spawn([t.sotto_bin(), "phone", "--cert", chain, "--key", key, "--ca-file", PKI.ca,
                  "--listen", f"tls://127.0.0.1:{port}", "--timeout", "60", "listen"], "phone.log")
    try:
        deadline = time.time() + 10
        import socket
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("sotto phone did not listen: " + open(WD.file("phone.log")).read()[-500:])
        doc = expect(f"127.0.0.1:{port}", [])
        assert doc["sip_options"]["answered"] is True and doc["sip_options"]["status"] == 200, doc["sip_options"]
        assert doc["tls_versions"] == {"TLSv1.0": False, "TLSv1.1": False, "TLSv1.2": True, "TLSv1.3": True}
        assert doc["forward_secrecy"] == "all"
        print(f"  sotto phone: OPTIONS -> {doc['sip_options']['status']} {doc['sip_options']['reason']}, "
              f"server {doc['sip_options']['server']!r}; TLS 1.2 suites {doc['ciphers']['TLSv1.2']}")
    finally:
        WD.stop(p)


SCENARIOS = [
    good_ecdsa_full_chain_is_clean,
    old_versions_allowed_is_tls_version_old,
    tls1_only_is_high,
    expired_is_cert_expired,
    expiring_soon_follows_the_threshold,
    self_signed_is_cert_self_signed,
    wrong_name_is_cert_name_mismatch,
    wildcard_needs_the_flag,
    missing_intermediate_is_chain_incomplete,
    untrusted_root_is_cert_untrusted,
    rsa_1024_is_key_weak,
    weak_dh_is_dh_weak,
    strong_dh_is_clean,
    rsa_key_exchange_is_no_forward_secrecy,
    anonymous_suite_is_cipher_weak,
    http_server_is_not_sip,
    http_answer_is_not_sip,
    client_certificate_demanded,
    ipv6_target,
    cannot_connect_is_exit_2,
    not_tls_is_exit_2,
    sotto_phone_listener_is_clean_and_answers_options,
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="run only scenarios whose name contains this")
    args = ap.parse_args()
    if not os.path.exists(t.sotto_bin()):
        print(f"sotto binary not found at {t.sotto_bin()} (set SOTTO_BUILD_DIR)")
        return 2
    setup()
    passed = failed = 0
    try:
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
    finally:
        WD.cleanup()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
