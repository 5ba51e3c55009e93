"""One measurement per process: `python -m benchmarks.phases PHASE --list FILE [options]`.

`benchmarks/run.py` starts each phase in a fresh interpreter, so every phase pays its own
imports and pack compilation (as a real run does) and reports its own peak memory. A phase reads
the case paths from a list file (one per line), measures, and prints one JSON object on its last
line of output.

Phases
  floor     read + decode + yaml.load(text, Loader=yaml.CSafeLoader) of every file: the least any
            tool that reads these files must pay.
  inproc    in chunks of cases: the floor again (interleaved, so that ratios to it are taken
            under the same conditions), engine load (engine.load.load_file), schema validation,
            the hand-written baseline, and engine match + score (build_case + score_case) with
            each matcher asked for (optionally on the first N cases only), over the same loaded
            data; then JSON rendering. The baseline is checked against the engine on every case
            it ran on (outside the timings).
  padded    engine match + score of the same cases under two packs (the national pack, and the
            same pack padded with rules that never match), each matcher asked for.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Clock:
    """Wall-clock and CPU seconds per key. On a shared machine other processes stretch wall
    time; the CPU time of this process is what the work itself cost."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def __call__(self, key: str):
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall[key] = self.wall.get(key, 0.0) + time.perf_counter() - wall
        self.cpu[key] = self.cpu.get(key, 0.0) + time.process_time() - cpu


def _paths(list_file: str) -> list[str]:
    return Path(list_file).read_text(encoding="utf-8").split("\n")[:-1]


def floor(paths: list[str]) -> dict:
    import yaml

    loader = yaml.CSafeLoader  # no fallback: the floor is defined by the C loader
    clock = Clock()
    with clock("floor"):
        for path in paths:
            with open(path, "rb") as f:
                yaml.load(f.read().decode("utf-8"), Loader=loader)  # noqa: S506 - CSafeLoader is safe
    return {"seconds": clock.wall["floor"], "cpu": clock.cpu["floor"], "cases": len(paths)}


def inproc(paths: list[str], pack_dir: str, matchers: list[str], chunk: int, check: bool,
           limits: dict[str, int]) -> dict:
    from benchmarks import baseline
    from engine import api
    from engine.case import build_case
    from engine.load import load_file
    from engine.report import json as json_report
    from engine.score import score_case
    from engine.validate import validate
    from engine.values import _parse_cached

    import yaml

    clear_parse_memo = _parse_cached.cache_clear
    counted = dict.fromkeys(matchers, 0)  # cases each matcher ran on (whole chunks)

    start = time.perf_counter()
    pack = api.load_pack(pack_dir)
    compiled = {name: api.matcher_for(pack, name) for name in matchers}
    setup = time.perf_counter() - start
    clock = Clock()
    first_1k: dict[str, float] = {}
    rss_curve: list[tuple[int, float]] = []
    mismatches: list[str] = []
    done = 0
    for at in range(0, len(paths), chunk):
        group = paths[at : at + chunk]
        with clock("floor"):  # interleaved with the engine's stages, under the same conditions
            for path in group:
                with open(path, "rb") as f:
                    yaml.load(f.read().decode("utf-8"), Loader=yaml.CSafeLoader)  # noqa: S506 - safe loader
        with clock("load"):
            docs = [load_file(p) for p in group]
        with clock("validate"):
            for doc in docs:
                validate(doc, api.CASE_SCHEMA)
        # The chunk's documents stay in memory for the timings below; freezing them keeps the
        # garbage collector from walking them again and again, as it would not in a streaming
        # run where only the current case is alive.
        gc.collect()
        gc.freeze()
        # Both the baseline and the engine parse cells through engine.values.parse_value, which
        # memoizes: each timing starts from an empty memo, so neither profits from the other.
        clear_parse_memo()
        with clock("baseline"):
            mine = [baseline.score(doc.data) for doc in docs]
        by_matcher: dict[str, list] = {}
        for name, matcher in compiled.items():
            if done >= limits.get(name, len(paths)):
                continue  # this matcher is measured on the first cases only (--limit), in whole chunks
            counted[name] += len(docs)
            clear_parse_memo()
            with clock(f"engine_{name}"):
                by_matcher[name] = [score_case(build_case(doc.data, doc.path, ""), pack, matcher) for doc in docs]
        with clock("render"):
            for result in next(iter(by_matcher.values())):
                json_report.render(result)
        if check:
            for name, results in by_matcher.items():
                for doc, base, result in zip(docs, mine, results):
                    why = baseline.same_as_engine(base, result)
                    if why and len(mismatches) < 5:
                        mismatches.append(f"{doc.path} ({name}): {why}")
        done += len(group)
        if done == 1000 or (not first_1k and done > 1000):
            first_1k = {"cases": done, **clock.cpu}
        del docs, mine, by_matcher
        gc.unfreeze()
        gc.collect()
        rss_curve.append((done, rss_mib()))
    return {"cases": len(paths), "setup": setup, "seconds": clock.wall, "cpu": clock.cpu, "first_1k": first_1k,
            "rss_curve": rss_curve, "mismatches": mismatches, "counted": counted}


def padded(paths: list[str], packs: list[str], matchers: list[str]) -> dict:
    from engine import api
    from engine.case import build_case
    from engine.load import load_file
    from engine.score import score_case
    from engine.values import _parse_cached

    clear_parse_memo = _parse_cached.cache_clear
    docs = [load_file(p) for p in paths]
    gc.collect()
    gc.freeze()
    out = {}
    for pack_dir in packs:
        pack = api.load_pack(pack_dir)
        for name in matchers:
            clear_parse_memo()  # every run starts from an empty parse_value memo
            t = time.perf_counter()
            matcher = api.matcher_for(pack, name)
            compile_seconds = time.perf_counter() - t
            clock = Clock()
            with clock("run"):
                for doc in docs:
                    score_case(build_case(doc.data, doc.path, ""), pack, matcher)
            out[f"{pack.id}/{name}"] = {"seconds": clock.wall["run"], "cpu": clock.cpu["run"],
                                        "compile": compile_seconds, "rules": len(pack.rules)}
    return {"cases": len(docs), "runs": out}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="one benchmark phase")
    parser.add_argument("phase", choices=["floor", "inproc", "padded"])
    parser.add_argument("--list", required=True, help="file with one case path per line")
    parser.add_argument("--pack", action="append", default=[])
    parser.add_argument("--matcher", action="append", default=[])
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--limit", action="append", default=[], metavar="MATCHER=N",
                        help="measure this matcher on the first N cases only (inproc)")
    args = parser.parse_args(argv)
    paths = _paths(args.list)
    gc.collect()
    if args.phase == "floor":
        report = floor(paths)
    elif args.phase == "inproc":
        limits = {k: int(v) for k, v in (item.split("=", 1) for item in args.limit)}
        report = inproc(paths, args.pack[0], args.matcher, args.chunk, not args.no_check, limits)
    else:
        report = padded(paths, args.pack, args.matcher)
    report["peak_rss_mib"] = peak_rss_mib()
    report["pid"] = os.getpid()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
