#!/usr/bin/env bash
# server_load.sh: runs passkey_server_load against passkey-server instances it
# starts itself on 127.0.0.1 (issue #18). Builds nothing.
#
#   bash bench/server_load.sh BUILD_DIR [SCENARIO ...]
#
# BUILD_DIR holds examples/server/passkey-server and bench/passkey_server_load
# (a Release build for numbers worth recording). Scenarios (default: all):
#   sqlite1  one instance, SQLite file + in-memory state
#   pg1      one instance, PostgreSQL + Redis
#   pg3      three instances on one PostgreSQL and one Redis; each sign-in
#            asks for options on one instance and verifies on the next
# pg1/pg3 start a throwaway PostgreSQL 15 (initdb in a temporary directory,
# as user nobody when run as root) and redis-server (no persistence), and are
# skipped with a message when passkey-server was built without those backends.
#
# Environment: USERS (32), DURATION (10 s), WARMUP (2 s), REQUESTS (no limit),
# THREADS (server --threads, default the server's), PG_BIN
# (/usr/lib/postgresql/15/bin), OUT (a directory to keep the JSON reports in).
#
# The servers run with --rate-limit 0: the per-IP limit on the verify
# endpoints (default 60 per minute) would otherwise refuse all but the first
# requests, every virtual user coming from 127.0.0.1.
#
# Every process started here is stopped by PID on exit, whatever the exit
# path (trap), and each load run is bounded by `timeout`.
# Exit status: 0 when every scenario run completed without errors (skipped
# ones included), 1 otherwise, 2 usage.
set -u

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -lt 1 ] && exit 2 || exit 0
fi
build=$1
shift
scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=(sqlite1 pg1 pg3)

server_bin=$build/examples/server/passkey-server
load_bin=$build/bench/passkey_server_load
for bin in "$server_bin" "$load_bin"; do
  if [ ! -x "$bin" ]; then
    echo "server_load.sh: $bin not found; build passkey_server_load in $build" >&2
    exit 2
  fi
done
users=${USERS:-32}
duration=${DURATION:-10}
warmup=${WARMUP:-2}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
rp_id=localhost
origin=http://localhost:8080

work=$(mktemp -d "${TMPDIR:-/tmp}/passkey-server-load-XXXXXX")
pids=()         # passkey-server and redis-server processes started here
pg_data=""      # set while a PostgreSQL cluster runs
as_db_user=()   # prefix that runs a command as the database owner

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null
  done
  pids=()
  if [ -n "$pg_data" ]; then
    "${as_db_user[@]}" "$pg_bin/pg_ctl" stop -D "$pg_data" -m immediate -s >/dev/null 2>&1
    pg_data=""
  fi
}
trap 'cleanup; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP

# free_port: a TCP port of 127.0.0.1 that nothing listened on a moment ago
# (for PostgreSQL and Redis, which cannot report a port they picked).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server ARGS...: starts passkey-server on a free port; sets $url and
# $pid. Returns 1 (log shown) when it does not print "listening on" in 30 s.
start_server() {
  local n=${#pids[@]}
  local out=$work/server$n.out log=$work/server$n.log
  local threads=()
  [ -n "${THREADS:-}" ] && threads=(--threads "$THREADS")
  "$server_bin" --rp-id "$rp_id" --origin "$origin" --port 0 --rate-limit 0 "${threads[@]}" \
    "$@" >"$out" 2>"$log" &
  pid=$!
  pids+=("$pid")
  local i
  for i in $(seq 300); do
    if grep -q '^listening on http://127.0.0.1:' "$out" 2>/dev/null; then
      url=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$out" | head -1)
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "server_load.sh: passkey-server did not start; its log:" >&2
  tail -20 "$log" >&2
  return 1
}

# remote_backends_built: whether passkey-server has --db postgresql and
# --state redis (today's server exits 2 with "not built in this version").
remote_backends_built() {
  local err
  err=$(timeout 20 "$server_bin" --rp-id "$rp_id" --origin "$origin" --port 0 \
    --db postgresql://passkey@127.0.0.1:1/passkey --state redis://127.0.0.1:1 2>&1 >/dev/null)
  ! grep -q 'not built in this version' <<<"$err"
}

# start_postgres: a throwaway cluster; sets $pg_url and $pg_pid.
start_postgres() {
  # A fresh cluster for each scenario.
  local dir port
  dir=$(mktemp -d "$work/pg-XXXXXX")
  as_db_user=()
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to nobody,
    # which must be able to reach it through $work.
    chmod 711 "$work"
    chown nobody: "$dir"
    as_db_user=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --)
  fi
  timeout 120 "${as_db_user[@]}" "$pg_bin/initdb" -D "$dir/data" -U passkey --auth=trust -E UTF8 \
    >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; return 1; }
  port=$(free_port)
  pg_data=$dir/data
  "${as_db_user[@]}" "$pg_bin/pg_ctl" start -D "$pg_data" -w -t 60 -l "$dir/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300" \
    >/dev/null || { cat "$dir/server.log" >&2; return 1; }
  timeout 60 "${as_db_user[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U passkey passkey || return 1
  pg_url=postgresql://passkey@127.0.0.1:$port/passkey
  pg_pid=$(head -1 "$pg_data/postmaster.pid")
}

