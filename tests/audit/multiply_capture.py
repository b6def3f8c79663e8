#!/usr/bin/env python3
"""Builds a big capture from a few captures of real calls: every call copied many times, each copy a call of
its own (new Call-ID, new ports, new SSRCs, new SDES keys with the SRTP re-encrypted under them, shifted in
time), merged in time order into one classic pcap (Ethernet).

  tests/audit/multiply_capture.py OUT.pcap --size-mb 100 TEMPLATE.pcap[ng]...

Templates are captures of one call each on 127.0.0.1 with 5-digit ports (tests/audit/captures.py makes
them). SIP over UDP is rewritten as text (same lengths: Content-Length stays right); SIP over TLS keeps its
bytes (only the TCP ports change, checksums recomputed). SRTP keyed by SDES in clear SDP (AES_CM_128_HMAC_SHA1_80)
is decrypted with the template's key and encrypted again, RFC 3711 (AES-CM, HMAC-SHA1-80, SRTCP with its index),
with the copy's key and SSRC, so the copy is as decryptable as the original and no two calls share a key.
Prints a JSON summary (calls, packets, bytes, SRTP packets re-encrypted).
"""
import argparse
import base64
import hashlib
import hmac
import heapq
import json
import os
import random
import re
import struct
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# ---- SRTP (RFC 3711) --------------------------------------------------------------------------------


def aes_ctr(key, iv_int, data):
    c = Cipher(algorithms.AES(key), modes.CTR(iv_int.to_bytes(16, "big"))).encryptor()
    return c.update(data) + c.finalize()


def kdf(master_key, master_salt, label, length):
    # RFC 3711 4.3.1 with key_derivation_rate 0: x = (label << 48) XOR salt, IV = x * 2^16
    x = (label << 48) ^ int.from_bytes(master_salt, "big")
    return aes_ctr(master_key, x << 16, b"\0" * length)


class Keys:
    def __init__(self, inline_b64):
        raw = base64.b64decode(inline_b64)
        assert len(raw) == 30, f"AES_CM_128 master key+salt is 30 bytes, got {len(raw)}"
        mk, ms = raw[:16], raw[16:]
        self.inline = inline_b64
        self.rtp = (kdf(mk, ms, 0, 16), kdf(mk, ms, 1, 20), int.from_bytes(kdf(mk, ms, 2, 14), "big"))
        self.rtcp = (kdf(mk, ms, 3, 16), kdf(mk, ms, 4, 20), int.from_bytes(kdf(mk, ms, 5, 14), "big"))

    @staticmethod
    def fresh(rnd):
        return Keys(base64.b64encode(bytes(rnd.getrandbits(8) for _ in range(30))).decode())


def srtp_transform(keys, pkt, roc, ssrc):
    """Encrypts or decrypts (same operation) the payload of RTP packet `pkt` (no tag); returns the new bytes."""
    ke, _, ks = keys.rtp
    cc = pkt[0] & 0x0F
    hl = 12 + 4 * cc
    if pkt[0] & 0x10 and len(pkt) >= hl + 4:
        hl += 4 + 4 * struct.unpack_from("!H", pkt, hl + 2)[0]
    seq = struct.unpack_from("!H", pkt, 2)[0]
    iv = (ks << 16) ^ (ssrc << 64) ^ (((roc << 16) | seq) << 16)
    return pkt[:hl] + aes_ctr(ke, iv, pkt[hl:])


def srtp_tag(keys, pkt, roc):
    return hmac.new(keys.rtp[1], pkt + struct.pack("!I", roc), hashlib.sha1).digest()[:10]


def srtcp_tag(keys, pkt_with_index):
    return hmac.new(keys.rtcp[1], pkt_with_index, hashlib.sha1).digest()[:10]


def srtcp_transform(keys, body, index, ssrc):
    ke, _, ks = keys.rtcp
    iv = (ks << 16) ^ (ssrc << 64) ^ (index << 16)
    return body[:8] + aes_ctr(ke, iv, body[8:])


