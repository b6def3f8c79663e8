#!/usr/bin/env python3
"""`sotto phone` against a real registrar and proxy: Kamailio 5.6 over TLS with digest auth, dnsmasq for
RFC 3263 NAPTR/SRV, baresip as the far end. Audio is checked by correlation, as in phone_interop_test.

  tests/interop/registrar_interop_test.py [-k NAME]      # SOTTO_BUILD_DIR=build/default by default
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from phone_interop_test import check_audio, need, report_of, run_scenarios, setup, sotto_phone, tls_args  # noqa: E402

USERS = {"alice": "alice-secret", "bob": "bob-secret"}


def registrar_module():
    need("kamailio")
    import peers  # noqa: E402
    return peers


def domain_cert(wd, pki, name, san=None):
    """A certificate for the SIP domain `name` (RFC 5922: a TLS server must be named by the domain the
    client asked for) and 127.0.0.1, signed by the test CA."""
    def run(*a):
        subprocess.run(a, check=True, capture_output=True, cwd=wd.path)
    name_file = name.replace("*", "star")
    with open(wd.file(f"{name_file}.cnf"), "w") as f:
        f.write(f"subjectAltName={san or f'DNS:{name},IP:127.0.0.1'}\nextendedKeyUsage=serverAuth,clientAuth\n")
    run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
        f"{name_file}.key", "-out", f"{name_file}.csr", "-subj", f"/CN={name}")
    run("openssl", "x509", "-req", "-in", f"{name_file}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", f"{name_file}.pem", "-days", "2", "-extfile", f"{name_file}.cnf")
    with open(wd.file(f"{name_file}-combined.pem"), "w") as out:
        out.write(open(wd.file(f"{name_file}.pem")).read() + open(wd.file(f"{name_file}.key")).read())
    return {"ca": pki["ca"], "cert": wd.file(f"{name_file}.pem"), "key": wd.file(f"{name_file}.key"),
            "combined": wd.file(f"{name_file}-combined.pem")}


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def log_has(wd, log, text):
    return lambda: text in open(wd.file(log), errors="replace").read()


# ------------------------------------------------------------------------------------------------

def registers_over_tls_with_digest_refreshes_keeps_alive_and_unregisters():
    reg = registrar_module()
    wd, pki = setup("reg-tls")
    try:
        kam = reg.Kamailio(wd, pki, USERS)
        p = sotto_phone(wd, "alice.log", tls_args(pki) + [
            "--account", "sips:alice@example.test", "--password", USERS["alice"],
            "--proxy", f"sips:127.0.0.1:{kam.tls_port}", "--register-expires", "10", "--keepalive", "10",
            "--duration", "12", "--json", "register"])
        wait_for(log_has(wd, "alice.log", "registered as"), 10, "the registration")
        contacts = kam.contacts("alice")
        assert contacts and (contacts[0].startswith("sips:") or "transport=tls" in contacts[0]), \
            f"kamailio has no TLS contact for alice: {contacts}"
        rep, rc = report_of(wd, "alice.log", p)
        assert rc == 0 and rep["result"] == "registered", rep
        assert rep["registration"].startswith("200") and "over TLS" in rep["registration"], rep
        # RFC 5626 4.4.1: pinged at 8-10 s, kamailio answered each ping with a pong.
        assert rep["keepalive_pings"] >= 1 and rep["keepalive_pongs"] == rep["keepalive_pings"], rep
        log = open(wd.file("alice.log")).read()
        # 10 s granted: refreshed at 5 s and 10 s (RFC 3261 10.2.4), same Call-ID, the binding never lapsed.
        assert log.count("registration refreshed (expires 10 s)") >= 1, log
        assert "unregistered (binding removed)" in log, log
        assert kam.contacts("alice") == [], f"the binding must be gone after exit: {kam.contacts('alice')}"
    finally:
        wd.cleanup()


def ctrl_c_while_waiting_unregisters():
    reg = registrar_module()
    wd, pki = setup("reg-sigint")
    try:
        kam = reg.Kamailio(wd, pki, USERS)
        p = sotto_phone(wd, "alice.log", tls_args(pki) + [
            "--account", "sips:alice@example.test", "--password", USERS["alice"],
            "--proxy", f"sips:127.0.0.1:{kam.tls_port}", "--json", "listen"])
        wait_for(log_has(wd, "alice.log", "waiting for a call"), 10, "the registration")
        assert kam.contacts("alice"), "registered"
        p.send_signal(signal.SIGINT)
        p.wait(timeout=10)
        log = open(wd.file("alice.log")).read()
        assert "interrupted" in log and "unregistered (binding removed)" in log, log
        assert kam.contacts("alice") == [], kam.contacts("alice")
    finally:
        wd.cleanup()


def wrong_password_is_one_clear_line():
    reg = registrar_module()
    wd, pki = setup("reg-403")
    try:
        kam = reg.Kamailio(wd, pki, USERS)
        p = sotto_phone(wd, "alice.log", tls_args(pki) + [
            "--account", "sips:alice@example.test", "--password", "wrong",
            "--proxy", f"sips:127.0.0.1:{kam.tls_port}", "--json", "register"])
        rep, rc = report_of(wd, "alice.log", p, timeout=20)
        assert rc != 0 and rep["result"] != "registered", rep
        why = "registration at sips:example.test failed: 401 authentication rejected (check --password)"
        assert rep["error"] == why, rep
        stderr_line = [l for l in open(wd.file("alice.log")).read().splitlines() if l.startswith("sotto phone:")]
        assert stderr_line == [f"sotto phone: {why}"], stderr_line
    finally:
        wd.cleanup()


def baresip_calls_registered_sotto_through_kamailio():
    reg = registrar_module()
    need("baresip")
    wd, pki = setup("reg-call-in")
    try:
        kam = reg.Kamailio(wd, pki, USERS)
        alice = sotto_phone(wd, "alice.log", tls_args(pki) + [
            "--account", "sips:alice@example.test", "--password", USERS["alice"],
            "--proxy", f"sips:127.0.0.1:{kam.tls_port}", "--play", wd.file("a.wav"), "--record", wd.file("alice.wav"),
            "--json", "listen", "--auto-answer"])
        wait_for(log_has(wd, "alice.log", "registered as"), 10, "alice's registration")
        bob = kam.baresip(wd, "bob", USERS["bob"], wd.file("b.wav"))
        bob.command_ok("dial", "sip:alice@example.test")
        wait_for(log_has(wd, "alice.log", "call established"), 15, "the call through kamailio")
        time.sleep(4)
        bob.command_ok("hangup")
        rep, rc = report_of(wd, "alice.log", alice)
        bob.stop()
        assert rc == 0, rep
        assert rep["srtp_suite"] == "AES_CM_128_HMAC_SHA1_80" and rep["transport"] == "TLS", rep
        check_audio(wd.file("b.wav"), wd.file("alice.wav"), "baresip -> kamailio -> sotto")
        check_audio(wd.file("a.wav"), bob.decoded_recording(), "sotto -> kamailio -> baresip")
        assert kam.contacts("alice") == [], "alice unregistered on exit"
    finally:
        wd.cleanup()


def phone_without_certificate_registers_and_is_called_down_its_connection():
    """Like most phones: no certificate, no listener. Via and Contact name the local end of the TLS
    connection to the registrar; Kamailio reaches us back down it (RFC 5923 style connection reuse)."""
    reg = registrar_module()
    need("baresip")
    wd, pki = setup("reg-nocert")
    try:
        kam = reg.Kamailio(wd, pki, USERS)
        alice = sotto_phone(wd, "alice.log", [
            "--ca-file", pki["ca"], "--account", "sips:alice@example.test", "--password", USERS["alice"],
            "--proxy", f"sips:127.0.0.1:{kam.tls_port}", "--play", wd.file("a.wav"), "--record", wd.file("alice.wav"),
            "--json", "listen", "--auto-answer"])
        wait_for(log_has(wd, "alice.log", "registered as"), 10, "alice's registration")
        assert not any(l.startswith("listening on") for l in open(wd.file("alice.log")).read().splitlines())
        bob = kam.baresip(wd, "bob", USERS["bob"], wd.file("b.wav"))
        bob.command_ok("dial", "sip:alice@example.test")
        wait_for(log_has(wd, "alice.log", "call established"), 15, "the call down the registration's connection")
        time.sleep(4)
        bob.command_ok("hangup")
        rep, rc = report_of(wd, "alice.log", alice)
        bob.stop()
        assert rc == 0 and rep["srtp_suite"] == "AES_CM_128_HMAC_SHA1_80" and rep["transport"] == "TLS", rep
        check_audio(wd.file("b.wav"), wd.file("alice.wav"), "baresip -> kamailio -> sotto (no certificate)")
        check_audio(wd.file("a.wav"), bob.decoded_recording(), "sotto (no certificate) -> kamailio -> baresip")
    finally:
        wd.cleanup()


def sotto_calls_registered_linphone_through_kamailio():
    """linphone never accepts inbound TLS: Kamailio reaches it down the connection it registered on, and
    sotto's INVITE, ACK and BYE all pass the proxy."""
    reg = registrar_module()
    need("linphonec")
    wd, pki = setup("reg-linphone")
    lp = None
    try:
        kam = reg.Kamailio(wd, pki, USERS)
        lp = h.Linphone(wd, pki, wd.file("b.wav"), wd.file("linphone.wav"),
                        register={"user": "alice", "password": USERS["alice"], "domain": "example.test",
                                  "proxy_port": kam.tls_port})
        wait_for(lambda: kam.contacts("alice"), 15, "linphone's registration")
        bob = sotto_phone(wd, "bob.log", tls_args(pki) + [
            "--account", "sips:bob@example.test", "--password", USERS["bob"], "--proxy", f"sips:127.0.0.1:{kam.tls_port}",
            "--play", wd.file("a.wav"), "--record", wd.file("bob.wav"), "--duration", "4", "--sip-trace", "--json",
            "call", "sip:alice@example.test"])
        rep, rc = report_of(wd, "bob.log", bob)
        lp.stop()
        assert rc == 0, rep
        assert rep["transport"] == "TLS" and rep["srtp_suite"] == "AES_CM_128_HMAC_SHA1_80", rep
        check_audio(wd.file("b.wav"), wd.file("bob.wav"), "linphone -> kamailio -> sotto")
        h.check_linphone_recording(wd.file("a.wav"), wd.file("b.wav"), wd.file("linphone.wav"),
                                   "sotto -> kamailio -> linphone")
        # Our BYE reached linphone through Kamailio (its Contact is a GRUU, RFC 5627) and was answered.
        assert rep["error"] == "" and "ended" in lp.log(), (rep, lp.log()[-2000:])
        # Matched on the responses' status lines and CSeq, not on a substring of the log (ports, branches and
        # Call-IDs may contain "478").
        bye_answers = [m["status"] for m in h.sip_trace_messages(wd.file("bob.log"))
                       if m["dir"] == "received" and m["status"] is not None and m["cseq_method"] == "BYE"]
        assert bye_answers and bye_answers[-1] == 200 and 478 not in bye_answers, \
            f"the BYE must be routed to linphone and answered 200, not refused: {bye_answers}"
    finally:
        if lp:
            lp.stop()
        wd.cleanup()


