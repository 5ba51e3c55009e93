"""The benchmark: scoring a province's filings, measured against the cost of reading them.

    make bench                      # creates .venv, then runs this
    python benchmarks/run.py [--cases 10000] [--small 1000] [--seed 1] [--memory-cases 100000]

In one run, on the same generated files (benchmarks/generate.py, kept in benchmarks/.data/):

  floor        read + decode + yaml.load(CSafeLoader) of every file, nothing else;
  baseline     a hand-written scorer of the national pack (benchmarks/baseline.py) over the
               loaded data, checked case by case against the engine;
  engine       match + score (build_case + score_case) with durable_rules and with the Python
               matcher, over the same loaded data;
  end to end   `jixiao batch FILES --out DIR --jobs N` with 1 process and with 2;

with cases/s, ratios (engine / baseline, end to end / floor, 2 processes / 1), peak memory,
how time grows from --small to --cases cases, and how matching grows when the pack is padded
with ten times as many rules that never match. Each measurement runs in a fresh process.

Memory: peak RSS is sampled while `jixiao batch` runs (the process and its workers, summed). The
100k-case target is checked by a real 100k run only with --memory-cases 100000 (about 15
minutes more); otherwise the RSS curve of the 10k run (RSS after the first tenth of the cases
against RSS at the end) is extrapolated to 100k cases, and the output says so.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import GENERATOR_VERSION, case_text, file_name  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
PACK = ROOT / "rules" / "national-2020"
TARGETS = {
    "e2e_floor": 3.0,  # end to end, 1 process, at most 3x the floor (aim 2x)
    "engine_baseline": 3.0,  # durable match + score at most 3x the hand-written baseline
    "jobs2": 1.7,  # 2 processes at least 1.7x the throughput of 1
    "memory": 1.5,  # peak RSS for 100k cases within 1.5x of 10k
}


def say(text: str = "") -> None:
    print(text, flush=True)


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


# ------------------------------------------------------------------------------- the files


def _write_cases(args: tuple[str, int, int, int]) -> int:
    folder, seed, start, stop = args
    for index in range(start, stop):
        path = Path(folder) / file_name(index)
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_text(case_text(seed, index), encoding="utf-8")
            tmp.replace(path)
    return stop - start


def case_set(count: int, seed: int, data: Path) -> tuple[list[str], float]:
    """Paths of cases 0..count-1 of set `seed`, generating the missing ones (in 2 processes)."""
    folder = data / f"cases-s{seed}-v{GENERATOR_VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    missing = [i for i in range(count) if not (folder / file_name(i)).exists()]
    seconds = 0.0
    if missing:
        from multiprocessing import Pool

        start = time.perf_counter()
        lo, hi = missing[0], missing[-1] + 1
        step = 500
        with Pool(min(2, os.cpu_count() or 1)) as pool:
            pool.map(_write_cases, [(str(folder), seed, i, min(i + step, hi)) for i in range(lo, hi, step)])
        seconds = time.perf_counter() - start
    return [str(folder / file_name(i)) for i in range(count)], seconds


def _list_file(paths: list[str], data: Path, name: str) -> Path:
    path = data / f"{name}.list"
    path.write_text("".join(p + "\n" for p in paths), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------- processes


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, float, int]] = []  # (seconds, MiB, processes)
        self.stop = threading.Event()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                children.setdefault(ppid, []).append(int(entry))
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, ()))
        return out

    @staticmethod
    def _rss(pid: int) -> float:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def run(self) -> None:
        start = time.perf_counter()
        while not self.stop.is_set():
            pids = self._tree()
            self.samples.append((time.perf_counter() - start, sum(self._rss(p) for p in pids), len(pids)))
            self.stop.wait(self.interval)

    @property
    def peak(self) -> float:
        return max((s[1] for s in self.samples), default=0.0)

    def at_fraction(self, fraction: float) -> float:
        """Peak RSS over the first `fraction` of the run."""
        if not self.samples:
            return 0.0
        end = self.samples[-1][0] * fraction
        return max((s[1] for s in self.samples if s[0] <= end), default=0.0)


def run_process(cmd: list[str], cwd: Path | None = None, sample: bool = False) -> dict:
    """Run cmd; wall time, exit code, output, peak RSS (wait4: the largest process of the tree;
    sampled: the whole tree summed)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid) if sample else None
    if sampler:
        sampler.start()
    out_lines: list[str] = []
    err_lines: list[str] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.extend(s), daemon=True)
               for s, b in ((proc.stdout, out_lines), (proc.stderr, err_lines))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if sampler:
        sampler.stop.set()
        sampler.join()
    return {"wall": wall, "code": proc.returncode, "stdout": "".join(out_lines), "stderr": "".join(err_lines),
            "maxrss_mib": usage.ru_maxrss / 1024, "sampler": sampler}


