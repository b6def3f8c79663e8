#!/usr/bin/env python3
"""Trunk registration end to end: "office" (A) registers at "carrier" (B), both `sotto serve` on loopback.

B has an account "acme" for A. A's [[trunk]] says `register = true` with `contact_user = "+15550001"`, and its
`sources` name an address nothing sends from (127.0.0.9), so A can only know the carrier by the TLS
connection it registered over.

- registration: A logs "registered ... over TLS", B's `sotto registrations --json` shows acme's binding with
  that Contact over TLS, A's /metrics has sotto_trunk_registered{trunk="carrier"} 1 and /api/trunks says
  "registered";
- inbound: B's user 15550002 calls "acme"; B rings acme's binding, i.e. down A's connection; A takes it as
  a trunk call for +15550001 and rings alice; audio checked both ways by correlation;
- outbound: alice dials 015550002; the INVITE goes down the same connection (B's record of the call shows
  the registration's source address as the caller's);
- connection loss: B is stopped and started again; A registers again on a new connection;
- drain: A's SIGTERM unregisters (B's binding is gone).

  flock /tmp/sotto-interop.lock tests/server/serve_trunk_register_test.py [-k NAME]   # SOTTO_BUILD_DIR=build/default
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "interop"))
import harness as h  # noqa: E402
from harness import log_has, wait_for  # noqa: E402
from phone_interop_test import check_audio, report_of, run_scenarios  # noqa: E402
from serve_harness import Serve  # noqa: E402

PW = {"alice": "alice-secret", "acme": "acme-secret", "15550002": "carol-secret"}


def http_get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def phone(wd, pki, port, user, log, args):
    return wd.spawn([h.sotto_bin(), "phone", "--account", f"sips:{user}@localhost", "--password", PW[user],
                     "--proxy", f"sips:127.0.0.1:{port}", "--ca-file", pki["ca"], *args], log)


def calls_json(s):
    return json.loads(s.sotto("calls", "--json").stdout)["calls"]


def bindings(s, user):
    return [b for b in json.loads(s.sotto("registrations", "--json").stdout)["registrations"] if b["user"] == user]


class Pair:
    def __init__(self, wd, pki):
        self.wd, self.pki = wd, pki
        self.port_a, self.port_b, self.http_a = h.free_port(), h.free_port(), h.free_port()
        while len({self.port_a, self.port_b, self.http_a}) < 3:
            self.port_b, self.http_a = h.free_port(), h.free_port()
        self.tls = ["--cert", pki["cert"], "--key", pki["key"], "--ca-file", pki["ca"]]
        with open(wd.file("office.toml"), "w") as f:
            f.write(f'''http = "127.0.0.1:{self.http_a}"

[[trunk]]
name = "carrier"
uri = "sips:127.0.0.1:{self.port_b}"
username = "acme"
password = "{PW['acme']}"
srtp = "require"
prefix = "0"
numbers = {{ "+15550001" = "alice" }}
sources = ["127.0.0.9"]
register = true
register_expires = 120
contact_user = "+15550001"
''')
        self.b = self.start_carrier()
        self.b.sotto("user", "add", "acme", "--password", PW["acme"])
        self.b.sotto("user", "add", "15550002", "--password", PW["15550002"])
        self.a = Serve(wd, args=["--config", wd.file("office.toml"), *self.tls], data_dir=wd.file("office-data"),
                       tls_port=self.port_a, log="office.log")
        self.a.sotto("user", "add", "alice", "--password", PW["alice"])

    def start_carrier(self, log="carrier.log"):
        return Serve(self.wd, args=self.tls, data_dir=self.wd.file("carrier-data"), tls_port=self.port_b, log=log)

    def registered_line(self):
        return f"trunk carrier: registered at sips:127.0.0.1:{self.port_b} as acme (expires 120 s) over TLS to 127.0.0.1:{self.port_b}"

    def stop(self):
        for s in (self.a, self.b):
            if s is not None and s.proc.poll() is None:
                s.stop()


def check_registered(p):
    p.a.wait_log(p.registered_line(), 20)
    binds = bindings(p.b, "acme")
    assert len(binds) == 1, binds
    bind = binds[0]
    assert bind["transport"] == "TLS" and bind["contact"].startswith(f"sips:+15550001@127.0.0.1:{p.port_a}"), bind
    assert 0 < bind["expires_in"] <= 120, bind
    st, metrics = http_get(p.http_a, "/metrics")
    assert st == 200 and 'sotto_trunk_registered{trunk="carrier"} 1' in metrics.splitlines(), metrics
    import subprocess
    prom = subprocess.run(["promtool", "check", "metrics"], input=metrics, capture_output=True, text=True, timeout=30)
    assert prom.returncode == 0, prom.stdout + prom.stderr
    st, body = http_get(p.http_a, "/api/trunks")
    trunks = json.loads(body)["trunks"]
    assert st == 200 and len(trunks) == 1, body
    t = trunks[0]
    assert t["name"] == "carrier" and t["state"] == "registered" and t["expires"] == 120 and t["last_error"] is None, t
    assert t["connection"] == f"127.0.0.1:{p.port_b}" and t["registrations"] >= 1, t
    print(f"  carrier's binding: {bind['contact']} over {bind['transport']} from {bind['source']}; /api/trunks: "
          f"{t['state']}, expires {t['expires']} s", flush=True)
    return bind


def call(p, direction, tag):
    wd, pki = p.wd, p.pki
    h.make_noise_wav(wd.file(f"{tag}-a.wav"), 1)
    h.make_noise_wav(wd.file(f"{tag}-b.wav"), 2)
    if direction == "in":
        callee = phone(wd, pki, p.port_a, "alice", f"{tag}-callee.log",
                       ["--play", wd.file(f"{tag}-b.wav"), "--record", wd.file(f"{tag}-callee.wav"), "--json", "listen",
                        "--auto-answer"])
        port, user, target = p.port_b, "15550002", "sips:acme@localhost"
    else:
        callee = phone(wd, pki, p.port_b, "15550002", f"{tag}-callee.log",
                       ["--play", wd.file(f"{tag}-b.wav"), "--record", wd.file(f"{tag}-callee.wav"), "--json", "listen",
                        "--auto-answer"])
        port, user, target = p.port_a, "alice", "sips:015550002@localhost"
    wait_for(log_has(wd, f"{tag}-callee.log", "waiting for a call"), 15, "the callee's registration")
    caller = phone(wd, pki, port, user, f"{tag}-caller.log",
                   ["--play", wd.file(f"{tag}-a.wav"), "--record", wd.file(f"{tag}-caller.wav"), "--duration", "4",
                    "--json", "call", target])
    rep, rc = report_of(wd, f"{tag}-caller.log", caller)
    brep, brc = report_of(wd, f"{tag}-callee.log", callee)
    time.sleep(0.5)
    assert rc == 0 and brc == 0, (rep, brep, p.a.log()[-2000:], p.b.log()[-2000:])
    ca = check_audio(wd.file(f"{tag}-a.wav"), wd.file(f"{tag}-callee.wav"), f"{direction}: caller -> callee")
    cb = check_audio(wd.file(f"{tag}-b.wav"), wd.file(f"{tag}-caller.wav"), f"{direction}: callee -> caller")
    print(f"  {direction}: correlation caller->callee {ca['peak']:.2f}, callee->caller {cb['peak']:.2f}", flush=True)


def last_call(s):
    calls = calls_json(s)
    assert calls, calls
    c = calls[0] if len(calls) == 1 else max(calls, key=lambda c: c["started"])
    assert c["result"] == "answered" and c["status"] == 200 and c["verdict"] == "secure", c
    return c


def office_registers_and_carrier_calls_come_down_that_connection():
    wd = h.Workdir("serve-trunk-register")
    pki = h.make_pki(wd)
    p = None
    try:
        p = Pair(wd, pki)
        bind = check_registered(p)
        assert "trunk carrier: sips:127.0.0.1:%d (srtp require), prefix '0', 1 number(s), inbound from 127.0.0.9 and " \
            "the registered connection" % p.port_b in p.a.log(), p.a.log()
        assert "trunk carrier: registering at sips:127.0.0.1:%d as acme (contact user +15550001, expires 120 s)" % p.port_b \
            in p.a.log(), p.a.log()

        call(p, "in", "in")
        ra, rb = last_call(p.a), last_call(p.b)
        assert [(l["side"], l["peer"]) for l in ra["legs"]] == [("caller", "trunk:carrier"), ("callee", "alice")], ra
        assert [(l["side"], l["peer"]) for l in rb["legs"]] == [("caller", "15550002"), ("callee", "acme")], rb
        # B reached A down the registered connection: its callee leg's address is the binding's source.
        assert rb["legs"][1]["address"] == bind["source"], (rb["legs"][1], bind)
        assert ra["legs"][0]["address"] == f"127.0.0.1:{p.port_b}", ra["legs"][0]

        call(p, "out", "out")
        calls_b = sorted(calls_json(p.b), key=lambda c: c["started"])
        out_b = calls_b[-1]
        assert [(l["side"], l["peer"]) for l in out_b["legs"]] == [("caller", "acme"), ("callee", "15550002")], out_b
        # A's INVITE came down the registered connection (same source as the binding).
        assert out_b["legs"][0]["address"] == bind["source"], (out_b["legs"][0], bind)
        for c in (ra, rb, out_b):
            for leg in c["legs"]:
                assert leg["transport"] == "TLS" and leg["srtp_suite"] and leg["packets_in"] > 100, leg
        print(f"  in: carrier leg {rb['legs'][1]['address']}; out: carrier caller leg {out_b['legs'][0]['address']} "
              f"(binding source {bind['source']})", flush=True)

        # Drain: A unregisters before it exits.
        assert p.a.stop() == 0
        assert "trunk carrier: unregistered" in p.a.log(), p.a.log()[-2000:]
        assert bindings(p.b, "acme") == [], bindings(p.b, "acme")
        print("  SIGTERM: office unregistered; carrier has no binding for acme", flush=True)
        assert p.b.stop() == 0
    finally:
        if p is not None:
            p.stop()
        wd.cleanup()


def office_registers_again_after_the_carrier_restarts():
    wd = h.Workdir("serve-trunk-reregister")
    pki = h.make_pki(wd)
    p = None
    try:
        p = Pair(wd, pki)
        check_registered(p)
        t0 = time.time()
        p.b.proc.kill()  # the connection drops without an unregister
        p.b.proc.wait(timeout=10)
        p.a.wait_log("trunk carrier: registration lost: connection lost", 10)
        st, body = http_get(p.http_a, "/api/trunks")
        t = json.loads(body)["trunks"][0]
        assert t["state"] in ("backing_off", "connecting") and t["last_error"], t
        st, metrics = http_get(p.http_a, "/metrics")
        assert 'sotto_trunk_registered{trunk="carrier"} 0' in metrics.splitlines(), metrics
        time.sleep(3)  # a retry or two fails while nobody listens
        p.b = p.start_carrier("carrier2.log")
        p.a.wait_log(p.registered_line(), 30, count=2)
        print(f"  registered again {time.time() - t0:.1f} s after the carrier was killed", flush=True)
        binds = bindings(p.b, "acme")
        assert len(binds) == 1 and binds[0]["transport"] == "TLS", binds
        log = p.a.log()
        assert log.count("trunk carrier: registration failed: cannot connect") >= 1, log[-3000:]
        # Refreshes are not logged per refresh; state changes are.
        assert log.count("trunk carrier: registered at") == 2, log[-3000:]
        assert p.a.stop() == 0 and p.b.stop() == 0
    finally:
        if p is not None:
            p.stop()
        wd.cleanup()


def register_without_a_tls_listener_is_refused_at_start():
    """The registered Contact names our TLS listener: without one, `sotto serve` refuses to start (exit 2)."""
    import subprocess
    wd = h.Workdir("serve-trunk-register-notls")
    try:
        with open(wd.file("office.toml"), "w") as f:
            f.write('[[trunk]]\nname = "carrier"\nuri = "sips:127.0.0.1:5999"\nusername = "acme"\npassword = "x"\n'
                    'register = true\n')
        r = subprocess.run([h.sotto_bin(), "serve", "--config", wd.file("office.toml"), "--data-dir", wd.file("data"),
                            "--listen", f"udp://127.0.0.1:{h.free_port()}"], capture_output=True, text=True, timeout=30)
        assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
        assert "trunk 'carrier': register = true needs a tls:// listener" in r.stderr, r.stderr
        print("  " + r.stderr.strip().splitlines()[-1], flush=True)
    finally:
        wd.cleanup()


SCENARIOS = [
    office_registers_and_carrier_calls_come_down_that_connection,
    office_registers_again_after_the_carrier_restarts,
    register_without_a_tls_listener_is_refused_at_start,
]

if __name__ == "__main__":
    sys.exit(run_scenarios(SCENARIOS))
