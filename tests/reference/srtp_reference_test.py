#!/usr/bin/env python3
"""Cross-checks our SRTP engine (through tests/tools/srtp_vectors) against srtp_ref.py, an independent
SRTP/SRTCP in Python written from RFC 3711, 6188 and 6904, for what published vectors do not cover:

  - AES-f8 beyond the RFC 3711 B.1 keystream: whole packets with tags, across the ROC wrap, and SRTCP
  - RFC 6904 header extension encryption: one-byte and two-byte elements, with AES-CM and with f8
  - a key derivation rate (KDR != 0): packets across several KDR epochs, SRTP and SRTCP
  - AES-192 and AES-256 (both tag lengths)

Each case runs both ways and byte for byte: the engine's protected packet must equal the reference's;
the reference's protected packet must unprotect in the engine to the plaintext, and the engine's in the
reference. One flipped byte (header, payload, tag) must be rejected by both.

First the reference proves itself on published vectors (RFC 3711 B.1/B.3, RFC 6188 7.2/7.4, RFC 6904
appendix A with the full packet from libsrtp's validation), so a disagreement means the engine is wrong.

  tests/reference/srtp_reference_test.py build/default/tests/srtp_vectors
"""
import os
import random
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import srtp_ref as ref  # noqa: E402
except ImportError as e:  # python3-cryptography missing: a failure, not a skip
    print(f"FAIL: cannot import the reference ({e}); scripts/setup installs python3-cryptography")
    sys.exit(1)

failures = []


def check(name, cond, detail=""):
    if not cond:
        failures.append(name)
        print(f"FAIL {name}: {detail}", flush=True)
    return cond


def h(text):
    return bytes.fromhex(text.replace(" ", ""))


