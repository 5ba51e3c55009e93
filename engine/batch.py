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
run's is removed). If a worker process dies (killed, out of memory), its pool is replaced and
the unfinished cases are tried again one by one: only a case that kills its worker again is
listed as failed (E-WORKER). On Ctrl-C every worker is killed at once, busy or idle (results are
whole or absent: a killed worker's temporary files are removed) and no summary is written; the
previous run's summary was removed when the run started. Workers also die with the parent, even
when it is killed with SIGKILL (prctl PR_SET_PDEATHSIG, and a poll of the parent's pid). One run
at a time writes into a folder (OUT/.jixiao-batch.lock, a kernel lock that dies with its holder).

Filings given as they arrive (.docx .xlsx .doc .xls .wps .et .pdf .html .txt .md ..., every
suffix some reader in engine/importers claims) are imported in the worker with the same code as
`jixiao import`: each filing in the file becomes OUT/cases/<name>.yaml, is scored like any case
and gets its own row, whose 导入 column says it was imported and how many items wait for review
(a case with open review items is provisional). A file that cannot be imported is a failed row.
A text file (.txt, .md ...) that is a case (`format: jixiao-case/…`) is scored as one.

An edge module (file I/O, processes); the UI (progress bar, messages) is the command's.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .api import load_pack, matcher_for, score_file
from .atomic import leftovers, write_atomic
from .errors import JixiaoError, Problem, tr
from .load import load_file
from .report import json as json_report
from .report import summary

CASE_FORMATS = ("jixiao-case/1", "jixiao-case/2")
CASE_SUFFIXES = (".yaml", ".yml")
RESULTS = "results"
CASES = "cases"  # the case files imported from filings
SUMMARY_CSV = "summary.csv"
FINDINGS_CSV = "findings.csv"
SUMMARY_XLSX = "summary.xlsx"


def filing_suffixes() -> frozenset[str]:
    """The suffixes of filings batch imports (every suffix an importer reads, YAML aside)."""
    from .importers.formats import suffixes

    return suffixes() - frozenset(CASE_SUFFIXES)


_CASE_HEAD = re.compile(rb"^format:[ \t]*[\"']?jixiao-case/", re.MULTILINE)
_TEXT_SUFFIXES = (".txt", ".text", ".md", ".csv", ".tsv")


_FILING_WORD = "绩效".encode("utf-8"), "绩效".encode("gb18030")
TEXT_SNIFF = 65536  # bytes of a text file in a folder searched for a sign of a filing


def _text_filing(path: str) -> bool:
    """A text file found in a folder is taken for a filing only when it speaks of 绩效 (every
    filing's titles do): notes.txt and README.md beside the filings are not filings."""
    try:
        with open(path, "rb") as f:
            head = f.read(TEXT_SNIFF)
    except OSError:
        return True  # importing it will say what is wrong
    if b"\x00" in head[:4096]:  # UTF-16
        return "绩效".encode("utf-16-le") in head or "绩效".encode("utf-16-be") in head
    return any(word in head for word in _FILING_WORD)


def is_filing(path: str) -> bool:
    """Whether batch imports this file (a filing) rather than loading it as a case file: its
    suffix is a filing's, and it is not a text file that declares a case format."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in filing_suffixes():
        return False
    if suffix in _TEXT_SUFFIXES:
        try:
            with open(path, "rb") as f:
                head = f.read(4096)
        except OSError:
            return True  # importing it will say what is wrong
        if _CASE_HEAD.search(head.lstrip(b"\xef\xbb\xbf")):
            return False
    return True


def discover(paths: Iterable[str | Path], skip: str | Path | None = None) -> list[str]:
    """Case files to score: files named on the command line whatever their suffix, and every
    *.yaml / *.yml and every filing (filing_suffixes(); a text file only when it mentions 绩效)
    under the folders named, in sorted order (by path components); the folder `skip` (the output
    folder, and its cases/ when it is a folder searched) is not searched. Hidden folders
    and files (".git", ".venv") are not searched, nor are symlinked folders. A file reached twice
    (named twice, a folder inside another, a symlink or hard link) is scored once.

    Paths are kept as plain strings and files are told apart by device and inode: a province's
    100 000 filings cost a few MiB here, not the ~90 MiB of Path objects and resolved paths."""
    return _discover(paths, skip)[0]


def _discover(paths: Iterable[str | Path], skip: str | Path | None = None) -> tuple[list[str], set[int]]:
    """discover(), and the device+inode keys of the files found."""
    found: list[str] = []
    seen: set[int] = set()
    wanted = frozenset(CASE_SUFFIXES) | filing_suffixes()
    # The output folder, and (when OUT is a folder searched) what an earlier run wrote into it:
    # the cases it imported, and its summary files (which would be taken for filings).
    skip_keys = frozenset() if skip is None else frozenset(
        k for k in (_file_key(str(skip)), *(_file_key(os.path.join(str(skip), name))
                                             for name in (CASES, RESULTS, *SUMMARY_FILES))) if k is not None)

    def add(path: str, key: int | None) -> None:
        if key is None or key not in seen:
            if key is not None:
                seen.add(key)
            found.append(path)

    for given in paths:
        root = str(Path(given))  # as Path spells it: "cases/", "./cases" -> "cases"
        if os.path.isdir(root):
            for path, key in _walk(root, wanted, skip_keys):
                add(path, key)
        elif os.path.exists(root):
            add(root, _file_key(root))
        else:
            raise JixiaoError.single("E-FILE", tr("没有这个文件或文件夹", "no such file or folder"), stage="batch", file=str(given))
    return found, seen


def _file_key(path: str) -> int | None:
    try:
        st = os.stat(path)
    except OSError:
        return None  # scoring it will say what is wrong
    return _key(st)


def _key(st: os.stat_result) -> int:
    """One file, however it is reached: its device and inode."""
    return st.st_dev << 64 | st.st_ino


def _walk(folder: str, wanted: frozenset[str] = frozenset(CASE_SUFFIXES),
          skip: frozenset[int] = frozenset()) -> Iterator[tuple[str, int | None]]:
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
            if _key(st) not in skip:  # the output folder holds the cases imported by an earlier run
                yield from _walk(path, wanted, skip)
        elif (suffix := os.path.splitext(name)[1].lower()) not in wanted or _key(st) in skip:
            continue
        elif suffix in _TEXT_SUFFIXES and not _text_filing(path):
            continue
        elif stat.S_ISLNK(st.st_mode):
            if not os.path.isdir(path):  # a symlinked folder is not searched
                yield path, _file_key(path)
        else:
            yield path, _key(st)


def result_names(files: list[str], paths: Iterable[str | Path]) -> list[str]:
    """Where each case's JSON goes under results/: its path relative to the folders searched
    (a file named directly counts from its folder), .yaml replaced by .json; a filing keeps its
    suffix (a.docx -> a.docx.json; its imported case is cases/a.docx.yaml). Names never
    collide and do not depend on --jobs (input order is sorted): where two files would get one
    name (a.yaml, a.yml), the second keeps its whole file name (a.yml.json); a name taken, or
    that is another file's own name (a.yml.yaml -> a.yml.json), gets "~2", "~3" ... before .json."""
    roots = [os.path.abspath(p if Path(p).is_dir() else Path(p).parent) for p in paths]
    base = Path(os.path.commonpath(roots))
    rels = [Path(os.path.abspath(path)).relative_to(base) for path in files]
    plain = [(rel.with_name(rel.name + ".json") if rel.suffix.lower() not in CASE_SUFFIXES
              and rel.suffix.lower() in filing_suffixes() else rel.with_suffix(".json")).as_posix() for rel in rels]
    wanted = set(plain)
    names: list[str] = []
    used: set[str] = set()
    for rel, own in zip(rels, plain):
        name = own
        if name in used:  # a.yaml and a.yml side by side: the second keeps its whole name
            name = rel.with_name(rel.name + ".json").as_posix()
        if name in used or (name != own and name in wanted):  # taken, or another file's own name
            stem = name.removesuffix(".json")
            number = 2
            while f"{stem}~{number}.json" in used or f"{stem}~{number}.json" in wanted:
                number += 1
            name = f"{stem}~{number}.json"
        used.add(name)
        names.append(name)
    return names


# ---------------------------------------------------------------- worker (runs in a pool process)


# Last year's results (`--previous DIR`), read once per process: the parent's for a one-process
# run, each worker's own (its initializer reads the folder the parent names).
_previous = None


def _use_previous(folder: str | None) -> None:
    global _previous
    if folder is None:
        _previous = None
    else:
        from .previous import Previous

        _previous = Previous.load(folder)


def _init_worker(pack_dir: str | None, matcher: str | None, parent: int | None = None,
                 previous: str | None = None) -> None:
    """Ignore Ctrl-C (the parent handles it and stops the workers), die with the parent, and
    compile the pack once for this process (engine.api caches it; without --rules the first case
    does it); read last year's results once when the run compares with them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        _die_with(parent)
    if pack_dir is not None:
        matcher_for(load_pack(pack_dir), matcher)
    _use_previous(previous)
    _tune_collector()


# The garbage collector in a process that scores case after case. What start-up leaves alive
# (modules, schemas, the compiled pack and matcher) lives as long as the process: frozen, the
# collector no longer walks it. A case allocates some hundred thousand container objects and
# drops nearly all of them by reference counting; with the default threshold (700) the youngest
# generation is collected hundreds of times per case, each time walking what the case still
# holds. Measured over 300 generated cases in one process (CPU, alternated runs, shared machine):
# default 22.4-22.5 ms per case, frozen with these thresholds 18.8-20.4, the collector off
# 19.8 (and a growing heap: a case leaves reference cycles). So cycles are still collected, in
# generations of GC_THRESHOLD[0] allocations.
GC_THRESHOLD = (20_000, 20, 100)


def _tune_collector() -> tuple[int, int, int]:
    """Freeze what is alive now and collect less often; returns the thresholds it replaced."""
    previous = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
    return previous


_tuned = {"depth": 0, "saved": None}  # one-process runs under way in this process (threads of the workbench)
_tuned_lock = threading.Lock()


@contextmanager
def _collector_tuned():
    """_tune_collector for the cases a one-process run scores in the calling process, undone
    when the last such run in the process ends (the web workbench runs batches in threads of a
    process that goes on living)."""
    with _tuned_lock:
        if _tuned["depth"] == 0:
            _tuned["saved"] = _tune_collector()
        _tuned["depth"] += 1
    try:
        yield
    finally:
        with _tuned_lock:
            _tuned["depth"] -= 1
            if _tuned["depth"] == 0:
                gc.set_threshold(*_tuned["saved"])
                gc.unfreeze()


PARENT_POLL = 1.0  # seconds between a worker's checks that its parent is alive (where prctl is missing)


def _die_with(parent: int) -> None:
    """End this worker as soon as the batch process `parent` dies, even by SIGKILL (which runs no
    clean-up in the parent): on Linux the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG); everywhere
    a daemon thread also polls the parent's pid. An idle worker blocks reading its task queue,
    whose write end it holds itself, so without this it would wait forever."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass  # not Linux: the thread below does it

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os._exit(1)

    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=watch, name="jixiao-parent-watch", daemon=True).start()


