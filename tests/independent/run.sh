#!/usr/bin/env bash
# Runs one independent verifier of `passkey authenticator` (ctest label
# independent):
#
#   bash tests/independent/run.sh fido2|simplewebauthn PASSKEY_CLI WORKDIR
#
# fido2: Debian's python3-fido2 (0.9.1) server module, under /usr/bin/python3
# (the Debian interpreter: a python3 earlier on PATH may lack Debian's
# modules). simplewebauthn: @simplewebauthn/server as pinned in
# package-lock.json (npm ci here; tools/install-deps.sh does it).
# Exit 77 (ctest: skipped, with the reason) when the verifier is missing.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -ne 3 ]]; then
  echo "usage: $0 fido2|simplewebauthn PASSKEY_CLI WORKDIR" >&2
  exit 2
fi
verifier=$1
cli=$(realpath "$2")
workdir=$(realpath -m "$3")
skip() {
  echo "SKIPPED: $*" >&2
  echo "  (bash tools/install-deps.sh installs python3-fido2, Node.js and these node_modules)" >&2
  exit 77
}
[[ -x "$cli" ]] || { echo "run.sh: no executable passkey CLI at $cli" >&2; exit 1; }
mkdir -p "$workdir"

case "$verifier" in
  fido2)
    [[ -x /usr/bin/python3 ]] || skip "no /usr/bin/python3 (Debian package python3)"
    # verify_fido2.py exits 77 itself when fido2 does not import.
    exec /usr/bin/python3 "$here/verify_fido2.py" "$cli" "$workdir"
    ;;
  simplewebauthn)
    command -v node >/dev/null 2>&1 || skip "no node on PATH (Debian packages nodejs npm)"
    want=$(node -e 'process.stdout.write(require(process.argv[1]).packages["node_modules/@simplewebauthn/server"].version)' \
      "$here/package-lock.json" 2>/dev/null) || want=""
    have=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version)' \
      "$here/node_modules/@simplewebauthn/server/package.json" 2>/dev/null) || have=""
    [[ -n "$have" ]] || skip "@simplewebauthn/server is not installed in $here/node_modules (run: cd $here && npm ci)"
    [[ "$have" == "$want" ]] ||
      skip "node_modules has @simplewebauthn/server $have, package-lock.json pins $want (run: cd $here && npm ci)"
    exec node "$here/verify_simplewebauthn.js" "$cli" "$workdir"
    ;;
  *)
    echo "run.sh: unknown verifier '$verifier' (fido2, simplewebauthn)" >&2
    exit 2
    ;;
esac
