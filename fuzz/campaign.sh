#!/usr/bin/env bash
# fuzz/campaign.sh [--resume] [--no-build] [--results FILE] CPU_MINUTES [TARGET ...]
#
# A fuzzing campaign measured in CPU time, for a shared machine: builds the
# targets as fuzz/run.sh does, then runs them ONE AT A TIME under
# `nice -n 19`, each until the fuzzer process has used CPU_MINUTES of CPU
# (utime + stime from /proc/<pid>/stat, not wall time), from its committed
# corpus (fuzz/corpus/<target>, plus fuzz/regressions/<target>) with its
# dictionary. New inputs go to build/fuzz/campaign/work/<target>; afterwards
# the coverage-increasing ones are merged into fuzz/corpus/<target> with
# -merge=1 (libFuzzer names them by SHA-1 of their content, like the existing
# files; only inputs that add coverage are added, so the corpus stays small).
# Findings (crash, leak, timeout, OOM inputs) go to
# build/fuzz/artifacts/<target>/.
#
# Appends one row per target to the results file (tab-separated; default
# build/fuzz/campaign/results.tsv): date, commit, target, CPU minutes,
# execs (libFuzzer's final stats), exec/s (per CPU second), coverage
# features, corpus files before and after the merge, findings. Prints the
# whole results file as a table. Exits 1 when any target found something,
# 2 on usage errors.
#
# --resume    skip targets that already have a row in the results file (an
#             interrupted campaign starts again at the target it was in)
# --no-build  use the existing build (build/fuzz) as it is
# CPU_MINUTES may be fractional (0.2). No TARGET: every built target.
# PASSKEY_CAMPAIGN_TIMEOUT: wall seconds one input may take (default 300: the
# fuzzer runs at nice 19, so wall time says little about a slow input).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source fuzz/common.sh

usage() {
  echo "usage: fuzz/campaign.sh [--resume] [--no-build] [--results FILE] CPU_MINUTES [TARGET ...]" >&2
  exit 2
}

