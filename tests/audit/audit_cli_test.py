#!/usr/bin/env python3
"""`sotto audit` end to end on captures written here (pcap and pcapng, Ethernet): exit status 0/1/2,
text and JSON output, truncated and unreadable files, --extract compared with the source audio by
correlation (tests/tools/wav_correlate). No network: the captures are built byte by byte."""
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import wave

BUILD = os.environ.get("SOTTO_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build/default"))
SOTTO = os.path.join(BUILD, "apps/sotto/sotto")
WAV_CORRELATE = os.path.join(BUILD, "tests/wav_correlate")
T0 = 1_750_000_000.0

failures = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        failures.append(what)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ipv4(src, dst, proto, body, ident=1):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), ident, 0, 64, proto, 0,
                      bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + body


def udp(src, sport, dst, dport, payload):
    return ipv4(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload)


def tcp(src, sport, dst, dport, seq, payload, flags=0x18):
    return ipv4(src, dst, 6, struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 0x50, flags, 65535, 0, 0) + payload)


def eth(ip):
    return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip


def pcap(frames):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
    for t, f in frames:
        out += struct.pack("<IIII", int(t), int(round((t - int(t)) * 1e6)), len(f), len(f)) + f
    return out


def pcapng(frames):
    shb = struct.pack("<IIIHHqI", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 0, -1, 28)
    idb = struct.pack("<IIHHI", 1, 20, 1, 0, 262144) + struct.pack("<I", 20)
    out = shb + idb
    for t, f in frames:
        us = int(round(t * 1e6))
        pad = (4 - len(f) % 4) % 4
        blen = 32 + len(f) + pad
        out += struct.pack("<IIIIIII", 6, blen, 0, us >> 32, us & 0xFFFFFFFF, len(f), len(f)) + f + b"\0" * pad + struct.pack("<I", blen)
    return out


def lin2ulaw(s):
    sign = 0x80 if s < 0 else 0
    s = min(abs(s), 32635) + 0x84
    exp = 7
    while exp > 0 and not (s & (0x4000 >> (7 - exp))):
        exp -= 1
    mant = (s >> (exp + 3)) & 0x0F
    return ~(sign | (exp << 4) | mant) & 0xFF


def signal(n):
    return [int(9000 * (0.5 + 0.5 * math.sin(2 * math.pi * 1.3 * i / 8000)) *
                (math.sin(2 * math.pi * 440 * i / 8000) + 0.6 * math.sin(2 * math.pi * 1250 * i / 8000)))
            for i in range(n)]


A, B = "192.0.2.10", "192.0.2.20"


