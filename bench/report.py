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

    def floors_of(name):
        """The floors a row is compared with, the first one the target's."""
        parts = name.split("/")
        if name.startswith("CApi/"):
            # The C API's overhead: against the C++ path it wraps.
            return [name[len("CApi/"):]]
        if name.startswith("VerifyAuthenticationPrepared/") and "threads" not in name:
            return ["Floor/" + parts[-1]]
        if name.startswith("VerifyAuthentication/"):
            # Key imported from the record per call: against the floor that
            # imports nothing (the target) and the one that imports
            # the key per call too.
            return ["Floor/" + parts[-1], "Floor/ImportVerify/" + parts[-1]]
        if name.startswith("VerifyRegistration/packed/"):
            return ["Floor/Registration/packed/" + parts[-1]]
        if name.startswith("VerifyRegistration/"):
            return ["Floor/Registration/" + parts[-1]]
        return []

    # Targets (issues #7, #17, #19): minimum ratio to the first floor.
    targets = {
        "VerifyAuthenticationPrepared/ES256": 0.90,
        "VerifyAuthenticationPrepared/EdDSA": 0.85,
        "VerifyAuthenticationPrepared/RS256": 0.85,
        "VerifyAuthenticationPrepared/PS256": 0.85,
        "VerifyAuthentication/ES256": 0.75,
        "VerifyAuthentication/RS256": 0.85,
        "VerifyAuthentication/PS256": 0.85,
        "VerifyRegistration/none/ES256": 0.70,
        "VerifyRegistration/none/EdDSA": 0.80,
        "VerifyRegistration/none/RS256": 0.80,
        "VerifyRegistration/none/PS256": 0.80,
    }
    for name in rates:
        if name.startswith("VerifyRegistration/packed/"):
            targets[name] = 0.85
        if name.startswith("CApi/"):
            targets[name] = 0.90

    ctx = run["context"]
    print("| benchmark | ops/s | ratio to floor | target |")
    print("|---|---:|---:|---|")
    for name, rate in rates.items():
        ratios = []
        first = None
        for floor in floors_of(name):
            if rates.get(floor):
                ratio = rate / rates[floor]
                first = ratio if first is None else first
                ratios.append("%.2f× `%s`" % (ratio, floor))
        target = ""
        if name in targets and first is not None:
            target = "≥ %.2f: %s" % (targets[name], "met" if first >= targets[name] else "**not met**")
        if name.endswith("threads:2"):
            one = rates.get(name.replace("threads:2", "threads:1"))
            if one:
                ratios = ["%.2f× threads:1" % (rate / one)]
                target = "≥ 1.80: %s" % ("met" if rate / one >= 1.8 else "**not met**")
        print("| `%s` | %s | %s | %s |" % (name, "{:,.0f}".format(rate), "; ".join(ratios), target))
    print()
    print("host %s, %d CPUs at %s MHz, load average %s, library build %s" % (
        ctx.get("host_name", "?"), ctx.get("num_cpus", 0), ctx.get("mhz_per_cpu", "?"),
        ", ".join("%.2f" % x for x in ctx.get("load_avg", [])), ctx.get("library_build_type", "?")))


if __name__ == "__main__":
    main(sys.argv[1])
