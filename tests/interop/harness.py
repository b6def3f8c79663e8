"""Shared pieces of the interop tests: a throw-away PKI, test WAVs, baresip instances driven over
ctrl_tcp, `sotto phone` processes, tshark captures, and the audio check.

Everything binds to 127.0.0.1. Processes are stopped by the PIDs this module started, never by name.
"""
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import wave

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build_dir():
    return os.path.abspath(os.environ.get("SOTTO_BUILD_DIR", os.path.join(ROOT, "build", "default")))


def sotto_bin():
    return os.path.join(build_dir(), "apps", "sotto", "sotto")


def wav_correlate_bin():
    return os.path.join(build_dir(), "tests", "wav_correlate")


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def free_udp_block(lo, hi, size):
    """An even UDP port in [lo, hi) whose block of `size` starts free now. Baresip's RTP goes to 30000-32700: outside
    tools/rtp-noise.py's 20000-30000, the ephemeral ports (32768 and up, where other programs bind) and the
    relay ranges sotto serve's tests use (40000 and up), so a
    capture can tell a phone's ports from the server's by range."""
    import random
    for _ in range(200):
        port = random.randrange(lo, hi - size) // 2 * 2
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError(f"no free UDP port in {lo}-{hi}")


class Workdir:
    def __init__(self, tag):
        self.path = tempfile.mkdtemp(prefix=f"sotto-{tag}-")
        self.procs = []

    def file(self, name):
        return os.path.join(self.path, name)

    def spawn(self, args, log_name, env=None, cwd=None):
        log = open(self.file(log_name), "wb")
        p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd or self.path)
        self.procs.append(p)
        return p

    def cleanup(self, keep=False):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
        # Called from a scenario's `finally`: when an exception is on its way out, the scenario failed,
        # and its logs (peers, captures) are kept for the report.
        failing = sys.exc_info()[0] is not None
        if failing:
            print(f"(kept {self.path} for the failure's logs)", flush=True)
        if not keep and not failing and not os.environ.get("SOTTO_KEEP_WORKDIR"):
            shutil.rmtree(self.path, ignore_errors=True)


def make_pki(wd):
    """CA + a server/client certificate for 127.0.0.1 (IP and DNS SANs, see PEERS.md)."""
    def run(*a):
        subprocess.run(a, check=True, capture_output=True, cwd=wd.path)
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=sotto interop CA")
    with open(wd.file("ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n")
    run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
        "srv.key", "-out", "srv.csr", "-subj", "/CN=127.0.0.1")
    run("openssl", "x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf")
    with open(wd.file("srv-combined.pem"), "w") as out:
        out.write(open(wd.file("srv.pem")).read() + open(wd.file("srv.key")).read())
    return {"ca": wd.file("ca.pem"), "cert": wd.file("srv.pem"), "key": wd.file("srv.key"),
            "combined": wd.file("srv-combined.pem")}


def make_noise_wav(path, seed, seconds=8):
    """Band-limited noise: a unique correlation peak, unlike a tone."""
    rnd = random.Random(seed)
    y = 0.0
    frames = bytearray()
    for _ in range(8000 * seconds):
        y = 0.7 * y + 0.3 * rnd.gauss(0, 3000)
        frames += struct.pack("<h", max(-32768, min(32767, int(y))))
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(bytes(frames))


def sip_trace_messages(log_path):
    """The SIP messages a `sotto phone --sip-trace` log shows: dicts with dir ("sent"/"received"),
    start (the start line), status (int, responses only), cseq_method and the SDP body lines. A sent
    message starts with ">>> " + start line; a received one with "<<< from ..." and the start line next.
    Progress lines in between are not messages: a blank line ends the headers, and the body is the run of
    SDP lines ("x=...") after it."""
    lines = open(log_path, errors="replace").read().splitlines()
    msgs, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(">>> "):
            direction, start, i = "sent", line[4:], i + 1
        elif line.startswith("<<< from ") and i + 1 < len(lines):
            direction, start, i = "received", lines[i + 1], i + 2
        else:
            i += 1
            continue
        headers = []
        while i < len(lines) and lines[i] != "":
            headers.append(lines[i])
            i += 1
        i += 1  # the blank line
        body = []
        while i < len(lines) and re.match(r"^[a-z]=", lines[i]):
            body.append(lines[i])
            i += 1
        m = re.match(r"^SIP/2\.0 (\d{3}) ", start)
        cseq = next((h.split(":", 1)[1].split()[-1] for h in headers if h.lower().startswith("cseq:")), "")
        msgs.append({"dir": direction, "start": start, "status": int(m.group(1)) if m else None,
                     "cseq_method": cseq, "body": body})
    return msgs


