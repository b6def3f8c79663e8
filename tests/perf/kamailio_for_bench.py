#!/usr/bin/env python3
"""Kamailio 5.6 as the TLS registrar (digest with qop) and record-routing proxy of the interop tests
(tests/interop/peers.py), where every account name has one password, for measuring
`sotto bench register|calls` by hand. Prints the sotto bench arguments to use, then serves until SIGTERM
or Ctrl-C, and stops Kamailio (by its PID) on the way out.

  flock /tmp/sotto-interop.lock taskset -c 0 tests/perf/kamailio_for_bench.py --users alice --password pw
"""
import argparse
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
import harness as h  # noqa: E402
import peers  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", default="alice", help="account name prefix, printed as PREFIX%%d")
    ap.add_argument("--password", default="load-secret")
    ap.add_argument("--shm-mb", type=int, default=1024, help="Kamailio shared memory (about 52 KB per TLS connection)")
    ap.add_argument("--seconds", type=float, default=600, help="stop after this long at the latest")
    a = ap.parse_args()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    wd = h.Workdir("kamailio-bench")
    kam = None
    try:
        pki = h.make_pki(wd)
        kam = peers.Kamailio(wd, pki, {}, common_password=a.password, shm_mb=a.shm_mb)
        print(f"--server sips:127.0.0.1:{kam.tls_port} --ca-file {pki['ca']} --domain {kam.domain} "
              f"--users '{a.users}%d:{a.password}'", flush=True)
        deadline = time.time() + a.seconds
        while not stop and time.time() < deadline and kam.proc.poll() is None:
            time.sleep(0.2)
    finally:
        if kam:
            kam.stop()
        wd.cleanup()


if __name__ == "__main__":
    main()
