#!/usr/bin/env python3
"""`sotto tls-check` against Kamailio 5.6 with its TLS module: a hardened configuration (TLS 1.2+, ECDSA chain,
ECDHE AEAD) must come out clean and answer OPTIONS; one that still accepts TLS 1.0 with a static-RSA suite
must raise exactly tls-version-old and no-forward-secrecy.

Run under the interop lock (ctest does): flock /tmp/sotto-interop.lock tests/tlscheck/tls_check_kamailio_test.py
"""
import os
import shutil
import socket
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlscheck_support as t  # noqa: E402


class Kamailio:
    """Kamailio answering OPTIONS itself (200 OK), on TLS only, 127.0.0.1:<free port>."""

    def __init__(self, wd, name, cert, key, chain, tls_server_section):
        self.wd = wd
        self.port = t.free_port()
        rundir = wd.file(f"kamailio-{name}-run")
        os.makedirs(rundir, exist_ok=True)
        tls_cfg = wd.write(f"kamailio-{name}-tls.cfg", f"""[server:default]
{tls_server_section}
verify_certificate = no
require_certificate = no
private_key = {key}
certificate = {chain}

[client:default]
verify_certificate = no
require_certificate = no
""")
        cfg = wd.write(f"kamailio-{name}.cfg", f"""#!KAMAILIO
debug=2
log_stderror=yes
fork=yes
children=1
tcp_children=1
auto_aliases=no
listen=tls:127.0.0.1:{self.port}
enable_tls=yes
server_header="Server: kamailio tls-check test"

mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tls.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
modparam("tls", "config", "{tls_cfg}")

request_route {{
  xlog("L_INFO", "$rm $ru from $si:$sp ($pr)\\n");
  if (method == "OPTIONS") {{ sl_send_reply("200", "OK"); exit; }}
  sl_send_reply("403", "Forbidden");
}}
""")
        self.log = wd.file(f"kamailio-{name}.log")
        self.proc = wd.spawn(["kamailio", "-DD", "-E", "-f", cfg, "-Y", rundir, "-w", wd.path], f"kamailio-{name}.log")
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"kamailio did not start: {open(self.log, errors='replace').read()[-800:]}")

    def target(self):
        return f"127.0.0.1:{self.port}"

    def stop(self):
        self.wd.stop(self.proc)


def main():
    if shutil.which("kamailio") is None:
        print("FAIL kamailio is not installed (Debian kamailio + kamailio-tls-modules)")
        return 1
    if not os.path.exists(t.sotto_bin()):
        print(f"sotto binary not found at {t.sotto_bin()} (set SOTTO_BUILD_DIR)")
        return 2
    wd = t.Workdir("tlscheck-kam")
    pki = t.Pki(wd)
    failed = 0
    try:
        scenarios = []

        def hardened():
            cert, key, chain = pki.leaf("kam")
            k = Kamailio(wd, "hardened", cert, key, chain, "method = TLSv1.2+\n"
                         "cipher_list = ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384")
            try:
                rc, doc, err = t.tls_check(k.target(), "--ca-file", pki.ca)
                assert doc is not None, (rc, err)
                assert t.codes(doc) == [], doc["findings"]
                assert rc == 0, (rc, err)
                sip = doc["sip_options"]
                assert sip["answered"] is True and sip["status"] == 200, sip
                assert sip["server"] == "kamailio tls-check test", sip
                assert doc["tls_versions"]["TLSv1.2"] is True and doc["tls_versions"]["TLSv1.0"] is False, doc
                print(f"  kamailio hardened: versions {doc['tls_versions']}, TLS 1.2 suites "
                      f"{doc['ciphers'].get('TLSv1.2')}, TLS 1.3 {doc['ciphers'].get('TLSv1.3')}")
            finally:
                k.stop()
        scenarios.append(hardened)

        def legacy():
            cert, key, chain = pki.leaf("kamrsa", kind="rsa2048")
            k = Kamailio(wd, "legacy", cert, key, chain, "method = TLSv1+\n"
                         "cipher_list = ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:@SECLEVEL=0")
            try:
                rc, doc, err = t.tls_check(k.target(), "--ca-file", pki.ca)
                assert doc is not None, (rc, err)
                assert t.codes(doc) == ["no-forward-secrecy", "tls-version-old"], doc["findings"]
                assert rc == 1, (rc, err)
                assert doc["sip_options"]["status"] == 200, doc["sip_options"]
                print(f"  kamailio legacy: versions {doc['tls_versions']}, suites {doc['ciphers']}")
            finally:
                k.stop()
        scenarios.append(legacy)

        for s in scenarios:
            t0 = time.time()
            try:
                s()
                print(f"PASS kamailio_{s.__name__} ({time.time() - t0:.1f}s)", flush=True)
            except Exception as e:  # noqa: BLE001
                failed += 1
                print(f"FAIL kamailio_{s.__name__} ({time.time() - t0:.1f}s): {e}", flush=True)
                traceback.print_exc()
    finally:
        wd.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
