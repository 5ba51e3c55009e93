"""Two versions of `jixiao batch` on the same cases, alternated: CPU of each, and their ratio.

    git archive main | (mkdir -p /tmp/jixiao-ref && tar -x -C /tmp/jixiao-ref)
    python benchmarks/ab_batch.py --ref /tmp/jixiao-ref [--this DIR] [--cases 500] [--rounds 4] [--matcher durable]

Runs `jixiao batch CASES --rules rules/national-2020 --out DIR --jobs 1` with the reference
tree's code and with this tree's (or --this's: a snapshot, so that editing goes on meanwhile)
(PYTHONPATH and working folder), alternately (ref, this, this,
ref, ...), and prints each run's CPU seconds (user + system of the process, from wait4), the
floor (read + CSafeLoader of the same files, in process, measured between the runs), and the
medians: this / ref and each / floor. On this shared machine a single run moves by 10-30 %;
alternating and taking medians puts both versions under the same load.

    python benchmarks/ab_batch.py --ref /tmp/jixiao-ref --instructions [--cases 60] [--matcher durable]

counts instead (valgrind callgrind, the same on every run): per tree, a process that sets up as
a batch worker does (`batch._init_worker`, collector tuning included), scores one case to warm
up, then runs `batch.score_one` (load, validate, score, JSON result written, summary rows) on N
cases; the count of the same process with no case after the warm-up is subtracted, so what is
left is the per-case work of `jixiao batch --jobs 1`'s worker without start-up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import DATA, case_set  # noqa: E402


def _cpu(argv: list[str], cwd: Path, env: dict) -> float:
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv[:6])} ...: exit {code}")
    return usage.ru_utime + usage.ru_stime


def _floor(paths: list[str]) -> float:
    import yaml

    start = time.process_time()
    for path in paths:
        with open(path, "rb") as f:
            yaml.load(f.read().decode("utf-8"), Loader=yaml.CSafeLoader)
    return time.process_time() - start


_WORKER = """
import sys
from engine import batch
paths = open(sys.argv[1], encoding="utf-8").read().split()
n, out, matcher = int(sys.argv[2]), sys.argv[3], sys.argv[4]
pack = "rules/national-2020"
batch._init_worker(pack, matcher)
batch.score_one(0, paths[0], "warm.json", out, pack, matcher)
for i, path in enumerate(paths[1:n + 1], 1):
    batch.score_one(i, path, f"{i}.json", out, pack, matcher)
"""


def _instructions(tree: Path, list_file: Path, n: int, matcher: str, work: Path, env: dict) -> int:
    """Instructions of the worker program above on n cases (after one warm-up case)."""
    import re

    callgrind = work / "callgrind.out"
    out = work / f"out-instructions-{n}"
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={callgrind}", sys.executable,
                           "-c", _WORKER, str(list_file), str(n), str(out), matcher],
                          cwd=tree, env=env, capture_output=True, text=True, check=False)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"valgrind run in {tree} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def count_instructions(trees: dict[str, Path], list_file: Path, n: int, matcher: str, work: Path,
                       env_base: dict) -> int:
    per_case = {}
    for label, tree in trees.items():
        env = dict(env_base, PYTHONPATH=str(tree), PYTHONHASHSEED="0", JIXIAO_CACHE_DIR=str(work / f"cache-{label}"))
        _instructions(tree, list_file, 0, matcher, work, env)  # fills the pack cache
        setup = _instructions(tree, list_file, 0, matcher, work, env)
        per_case[label] = (_instructions(tree, list_file, n, matcher, work, env) - setup) / n
        print(f"  {label:5s} {per_case[label] / 1e6:7.2f} M instructions per case", flush=True)
    print(f"this / ref: {per_case['this'] / per_case['ref']:.3f}x")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", required=True, type=Path)
    parser.add_argument("--this", type=Path, default=ROOT, help="the tree measured against --ref (default: this one)")
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--matcher", default="durable", choices=("durable", "python"))
    parser.add_argument("--this-matcher", choices=("durable", "python", "default"),
                        help="the matcher of this tree's runs (default: --matcher); `default` passes no --matcher, "
                             "so the tree's own batch default is measured")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions per case with valgrind instead of timing (--cases 60 is plenty)")
    args = parser.parse_args(argv)
    paths, _ = case_set(args.cases, args.seed, Path(DATA))
    paths = [str(Path(p).resolve()) for p in paths[: args.cases]]
    work = Path(tempfile.mkdtemp(prefix="jixiao-ab-"))
    list_file = work / "cases.list"
    list_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    trees = {"ref": args.ref.resolve(), "this": args.this.resolve()}
    times: dict[str, list[float]] = {"ref": [], "this": [], "floor": []}
    env_base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if args.instructions:
        print(f"{len(paths) - 1} cases after one warm-up, --matcher {args.matcher}; valgrind callgrind")
        code = count_instructions(trees, list_file, len(paths) - 1, args.matcher, work, env_base)
        shutil.rmtree(work, ignore_errors=True)
        return code
    print(f"{len(paths)} cases, --jobs 1, --matcher {args.matcher}"
          + (f" (this tree: {args.this_matcher})" if args.this_matcher else "") + "; CPU seconds per run (load average before)")
    for round_ in range(args.rounds):
        order = ("ref", "this") if round_ % 2 == 0 else ("this", "ref")
        for label in order:
            tree = trees[label]
            env = dict(env_base, PYTHONPATH=str(tree), JIXIAO_CACHE_DIR=str(work / f"cache-{label}"))
            out = work / f"out-{label}"
            shutil.rmtree(out, ignore_errors=True)
            load = os.getloadavg()[0]
            matcher = args.matcher if label == "ref" else (args.this_matcher or args.matcher)
            chosen = [] if matcher == "default" else ["--matcher", matcher]
            cpu = _cpu([sys.executable, "-m", "engine.cli", "batch", *paths, "--rules", "rules/national-2020",
                        "--out", str(out), "--jobs", "1", *chosen], tree, env)
            times[label].append(cpu)
            print(f"  round {round_ + 1} {label:5s} {cpu:7.2f} s  {cpu / len(paths) * 1000:6.2f} ms/case  (load {load:.1f})",
                  flush=True)
        floor = _floor(paths)
        times["floor"].append(floor)
        print(f"  round {round_ + 1} floor {floor:7.2f} s  {floor / len(paths) * 1000:6.2f} ms/case", flush=True)
    ref, this, floor = (statistics.median(times[k]) for k in ("ref", "this", "floor"))
    print(f"medians per case: ref {ref / len(paths) * 1000:.2f} ms, this {this / len(paths) * 1000:.2f} ms, "
          f"floor {floor / len(paths) * 1000:.2f} ms")
    print(f"this / ref: {this / ref:.3f}x; ref / floor: {ref / floor:.2f}x; this / floor: {this / floor:.2f}x")
    print(f"this / ref per round: " + ", ".join(f"{t / r:.3f}" for t, r in zip(times["this"], times["ref"])))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