def _not_a_case(path: str) -> list[Problem] | None:
    """When scoring failed: one clear problem if the file is some other YAML (no case format)."""
    try:
        data = load_file(path).data
    except JixiaoError:
        return None
    declared = data.get("format") if isinstance(data, dict) else None
    if declared in CASE_FORMATS:
        return None
    expected = " 或 ".join(CASE_FORMATS)
    return [Problem(code="E-NOT-CASE", stage="batch", file=path, field="format", message=tr(
        ("不是案卷文件：顶层没有 format" if declared is None else f"不是案卷文件：顶层 format 是 {declared!r}")
        + f"，应为 {expected}",
        f"not a case file: {'it has no top-level format' if declared is None else f'its top-level format is {declared!r}'}"
        f", expected {' or '.join(map(repr, CASE_FORMATS))}"))]


def score_one(index: int, path: str, result_name: str, out: str, pack_dir: str | None,
              matcher: str | None) -> tuple[int, summary.CaseRows]:
    """Load and score one case file, write its JSON result to out/results/<result_name>
    (atomically) and render its summary rows. A case that fails (a bad file, a bug, the result
    not writable) gets a failed row and no result file, not even one from an earlier run. Never
    raises for a bad case."""
    if is_filing(path):
        return index, import_and_score(path, result_name, out, pack_dir, matcher)
    target = Path(out) / RESULTS / result_name
    try:
        try:
            result = score_file(path, pack_dir, matcher)
            if _previous is not None:
                result = _previous.attach(result)
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
            message=_internal(exc))]
    _remove_result(target)
    return index, summary.failed_rows(path, problems)