# ------------------------------------------------------------------------------ the reference itself
def reference_matches_published_vectors():
    # RFC 3711 B.3: key derivation (label 0, 1, 2; r = 0).
    mk, ms = h("E1F97A0D3E018BE0D64FA32C06DE4139"), h("0EC675AD498AFEEBB6960B3AABE6")
    check("ref B.3 k_e", ref.prf(mk, ms, 0, 0, 16) == h("C61E7A93744F39EE10734AFE3FF7A087"))
    check("ref B.3 k_s", ref.prf(mk, ms, 2, 0, 14) == h("30CBBC08863D8C85D49DB34A9AE1"))
    check("ref B.3 k_a", ref.prf(mk, ms, 1, 0, 20) == h("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))
    # RFC 6904 appendix A: header encryption key and salt (labels 6, 7) from the same master key.
    check("ref 6904 k_he", ref.prf(mk, ms, 6, 0, 16) == h("549752054D6FB708622C4A2E596A1B93"))
    check("ref 6904 k_hs", ref.prf(mk, ms, 7, 0, 14) == h("AB01818174C40D39A3781F7C2D27"))
    # RFC 3711 B.1: AES-f8 over the payload "pseudorandomness is the next best thing".
    ks = ref.aes_f8(h("234829008467be186c3de14aae72d62c"), h("32f2870d"), h("006e5cba50681de55c621599d462564a"), 39)
    plain = h("70736575646f72616e646f6d6e657373 20697320746865206e65787420626573 74207468696e67")
    check("ref B.1 f8", ref.xor(plain, ks) == h("019ce7a26e7854014a6366aa95d4eefd 1ad4172a14f9faf455b7f1d4b62bd08f 562c0eef7c4802"))
    # RFC 3711 B.2: AES-CM keystream, first block.
    check("ref B.2 cm", ref.aes_cm(h("2B7E151628AED2A6ABF7158809CF4F3C"), int("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000", 16), 16)
          == h("E03EAD0935C95E80E166B16DD92B4EB4"))
    # RFC 6188 7.2 / 7.4: the AES-256 and AES-192 PRF.
    mk256, ms256 = h("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6"), h("3b04803de51ee7c96423ab5b78d2")
    check("ref 6188 7.2 k_e", ref.prf(mk256, ms256, 0, 0, 32) == h("5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4"))
    check("ref 6188 7.2 k_a", ref.prf(mk256, ms256, 1, 0, 20) == h("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05"))
    mk192, ms192 = h("73edc66c4fa15776fb57f9505c17136550ffda71f3e8e5f1"), h("c8522f3acd4ce86d5add78edbb11")
    check("ref 6188 7.4 k_e", ref.prf(mk192, ms192, 0, 0, 24) == h("31874736a8f1143870c26e4857d8a5b2c4a354407faadabb"))
    check("ref 6188 7.4 k_s", ref.prf(mk192, ms192, 2, 0, 14) == h("2372b82d639b6d8503a47adc0a6c"))
    # Whole packets: AES_CM_128_HMAC_SHA1_80 RTP and SRTCP (libsrtp's srtp_validate), AES-192/256 and
    # RFC 6904 appendix A (elements 1, 3, 4 encrypted) with that packet's payload and tag.
    r = ref.SrtpRef("AES_CM_128_HMAC_SHA1_80", mk, ms)
    rtp = h("800f1234decafbadcafebabe abababababababababababababababab")
    check("ref cm128 rtp", r.protect_rtp(rtp) == h("800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb"))
    check("ref cm128 srtcp", r.protect_rtcp(h("81c8000bcafebabe abababababababababababababababab"), 1)
          == h("81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798"))
    r = ref.SrtpRef("AES_192_CM_HMAC_SHA1_80", mk192, ms192)
    check("ref cm192 rtp", r.protect_rtp(h("800f0000decafbad00000000 abababababababababababababababab"))
          == h("800f0000decafbad00000000 d98865552f2762c3ef37f837acfdb712 2d6bc4dc84c76f74aea5"))
    r = ref.SrtpRef("AES_256_CM_HMAC_SHA1_80", mk256, ms256)
    check("ref cm256 rtp", r.protect_rtp(rtp) == h("800f1234decafbadcafebabe f1d9de17ff251ff1aa007774b0b4b40d a08d9d9a5b3a55d8873b"))
    r = ref.SrtpRef("AES_CM_128_HMAC_SHA1_80", mk, ms, encrypted_ids=(1, 3, 4))
    ext = h("900f1234decafbadcafebabe bede0006 17 414273a475262748 22 0000c8 30 8e 46 55996386b395fb 00"
            "abababababababababababababababab")
    want = h("900f1234decafbadcafebabe bede0006 17 588a9270f4e15e1c 22 0000c8 30 95 46 a994f0bc547897 00"
             "4e55dc4ce79978d88ca4d215949d2402 5a46b3ca35c535a891c7")
    check("ref 6904 appendix A packet", r.protect_rtp(ext) == want, r.protect_rtp(ext).hex())
    check("ref 6904 round trip", r.unprotect_rtp(want) == ext)


# ------------------------------------------------------------------------------ engine vs reference
class Engine:
    """One srtp_vectors process per case: commands in, one answer line each."""

    def __init__(self, tool):
        self.tool = tool

    def run(self, lines):
        p = subprocess.run([self.tool], input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120)
        out = p.stdout.splitlines()
        if p.returncode != 0 or len(out) != len(lines):
            raise RuntimeError(f"srtp_vectors exit {p.returncode}, {len(out)} answers to {len(lines)} commands: "
                               f"{(out or [''])[-1]} {p.stderr[-500:]}")
        return out


def rtp_packet(rnd, seq, ssrc, ts, payload_len, ext=None, marker=False, cc=0):
    first = 0x80 | (0x10 if ext else 0) | cc
    pkt = struct.pack("!BBHII", first, (0x80 if marker else 0) | 0, seq & 0xFFFF, ts, ssrc)
    pkt += b"".join(struct.pack("!I", rnd.getrandbits(32)) for _ in range(cc))
    if ext:
        profile, body = ext
        assert len(body) % 4 == 0
        pkt += struct.pack("!HH", profile, len(body) // 4) + body
    return pkt + bytes(rnd.getrandbits(8) for _ in range(payload_len))


def one_byte_ext(rnd):
    """RFC 8285 one-byte elements: IDs 1 (4 bytes), 2 (1), 3 (8), padding, 5 (2)."""
    body = bytes([0x13]) + rnd.randbytes(4) + bytes([0x20]) + rnd.randbytes(1) + bytes([0x37]) + rnd.randbytes(8)
    body += b"\x00" + bytes([0x51]) + rnd.randbytes(2)
    return 0xBEDE, body + b"\x00" * (-len(body) % 4)


def two_byte_ext(rnd):
    """RFC 8285 two-byte elements (profile 0x1000): IDs 1 (3 bytes), 7 (0 bytes), 20 (6), 3 (5)."""
    body = bytes([1, 3]) + rnd.randbytes(3) + bytes([7, 0]) + bytes([20, 6]) + rnd.randbytes(6) + bytes([3, 5])
    body += rnd.randbytes(5)
    return 0x1000, body + b"\x00" * (-len(body) % 4)


def rtcp_packet(rnd, ssrc, words):
    # A sender report header (PT 200) with `words` 32-bit words after the SSRC, content random.
    return struct.pack("!BBHI", 0x80, 200, words + 1, ssrc) + rnd.randbytes(4 * words)  # length: words - 1


def mutate(wire, at):
    b = bytearray(wire)
    b[at] ^= 0x01
    return bytes(b)


def cross_check(engine, name, suite, kdr=None, ids=(), first_seq=0, packets=40, rtcp_packets=20, ext=None, seed=1):
    rnd = random.Random(seed)
    _, key_len, salt_len, _ = ref.SUITES[suite]
    mk, ms = rnd.randbytes(key_len), rnd.randbytes(salt_len)
    r = ref.SrtpRef(suite, mk, ms, kdr_exponent=kdr, encrypted_ids=ids)
    ssrc = rnd.getrandbits(32)
    plains, rocs = [], []
    for k in range(packets):
        index = first_seq + k
        e = ext(rnd) if ext else None
        plains.append(rtp_packet(rnd, index & 0xFFFF, ssrc, 160 * k, rnd.choice([0, 1, 20, 160, 161, 1000]), e,
                                 marker=k == 0, cc=rnd.choice([0, 0, 1])))
        rocs.append(index >> 16)
    rtcps = [rtcp_packet(rnd, ssrc, rnd.choice([1, 6, 12])) for _ in range(rtcp_packets)]
    ours = [r.protect_rtp(p, roc) for p, roc in zip(plains, rocs)]
    ours_rtcp = [r.protect_rtcp(p, i) for i, p in enumerate(rtcps)]  # the engine numbers SRTCP from 0

    ctx = f"ctx {suite} {mk.hex()} {ms.hex()} {'-' if kdr is None else kdr} {','.join(map(str, ids)) or '-'}"
    cmds = [ctx]
    cmds += [f"p-rtp {p.hex()}" for p in plains]
    cmds += [f"p-rtcp {p.hex()}" for p in rtcps]
    # Into the engine's inbound context: per packet first a copy with one byte flipped (header, payload or
    # tag in turn), then the genuine packet, which must still be accepted.
    for k, w in enumerate(ours):
        cmds += [f"u-rtp {mutate(w, [1, 12, len(w) - 1][k % 3]).hex()}", f"u-rtp {w.hex()}"]
    for k, w in enumerate(ours_rtcp):
        cmds += [f"u-rtcp {mutate(w, [4, 9, len(w) - 1][k % 3]).hex()}", f"u-rtcp {w.hex()}"]
    out = engine.run(cmds)
    assert out[0] == "ok", out[0]
    pos = 1
    bad = 0

    def fail(what):
        nonlocal bad
        bad += 1
        if bad <= 3:
            check(f"{name}: {what}", False)

    for k, p in enumerate(plains):  # engine protects == reference protects; the reference unprotects it
        ans = out[pos]
        pos += 1
        if not ans.startswith("ok "):
            fail(f"engine protect_rtp #{k}: {ans}")
            continue
        wire = bytes.fromhex(ans[3:])
        if wire != ours[k]:
            fail(f"RTP #{k} (index {first_seq + k}) differs:\n  engine    {wire.hex()}\n  reference {ours[k].hex()}")
        try:
            if r.unprotect_rtp(wire, rocs[k]) != p:
                fail(f"reference unprotect of engine RTP #{k}: wrong plaintext")
        except ref.AuthError:
            fail(f"reference rejects engine RTP #{k}")
        try:
            r.unprotect_rtp(mutate(wire, 12 if len(wire) > 12 + r.tag_len else 1), rocs[k])
            fail(f"reference accepts a mutated engine RTP #{k}")
        except ref.AuthError:
            pass
    for k, p in enumerate(rtcps):
        ans = out[pos]
        pos += 1
        if not ans.startswith("ok "):
            fail(f"engine protect_rtcp #{k}: {ans}")
            continue
        wire = bytes.fromhex(ans[3:])
        if wire != ours_rtcp[k]:
            fail(f"SRTCP #{k} differs:\n  engine    {wire.hex()}\n  reference {ours_rtcp[k].hex()}")
        try:
            back, index = r.unprotect_rtcp(wire)
            if back != p or index != k:
                fail(f"reference unprotect of engine SRTCP #{k}: wrong plaintext or index {index}")
        except ref.AuthError:
            fail(f"reference rejects engine SRTCP #{k}")
    for k, p in enumerate(plains + rtcps):  # reference protects -> engine unprotects; mutations rejected
        what = f"RTP #{k}" if k < len(plains) else f"SRTCP #{k - len(plains)}"
        mutated, genuine = out[pos], out[pos + 1]
        pos += 2
        if not mutated.startswith("err auth_failure"):
            fail(f"engine on a mutated reference {what}: {mutated} (expected err auth_failure)")
        if genuine != f"ok {p.hex()}":
            fail(f"engine unprotect of reference {what}: {genuine[:80]}")
    total = len(plains) + len(rtcps)
    print(f"{'ok  ' if bad == 0 else 'FAIL'} {name}: {len(plains)} RTP + {len(rtcps)} SRTCP packets both ways"
          + (f", {bad} mismatches" if bad else ""), flush=True)
    return total


def main():
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print("usage: srtp_reference_test.py PATH/TO/srtp_vectors (FAIL: tool not found)")
        return 1
    reference_matches_published_vectors()
    if failures:
        print("the reference does not reproduce the published vectors; not comparing the engine with it")
        return 1
    print("ok   reference reproduces RFC 3711 B.1/B.2/B.3, RFC 6188 7.2/7.4, RFC 6904 A, libsrtp packets")
    e = Engine(sys.argv[1])
    n = 0
    n += cross_check(e, "F8 RTP across the ROC wrap + SRTCP", "F8_128_HMAC_SHA1_80", first_seq=65520, packets=40)
    n += cross_check(e, "F8 + RFC 6904 one-byte elements", "F8_128_HMAC_SHA1_80", ids=(1, 3), ext=one_byte_ext, seed=2)
    n += cross_check(e, "F8 + RFC 6904 two-byte elements", "F8_128_HMAC_SHA1_80", ids=(1, 20, 3), ext=two_byte_ext, seed=3)
    n += cross_check(e, "AES-CM-128 + RFC 6904 two-byte elements", "AES_CM_128_HMAC_SHA1_80", ids=(20, 3),
                     ext=two_byte_ext, seed=4)
    n += cross_check(e, "AES-CM-128 + RFC 6904 one-byte, IDs 2 and 5", "AES_CM_128_HMAC_SHA1_32", ids=(2, 5),
                     ext=one_byte_ext, seed=5)
    n += cross_check(e, "KDR 2^4: RTP over 8 epochs and the ROC wrap, SRTCP over 3 epochs", "AES_CM_128_HMAC_SHA1_80",
                     kdr=4, first_seq=65500, packets=128, rtcp_packets=48, seed=6)
    n += cross_check(e, "KDR 2^2 with f8 and RFC 6904", "F8_128_HMAC_SHA1_80", kdr=2, ids=(1, 3), ext=one_byte_ext,
                     packets=24, rtcp_packets=12, seed=7)
    n += cross_check(e, "KDR 2^3 with AES-256", "AES_256_CM_HMAC_SHA1_80", kdr=3, first_seq=1000, packets=40, seed=8)
    n += cross_check(e, "KDR 2^0 (every packet)", "AES_192_CM_HMAC_SHA1_32", kdr=0, packets=12, rtcp_packets=6, seed=9)
    for suite in ("AES_192_CM_HMAC_SHA1_80", "AES_192_CM_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_32"):
        n += cross_check(e, f"{suite} across the ROC wrap", suite, first_seq=65530, packets=20, seed=10)
        n += cross_check(e, f"{suite} + RFC 6904", suite, ids=(1, 5), ext=one_byte_ext, packets=10, rtcp_packets=4, seed=11)
    print(f"{'all passed' if not failures else str(len(failures)) + ' FAILED'}: {n} packets compared byte for byte")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
