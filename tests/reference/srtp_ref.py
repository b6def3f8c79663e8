"""A small, slow, independent SRTP/SRTCP written from the RFCs, for cross-checking the engine in C++.

  ref = SrtpRef("F8_128_HMAC_SHA1_80", master_key, master_salt, kdr_exponent=None, encrypted_ids=())
  wire = ref.protect_rtp(packet, roc)              # bytes -> bytes (tag appended)
  plain = ref.unprotect_rtp(wire, roc)             # raises AuthError on a bad tag
  wire = ref.protect_rtcp(packet, srtcp_index)     # E flag set, index and tag appended
  plain, index = ref.unprotect_rtcp(wire)

It is deliberately plain: every packet derives its session keys afresh from the master key (RFC 3711
4.3.1, with the key derivation rate), AES is used one block at a time through python3-cryptography's ECB,
and the caller supplies the ROC / SRTCP index. Nothing here is shared with src/: the point is a second
implementation of the same text.

  RFC 3711 4.1.1 AES-CM, 4.1.2 AES-f8, 4.2.1 HMAC-SHA1, 4.3 key derivation, 3.4 SRTCP
  RFC 6188       AES-192/256-CM and their key derivation PRF (AES with the master key's size)
  RFC 6904       encryption of selected header extension elements (labels 6 and 7)
  RFC 4568 6.2   the HMAC suites' tag lengths (SRTCP keeps an 80-bit tag under the _32 suites)
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class AuthError(Exception):
    pass


# name: (cipher, master key bytes, master salt bytes, SRTP tag bytes); SRTCP tag is 10 bytes for all.
SUITES = {
    "AES_CM_128_HMAC_SHA1_80": ("cm", 16, 14, 10),
    "AES_CM_128_HMAC_SHA1_32": ("cm", 16, 14, 4),
    "AES_192_CM_HMAC_SHA1_80": ("cm", 24, 14, 10),
    "AES_192_CM_HMAC_SHA1_32": ("cm", 24, 14, 4),
    "AES_256_CM_HMAC_SHA1_80": ("cm", 32, 14, 10),
    "AES_256_CM_HMAC_SHA1_32": ("cm", 32, 14, 4),
    "F8_128_HMAC_SHA1_80": ("f8", 16, 14, 10),
}
SRTCP_TAG = 10

# RFC 3711 4.3.1 / RFC 6904 4.3: key derivation labels.
LABEL_RTP_ENC, LABEL_RTP_AUTH, LABEL_RTP_SALT = 0x00, 0x01, 0x02
LABEL_RTCP_ENC, LABEL_RTCP_AUTH, LABEL_RTCP_SALT = 0x03, 0x04, 0x05
LABEL_HDR_ENC, LABEL_HDR_SALT = 0x06, 0x07


def aes_block(key, block):
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def aes_cm(key, iv_int, n):
    """RFC 3711 4.1.1: E(k, IV) || E(k, IV + 1) || ... truncated to n bytes (IV + j mod 2^128)."""
    out = bytearray()
    j = 0
    while len(out) < n:
        out += aes_block(key, ((iv_int + j) % (1 << 128)).to_bytes(16, "big"))
        j += 1
    return bytes(out[:n])


def aes_f8(key, salt, iv, n):
    """RFC 3711 4.1.2.1: m = k_s || 0x55..55 (to the key's length), IV' = E(k_e XOR m, IV),
    S(j) = E(k_e, IV' XOR j XOR S(j-1)) with S(-1) = 0 and j a 128-bit counter."""
    m = salt + b"\x55" * (len(key) - len(salt))
    iv_prime = aes_block(xor(key, m), iv)
    out = bytearray()
    s_prev = bytes(16)
    j = 0
    while len(out) < n:
        s_j = aes_block(key, xor(xor(iv_prime, j.to_bytes(16, "big")), s_prev))
        out += s_j
        s_prev = s_j
        j += 1
    return bytes(out[:n])


def prf(master_key, master_salt, label, r, n):
    """RFC 3711 4.3.1 + 4.3.3 (RFC 6188 7: the PRF is AES-CM keyed with the master key, whatever its size):
    key_id = label || r (48 bits), x = key_id XOR master_salt, output = AES-CM(master_key, x * 2^16)."""
    key_id = (label << 48) | (r & ((1 << 48) - 1))
    x = int.from_bytes(master_salt, "big") ^ key_id
    return aes_cm(master_key, x << 16, n)


class SrtpRef:
    def __init__(self, suite, master_key, master_salt, kdr_exponent=None, encrypted_ids=()):
        self.cipher, key_len, salt_len, self.tag_len = SUITES[suite]
        assert len(master_key) == key_len and len(master_salt) == salt_len, "key/salt length for " + suite
        self.mk, self.ms = bytes(master_key), bytes(master_salt)
        self.kdr = None if kdr_exponent is None else 1 << kdr_exponent
        self.encrypted_ids = set(encrypted_ids)

    # RFC 3711 4.3.1: r = index DIV key_derivation_rate (0 when the rate is 0, i.e. not given).
    def _keys(self, index, labels):
        r = index // self.kdr if self.kdr else 0
        enc, auth, salt = labels
        n_e = len(self.mk)
        return (prf(self.mk, self.ms, enc, r, n_e), prf(self.mk, self.ms, auth, r, 20), prf(self.mk, self.ms, salt, r, 14))

    def _keystream(self, k_e, k_s, ssrc, index, f8_iv, n):
        if self.cipher == "cm":  # RFC 3711 4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)
            iv = (int.from_bytes(k_s, "big") << 16) ^ (ssrc << 64) ^ (index << 16)
            return aes_cm(k_e, iv, n)
        return aes_f8(k_e, k_s, f8_iv, n)

    # ------------------------------------------------------------------------------------------- RTP
    @staticmethod
    def _rtp_layout(pkt):
        """(header length, extension body offset or None, extension body length, profile)."""
        assert pkt[0] >> 6 == 2, "RTP version 2"
        cc = pkt[0] & 0x0F
        off = 12 + 4 * cc
        if pkt[0] & 0x10:
            profile, words = struct.unpack("!HH", pkt[off:off + 4])
            return off + 4 + 4 * words, off + 4, 4 * words, profile
        return off, None, 0, None

    def _header_ext_mask(self, body, profile):
        """RFC 6904 4: 0xFF over the data of each selected element (RFC 8285 one-byte 0xBEDE or two-byte
        0x100X headers), 0x00 over element headers, padding and unselected elements."""
        mask = bytearray(len(body))
        one_byte = profile == 0xBEDE
        if not one_byte and (profile & 0xFFF0) != 0x1000:
            return mask
        i = 0
        while i < len(body):
            if one_byte:
                ident = body[i] >> 4
                if ident == 0:
                    i += 1
                    continue
                if ident == 15:
                    break
                length = (body[i] & 0x0F) + 1
                i += 1
            else:
                ident = body[i]
                if ident == 0:
                    i += 1
                    continue
                length = body[i + 1]
                i += 2
            if ident in self.encrypted_ids:
                for k in range(i, min(i + length, len(body))):
                    mask[k] = 0xFF
            i += length
        return mask

    def _crypt_rtp(self, pkt, roc):
        """Encrypts (or decrypts: the same XOR) payload and selected header extension elements."""
        pkt = bytearray(pkt)
        seq = struct.unpack("!H", pkt[2:4])[0]
        ssrc = struct.unpack("!I", pkt[8:12])[0]
        index = (roc << 16) | seq
        k_e, k_a, k_s = self._keys(index, (LABEL_RTP_ENC, LABEL_RTP_AUTH, LABEL_RTP_SALT))
        # RFC 3711 4.1.2.2: IV = 0x00 || M || PT || SEQ || TS || SSRC || ROC
        f8_iv = b"\x00" + bytes(pkt[1:12]) + struct.pack("!I", roc)
        hdr_len, ext_off, ext_len, profile = self._rtp_layout(pkt)
        if ext_off is not None and self.encrypted_ids:
            r = index // self.kdr if self.kdr else 0
            k_he = prf(self.mk, self.ms, LABEL_HDR_ENC, r, len(self.mk))
            k_hs = prf(self.mk, self.ms, LABEL_HDR_SALT, r, 14)
            body = bytes(pkt[ext_off:ext_off + ext_len])
            mask = self._header_ext_mask(body, profile)
            if any(mask):
                ks = self._keystream(k_he, k_hs, ssrc, index, f8_iv, ext_len)
                pkt[ext_off:ext_off + ext_len] = bytes(b ^ (k & m) for b, k, m in zip(body, ks, mask))
        payload = bytes(pkt[hdr_len:])
        pkt[hdr_len:] = xor(payload, self._keystream(k_e, k_s, ssrc, index, f8_iv, len(payload)))
        return bytes(pkt), k_a

    def _rtp_tag(self, k_a, authenticated, roc):
        # RFC 3711 4.2: M = authenticated portion || ROC; HMAC-SHA1 truncated to the suite's tag length.
        return hmac.new(k_a, authenticated + struct.pack("!I", roc), hashlib.sha1).digest()[:self.tag_len]

    def protect_rtp(self, pkt, roc=0):
        enc, k_a = self._crypt_rtp(pkt, roc)
        return enc + self._rtp_tag(k_a, enc, roc)

    def unprotect_rtp(self, wire, roc=0):
        body, tag = wire[:-self.tag_len], wire[-self.tag_len:]
        seq = struct.unpack("!H", body[2:4])[0]
        _, k_a, _ = self._keys((roc << 16) | seq, (LABEL_RTP_ENC, LABEL_RTP_AUTH, LABEL_RTP_SALT))
        if not hmac.compare_digest(self._rtp_tag(k_a, body, roc), tag):
            raise AuthError("SRTP tag")
        plain, _ = self._crypt_rtp(body, roc)
        return plain

    # ------------------------------------------------------------------------------------------ RTCP
    def _crypt_rtcp(self, pkt, index):
        ssrc = struct.unpack("!I", pkt[4:8])[0]
        k_e, k_a, k_s = self._keys(index, (LABEL_RTCP_ENC, LABEL_RTCP_AUTH, LABEL_RTCP_SALT))
        # RFC 3711 4.1.2.3: IV = 0..0 (32 bits) || E || SRTCP index || V P RC || PT || length || SSRC
        f8_iv = bytes(4) + struct.pack("!I", 0x80000000 | index) + bytes(pkt[0:8])
        rest = bytes(pkt[8:])
        return bytes(pkt[:8]) + xor(rest, self._keystream(k_e, k_s, ssrc, index, f8_iv, len(rest))), k_a

    def protect_rtcp(self, pkt, index):
        enc, k_a = self._crypt_rtcp(pkt, index)
        authenticated = enc + struct.pack("!I", 0x80000000 | index)  # E = 1: encrypted
        return authenticated + hmac.new(k_a, authenticated, hashlib.sha1).digest()[:SRTCP_TAG]

    def unprotect_rtcp(self, wire):
        authenticated, tag = wire[:-SRTCP_TAG], wire[-SRTCP_TAG:]
        e_index = struct.unpack("!I", authenticated[-4:])[0]
        index = e_index & 0x7FFFFFFF
        _, k_a, _ = self._keys(index, (LABEL_RTCP_ENC, LABEL_RTCP_AUTH, LABEL_RTCP_SALT))
        if not hmac.compare_digest(hmac.new(k_a, authenticated, hashlib.sha1).digest()[:SRTCP_TAG], tag):
            raise AuthError("SRTCP tag")
        body = authenticated[:-4]
        if not e_index & 0x80000000:
            return body, index
        plain, _ = self._crypt_rtcp(body, index)
        return plain, index
