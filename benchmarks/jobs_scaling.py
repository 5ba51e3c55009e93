"""End to end against the floor, and 2 processes against 1, on N cases, with the machine's load.

    python benchmarks/jobs_scaling.py [--cases 2000] [--rounds 2]

A shorter companion of `run.py` (which takes ~10 minutes for 10,000 cases): the same generated
cases (benchmarks/.data), the same floor (read + CSafeLoader of every file, in a fresh process)
and the same `jixiao batch FILES --rules rules/national-2020 --out DIR --jobs N`, alternated
floor, jobs 1, jobs 2 for --rounds rounds. Printed per run: wall and CPU seconds (of the process
tree, wait4), the CPU other processes used meanwhile (/proc/stat), and the load average before
it started. Issue 19's targets: batch --jobs 1 <= 3x the floor (CPU), --jobs 2 >= 1.8x --jobs 1
(throughput, wall) "on two free cores": on a shared machine the load average says how free they
were, and the figure is only as good as that.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import DATA, _list_file, case_set, end_to_end, phase, BATCH  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    data = Path(DATA)
    paths, _ = case_set(args.cases, args.seed, data)
    paths = paths[: args.cases]
    list_file = _list_file(paths, data, f"jobs-{args.cases}")
    runs: dict[str, list[dict]] = {"floor": [], "jobs 1": [], "jobs 2": []}
    print(f"{len(paths)} cases, {args.rounds} rounds; CPU s, wall s, others' CPU s meanwhile, load average before")
    for round_ in range(args.rounds):
        for label in runs:
            load = os.getloadavg()[0]
            if label == "floor":
                report = phase("floor", list_file)
                report["cpu"] = report.get("cpu", report.get("cpu_s", 0.0))
            else:
                report = end_to_end(BATCH, paths, int(label[-1]), data, f"jobs{label[-1]}")
            report["load"] = load
            runs[label].append(report)
            print(f"  round {round_ + 1} {label:7s} cpu {report['cpu']:7.1f}  wall {report['wall']:7.1f}  "
                  f"others {report.get('others', 0.0):7.1f}  load {load:5.2f}", flush=True)
    floor = statistics.median(r["cpu"] for r in runs["floor"])
    one_cpu = statistics.median(r["cpu"] for r in runs["jobs 1"])
    one_wall = statistics.median(r["wall"] for r in runs["jobs 1"])
    two_wall = statistics.median(r["wall"] for r in runs["jobs 2"])
    two_cpu = statistics.median(r["cpu"] for r in runs["jobs 2"])
    print(f"per case: floor {floor / len(paths) * 1000:.2f} ms, batch --jobs 1 {one_cpu / len(paths) * 1000:.2f} ms CPU")
    print(f"batch --jobs 1 / floor (CPU, medians): {one_cpu / floor:.2f}x (target <= 3x)")
    print(f"batch --jobs 2 / --jobs 1 throughput (wall, medians): {one_wall / two_wall:.2f}x (target >= 1.8x); "
          f"CPU of 2 / 1: {two_cpu / one_cpu:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
