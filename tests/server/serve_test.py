#!/usr/bin/env python3
"""`sotto serve` through the real binary: starting with nothing, OPTIONS over UDP and TLS, SIGHUP reloading
the certificate without dropping connections, SIGTERM draining to exit 0, and configuration errors
reported (exit 2, naming the file and line or the flag) before anything listens.

  tests/server/serve_test.py [-k NAME]      # SOTTO_BUILD_DIR=build/default by default
"""
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "interop"))
import harness as h  # noqa: E402
from phone_interop_test import run_scenarios  # noqa: E402
from serve_harness import (Serve, challenges, listening_sockets, register_udp, request, status_line,  # noqa: E402
                           stream_exchange, tls_connect, udp_exchange)


def cert_serial(sock):
    import ssl  # noqa: F401
    der = sock.getpeercert(binary_form=True)
    out = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-serial", "-ext", "subjectAltName"],
                         input=der, capture_output=True, check=True).stdout.decode()
    return out


def starts_with_nothing_answers_options_and_drains_on_sigterm():
    wd = h.Workdir("serve-start")
    try:
        udp = h.free_port(socket.SOCK_DGRAM)
        s = Serve(wd, udp_port=udp)
        assert oct(os.stat(s.data_dir).st_mode & 0o777) == "0o700", "data dir mode"
        for f in ("ca.crt", "ca.key", "server.crt", "server.key", "sotto.db"):
            assert os.path.exists(os.path.join(s.data_dir, f)), f
        line = [l for l in s.log().splitlines() if "listening on" in l][0]
        assert f"tls://127.0.0.1:{s.tls_port}" in line and f"udp://127.0.0.1:{udp}" in line, line
        assert "domains localhost" in line and f"data dir {s.data_dir}" in line and f"CA {s.ca}" in line, line
        # Exactly the configured listeners: one TCP (TLS) and one UDP socket, nothing on 5060.
        socks = listening_sockets(s.proc.pid)
        assert socks == sorted([("tcp", f"127.0.0.1:{s.tls_port}"), ("udp", f"127.0.0.1:{udp}")]), socks
        r = udp_exchange(udp, request("OPTIONS", "sip:localhost", "udp"))[0]
        assert status_line(r) == "SIP/2.0 200 OK", r
        assert "\r\nAllow: " in r and "INVITE" in r, r
        with tls_connect(s.tls_port, s.ca) as t:
            assert t.version() in ("TLSv1.3", "TLSv1.2"), t.version()
            r = stream_exchange(t, request("OPTIONS", "sip:127.0.0.1", "tls"))
            assert status_line(r) == "SIP/2.0 200 OK", r
        t0 = time.time()
        rc = s.stop()
        assert rc == 0, (rc, s.log())
        assert time.time() - t0 < 5, "an idle server stops at once"
        assert "stopping:" in s.log() and s.log().rstrip().endswith("stopped"), s.log()
    finally:
        wd.cleanup()


def sighup_reloads_the_certificate_without_dropping_connections():
    wd = h.Workdir("serve-hup")
    try:
        s = Serve(wd)
        old = tls_connect(s.tls_port, s.ca)
        before = cert_serial(old)
        # A new server certificate from the same CA, with one more name.
        os.remove(os.path.join(s.data_dir, "server.crt"))
        os.remove(os.path.join(s.data_dir, "server.key"))
        s.sotto("ca", "init", "--cert-names", "localhost,127.0.0.1,reloaded.test")
        s.proc.send_signal(signal.SIGHUP)
        s.wait_log("SIGHUP: reloaded certificate", 5)
        with tls_connect(s.tls_port, s.ca) as new:
            after = cert_serial(new)
            assert "reloaded.test" in after and "reloaded.test" not in before, (before, after)
            assert status_line(stream_exchange(new, request("OPTIONS", "sip:localhost", "tls"))) == "SIP/2.0 200 OK"
        # The connection from before the reload still works, with the old certificate.
        assert status_line(stream_exchange(old, request("OPTIONS", "sip:localhost", "tls"))) == "SIP/2.0 200 OK"
        # A broken certificate on disk: reload refused with a reason, the running one kept.
        with open(os.path.join(s.data_dir, "server.key"), "w") as f:
            f.write("not a key\n")
        s.proc.send_signal(signal.SIGHUP)
        s.wait_log("certificate not reloaded, keeping the previous one", 5)
        with tls_connect(s.tls_port, s.ca) as again:
            assert "reloaded.test" in cert_serial(again)
        old.close()
        assert s.stop() == 0
    finally:
        wd.cleanup()