def sdp_media_ports(*log_paths):
    """Every RTP and RTCP port the SDP in these --sip-trace logs names (m=audio N, RTCP N+1 or a=rtcp:),
    i.e. the ports of this call's media on both sides, learnt from the call itself."""
    ports = set()
    for path in log_paths:
        for msg in sip_trace_messages(path):
            for line in msg["body"]:
                m = re.match(r"^m=audio (\d+) ", line)
                if m and int(m.group(1)) != 0:
                    ports.update({int(m.group(1)), int(m.group(1)) + 1})
                m = re.match(r"^a=rtcp:(\d+)", line)
                if m:
                    ports.add(int(m.group(1)))
    return sorted(ports)


def wire_check(capture, sip_port, media_ports):
    """wire_check.py over a capture, counting only UDP between the given media ports (both ends)."""
    assert media_ports, "no media ports learnt from the SDP (is --sip-trace on?)"
    r = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire_check.py"),
                        capture, "--sip-port", str(sip_port), "--rtp-ports", ",".join(map(str, media_ports))],
                       capture_output=True, text=True)
    assert r.returncode == 0, f"wire_check.py failed (exit {r.returncode}): {r.stderr[-1500:]}"
    return json.loads(r.stdout)


def correlate(reference, recording):
    out = subprocess.run([wav_correlate_bin(), reference, recording], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


class Baresip:
    """One baresip 1.0 instance (PEERS.md): TLS on base+1, ctrl_tcp for commands and events."""

    def __init__(self, wd, name, pki, play_wav, mediaenc="srtp-mand", answer="auto", account=None, modules=(),
                 sip_trace=False):
        self.wd, self.name = wd, name
        self.dir = wd.file(f"baresip-{name}")
        self.rec = os.path.join(self.dir, "rec")
        os.makedirs(self.rec, exist_ok=True)
        self.base = free_port()
        while True:  # base and base+1 (TLS) both free
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", self.base + 1))
                break
            except OSError:
                self.base = free_port()
            finally:
                s.close()
        self.ctrl = free_port()
        rtp = free_udp_block(30000, 32700, 40)
        extra_modules = "".join(f"module {m}\n" for m in modules)  # e.g. uuid.so: +sip.instance, GRUU
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write(f"""poll_method epoll
sip_listen 127.0.0.1:{self.base}
sip_certificate {pki['combined']}
sip_cafile {pki['ca']}
net_interface 127.0.0.1
dns_server 127.0.0.1:53
audio_source aufile,{play_wav}
audio_player aufile,/dev/null
audio_alert aufile,/dev/null
rtp_ports {rtp}-{rtp + 40}
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module sndfile.so
module srtp.so
module account.so
{extra_modules}module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:{self.ctrl}
snd_path {self.rec}
""")
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write((account or f"<sip:{name}@127.0.0.1;transport=tls>;answermode={answer};audio_codecs=pcmu;regint=0;"
                                f"mediaenc={mediaenc}") + "\n")
        self.proc = wd.spawn(["baresip", "-f", self.dir] + (["-s"] if sip_trace else []), f"baresip-{name}.log")
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.ctrl), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"baresip {name} did not start; see {wd.file(f'baresip-{name}.log')}")

    @property
    def tls_uri(self):
        return f"sips:{self.name}@127.0.0.1:{self.base + 1}"

    def command(self, command, params=""):
        s = socket.create_connection(("127.0.0.1", self.ctrl), timeout=3)
        body = json.dumps({"command": command, "params": params, "token": "sotto"}).encode()
        s.sendall(str(len(body)).encode() + b":" + body + b",")
        s.settimeout(3)
        data = b""
        try:  # events may arrive first; read until the response to this command is in
            while self.response_of(data.decode(errors="replace")) is None:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        finally:
            s.close()
        return data.decode(errors="replace")

    @staticmethod
    def response_of(reply):
        """The response object among the netstrings ctrl_tcp sent back (events may come first), or None."""
        i = 0
        while i < len(reply):
            colon = reply.find(":", i)
            if colon < 0 or not reply[i:colon].isdigit():
                return None
            n = int(reply[i:colon])
            try:
                msg = json.loads(reply[colon + 1:colon + 1 + n])
            except ValueError:
                return None
            if msg.get("response") is True:
                return msg
            i = colon + 1 + n + 1  # the trailing ","
        return None

    def command_ok(self, command, params=""):
        """Runs a command and asserts that baresip answered it with "ok": true (not merely no error)."""
        reply = self.command(command, params)
        r = self.response_of(reply)
        assert r is not None and r.get("ok") is True, f"baresip {command} {params!r}: {reply!r}"
        return r

    def decoded_recording(self):
        files = sorted(f for f in os.listdir(self.rec) if f.endswith("-dec.wav"))
        return os.path.join(self.rec, files[-1]) if files else None

    def stop(self):
        if self.proc.poll() is None:
            self.command("quit")
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Capture:
    """tshark on loopback, filtered to our ports (PEERS.md: something else touches 127.0.0.1:5037)."""

    def __init__(self, wd, bpf):
        self.file = wd.file("capture.pcapng")
        self.proc = wd.spawn(["tshark", "-i", "lo", "-n", "-q", "-s", "0", "-f", bpf, "-w", self.file], "tshark.log")
        deadline = time.time() + 15
        while time.time() < deadline:
            if "Capturing on" in open(wd.file("tshark.log"), errors="replace").read():
                return
            time.sleep(0.1)
        raise RuntimeError("tshark did not start capturing")

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=10)


