#!/usr/bin/env python3
"""What one publisher pays for its subscribers: message passing against one shared ring.

For each mechanism, runs a fan-out stream with 1 and with N subscribers, alternating the two so
both see the same machine state, and prints per repetition and as medians:
  - the publisher's CPU per message it published (its own process, from wait4),
  - the slowest subscriber's p50 and p99 one-way latency,
  - the CPU of the whole run per delivered message,
then the ratio publisher CPU (N) / publisher CPU (1) per mechanism. Message passing writes every
message once per subscriber, so its publisher's cost should grow about N-fold; a ring written
once (shm) should grow much less. The verdict compares the two growth ratios measured side by
side. Nothing here runs in ctest: timings belong in benchmarks, not in tests.

    bench/fanoutbench.py                      pipe, unix-dgram, shm, shm zero-copy; 8 subscribers
    bench/fanoutbench.py --subscribers 16 --repeat 5 --size 64
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASES = [
    ("pipe", []),
    ("unix-dgram", []),
    ("shm", []),
    ("shm", ["copy=zero-copy", "sync=futex"]),
]


def label(mechanism, options):
    return mechanism + ("" if not options else " " + " ".join(options))


def run(ipcpg, mechanism, options, subscribers, size, seconds):
    command = [str(ipcpg), "run", "--mechanism", mechanism, "--mode", "stream", "--size", str(size),
               "--duration", str(seconds), "--topology", "fanout", "--subscribers", str(subscribers),
               "--format", "json"]
    for option in options:
        command += ["--option", option]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    if result["partial"] or result["integrity_errors"]:
        sys.exit(f"{label(mechanism, options)} x{subscribers}: {result['error'] or 'integrity errors'}")
    publisher = next(side for side in result["sides"] if side["name"] == "publisher")
    published = publisher["messages_sent"] / subscribers
    slowest = result["slowest_member"]["latency_ns"]
    return {
        "publisher_ns": (publisher["cpu"]["user_s"] + publisher["cpu"]["sys_s"]) * 1e9 / published,
        "p50": slowest["p50"],
        "p99": slowest["p99"],
        "cpu_per_delivered": result["cpu_ns_per_message"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=8)
    parser.add_argument("--size", default="4K")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build-dir")
    args = parser.parse_args()
    build = Path(args.build_dir) if args.build_dir else ROOT / "build" / os.environ.get("IPCPG_PRESET", "ci")
    ipcpg = build / "bin" / "ipcpg"
    if not ipcpg.exists():
        sys.exit(f"no ipcpg at {ipcpg}: build first (scripts/test or cmake --build --preset ci)")

    many = args.subscribers
    medians = {}
    print(f"fan-out stream, {args.size} messages, 1 against {many} subscribers, {args.repeat} alternating repetitions")
    print(f"{'mechanism':28} {'subs':>4} {'pub CPU/msg':>12} {'slowest p50':>12} {'slowest p99':>12} {'CPU/delivered':>14}")
    for mechanism, options in CASES:
        rows = {1: [], many: []}
        for _ in range(args.repeat):
            for subscribers in (1, many):
                rows[subscribers].append(run(ipcpg, mechanism, options, subscribers, args.size, args.seconds))
        for subscribers in (1, many):
            median = {key: statistics.median(row[key] for row in rows[subscribers]) for key in rows[subscribers][0]}
            medians[(label(mechanism, options), subscribers)] = median
            print(f"{label(mechanism, options):28} {subscribers:>4} {median['publisher_ns'] / 1e3:>10.2f}us "
                  f"{median['p50'] / 1e3:>10.1f}us {median['p99'] / 1e3:>10.1f}us {median['cpu_per_delivered'] / 1e3:>12.2f}us")
    print()
    growth = {}
    for mechanism, options in CASES:
        name = label(mechanism, options)
        growth[name] = medians[(name, many)]["publisher_ns"] / medians[(name, 1)]["publisher_ns"]
        print(f"publisher CPU per message, {many} subscribers / 1: {name:28} x{growth[name]:.2f}")
    ring = min(growth[label(m, o)] for m, o in CASES if m == "shm")
    passing = max(growth[label(m, o)] for m, o in CASES if m != "shm")
    verdict = "PASS" if ring < passing else "FAIL"
    print(f"{verdict}: the shared ring's publisher cost grows x{ring:.2f} with {many} subscribers, "
          f"message passing's x{passing:.2f}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
