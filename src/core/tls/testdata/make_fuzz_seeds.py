#!/usr/bin/env python3
"""Writes seed inputs for fuzz_tls_stream (format in src/core/tls/tls_stream_fuzz.cpp): real TLS 1.2 and
1.3 sessions between Python's ssl module client and server over memory BIOs, with their key log.
Usage: make_fuzz_seeds.py OUTDIR   (needs python3-cryptography for the throwaway certificate)"""
import datetime, os, ssl, struct, sys, tempfile
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

def cert(tmp):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sip.example")])
    now = datetime.datetime(2026, 1, 1)
    c = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
         .serial_number(7).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
         .sign(key, hashes.SHA256()))
    path = os.path.join(tmp, "srv.pem")
    with open(path, "wb") as f:
        f.write(c.public_bytes(serialization.Encoding.PEM))
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return path

def session(tmp, pem, version, cipher):
    keylog = os.path.join(tmp, "keys.log")
    if os.path.exists(keylog):
        os.remove(keylog)
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    s.load_cert_chain(pem)
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    c.keylog_filename = keylog
    for ctx in (s, c):
        ctx.minimum_version = ctx.maximum_version = version
        if cipher:
            ctx.set_ciphers(cipher)
    bios = [ssl.MemoryBIO() for _ in range(4)]
    cli = c.wrap_bio(bios[0], bios[1], server_hostname="sip.example")
    srv = s.wrap_bio(bios[2], bios[3], server_side=True)
    chunks = []
    def move():
        for src, dst, flag in ((bios[1], bios[2], 1), (bios[3], bios[0], 0)):
            data = src.read()
            if data:
                chunks.append((flag, data))
                dst.write(data)
    for _ in range(10):
        for side in (cli, srv):
            try:
                side.do_handshake()
            except ssl.SSLWantReadError:
                pass
        move()
    cli.write(b"INVITE sips:bob@sip.example SIP/2.0\r\nCall-ID: seed\r\n\r\n")
    move()
    srv.read(4096)
    srv.write(b"SIP/2.0 200 OK\r\nCall-ID: seed\r\n\r\n")
    move()
    cli.read(4096)
    with open(keylog, "rb") as f:
        keys = f.read()
    out = struct.pack(">H", len(keys)) + keys
    for flag, data in chunks:
        out += struct.pack(">BH", flag, len(data)) + data
    return out, struct.pack(">H", 0) + out[2 + len(keys):]

def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pem = cert(tmp)
        cases = [("tls12_aes128gcm", ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-AES128-GCM-SHA256"),
                 ("tls12_chacha", ssl.TLSVersion.TLSv1_2, "ECDHE-ECDSA-CHACHA20-POLY1305"),
                 ("tls13", ssl.TLSVersion.TLSv1_3, None)]
        for name, version, cipher in cases:
            with_keys, without = session(tmp, pem, version, cipher)
            with open(os.path.join(outdir, name + "_keys.bin"), "wb") as f:
                f.write(with_keys)
            with open(os.path.join(outdir, name + "_nokeys.bin"), "wb") as f:
                f.write(without)

if __name__ == "__main__":
    main()