def _filing_names(result_name: str, count: int) -> list[str]:
    """The names (no suffix) of the cases of a file holding `count` filings: a.docx, a.docx-2 ..."""
    stem = result_name.removesuffix(".json")
    return [stem] + [f"{stem}-{k}" for k in range(2, count + 1)]


def import_and_score(path: str, result_name: str, out: str, pack_dir: str | None,
                     matcher: str | None) -> list[summary.CaseRows]:
    """Import the filing(s) in `path` (engine/importers, as `jixiao import`), write each case to
    out/cases/<name>.yaml, score it and write its result: one row per filing. A file that cannot
    be imported is one failed row (and no case or result file is left from an earlier run); a
    case that then fails to score is a failed row naming its case file. Never raises."""
    from .importers import dump_case, import_filings
    from .importers.formats import label

    try:
        try:
            filings = import_filings(path)
        except JixiaoError as exc:
            problems = list(exc.problems)
        else:
            if not filings:
                problems = [Problem(code="E-IMPORT-EMPTY", stage="import", file=path, message="文件中没有读到填报")]
            else:
                rows = []
                names = _filing_names(result_name, len(filings))
                for k, (filing, name) in enumerate(zip(filings, names), 1):
                    source = filing.source
                    kind = label(source.kind) + (f"，{source.via}" if source.via else "")
                    shown = path if len(filings) == 1 else f"{path}（第 {k} 份填报，共 {len(filings)} 份）"
                    case_file = Path(out) / CASES / f"{name}.yaml"
                    case_file.parent.mkdir(parents=True, exist_ok=True)
                    text = dump_case(filing.case, [
                        f"由 jixiao batch 从 {Path(path).name}（{kind}）导入。文字照表抄录；",
                        "review 中列出导入时无法确定的单元格：逐条核对、按 action 处理后删除该条。"])
                    write_atomic(case_file, text.encode("utf-8"))
                    review = len(filing.review)
                    note = (f"由 {kind} 导入，案卷 {CASES}/{name}.yaml，"
                            + (f"待核对 {review} 处（核对前结果为暂定）" if review else "无待核对项"))
                    rows.append(_score_imported(shown, str(case_file), f"{name}.json", out, pack_dir, matcher, note))
                return rows
    except JixiaoError as exc:  # a case file could not be written (E-OUTPUT)
        problems = list(exc.problems)
    except OSError as exc:
        problems = [Problem(code="E-OUTPUT", message=exc.strerror or str(exc), stage="batch", file=str(Path(out) / CASES))]
    except Exception as exc:  # noqa: BLE001 - a bug shows up on this file and the run goes on
        problems = [Problem(
            code="E-INTERNAL", stage="import", file=path,
            message=_internal(exc))]
    stem = result_name.removesuffix(".json")
    _remove_result(Path(out) / RESULTS / result_name)
    _remove_result(Path(out) / CASES / f"{stem}.yaml")
    return [summary.failed_rows(path, problems, "导入失败")]