def phase(name: str, list_file: Path, *extra: str) -> dict:
    result = run_process([sys.executable, "-m", "benchmarks.phases", name, "--list", str(list_file), *extra], cwd=ROOT)
    if result["code"] != 0:
        raise SystemExit(f"phase {name} failed (exit {result['code']}):\n{result['stderr'][-3000:]}")
    report = json.loads(result["stdout"].strip().splitlines()[-1])
    report["wall"] = result["wall"]
    return report


def batch_available() -> bool:
    probe = run_process([sys.executable, "-m", "engine.cli", "batch", "--help"], cwd=ROOT)
    return probe["code"] == 0


def end_to_end(paths: list[str], jobs: int, data: Path, label: str) -> dict:
    out = data / f"out-{label}"
    if out.exists():
        shutil.rmtree(out)
    folder = Path(paths[0]).parent
    names = [Path(p).name for p in paths]  # relative names keep the command line short
    cmd = [sys.executable, "-m", "engine.cli", "batch", *names, "--rules", str(PACK), "--out", str(out),
           "--jobs", str(jobs)]
    result = run_process(cmd, cwd=folder, sample=True)
    written = sum(1 for p in out.rglob("*") if p.is_file()) if out.exists() else 0
    if result["code"] not in (0, 1):
        raise SystemExit(f"jixiao batch failed (exit {result['code']}):\n{result['stderr'][-3000:]}")
    result["written"] = written
    shutil.rmtree(out, ignore_errors=True)
    return result


# ------------------------------------------------------------------------------- report


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import yaml

    versions = [f"Python {platform.python_version()}",
                f"PyYAML {yaml.__version__} ({'libyaml' if yaml.__with_libyaml__ else 'NO libyaml'})"]
    for package in ("durable-rules", "jsonschema"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} missing")
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({cpu}); " + ", ".join(versions)


def _rate(cases: int, seconds: float) -> str:
    return f"{cases / seconds:9.0f}" if seconds > 0 else "        -"


def _row(label: str, cases: int, seconds: float, rss: float | None = None) -> str:
    ms = seconds / cases * 1000 if cases else 0
    mem = f"{rss:8.0f}" if rss is not None else "       -"
    return f"  {label:40} {cases:7d} {seconds:9.2f} {_rate(cases, seconds)} {ms:9.3f} {mem}"


