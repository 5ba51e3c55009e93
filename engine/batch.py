"""Batch scoring: every case file under some paths, scored in parallel processes.

discover -> score (a pool of worker processes; each compiles the rule pack once, through the
per-process caches of engine.api) -> as each case finishes, its JSON result is written atomically
and a small summary row kept -> summary.csv, findings.csv and summary.xlsx.

Nothing is skipped silently: every file found is either scored or listed as failed with its
error, and the run goes on after a failure. Results are streamed: a Result lives only in the
worker that made it; the parent receives its JSON text, writes it, and keeps the rows.

An edge module (file I/O, processes); the UI (progress bar, messages) is the command's.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .api import load_pack, matcher_for, score_file
from .atomic import write_atomic
from .errors import JixiaoError, Problem
from .load import load_file
from .report import json as json_report
from .report import summary

CASE_FORMAT = "jixiao-case/1"
CASE_SUFFIXES = (".yaml", ".yml")
RESULTS = "results"
SUMMARY_CSV = "summary.csv"
FINDINGS_CSV = "findings.csv"
SUMMARY_XLSX = "summary.xlsx"


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Case files to score: files named on the command line whatever their suffix, and every
    *.yaml / *.yml under the folders named, in sorted order. Hidden folders and files (".git",
    ".venv") are not searched. A file reached twice is scored once."""
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        root = Path(given)
        if root.is_dir():
            candidates = []
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                candidates.extend(Path(folder) / f for f in files
                                  if not f.startswith(".") and Path(f).suffix.lower() in CASE_SUFFIXES)
            candidates.sort(key=lambda p: p.parts)
        elif root.exists():
            candidates = [root]
        else:
            raise JixiaoError.single("E-FILE", "no such file or folder", stage="batch", file=str(given))
        for path in candidates:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(path)
    return found


def result_names(files: list[Path], paths: Iterable[str | Path]) -> list[str]:
    """Where each case's JSON goes under results/: its path relative to the folders searched
    (a file named directly counts from its folder), .yaml replaced by .json."""
    roots = [os.path.abspath(p if Path(p).is_dir() else Path(p).parent) for p in paths]
    base = Path(os.path.commonpath(roots))
    names: list[str] = []
    used: set[str] = set()
    for path in files:
        rel = Path(os.path.abspath(path)).relative_to(base)
        name = rel.with_suffix(".json").as_posix()
        if name in used:  # a.yaml and a.yml side by side
            name = rel.with_name(rel.name + ".json").as_posix()
        used.add(name)
        names.append(name)
    return names


# ---------------------------------------------------------------- worker (runs in a pool process)


def _init_worker(pack_dir: str | None, matcher: str | None) -> None:
    """Ignore Ctrl-C (the parent handles it and cancels what is queued) and compile the pack
    once for this process (engine.api caches it; without --rules the first case does it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if pack_dir is not None:
        matcher_for(load_pack(pack_dir), matcher)


def _not_a_case(path: str) -> list[Problem] | None:
    """When scoring failed: one clear problem if the file is some other YAML (no case format)."""
    try:
        data = load_file(path).data
    except JixiaoError:
        return None
    declared = data.get("format") if isinstance(data, dict) else None
    if declared == CASE_FORMAT:
        return None
    found = "it has no top-level format" if declared is None else f"its top-level format is {declared!r}"
    return [Problem(code="E-NOT-CASE", stage="batch", file=path, field="format",
                    message=f"not a case file: {found}, expected {CASE_FORMAT!r}")]


def score_one(index: int, path: str, result_name: str, pack_dir: str | None, matcher: str | None) -> dict:
    """Load and score one case file. Returns its JSON text and summary rows, or its problems;
    never raises for a bad case."""
    try:
        result = score_file(path, pack_dir, matcher)
    except JixiaoError as exc:
        return {"index": index, "ok": False, "problems": _not_a_case(path) or list(exc.problems)}
    except Exception as exc:  # noqa: BLE001 - a bug shows up on this case and the run goes on
        return {"index": index, "ok": False, "problems": [Problem(
            code="E-INTERNAL", stage="batch", file=path,
            message=f"internal error (a bug in jixiao, please report it): {type(exc).__name__}: {exc}")]}
    return {
        "index": index, "ok": True, "json": json_report.render(result),
        "row": summary.case_row(result, path, f"{RESULTS}/{result_name}"),
        "findings": summary.finding_rows(result, path),
    }


# ---------------------------------------------------------------- the run (parent process)


@dataclass
class BatchRun:
    out: Path
    inputs: int = 0
    scored: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, error)
    files: tuple[Path, ...] = ()  # the summary files written

    @property
    def failed(self) -> int:
        return len(self.failures)


def _ignore_sigint():
    """Ignore SIGINT in this process for a moment; returns the handler to restore (None when not
    on the main thread, where signal handlers cannot be changed)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, signal.SIG_IGN)


