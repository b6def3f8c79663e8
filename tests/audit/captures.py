#!/usr/bin/env python3
"""Captures of real calls on loopback for `sotto audit`, made at test time (nothing binary is committed).

  flock /tmp/sotto-interop.lock tests/audit/captures.py KIND OUT.pcapng [--seconds N]

KIND is one of:
  plain-udp   baresip -> baresip, SIP over UDP, plain RTP (PCMU)
  sdes-udp    baresip -> baresip, SIP over UDP, SRTP keyed by SDES (AES_CM_128_HMAC_SHA1_80): keys in clear
  sdes-tls    baresip -> baresip, SIP over TLS, SRTP keyed by SDES inside TLS
  sipp-udp    SIPp's built-in UAC -> baresip over UDP, plain RTP from baresip

tshark captures only the call's own SIP and RTP ports (other VoIP traffic may run on loopback). Each party
plays its own band-limited noise WAV (a.wav for the caller, b.wav for the callee), kept beside the capture
so extracted audio can be correlated with its source. The caller hangs up after --seconds.
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "interop"))
import harness as h  # noqa: E402

KINDS = ("plain-udp", "sdes-udp", "sdes-tls", "sipp-udp")


def need(binary):
    if shutil.which(binary) is None:
        raise RuntimeError(f"{binary} is not installed (scripts/setup installs it)")


def rtp_range(b):
    """The rtp_ports range written into a Baresip's config by the harness."""
    text = open(os.path.join(b.dir, "config")).read()
    m = re.search(r"^rtp_ports (\d+)-(\d+)$", text, re.M)
    return int(m.group(1)), int(m.group(2))


def baresip(wd, pki, name, wav, transport, mediaenc):
    enc = f";mediaenc={mediaenc}" if mediaenc else ""
    account = f"<sip:{name}@127.0.0.1;transport={transport}>;answermode=auto;audio_codecs=pcmu;regint=0{enc}"
    return h.Baresip(wd, name, pki, wav, account=account)


def wait_for(pred, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def make(kind, out, seconds=4.0, wd=None):
    """Makes the capture `out`; returns a dict describing the call (ports, source WAVs)."""
    if kind not in KINDS:
        raise ValueError(f"unknown capture kind {kind!r}; one of {', '.join(KINDS)}")
    need("baresip")
    need("tshark")
    own_wd = wd is None
    wd = wd or h.Workdir(f"audit-{kind}")
    try:
        pki = h.make_pki(wd)
        a_wav, b_wav = os.path.join(os.path.dirname(os.path.abspath(out)), "a.wav"), \
            os.path.join(os.path.dirname(os.path.abspath(out)), "b.wav")
        h.make_noise_wav(a_wav, 1, seconds=int(seconds) + 6)
        h.make_noise_wav(b_wav, 2, seconds=int(seconds) + 6)
        transport = "tls" if kind == "sdes-tls" else "udp"
        mediaenc = "srtp-mand" if kind.startswith("sdes") else None
        bob = baresip(wd, pki, "bob", b_wav, transport, mediaenc)
        info = {"kind": kind, "caller_wav": a_wav, "callee_wav": b_wav, "callee_sip_port": bob.base + (1 if transport == "tls" else 0)}
        blo, bhi = rtp_range(bob)
        if kind == "sipp-udp":
            need("sipp")
            sipp_port = h.free_port(socket.SOCK_DGRAM)
            media_port = h.free_port(socket.SOCK_DGRAM) // 2 * 2
            bpf = (f"host 127.0.0.1 and (port {bob.base} or port {sipp_port} or portrange {blo}-{bhi + 1} "
                   f"or portrange {media_port}-{media_port + 1})")
            cap = capture_to(wd, bpf, out)
            time.sleep(1.0)  # bob's UDP listener
            r = subprocess.run(["sipp", "-sn", "uac", "-m", "1", "-i", "127.0.0.1", "-p", str(sipp_port),
                                "-mi", "127.0.0.1", "-mp", str(media_port), "-d", str(int(seconds * 1000)),
                                "-s", "bob", "-t", "u1", "-nostdin", "-timeout", "30",
                                "-trace_err", "-error_file", wd.file("sipp-errors.log"),
                                f"127.0.0.1:{bob.base}"], capture_output=True, text=True, timeout=60, cwd=wd.path)
            time.sleep(0.5)
            cap.stop()
            bob.stop()
            if r.returncode != 0:
                raise RuntimeError(f"sipp exit {r.returncode}: {r.stdout[-600:]} {r.stderr[-600:]}")
            info.update(sipp_port=sipp_port, sipp_media_port=media_port)
            return info
        alice = baresip(wd, pki, "alice", a_wav, transport, mediaenc)
        alo, ahi = rtp_range(alice)
        bpf = (f"host 127.0.0.1 and (portrange {alice.base}-{alice.base + 1} or portrange {bob.base}-{bob.base + 1} "
               f"or portrange {alo}-{ahi + 1} or portrange {blo}-{bhi + 1})")
        cap = capture_to(wd, bpf, out)
        time.sleep(1.0)  # ctrl_tcp answers before the account's transports are up
        target = f"sip:bob@127.0.0.1:{bob.base + 1}" if transport == "tls" else f"sip:bob@127.0.0.1:{bob.base}"
        reply = alice.command("dial", target)
        if '"ok":false' in reply.replace(" ", ""):
            raise RuntimeError(f"baresip refused to dial {target}: {reply}")
        # Established when bob starts recording what he receives.
        wait_for(lambda: any(f.endswith(".wav") for f in os.listdir(bob.rec)), 10, "the call to be established")
        time.sleep(seconds)
        alice.command("hangup")
        time.sleep(1.0)
        cap.stop()
        alice.stop()
        bob.stop()
        info.update(caller_sip_port=alice.base + (1 if transport == "tls" else 0))
        return info
    finally:
        if own_wd:
            wd.cleanup()


class capture_to:
    """tshark on loopback writing `out`, started before the call (waits for "Capturing on")."""

    def __init__(self, wd, bpf, out):
        self.file = os.path.abspath(out)
        log = wd.file(f"tshark-{os.path.basename(out)}.log")
        self.proc = wd.spawn(["tshark", "-i", "lo", "-n", "-q", "-s", "0", "-f", bpf, "-w", self.file], os.path.basename(log))
        wait_for(lambda: "Capturing on" in open(log, errors="replace").read(), 15, "tshark to capture")

    def stop(self):
        self.proc.send_signal(2)
        self.proc.wait(timeout=10)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("kind", choices=KINDS)
    ap.add_argument("out")
    ap.add_argument("--seconds", type=float, default=4.0)
    a = ap.parse_args()
    info = make(a.kind, a.out, a.seconds)
    print(info)


if __name__ == "__main__":
    main()