def sotto_locates_the_proxy_by_naptr_srv_and_calls_through_it():
    reg = registrar_module()
    need("dnsmasq")
    wd, pki = setup("reg-dns")
    try:
        kam = reg.Kamailio(wd, domain_cert(wd, pki, "example.test"), USERS)
        dead_port = h.free_port()  # nothing listens there: RFC 3263 4.3 failover to the next SRV target
        dns = reg.Dnsmasq(wd, a={"sip.example.test": "127.0.0.1", "down.example.test": "127.0.0.1"},
                          srv=[("_sips._tcp.example.test", "down.example.test", dead_port, 10, 10),
                               ("_sips._tcp.example.test", "sip.example.test", kam.tls_port, 20, 10)],
                          naptr=[("example.test", 10, 10, "s", "SIPS+D2T", "_sips._tcp.example.test")])
        common = ["--dns-server", dns.server, "--transport", "dns"] + (["--sip-trace"] if os.environ.get("SOTTO_SIP_TRACE") else [])
        # bob: registered callee. alice: no --proxy, no port: NAPTR -> SRV -> A find kamailio over TLS,
        # whose certificate must name example.test (RFC 5922), after the preferred SRV target refuses.
        bob = sotto_phone(wd, "bob.log", tls_args(pki) + common + [
            "--account", "sips:bob@example.test", "--password", USERS["bob"], "--play", wd.file("b.wav"),
            "--record", wd.file("bob.wav"), "--json", "listen", "--auto-answer"])
        wait_for(log_has(wd, "bob.log", "registered as"), 10, "bob's registration")
        alice = sotto_phone(wd, "alice.log", tls_args(pki) + common + [
            "--account", "sips:alice@example.test", "--password", USERS["alice"], "--play", wd.file("a.wav"),
            "--record", wd.file("alice.wav"), "--duration", "4", "--json", "call", "sips:bob@example.test"])
        rep, rc = report_of(wd, "alice.log", alice)
        brep, brc = report_of(wd, "bob.log", bob)
        assert rc == 0 and brc == 0, (rep, brep)
        assert rep["transport"] == "TLS" and rep["srtp_suite"] == "AES_CM_128_HMAC_SHA1_80", rep
        assert f"to 127.0.0.1:{kam.tls_port}" in rep["registration"], rep
        assert "CN=example.test" in rep["peer_certificate"], rep
        check_audio(wd.file("b.wav"), wd.file("alice.wav"), "bob -> alice")
        check_audio(wd.file("a.wav"), wd.file("bob.wav"), "alice -> bob")
        alice_log = open(wd.file("alice.log")).read()
        # The registration failed over once; the call reuses that connection instead of the dead target.
        assert alice_log.count("trying the next target: tls sip.example.test") == 1, alice_log
        queries = open(dns.log_path).read()
        assert "query[NAPTR] example.test from 127.0.0.1" in queries and \
            "query[SRV] _sips._tcp.example.test from 127.0.0.1" in queries, f"the phone must have asked NAPTR and SRV: {queries}"
    finally:
        wd.cleanup()