# ---- pcap --------------------------------------------------------------------------------------------


def read_pcap(path):
    """(ts_seconds_float, frame bytes) of a pcap or pcapng file (converted with editcap), Ethernet only."""
    with tempfile.NamedTemporaryFile(suffix=".pcap", delete=False) as tmp:
        pass
    try:
        subprocess.run(["editcap", "-F", "pcap", path, tmp.name], check=True, capture_output=True)
        data = open(tmp.name, "rb").read()
    finally:
        os.unlink(tmp.name)
    magic = struct.unpack_from("<I", data, 0)[0]
    assert magic in (0xA1B2C3D4, 0xA1B23C4D), f"{path}: not a little-endian pcap after editcap"
    nano = magic == 0xA1B23C4D
    linktype = struct.unpack_from("<I", data, 20)[0]
    assert linktype == 1, f"{path}: link type {linktype}, expected Ethernet (1)"
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack_from("<IIII", data, off)
        out.append((sec + frac / (1e9 if nano else 1e6), data[off + 16:off + 16 + incl]))
        off += 16 + incl
    return out


def checksum16(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class Template:
    """One call's capture, analysed once: packets split into headers and payloads, ports, SIP texts, keys."""

    def __init__(self, path):
        self.path = path
        self.packets = []  # (t, proto, src ip bytes, dst ip bytes, sport, dport, eth+ip header bytes, l4 header, payload)
        ports = set()
        for t, f in read_pcap(path):
            if len(f) < 34 or f[12:14] != b"\x08\x00":
                continue
            ihl = (f[14] & 0x0F) * 4
            proto = f[23]
            l4 = 14 + ihl
            if proto == 17:
                sport, dport = struct.unpack_from("!HH", f, l4)
                hdr, payload = f[l4:l4 + 8], f[l4 + 8:]
            elif proto == 6:
                sport, dport = struct.unpack_from("!HH", f, l4)
                doff = (f[l4 + 12] >> 4) * 4
                hdr, payload = f[l4:l4 + doff], f[l4 + doff:]
            else:
                continue
            ports |= {sport, dport}
            self.packets.append([t, proto, f[:l4], hdr, payload])
        t0 = self.packets[0][0]
        for p in self.packets:
            p[0] -= t0
        self.duration = self.packets[-1][0]
        short = [p for p in ports if not 10000 <= p <= 65535]
        assert not short, f"{path}: ports {short} are not 5-digit; the rewriting keeps lengths"
        self.ports = sorted(ports)
        self.call_ids, self.keys_by_port, self.ssrcs = set(), {}, set()
        for p in self.packets:  # RTP and RTCP sender SSRCs
            if p[1] == 17 and len(p[4]) >= 12 and p[4][0] >> 6 == 2:
                self.ssrcs.add(struct.unpack_from("!I", p[4], 4 if 192 <= p[4][1] <= 223 else 8)[0])
        sip_texts = [p[4] for p in self.packets if p[1] == 17 and p[4][:3] in (b"INV", b"SIP", b"ACK", b"BYE", b"CAN", b"OPT", b"REG")]
        for text in sip_texts:
            s = text.decode("latin-1")
            for m in re.finditer(r"^(?:Call-ID|i)\s*:\s*(\S+)\s*$", s, re.M | re.I):
                self.call_ids.add(m.group(1))
            body = s.split("\r\n\r\n", 1)[1] if "\r\n\r\n" in s else ""
            self.ssrcs |= {int(x) for x in re.findall(r"^a=ssrc:(\d+) ", body, re.M)}
            mport = re.search(r"^m=audio (\d+) ", body, re.M)
            crypto = re.search(r"^a=crypto:\d+ AES_CM_128_HMAC_SHA1_80 inline:([A-Za-z0-9+/=]{40})", body, re.M)
            if mport and crypto:
                self.keys_by_port[int(mport.group(1))] = Keys(crypto.group(1))
        self.sip_ports = {struct.unpack_from("!H", p[3], 0)[0] for p in self.packets if p[1] == 17 and p[4] in sip_texts} | \
                         {struct.unpack_from("!H", p[3], 2)[0] for p in self.packets if p[1] == 17 and p[4] in sip_texts} | \
                         {struct.unpack_from("!H", p[3], k)[0] for p in self.packets if p[1] == 6 for k in (0, 2)}


class Copy:
    """Copy number k of a template: port map, Call-IDs, SSRCs, keys."""

    def __init__(self, tpl, k, port_base, offset, rnd):
        self.tpl, self.k, self.offset, self.rnd = tpl, k, offset, rnd
        pairs = sorted({p // 2 for p in tpl.ports})
        self.port_map = {p: port_base + 2 * pairs.index(p // 2) + (p & 1) for p in tpl.ports}
        self.call_id_map = {c: (c[:-8] + f"{k:08x}") if len(c) >= 8 else c for c in tpl.call_ids}
        self.keys = {p: Keys.fresh(rnd) for p in tpl.keys_by_port}
        # SDP announces SSRCs in decimal (a=ssrc): new ones of the same number of digits keep lengths.
        self.ssrc_map = {}
        for old in sorted(tpl.ssrcs):
            d = len(str(old))
            self.ssrc_map[old] = rnd.randrange(10 ** (d - 1) if d > 1 else 0, min(10 ** d, 1 << 32))
        self.roc = {}  # (src port, ssrc) -> (roc, last seq)
        self.stats = {"srtp": 0, "srtcp": 0}

    def new_ssrc(self, old):
        if old not in self.ssrc_map:
            self.ssrc_map[old] = self.rnd.getrandbits(32)
        return self.ssrc_map[old]

    def sip_text(self, payload):
        s = payload.decode("latin-1")
        for old, new in self.call_id_map.items():
            s = s.replace(old, new)
        for p, keys in self.tpl.keys_by_port.items():
            s = s.replace("inline:" + keys.inline, "inline:" + self.keys[p].inline)
        s = re.sub(r"^a=ssrc:(\d+) ", lambda m: f"a=ssrc:{self.new_ssrc(int(m.group(1)))} ", s, flags=re.M)
        s = re.sub(r"(?<!\d)(\d{5})(?!\d)", lambda m: str(self.port_map.get(int(m.group(1)), m.group(1))), s)
        out = s.encode("latin-1")
        assert len(out) == len(payload)
        return out

    def rtp(self, sport, payload):
        if len(payload) < 12 or payload[0] >> 6 != 2:
            return payload
        old = struct.unpack_from("!I", payload, 8)[0]
        new = self.new_ssrc(old)
        keys = self.tpl.keys_by_port.get(sport)
        if keys is None or len(payload) < 22:
            return payload[:8] + struct.pack("!I", new) + payload[12:]
        seq = struct.unpack_from("!H", payload, 2)[0]
        roc, last = self.roc.get((sport, old), (0, None))
        if last is not None and seq < last and last - seq > 0x8000:
            roc += 1
        self.roc[(sport, old)] = (roc, seq if last is None or (seq - last) & 0xFFFF < 0x8000 else last)
        body, tag = payload[:-10], payload[-10:]
        if not hmac.compare_digest(srtp_tag(keys, body, roc), tag):  # not SRTP under this key: SSRC only
            return payload[:8] + struct.pack("!I", new) + payload[12:]
        plain = srtp_transform(keys, body, roc, old)
        plain = plain[:8] + struct.pack("!I", new) + plain[12:]
        nk = self.keys[sport]
        enc = srtp_transform(nk, plain, roc, new)
        self.stats["srtp"] += 1
        return enc + srtp_tag(nk, enc, roc)

    def swap_ssrcs(self, b):
        for old, new in self.ssrc_map.items():
            b = b.replace(struct.pack("!I", old), struct.pack("!I", new))
        return b

    def rtcp(self, sport, payload):
        if len(payload) < 8 or payload[0] >> 6 != 2:
            return payload
        old = struct.unpack_from("!I", payload, 4)[0]
        new = self.new_ssrc(old)
        keys = self.tpl.keys_by_port.get(sport - 1)
        if keys is not None and len(payload) >= 8 + 4 + 10:
            body, tag = payload[:-10], payload[-10:]
            if hmac.compare_digest(srtcp_tag(keys, body), tag):
                e_index = struct.unpack_from("!I", body, len(body) - 4)[0]
                index, encrypted = e_index & 0x7FFFFFFF, bool(e_index >> 31)
                inner = body[:-4]
                plain = srtcp_transform(keys, inner, index, old) if encrypted else inner
                plain = self.swap_ssrcs(plain)
                nk = self.keys[sport - 1]
                enc = (srtcp_transform(nk, plain, index, new) if encrypted else plain) + body[-4:]
                self.stats["srtcp"] += 1
                return enc + srtcp_tag(nk, enc)
            if keys is not None:  # SRTCP under a key we do not know: only the clear header
                return self.swap_ssrcs(payload[:8]) + payload[8:]
        return self.swap_ssrcs(payload)

    def frames(self):
        tpl = self.tpl
        for t, proto, l3, hdr, payload in tpl.packets:
            sport, dport = struct.unpack_from("!HH", hdr, 0)
            nsport, ndport = self.port_map[sport], self.port_map[dport]
            if proto == 17:
                if sport in tpl.sip_ports or dport in tpl.sip_ports:
                    payload = self.sip_text(payload) if payload[:1].isalpha() else payload
                elif len(payload) >= 2 and 192 <= payload[1] <= 223:  # RFC 5761 4: RTCP packet types
                    payload = self.rtcp(sport, payload)
                else:
                    payload = self.rtp(sport, payload)
                hdr = struct.pack("!HHHH", nsport, ndport, 8 + len(payload), 0)
            else:
                hdr = struct.pack("!HH", nsport, ndport) + hdr[4:16] + b"\0\0" + hdr[18:]
                pseudo = l3[26:34] + struct.pack("!BBH", 0, 6, len(hdr) + len(payload))
                csum = checksum16(pseudo + hdr + payload)
                hdr = hdr[:16] + struct.pack("!H", csum) + hdr[18:]
            yield (t + self.offset, l3 + hdr + payload)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("templates", nargs="+")
    ap.add_argument("--size-mb", type=float, default=100.0)
    ap.add_argument("--spacing", type=float, default=0.25, help="seconds between the starts of successive calls")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    tpls = [Template(p) for p in a.templates]
    cycle_bytes = sum(sum(16 + len(x[2]) + len(x[3]) + len(x[4]) for x in t.packets) for t in tpls)
    cycles = max(1, int(-(-a.size_mb * 1e6 // cycle_bytes)))
    copies, port_base, k = [], 10000, 0
    for c in range(cycles):
        for t in tpls:
            need = 2 * len({p // 2 for p in t.ports})
            if port_base + need > 65534:
                port_base = 10000  # ports repeat only after ~4000 calls, long after the earlier call ended
            copies.append(Copy(t, k, port_base, 1.0e9 + k * a.spacing, rnd))
            port_base += need
            k += 1
    packets = written = 0
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for t, frame in heapq.merge(*(c.frames() for c in copies), key=lambda x: x[0]):
            sec = int(t)
            usec = int(round((t - sec) * 1e6))
            if usec == 1000000:
                sec, usec = sec + 1, 0
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)
            packets += 1
            written += 16 + len(frame)
    print(json.dumps({"file": a.out, "calls": len(copies), "templates": len(tpls), "packets": packets,
                      "bytes": written + 24, "srtp_reencrypted": sum(c.stats["srtp"] for c in copies),
                      "srtcp_reencrypted": sum(c.stats["srtcp"] for c in copies)}))


if __name__ == "__main__":
    main()