def _outcomes(jobs: list[tuple], workers: int, pack_dir: str | None, matcher: str | None) -> Iterator[dict]:
    if workers == 1:
        for job in jobs:
            yield score_one(*job, pack_dir, matcher)
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(pack_dir, matcher))
    try:
        # Workers are born ignoring Ctrl-C (an ignored signal stays ignored across exec), so one
        # still importing when Ctrl-C comes prints no KeyboardInterrupt traceback; the parent
        # handles Ctrl-C again once the jobs are queued.
        previous = _ignore_sigint()
        try:
            futures = {pool.submit(score_one, *job, pack_dir, matcher): job for job in jobs}
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        for future in as_completed(futures):
            index, path, _ = futures.pop(future)  # drop the reference: results are not kept
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 - a worker process died (crash, out of memory)
                yield {"index": index, "ok": False, "problems": [Problem(
                    code="E-WORKER", stage="batch", file=path,
                    message=f"the worker process scoring this file failed: {type(exc).__name__}: {exc}")]}
    finally:
        # On Ctrl-C or an error: drop what is queued, let running cases finish (their results are
        # written whole or not at all), and leave no processes behind.
        pool.shutdown(wait=True, cancel_futures=True)


def run_batch(paths: list[str], out_dir: str | Path, pack_dir: str | None = None, matcher: str | None = None,
              jobs: int | None = None, on_start: Callable[[int], None] | None = None,
              on_done: Callable[[str, bool], None] | None = None) -> BatchRun:
    """Score every case found under `paths` into `out_dir`. `on_start(total)` and
    `on_done(file, ok)` report progress. A bad pack or an unusable output folder raises
    JixiaoError (nothing is scored); a bad case is a failure in the returned BatchRun."""
    files = discover(paths)
    if not files:
        raise JixiaoError.single("E-BATCH-EMPTY", "no case files (*.yaml, *.yml) found", stage="batch",
                                 file=", ".join(str(p) for p in paths))
    pack = load_pack(pack_dir) if pack_dir is not None else None  # a broken pack: one error, not N failures
    out = Path(out_dir)
    try:
        (out / RESULTS).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JixiaoError.single("E-OUTPUT", exc.strerror or str(exc), stage="batch", file=str(out)) from None
    names = result_names(files, paths)
    run = BatchRun(out=out, inputs=len(files))
    rows: list[dict | None] = [None] * len(files)
    findings: list[list[dict]] = [[] for _ in files]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(files)))
    if on_start:
        on_start(len(files))
    jobs_list = [(i, str(path), names[i]) for i, path in enumerate(files)]
    for outcome in _outcomes(jobs_list, workers, pack_dir, matcher):
        i = outcome["index"]
        path, target = str(files[i]), out / RESULTS / names[i]
        if outcome["ok"]:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, outcome["json"])
            except (JixiaoError, OSError) as exc:
                problems = exc.problems if isinstance(exc, JixiaoError) else [
                    Problem(code="E-OUTPUT", message=str(exc), stage="batch", file=str(target))]
                outcome = {"index": i, "ok": False, "problems": problems}
        if outcome["ok"]:
            rows[i], findings[i] = outcome["row"], outcome["findings"]
            run.scored += 1
        else:
            rows[i] = summary.failed_row(path, outcome["problems"])
            target.unlink(missing_ok=True)  # no stale result from an earlier run
        if on_done:
            on_done(path, outcome["ok"])
    run.failures = [(r["file"], r["error"]) for r in rows if r["status"] == summary.STATUS_FAILED]
    all_findings = [f for per_case in findings for f in per_case]
    summary.write_csv(out / SUMMARY_CSV, summary.CASE_COLUMNS, rows)
    summary.write_csv(out / FINDINGS_CSV, summary.FINDING_COLUMNS, all_findings)
    overview = [
        ("输入文件", run.inputs), ("已评分", run.scored), ("失败", run.failed),
        ("规则包", f"{pack.title}（{pack.id}，版本 {pack.version}）" if pack else "默认（见“案例”表的规则包列）"),
        ("规则包哈希", f"sha256:{pack.sha256}" if pack else ""),
        ("结果目录", f"{RESULTS}/"),
    ]
    if run.failures:
        overview += [("", ""), ("失败的文件", "失败原因"), *run.failures]
    summary.write_xlsx(out / SUMMARY_XLSX, rows, all_findings, overview)
    run.files = (out / SUMMARY_CSV, out / FINDINGS_CSV, out / SUMMARY_XLSX)
    return run