def configuration_errors_exit_2_before_anything_listens():
    wd = h.Workdir("serve-config")
    try:
        port = h.free_port()
        data = wd.file("never-made")

        def serve(*args):
            r = subprocess.run([h.sotto_bin(), "serve", "--data-dir", data, "--listen", f"tls://127.0.0.1:{port}",
                                *args], capture_output=True, text=True, timeout=20)
            return r.returncode, r.stderr.strip().splitlines()

        with open(wd.file("bad.toml"), "w") as f:
            f.write('domain = "localhost"\nrtp_ports = "5-2"\nlisen = ["x"]\n')
        rc, err = serve("--config", wd.file("bad.toml"))
        assert rc == 2, (rc, err)
        assert err[0].startswith(wd.file("bad.toml") + ":2:") and "rtp_ports" in err[0], err
        assert err[1].startswith(wd.file("bad.toml") + ":3:1: unknown key 'lisen'"), err
        rc, err = serve("--rtp-ports", "9-3")
        assert rc == 2 and err[0].startswith("sotto serve: --rtp-ports: expected"), (rc, err)
        rc, err = serve("--listen", "tls://localhost:5061")
        assert rc == 2 and err[0].startswith("sotto serve: --listen: "), (rc, err)
        rc, err = serve("--cert", wd.file("missing.crt"))
        assert rc == 2 and "cert" in err[0] and "key" in err[0], (rc, err)
        rc, err = serve("--cert", wd.file("missing.crt"), "--key", wd.file("missing.key"))
        assert rc == 2 and err == [f"sotto serve: --cert {wd.file('missing.crt')}: cannot be read"], (rc, err)
        rc, err = serve("--drain-timeout", "-1")
        assert rc == 2 and err[0].startswith("sotto serve: --drain-timeout: expected"), (rc, err)
        assert not os.path.exists(data), "nothing may be created for a configuration that does not start"
        # A listener that cannot bind: exit 1 naming it.
        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        bport = busy.getsockname()[1]
        r = subprocess.run([h.sotto_bin(), "serve", "--data-dir", wd.file("d2"), "--listen", f"tls://127.0.0.1:{bport}"],
                           capture_output=True, text=True, timeout=20)
        busy.close()
        assert r.returncode == 1 and f"--listen tls://127.0.0.1:{bport}: " in r.stderr, (r.returncode, r.stderr)
    finally:
        wd.cleanup()


def db_bindings(data_dir):
    import sqlite3
    con = sqlite3.connect(f"file:{os.path.join(data_dir, 'sotto.db')}?mode=ro", uri=True)
    try:
        return con.execute("SELECT user, contact, transport FROM bindings ORDER BY user").fetchall()
    finally:
        con.close()


def registration_is_on_disk_before_the_200_and_restored_after_kill_9():
    wd = h.Workdir("serve-reg")
    try:
        s = Serve(wd)
        s.sotto("user", "add", "alice", "--password", "alice-secret")
        phone = wd.spawn([h.sotto_bin(), "phone", "--account", "sips:alice@localhost", "--password", "alice-secret",
                          "--proxy", f"sips:127.0.0.1:{s.tls_port}", "--ca-file", s.ca, "--duration", "30", "register"],
                         "alice.log")
        deadline = time.time() + 10
        while "registered as" not in open(wd.file("alice.log")).read():
            assert time.time() < deadline and phone.poll() is None, open(wd.file("alice.log")).read()
            time.sleep(0.1)
        # The phone has its 200: the binding must already be on disk.
        rows = db_bindings(s.data_dir)
        assert len(rows) == 1 and rows[0][0] == "alice" and rows[0][2] == "TLS", rows
        assert "registered alice at sips:alice@127.0.0.1:" in s.log(), s.log()
        s.proc.kill()  # no chance to write anything more
        s.proc.wait(timeout=5)
        s2 = Serve(wd, data_dir=s.data_dir, tls_port=s.tls_port, log="serve2.log")
        s2.wait_log("restored 1 binding(s) from the database", 5)
        phone.send_signal(signal.SIGINT)
        phone.wait(timeout=15)
        assert s2.stop() == 0
    finally:
        wd.cleanup()


def register_over_udp_to_a_tls_only_account_is_refused_after_the_digest():
    wd = h.Workdir("serve-udp-reg")
    try:
        udp = h.free_port(socket.SOCK_DGRAM)
        s = Serve(wd, udp_port=udp)
        s.sotto("user", "add", "alice", "--password", "alice-secret")  # default policy: TLS only
        first, second = register_udp(udp, "alice", "alice-secret")
        assert status_line(first) == "SIP/2.0 401 Unauthorized", first
        # Refused only after a correct digest, with the reason (refusing earlier would reveal the account).
        assert second is not None and status_line(second) == "SIP/2.0 403 Transport UDP not allowed for this account", second
        assert "\r\nWarning: 399 " in second and "Transport UDP not allowed" in second, second
        # An unknown user gets the same challenge as a known one, and a wrong password the same answer.
        nobody_first, nobody_second = register_udp(udp, "nobody", "x")
        alice_wrong_first, alice_wrong_second = register_udp(udp, "alice", "wrong")
        assert status_line(nobody_first) == status_line(alice_wrong_first) == "SIP/2.0 401 Unauthorized"
        shape = lambda r: sorted((c.get("algorithm"), c.get("qop"), c.get("realm")) for c in challenges(r))  # noqa: E731
        assert shape(nobody_first) == shape(first), (nobody_first, first)
        assert status_line(nobody_second) == status_line(alice_wrong_second), (nobody_second, alice_wrong_second)
        assert db_bindings(s.data_dir) == [], "nothing registered"
        assert s.stop() == 0
    finally:
        wd.cleanup()


