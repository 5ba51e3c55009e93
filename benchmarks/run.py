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
100k-case target is checked by a real 100k run only with --memory-cases 100000 (about 40
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


def machine_busy() -> float:
    """CPU-seconds the whole machine has been busy (all processes, all cores), from /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def run_process(cmd: list[str], cwd: Path | None = None, sample: bool = False) -> dict:
    """Run cmd; wall time, CPU time of the process and its children, exit code, output, peak
    RSS (wait4: the largest process of the tree; sampled: the whole tree summed), and the CPU
    other processes of the machine used meanwhile (this is a shared machine)."""
    busy, own = machine_busy(), time.process_time()
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
    cpu = usage.ru_utime + usage.ru_stime
    others = machine_busy() - busy - cpu - (time.process_time() - own)
    return {"wall": wall, "cpu": cpu, "others": max(others, 0.0), "code": proc.returncode,
            "stdout": "".join(out_lines), "stderr": "".join(err_lines), "maxrss_mib": usage.ru_maxrss / 1024,
            "sampler": sampler}


def phase(name: str, list_file: Path, *extra: str) -> dict:
    result = run_process([sys.executable, "-m", "benchmarks.phases", name, "--list", str(list_file), *extra], cwd=ROOT)
    if result["code"] != 0:
        raise SystemExit(f"phase {name} failed (exit {result['code']}):\n{result['stderr'][-3000:]}")
    report = json.loads(result["stdout"].strip().splitlines()[-1])
    report["wall"], report["others"] = result["wall"], result["others"]
    return report


BATCH = [sys.executable, "-m", "engine.cli", "batch"]


def batch_available(batch: list[str]) -> bool:
    probe = run_process([*batch, "--help"], cwd=ROOT)
    return probe["code"] == 0


def end_to_end(batch: list[str], paths: list[str], jobs: int, data: Path, label: str) -> dict:
    out = data / f"out-{label}"
    if out.exists():
        shutil.rmtree(out)
    folder = Path(paths[0]).parent
    names = [Path(p).name for p in paths]  # relative names keep the command line short
    if len(names) > 20_000 and sorted(names) == sorted(p.name for p in folder.glob("*.yaml")):
        names = ["."]  # the whole folder: 100k names would pass the kernel's argument limit
    cmd = [*batch, *names, "--rules", str(PACK), "--out", str(out), "--jobs", str(jobs)]
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


def _row(label: str, cases: int, wall: float, cpu: float, rss: float | None = None) -> str:
    mem = f"{rss:8.0f}" if rss is not None else "       -"
    return (f"  {label:40} {cases:7d} {wall:8.1f} {cpu:8.1f} {cases / cpu if cpu else 0:8.0f} "
            f"{cpu / cases * 1000:8.2f} {mem}")


def _verdict(value: float, limit: float, at_most: bool) -> str:
    ok = value <= limit if at_most else value >= limit
    return "meets the target" if ok else f"MISSES the target by {abs(value - limit) / limit * 100:.0f}%"


def _ratio_line(label: str, cpu_ratio: float | None, wall_ratio: float, target: str) -> str:
    cpu = f"{cpu_ratio:5.2f}x" if cpu_ratio is not None else "     -"
    return f"  {label:42} {cpu}  {wall_ratio:5.2f}x   {target}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="jixiao benchmark (see benchmarks/README.md)")
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--small", type=int, default=1000, help="the smaller run for growth (default 1000)")
    parser.add_argument("--padded-cases", type=int, default=300)
    parser.add_argument("--python-cases", type=int, default=1000,
                        help="measure the Python matcher on the first N cases only (default 1000; 0: all)")
    parser.add_argument("--inproc-cases", type=int, default=None,
                        help="cases for the in-process measurements (baseline, engine, stages); default: all "
                             "of --cases, or 1000 when jixiao batch is there (end to end covers all of them)")
    parser.add_argument("--floor-check", type=int, default=1000,
                        help="cases read again after the end-to-end runs, to see the machine's drift")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--memory-cases", type=int, default=0,
                        help="also run jixiao batch on this many cases for peak memory (e.g. 100000)")
    parser.add_argument("--matchers", default="durable,python")
    parser.add_argument("--batch-command", default=None,
                        help="end-to-end command instead of 'python -m engine.cli batch' (same arguments)")
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
    batch = args.batch_command.split() if args.batch_command else BATCH
    has_batch = batch_available(batch)
    inproc_n = args.inproc_cases or (min(1000, args.cases) if has_batch else args.cases)
    inproc_list = _list_file(paths[:inproc_n], data, f"cases-{inproc_n}-inproc")

    say(f"measuring floor, baseline and engine on {inproc_n} cases (one process, interleaved per 500 cases) ...")
    limits = ["--limit", f"python={args.python_cases}"] if args.python_cases and "python" in matchers else []
    inproc = phase("inproc", inproc_list, "--pack", str(PACK), *sum((["--matcher", m] for m in matchers), []),
                   *limits)
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
    if has_batch:
        if args.batch_command:
            say(f"end to end with: {args.batch_command} (not jixiao batch)")
        say(f"measuring floor on all {args.cases} cases (just before the end-to-end runs) ...")
        floor_checks = [phase("floor", full)]
        for label, subset, jobs in (("j1-small", paths[: args.small], 1), ("j1", paths, 1), ("j2", paths, 2)):
            say(f"measuring end to end: jixiao batch, {len(subset)} cases, --jobs {jobs} ...")
            e2e[label] = end_to_end(batch, subset, jobs, data, label)
            e2e[label]["cases"] = len(subset)
        check = _list_file(paths[: args.floor_check], data, f"cases-{args.floor_check}-floor")
        say(f"measuring floor on {args.floor_check} cases (after the end-to-end runs) ...")
        floor_checks.append(phase("floor", check))
        if args.memory_cases:
            say(f"measuring memory: jixiao batch, {args.memory_cases} cases, --jobs 1 ...")
            big, _ = case_set(args.memory_cases, args.seed, data)
            e2e["memory"] = end_to_end(batch, big, 1, data, "memory")
            e2e["memory"]["cases"] = len(big)

    # ---------------------------------------------------------------- figures
    # Verdicts on cost ratios use CPU time: the machine is shared (other developers' test runs
    # stretch wall time, see "others" below). The 2-process throughput is a wall-time figure.
    n = inproc_n  # in-process figures; end-to-end ones are over args.cases
    wall, cpu, counted = inproc["seconds"], inproc["cpu"], inproc["counted"]
    per = {m: n / counted[m] for m in matchers}  # to compare per case when a matcher ran on fewer cases
    floor_wall, floor_cpu = wall["floor"], cpu["floor"]
    say()
    say("RATIOS (one run, same files)                     CPU    wall    target")
    r = cpu[f"engine_{main_matcher}"] * per[main_matcher] / cpu["baseline"]
    say(_ratio_line(f"engine match+score ({main_matcher}) / baseline", r,
                    wall[f"engine_{main_matcher}"] * per[main_matcher] / wall["baseline"],
                    f"<= 3x: {_verdict(r, 3.0, True)}"))
    for m in matchers[1:]:
        say(_ratio_line(f"engine match+score ({m}) / baseline", cpu[f"engine_{m}"] * per[m] / cpu["baseline"],
                        wall[f"engine_{m}"] * per[m] / wall["baseline"],
                        f"(for comparison; {counted[m]} cases, per case)"))
    if has_batch:
        j1, j2 = e2e["j1"], e2e["j2"]
        # the floor nearest in time to the end-to-end runs: read just before and just after them
        # per case, the mean of the floor read just before and just after the batch runs
        near_cpu = sum(f["cpu"] / f["cases"] for f in floor_checks) / len(floor_checks) * args.cases
        near_wall = sum(f["seconds"] / f["cases"] for f in floor_checks) / len(floor_checks) * args.cases
        r = j1["cpu"] / near_cpu
        say(_ratio_line("end to end, 1 process / floor", r, j1["wall"] / near_wall,
                        f"<= 3x (aim 2x): {_verdict(r, 3.0, True)}"))
        r2 = j1["wall"] / j2["wall"]
        say(_ratio_line("end to end, 2 processes / 1 (throughput)", None, r2, f">= 1.7x: {_verdict(r2, 1.7, False)}"))
    else:
        say("  end to end: skipped (jixiao batch not available)")
    stages = ("load", "validate", f"engine_{main_matcher}", "render")
    say(_ratio_line("in-process pipeline / floor", sum(cpu[k] for k in stages) / floor_cpu,
                    sum(wall[k] for k in stages) / floor_wall,
                    f"(load + validate + {main_matcher} match+score + JSON render; no batch, no writes)"))

    say()
    say("PHASES                                       cases   wall s    CPU s  cases/s  ms/case  peakMiB")
    say("  (cases/s and ms/case from CPU time)")
    say(_row("floor: read + CSafeLoader", n, floor_wall, floor_cpu))
    if has_batch:
        for f, when in zip(floor_checks, ("just before", "just after")):
            say(_row(f"  floor {when} end to end", f["cases"], f["seconds"], f["cpu"], f["peak_rss_mib"]))
    say(_row("baseline: hand-written national pack", n, wall["baseline"], cpu["baseline"]))
    for m in matchers:
        say(_row(f"engine match+score, {m}", counted[m], wall[f"engine_{m}"], cpu[f"engine_{m}"]))
    say(_row("  stage: engine load (load_file)", n, wall["load"], cpu["load"]))
    say(_row("  stage: schema validation", n, wall["validate"], cpu["validate"]))
    say(_row("  stage: JSON render", n, wall["render"], cpu["render"]))
    say(f"  (in-process phase: peak {inproc['peak_rss_mib']:.0f} MiB with 500 cases held in memory; other "
        f"processes used {inproc['others']:.0f} CPU s meanwhile)")
    if has_batch:
        for label, title in (("j1", "end to end: jixiao batch --jobs 1"), ("j2", "end to end: jixiao batch --jobs 2")):
            r = e2e[label]
            say(_row(title, r["cases"], r["wall"], r["cpu"], r["sampler"].peak))
        say(f"  (batch wrote {e2e['j1']['written']} / {e2e['j2']['written']} files; peak RSS is the sum over the "
            f"process tree, sampled; other processes used {e2e['j1']['others']:.0f} / {e2e['j2']['others']:.0f} "
            "CPU s during these runs)")
    else:
        say("  end to end: skipped (jixiao batch not available)")

    say()
    say("GROWTH")
    first = inproc["first_1k"]
    if first and first["cases"] < n:
        k = first["cases"]
        for m in (m for m in matchers if counted[m] == n):
            say(f"  engine {m}: first {k} cases {first[f'engine_{m}']:.1f} CPU s, all {n}: {cpu[f'engine_{m}']:.1f} CPU s"
                f" = {cpu[f'engine_{m}'] / first[f'engine_{m}']:.1f}x for {n / k:.0f}x the cases (same process)")
    if has_batch:
        a, b = e2e["j1-small"], e2e["j1"]
        say(f"  end to end: {a['cases']} cases {a['cpu']:.1f} CPU s, {b['cases']} cases {b['cpu']:.1f} CPU s = "
            f"{b['cpu'] / a['cpu']:.1f}x for {b['cases'] / a['cases']:.0f}x the cases (separate runs, start-up "
            "included)")
    runs = padded["runs"]
    for m in matchers:
        base_run, pad_run = runs[f"national-2020/{m}"], runs[f"national-2020-padded/{m}"]
        say(f"  padded pack ({pad_run['rules']} rules, {padded_rules} never match) / national "
            f"({base_run['rules']} rules), {m}: {pad_run['cpu'] / base_run['cpu']:.2f}x CPU over "
            f"{padded['cases']} cases (compile {base_run['compile'] * 1000:.0f} -> {pad_run['compile'] * 1000:.0f} ms)")

    say()
    say("MEMORY")
    curve = inproc["rss_curve"]
    if curve:
        say(f"  in-process phase (500 cases held at a time): RSS {curve[0][1]:.0f} MiB after {curve[0][0]} cases, "
            f"{curve[-1][1]:.0f} MiB after {curve[-1][0]}")
    if has_batch:
        s = e2e["j1"]["sampler"]
        half, peak = s.at_fraction(0.5), s.peak
        n = args.cases
        say(f"  jixiao batch --jobs 1, {n} cases: peak RSS {s.at_fraction(0.1):.0f} MiB over the first tenth, "
            f"{half:.0f} MiB over the first half, {peak:.0f} MiB over the run")
        if "memory" in e2e:
            big = e2e["memory"]
            r = big["sampler"].peak / peak
            say(f"  jixiao batch --jobs 1, {big['cases']} cases: peak RSS {big['sampler'].peak:.0f} MiB = {r:.2f}x "
                f"the {n}-case run; target <= 1.5x: {_verdict(r, 1.5, True)}")
        else:
            # growth over the second half (caches are warm by then), carried on to 100k cases
            slope = max(peak - half, 0.0) / (n / 2)
            estimate = peak + slope * (100_000 - n)
            r = estimate / peak
            say(f"  100k cases, EXTRAPOLATED (not measured; --memory-cases 100000 measures it): growth over the "
                f"second half {slope * 1000:.2f} MiB per 1000 cases -> ~{estimate:.0f} MiB = {r:.2f}x; target <= 1.5x: "
                f"{_verdict(r, 1.5, True)}")
    else:
        say("  end to end: skipped (jixiao batch not available)")
    say()
    say(f"total benchmark time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
