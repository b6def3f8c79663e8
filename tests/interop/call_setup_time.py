#!/usr/bin/env python3
"""Call setup time of `sotto phone` over TLS on loopback: N calls, each a fresh process pair, a fresh TCP +
TLS handshake and INVITE/180/200/ACK with SDES-SRTP. Prints min / median / max of the caller's setup_ms
(INVITE sent... media ready, including connect and handshake).

  tests/interop/call_setup_time.py [N]        # SOTTO_BUILD_DIR=build/default by default
"""
import statistics
import sys
import time

import harness as h
from phone_interop_test import report_of, sotto_phone, tls_args


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    wd = h.Workdir("setup-time")
    pki = h.make_pki(wd)
    times = []
    try:
        for i in range(n):
            port = h.free_port()
            callee = sotto_phone(wd, f"callee{i}.log", tls_args(pki, port) + ["--json", "listen", "--auto-answer"])
            time.sleep(0.3)
            caller = sotto_phone(wd, f"caller{i}.log", tls_args(pki) + ["--duration", "0.2", "--json", "call",
                                                                        f"sips:bob@127.0.0.1:{port}"])
            rep, rc = report_of(wd, f"caller{i}.log", caller)
            report_of(wd, f"callee{i}.log", callee)
            if rc != 0:
                raise SystemExit(f"call {i} failed: {rep}")
            times.append(rep["setup_ms"])
    finally:
        wd.cleanup()
    print(f"{n} calls over TLS 1.3 with SRTP on loopback: setup ms min {min(times):.1f} "
          f"median {statistics.median(times):.1f} max {max(times):.1f}")


if __name__ == "__main__":
    main()
