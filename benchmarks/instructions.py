"""Instruction counts instead of seconds: the engine/baseline ratio without the machine's noise.

    python benchmarks/instructions.py [--cases 50] [--modes baseline,python,durable]

On a shared 2-core machine CPU seconds move by 20-30% between runs of the same code (other
sessions share the caches and cores), which hides a 5% change. Valgrind's callgrind counts the
instructions a program executes, the same on every run. For each mode this runs, under
`valgrind --tool=callgrind`, a fresh interpreter that loads the same N generated cases (from
benchmarks/.data, as `run.py` made them) and then scores them (mode `baseline`: the hand-written
scorer; `python` / `durable`: build_case + score_case with that matcher). A run of mode `none`
does everything but the scoring; its count is subtracted, so what is left is the scoring alone.
Prints instructions per case and the ratios to the baseline.

Valgrind slows Python ~50x: 50 cases take about a minute and a half per mode. Not part of
`make bench` (its 10-minute budget); run it to compare two versions of the engine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

MODES = ("none", "baseline", "python", "durable")


def score(mode: str, paths: list[str]) -> None:
    """The measured program (runs under valgrind): load, then score in `mode`."""
    import yaml

    from benchmarks import baseline
    from engine.api import load_pack, matcher_for
    from engine.case import build_case
    from engine.match import durable_available
    from engine.score import score_case

    datas = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            datas.append(yaml.load(f.read(), Loader=yaml.CSafeLoader))  # noqa: S506 - safe loader
    pack = load_pack(str(ROOT / "rules" / "national-2020"))
    # Every mode compiles every matcher, so the `none` run's count holds all of the set-up.
    matchers = {name: matcher_for(pack, name) for name in (("python", "durable") if durable_available() else ("python",))}
    if mode == "baseline":
        for data in datas:
            baseline.score(data)
    elif mode in ("python", "durable"):
        matcher = matchers[mode]
        for i, data in enumerate(datas):
            score_case(build_case(data, paths[i], ""), pack, matcher)


def count(mode: str, list_file: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__,
               "--run", mode, "--list", list_file]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
        if done.returncode != 0 or not found:
            raise SystemExit(f"valgrind run for {mode} failed:\n{done.stderr[-2000:]}")
        return int(found.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--modes", default="baseline,python,durable")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--run", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--list", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:  # inside valgrind
        from benchmarks.phases import _paths

        score(args.run, _paths(args.list))
        return 0
    if not shutil.which("valgrind"):
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    from benchmarks.run import DATA, _list_file, case_set

    paths, _ = case_set(args.cases, args.seed, DATA)
    list_file = _list_file(paths, DATA, f"cases-{args.cases}-instructions")
    modes = [m for m in args.modes.split(",") if m]
    print(f"instructions (valgrind callgrind) on {args.cases} cases, pack national-2020; "
          f"the count of a run that only loads them is subtracted", flush=True)
    setup = count("none", str(list_file))
    per_case = {}
    for mode in modes:
        per_case[mode] = (count(mode, str(list_file)) - setup) / args.cases
        print(f"  {mode:9} {per_case[mode] / 1e6:7.2f} M instructions per case", flush=True)
    if "baseline" in per_case:
        for mode in (m for m in modes if m != "baseline"):
            print(f"  engine {mode} / baseline: {per_case[mode] / per_case['baseline']:.2f}x")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
