#!/usr/bin/env bash
# Cold-process cost of `passkey verify-authentication`: start, read the
# response and the credential record from files, verify, print, exit.
# Runs it N times and prints the median wall time and the peak RSS.
#
#   bash bench/cold.sh [N] [BUILD_DIR]     (defaults: 200, build/release)
#
# BUILD_DIR must be a Release build with the CLI built, e.g.
#   cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release
#   cmake --build build/release --target passkey_cli passkey_cold_spawn
# The input is the ES256 vector of testdata/generated/authentication.json.
# Runs are launched by bench/cold_spawn.c (target passkey_cold_spawn): wall
# time around fork/exec/wait, peak RSS from wait4()'s rusage. (A Python
# parent would add its own ~10 MiB to every child's ru_maxrss.)
set -euo pipefail

runs=${1:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$root/build/release}
cli=$build/tools/passkey/passkey
if [[ ! -x $cli ]]; then
  echo "cold.sh: $cli not found; build the passkey_cli target in a Release build first" >&2
  exit 2
fi
if grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt" 2>/dev/null; then
  build_type=Release
else
  build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null) (not Release: figures are not comparable)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$root/testdata/generated/authentication.json" "$work" "$cli" "$runs" "$build_type" <<'EOF'
import json, os, resource, statistics, subprocess, sys, time

vectors_path, work, cli, runs, build_type = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
vector = next(v for v in json.load(open(vectors_path))["vectors"] if v["id"] == "passkey/auth/es256")
with open(os.path.join(work, "response.json"), "w") as f:
    json.dump(vector["response"], f)
with open(os.path.join(work, "credential.json"), "w") as f:
    json.dump(vector["credential"], f)
argv = [cli, "verify-authentication", "--rp-id", vector["rpId"]]
for origin in vector["origins"]:
    argv += ["--origin", origin]
argv += ["--challenge", vector["challenge"], "--now", "2026-01-01T00:00:00Z",
         "--credential", os.path.join(work, "credential.json"),
         "--response", os.path.join(work, "response.json")]

spawn = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(cli))), "bench", "passkey_cold_spawn")
if not os.access(spawn, os.X_OK):
    sys.exit("cold.sh: %s not found; build the passkey_cold_spawn target too" % spawn)

def run(n):
    # Each line: wall ms, peak RSS KiB, exit code (bench/cold_spawn.c).
    lines = subprocess.run([spawn, str(n)] + argv, check=True, capture_output=True, text=True).stdout.split("\n")
    samples = []
    for line in filter(None, lines):
        ms, kib, code = line.split()
        if int(code) != 0:
            sys.exit("cold.sh: the verification failed (exit %s): %s" % (code, " ".join(argv)))
        samples.append((float(ms), int(kib)))
    return samples

run(5)  # warm the page cache
samples = run(runs)
wall = sorted(s[0] for s in samples)
rss = [s[1] for s in samples]
load = os.getloadavg()
print("passkey verify-authentication, cold process, %d runs (%s build, ES256)" % (runs, build_type))
print("  wall ms: median %.2f  p10 %.2f  p90 %.2f" % (statistics.median(wall), wall[len(wall) // 10], wall[(len(wall) * 9) // 10]))
print("  peak RSS: max %.1f MiB  median %.1f MiB" % (max(rss) / 1024.0, statistics.median(rss) / 1024.0))
print("  load average during the run: %.2f %.2f %.2f" % load)
EOF
