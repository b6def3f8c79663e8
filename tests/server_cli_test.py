#!/usr/bin/env python3
"""The server's offline commands end to end, through the real binary: `sotto user`, `sotto ca`,
`sotto provision`, `sotto config check` (docs/SERVER.md, docs/CONFIG.md).

  tests/server_cli_test.py [-k NAME]           # SOTTO_BUILD_DIR=build/default by default
  tests/server_cli_test.py --peers             # baresip and linphone load provisioned accounts (take the interop lock)

`sotto serve` does not exist yet, so the peer checks stop at what a phone does before a registrar
answers: the phone loads the snippet, opens TLS to the address in it and sends REGISTER; a small TLS
listener here (with the data directory's server certificate) challenges it and checks that the digest
response was computed from the user, realm and password (or HA1) the snippet carries.
"""
import argparse
import configparser
import hashlib
import json
import os
import re
import socket
import ssl
import stat
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.path.abspath(os.environ.get("SOTTO_BUILD_DIR", os.path.join(ROOT, "build", "default")))
SOTTO = os.path.join(BUILD, "apps", "sotto", "sotto")


class Ctx:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="sotto-server-cli-")
        self.data = os.path.join(self.tmp, "data")

    def path(self, name):
        return os.path.join(self.tmp, name)


def run(*args, env=None, want=None, data=None):
    """Runs sotto with args (+ --data-dir when data is given); returns (rc, stdout, stderr)."""
    full_env = {k: v for k, v in os.environ.items() if k != "SOTTO_PASSWORD"}
    if env:
        full_env.update(env)
    argv = [SOTTO, *args] + (["--data-dir", data] if data else [])
    p = subprocess.run(argv, capture_output=True, text=True, env=full_env, timeout=60)
    if want is not None:
        assert p.returncode == want, f"{' '.join(argv[1:])}: exit {p.returncode}, expected {want}\n" \
                                     f"stdout: {p.stdout}\nstderr: {p.stderr}"
    return p.returncode, p.stdout, p.stderr


