"""Cold start: CPU time of one fresh `jixiao score CASE` process against a process that only
loads the same case with libyaml (issue 19: json <= 4x that floor; table no slower than json by
more than 20 %).

    python benchmarks/cold_start.py [--runs 15] [--case cases/2022/lukou-gsl.yaml]
    python benchmarks/cold_start.py --instructions     # the same commands counted by valgrind, once each

Each command runs --runs times, interleaved (floor, json, table, help, floor, ...), so that the
machine's load touches them alike; each run's CPU time (user + system, of the child process, from
wait4) is recorded, and the median and minimum are printed with their ratios to the floor's. Wall
time is not used: on this shared machine it moves with other people's work. Bytecode caches are
warmed by one untimed run of each command first, with PYTHONDONTWRITEBYTECODE removed from the
children's environment (the development sessions here set it, so every run recompiled the engine's
source, ~0.1 s; `pip install` writes the bytecode of an installed jixiao). The compiled-pack cache
(engine/packcache.py) is measured both ways: warm (as every run after the first) and off
(JIXIAO_CACHE=off: compiled from the YAML each time). `python -X importtime -m engine.cli score ...`
shows where the imports go.

    python benchmarks/cold_start.py --reference /tmp/main-tree   # before/after, interleaved

--reference DIR adds the json and table commands run from another tree (main, say, made with
`git archive main | tar -x -C DIR`; `python -m engine.cli` from DIR imports DIR's engine) to the
same interleaved rounds, and prints this tree's medians over the reference's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def cpu_of(argv: list[str], extra_env: dict | None = None, cwd: str = ROOT) -> float:
    """CPU seconds (user + system) of one run of argv (in cwd), read from wait4."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra_env or {})
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)}: exit {process.returncode}")
    return usage.ru_utime + usage.ru_stime


def instructions_of(argv: list[str], extra_env: dict | None = None, cwd: str = ROOT) -> int:
    """Instructions one run of argv executes (valgrind callgrind; the same on every run)."""
    import re
    import tempfile

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra_env or {})
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", *argv]
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode not in (0, 1) or not found:
        raise SystemExit(f"valgrind run of {' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--case", default="cases/2022/lukou-gsl.yaml")
    parser.add_argument("--instructions", action="store_true", help="count instructions with valgrind instead")
    parser.add_argument("--reference", metavar="DIR", default=None,
                        help="another tree (e.g. main by git archive): its json and table runs are interleaved too")
    args = parser.parse_args()
    python = sys.executable
    jixiao = [python, "-m", "engine.cli"]
    commands = {
        "floor: python + CSafeLoader of the case": [
            python, "-c", "import sys, yaml; yaml.load(open(sys.argv[1], encoding='utf-8').read(), "
                          "Loader=yaml.CSafeLoader)", args.case],
        "jixiao score --format json": jixiao + ["score", args.case, "--format", "json"],
        "jixiao score --format json, no pack cache": jixiao + ["score", args.case, "--format", "json"],
        "jixiao score (table)": jixiao + ["score", args.case],
        "jixiao --help": jixiao + ["--help"],
        "python -c pass": [python, "-c", "pass"],
    }
    envs = {"jixiao score --format json, no pack cache": {"JIXIAO_CACHE": "off"}}
    cwds = {}
    if args.reference:
        case = os.path.abspath(os.path.join(ROOT, args.case))
        for name in ("jixiao score --format json", "jixiao score (table)"):
            ref = f"reference: {name}"
            commands[ref] = [python, "-m", "engine.cli", "score", case, *commands[name][5:]]
            cwds[ref] = os.path.abspath(args.reference)
    for name, argv in commands.items():
        cpu_of(argv, envs.get(name), cwds.get(name, ROOT))  # bytecode caches, page cache, the pack cache
    if args.instructions:
        counts = {name: instructions_of(argv, envs.get(name), cwds.get(name, ROOT)) for name, argv in commands.items()}
        floor = counts["floor: python + CSafeLoader of the case"]
        print(f"cold start, instructions per process (valgrind callgrind) ({args.case})")
        for name, value in counts.items():
            print(f"  {name:42s} {value / 1e6:9.1f} M  {value / floor:6.2f}x the floor")
        print(f"  table / json: {counts['jixiao score (table)'] / counts['jixiao score --format json']:.2f}x")
        return
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            times[name].append(cpu_of(argv, envs.get(name), cwds.get(name, ROOT)))
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
    if args.reference:
        for name in ("jixiao score --format json", "jixiao score (table)"):
            ref = statistics.median(times[f"reference: {name}"])
            print(f"  {name}: this tree / reference {statistics.median(times[name]) / ref:.2f}x")
        ref_table = statistics.median(times["reference: jixiao score (table)"])
        ref_json = statistics.median(times["reference: jixiao score --format json"])
        print(f"  reference: table / json {ref_table / ref_json:.2f}x, json / floor {ref_json / floor:.2f}x")
    print(f"  load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
