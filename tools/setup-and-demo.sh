#!/usr/bin/env bash
# The README's first command: on Debian 12, install what is missing, build
# passkey (Release) and run `passkey demo` (a full registration +
# authentication round trip against the built-in software authenticator).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash tools/install-deps.sh

build_dir=${PASSKEY_BUILD_DIR:-build/release}
jobs=${PASSKEY_JOBS:-$(nproc 2>/dev/null || echo 2)}

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DPASSKEY_BUILD_TESTS=OFF
cmake --build "$build_dir" --target passkey_cli -j "$jobs"

echo
echo "== $build_dir/tools/passkey/passkey demo"
exec "$build_dir/tools/passkey/passkey" demo
