#!/usr/bin/env bash
# fuzz/run.sh SECONDS [TARGET ...]
#
# Builds every fuzz target with clang-14 and -fsanitize=fuzzer,address,undefined
# and runs each for SECONDS from its committed corpus (fuzz/corpus/<target>,
# plus fuzz/regressions/<target>) with its dictionary. New inputs go to a
# scratch corpus (build/fuzz/work/<target>), never into the repository; crash,
# leak, timeout and OOM inputs go to build/fuzz/artifacts/<target>/.
# Prints a table of targets, executions, executions per second, coverage
# features and findings; exits 0 only when no target found anything.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${1:-10}
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -lt 1 ]]; then
  echo "usage: fuzz/run.sh SECONDS [TARGET ...]" >&2
  exit 2
fi

bash tools/install-deps.sh

build=${PASSKEY_FUZZ_BUILD_DIR:-build/fuzz}
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPASSKEY_BUILD_FUZZERS=ON -DPASSKEY_BUILD_TESTS=OFF -DPASSKEY_BUILD_TOOLS=OFF \
  -DPASSKEY_ENABLE_INSTALL=OFF -DPASSKEY_SANITIZE=address,undefined >/dev/null
cmake --build "$build" -j "${PASSKEY_JOBS:-2}"

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=()
  for bin in "$build"/fuzz/*_fuzzer; do
    name=$(basename "$bin")
    targets+=("${name%_fuzzer}")
  done
fi

dict_for() {
  case "$1" in
    base64url) ;;
    client_data|*_json|credential_record) echo "fuzz/json.dict" ;;
    *) echo "fuzz/cbor.dict" ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

total_findings=0
failed_targets=0
rows=()
for t in "${targets[@]}"; do
  bin="$build/fuzz/${t}_fuzzer"
  [[ -x "$bin" ]] || { echo "no such fuzz target: $t" >&2; exit 2; }
  work="$build/work/$t"
  artifacts="$build/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  dirs=("$work")
  [[ -d "fuzz/corpus/$t" ]] && dirs+=("fuzz/corpus/$t")
  [[ -d "fuzz/regressions/$t" ]] && dirs+=("fuzz/regressions/$t")
  args=(-max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$artifacts/")
  dict=$(dict_for "$t")
  [[ -n "$dict" ]] && args+=(-dict="$dict")
  log="$build/$t.log"
  echo "== $t (${seconds}s)"
  set +e
  "$bin" "${args[@]}" "${dirs[@]}" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  features=$(grep -oE ' ft: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
  findings=$(find "$artifacts" -type f | wc -l)
  if [[ $rc -ne 0 && $findings -eq 0 ]]; then findings=1; fi
  if [[ $findings -gt 0 ]]; then
    echo "   FOUND something: see $log and $artifacts/"
    tail -n 20 "$log" | sed 's/^/   | /'
  fi
  total_findings=$((total_findings + findings))
  [[ $findings -gt 0 ]] && failed_targets=$((failed_targets + 1))
  rows+=("$(printf '%-30s %12s %10s %9s %9s' "$t" "$execs" "$rate" "$features" "$findings")")
done

echo
printf '%-30s %12s %10s %9s %9s\n' target execs exec/s features findings
for row in "${rows[@]}"; do echo "$row"; done
echo
echo "fuzz: $(( ${#targets[@]} - failed_targets )) passed, $failed_targets failed"
[[ $total_findings -eq 0 ]]
