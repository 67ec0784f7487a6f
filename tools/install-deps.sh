#!/usr/bin/env bash
# Installs, on Debian 12, whatever passkey's build and tests need that is not
# installed yet. Idempotent: when everything is present it changes nothing
# and does not touch the network.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libssl-dev libcbor-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev
  clang-14 libclang-rt-14-dev
  libbenchmark-dev
  libcpp-httplib-dev libsqlite3-dev
  postgresql-15 libpq-dev redis-server libhiredis-dev
  python3 python3-pytest python3-cffi python3-fido2
  golang-go
  chromium
)
# Node.js and npm for the browser e2e tests (examples/server/e2e), only when
# missing: a Node.js from elsewhere (e.g. NodeSource, npm bundled) is kept.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

# Pinned node_modules: `npm ci` in DIR (relative to the repository) only when
# node_modules is missing or differs from package-lock.json (no network
# otherwise). LABEL names the tests that skip without them.
npm_ci_pinned() {
  local dir label=$2
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/$1"
  [[ -f "$dir/package-lock.json" ]] || return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "install-deps: no npm; the $label tests will be skipped" >&2
    return 0
  fi
  # Every package the lock file pins must be installed at that version.
  if node -e '
      const fs = require("fs"), path = require("path"), dir = process.argv[1];
      const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8"));
      for (const [p, meta] of Object.entries(lock.packages || {})) {
        if (!p.startsWith("node_modules/")) continue;
        const f = path.join(dir, p, "package.json");
        if (!fs.existsSync(f) || JSON.parse(fs.readFileSync(f, "utf8")).version !== meta.version) process.exit(1);
      }' "$dir" 2>/dev/null; then
    echo "install-deps: $label node_modules up to date"
    return 0
  fi
  echo "install-deps: npm ci in $dir"
  # Not fatal: without the registry the $label tests skip themselves and say why.
  if ! (cd "$dir" && npm ci --no-audit --no-fund); then
    echo "install-deps: npm ci failed; the $label tests will be skipped" >&2
  fi
}

# The browser e2e tests' playwright-core (examples/server/e2e) and the
# independent verifiers' @simplewebauthn/server (tests/independent).
pinned_node_modules() {
  npm_ci_pinned examples/server/e2e e2e
  npm_ci_pinned tests/independent independent
}

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  pinned_node_modules
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: not root and no sudo; install these as root:" >&2
  echo "  apt-get install ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
  --no-install-recommends "${missing[@]}" </dev/null
pinned_node_modules
echo "install-deps: done"