def one_line_error(err, *needles):
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, f"expected one error line, got {lines}"
    for n in needles:
        assert n in lines[0], f"{n!r} not in {lines[0]!r}"


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def run_on_tty(args, typed, data):
    """Runs sotto with a pseudo-terminal as stdin (so it prompts), typing each of `typed` as a line once
    the prompt for it has appeared; returns (rc, everything written to the terminal/stderr)."""
    import pty
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "SOTTO_PASSWORD"}
    p = subprocess.Popen([SOTTO, *args, "--data-dir", data], stdin=slave, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    os.close(slave)
    # The prompts go to stderr: wait for each before typing (the terminal is set to no-echo by then).
    err = b""
    for i, line in enumerate(typed):
        while err.count(b": ") < i + 1:
            chunk = os.read(p.stderr.fileno(), 256)
            if not chunk:
                break
            err += chunk
        os.write(master, line.encode() + b"\n")
        err += b"\n"
    try:
        out, rest = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        raise
    finally:
        os.close(master)
    return p.returncode, out.decode(), (err + rest).decode()


def openssl(*args):
    p = subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout + p.stderr


# ---------------------------------------------------------------------------------------------- users

def test_users(c):
    run("user", "add", "alice", "--password", "alice-pw", data=c.data, want=0)
    st = os.stat(c.data)
    assert stat.S_IMODE(st.st_mode) == 0o700, oct(st.st_mode)
    assert stat.S_IMODE(os.stat(os.path.join(c.data, "sotto.db")).st_mode) == 0o600
    with open(c.path("bob.pw"), "w") as f:
        f.write("bob-pw\n")
    run("user", "add", "bob", "--password-file", c.path("bob.pw"), data=c.data, want=0)
    # Options after the arguments, the password from the environment (not in ps).
    run("user", "add", "carol", "--srtp", "offer", "--suites", "AEAD_AES_128_GCM,AES_CM_128_HMAC_SHA1_80",
        "--allow-transports", "tls,udp", data=c.data, env={"SOTTO_PASSWORD": "carol-pw"}, want=0)

    rc, out, err = run("user", "add", "alice", "--password", "x", data=c.data, want=1)
    one_line_error(err, "user 'alice' already exists")

    for args, needles in [
        (["--srtp", "maybe"], ["--srtp", "'maybe'", "off, offer or require"]),
        (["--suites", "AES_CM_128_HMAC_SHA1_80,FOO"], ["--suites", "'FOO'"]),
        (["--suites", "NULL_HMAC_SHA1_80"], ["--suites", "'NULL_HMAC_SHA1_80'"]),
        (["--allow-transports", "tls,sctp"], ["--allow-transports", "'sctp'", "tls,tcp,udp"]),
    ]:
        rc, out, err = run("user", "add", "dave", "--password", "x", *args, data=c.data, want=2)
        one_line_error(err, *needles)
    rc, out, err = run("user", "add", "dave", data=c.data, want=2)
    one_line_error(err, "--password", "--password-file", "SOTTO_PASSWORD")
    rc, out, err = run("user", "add", "dave", "--password", "x", "--password-file", c.path("bob.pw"), data=c.data,
                       want=2)
    one_line_error(err, "not both")
    rc, out, err = run("user", "add", "bad:name", "--password", "x", data=c.data, want=2)
    one_line_error(err, "'bad:name'")
    rc, out, err = run("user", "add", "dave", "--password", "x", "--realm", "other", data=c.data, want=2)
    one_line_error(err, "--realm other", "'sotto'")

    rc, out, err = run("user", "list", "--json", data=c.data, want=0)
    doc = json.loads(out)
    assert doc["realm"] == "sotto", doc
    users = {u["name"]: u for u in doc["users"]}
    assert sorted(users) == ["alice", "bob", "carol"], users
    assert users["alice"]["srtp"] == "require" and users["alice"]["transports"] == ["tls"], users["alice"]
    assert users["alice"]["suites"][0] == "AES_CM_128_HMAC_SHA1_80" and len(users["alice"]["suites"]) == 6
    assert users["carol"] == {**users["carol"], "srtp": "offer", "transports": ["tls", "udp"],
                              "suites": ["AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"]}, users["carol"]
    assert '"ha1' not in out and md5("alice:sotto:alice-pw") not in out and "alice-pw" not in out
    rc, out, err = run("user", "list", data=c.data, want=0)
    assert re.search(r"^carol\s+offer\s+tls,udp\s+AEAD_AES_128_GCM,AES_CM_128_HMAC_SHA1_80$", out, re.M), out

    # Only digests on disk: no password in the database or its WAL.
    blob = b""
    for f in os.listdir(c.data):
        if f.startswith("sotto.db"):
            blob += open(os.path.join(c.data, f), "rb").read()
    for pw in (b"alice-pw", b"bob-pw", b"carol-pw"):
        assert pw not in blob, pw
    assert md5("alice:sotto:alice-pw").encode() in blob

    with open(c.path("alice2.pw"), "w") as f:
        f.write("alice-new\n")
    run("user", "passwd", "alice", "--password-file", c.path("alice2.pw"), data=c.data, want=0)
    # On a terminal, passwd (and add) ask twice with echo off.
    rc, out, err = run_on_tty(["user", "passwd", "carol"], ["typed-pw", "typed-pw"], c.data)
    assert rc == 0 and "Password for carol:" in err and "Again:" in err and "typed-pw" not in err, (rc, out, err)
    rc, out, err = run_on_tty(["user", "passwd", "carol"], ["one", "two"], c.data)
    assert rc == 2 and "the two passwords differ" in err, (rc, out, err)
    run("user", "passwd", "carol", "--password", "carol-pw", data=c.data, want=0)
    rc, out, err = run("user", "passwd", "zed", "--password", "x", data=c.data, want=1)
    one_line_error(err, "no user 'zed'")
    rc, out, err = run("user", "remove", "zed", data=c.data, want=1)
    one_line_error(err, "no user 'zed'")
    run("user", "remove", "bob", data=c.data, want=0)
    rc, out, err = run("user", "list", "--json", data=c.data, want=0)
    assert [u["name"] for u in json.loads(out)["users"]] == ["alice", "carol"]

    # Usage errors of the parser itself follow the same contract: one line, exit 2.
    rc, out, err = run("user", "add", data=c.data, want=2)
    one_line_error(err, "sotto user add", "name is required")
    rc, out, err = run("user", "list", "--bogus", data=c.data, want=2)
    one_line_error(err, "sotto user list", "--bogus")

    rc, out, err = run("user", "list", data=c.path("nowhere"), want=1)
    one_line_error(err, "no data directory at")
    assert not os.path.exists(c.path("nowhere"))

    # The realm is fixed at creation, whatever --domain will be.
    other = c.path("realm-data")
    run("user", "add", "x", "--password", "p", "--realm", "example.org", data=other, want=0)
    rc, out, err = run("user", "list", "--json", data=other, want=0)
    assert json.loads(out)["realm"] == "example.org"
    rc, out, err = run("user", "list", "--realm", "sotto", data=other, want=2)
    one_line_error(err, "--realm sotto", "'example.org'")


# ------------------------------------------------------------------------------------------------- CA

def test_ca(c):
    rc, out, err = run("ca", "init", "--cert-names", "localhost,bad name", data=c.path("ca-bad"), want=2)
    one_line_error(err, "--cert-names", "'bad name'")
    rc, out, err = run("ca", "init", data=c.data, want=0)
    assert "created CA" in out and "created server certificate" in out, out
    rc, out, err = run("ca", "init", data=c.data, want=0)
    assert "kept the existing CA" in out, out
    ca = os.path.join(c.data, "ca.crt")
    srv = os.path.join(c.data, "server.crt")
    for key in ("ca.key", "server.key"):
        assert stat.S_IMODE(os.stat(os.path.join(c.data, key)).st_mode) == 0o600, key

    rc, pem, err = run("ca", "export", data=c.data, want=0)
    assert pem == open(ca).read(), "ca export differs from ca.crt"
    rc, text = openssl("x509", "-in", ca, "-noout", "-text")
    assert rc == 0 and "CA:TRUE" in text and "prime256v1" in text and "ecdsa-with-SHA256" in text, text

    rc, text = openssl("verify", "-CAfile", ca, "-purpose", "sslserver", srv)
    assert rc == 0 and text.strip().endswith(": OK"), text
    rc, text = openssl("x509", "-in", srv, "-noout", "-ext", "subjectAltName,extendedKeyUsage")
    sans = re.search(r"Subject Alternative Name:\s*\n\s*(.+)", text).group(1)
    assert sorted(s.strip() for s in sans.split(",")) == ["DNS:127.0.0.1", "DNS:localhost", "IP Address:127.0.0.1"], sans
    assert "TLS Web Server Authentication" in text, text

    out_dir = c.path("issued")
    rc, out, err = run("ca", "issue", "phone1", "--out", out_dir, data=c.data, want=0)
    crt, key = os.path.join(out_dir, "phone1.crt"), os.path.join(out_dir, "phone1.key")
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    rc, text = openssl("verify", "-CAfile", ca, "-purpose", "sslclient", crt)
    assert rc == 0 and text.strip().endswith(": OK"), text
    rc, text = openssl("verify", "-CAfile", ca, "-purpose", "sslserver", crt)
    assert rc != 0, "a client certificate must not pass as a server certificate"
    rc, text = openssl("x509", "-in", crt, "-noout", "-subject", "-ext", "extendedKeyUsage")
    assert "CN = phone1" in text and "TLS Web Client Authentication" in text, text
    rc, mod_c = openssl("x509", "-in", crt, "-noout", "-pubkey")
    rc, mod_k = openssl("pkey", "-in", key, "-pubout")
    assert mod_c.strip() == mod_k.strip(), "key does not belong to the certificate"
    rc, out, err = run("ca", "issue", "phone1", "--out", out_dir, data=c.data, want=1)
    one_line_error(err, "phone1.crt exists")
    rc, out, err = run("ca", "issue", "../x", data=c.data, want=2)
    one_line_error(err, "'../x'")

    # Implicit init: issue into a fresh data directory makes its CA first.
    fresh = c.path("fresh")
    rc, out, err = run("ca", "issue", "p2", "--out", c.path("issued2"), "--cert-names", "sip.example.test,::1",
                       data=fresh, want=0)
    assert "created CA" in err, err
    rc, text = openssl("x509", "-in", os.path.join(fresh, "server.crt"), "-noout", "-ext", "subjectAltName")
    assert "DNS:sip.example.test" in text and "IP Address:0:0:0:0:0:0:0:1" in text and "DNS:::1" in text, text

    # Operator-given CA: export prints the root of the bundle.
    bundle = c.path("bundle.pem")
    with open(bundle, "w") as f:
        f.write(open(srv).read() + open(ca).read())
    rc, pem, err = run("ca", "export", "--ca-file", bundle, want=0)
    assert pem == open(ca).read(), pem
    with open(c.path("junk.pem"), "w") as f:
        f.write("not a certificate\n")
    rc, out, err = run("ca", "export", "--ca-file", c.path("junk.pem"), want=2)
    one_line_error(err, "--ca-file", "junk.pem")


# ------------------------------------------------------------------------------------------ provision

def baresip_line(out):
    lines = [l for l in out.splitlines() if l.startswith("<sip:")]
    assert len(lines) == 1, out
    m = re.fullmatch(r"<(sip:[^>]+)>((?:;[^;=]+=(?:\"[^\"]*\"|[^;]*))*)", lines[0])
    assert m, lines[0]
    params = dict(re.findall(r";([^;=]+)=(\"[^\"]*\"|[^;]*)", m.group(2)))
    return m.group(1), params


def test_provision(c):
    # Needs test_users' accounts (alice: require, password alice-new; carol: offer).
    rc, out, err = run("provision", "baresip", "alice", data=c.data, want=0)
    aor, p = baresip_line(out)
    assert aor == "sip:alice@localhost;transport=tls", aor
    assert p["mediaenc"] == "srtp-mand" and p["auth_pass"] == "REPLACE_WITH_PASSWORD", p
    assert p["outbound"] == '"sip:127.0.0.1:5061;transport=tls"', p
    ca = os.path.join(os.path.abspath(c.data), "ca.crt")
    assert re.search(r"^#\s+sip_cafile " + re.escape(ca) + "$", out, re.M), out
    assert "REPLACE_WITH_PASSWORD" in err

    rc, out, err = run("provision", "baresip", "carol", "--server", "127.0.0.1:5071", data=c.data,
                       env={"SOTTO_PASSWORD": "carol-pw"}, want=0)
    aor, p = baresip_line(out)
    assert p["mediaenc"] == "srtp" and p["auth_pass"] == "carol-pw", p
    assert p["outbound"] == '"sip:127.0.0.1:5071;transport=tls"', p

    rc, out, err = run("provision", "baresip", "alice", "--password", "alice-pw", data=c.data, want=1)
    one_line_error(err, "does not match")

    rc, out, err = run("provision", "linphone", "alice", "--ha1", data=c.data, want=0)
    ini = configparser.ConfigParser()
    ini.read_string(out)
    assert ini["sip"]["media_encryption"] == "srtp" and ini["sip"]["media_encryption_mandatory"] == "1", out
    assert ini["sip"]["root_ca"] == ca
    assert ini["proxy_0"]["reg_proxy"] == "<sip:127.0.0.1:5061;transport=tls>"
    assert ini["proxy_0"]["reg_route"] == "<sip:127.0.0.1:5061;transport=tls;lr>"  # calls through the server too
    assert ini["proxy_0"]["reg_identity"] == "<sip:alice@localhost>"
    a = ini["auth_info_0"]
    assert a["username"] == "alice" and a["realm"] == "sotto" and a["domain"] == "localhost", dict(a)
    assert a["ha1"] == md5("alice:sotto:alice-new") and "passwd" not in a, dict(a)

    rc, out, err = run("provision", "linphone", "carol", "--password", "carol-pw", data=c.data, want=0)
    ini = configparser.ConfigParser()
    ini.read_string(out)
    assert ini["sip"]["media_encryption_mandatory"] == "0" and ini["auth_info_0"]["passwd"] == "carol-pw", out

    rc, out, err = run("provision", "skype", "alice", data=c.data, want=2)
    one_line_error(err, "'skype'", "baresip or linphone")
    rc, out, err = run("provision", "baresip", "zed", data=c.data, want=1)
    one_line_error(err, "no user 'zed'")
    rc, out, err = run("provision", "baresip", "alice", "--ha1", data=c.data, want=2)
    one_line_error(err, "--ha1")


# --------------------------------------------------------------------------------------------- config

def test_config(c):
    bad = c.path("bad.toml")
    with open(bad, "w") as f:
        f.write('listen = "tls://127.0.0.1:5061"\n\nrtp_ports = "5-2"\nlisen = "x"\n'
                '[[trunk]]\nname = "carrier"\nuri = "sips:sip.carrier.example"\nsrtp = "sometimes"\n')
    rc, out, err = run("config", "check", bad, want=2)
    lines = err.splitlines()
    assert len(lines) == 3, err
    assert re.fullmatch(re.escape(bad) + r":3:13: rtp_ports: expected \"LO-HI\" .*got \"5-2\"", lines[0]), lines[0]
    assert lines[1].startswith(bad + ":4:1: unknown key 'lisen'"), lines[1]
    assert lines[2].startswith(bad + ":8:8: trunk.srtp: expected \"off\", \"offer\" or \"require\""), lines[2]
    assert out == ""

    syntax = c.path("syntax.toml")
    with open(syntax, "w") as f:
        f.write('domain = "a"\nrealm = \n')
    rc, out, err = run("config", "check", syntax, want=2)
    assert err.startswith(syntax + ":2:"), err

    good = c.path("good.toml")
    with open(good, "w") as f:
        f.write('listen = ["tls://127.0.0.1:5061"]\ndomain = "sip.example.test"\nlog_format = "json"\n'
                '[[trunk]]\nname = "carrier"\nuri = "sips:sip.carrier.example"\nusername = "acct"\n'
                'password = "s3cret"\nnumbers = { "+441234567890" = "alice" }\nprefix = "9"\n')
    rc, out, err = run("config", "check", good, "--listen", "tls://127.0.0.1:5071,udp://127.0.0.1:5070",
                       "--log-format", "text", want=0)
    eff = tomllib.loads(out)
    assert eff["listen"] == ["tls://127.0.0.1:5071", "udp://127.0.0.1:5070"], eff
    assert eff["log_format"] == "text" and eff["domain"] == ["sip.example.test"], eff
    assert eff["rtp_ports"] == "30000-39999" and eff["data_dir"] == "./sotto-data", eff
    assert eff["trunk"][0]["numbers"] == {"+441234567890": "alice"} and eff["trunk"][0]["password"] == "(set)", eff
    assert "s3cret" not in out

    rc, out, err = run("config", "check", good, "--rtp-ports", "9-3", want=2)
    one_line_error(err, "--rtp-ports", "\"9-3\"")
    rc, out, err = run("config", "check", good, "--listen", "tls://example.com", want=2)
    one_line_error(err, "--listen", "example.com")
    rc, out, err = run("config", "check", c.path("absent.toml"), want=2)
    one_line_error(err, "cannot read")


# ------------------------------------------------------------------------------------ baresip, linphone

class FakeRegistrar:
    """Plays the registrar that does not exist yet: a TLS listener on 127.0.0.1:port with the data
    directory's server certificate. It answers the first REGISTER with a 401 (realm sotto, qop auth,
    MD5) and the second with 403, keeping both requests for the checks."""

    def __init__(self, port, data):
        self.got = {}
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(os.path.join(data, "server.crt"), os.path.join(data, "server.key"))
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", port))
        self.lsock.listen(4)
        self.lsock.settimeout(20)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        got = self.got
        try:
            raw, _ = self.lsock.accept()
            conn = self.ctx.wrap_socket(raw, server_side=True)
            got["tls_version"] = conn.version()
            conn.settimeout(10)
            buf = b""

            def read_request():
                nonlocal buf
                while True:
                    buf = buf.lstrip(b"\r\n")  # CRLF keep-alives between messages (RFC 5626 4.4.1)
                    if b"\r\n\r\n" in buf:
                        break
                    chunk = conn.recv(4096)
                    if not chunk:
                        raise EOFError("connection closed")
                    buf += chunk
                head, _, rest = buf.partition(b"\r\n\r\n")
                clen = int((re.search(rb"(?im)^(?:content-length|l)\s*:\s*(\d+)", head) or [0, b"0"])[1])
                buf = rest[clen:]
                return head.decode(errors="replace")

            def reply(req, status, extra=""):
                msg = f"SIP/2.0 {status}\r\n"
                for name in ("Via", "From", "To", "Call-ID", "CSeq"):
                    for line in req.split("\r\n"):
                        if line.lower().startswith(name.lower() + ":"):
                            v = line.split(":", 1)[1].strip()
                            msg += f"{name}: {v}{';tag=srv1' if name == 'To' and 'tag=' not in v else ''}\r\n"
                msg += extra + "Content-Length: 0\r\n\r\n"
                conn.sendall(msg.encode())

            while "first" not in got:
                req = read_request()
                if req.startswith("REGISTER "):
                    got["first"] = req
                    reply(req, "401 Unauthorized",
                          'WWW-Authenticate: Digest realm="sotto", nonce="n0nce4test", qop="auth", algorithm=MD5\r\n')
            while "second" not in got:
                req = read_request()
                if req.startswith("REGISTER "):
                    got["second"] = req
                    reply(req, "403 Forbidden")
            time.sleep(0.5)
            conn.close()
        except Exception as e:  # reported by the main thread
            got["error"] = repr(e)

    def check(self, user, password_or_ha1, log, is_ha1=False):
        self.thread.join(timeout=25)
        got = self.got
        assert "error" not in got, f"{got['error']}; peer log:\n{log()}"
        assert "first" in got and "second" in got, f"no REGISTER pair reached the listener; peer log:\n{log()}"
        first = got["first"]
        assert first.startswith("REGISTER sip:localhost"), first
        assert re.search(rf"(?im)^From:.*<sip:{user}@localhost", first), first
        auth = re.search(r"(?im)^Authorization:\s*Digest\s+([^\r\n]*)", got["second"]).group(1)
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', auth))
        assert fields["username"] == user and fields["realm"] == "sotto", fields
        ha1 = password_or_ha1 if is_ha1 else md5(f"{user}:sotto:{password_or_ha1}")
        ha2 = md5(f"REGISTER:{fields['uri']}")
        want = md5(f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}")
        assert fields["response"] == want, f"digest response {fields['response']} != {want}: {auth}"
        return first.splitlines()[0]

    def close(self):
        self.lsock.close()


def baresip_registers(c):
    """baresip loads `sotto provision baresip` output and sends REGISTER over TLS with a digest computed
    from the account's user, realm and password."""
    sys.path.insert(0, os.path.join(HERE, "interop"))
    import harness as h  # noqa: E402

    data = c.path("bs-data")
    run("user", "add", "alice", "--password", "pw-for-baresip", data=data, want=0)
    port = h.free_port()
    rc, out, err = run("provision", "baresip", "alice", "--server", f"127.0.0.1:{port}", data=data,
                       env={"SOTTO_PASSWORD": "pw-for-baresip"}, want=0)
    baresip_line(out)
    account = [l for l in out.splitlines() if l.startswith("<sip:")][0]
    ca = re.search(r"^#\s+sip_cafile (\S+)$", out, re.M).group(1)
    run("ca", "issue", "alice", "--out", c.path("bs-cert"), data=data, want=0)
    combined = c.path("bs-cert/alice-combined.pem")
    with open(combined, "w") as f:
        f.write(open(c.path("bs-cert/alice.crt")).read() + open(c.path("bs-cert/alice.key")).read())

    reg = FakeRegistrar(port, data)
    wd = h.Workdir("server-cli-baresip")
    wav = wd.file("tone.wav")
    h.make_noise_wav(wav, 1, seconds=2)
    bs = None
    try:
        bs = h.Baresip(wd, "alice", {"ca": ca, "combined": combined}, wav, account=account)
        line = reg.check("alice", "pw-for-baresip", lambda: open(wd.file("baresip-alice.log"), errors="replace").read())
        print(f"baresip: {line!r} over {reg.got['tls_version']}, digest response verified")
    finally:
        if bs:
            bs.stop()
        reg.close()
        wd.cleanup()


def linphone_registers(c):
    """linphonec loads `sotto provision linphone --ha1` output, verifies the server certificate against the
    provisioned root_ca (verify_server_certs=1, verify_server_cn=1: the cert's DNS:127.0.0.1 SAN), and sends
    REGISTER with a digest computed from the stored HA1 alone."""
    sys.path.insert(0, os.path.join(HERE, "interop"))
    import harness as h  # noqa: E402

    data = c.path("lp-data")
    run("user", "add", "bob", "--password", "pw-for-linphone", data=data, want=0)
    port = h.free_port()
    rc, out, err = run("provision", "linphone", "bob", "--ha1", "--server", f"127.0.0.1:{port}", data=data, want=0)
    ini = configparser.ConfigParser()
    ini.optionxform = str
    ini.read_string(out)
    # What any linphonec on this box needs besides the account (PEERS.md): loopback only, no UDP/TCP.
    ini["sip"].update({"sip_port": "0", "sip_tcp_port": "0", "sip_tls_port": str(h.free_port()),
                       "bind_address": "127.0.0.1", "use_ipv6": "0", "ipv6_migration_done": "1"})
    rtp = h.free_port(socket.SOCK_DGRAM) // 2 * 2
    ini["rtp"] = {"bind_address": "127.0.0.1", "audio_rtp_port": f"{min(rtp, 60000)}-{min(rtp, 60000) + 40}"}
    wd = h.Workdir("server-cli-linphone")
    rc_path = wd.file("linphonerc")
    with open(rc_path, "w") as f:
        ini.write(f, space_around_delimiters=False)
    sock = f"/tmp/linphonec-{os.getuid()}"
    assert not os.path.exists(sock), f"{sock} exists: another linphonec of this uid is running"
    home = wd.file("home")
    os.makedirs(os.path.join(home, ".local", "share", "linphone"), exist_ok=True)
    reg = FakeRegistrar(port, data)
    proc = wd.spawn(["linphonec", "--pipe", "-c", rc_path, "-d", "6", "-l", wd.file("linphone-debug.log")],
                    "linphone.log", env=dict(os.environ, HOME=home))
    try:
        line = reg.check("bob", ini["auth_info_0"]["ha1"], lambda: open(wd.file("linphone.log"), errors="replace").read(),
                         is_ha1=True)
        assert ini["auth_info_0"]["ha1"] == md5("bob:sotto:pw-for-linphone")
        print(f"linphone: {line!r} over {reg.got['tls_version']} (server certificate verified by linphone), "
              f"digest response from the HA1 verified")
    finally:
        if proc.poll() is None and os.path.exists(sock):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(sock)
                s.sendall(b"quit")
            except OSError:
                pass
            finally:
                s.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        reg.close()
        wd.cleanup()


TESTS = [test_users, test_ca, test_provision, test_config]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", help="run only tests whose name contains this")
    ap.add_argument("--peers", action="store_true",
                    help="baresip and linphone load provisioned accounts (needs the interop lock)")
    a = ap.parse_args()
    if not os.access(SOTTO, os.X_OK):
        print(f"FAIL: {SOTTO} not built")
        return 1
    c = Ctx()
    pool = [baresip_registers, linphone_registers] if a.peers else TESTS
    tests = [t for t in pool if not a.k or a.k in t.__name__]
    failed = 0
    for t in tests:
        try:
            t(c)
            print(f"PASS {t.__name__}")
        except Exception:
            failed += 1
            print(f"FAIL {t.__name__}")
            traceback.print_exc()
    if failed:
        print(f"{failed} failed; work directory kept: {c.tmp}")
    else:
        subprocess.run(["rm", "-rf", c.tmp])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