resume=0
build_first=1
results=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --resume) resume=1; shift ;;
    --no-build) build_first=0; shift ;;
    --results) [[ $# -ge 2 ]] || usage; results=$2; shift 2 ;;
    --results=*) results=${1#--results=}; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    -*) usage ;;
    *) break ;;
  esac
done
[[ $# -ge 1 ]] || usage
minutes=$1
shift
[[ "$minutes" =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage
ticks_per_second=$(getconf CLK_TCK)
# The CPU budget in clock ticks.
budget=$(awk -v m="$minutes" -v t="$ticks_per_second" 'BEGIN { printf "%d", m * 60 * t }')
[[ "$budget" -ge 1 ]] || usage

build=$fuzz_build_dir
campaign="$build/campaign"
input_timeout=${PASSKEY_CAMPAIGN_TIMEOUT:-300}
results=${results:-$campaign/results.tsv}
mkdir -p "$campaign" "$(dirname "$results")"
if [[ ! -s "$results" ]]; then
  printf 'date\tcommit\ttarget\tcpu_minutes\texecs\texec_per_cpu_s\tfeatures\tcorpus_before\tcorpus_after\tfindings\n' >"$results"
fi

if [[ $build_first -eq 1 ]]; then fuzz_build; fi

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  mapfile -t targets < <(fuzz_all_targets)
fi
for t in "${targets[@]}"; do
  [[ -x "$build/fuzz/${t}_fuzzer" ]] || { echo "no such fuzz target: $t" >&2; exit 2; }
done

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git status --porcelain -- src include fuzz 2>/dev/null)" ]]; then commit="$commit+"; fi

# cpu_ticks PID: utime + stime of PID (fields 14 and 15 of /proc/PID/stat;
# the command name, field 2, may hold spaces, so count after its ')').
cpu_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo -1; return; }
  stat=${stat##*) }
  # After ')': field 3 (state) is the first; utime is field 14, stime 15. A
  # zombie (exited, not yet reaped) counts as gone.
  awk '{ print ($1 == "Z" ? -1 : $12 + $13) }' <<<"$stat"
}

count_files() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }

child=""
on_signal() {
  if [[ -n "$child" ]]; then kill -INT "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
  echo "campaign: interrupted; rerun with --resume to continue" >&2
  exit 130
}
trap on_signal INT TERM

any_findings=0
for t in "${targets[@]}"; do
  if [[ $resume -eq 1 ]] && awk -F'\t' -v t="$t" 'NR > 1 && $3 == t { found = 1 } END { exit !found }' "$results"; then
    echo "== $t: already in $results, skipped (--resume)"
    continue
  fi
  bin="$build/fuzz/${t}_fuzzer"
  corpus="fuzz/corpus/$t"
  work="$campaign/work/$t"
  artifacts="$build/artifacts/$t"
  log="$campaign/$t.log"
  rm -rf "$work"
  mkdir -p "$work" "$corpus" "$artifacts"
  dirs=("$work" "$corpus")
  [[ -d "fuzz/regressions/$t" ]] && dirs+=("fuzz/regressions/$t")
  # libFuzzer's -timeout is wall time; at nice 19 on a busy machine a fast
  # input can wait seconds for a CPU, so the campaign allows 300 s (the last
  # -timeout given wins).
  # -report_slow_units is wall time too: without raising it, an input that
  # merely waited for a CPU is written as a slow-unit artifact (a finding).
  args=("${fuzz_common_args[@]}" -timeout="$input_timeout" -report_slow_units="$input_timeout"
    -artifact_prefix="$artifacts/")
  dict=$(dict_for "$t")
  [[ -n "$dict" ]] && args+=(-dict="$dict")
  before=$(count_files "$corpus")
  artifacts_before=$(count_files "$artifacts")

  echo "== $t: $minutes CPU-minutes (nice -n 19), log $log"
  nice -n 19 "$bin" "${args[@]}" "${dirs[@]}" >"$log" 2>&1 &
  child=$!
  used=0
  while kill -0 "$child" 2>/dev/null; do
    ticks=$(cpu_ticks "$child")
    [[ "$ticks" -ge 0 ]] || break
    used=$ticks
    if [[ "$used" -ge "$budget" ]]; then
      # libFuzzer prints its final stats on SIGINT, then exits (code 72).
      kill -INT "$child" 2>/dev/null || true
      break
    fi
    sleep 1
  done
  set +e
  wait "$child"
  rc=$?
  set -e
  child=""
  interrupted=0
  grep -q 'libFuzzer: run interrupted' "$log" && interrupted=1

  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1 || true)
  [[ -n "$execs" ]] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#' || true)
  execs=${execs:-0}
  features=$(grep -oE ' ft: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
  features=${features:-0}
  cpu_minutes=$(awk -v u="$used" -v t="$ticks_per_second" 'BEGIN { printf "%.2f", u / t / 60 }')
  rate=$(awk -v e="$execs" -v u="$used" -v t="$ticks_per_second" 'BEGIN { printf "%d", (u > 0 ? e * t / u : 0) }')

  findings=$(( $(count_files "$artifacts") - artifacts_before ))
  if [[ $interrupted -eq 0 && $rc -ne 0 && $findings -eq 0 ]]; then findings=1; fi
  if [[ $findings -gt 0 ]]; then
    any_findings=1
    echo "   FOUND something (exit $rc): see $log and $artifacts/"
    tail -n 20 "$log" | sed 's/^/   | /'
  fi

  # Merge the coverage-increasing new inputs into the committed corpus.
  if [[ -n "$(ls -A "$work")" ]]; then
    nice -n 19 "$bin" -merge=1 "${fuzz_common_args[@]}" -timeout="$input_timeout" \
      -artifact_prefix="$artifacts/" \
      "$corpus" "$work" >"$campaign/$t.merge.log" 2>&1 || {
      echo "   merge failed: see $campaign/$t.merge.log" >&2
      any_findings=1
    }
  fi
  after=$(count_files "$corpus")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$commit" "$t" \
    "$cpu_minutes" "$execs" "$rate" "$features" "$before" "$after" "$findings" >>"$results"
  echo "   $cpu_minutes CPU-min, $execs execs, corpus $before -> $after, findings $findings"
done

echo
column -t -s $'\t' "$results"
exit $any_findings
