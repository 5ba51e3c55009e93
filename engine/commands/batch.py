"""`jixiao batch PATH... --out DIR`: score a district's filings in one run (engine/batch.py)."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

from .common import handle_errors

EXIT_SOME_FAILED = 1
EXIT_INTERRUPTED = 130


@contextmanager
def _interrupt_once():
    """The first Ctrl-C (SIGINT) or SIGTERM raises KeyboardInterrupt; every later one is ignored,
    so that the clean-up (killing the workers, the message, exit 130) cannot itself be broken
    off half-way by a second Ctrl-C. The previous handlers come back unless a signal came (then
    the process is on its way out, and must stay deaf to more of them)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGINT, signal.SIGTERM)
    came: list[int] = []

    def handler(signum, frame):
        came.append(signum)
        for sig in signals:
            signal.signal(sig, signal.SIG_IGN)
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        if not came:
            for sig, old in previous.items():
                signal.signal(sig, old)


def _run(paths, rules_dir, out_dir, jobs, matcher, previous_dir, state):
    from ..batch import run_batch

    err = Console(stderr=True, highlight=False)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failed]}"),
                        TimeElapsedColumn(), TimeRemainingColumn(), console=err)

    def on_start(total: int) -> None:
        state["total"] = total
        state["task"] = progress.add_task("评分", total=total, failed="")

    def on_done(file: str, ok: bool) -> None:
        state["done"] += 1
        state["failed"] += not ok
        progress.update(state["task"], advance=1, failed=f"失败 {state['failed']}" if state["failed"] else "")

    with progress:
        return run_batch(list(paths), out_dir, rules_dir, matcher, jobs, on_start, on_done, previous=previous_dir)


@click.command("batch")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, exists=True, path_type=str), default=None,
              help="Rule pack folder for every case (default: as for `jixiao score`).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder for results/*.json, summary.csv, findings.csv and summary.xlsx (created if needed; "
                   "files of an earlier run with the same names are replaced).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one per CPU).")
@click.option("--matcher", type=click.Choice(["durable", "python"]), default=None,
              help="Rule matcher (default: durable when importable, else python).")
@click.option("--previous", "previous_dir", type=click.Path(file_okay=False, exists=True, path_type=str), default=None,
              help="Last year's results (an earlier batch's --out folder): each case beside the same unit's earlier "
                   "result (上年规则总分, 较上年, 上年已有的问题 in the summary; the change in each result).")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def batch(paths: tuple[str, ...], rules_dir: str | None, out_dir: str, jobs: int | None, matcher: str | None,
          previous_dir: str | None, debug: bool) -> None:
    """Score every case file found in PATHS (files, or folders searched for *.yaml and *.yml;
    hidden folders are skipped). Filings (.docx .xlsx .doc .xls .wps .et .pdf .html .txt .md ...)
    are imported as by `jixiao import` into OUT/cases/ and scored, one row per filing. Writes one JSON result per case and a summary with one row per
    case, failed ones included with their error. Exit 0 when every file was scored, 1 when some
    failed, 2 for bad options or rule pack, 130 when interrupted."""
    # Ctrl-C is handled from here on, through the start (imports, discovering the files) as
    # well as the run: exit 130 with a message, never "Aborted!" (exit 1) or a traceback.
    state = {"task": None, "done": 0, "failed": 0, "total": 0}
    with _interrupt_once():
        try:
            run = _run(paths, rules_dir, out_dir, jobs, matcher, previous_dir, state)
        except KeyboardInterrupt:
            Console(stderr=True, highlight=False).print(Text(
                f"interrupted: {state['done']} of {state['total']} files done; the summary was not written "
                "(results already written are complete). 已中断：汇总未写出，已写出的结果文件都是完整的。",
                style="bold red"))
            raise SystemExit(EXIT_INTERRUPTED) from None

    out = Console(highlight=False, soft_wrap=True)
    out.print(Text(f"输入文件 {run.inputs}，已评分 {run.scored}，失败 {run.failed}", style="bold"))
    if run.imported:
        out.print(Text(f"其中 {run.imported} 份由填报导入（案卷在 {run.out / 'cases'}/），"
                       f"{run.to_review} 份有待核对项、结果为暂定（见汇总的“导入”“待复核”列）"))
    for file, error in run.failures:
        out.print(Text.assemble(("失败 ", "bold red"), f"{file}：{error}"))
    out.print(Text(f"结果：{run.out / 'results'}/  汇总：" + "、".join(str(f) for f in run.files)))
    if run.failed:
        raise SystemExit(EXIT_SOME_FAILED)
