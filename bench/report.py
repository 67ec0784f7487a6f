#!/usr/bin/env python3
"""Turns passkey_bench JSON output into the bench/README.md table.

  passkey_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
      --benchmark_format=json > run.json
  python3 bench/report.py run.json

Uses the median of the repetitions (or the single run). items_per_second is
Google Benchmark's rate over CPU time (wall time for the real_time thread
benchmarks). Ratios are ops/s divided by the floor's ops/s from the same run.
"""
import json
import sys


def main(path):
    run = json.load(open(path))
    rates = {}
    for b in run["benchmarks"]:
        name = b.get("run_name", b["name"])
        aggregate = b.get("aggregate_name")
        if aggregate not in (None, "median"):
            continue
        if aggregate is None and name in rates:
            continue
        rates[name] = b.get("items_per_second", 0.0)

    def floor_of(name):
        parts = name.split("/")
        if name.startswith("CApi/"):
            # The C API's overhead: against the C++ path it wraps.
            return name[len("CApi/"):]
        if name.startswith("VerifyAuthentication") and "threads" not in name:
            return "Floor/" + parts[-1]
        if name.startswith("VerifyRegistration/"):
            return "Floor/Registration/" + parts[-1]
        return None

    ctx = run["context"]
    print("| benchmark | ops/s | ratio to floor |")
    print("|---|---:|---:|")
    for name, rate in rates.items():
        floor = floor_of(name)
        ratio = ""
        if floor and rates.get(floor):
            ratio = "%.2f× `%s`" % (rate / rates[floor], floor)
        if name.endswith("threads:2"):
            one = rates.get(name.replace("threads:2", "threads:1"))
            if one:
                ratio = "%.2f× threads:1" % (rate / one)
        print("| `%s` | %s | %s |" % (name, "{:,.0f}".format(rate), ratio))
    print()
    print("host %s, %d CPUs at %s MHz, load average %s, library build %s" % (
        ctx.get("host_name", "?"), ctx.get("num_cpus", 0), ctx.get("mhz_per_cpu", "?"),
        ", ".join("%.2f" % x for x in ctx.get("load_avg", [])), ctx.get("library_build_type", "?")))


if __name__ == "__main__":
    main(sys.argv[1])
