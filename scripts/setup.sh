#!/usr/bin/env bash
# Prepares a fresh machine (Node 20 or later, and npm) for the demo and the tests: pnpm, the workspace, the builds,
# and the Debian packages the tests use (Ceph radosgw as a real STS, botocore as a real AWS client, libfaketime to run
# the suite on a moved clock). With --node-matrix it also installs the pinned Node 22 and 24 that CI tests on
# (scripts/node-matrix.sh). Every step is idempotent; a missing Debian package makes its tests report themselves
# skipped, never pass.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.8
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@$PNPM_VERSION"
fi

missing=()
for tool in radosgw radosgw-admin ceph ceph-mon ceph-osd monmaptool; do
  command -v "$tool" >/dev/null 2>&1 || { missing+=(radosgw ceph-mon ceph-osd); break; }
done
python3 -c 'import botocore' >/dev/null 2>&1 || missing+=(python3-botocore)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
if [ "${#missing[@]}" -gt 0 ] && [ "${SKIP_APT:-0}" != "1" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${missing[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") \
      || echo "setup: WARNING could not install ${missing[*]}; the interop tests that need them will report skipped"
  else
    echo "setup: WARNING not root or no apt-get; the interop tests needing ${missing[*]} will report skipped"
  fi
fi

if [ "${1:-}" = "--node-matrix" ]; then
  bash scripts/node-matrix.sh >/dev/null
fi

pnpm install --frozen-lockfile
pnpm build
