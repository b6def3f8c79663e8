#!/usr/bin/env python3
"""Runs `sotto tls-check` and testssl.sh on the same openssl s_server targets and prints what each said,
as the Markdown table in docs/TLS-CHECK.md. Slow (testssl takes about 70 s per target): not part of ctest.

  tests/tlscheck/compare_testssl.sh [TARGET...]     # good old-versions weak-dh self-signed (default), no-fs, ...
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tlscheck_support as t  # noqa: E402

SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")


def targets(pki, wd):
    def good():
        cert, key, _ = pki.leaf("good")
        return cert, key, pki.int, ["-no_tls1", "-no_tls1_1"]

    def old_versions():
        cert, key, _ = pki.leaf("old")
        return cert, key, pki.int, ["-min_protocol", "TLSv1", "-cipher", "DEFAULT:@SECLEVEL=0"]

    def weak_dh():
        cert, key, _ = pki.leaf("dhe", kind="rsa2048")
        wd.run("openssl", "dhparam", "-out", "dh1024.pem", "1024")
        return cert, key, pki.int, ["-dhparam", "dh1024.pem", "-cipher",
                                    "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"]

    def self_signed():
        cert, key = pki.self_signed("selfsigned")
        return cert, key, None, []

    def no_fs():
        cert, key, _ = pki.leaf("rsakx", kind="rsa2048")
        return cert, key, pki.int, ["-cipher", "AES128-GCM-SHA256"]

    def missing_intermediate():
        cert, key, _ = pki.leaf("noint")
        return cert, key, None, []

    def expired():
        cert, key, _ = pki.leaf("expired", dates=("20240101000000Z", "20250101000000Z"))
        return cert, key, pki.int, []

    def rsa1024():
        cert, key, _ = pki.leaf("rsa1024", kind="rsa1024")
        return cert, key, pki.int, ["-cipher", "ECDHE+AESGCM:@SECLEVEL=0"]

    return {"good": good, "old-versions": old_versions, "weak-dh": weak_dh, "self-signed": self_signed,
            "no-fs": no_fs, "missing-intermediate": missing_intermediate, "expired": expired, "rsa-1024": rsa1024}


def run_testssl(wd, name, target, ca):
    jf = wd.file(f"testssl-{name}.json")
    t0 = time.time()
    subprocess.run(["testssl", "--quiet", "--color", "0", "--nodns", "none", "--warnings", "off", "--add-ca", ca,
                    "--jsonfile", jf, "-p", "-s", "-f", "-E", "-S", "-U", target],
                   capture_output=True, text=True, timeout=600)
    took = time.time() - t0
    items = json.load(open(jf))
    flagged = [f"{i['id']} ({i['severity']}: {i['finding']})" for i in items if i.get("severity") in SEVERITIES]
    return flagged, took


def main():
    names = sys.argv[1:] or ["good", "old-versions", "weak-dh", "self-signed"]
    wd = t.Workdir("tlscheck-testssl")
    pki = t.Pki(wd)
    table = targets(pki, wd)
    rows = []
    try:
        for name in names:
            cert, key, chain, args = table[name]()
            s = t.SServer(wd, name, cert, key, chain, args)
            try:
                t0 = time.time()
                rc, doc, err = t.tls_check(s.target(), "--ca-file", pki.ca, "--no-sip")
                ours_s = time.time() - t0
                ours = [f"{f['code']} ({f['severity']})" for f in doc["findings"]] if doc else [f"exit {rc}: {err.strip()}"]
                theirs, theirs_s = run_testssl(wd, name, s.target(), pki.ca)
            finally:
                s.stop()
            rows.append((name, " ".join(args) or "(defaults)", ours, rc, ours_s, theirs, theirs_s))
            print(f"--- {name}: sotto exit {rc} in {ours_s:.1f} s: {ours}", flush=True)
            print(f"    testssl in {theirs_s:.0f} s: {len(theirs)} at LOW or above", flush=True)
            for line in theirs:
                print(f"      {line}", flush=True)
    finally:
        wd.cleanup()
    print()
    print("| target | s_server options | `sotto tls-check` (exit, time) | testssl.sh findings at LOW or above (time) |")
    print("|---|---|---|---|")
    for name, args, ours, rc, ours_s, theirs, theirs_s in rows:
        print(f"| {name} | `{args}` | {', '.join(ours) or 'none'} (exit {rc}, {ours_s:.1f} s) | "
              f"{'<br>'.join(theirs) or 'none'} ({theirs_s:.0f} s) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
