#!/usr/bin/env bash
# The README's second command (and .ci/run): the whole test suite, built with
# g++, AddressSanitizer + UndefinedBehaviorSanitizer and warnings as errors.
# Shared conformance vectors are read from ../shared/vectors (or
# $PASSKEY_VECTORS_DIR); without them those tests are skipped with a message.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash tools/install-deps.sh

build_dir=${PASSKEY_CHECK_BUILD_DIR:-build/check}
build_type=${PASSKEY_CHECK_BUILD_TYPE:-Debug}
jobs=${PASSKEY_JOBS:-2}

# ThreadSanitizer: the concurrency tests (verifications sharing a record,
# an imported key and the digest table across threads) in their own build.
tsan_dir=${PASSKEY_CHECK_TSAN_DIR:-build/tsan}
cmake -S . -B "$tsan_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ \
  -DPASSKEY_SANITIZE=thread -DPASSKEY_WERROR=ON -DPASSKEY_ENABLE_INSTALL=OFF >/dev/null
cmake --build "$tsan_dir" -j "$jobs" --target concurrency_test
TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1} "$tsan_dir/tests/concurrency_test"

# Optimised builds with warnings as errors: the optimiser's flow analysis
# raises warnings a Debug build never sees (-Warray-bounds, -Wrestrict, ...).
# Library and CLI only, no tests, to keep CI time down: g++ and clang-14 in
# Release (-O3). g++ at -O2 (RelWithDebInfo, the default build type, where
# g++ 12 warns differently) is the ThreadSanitizer build above, also -Werror.
release_builds=(
  "gcc:g++:Release:passkey passkey_shared passkey_cli"
  "clang-14:clang++-14:Release:passkey passkey_shared passkey_cli"
)
for spec in "${release_builds[@]}"; do
  IFS=: read -r cc cxx type targets <<<"$spec"
  dir="build/werror-${cc}-${type,,}"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DPASSKEY_WERROR=ON \
    -DPASSKEY_BUILD_TESTS=OFF -DPASSKEY_BUILD_BENCH=OFF -DPASSKEY_BUILD_EXAMPLES=OFF \
    -DPASSKEY_ENABLE_INSTALL=OFF >/dev/null
  # shellcheck disable=SC2086 # targets is a list
  cmake --build "$dir" -j "$jobs" --target $targets
done

cmake -S . -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE="$build_type" \
  -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ \
  -DPASSKEY_SANITIZE=address,undefined \
  -DPASSKEY_WERROR=ON
cmake --build "$build_dir" -j "$jobs"

# Sanitizer failures must fail the test, with a usable report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

log="$build_dir/ctest.log"
set +e
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error \
  -j "$jobs" --timeout 900 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

# Repeat ctest's summary as the closing lines (its list of skipped tests
# comes after it), plus the counts with skips separated out.
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
if [[ -n "$summary" ]]; then
  total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
  failed=$(sed -E 's/.*, ([0-9]+) tests? failed.*/\1/' <<<"$summary")
  skipped=$(grep -cE '^[[:space:]]*[0-9]+ - .*\(Skipped\)$' "$log" || true)
  echo
  echo "$summary"
  echo "ctest: $((total - failed - skipped)) passed, $failed failed, $skipped skipped"
fi

# The browser end-to-end test (label e2e, examples/server/e2e/run.sh) skips
# itself when Chromium, Node.js or its node_modules are missing: say why.
if grep -qE '^[[:space:]]*[0-9]+ - server_e2e \(Skipped\)$' "$log"; then
  echo "ctest: server_e2e skipped: $(cat "$build_dir/e2e-artifacts/skipped.txt" 2>/dev/null || echo 'see examples/server/e2e/run.sh')"
fi
exit "$rc"