# start_redis: a throwaway redis-server without persistence; sets $redis_url.
start_redis() {
  local port
  port=$(free_port)
  redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --dir "$work" --logfile "$work/redis.log" &
  redis_pid=$!
  pids+=("$redis_pid")
  local i
  for i in $(seq 100); do
    if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
      redis_url=redis://127.0.0.1:$port/0
      return 0
    fi
    sleep 0.1
  done
  echo "server_load.sh: redis-server did not start" >&2
  return 1
}

# run_load NAME BACKEND SERVERS... -- LOAD_FLAGS...: runs the load generator,
# prints its report and keeps one table row in $rows.
rows=()
failed=0
commit=$(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo "?")
run_load() {
  local name=$1 backend=$2 instances=$3
  shift 3
  local json=$work/$name.json
  local requests=()
  [ -n "${REQUESTS:-}" ] && requests=(--requests "$REQUESTS")
  # The load average before the run: what else the machine is doing (the
  # run's own threads raise it during the run).
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  echo "== $name: $instances x passkey-server, $backend, $users users, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  # Bounded: sign-up, warmup and the measured phase, plus a margin.
  local limit
  limit=$(python3 -c "print(int($duration + $warmup + 120))")
  timeout -k 5 "$limit" "$load_bin" --users "$users" --duration "$duration" \
    --warmup "$warmup" --json "$json" --rp-id "$rp_id" --origin "$origin" \
    "${requests[@]}" "$@"
  local status=$?
  [ $status -ne 0 ] && failed=1 && echo "server_load.sh: $name failed (exit $status)" >&2
  [ -n "${OUT:-}" ] && mkdir -p "$OUT" && cp "$json" "$OUT/" 2>/dev/null
  [ -f "$json" ] || return
  rows+=("$(python3 - "$json" "$commit" "$instances" "$backend" "$users" "$load" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
commit, instances, backend, users, load = sys.argv[2:7]
def ms(key):
    return "%.3f" % r[key] if key in r else "–"
per_core = r.get("sign_ins_per_s_per_core")
print("| `%s` | %s | %s | %s | %s | %.2f | %.2f | %s | %s | %s | %d | %s |" % (
    commit, instances, backend, users, f"{r['sign_ins_per_s']:,.0f}", r["latency_ms"]["p50"],
    r["latency_ms"]["p99"], ms("server_cpu_ms_per_sign_in"), ms("backend_cpu_ms_per_sign_in"),
    f"{per_core:,.0f}" if per_core is not None else "?", sum(r["errors"].values()), load))
EOF
)")
}

for scenario in "${scenarios[@]}"; do
  case $scenario in
    sqlite1)
      start_server --db "sqlite:$work/sqlite1.db" || { failed=1; cleanup; continue; }
      run_load sqlite1 "SQLite + memory" 1 --server "$url" --server-pid "$pid"
      cleanup
      ;;
    pg1 | pg3)
      if ! remote_backends_built; then
        echo "== $scenario skipped: $server_bin was built without PostgreSQL/Redis (\"not built in this version\")"
        continue
      fi
      n=1
      [ "$scenario" = pg3 ] && n=3
      if ! start_postgres || ! start_redis; then
        echo "server_load.sh: $scenario: PostgreSQL or Redis did not start" >&2
        failed=1
        cleanup
        continue
      fi
      flags=(--backend-pid "$pg_pid" --backend-pid "$redis_pid")
      [ "$n" -gt 1 ] && flags+=(--spread)
      ok=1
      for i in $(seq "$n"); do
        start_server --db "$pg_url" --state "$redis_url" || { ok=0; break; }
        flags+=(--server "$url" --server-pid "$pid")
      done
      if [ $ok = 1 ]; then
        run_load "$scenario" "PostgreSQL + Redis" "$n" "${flags[@]}"
      else
        failed=1
      fi
      cleanup
      ;;
    *)
      echo "server_load.sh: unknown scenario $scenario (sqlite1, pg1, pg3)" >&2
      exit 2
      ;;
  esac
done

if [ ${#rows[@]} -gt 0 ]; then
  echo
  echo "| commit | instances | backend | users | sign-ins/s | p50 ms | p99 ms | server CPU ms/sign-in | backend CPU ms/sign-in | sign-ins/s per core used | errors | load avg before |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
fi
exit $failed
