"""Cold start: CPU time of one fresh `jixiao score CASE` process against a process that only
loads the same case with libyaml (issue 19: json <= 4x that floor; table no slower than json by
more than 20 %).

    python benchmarks/cold_start.py [--runs 15] [--case cases/2022/lukou-gsl.yaml]

Each command runs --runs times, interleaved (floor, json, table, help, floor, ...), so that the
machine's load touches them alike; each run's CPU time (user + system, of the child process, from
wait4) is recorded, and the median and minimum are printed with their ratios to the floor's. Wall
time is not used: on this shared machine it moves with other people's work. Bytecode caches are
warmed by one untimed run of each command first. `python -X importtime -m engine.cli score ...`
shows where the imports go.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def cpu_of(argv: list[str]) -> float:
    """CPU seconds (user + system) of one run of argv, read from wait4."""
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)}: exit {process.returncode}")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--case", default="cases/2022/lukou-gsl.yaml")
    args = parser.parse_args()
    python = sys.executable
    jixiao = [python, "-m", "engine.cli"]
    commands = {
        "floor: python + CSafeLoader of the case": [
            python, "-c", "import sys, yaml; yaml.load(open(sys.argv[1], encoding='utf-8').read(), "
                          "Loader=yaml.CSafeLoader)", args.case],
        "jixiao score --format json": jixiao + ["score", args.case, "--format", "json"],
        "jixiao score (table)": jixiao + ["score", args.case],
        "jixiao --help": jixiao + ["--help"],
        "python -c pass": [python, "-c", "pass"],
    }
    for argv in commands.values():
        cpu_of(argv)  # bytecode caches, page cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            times[name].append(cpu_of(argv))
    floor = statistics.median(times["floor: python + CSafeLoader of the case"])
    floor_min = min(times["floor: python + CSafeLoader of the case"])
    print(f"cold start, CPU seconds per process, {args.runs} interleaved runs each ({args.case})")
    print(f"  {'command':42s} {'median':>7s} {'min':>7s}  median/floor  min/floor")
    for name, values in times.items():
        median, low = statistics.median(values), min(values)
        print(f"  {name:42s} {median:7.3f} {low:7.3f}  {median / floor:11.2f}x {low / floor_min:9.2f}x")
    json_median = statistics.median(times["jixiao score --format json"])
    table_median = statistics.median(times["jixiao score (table)"])
    print(f"  table / json: {table_median / json_median:.2f}x (target <= 1.2x); "
          f"json / floor: {json_median / floor:.2f}x (target <= 4x)")


if __name__ == "__main__":
    main()
