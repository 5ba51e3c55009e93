"""`jixiao score CASE --why ROW`: the edge that loads, scores and prints a why report."""

from __future__ import annotations

import io

from rich.console import Console

from ..api import evaluate_file
from .common import err_console, write_output
from ..report.terminal import plain
from ..report.why import print_why
from ..why import explain_why


def print_why_for(case: str, rules_dir: str | None, matcher: str | None, query: str, output: str | None,
                  year: int | None = None) -> None:
    pack, evaluation = evaluate_file(case, rules_dir, matcher, announce=lambda text: err_console().print(plain(text)),
                                     year=year)
    report = explain_why(pack, evaluation, query)
    if output:
        buffer = io.StringIO()
        print_why(report, Console(file=buffer, width=120, highlight=False, color_system=None))
        write_output(buffer.getvalue(), output)
    else:
        print_why(report, Console(highlight=False))
