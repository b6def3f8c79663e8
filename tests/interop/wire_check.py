#!/usr/bin/env python3
"""What a capture proves about a call: cleartext SIP or not, and RTP payloads that look like ciphertext
or like plaintext audio.

  wire_check.py CAPTURE.pcapng --sip-port 5071 --rtp-ports 21044,21045,34000,34001   # prints one JSON object

--rtp-ports names the call's own media ports (learnt from its SDP); a UDP datagram counts only when both
its source and destination port are among them, so other RTP on the machine (another softphone, a relay,
tools/rtp-noise.py) does not enter the figures. A range A-B is accepted too.

Chi-square over the byte values of all RTP payloads (255 degrees of freedom): ciphertext lands near 255
(about 200-320 for a few thousand packets); G.711 speech or noise is in the tens of thousands and more.
Shannon entropy does not separate the two reliably; chi-square does (see shared PEERS.md, tshark).
"""
import argparse
import json
import subprocess
import sys


def tshark_fields(capture, display_filter, fields):
    cmd = ["tshark", "-n", "-r", capture, "-Y", display_filter, "-T", "fields"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line.strip()]


def chi_square(counts, total):
    if total == 0:
        return None
    expected = total / 256.0
    return sum((c - expected) ** 2 / expected for c in counts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("capture")
    ap.add_argument("--sip-port", type=int, required=True)
    ap.add_argument("--rtp-ports", required=True,
                    help="P1,P2,...: the RTP/RTCP ports of both sides of the call (or a range A-B)")
    args = ap.parse_args()
    if "-" in args.rtp_ports:
        lo, hi = (int(x) for x in args.rtp_ports.split("-"))
        in_set = f"udp.srcport >= {lo} && udp.srcport <= {hi} && udp.dstport >= {lo} && udp.dstport <= {hi}"
    else:
        ports = sorted({int(p) for p in args.rtp_ports.split(",") if p})
        if not ports:
            ap.error("--rtp-ports: no port given")
        listed = ", ".join(map(str, ports))  # tshark 4.0 set syntax: {a, b, c}
        in_set = f"udp.srcport in {{{listed}}} && udp.dstport in {{{listed}}}"

    # Signalling: any SIP start line or header in the clear on the SIP port's TCP stream or UDP?
    sip_rows = tshark_fields(args.capture, f"tcp.port == {args.sip_port} || udp.port == {args.sip_port}",
                             ["tcp.payload", "udp.payload"])
    cleartext_sip = 0
    sip_bytes = 0
    for row in sip_rows:
        for hexdata in row:
            if not hexdata:
                continue
            data = bytes.fromhex(hexdata.replace(":", ""))
            sip_bytes += len(data)
            if b"SIP/2.0" in data or b"a=crypto:" in data or b"Call-ID:" in data:
                cleartext_sip += 1

    # Media: UDP payloads on the RTP range, RTP version 2 and not RTCP (payload type 72-76 = RTCP 200-204).
    rtp_rows = tshark_fields(args.capture, in_set, ["udp.payload"])
    counts = [0] * 256
    total = 0
    packets = 0
    payload_types = {}
    for (hexdata,) in rtp_rows:
        data = bytes.fromhex(hexdata.replace(":", ""))
        if len(data) < 13 or data[0] >> 6 != 2 or 72 <= (data[1] & 0x7F) <= 76:
            continue
        pt = data[1] & 0x7F
        payload_types[str(pt)] = payload_types.get(str(pt), 0) + 1  # the RTP header stays clear under SRTP
        cc = data[0] & 0x0F
        start = 12 + 4 * cc
        payload = data[start:]
        # Drop the (non-random) SRTP authentication tag region's influence: negligible over G.711 sizes.
        for b in payload:
            counts[b] += 1
        total += len(payload)
        packets += 1
    chi = chi_square(counts, total)
    print(json.dumps({
        "sip_packets": len(sip_rows),
        "sip_bytes": sip_bytes,
        "cleartext_sip_packets": cleartext_sip,
        "rtp_packets": packets,
        "rtp_payload_bytes": total,
        "chi_square": round(chi, 1) if chi is not None else None,
        "media_looks_encrypted": chi is not None and chi < 400,
        "rtp_payload_types": payload_types,
    }))


if __name__ == "__main__":
    sys.exit(main())