def _score_imported(shown: str, case_file: str, result_name: str, out: str, pack_dir: str | None,
                    matcher: str | None, note: str) -> summary.CaseRows:
    """Score one imported case file: its row names the filing (`shown`) and says it was imported."""
    target = Path(out) / RESULTS / result_name
    try:
        result = score_file(case_file, pack_dir, matcher)
        if _previous is not None:
            result = _previous.attach(result)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, json_report.render(result))
        return summary.rows_for(result, shown, f"{RESULTS}/{result_name}", note)
    except JixiaoError as exc:
        problems = list(exc.problems)
    except OSError as exc:
        problems = [Problem(code="E-OUTPUT", message=exc.strerror or str(exc), stage="batch", file=str(target))]
    except Exception as exc:  # noqa: BLE001
        problems = [Problem(
            code="E-INTERNAL", stage="batch", file=case_file,
            message=_internal(exc))]
    _remove_result(target)
    return summary.failed_rows(shown, problems, note)


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
    imported: int = 0  # cases scored that were imported from filings
    to_review: int = 0  # of those, cases with items to review (provisional)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, error)
    files: tuple[Path, ...] = ()  # the summary files written

    @property
    def failed(self) -> int:
        return len(self.failures)


@contextmanager
def _sigint_blocked():
    """Block SIGINT in the calling thread while worker processes are started: a process inherits
    the signal mask across fork and exec, so a worker is born deaf to Ctrl-C (one still importing
    prints no KeyboardInterrupt traceback), while the parent still gets it (at once if another
    thread takes it, else when it is unblocked here). A no-op off the main thread or platform."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def _sigint_ignored():
    """Ignore Ctrl-C (and SIGTERM) while the workers are being stopped, so that a second or
    tenth Ctrl-C cannot interrupt the clean-up half-way (that left processes behind and the
    parent waiting for them forever). The handlers are restored afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


