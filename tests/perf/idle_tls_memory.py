#!/usr/bin/env python3
"""Memory per idle TLS connection of a `sotto phone` listener, and a real call while they are open.

  tests/perf/idle_tls_memory.py [--connections 1000] [--sources 40] [--limit-kib 16]
  (SOTTO_BUILD_DIR=build/default by default)

Starts `sotto phone listen` on tls://127.0.0.1, opens 10 TLS connections and closes them (OpenSSL's
one-time tables), reads VmRSS, then opens --connections TLS connections from Python's ssl module,
completes every handshake and sends nothing. Sources are spread over 127.0.0.10.. (--sources
addresses), so the default --max-connections-per-source (32) stays in force; the first-message and
idle deadlines are raised by flag so the idle connections live through the measurement. VmRSS is read
again once all handshakes are done: (after - before) / connections is the cost of one idle connection.
Then more idle connections are opened until the listener is at its cap (--fill-to, the default
--max-connections of 1024), and with all of them still open `sotto phone call` places a real SRTP call
to the listener: the listener must evict the idlest connection for it, and the call must be answered.
Exit 1 when the cost is above --limit-kib, the call fails or nothing was evicted.
"""
import argparse
import json
import os
import resource
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "interop"))
import harness as h  # noqa: E402


def vmrss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def open_tls(ctx, port, source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    t = ctx.wrap_socket(s, server_hostname="127.0.0.1")  # handshake done on return
    return t


def settle(pid, seconds=1.0):
    time.sleep(seconds)
    return vmrss_kib(pid)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--sources", type=int, default=40)
    ap.add_argument("--limit-kib", type=float, default=16.0)
    ap.add_argument("--fill-to", type=int, default=1024, help="idle connections before the call (the cap)")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(args.connections, args.fill_to) + 512)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))

    wd = h.Workdir("idle-tls")
    conns = []
    try:
        pki = h.make_pki(wd)
        h.make_noise_wav(wd.file("a.wav"), 1, seconds=3)
        h.make_noise_wav(wd.file("b.wav"), 2, seconds=3)
        port = h.free_port()
        tls = ["--cert", pki["cert"], "--key", pki["key"], "--ca-file", pki["ca"]]
        callee = wd.spawn([h.sotto_bin(), "phone", "--listen", f"tls://127.0.0.1:{port}", *tls, "--json",
                           "--first-message-timeout", "600", "--idle-timeout", "600",
                           "--play", wd.file("b.wav"), "listen", "--auto-answer"], "callee.log")
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("listener did not come up:\n" + open(wd.file("callee.log")).read())
                time.sleep(0.1)

        ctx = ssl.create_default_context(cafile=pki["ca"])
        ctx.check_hostname = True
        warm = [open_tls(ctx, port, "127.0.0.2") for _ in range(10)]
        for t in warm:
            t.close()
        before = settle(callee.pid)
        t0 = time.time()
        sources = [f"127.0.0.{10 + i}" for i in range(args.sources)]
        for i in range(args.connections):
            conns.append(open_tls(ctx, port, sources[i % len(sources)]))
        handshake_s = time.time() - t0
        after = settle(callee.pid, 2.0)
        assert callee.poll() is None, "the listener died:\n" + open(wd.file("callee.log")).read()
        # Every connection is still up: a closed one would read EOF at once.
        for t in conns:
            t.setblocking(False)
            try:
                data = t.recv(1)
                raise AssertionError(f"connection closed by the listener (read {data!r})")
            except ssl.SSLWantReadError:
                pass
        per_conn = (after - before) / args.connections
        for i in range(args.connections, args.fill_to):
            conns.append(open_tls(ctx, port, sources[i % len(sources)]))
        time.sleep(0.5)

        caller = wd.spawn([h.sotto_bin(), "phone", "--listen", f"tls://127.0.0.1:{h.free_port()}", *tls, "--json",
                           "--play", wd.file("a.wav"), "--duration", "1.5", "call", f"sips:bob@127.0.0.1:{port}"],
                          "caller.log")
        caller.wait(timeout=60)
        lines = [l for l in open(wd.file("caller.log")).read().splitlines() if l.startswith("{")]
        call = json.loads(lines[-1]) if lines else {}
        callee_log = open(wd.file("callee.log")).read()
        evictions = [l for l in callee_log.splitlines() if l.startswith("tls connection evicted: ")]
        result = {
            "connections": args.connections,
            "sources": args.sources,
            "handshakes_s": round(handshake_s, 2),
            "vmrss_before_kib": before,
            "vmrss_after_kib": after,
            "kib_per_idle_tls_connection": round(per_conn, 2),
            "idle_connections_at_call": len(conns),
            "call_with_them_open": call.get("result"),
            "eviction_line": evictions[0] if evictions else None,
            "call_srtp": call.get("srtp_suite"),
        }
        print(json.dumps(result))
        ok = True
        if per_conn > args.limit_kib:
            print(f"FAIL: {per_conn:.2f} KiB per idle TLS connection > {args.limit_kib} KiB")
            ok = False
        if caller.returncode != 0 or call.get("result") != "completed":
            print(f"FAIL: the call with {args.connections} idle connections open did not complete: "
                  f"exit {caller.returncode}\n" + open(wd.file("caller.log")).read()[-2000:])
            ok = False
        if len(conns) >= 1024 and not evictions:
            print("FAIL: at the cap the call's connection should have evicted an idle one; callee log:\n" + callee_log[-2000:])
            ok = False
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        for t in conns:
            try:
                t.close()
            except OSError:
                pass
        wd.cleanup()


if __name__ == "__main__":
    sys.exit(main())
