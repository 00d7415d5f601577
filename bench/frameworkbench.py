#!/usr/bin/env python3
"""What a framework costs over the kernel mechanism it runs on, measured side by side.

Every mechanism that `ipcpg list --format json` says is built on another (its "built_on": zeromq
with transport=ipc runs on unix-stream, with transport=tcp on tcp, ...) is run alternately with
that kernel mechanism, in ping-pong and in stream, at each size, so both see the same machine
state. Per pair it prints the medians of the repetitions and the ratios framework / kernel:
  - ping-pong: round-trip p50 and p99, and CPU per message;
  - stream: messages per second (kernel / framework, so above 1 means the framework is slower)
    and CPU per message.
Every payload is verified by both; a run with an integrity error stops the benchmark. Nothing here
runs in ctest: timings belong in benchmarks, not in tests.

    bench/frameworkbench.py                          64 B, 4 KiB, 64 KiB; cross-core; 3 repetitions
    bench/frameworkbench.py --sizes 64 --repeat 5 --placement same-core
    bench/frameworkbench.py --only zeromq --json results.json
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(ipcpg, mechanism, options, mode, size, placement, seconds):
    command = [str(ipcpg), "run", "--mechanism", mechanism, "--mode", mode, "--size", str(size),
               "--placement", placement, "--duration", str(seconds), "--format", "json"]
    for name, value in options.items():
        command += ["--option", f"{name}={value}"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)}: {done.stderr.strip()}")
    result = json.loads(done.stdout)
    if result["partial"] or result["integrity_errors"]:
        sys.exit(f"{' '.join(command)}: {result['error'] or 'integrity errors'}")
    return {
        "p50": result["latency_ns"]["p50"],
        "p99": result["latency_ns"]["p99"],
        "msgs_per_s": result["msgs_per_s"],
        "cpu_ns": result["cpu_ns_per_message"],
    }


def label(mechanism, options):
    return mechanism + "".join(f" {name}={value}" for name, value in sorted(options.items()))


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="64,4K,64K")
    parser.add_argument("--modes", default="pingpong,stream")
    parser.add_argument("--placement", default="cross-core")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="frameworks to run, comma separated (default: every one this build has)")
    parser.add_argument("--json", help="also write the medians and ratios to this file")
    parser.add_argument("--build-dir")
    args = parser.parse_args()
    build = Path(args.build_dir) if args.build_dir else ROOT / "build" / os.environ.get("IPCPG_PRESET", "ci")
    ipcpg = build / "bin" / "ipcpg"
    if not ipcpg.exists():
        sys.exit(f"no ipcpg at {ipcpg}: build first (scripts/test or cmake --build --preset ci)")

    listed = json.loads(subprocess.run([str(ipcpg), "list", "--format", "json"], check=True, capture_output=True,
                                       text=True).stdout)
    wanted = set(args.only.split(",")) if args.only else None
    pairs = [(m["id"], b["options"], b["mechanism"]) for m in listed for b in m.get("built_on", [])
             if wanted is None or m["id"] in wanted]
    if not pairs:
        sys.exit("this build has no framework to compare (ipcpg list shows none with built_on)")

    print(f"{cpu_model()}, {os.cpu_count()} CPUs; {args.placement}; {args.seconds} s per run, "
          f"{args.repeat} alternating repetitions; medians")
    print(f"{'framework':28} {'beneath':12} {'mode':8} {'size':>6} {'fw p50':>9} {'kernel p50':>10} {'p50 x':>6} "
          f"{'p99 x':>6} {'fw msg/s':>10} {'kernel msg/s':>12} {'slower x':>8} {'CPU x':>6}")
    report = []
    for framework, options, kernel in pairs:
        for mode in args.modes.split(","):
            for size in args.sizes.split(","):
                rows = {"framework": [], "kernel": []}
                for _ in range(args.repeat):
                    rows["framework"].append(run(ipcpg, framework, options, mode, size, args.placement, args.seconds))
                    rows["kernel"].append(run(ipcpg, kernel, {}, mode, size, args.placement, args.seconds))
                med = {side: {key: statistics.median(r[key] for r in rows[side]) for key in rows[side][0]}
                       for side in rows}
                fw, k = med["framework"], med["kernel"]
                ratios = {
                    "p50": fw["p50"] / k["p50"],
                    "p99": fw["p99"] / k["p99"],
                    "slower": k["msgs_per_s"] / fw["msgs_per_s"],
                    "cpu": fw["cpu_ns"] / k["cpu_ns"],
                }
                report.append({"framework": label(framework, options), "kernel": kernel, "mode": mode, "size": size,
                               "framework_medians": fw, "kernel_medians": k, "ratios": ratios})
                print(f"{label(framework, options):28} {kernel:12} {mode:8} {size:>6} {fw['p50'] / 1e3:>7.1f}us "
                      f"{k['p50'] / 1e3:>8.1f}us {ratios['p50']:>6.2f} {ratios['p99']:>6.2f} "
                      f"{fw['msgs_per_s']:>10.0f} {k['msgs_per_s']:>12.0f} {ratios['slower']:>8.2f} "
                      f"{ratios['cpu']:>6.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"cpu": cpu_model(), "cpus": os.cpu_count(),
                                               "placement": args.placement, "rows": report}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
