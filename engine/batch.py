"""Batch scoring: every case file under some paths, scored in parallel processes.

discover -> score in a pool of worker processes (each compiles the rule pack once, through the
per-process caches of engine.api). A worker scores a case, writes its JSON result itself
(atomically, to results/<name>) and renders its summary rows as CSV records and XLSX row text
(report.summary.CaseRows); only those strings go back to the parent. The parent hands out small
chunks of cases (CHUNK), never more than WINDOW chunks per worker in flight or waiting, merges
the outcomes in input order (a reorder buffer of at most that many chunks) and appends them to
summary.csv, findings.csv and summary.xlsx as they come (report.summary.SummaryWriter: temporary
files renamed into place at the end). So memory stays flat however many cases, the output is the
same whatever --jobs, and the parent's share of the work is small (~0.6 ms per case).

Nothing is skipped silently: every file found is either scored or listed as failed with its
error, and the run goes on after a failure. A failed case leaves no result file (an earlier
run's is removed). If a worker process dies (killed, out of memory), the pool cannot go on:
every case not yet scored is listed as failed (E-WORKER). On Ctrl-C, queued chunks are dropped,
running ones finish (results are whole or absent) and no summary is written.

An edge module (file I/O, processes); the UI (progress bar, messages) is the command's.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .api import load_pack, matcher_for, score_file
from .atomic import leftovers, write_atomic
from .errors import JixiaoError, Problem
from .load import load_file
from .report import json as json_report
from .report import summary

CASE_FORMATS = ("jixiao-case/1", "jixiao-case/2")
CASE_SUFFIXES = (".yaml", ".yml")
RESULTS = "results"
SUMMARY_CSV = "summary.csv"
FINDINGS_CSV = "findings.csv"
SUMMARY_XLSX = "summary.xlsx"


def discover(paths: Iterable[str | Path]) -> list[str]:
    """Case files to score: files named on the command line whatever their suffix, and every
    *.yaml / *.yml under the folders named, in sorted order (by path components). Hidden folders
    and files (".git", ".venv") are not searched, nor are symlinked folders. A file reached twice
    (named twice, a folder inside another, a symlink or hard link) is scored once.

    Paths are kept as plain strings and files are told apart by device and inode: a province's
    100 000 filings cost a few MiB here, not the ~90 MiB of Path objects and resolved paths."""
    found: list[str] = []
    seen: set[int] = set()

    def add(path: str, key: int | None) -> None:
        if key is None or key not in seen:
            if key is not None:
                seen.add(key)
            found.append(path)

    for given in paths:
        root = str(Path(given))  # as Path spells it: "cases/", "./cases" -> "cases"
        if os.path.isdir(root):
            for path, key in _walk(root):
                add(path, key)
        elif os.path.exists(root):
            add(root, _file_key(root))
        else:
            raise JixiaoError.single("E-FILE", "no such file or folder", stage="batch", file=str(given))
    return found


def _file_key(path: str) -> int | None:
    try:
        st = os.stat(path)
    except OSError:
        return None  # scoring it will say what is wrong
    return _key(st)


def _key(st: os.stat_result) -> int:
    """One file, however it is reached: its device and inode."""
    return st.st_dev << 64 | st.st_ino


def _walk(folder: str) -> Iterator[tuple[str, int | None]]:
    """(path, key) of the case files under `folder`, depth first, each folder's entries (files
    and sub-folders together) sorted by name: the order of sorting all paths by components.
    Names only (os.listdir), not DirEntry objects: a folder may hold 100 000 files."""
    try:
        names = sorted(name for name in os.listdir(folder) if not name.startswith("."))
    except OSError:
        return
    for name in names:
        path = name if folder == "." else os.path.join(folder, name)  # as Path(".") / name spells it
        try:
            st = os.lstat(path)
        except OSError:
            continue  # gone meanwhile
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(path)
        elif os.path.splitext(name)[1].lower() not in CASE_SUFFIXES:
            continue
        elif stat.S_ISLNK(st.st_mode):
            if not os.path.isdir(path):  # a symlinked folder is not searched
                yield path, _file_key(path)
        else:
            yield path, _key(st)


def result_names(files: list[str], paths: Iterable[str | Path]) -> list[str]:
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
    if declared in CASE_FORMATS:
        return None
    found = "it has no top-level format" if declared is None else f"its top-level format is {declared!r}"
    return [Problem(code="E-NOT-CASE", stage="batch", file=path, field="format",
                    message=f"not a case file: {found}, expected {' or '.join(map(repr, CASE_FORMATS))}")]


def score_one(index: int, path: str, result_name: str, out: str, pack_dir: str | None,
              matcher: str | None) -> tuple[int, summary.CaseRows]:
    """Load and score one case file, write its JSON result to out/results/<result_name>
    (atomically) and render its summary rows. A case that fails (a bad file, a bug, the result
    not writable) gets a failed row and no result file, not even one from an earlier run. Never
    raises for a bad case."""
    target = Path(out) / RESULTS / result_name
    try:
        try:
            result = score_file(path, pack_dir, matcher)
        except JixiaoError as exc:
            problems = _not_a_case(path) or list(exc.problems)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, json_report.render(result))
            return index, summary.rows_for(result, path, f"{RESULTS}/{result_name}")
    except JixiaoError as exc:  # the result could not be written (E-OUTPUT)
        problems = list(exc.problems)
    except OSError as exc:  # its folder could not be made
        problems = [Problem(code="E-OUTPUT", message=exc.strerror or str(exc), stage="batch", file=str(target))]
    except Exception as exc:  # noqa: BLE001 - a bug shows up on this case and the run goes on
        problems = [Problem(
            code="E-INTERNAL", stage="batch", file=path,
            message=f"internal error (a bug in jixiao, please report it): {type(exc).__name__}: {exc}")]
    _remove_result(target)
    return index, summary.failed_rows(path, problems)


def score_chunk(chunk: list[tuple], out: str, pack_dir: str | None, matcher: str | None,
                scorer: Callable = score_one) -> list[tuple[int, summary.CaseRows]]:
    """One task for a pool process: a few cases, to save round trips."""
    return [scorer(*job, out, pack_dir, matcher) for job in chunk]


def _remove_result(target: Path) -> None:
    try:
        target.unlink(missing_ok=True)
    except OSError:
        pass


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


CHUNK = 16  # cases per pool task at most: fewer round trips, and a Ctrl-C still stops within a second
WINDOW = 4  # pool tasks in flight or waiting to be merged, per worker process


def _worker_failure(job: tuple, exc: BaseException) -> tuple[int, summary.CaseRows]:
    index, path, _ = job
    return index, summary.failed_rows(path, [Problem(
        code="E-WORKER", stage="batch", file=path,
        message=f"not scored: a worker process stopped while this file was being scored or waiting its turn "
                f"(killed, crashed or out of memory): {type(exc).__name__}: {exc}")])


def _outcomes(jobs: "_Jobs", workers: int, out: str, pack_dir: str | None, matcher: str | None,
              scorer: Callable | None) -> Iterator[tuple[int, summary.CaseRows]]:
    """Each case's (index, rows), in input order whatever order the workers finish in."""
    if workers == 1:
        for job in jobs:
            yield (scorer or score_one)(*job, out, pack_dir, matcher)
        return
    size = max(1, min(CHUNK, -(-len(jobs) // (workers * WINDOW))))  # small runs still spread over the workers
    count = -(-len(jobs) // size)

    def chunk(number: int) -> list[tuple]:  # made when needed: nothing is kept per case
        return [jobs[i] for i in range(number * size, min((number + 1) * size, len(jobs)))]

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(pack_dir, matcher))
    pending: dict = {}  # future -> chunk number
    done: dict[int, list] = {}  # chunk number -> its outcomes, until the chunks before it are merged
    submitted = merged = 0
    broken: BaseException | None = None

    def submit() -> None:
        nonlocal submitted
        # Bounded: the chunks in flight and those waiting for an earlier one stay within the window.
        while broken is None and submitted < count and submitted - merged < workers * WINDOW:
            pending[pool.submit(score_chunk, chunk(submitted), out, pack_dir, matcher,
                                *([scorer] if scorer else []))] = submitted
            submitted += 1

    try:
        # Workers are born ignoring Ctrl-C (an ignored signal stays ignored across exec), so one
        # still importing when Ctrl-C comes prints no KeyboardInterrupt traceback; the parent
        # handles Ctrl-C again once the first tasks are queued (the workers started).
        previous = _ignore_sigint()
        try:
            submit()
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        while merged < count:
            if merged not in done:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    number = pending.pop(future)
                    try:
                        done[number] = future.result()
                    except BrokenProcessPool as exc:
                        broken = exc
                    except Exception as exc:  # noqa: BLE001 - e.g. a result that could not be sent back
                        done[number] = [_worker_failure(job, exc) for job in chunk(number)]
                if broken is not None:
                    # A worker died: the pool is unusable and its processes are being stopped.
                    # Wait for them, then report every case not yet scored, none left out.
                    pool.shutdown(wait=True, cancel_futures=True)
                    for number in range(merged, count):
                        if number not in done:
                            done[number] = [_worker_failure(job, broken) for job in chunk(number)]
                            _remove_partial_results(out, chunk(number))
                    pending.clear()
            while merged in done:
                yield from done.pop(merged)
                merged += 1
            submit()
    finally:
        # On Ctrl-C or an error: drop what is queued, let running tasks finish (their results are
        # written whole or not at all), and leave no processes behind.
        pool.shutdown(wait=True, cancel_futures=True)


class _Jobs:
    """Job i is (i, file, result name): made when asked for, from two lists of strings."""

    def __init__(self, files: list[str], names: list[str]):
        self.files, self.names = files, names

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int) -> tuple[int, str, str]:
        return i, self.files[i], self.names[i]

    def __iter__(self) -> Iterator[tuple[int, str, str]]:
        return (self[i] for i in range(len(self)))


def _remove_partial_results(out: str, chunk: list[tuple]) -> None:
    """After the pool broke: remove results of these cases (a worker may have written one before
    it was stopped) and temporary files a stopped worker left half-written."""
    for _, _, name in chunk:
        target = Path(out) / RESULTS / name
        for path in (target, *leftovers(target)):
            _remove_result(path)


def run_batch(paths: list[str], out_dir: str | Path, pack_dir: str | None = None, matcher: str | None = None,
              jobs: int | None = None, on_start: Callable[[int], None] | None = None,
              on_done: Callable[[str, bool], None] | None = None, scorer: Callable | None = None) -> BatchRun:
    """Score every case found under `paths` into `out_dir`. `on_start(total)` and
    `on_done(file, ok)` report progress (in input order). A bad pack or an unusable output folder
    raises JixiaoError (nothing is scored); a bad case is a failure in the returned BatchRun.
    `scorer` stands in for score_one (tests; a module-level function, so workers can import it)."""
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
    run = BatchRun(out=out, inputs=len(files))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(files)))
    jobs = _Jobs(files, result_names(files, paths))
    if on_start:
        on_start(run.inputs)
    with summary.SummaryWriter(out / SUMMARY_CSV, out / FINDINGS_CSV, out / SUMMARY_XLSX) as writer:
        for index, rows in _outcomes(jobs, workers, str(out), pack_dir, matcher, scorer):
            writer.add(rows)
            path = files[index]
            if rows.error is None:
                run.scored += 1
            else:
                run.failures.append((path, rows.error))
            if on_done:
                on_done(path, rows.error is None)
        facts = [
            ("输入文件", run.inputs), ("已评分", run.scored), ("失败", run.failed),
            ("规则包", f"{pack.title}（{pack.id}，版本 {pack.version}）" if pack else "默认（见“案例”表的规则包列）"),
            ("规则包哈希", f"sha256:{pack.sha256}" if pack else ""),
            ("结果目录", f"{RESULTS}/"),
        ]
        run.files = writer.finish(facts, run.failures, tuple(g.grade for g in pack.grades) if pack else ())
    return run