def the_packaged_configuration_starts_with_json_logs_and_the_admin_listener():
    """packaging/sotto.toml (what the systemd unit runs) with the flags overriding its listener addresses."""
    wd = h.Workdir("serve-packaged")
    try:
        http = h.free_port()
        cfg = os.path.join(h.ROOT, "packaging", "sotto.toml")
        s = Serve(wd, args=["--config", cfg, "--http", f"127.0.0.1:{http}"])
        lines = [l for l in s.log().splitlines() if l.strip()]
        import json
        docs = [json.loads(l) for l in lines]  # every line is one JSON object (log_format = "json")
        assert any("listening on" in d["msg"] for d in docs), docs
        assert all({"ts", "level", "component", "msg"} <= set(d) for d in docs), docs
        import urllib.request
        with urllib.request.urlopen(f"http://127.0.0.1:{http}/api/health", timeout=5) as r:
            assert r.status == 200 and json.loads(r.read()) == {"status": "ok"}
        with urllib.request.urlopen(f"http://127.0.0.1:{http}/metrics", timeout=5) as r:
            text = r.read().decode()
            assert "sotto_registrations_active 0" in text, text
            assert 'sotto_connections_refused_total{reason="per-source"} 0' in text, text
        assert s.stop() == 0
    finally:
        wd.cleanup()


def old_call_records_are_pruned_at_start_in_batches_and_kept_when_forever():
    """[records] keep: at start the server deletes the records of calls older than keep (1200 of them, 100 days
    old, in batches of 500) and keeps the newer ones, the accounts and the registrations; "forever" keeps all."""
    import json
    wd = h.Workdir("serve-retention")
    try:
        seed = os.path.join(h.build_dir(), "tests", "store_seed")
        data = wd.file("sotto-data")
        p = subprocess.run([seed, "--data-dir", data, "--bulk-old", "1200"], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stdout + p.stderr
        forever = wd.file("forever.toml")
        with open(forever, "w") as f:
            f.write('[records]\nkeep = "forever"\n')
        s = Serve(wd, args=["--config", forever], data_dir=data, log="forever.log")
        time.sleep(1)
        assert "records: pruned" not in s.log(), s.log()
        assert s.stop() == 0
        assert len(json.loads(s.sotto("calls", "--json").stdout)["calls"]) == 1205

        cfg = wd.file("keep.toml")
        with open(cfg, "w") as f:
            f.write('[records]\nkeep = "2d"\n')
        s = Serve(wd, args=["--config", cfg], data_dir=data)
        s.wait_log("records: pruned", 10)
        line = [l for l in s.log().splitlines() if "records: pruned" in l][0]
        assert "records: pruned 1201 call record(s) that started before " in line and "(keep 2d) in 3 batch(es)" in line, line
        # The server answers while (and after) it prunes.
        r = options_over_tls(s)
        assert r == "SIP/2.0 200 OK", r
        calls = json.loads(s.sotto("calls", "--json").stdout)["calls"]
        assert [c["call_id"] for c in calls] == ["secure-1@127.0.0.1", "partial-1@127.0.0.1", "busy-1@127.0.0.1",
                                                 "transfer-1@127.0.0.1"], [c["call_id"] for c in calls]
        regs = json.loads(s.sotto("registrations", "--json").stdout)["registrations"]
        assert [r["user"] for r in regs] == ["alice", "bob"], regs
        users = s.sotto("user", "list").stdout
        assert "alice" in users and "bob" in users, users
        assert s.stop() == 0
        print(f"  {line.split('records: ', 1)[1]}", flush=True)
    finally:
        wd.cleanup()


def options_over_tls(s):
    with tls_connect(s.tls_port, s.ca) as t:
        return status_line(stream_exchange(t, request("OPTIONS", "sip:localhost", "tls")))


SCENARIOS = [
    starts_with_nothing_answers_options_and_drains_on_sigterm,
    sighup_reloads_the_certificate_without_dropping_connections,
    configuration_errors_exit_2_before_anything_listens,
    registration_is_on_disk_before_the_200_and_restored_after_kill_9,
    register_over_udp_to_a_tls_only_account_is_refused_after_the_digest,
    the_packaged_configuration_starts_with_json_logs_and_the_admin_listener,
    old_call_records_are_pruned_at_start_in_batches_and_kept_when_forever,
]

if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS))
