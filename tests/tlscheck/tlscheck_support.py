"""Shared pieces of the `sotto tls-check` tests: a throw-away PKI made with the openssl CLI (root,
intermediate, leaves good and bad), `openssl s_server` targets configured good and bad each way, and running
`sotto tls-check --json`. Everything binds to 127.0.0.1; processes are stopped by the PIDs started here.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build_dir():
    return os.path.abspath(os.environ.get("SOTTO_BUILD_DIR", os.path.join(ROOT, "build", "default")))


def sotto_bin():
    return os.path.join(build_dir(), "apps", "sotto", "sotto")


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Workdir:
    def __init__(self, tag):
        self.path = tempfile.mkdtemp(prefix=f"sotto-{tag}-")
        self.procs = []

    def file(self, name):
        return os.path.join(self.path, name)

    def run(self, *args):
        r = subprocess.run(args, capture_output=True, text=True, cwd=self.path)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {r.stderr.strip()}")
        return r.stdout

    def write(self, name, text):
        with open(self.file(name), "w") as f:
            f.write(text)
        return self.file(name)

    def spawn(self, args, log_name, stdin=None):
        log = open(self.file(log_name), "wb")
        p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=stdin, cwd=self.path)
        self.procs.append(p)
        return p

    def stop(self, p):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def cleanup(self):
        for p in self.procs:
            self.stop(p)
        if not os.environ.get("SOTTO_KEEP_WORKDIR"):
            shutil.rmtree(self.path, ignore_errors=True)


SAN = "subjectAltName=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost\n"
LEAF_EXT = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n" \
           "extendedKeyUsage=serverAuth,clientAuth\n"


class Pki:
    """root CA -> intermediate CA -> leaves. Files in wd; attributes are paths."""

    def __init__(self, wd):
        self.wd = wd
        run = wd.run
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "root.key", "-out", "root.pem", "-days", "3650", "-subj", "/CN=tls-check test root/O=sotto")
        wd.write("int.ext", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n")
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "int.key",
            "-out", "int.csr", "-subj", "/CN=tls-check test intermediate/O=sotto")
        run("openssl", "x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial",
            "-out", "int.pem", "-days", "3000", "-extfile", "int.ext")
        self.ca = wd.file("root.pem")
        self.int = wd.file("int.pem")
        # `openssl ca` for dates in the past (no faketime here, and `openssl x509 -days` cannot go back).
        os.makedirs(wd.file("newcerts"), exist_ok=True)
        wd.write("index.txt", "")
        wd.write("serial", "1000\n")
        wd.write("ca.cnf", f"""[ca]
default_ca = CA_default
[CA_default]
dir = {wd.path}
database = {wd.path}/index.txt
new_certs_dir = {wd.path}/newcerts
serial = {wd.path}/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
organizationName = optional
""")

    def key(self, name, kind):
        if kind == "ec":
            self.wd.run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-out", f"{name}.key")
        else:
            bits = kind.removeprefix("rsa")
            self.wd.run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{bits}",
                        "-out", f"{name}.key")
        return self.wd.file(f"{name}.key")

    def leaf(self, name, kind="ec", san=SAN, days=400, dates=None):
        """A leaf signed by the intermediate: returns (cert, key, chain = leaf + intermediate)."""
        key = self.key(name, kind)
        self.wd.run("openssl", "req", "-new", "-key", key, "-out", f"{name}.csr", "-subj", "/CN=127.0.0.1/O=sotto")
        self.wd.write(f"{name}.ext", san + LEAF_EXT)
        if dates:
            self.wd.run("openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", "int.pem", "-keyfile", "int.key",
                        "-in", f"{name}.csr", "-out", f"{name}.pem", "-startdate", dates[0], "-enddate", dates[1],
                        "-extfile", f"{name}.ext", "-notext")
        else:
            self.wd.run("openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", "int.pem", "-CAkey", "int.key",
                        "-CAcreateserial", "-out", f"{name}.pem", "-days", str(days), "-extfile", f"{name}.ext")
        chain = self.wd.write(f"{name}-chain.pem", open(self.wd.file(f"{name}.pem")).read() + open(self.int).read())
        return self.wd.file(f"{name}.pem"), key, chain

    def self_signed(self, name):
        key = self.key(name, "ec")
        self.wd.write(f"{name}.ext", SAN + LEAF_EXT)
        self.wd.run("openssl", "req", "-x509", "-key", key, "-out", f"{name}.pem", "-days", "400",
                    "-subj", "/CN=127.0.0.1/O=sotto self-signed", "-addext", SAN.strip().replace("subjectAltName=",
                                                                                               "subjectAltName = "))
        return self.wd.file(f"{name}.pem"), key


class SServer:
    """openssl s_server on a free loopback port; `args` add to the certificate options."""

    def __init__(self, wd, name, cert, key, chain=None, args=()):
        self.port = free_port()
        cmd = ["openssl", "s_server", "-accept", f"127.0.0.1:{self.port}", "-cert", cert, "-key", key]
        if chain:
            cmd += ["-cert_chain", chain]
        cmd += list(args)
        self.wd = wd
        self.log = wd.file(f"s_server-{name}.log")
        self.proc = wd.spawn(cmd, f"s_server-{name}.log", stdin=subprocess.PIPE)
        deadline = time.time() + 10
        while time.time() < deadline:
            if "ACCEPT" in open(self.log, errors="replace").read():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"openssl s_server {' '.join(args)} did not start: {open(self.log).read()[-500:]}")

    def target(self):
        return f"127.0.0.1:{self.port}"

    def stop(self):
        self.wd.stop(self.proc)


def tls_check(target, *args, timeout=60):
    """Runs `sotto tls-check TARGET --json ARGS`: (exit status, parsed JSON or None, stderr)."""
    r = subprocess.run([sotto_bin(), "tls-check", target, "--json", *args], capture_output=True, text=True,
                       timeout=timeout)
    doc = json.loads(r.stdout) if r.stdout.strip() else None
    return r.returncode, doc, r.stderr


def codes(doc):
    return sorted(f["code"] for f in doc["findings"])
