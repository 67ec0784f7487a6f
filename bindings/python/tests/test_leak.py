"""No leak across the C ABI: RSS growth over 10,000 calls after a warm-up
stays under 4 MB. A forgotten passkey_string_free alone grows it by about
6.5 MB here (measured by removing the free)."""

import json
import os
import subprocess
import sys
from pathlib import Path

CALLS = 10_000
MAX_GROWTH_KB = 4 * 1024


def test_rss_growth_over_10000_calls():
    env = dict(os.environ)
    # In a sanitized build ASan keeps freed memory in a quarantine (256 MB
    # by default) to catch use-after-free, which would grow RSS without any
    # leak. The probe runs in its own process with the quarantine off, so
    # RSS measures what the library and the binding keep; other ASan checks
    # stay on. Processes without ASan ignore the variable.
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "quarantine_size_mb=0"]))
    probe = Path(__file__).resolve().parent / "leak_probe.py"
    completed = subprocess.run([sys.executable, str(probe), str(CALLS)], env=env, capture_output=True,
                               text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    measured = json.loads(completed.stdout.strip().splitlines()[-1])
    growth = measured["after"] - measured["before"]
    print(f"VmRSS {measured['before']} kB -> {measured['after']} kB over {CALLS} calls")
    assert measured["calls"] == CALLS
    assert growth < MAX_GROWTH_KB, f"RSS grew by {growth} kB over {CALLS} calls"
