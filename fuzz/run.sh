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

source fuzz/common.sh
build=$fuzz_build_dir
fuzz_build

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  mapfile -t targets < <(fuzz_all_targets)
fi

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
  args=(-max_total_time="$seconds" "${fuzz_common_args[@]}" -artifact_prefix="$artifacts/")
  dict=$(dict_for "$t")
  [[ -n "$dict" ]] && args+=(-dict="$dict")
  log="$build/$t.log"
  # Only what this run writes counts (artifacts of earlier runs stay there).
  artifacts_before=$(find "$artifacts" -type f | wc -l)
  echo "== $t (${seconds}s)"
  set +e
  "$bin" "${args[@]}" "${dirs[@]}" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  features=$(grep -oE ' ft: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
  findings=$(( $(find "$artifacts" -type f | wc -l) - artifacts_before ))
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
