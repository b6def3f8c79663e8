"""`sotto serve` for the end-to-end tests: a fresh data directory, free loopback ports, the startup line
awaited, stopped by its PID. Also small SIP clients (UDP and TLS) that send one request and read the
response, matched on the exact status line."""
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "interop"))
import harness as h  # noqa: E402


class Serve:
    def __init__(self, wd, args=(), data_dir=None, tls_port=None, udp_port=None, tcp_port=None, log="serve.log",
                 rtp_ports=None, extra_listen=()):
        self.wd = wd
        self.data_dir = data_dir or wd.file("sotto-data")
        self.tls_port = tls_port or h.free_port()
        self.udp_port = udp_port
        self.tcp_port = tcp_port
        listen = [f"tls://127.0.0.1:{self.tls_port}"]
        if udp_port:
            listen.append(f"udp://127.0.0.1:{udp_port}")
        if tcp_port:
            listen.append(f"tcp://127.0.0.1:{tcp_port}")
        listen += list(extra_listen)
        self.log_name = log
        self.rtp_ports = rtp_ports or pick_rtp_range()
        cmd = [h.sotto_bin(), "serve", "--data-dir", self.data_dir, "--listen", ",".join(listen),
               "--rtp-ports", f"{self.rtp_ports[0]}-{self.rtp_ports[1]}", *args]
        self.proc = wd.spawn(cmd, log)
        self.wait_log("listening on", 15)

    @property
    def ca(self):
        return os.path.join(self.data_dir, "ca.crt")

    def log(self):
        return open(self.wd.file(self.log_name), errors="replace").read()

    def wait_log(self, text, timeout, count=1):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.log().count(text) >= count:
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"sotto serve exited ({self.proc.returncode}) before '{text}':\n{self.log()}")
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for '{text}' in the server log:\n{self.log()[-3000:]}")

    def stop(self, timeout=20):
        """SIGTERM by PID; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def sotto(self, *args, check=True):
        """Another sotto command on the same data directory."""
        r = subprocess.run([h.sotto_bin(), *args, "--data-dir", self.data_dir], capture_output=True, text=True)
        if check:
            assert r.returncode == 0, f"sotto {' '.join(args)}: exit {r.returncode}: {r.stderr}"
        return r


def pick_rtp_range(size=200):
    """A relay port range outside 20000-30000 (tools/rtp-noise.py) whose first port is free now."""
    for _ in range(50):
        lo = 40000 + (os.getpid() * 37 + int(time.time() * 1000)) % 20000 // 2 * 2
        lo = min(lo, 65000 - size)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(("127.0.0.1", lo))
            return (lo, lo + size)
        except OSError:
            time.sleep(0.01)
        finally:
            s.close()
    return (61000, 61000 + size)


def request(method, ruri, transport="udp", branch=None, extra="", body="", from_user="probe", to=None):
    tag = uuid.uuid4().hex[:8]
    branch = branch or "z9hG4bK" + uuid.uuid4().hex[:12]
    proto = {"udp": "UDP", "tcp": "TCP", "tls": "TLS"}[transport]
    to = to or f"<{ruri}>"
    return (f"{method} {ruri} SIP/2.0\r\nVia: SIP/2.0/{proto} 127.0.0.1:5999;branch={branch};rport\r\n"
            f"Max-Forwards: 70\r\nFrom: <sip:{from_user}@localhost>;tag={tag}\r\nTo: {to}\r\n"
            f"Call-ID: {uuid.uuid4().hex}\r\nCSeq: 1 {method}\r\n{extra}Content-Length: {len(body.encode())}\r\n\r\n{body}")


def udp_exchange(port, msg, timeout=3, count=1):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(timeout)
    s.sendto(msg.encode(), ("127.0.0.1", port))
    out = []
    try:
        while len(out) < count:
            out.append(s.recv(65535).decode(errors="replace"))
    finally:
        s.close()
    return out


def tls_connect(port, ca, server_name="127.0.0.1"):
    ctx = ssl.create_default_context(cafile=ca)
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    return ctx.wrap_socket(raw, server_hostname=server_name)


def stream_exchange(sock, msg, timeout=5):
    """Sends one message on a stream socket and reads one complete response (by Content-Length)."""
    sock.settimeout(timeout)
    sock.sendall(msg.encode())
    data = b""
    while True:
        end = data.find(b"\r\n\r\n")
        if end >= 0:
            m = re.search(rb"\r\n(?:Content-Length|l)\s*:\s*(\d+)", data[:end + 2], re.I)
            n = int(m.group(1)) if m else 0
            if len(data) >= end + 4 + n:
                return data[:end + 4 + n].decode(errors="replace")
        chunk = sock.recv(65535)
        if not chunk:
            raise AssertionError(f"connection closed; got {data!r}")
        data += chunk


def status_line(response):
    return response.split("\r\n", 1)[0]


def listening_sockets(pid):
    """(proto, local address) of the sockets process `pid` listens on (TCP) or has bound (UDP)."""
    out = subprocess.run(["ss", "-H", "-n", "-l", "-p", "-t", "-u"], capture_output=True, text=True).stdout
    found = []
    for line in out.splitlines():
        if f"pid={pid}," in line:
            parts = line.split()
            found.append((parts[0], parts[4]))
    return sorted(found)


def challenges(response, header="WWW-Authenticate"):
    """The digest challenges of a 401/407: list of dicts (realm, nonce, algorithm, qop, opaque)."""
    import re as _re
    out = []
    for line in response.split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() != header.lower():
            continue
        params = dict((k.lower(), v.strip('"')) for k, v in _re.findall(r'(\w+)=("[^"]*"|[^,\s]+)', value))
        out.append(params)
    return out


def digest_header(method, uri, user, password, ch, header="Authorization"):
    """An Authorization header answering challenge `ch` (MD5 or SHA-256, qop=auth)."""
    import hashlib
    alg = ch.get("algorithm", "MD5").upper()
    H = (lambda s: hashlib.sha256(s.encode()).hexdigest()) if alg == "SHA-256" else (lambda s: hashlib.md5(s.encode()).hexdigest())
    ha1 = H(f"{user}:{ch['realm']}:{password}")
    ha2 = H(f"{method}:{uri}")
    cnonce, nc = uuid.uuid4().hex[:16], "00000001"
    resp = H(f"{ha1}:{ch['nonce']}:{nc}:{cnonce}:auth:{ha2}")
    opaque = f', opaque="{ch["opaque"]}"' if "opaque" in ch else ""
    return (f'{header}: Digest username="{user}", realm="{ch["realm"]}", nonce="{ch["nonce"]}", uri="{uri}", '
            f'response="{resp}", algorithm={ch.get("algorithm", "MD5")}, qop=auth, nc={nc}, cnonce="{cnonce}"{opaque}\r\n')


def register_udp(port, user, password, domain="localhost", expires=60, contact_port=5999, algorithm="MD5"):
    """REGISTER over UDP with digest: returns (first response, second response or None)."""
    ruri = f"sip:{domain}"
    call_id = uuid.uuid4().hex
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(3)
    lport = s.getsockname()[1]

    def msg(cseq, auth=""):
        return (f"REGISTER {ruri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bK{uuid.uuid4().hex[:12]};rport\r\n"
                f"Max-Forwards: 70\r\nFrom: <sip:{user}@{domain}>;tag={uuid.uuid4().hex[:8]}\r\nTo: <sip:{user}@{domain}>\r\n"
                f"Call-ID: {call_id}\r\nCSeq: {cseq} REGISTER\r\nContact: <sip:{user}@127.0.0.1:{lport}>\r\n"
                f"Expires: {expires}\r\n{auth}Content-Length: 0\r\n\r\n")
    try:
        s.sendto(msg(1).encode(), ("127.0.0.1", port))
        first = s.recv(65535).decode(errors="replace")
        chs = [c for c in challenges(first) if c.get("algorithm", "MD5").upper() == algorithm]
        if not first.startswith("SIP/2.0 401 ") or not chs:
            return first, None
        s.sendto(msg(2, digest_header("REGISTER", ruri, user, password, chs[0])).encode(), ("127.0.0.1", port))
        try:
            second = s.recv(65535).decode(errors="replace")
        except socket.timeout:
            second = None
        return first, second
    finally:
        s.close()
