#!/usr/bin/env python3
"""`sotto calls` and `sotto registrations` end to end through the real binary, on a data directory that
tests/tools/store_seed.cpp fills through the Store API (docs/RECORDS.md).

  tests/records_cli_test.py build/default/tests/store_seed [-k NAME]     # SOTTO_BUILD_DIR=build/default by default
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.path.abspath(os.environ.get("SOTTO_BUILD_DIR", os.path.join(ROOT, "build", "default")))
SOTTO = os.path.join(BUILD, "apps", "sotto", "sotto")
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ISO_S = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
LEG_KEYS = ["side", "peer", "address", "transport", "tls_version", "tls_cipher", "peer_certificate", "media",
            "srtp_suite", "packets_in", "packets_out", "auth_failures", "packets_lost"]
CALL_KEYS = ["call_id", "from", "to", "result", "status", "verdict", "reasons", "started", "answered", "ended",
             "end_reason", "legs"]


class Ctx:
    def __init__(self, seed):
        self.seed = seed
        self.tmp = tempfile.mkdtemp(prefix="sotto-records-cli-")
        self.data = os.path.join(self.tmp, "data")
        self.seeded_at = time.time()
        p = subprocess.run([seed, "--data-dir", self.data], capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, f"store_seed failed: {p.stdout}{p.stderr}"


def run(*args, want=None):
    p = subprocess.run([SOTTO, *args], capture_output=True, text=True, timeout=60)
    if want is not None:
        assert p.returncode == want, f"{' '.join(args)}: exit {p.returncode}, expected {want}\n" \
                                     f"stdout: {p.stdout}\nstderr: {p.stderr}"
    return p.returncode, p.stdout, p.stderr


def one_line_error(err, *needles):
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, f"expected one error line, got {lines}"
    for n in needles:
        assert n in lines[0], f"{n!r} not in {lines[0]!r}"


def calls_json(c, *extra):
    _, out, _ = run("calls", "--json", "--data-dir", c.data, *extra, want=0)
    return json.loads(out)


def test_calls_json(c):
    doc = calls_json(c)
    assert doc["since"] is None, doc
    calls = doc["calls"]
    assert [x["call_id"] for x in calls] == ["old-1@127.0.0.1", "secure-1@127.0.0.1", "partial-1@127.0.0.1",
                                              "busy-1@127.0.0.1", "transfer-1@127.0.0.1"], calls
    for x in calls:
        assert list(x.keys()) == CALL_KEYS, list(x.keys())
        assert x["from"] == "sips:alice@localhost" and x["to"] == "sips:bob@localhost", x
        assert ISO_MS.match(x["started"]) and ISO_MS.match(x["ended"]), x
        assert x["answered"] is None or ISO_MS.match(x["answered"]), x
        for leg in x["legs"]:
            assert list(leg.keys()) == LEG_KEYS, list(leg.keys())
    old, secure, partial, busy, transfer = calls
    assert [x["end_reason"] for x in calls] == [None, "BYE from caller", "BYE from callee", "Busy Here",
                                                "BYE from transfer-target"], calls
    # Times: the seeder started secure-1 ten minutes before it ran, answered it 1.25 s later, ended 30 s after.
    started = datetime.datetime.strptime(secure["started"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    assert abs(started - (c.seeded_at - 600)) < 30, (secure["started"], c.seeded_at)
    answered = datetime.datetime.strptime(secure["answered"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    assert abs(answered - started - 1.25) < 0.002, secure

    assert (secure["result"], secure["status"], secure["verdict"], secure["reasons"]) == ("answered", 200, "secure", []), secure
    caller, callee = secure["legs"]
    assert caller == {"side": "caller", "peer": "alice", "address": "127.0.0.1:40312", "transport": "TLS",
                      "tls_version": "TLSv1.3", "tls_cipher": "TLS_AES_256_GCM_SHA384", "peer_certificate": None,
                      "media": True, "srtp_suite": "AES_CM_128_HMAC_SHA1_80", "packets_in": 1500,
                      "packets_out": 1498, "auth_failures": 2, "packets_lost": 1}, caller
    assert callee["srtp_suite"] == "AEAD_AES_128_GCM" and callee["peer_certificate"] == "CN=bob", callee

    assert (partial["result"], partial["verdict"]) == ("answered", "partial"), partial
    assert partial["reasons"] == ["sip-cleartext: callee leg (bob [::1]:5062) signalled over UDP",
                                  "rtp-unencrypted: callee leg (bob [::1]:5062) media is plain RTP"], partial
    pleg = partial["legs"][1]
    assert pleg["transport"] == "UDP" and pleg["srtp_suite"] is None and pleg["tls_version"] is None, pleg

    assert (busy["result"], busy["status"], busy["verdict"], busy["answered"]) == ("busy", 486, "insecure", None), busy
    assert [r.split(":")[0] for r in busy["reasons"]] == ["sip-cleartext", "sip-cleartext"], busy
    assert all(l["media"] is False and l["srtp_suite"] is None for l in busy["legs"]), busy
    assert old["verdict"] == "secure", old

    # Transferred to carol, whose leg is UDP with plain RTP: partial, the reasons naming her leg.
    assert [l["side"] for l in transfer["legs"]] == ["caller", "callee", "transfer-target"], transfer
    assert transfer["verdict"] == "partial", transfer
    assert transfer["reasons"] == [
        "sip-cleartext: transfer-target leg (carol 127.0.0.1:5080) signalled over UDP",
        "rtp-unencrypted: transfer-target leg (carol 127.0.0.1:5080) media is plain RTP"], transfer
    carol = transfer["legs"][2]
    assert (carol["peer"], carol["transport"], carol["srtp_suite"], carol["tls_version"], carol["packets_in"]) == \
        ("carol", "UDP", None, None, 400), carol


def test_calls_since(c):
    assert [x["call_id"] for x in calls_json(c, "--since", "2d")["calls"]] == \
        ["secure-1@127.0.0.1", "partial-1@127.0.0.1", "busy-1@127.0.0.1", "transfer-1@127.0.0.1"]
    assert len(calls_json(c, "--since", "1h")["calls"]) == 4
    assert len(calls_json(c, "--since", "7m")["calls"]) == 3
    assert len(calls_json(c, "--since", "90s")["calls"]) == 1
    assert len(calls_json(c, "--since", "30s")["calls"]) == 0
    # Absolute times: a minute boundary after partial-1 started and before busy-1 did.
    t = datetime.datetime.fromtimestamp(time.time() - 240, tz=datetime.timezone.utc)
    doc = calls_json(c, "--since", t.strftime("%Y-%m-%dT%H:%MZ"))
    assert [x["call_id"] for x in doc["calls"]] == ["busy-1@127.0.0.1", "transfer-1@127.0.0.1"], doc
    assert doc["since"] == t.strftime("%Y-%m-%dT%H:%M:00.000Z"), doc
    day = datetime.datetime.fromtimestamp(time.time() - 4 * 86400, tz=datetime.timezone.utc).strftime("%Y-%m-%d")
    assert len(calls_json(c, "--since", day)["calls"]) == 5
    assert len(calls_json(c, "--since", "2099-01-01T00:00:00Z")["calls"]) == 0
    # A `started` value pasted back selects that call and the later ones.
    started = calls_json(c)["calls"][2]["started"]
    doc = calls_json(c, "--since", started)
    assert [x["call_id"] for x in doc["calls"]] == ["partial-1@127.0.0.1", "busy-1@127.0.0.1",
                                                    "transfer-1@127.0.0.1"], doc
    assert doc["since"] == started, doc
    for bad in ["1w", "yesterday", "2026-13-01", "2026-12-01T00:00", "-1h", ""]:
        rc, out, err = run("calls", "--since", bad, "--data-dir", c.data)
        assert rc == 2 and out == "", (bad, rc, out, err)
        one_line_error(err, "sotto calls:", f"--since '{bad}'", "2026-12-01T00:00Z", "30m, 1h, 2d")


def test_calls_text(c):
    _, out, _ = run("calls", "--data-dir", c.data, want=0)
    lines = out.splitlines()
    assert lines[0] == f"5 calls in {c.data}", lines
    assert lines[1].split() == ["STARTED", "(UTC)", "FROM", "TO", "RESULT", "VERDICT", "LEGS"], lines
    rows = [l for l in lines[2:] if not l.lstrip().startswith(("- ", "ended: "))]
    assert len(rows) == 5, lines
    # Each call's end reason on the line under it (old-1 has none), before its reasons.
    ended = [(lines[i - 1], l.strip()) for i, l in enumerate(lines) if l.lstrip().startswith("ended: ")]
    assert [e for _, e in ended] == ["ended: BYE from caller", "ended: BYE from callee", "ended: Busy Here",
                                     "ended: BYE from transfer-target"], ended
    assert ended[0][0] == rows[1] and ended[3][0] == rows[4], ended
    assert all(l.startswith(" " * 21 + "ended: ") for l in lines if "ended: " in l), lines
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  sips:alice@localhost  sips:bob@localhost  answered 200 +secure +"
                    r"caller TLS AES_CM_128_HMAC_SHA1_80 \| callee TLS AEAD_AES_128_GCM$", rows[1]), rows[1]
    assert "answered 200" in rows[2] and " partial " in rows[2] and rows[2].endswith("callee UDP plain RTP"), rows[2]
    assert "busy 486" in rows[3] and " insecure " in rows[3] and rows[3].endswith("callee UDP no media"), rows[3]
    assert " partial " in rows[4] and rows[4].endswith(
        "caller TLS AES_CM_128_HMAC_SHA1_80 | callee TLS AES_CM_128_HMAC_SHA1_80 | transfer-target UDP plain RTP"), rows[4]
    reasons = [l.strip() for l in lines if l.lstrip().startswith("- ")]
    assert reasons == ["- sip-cleartext: callee leg (bob [::1]:5062) signalled over UDP",
                       "- rtp-unencrypted: callee leg (bob [::1]:5062) media is plain RTP",
                       "- sip-cleartext: caller leg (alice 127.0.0.1:5070) signalled over UDP",
                       "- sip-cleartext: callee leg (bob [::1]:5062) signalled over UDP",
                       "- sip-cleartext: transfer-target leg (carol 127.0.0.1:5080) signalled over UDP",
                       "- rtp-unencrypted: transfer-target leg (carol 127.0.0.1:5080) media is plain RTP"], reasons
    _, out, _ = run("calls", "--since", "30s", "--data-dir", c.data, want=0)
    assert re.match(rf"^0 calls in {re.escape(c.data)} since \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z$",
                    out.strip()), out


def test_registrations(c):
    _, out, _ = run("registrations", "--json", "--data-dir", c.data, want=0)
    regs = json.loads(out)["registrations"]
    assert [r["user"] for r in regs] == ["alice", "bob"], regs  # alice's expired contact is not listed
    alice, bob = regs
    elapsed = time.time() - c.seeded_at
    assert 600 - elapsed - 2 <= alice["expires_in"] <= 600, alice
    assert ISO_S.match(alice["expires"]) and ISO_S.match(alice["updated"]), alice
    assert {k: alice[k] for k in ["contact", "transport", "source", "instance", "reg_id", "gruu", "outbound", "flow"]} == {
        "contact": "sips:alice@127.0.0.1:40312;transport=tls;ob", "transport": "TLS", "source": "127.0.0.1:40312",
        "instance": "<urn:uuid:6f8e1c2a-0000-4000-8000-00000000a11c>", "reg_id": 1,
        "gruu": "sips:alice@localhost;gr=urn:uuid:6f8e1c2a-0000-4000-8000-00000000a11c", "outbound": True,
        "flow": "tls 127.0.0.1:40312"}, alice
    assert (bob["transport"], bob["source"], bob["instance"], bob["reg_id"], bob["gruu"], bob["outbound"]) == \
        ("UDP", "[::1]:5062", None, None, None, False), bob
    assert 300 - elapsed - 2 <= bob["expires_in"] <= 300, bob

    _, out, _ = run("registrations", "--data-dir", c.data, want=0)
    lines = out.splitlines()
    assert lines[0] == f"2 registrations in {c.data}", lines
    assert lines[1].split() == ["USER", "TRANSPORT", "EXPIRES", "IN", "SOURCE", "CONTACT"], lines
    assert re.match(r"^alice +TLS +\d+ s +127\.0\.0\.1:40312 +sips:alice@127\.0\.0\.1:40312;transport=tls;ob "
                    r"\(outbound\)$", lines[2]), lines[2]
    assert re.match(r"^bob +UDP +\d+ s +\[::1\]:5062 +sip:bob@\[::1\]:5062$", lines[3]), lines[3]


def test_empty_missing_and_older(c):
    missing = os.path.join(c.tmp, "absent")
    for cmd in (["calls"], ["registrations"], ["calls", "--json"]):
        rc, out, err = run(*cmd, "--data-dir", missing)
        assert rc == 1 and out == "", (cmd, rc, out, err)
        one_line_error(err, f"sotto {cmd[0]}:", f"no data directory at {missing}")
    assert not os.path.exists(missing)
    for cmd in (["calls", "--bogus"], ["registrations", "--since", "1h"]):
        rc, out, err = run(*cmd, "--data-dir", c.data)
        assert rc == 2 and out == "", (cmd, rc, out, err)
        one_line_error(err, f"sotto {cmd[0]}:", cmd[1], f"(see sotto {cmd[0]} --help)")

    # A data directory without a database: an error naming it, and nothing is created.
    bare = os.path.join(c.tmp, "bare")
    os.mkdir(bare, 0o700)
    for cmd in ("calls", "registrations"):
        rc, out, err = run(cmd, "--data-dir", bare)
        assert rc == 1 and out == "", (cmd, rc, out, err)
        one_line_error(err, f"sotto {cmd}:", f"no database at {os.path.join(bare, 'sotto.db')}")
    assert os.listdir(bare) == [], os.listdir(bare)

    # A version 1 data directory (as the first release wrote it) holds no records. The commands only read:
    # they say so and leave it at version 1 (`sotto serve` upgrades it).
    v1 = os.path.join(c.tmp, "v1")
    os.mkdir(v1, 0o700)
    db = sqlite3.connect(os.path.join(v1, "sotto.db"))
    db.executescript("""
        PRAGMA journal_mode=WAL;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE users (name TEXT PRIMARY KEY, ha1_md5 TEXT NOT NULL, ha1_sha256 TEXT NOT NULL,
          srtp TEXT NOT NULL CHECK (srtp IN ('off', 'offer', 'require')), suites TEXT NOT NULL,
          transports TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
        INSERT INTO meta(key, value) VALUES ('schema_version', '1'), ('realm', 'sotto');
    """)
    db.close()
    for cmd in ("calls", "registrations"):
        rc, out, err = run(cmd, "--data-dir", v1)
        assert rc == 1 and out == "", (cmd, rc, out, err)
        one_line_error(err, f"sotto {cmd}:", "schema version 1 holds no calls or registrations yet",
                       "`sotto serve`")
    db = sqlite3.connect(os.path.join(v1, "sotto.db"))
    assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("1",)
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'calls'").fetchone() == (0,)
    db.close()

    # A newer schema is refused, and left as it is.
    db = sqlite3.connect(os.path.join(v1, "sotto.db"))
    db.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    rc, out, err = run("calls", "--data-dir", v1)
    assert rc == 1, (rc, out, err)
    one_line_error(err, "sotto calls:", "schema version 9 is newer than this sotto understands (3)")


def test_read_only_beside_a_writer(c):
    """The commands read while another connection holds the write lock (as a running server may), and never
    change the database file."""
    path = os.path.join(c.data, "sotto.db")
    with open(path, "rb") as f:
        before = hashlib.sha256(f.read()).hexdigest()
    writer = sqlite3.connect(path, isolation_level=None, timeout=1)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM calls WHERE call_id = 'busy-1@127.0.0.1'")  # not committed while they read
    try:
        t0 = time.time()
        assert len(calls_json(c)["calls"]) == 5
        _, out, _ = run("registrations", "--json", "--data-dir", c.data, want=0)
        assert len(json.loads(out)["registrations"]) == 2, out
        assert time.time() - t0 < 4, "the commands waited for the writer's lock"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with open(path, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == before, "sotto.db changed under a read-only command"


def test_prune(c):
    """`sotto calls prune --older-than AGE`: the old records go with their legs; accounts and bindings stay."""
    d = os.path.join(c.tmp, "prune")
    p = subprocess.run([c.seed, "--data-dir", d], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    db_file = os.path.join(d, "sotto.db")

    def counts():
        db = sqlite3.connect(db_file)
        try:
            return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                         for t in ("calls", "call_legs", "users", "bindings"))
        finally:
            db.close()
    assert counts() == (5, 11, 2, 3), counts()
    _, out, _ = run("calls", "prune", "--older-than", "2d", "--data-dir", d, want=0)
    assert re.match(rf"^pruned 1 call record that started before \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z "
                    rf"from {re.escape(d)}$", out.strip()), out
    assert [x["call_id"] for x in calls_json_of(d)["calls"]] == [
        "secure-1@127.0.0.1", "partial-1@127.0.0.1", "busy-1@127.0.0.1", "transfer-1@127.0.0.1"]
    assert counts() == (4, 9, 2, 3), counts()
    # 4 minutes: secure-1 (10 min ago) and partial-1 (5 min ago).
    _, out, _ = run("calls", "prune", "--older-than", "4m", "--data-dir", d, want=0)
    assert out.startswith("pruned 2 call records that started before "), out
    assert [x["call_id"] for x in calls_json_of(d)["calls"]] == ["busy-1@127.0.0.1", "transfer-1@127.0.0.1"]
    _, out, _ = run("calls", "prune", "--older-than", "1h", "--data-dir", d, want=0)
    assert out.startswith("pruned 0 call records "), out
    assert counts() == (2, 5, 2, 3), counts()

    for bad in ["forever", "0", "30", "1w", "-1d", ""]:
        rc, out, err = run("calls", "prune", "--older-than", bad, "--data-dir", d)
        assert rc == 2 and out == "", (bad, rc, out, err)
        one_line_error(err, "sotto calls prune:", f"--older-than '{bad}'", "30d, 12h")
    rc, out, err = run("calls", "prune", "--data-dir", d)
    assert rc == 2 and out == "", (rc, out, err)
    one_line_error(err, "sotto calls prune:", "--older-than is required")
    missing = os.path.join(c.tmp, "absent-prune")
    rc, out, err = run("calls", "prune", "--older-than", "1d", "--data-dir", missing)
    assert rc == 1 and out == "", (rc, out, err)
    one_line_error(err, "sotto calls prune:", f"no data directory at {missing}")
    assert not os.path.exists(missing)
    assert counts() == (2, 5, 2, 3), counts()


def calls_json_of(data_dir):
    _, out, _ = run("calls", "--json", "--data-dir", data_dir, want=0)
    return json.loads(out)


TESTS = [test_calls_json, test_calls_since, test_calls_text, test_registrations, test_empty_missing_and_older,
         test_read_only_beside_a_writer, test_prune]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("seed", help="the store_seed test tool")
    ap.add_argument("-k", help="run only tests whose name contains this")
    a = ap.parse_args()
    for exe in (SOTTO, a.seed):
        if not os.access(exe, os.X_OK):
            print(f"FAIL: {exe} not built")
            return 1
    c = Ctx(a.seed)
    failed = 0
    for t in [t for t in TESTS if not a.k or a.k in t.__name__]:
        try:
            t(c)
            print(f"PASS {t.__name__}")
        except Exception:
            failed += 1
            print(f"FAIL {t.__name__}")
            traceback.print_exc()
    if failed:
        print(f"{failed} failed; work directory kept: {c.tmp}")
    else:
        subprocess.run(["rm", "-rf", c.tmp])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