def wildcard_certificate_is_refused_unless_allowed():
    """RFC 5922 7.2: a SIP domain certificate must not be a wildcard. Refused by default with one clear
    line; --tls-allow-wildcards accepts it (some carriers use them)."""
    reg = registrar_module()
    need("dnsmasq")
    wd, pki = setup("wildcard")
    try:
        star = domain_cert(wd, pki, "*.example.test", san="DNS:*.example.test")
        port = h.free_port()
        dns = reg.Dnsmasq(wd, a={"bob.example.test": "127.0.0.1"})
        callee = sotto_phone(wd, "callee.log", ["--listen", f"tls://127.0.0.1:{port}", "--cert", star["cert"], "--key",
                                               star["key"], "--ca-file", pki["ca"], "--json", "listen", "--auto-answer"])
        time.sleep(0.3)
        target = f"sips:bob@bob.example.test:{port}"
        common = tls_args(pki) + ["--dns-server", dns.server, "--duration", "1", "--timeout", "5", "--json"]
        refused = sotto_phone(wd, "refused.log", common + ["call", target])
        rep, rc = report_of(wd, "refused.log", refused)
        assert rc != 0 and "wildcard certificates are refused" in rep["error"], rep
        allowed = sotto_phone(wd, "allowed.log", common + ["--tls-allow-wildcards", "call", target])
        rep, rc = report_of(wd, "allowed.log", allowed)
        assert rc == 0 and rep["peer_certificate"] == "CN=*.example.test", rep
        assert "warning: --tls-allow-wildcards" in open(wd.file("allowed.log")).read()
        report_of(wd, "callee.log", callee)
    finally:
        wd.cleanup()


SCENARIOS = [
    registers_over_tls_with_digest_refreshes_keeps_alive_and_unregisters,
    ctrl_c_while_waiting_unregisters,
    wrong_password_is_one_clear_line,
    baresip_calls_registered_sotto_through_kamailio,
    phone_without_certificate_registers_and_is_called_down_its_connection,
    sotto_calls_registered_linphone_through_kamailio,
    sotto_locates_the_proxy_by_naptr_srv_and_calls_through_it,
    wildcard_certificate_is_refused_unless_allowed,
]


def main():
    return run_scenarios(SCENARIOS)

if __name__ == "__main__":
    sys.exit(main())
