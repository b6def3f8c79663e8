#!/usr/bin/env bash
# Speed of `sotto audit FILE --json` against `tshark -n -q -r FILE -z rtp,streams` on a capture of at least
# 100 MB built from real calls (docs/PERFORMANCE.md, "Capture audit"). Not part of the default ctest run.
#
#   tests/audit/perf_audit.sh [WORKDIR] [SIZE_MB] [RUNS] [CPU]      # defaults: mktemp, 110, 5, 1
#
# 1. records four real calls on loopback under the interop lock (tests/audit/captures.py: baresip plain
#    UDP, baresip SDES over UDP, baresip SDES over TLS, SIPp -> baresip);
# 2. multiplies them into one pcap of SIZE_MB (tests/audit/multiply_capture.py: new Call-IDs, ports, SSRCs,
#    SDES keys with the SRTP re-encrypted, calls 0.25 s apart);
# 3. checks the audit of the big file (every call found, SRTP decrypted without an authentication failure);
# 4. times both tools alternately, RUNS times each, pinned to CPU with taskset, output to /dev/null, and
#    prints the median wall and CPU seconds of each and the ratio.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${SOTTO_BUILD_DIR:-$root/build/default}"
sotto="$build/apps/sotto/sotto"
work="${1:-$(mktemp -d /tmp/sotto-perf-audit-XXXXXX)}"
size="${2:-110}"
runs="${3:-5}"
cpu="${4:-1}"
mkdir -p "$work"
for tool in "$sotto" tshark editcap baresip sipp taskset /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "perf_audit: $tool is missing" >&2; exit 2; }
done

echo "== templates: real calls on loopback ($work)"
for kind in plain-udp sdes-udp sdes-tls sipp-udp; do
  [ -s "$work/$kind.pcapng" ] || flock /tmp/sotto-interop.lock python3 "$here/captures.py" "$kind" "$work/$kind.pcapng" >/dev/null
done

big="$work/audit-${size}mb.pcap"
echo "== multiplying into $big"
[ -s "$big" ] && [ -s "$work/multiply.json" ] || python3 "$here/multiply_capture.py" "$big" --size-mb "$size" \
  "$work/plain-udp.pcapng" "$work/sdes-udp.pcapng" "$work/sdes-tls.pcapng" "$work/sipp-udp.pcapng" >"$work/multiply.json"
cat "$work/multiply.json"
ls -l "$big"

echo "== checking the audit of the big capture"
set +e
"$sotto" audit "$big" --json >"$work/audit.json" 2>"$work/audit.err"
rc=$?
set -e
python3 - "$work/audit.json" "$work/multiply.json" "$rc" <<'EOF'
import json, sys
rep, made, rc = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
calls = rep["calls"]
sip_calls = [c for c in calls if c["call_id"]]
streams = [s for c in calls for s in c["streams"]]
decrypted = [s for s in streams if s["decrypted"]]
failures = sum(s["auth_failures"] for s in streams)
per_kind = made["calls"] // made["templates"]
print(f"exit {rc}; {len(calls)} calls ({len(sip_calls)} with SIP), {len(streams)} streams, "
      f"{len(decrypted)} decrypted, {failures} SRTP authentication failures")
ok = rc == 1 and len(sip_calls) == 3 * per_kind and len(decrypted) == 2 * per_kind and failures == 0
if not ok:
    sys.exit(f"unexpected audit of the big capture (expected {3 * per_kind} SIP calls, {2 * per_kind} decrypted streams)")
EOF

echo "== timing, pinned to CPU $cpu, $runs runs each, alternating"
t() {  # prints "wall user+sys" of one run
  /usr/bin/time -f "%e %U %S" -o "$work/time.txt" taskset -c "$cpu" "$@" >/dev/null 2>&1 || true
  # (time writes "Command exited with non-zero status 1" first for the audit's exit 1: the figures are last)
  tail -n 1 "$work/time.txt" | awk '{printf "%s %.3f\n", $1, $2 + $3}'
}
: >"$work/audit.times"; : >"$work/tshark.times"
for i in $(seq "$runs"); do
  t "$sotto" audit "$big" --json >>"$work/audit.times"
  t tshark -n -q -r "$big" -z rtp,streams >>"$work/tshark.times"
done
python3 - "$work/audit.times" "$work/tshark.times" "$big" <<'EOF'
import os, statistics, sys
def med(path, col):
    return statistics.median(float(l.split()[col]) for l in open(path) if l.strip())
a_w, a_c, t_w, t_c = med(sys.argv[1], 0), med(sys.argv[1], 1), med(sys.argv[2], 0), med(sys.argv[2], 1)
mb = os.path.getsize(sys.argv[3]) / 1e6
print(f"capture {mb:.1f} MB")
print(f"sotto audit --json          median wall {a_w:6.2f} s  cpu {a_c:6.2f} s  ({mb / a_w:7.1f} MB/s)")
print(f"tshark -z rtp,streams       median wall {t_w:6.2f} s  cpu {t_c:6.2f} s  ({mb / t_w:7.1f} MB/s)")
print(f"ratio tshark/sotto          wall {t_w / a_w:.1f}x  cpu {t_c / a_c:.1f}x")
EOF