CHUNK = 16  # cases per pool task at most: fewer round trips, and a Ctrl-C still stops within a second
WINDOW = 4  # pool tasks in flight or waiting to be merged, per worker process
KILL_WAIT = 10.0  # seconds to wait for a killed worker (or the pool's thread) to be gone
MAX_WORKER_DEATHS = 20  # cases that killed their worker; after that, the rest are not tried
DEATH_WATCH = 1.0  # seconds between the parent's checks for a worker dead without the pool noticing


class _Pool:
    """A pool of spawned worker processes that can be stopped at once, busy or idle."""

    def __init__(self, workers: int, pack_dir: str | None, matcher: str | None):
        self.executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker, initargs=(pack_dir, matcher, os.getpid(), _previous.folder if _previous else None))

    def submit(self, *args):
        return self.executor.submit(*args)

    def close(self) -> None:
        """Every task is done: let the workers exit."""
        self.executor.shutdown(wait=True)

    def dead(self) -> bool:
        """Whether a worker of this pool has died (workers end only when the pool is shut down).
        The pool's own thread notices a death only between messages: a worker killed while it
        sent its results (~0.5 MB a chunk, many pipe writes) leaves that thread waiting for
        the rest of the message, which only another worker's next message ends."""
        return any(p.exitcode is not None for p in list((self.executor._processes or {}).values()))  # noqa: SLF001

    def kill(self) -> None:
        """Stop now: kill every worker (SIGKILL: a busy one cannot finish its case, an idle one
        is not waited for), drop what is queued, and wait (bounded) for the processes and the
        pool's thread to be gone. A killed worker leaves at most a temporary file, never a
        half-written result (engine/atomic.py); the caller removes those.

        A worker killed half-way through sending its results leaves the pool's thread waiting
        for the rest of the message; the workers' ends of the result pipe die with them, and
        this process's own end (which it never writes to) is closed here, so that thread reads
        the end of the pipe and stops. Without that it waited forever, and so did this process
        when it exited (the interpreter joins the pool's thread at exit)."""
        executor = self.executor
        processes = list((executor._processes or {}).values())  # noqa: SLF001 - no public way to kill them
        thread = executor._executor_manager_thread  # noqa: SLF001
        results = executor._result_queue  # noqa: SLF001
        for process in processes:
            try:
                process.kill()
            except (OSError, ValueError, AttributeError):
                pass  # already gone
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(KILL_WAIT)
        if results is not None and all(p.exitcode is not None for p in processes):
            try:
                results._writer.close()  # noqa: SLF001
            except OSError:
                pass
        if thread is not None:
            thread.join(KILL_WAIT)


def _result(pool: _Pool, future):
    """The future's result; BrokenProcessPool when the pool's worker died without the pool
    saying so (see _Pool.dead)."""
    while True:
        try:
            return future.result(timeout=DEATH_WATCH)
        except TimeoutError:
            if pool.dead() and not future.done():
                raise BrokenProcessPool("the worker process died while it sent its results") from None