def _verdict(value: float, limit: float, at_most: bool) -> str:
    ok = value <= limit if at_most else value >= limit
    return "meets target" if ok else f"MISSES target by {abs(value - limit) / limit * 100:.0f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="jixiao benchmark (see benchmarks/README.md)")
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--small", type=int, default=1000, help="the smaller run for growth (default 1000)")
    parser.add_argument("--padded-cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--memory-cases", type=int, default=0,
                        help="also run jixiao batch on this many cases for peak memory (e.g. 100000)")
    parser.add_argument("--matchers", default="durable,python")
    args = parser.parse_args(argv)
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    matchers = [m for m in args.matchers.split(",") if m]
    started = time.perf_counter()
    from engine.match import durable_available

    if "durable" in matchers and not durable_available():
        matchers.remove("durable")
    main_matcher = matchers[0]

    say(f"jixiao benchmark, {_dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    say(f"machine: {machine()}")
    say(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    paths, gen_seconds = case_set(max(args.cases, args.small, args.padded_cases), args.seed, data)
    paths = paths[: args.cases]
    size = sum(os.path.getsize(p) for p in paths[:500]) / min(len(paths), 500)
    say(f"cases: {args.cases} synthetic (seed {args.seed}, generator v{GENERATOR_VERSION}, {size / 1024:.1f} KB on "
        f"average, 20-40 indicators) in {Path(paths[0]).parent}"
        + (f"; generated in {gen_seconds:.0f} s" if gen_seconds else "; reused"))
    say(f"pack: rules/national-2020; matchers: {', '.join(matchers)} (default: {main_matcher})")
    say()
    full = _list_file(paths, data, f"cases-{args.cases}")
    small = _list_file(paths[: args.small], data, f"cases-{args.small}")

    say("measuring floor ...")
    floor = phase("floor", full)
    say("measuring baseline and engine (in-process) ...")
    inproc = phase("inproc", full, "--pack", str(PACK), *sum((["--matcher", m] for m in matchers), []))
    if inproc["mismatches"]:
        say("baseline and engine DISAGREE (the engine/baseline ratio would compare unequal work):")
        for line in inproc["mismatches"]:
            say(f"  {line}")
        return 1
    say("measuring the padded pack ...")
    from benchmarks.padded import write_padded_pack

    padded_dir, padded_rules = write_padded_pack(data)
    padded_list = _list_file(paths[: args.padded_cases], data, f"cases-{args.padded_cases}-padded")
    padded = phase("padded", padded_list, "--pack", str(PACK), "--pack", str(padded_dir),
                   *sum((["--matcher", m] for m in matchers), []))

    e2e: dict[str, dict] = {}
    has_batch = batch_available()
    if has_batch:
        for label, subset, jobs in (("j1-small", paths[: args.small], 1), ("j1", paths, 1), ("j2", paths, 2)):
            say(f"measuring end to end: jixiao batch, {len(subset)} cases, --jobs {jobs} ...")
            e2e[label] = end_to_end(subset, jobs, data, label)
            e2e[label]["cases"] = len(subset)
        if args.memory_cases:
            say(f"measuring memory: jixiao batch, {args.memory_cases} cases, --jobs 1 ...")
            big, big_gen = case_set(args.memory_cases, args.seed, data)
            e2e["memory"] = end_to_end(big, 1, data, "memory")
            e2e["memory"]["cases"] = len(big)

    # ---------------------------------------------------------------- figures
    n = args.cases
    t = inproc["seconds"]
    floor_s = floor["seconds"]
    base_s = t["baseline"]
    eng = {m: t[f"engine_{m}"] for m in matchers}
    say()
    say("RATIOS (one run, same files)")
    ratio = eng[main_matcher] / base_s
    say(f"  engine ({main_matcher}) / baseline                 {ratio:6.2f}x   target <= 3x: "
        f"{_verdict(ratio, TARGETS['engine_baseline'], True)}")
    for m in matchers[1:]:
        say(f"  engine ({m}) / baseline                  {eng[m] / base_s:6.2f}x")
    if has_batch:
        j1, j2 = e2e["j1"], e2e["j2"]
        r = j1["wall"] / floor_s
        say(f"  end to end, 1 process / floor             {r:6.2f}x   target <= 3x (aim 2x): "
            f"{_verdict(r, TARGETS['e2e_floor'], True)}")
        r2 = j1["wall"] / j2["wall"]
        say(f"  end to end, 2 processes / 1 (throughput)  {r2:6.2f}x   target >= 1.7x: "
            f"{_verdict(r2, TARGETS['jobs2'], False)}")
    else:
        say("  end to end: skipped (jixiao batch not available)")
    in_stages = t["load"] + t["validate"] + eng[main_matcher] + t["render"]
    say(f"  in-process pipeline / floor               {in_stages / floor_s:6.2f}x   (load + validate + "
        f"{main_matcher} match+score + JSON render, no file writes)")

    say()
    say("PHASES                                       cases   seconds   cases/s   ms/case  peakMiB")
    say(_row("floor: read + yaml.load(CSafeLoader)", n, floor_s, floor["peak_rss_mib"]))
    say(_row("baseline: hand-written national pack", n, base_s))
    for m in matchers:
        say(_row(f"engine match+score, {m}", n, eng[m]))
    say(_row("  (stage) engine load: load_file", n, t["load"]))
    say(_row("  (stage) schema validation", n, t["validate"]))
    say(_row("  (stage) JSON render", n, t["render"]))
    say(f"  (in-process phase: peak {inproc['peak_rss_mib']:.0f} MiB, chunks of 500 cases held in memory)")
    if has_batch:
        for label, title in (("j1", "end to end: jixiao batch --jobs 1"), ("j2", "end to end: jixiao batch --jobs 2")):
            r = e2e[label]
            say(_row(title, r["cases"], r["wall"], r["sampler"].peak))
        say(f"  (batch wrote {e2e['j1']['written']} / {e2e['j2']['written']} files; peak RSS of the largest "
            f"process: {e2e['j1']['maxrss_mib']:.0f} / {e2e['j2']['maxrss_mib']:.0f} MiB)")
    else:
        say("  end to end: skipped (jixiao batch not available)")

    say()
    say("GROWTH")
    first = inproc["first_1k"]
    if first:
        k = first["cases"]
        for m in matchers:
            say(f"  engine {m}: {k} cases {first[f'engine_{m}']:.2f} s, {n} cases {eng[m]:.2f} s: "
                f"{eng[m] / first[f'engine_{m}']:.1f}x for {n / k:.0f}x the cases (same process)")
    if has_batch:
        a, b = e2e["j1-small"], e2e["j1"]
        say(f"  end to end: {a['cases']} cases {a['wall']:.2f} s, {b['cases']} cases {b['wall']:.2f} s: "
            f"{b['wall'] / a['wall']:.1f}x for {b['cases'] / a['cases']:.0f}x the cases (separate runs, start-up "
            "included)")
    runs = padded["runs"]
    padded_id = "national-2020-padded"
    for m in matchers:
        base_run, pad_run = runs[f"national-2020/{m}"], runs[f"{padded_id}/{m}"]
        say(f"  padded pack ({pad_run['rules']} rules, {padded_rules} never match) / national "
            f"({base_run['rules']} rules), {m}: {pad_run['seconds'] / base_run['seconds']:.2f}x over "
            f"{padded['cases']} cases (compile {base_run['compile'] * 1000:.0f} -> {pad_run['compile'] * 1000:.0f} ms)")

    say()
    say("MEMORY")
    curve = inproc["rss_curve"]
    if curve:
        tenth = next((rss for done, rss in curve if done >= n / 10), curve[0][1])
        say(f"  in-process: RSS {tenth:.0f} MiB after {n // 10} cases, {curve[-1][1]:.0f} MiB after {n}")
    if has_batch:
        s = e2e["j1"]["sampler"]
        early, peak = s.at_fraction(0.1), s.peak
        say(f"  jixiao batch --jobs 1, {n} cases: peak RSS {early:.0f} MiB over the first tenth, {peak:.0f} MiB "
            "over the run")
        if "memory" in e2e:
            big = e2e["memory"]
            r = big["sampler"].peak / peak
            say(f"  jixiao batch --jobs 1, {big['cases']} cases: peak RSS {big['sampler'].peak:.0f} MiB: "
                f"{r:.2f}x the {n}-case run; target <= 1.5x: {_verdict(r, TARGETS['memory'], True)}")
        else:
            growth = (peak - early) / (0.9 * n)  # MiB per case after the first tenth
            estimate = peak + growth * (100_000 - n)
            r = estimate / peak
            say(f"  100k cases (EXTRAPOLATED from this curve, not measured; --memory-cases 100000 measures it): "
                f"~{estimate:.0f} MiB, {r:.2f}x; target <= 1.5x: {_verdict(r, TARGETS['memory'], True)}")
    else:
        say("  end to end: skipped (jixiao batch not available); the in-process curve above is the streaming run")
    say()
    say(f"total benchmark time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
