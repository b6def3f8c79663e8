#!/usr/bin/env bash
# sotto tls-check vs testssl.sh on the same openssl s_server targets (docs/TLS-CHECK.md). About 70 s per
# target for testssl; not run by ctest. Usage: tests/tlscheck/compare_testssl.sh [good old-versions weak-dh ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v testssl >/dev/null || { echo "testssl (Debian testssl.sh) is not installed" >&2; exit 1; }
export SOTTO_BUILD_DIR="${SOTTO_BUILD_DIR:-$PWD/build/default}"
exec python3 tests/tlscheck/compare_testssl.py "$@"