def sip(method_or_status, cseq, body=b"", to_tag=""):
    start = f"{method_or_status} sip:bob@{B} SIP/2.0" if not method_or_status[0].isdigit() else f"SIP/2.0 {method_or_status}"
    hdrs = (f"{start}\r\nVia: SIP/2.0/UDP {A}:5060;branch=z9hG4bK{cseq}{method_or_status[:3]}\r\n"
            f"From: \"Alice\" <sip:1001@{A}>;tag=a1\r\nTo: <sip:1002@{B}>{to_tag}\r\nCall-ID: cli-call-1\r\n"
            f"CSeq: {cseq} {'INVITE' if cseq == 1 else 'BYE'}\r\nContact: <sip:1001@{A}>\r\nUser-Agent: CliTest/1\r\n")
    if body:
        hdrs += "Content-Type: application/sdp\r\n"
    return (hdrs + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def sdp(addr, port):
    return (f"v=0\r\no=- 1 1 IN IP4 {addr}\r\ns=-\r\nc=IN IP4 {addr}\r\nt=0 0\r\nm=audio {port} RTP/AVP 0\r\n"
            "a=rtpmap:0 PCMU/8000\r\n").encode()


def plain_call(samples):
    frames = []
    t = T0
    frames.append((t, eth(udp(A, 5060, B, 5060, sip("INVITE", 1, sdp(A, 40000))))))
    frames.append((t + 0.01, eth(udp(B, 5060, A, 5060, sip("200 OK", 1, sdp(B, 42000), ";tag=b1")))))
    ulaw = bytes(lin2ulaw(s) for s in samples)
    for i in range(len(samples) // 160):
        rtp = struct.pack("!BBHII", 0x80, 0, 100 + i, 1000 + 160 * i, 0x1234ABCD) + ulaw[160 * i:160 * (i + 1)]
        frames.append((t + 0.02 + 0.02 * i, eth(udp(A, 40000, B, 42000, rtp))))
    frames.append((t + 3, eth(udp(A, 5060, B, 5060, sip("BYE", 2, to_tag=";tag=b1")))))
    return frames


def run(*args):
    p = subprocess.run([SOTTO, "audit", *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    check(os.access(SOTTO, os.X_OK), f"sotto binary at {SOTTO}")
    if failures:
        sys.exit(1)
    tmp = tempfile.mkdtemp(prefix="sotto_audit_cli_")
    samples = signal(8000 * 2)
    frames = plain_call(samples)
    f_pcap, f_ng = os.path.join(tmp, "plain.pcap"), os.path.join(tmp, "plain.pcapng")
    open(f_pcap, "wb").write(pcap(frames))
    open(f_ng, "wb").write(pcapng(frames))

    rc, out, err = run(f_pcap)
    check(rc == 1, f"plain call: exit 1 (got {rc}, stderr {err.strip()!r})")
    check(out.startswith("INSECURE  call cli-call-1\n"), "plain call: text block starts 'INSECURE  call cli-call-1'")
    check("sip-cleartext" in out and "rtp-unencrypted" in out, "plain call: text names sip-cleartext and rtp-unencrypted")

    rc, out, _ = run(f_ng, "--json")
    j = json.loads(out)
    call = j["calls"][0]
    codes = sorted({f["code"] for f in call["findings"]})
    check(rc == 1 and call["verdict"] == "insecure", "pcapng --json: verdict insecure, exit 1")
    check(codes == ["rtp-unencrypted", "sip-cleartext"], f"pcapng --json: codes {codes}")
    s = call["streams"][0]
    check(s["ssrc"] == "0x1234abcd" and s["packets"] == 100 and s["lost"] == 0 and not s["encrypted"],
          f"pcapng --json: stream {s['ssrc']} {s['packets']} packets {s['lost']} lost")
    check(j["capture"]["frames"] == len(frames) and j["capture"]["truncated"] is False, "pcapng --json: capture block")

    # Options may follow the subcommand in any order; --extract writes a WAV that matches the source.
    xdir = os.path.join(tmp, "wav")
    rc, out, _ = run("--extract", xdir, f_pcap, "--json")
    j = json.loads(out)
    wav_path = j["calls"][0]["streams"][0]["wav"]
    check(wav_path is not None and os.path.exists(wav_path), f"--extract wrote {wav_path}")
    src = os.path.join(tmp, "source.wav")
    with wave.open(src, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(struct.pack("<%dh" % len(samples), *samples))
    if wav_path and os.path.exists(WAV_CORRELATE):
        c = json.loads(subprocess.run([WAV_CORRELATE, src, wav_path, "200"], capture_output=True, text=True).stdout)
        check(c["peak"] > 0.95 and abs(c["lag_ms"]) < 1, f"extracted audio correlates with the source: peak {c['peak']:.3f} lag {c['lag_ms']} ms")
    else:
        check(False, f"wav_correlate at {WAV_CORRELATE}")
    # A wrong-source control: the extracted audio must not match unrelated noise.
    rnd = random.Random(7)
    noise = [rnd.randint(-9000, 9000) for _ in range(len(samples))]
    nz = os.path.join(tmp, "noise.wav")
    with wave.open(nz, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(struct.pack("<%dh" % len(noise), *noise))
    if wav_path:
        c = json.loads(subprocess.run([WAV_CORRELATE, nz, wav_path, "200"], capture_output=True, text=True).stdout)
        check(c["peak"] < 0.3, f"control: noise does not correlate (peak {c['peak']:.3f})")

    # Truncated: audited as far as it goes, stderr says where, exit by the verdicts.
    data = pcap(frames)
    f_tr = os.path.join(tmp, "trunc.pcap")
    open(f_tr, "wb").write(data[: len(data) - 100])
    rc, out, err = run(f_tr)
    check(rc == 1 and f"stopped after frame {len(frames) - 1}" in err, f"truncated: exit 1, stderr {err.strip()!r}")
    check("INSECURE  call cli-call-1" in out, "truncated: the call is still reported")

    # Unreadable input: exit 2 with a clear message.
    rc, _, err = run(os.path.join(tmp, "missing.pcap"))
    check(rc == 2 and "missing.pcap: cannot open" in err, f"missing file: exit 2, {err.strip()!r}")
    junk = os.path.join(tmp, "junk.pcap")
    open(junk, "wb").write(b"not a capture, just text\n" * 4)
    rc, _, err = run(junk)
    check(rc == 2 and "not a readable pcap or pcapng capture" in err, f"junk file: exit 2, {err.strip()!r}")
    rc, _, err = run(f_pcap, "--srtp-key", "AES_NOPE:AAAA")
    check(rc == 2 and "unknown suite 'AES_NOPE'" in err, f"bad --srtp-key: exit 2, {err.strip()!r}")

    # Nothing to judge: exit 0 and say so.
    empty = os.path.join(tmp, "empty.pcap")
    open(empty, "wb").write(pcap([(T0, eth(udp(A, 1000, B, 1001, b"hello")))]))
    rc, out, _ = run(empty)
    check(rc == 0 and "no calls or registrations found" in out, f"no calls: exit 0 ({out.strip()!r})")

    # Ciphertext media under TLS signalling (TLS handshake seen, SIP unreadable): secure, exit 0.
    enc = [(T0 - 1, eth(tcp(A, 50123, B, 5061, 1, b"", 0x02))),
           (T0 - 0.9, eth(tcp(A, 50123, B, 5061, 2, b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x03")))]
    for i in range(100):
        payload = bytes(rnd.getrandbits(8) for _ in range(170))
        rtp = struct.pack("!BBHII", 0x80, 0, 7 + i, 160 * i, 0xCAFE0001) + payload
        enc.append((T0 + 0.02 * i, eth(udp(A, 30000, B, 31000, rtp))))
    f_enc = os.path.join(tmp, "tls_srtp.pcap")
    open(f_enc, "wb").write(pcap(enc))
    rc, out, _ = run(f_enc, "--json")
    j = json.loads(out)
    check(rc == 0 and j["calls"][0]["call_id"] is None and j["calls"][0]["verdict"] == "secure",
          f"ciphertext under TLS: call_id null, secure, exit 0 (exit {rc})")

    shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
