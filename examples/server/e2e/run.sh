#!/usr/bin/env bash
# Runs the passkey-server end-to-end tests in headless Chromium.
#
#   bash examples/server/e2e/run.sh PASSKEY_SERVER_BINARY [ARTIFACTS_DIR]
#
# ctest runs it as the test `server_e2e` (label e2e). Exit 77 means "skipped"
# (ctest SKIP_RETURN_CODE): Chromium, Node.js or the pinned playwright-core
# is not installed (tools/install-deps.sh installs all three).
# Environment: PASSKEY_E2E_CHROMIUM (default /usr/bin/chromium);
# PASSKEY_E2E_README_PNG=FILE also writes the passkey-list screenshot to FILE.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 PASSKEY_SERVER_BINARY [ARTIFACTS_DIR]" >&2
  exit 2
fi
server=$(realpath "$1")
artifacts=$(realpath -m "${2:-$PWD/e2e-artifacts}")

mkdir -p "$artifacts"
rm -f "$artifacts/skipped.txt"
# skip: exit 77 with the reason, also in ARTIFACTS/skipped.txt (tools/check.sh shows it).
skip() {
  echo "SKIPPED: $*" >&2
  echo "  (bash tools/install-deps.sh installs chromium, Node.js and the e2e node_modules)" >&2
  echo "$*" >"$artifacts/skipped.txt"
  exit 77
}

if [[ ! -x "$server" ]]; then
  echo "run.sh: no executable passkey-server at $server" >&2
  exit 1
fi
chromium=${PASSKEY_E2E_CHROMIUM:-/usr/bin/chromium}
[[ -x "$chromium" ]] || skip "no Chromium at $chromium (Debian package chromium)"
command -v node >/dev/null 2>&1 || skip "no node on PATH (Debian packages nodejs npm)"

# node_modules must hold exactly the playwright-core version package-lock.json pins.
want=$(node -e 'process.stdout.write(require(process.argv[1]).packages["node_modules/playwright-core"].version)' \
  "$here/package-lock.json" 2>/dev/null) || want=""
have=$(node -e 'process.stdout.write(require(process.argv[1]).version)' \
  "$here/node_modules/playwright-core/package.json" 2>/dev/null) || have=""
if [[ -z "$have" ]]; then
  skip "playwright-core is not installed in $here/node_modules (run: cd $here && npm ci)"
fi
if [[ "$have" != "$want" ]]; then
  skip "node_modules has playwright-core $have, package-lock.json pins $want (run: cd $here && npm ci)"
fi

rm -f "$artifacts"/server-*.log "$artifacts/passkeys.png"
export PASSKEY_SERVER_BIN=$server
export PASSKEY_E2E_ARTIFACTS=$artifacts
export PASSKEY_E2E_CHROMIUM=$chromium
echo "e2e: $("$chromium" --version 2>/dev/null | tail -n 1), playwright-core $have, node $(node --version)"
echo "e2e: server $server; artifacts in $artifacts"

cd "$here"
rc=0
# One file at a time: each starts its own Chromium, and the machine may have 2 cores.
for t in chromium.test.js e2e.test.js; do
  node --test --test-reporter=spec "$t" || rc=1
done
if [[ $rc -eq 0 ]]; then
  echo "e2e: all passed; screenshot: $artifacts/passkeys.png"
else
  echo "e2e: FAILED; server logs and screenshots in $artifacts" >&2
fi
exit $rc