def _worker_failure(job: tuple, exc: BaseException | str) -> tuple[int, summary.CaseRows]:
    index, path, _ = job
    why = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return index, summary.failed_rows(path, [Problem(
        code="E-WORKER", stage="batch", file=path,
        message=tr(f"未评分：评分这份文件的工作进程中止了（被终止、崩溃或内存不足），单独重试时也是如此：{why}",
                   f"not scored: the worker process scoring this file stopped (killed, crashed or out of memory), "
                   f"also when it was tried again alone: {why}"))])


def _internal(exc: Exception) -> str:
    return tr(f"内部错误（jixiao 的缺陷，请报告）：{type(exc).__name__}: {exc}",
              f"internal error (a bug in jixiao, please report it): {type(exc).__name__}: {exc}")


def _outcomes(jobs: "_Jobs", workers: int, out: str, pack_dir: str | None, matcher: str | None,
              scorer: Callable | None) -> Iterator[tuple[int, summary.CaseRows]]:
    """Each case's (index, rows), in input order whatever order the workers finish in.

    When a worker dies, the pool is killed and every chunk not yet finished is tried again, case
    by case, in a pool of one worker: a case that kills that worker too fails with E-WORKER (it
    is the one being scored), the others are scored; then a new pool goes on with the rest. After
    MAX_WORKER_DEATHS such cases the rest fail without being tried. On Ctrl-C (or any error)
    every worker is killed at once, busy or idle, and their temporary files removed."""
    if workers == 1:
        if pack_dir is not None:  # compiled before the collector is tuned, so it is frozen too
            try:
                matcher_for(load_pack(pack_dir), matcher)
            except JixiaoError:
                pass  # the first case fails with it, as it would without this
        with _collector_tuned():
            for job in jobs:
                yield (scorer or score_one)(*job, out, pack_dir, matcher)
        return
    size = max(1, min(CHUNK, -(-len(jobs) // (workers * WINDOW))))  # small runs still spread over the workers
    count = -(-len(jobs) // size)
    extra = (out, pack_dir, matcher, *([scorer] if scorer else []))

    def chunk(number: int) -> list[tuple]:  # made when needed: nothing is kept per case
        return [jobs[i] for i in range(number * size, min((number + 1) * size, len(jobs)))]

    pools: list[_Pool] = []  # alive, all killed on an interrupt

    def new_pool(n: int) -> _Pool:
        with _sigint_blocked():
            pool = _Pool(n, pack_dir, matcher)
            pools.append(pool)
            return pool

    def end(pool: _Pool, kill: bool) -> None:
        pools.remove(pool)
        pool.kill() if kill else pool.close()

    pending: dict = {}  # future -> chunk number
    done: dict[int, list] = {}  # chunk number -> its outcomes, until the chunks before it are merged
    submitted = merged = deaths = 0
    pool: _Pool | None = None

    def submit() -> None:
        nonlocal submitted, pool
        # Bounded: the chunks in flight and those waiting for an earlier one stay within the window.
        while submitted < count and submitted - merged < workers * WINDOW:
            if deaths >= MAX_WORKER_DEATHS:
                done[submitted] = [_worker_failure(job, f"not tried: {deaths} files stopped their worker already")
                                   for job in chunk(submitted)]
            else:
                if pool is None:
                    pool = new_pool(workers)
                with _sigint_blocked():  # submit may start a worker
                    pending[pool.submit(score_chunk, chunk(submitted), *extra)] = submitted
            submitted += 1

    def alone(numbers: list[int]) -> None:
        """Score the cases of these chunks one at a time, each alone in a pool of one worker."""
        nonlocal deaths
        solo: _Pool | None = None
        for number in numbers:
            outcomes = []
            for job in chunk(number):
                if deaths >= MAX_WORKER_DEATHS:
                    outcomes.append(_worker_failure(job, f"not tried: {deaths} files stopped their worker already"))
                    continue
                solo = solo or new_pool(1)
                try:
                    with _sigint_blocked():
                        future = solo.submit(score_chunk, [job], *extra)
                    outcomes.extend(_result(solo, future))
                except BrokenProcessPool as exc:
                    deaths += 1
                    outcomes.append(_worker_failure(job, exc))
                    end(solo, kill=True)
                    solo = None
                    _remove_partial_results(out, [job])
                except Exception as exc:  # noqa: BLE001 - e.g. a result that could not be sent back
                    outcomes.append(_worker_failure(job, exc))
            done[number] = outcomes
        if solo is not None:
            end(solo, kill=False)

    try:
        submit()
        while merged < count:
            if merged not in done:
                finished, _ = wait(pending, timeout=DEATH_WATCH, return_when=FIRST_COMPLETED)
                suspects = []
                # A worker died and the pool has not said so (it waits for the rest of a message
                # the worker was sending, and no other message comes): as when the pool reports
                # a death, every unfinished chunk is a suspect.
                unnoticed = not finished and pool is not None and pool.dead()
                for future in finished:
                    number = pending.pop(future)
                    try:
                        done[number] = future.result()
                    except BrokenProcessPool:
                        suspects.append(number)
                    except Exception as exc:  # noqa: BLE001 - e.g. a result that could not be sent back
                        done[number] = [_worker_failure(job, exc) for job in chunk(number)]
                if suspects or unnoticed:
                    # A worker died: the pool is unusable. Kill it, and try every unfinished chunk
                    # again, case by case, to find the case that killed it.
                    suspects += pending.values()
                    pending.clear()
                    end(pool, kill=True)
                    pool = None
                    for number in suspects:
                        for job in chunk(number):
                            _remove_partial_results(out, [job], results=False)
                    alone(sorted(suspects))
            while merged in done:
                yield from done.pop(merged)
                merged += 1
            submit()
    except BaseException:
        # Ctrl-C, an error, or the consumer stopped: kill every worker now, busy or idle, and
        # remove the temporary files of the cases that were under way.
        with _sigint_ignored():
            for live in list(pools):
                end(live, kill=True)
            for number in pending.values():
                _remove_partial_results(out, chunk(number), results=False)
        raise
    for live in list(pools):
        end(live, kill=False)


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


def _remove_partial_results(out: str, chunk: list[tuple], results: bool = True) -> None:
    """Remove the temporary files that a killed worker left half-written for these cases, and,
    with `results`, their results (a worker may have written one before it was stopped)."""
    for _, _, name in chunk:
        target = Path(out) / RESULTS / name
        for path in ((target,) if results else ()) + tuple(leftovers(target)):
            _remove_result(path)
        for path in leftovers(Path(out) / CASES / (name.removesuffix(".json") + ".yaml")):  # an imported filing's case
            _remove_result(path)


LOCK = ".jixiao-batch.lock"


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold OUT/.jixiao-batch.lock for the run: a second batch into the same folder is refused
    (its results and summary rows would mix with this one's). The lock is the kernel's (flock),
    so it ends with the process however it ends: a lock file left by a killed run is simply
    taken over. The file is removed at the end; one removed or replaced by another run while
    this one waited is not trusted (the inode is checked)."""
    import fcntl

    path = out / LOCK
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise JixiaoError.single("E-OUTPUT", exc.strerror or str(exc), stage="batch", file=str(path)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip()
            os.close(fd)
            raise JixiaoError.single(
                "E-BATCH-LOCKED",
                f"另一个 jixiao batch（进程 {holder or '未知'}）正在向这个文件夹写结果；两次运行的结果和汇总会混在一起",
                stage="batch", file=str(out), hint="等那次运行结束，或换一个 --out 文件夹") from None
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except OSError:
            same = False
        if same:
            break
        os.close(fd)  # removed by the run that held it while this one waited: lock the new file
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        yield
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
        os.close(fd)


SUMMARY_FILES = (SUMMARY_CSV, FINDINGS_CSV, SUMMARY_XLSX)


def _start_run(out: Path, inputs: set[int]) -> None:
    """Before anything is scored: refuse a summary file that is one of the inputs (it would be
    replaced), and remove the previous run's summary files, so that an interrupted run never
    leaves an older summary beside its new results (a summary describes exactly one whole run)."""
    for name in SUMMARY_FILES:
        path = out / name
        try:
            st = os.stat(path)
        except OSError:
            continue
        if _key(st) in inputs:
            raise JixiaoError.single(
                "E-OUTPUT-IS-INPUT", f"输出文件 {path} 就是要评分的输入文件之一，写入会覆盖它",
                stage="batch", file=str(path), hint="换一个 --out 文件夹")
        try:
            path.unlink()
        except OSError as exc:
            raise JixiaoError.single("E-OUTPUT", exc.strerror or str(exc), stage="batch", file=str(path)) from None


def run_batch(paths: list[str], out_dir: str | Path, pack_dir: str | None = None, matcher: str | None = None,
              jobs: int | None = None, on_start: Callable[[int], None] | None = None,
              on_done: Callable[[str, bool], None] | None = None, scorer: Callable | None = None,
              previous: str | None = None) -> BatchRun:
    """Score every case found under `paths` into `out_dir`; with `previous` (a folder of last
    year's results, never this run's own `out_dir`) each result is put beside the same unit's
    earlier one (engine/previous.py). `on_start(total)` and
    `on_done(file, ok)` report progress (in input order). A bad pack, an unusable output folder
    or one another batch is writing raises JixiaoError (nothing is scored); a bad case is a
    failure in the returned BatchRun. The previous run's summary files are removed first: an
    interrupted run leaves results and no summary.
    `scorer` stands in for score_one (tests; a module-level function, so workers can import it)."""
    files, keys = _discover(paths, out_dir)
    if not files:
        raise JixiaoError.single("E-BATCH-EMPTY", tr("没有找到案卷文件（*.yaml、*.yml）或可导入的材料",
                                                    "no case files (*.yaml, *.yml) or filings found"), stage="batch",
                                 file=", ".join(str(p) for p in paths))
    pack = load_pack(pack_dir) if pack_dir is not None else None  # a broken pack: one error, not N failures
    out = Path(out_dir)
    if previous is not None:
        here, there = out.resolve(), Path(previous).resolve()
        if here == there or there in here.parents or here in there.parents:
            raise JixiaoError.single("E-PREVIOUS", "上年结果目录不能是本次的 --out 目录（或其上下级），本次运行会改写其中的结果",
                                     stage="batch", file=str(previous), hint="把上年的结果放在另一个目录")
    _use_previous(previous)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JixiaoError.single("E-OUTPUT", exc.strerror or str(exc), stage="batch", file=str(out)) from None
    with _locked(out):
        _start_run(out, keys)
        try:
            (out / RESULTS).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise JixiaoError.single("E-OUTPUT", exc.strerror or str(exc), stage="batch", file=str(out)) from None
        return _run(files, paths, out, pack, pack_dir, matcher, jobs, on_start, on_done, scorer)


def _run(files, paths, out: Path, pack, pack_dir, matcher, jobs, on_start, on_done, scorer) -> BatchRun:
    run = BatchRun(out=out, inputs=len(files))
    workers = max(1, min(jobs or os.cpu_count() or 1, len(files)))
    jobs = _Jobs(files, result_names(files, paths))
    if on_start:
        on_start(run.inputs)
    with summary.SummaryWriter(out / SUMMARY_CSV, out / FINDINGS_CSV, out / SUMMARY_XLSX) as writer, \
            closing(_outcomes(jobs, workers, str(out), pack_dir, matcher, scorer)) as outcomes:
        for index, outcome in outcomes:
            path = files[index]
            many = outcome if isinstance(outcome, list) else [outcome]  # a filing: a row per filing in it
            imported = isinstance(outcome, list)
            for rows in many:
                writer.add(rows)
                if rows.error is None:
                    run.scored += 1
                    run.imported += imported
                    run.to_review += imported and rows.provisional
                else:
                    run.failures.append((path, rows.error))
            if on_done:
                on_done(path, all(rows.error is None for rows in many))
        facts = [
            ("输入文件", run.inputs), ("已评分", run.scored), ("失败", run.failed),
            ("其中由填报导入", run.imported), ("导入后待核对", run.to_review),
            ("规则包", f"{pack.title}（{pack.id}，版本 {pack.version}）" if pack else "默认（见“案例”表的规则包列）"),
            ("规则包哈希", f"sha256:{pack.sha256}" if pack else ""),
            ("结果目录", f"{RESULTS}/"),
        ]
        run.files = writer.finish(facts, run.failures, tuple(g.grade for g in pack.grades) if pack else ())
    return run