class Linphone:
    """linphone-cli 5.1 (PEERS.md): `linphonec --pipe`, driven over its unix socket /tmp/linphonec-<uid>.
    One instance per uid at a time. TLS only, SRTP mandatory, WAV files as the sound card. Its TLS
    listener never accepts: everything reaches it down the connections it opens."""

    def __init__(self, wd, pki, play_wav, record_wav, register=None):
        """register: optional dict(user, password, domain, proxy_port[, route]) to REGISTER over TLS at
        sip:127.0.0.1:proxy_port and answer calls automatically; route=True also sends its calls there."""
        self.wd = wd
        self.socket_path = f"/tmp/linphonec-{os.getuid()}"
        if os.path.exists(self.socket_path):
            raise RuntimeError(f"{self.socket_path} exists: another linphonec of this uid is running")
        home = wd.file("linphone-home")
        os.makedirs(os.path.join(home, ".local", "share", "linphone"), exist_ok=True)  # else it stalls silently
        rtp = free_udp_block(30000, 32700, 40)
        with open(wd.file("linphonerc"), "w") as f:
            f.write(f"""[sip]
sip_port=0
sip_tcp_port=0
sip_tls_port={free_port()}
bind_address=127.0.0.1
use_ipv6=0
ipv6_migration_done=1
media_encryption=srtp
media_encryption_mandatory=1
root_ca={pki['ca']}
verify_server_certs=1
verify_server_cn=1

[rtp]
bind_address=127.0.0.1
audio_rtp_port={min(rtp, 60000)}-{min(rtp, 60000) + 40}

[sound]
echocancellation=0
""")
            if register:
                r = register
                # Without reg_route linphone sends an INVITE to the Request-URI's host (sip:bob@localhost goes
                # to localhost:5060); with it every request of the account goes through the proxy.
                route = f"reg_route=<sip:127.0.0.1:{r['proxy_port']};transport=tls;lr>\n" if r.get("route") else ""
                f.write(f"""
[proxy_0]
reg_proxy=<sip:127.0.0.1:{r['proxy_port']};transport=tls>
reg_identity=<sip:{r['user']}@{r['domain']}>
{route}reg_expires=600
reg_sendregister=1
publish=0

[auth_info_0]
username={r['user']}
passwd={r['password']}
realm={r['domain']}
domain={r['domain']}
""")
        env = dict(os.environ, HOME=home)
        self.proc = wd.spawn(["linphonec", "--pipe", "-c", wd.file("linphonerc"), "-d", "6", "-l",
                              wd.file("linphone-debug.log")], "linphone.log", env=env)
        deadline = time.time() + 10
        while time.time() < deadline and not os.path.exists(self.socket_path):
            time.sleep(0.1)
        if not os.path.exists(self.socket_path):
            raise RuntimeError(f"linphonec did not start; see {wd.file('linphone.log')}")
        self.command("soundcard use files")
        if register:
            self.command("autoanswer enable")
        self.command(f"play {play_wav}")
        self.command(f"record {record_wav}")

    def command(self, text):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.socket_path)
        s.sendall(text.encode())
        s.settimeout(2)
        out = b""
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                out += chunk
        except socket.timeout:
            pass
        finally:
            s.close()
        return out.decode(errors="replace")

    def log(self):
        return open(self.wd.file("linphone.log"), errors="replace").read()

    def stop(self):
        if self.proc.poll() is None:
            self.command("quit")  # SIGTERM is ignored while idle (PEERS.md)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def check_linphone_recording(reference, other, recording, what):
    """linphone's receive path (jitter buffer and the file sound card) sometimes shifts the audio by a
    fraction of a sample: the same call then peaks at 0.53 instead of 0.99 for this noise. Accept > 0.4,
    and require the other side's WAV (the wrong source) to stay under 0.2 so that the check still means
    "this audio, not any audio"."""
    c = correlate(reference, recording)
    wrong = correlate(other, recording)
    assert c["peak"] > 0.4 and wrong["peak"] < 0.2 and c["tail_rms"] > 500, f"{what}: {c} (wrong source: {wrong})"
    return c


def wait_for(predicate, timeout, what):
    """Polls `predicate` every 0.1 s until it is true; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def log_has(wd, log, text):
    """A predicate for wait_for: `text` appears in the work directory's file `log`."""
    return lambda: text in open(wd.file(log), errors="replace").read()
