"""`jixiao score CASE --why ROW`: the edge that loads, scores and prints a why report."""

from __future__ import annotations

import io

from rich.console import Console

from ..api import evaluate_file
from ..report.why import print_why
from ..why import explain_why


def print_why_for(case: str, rules_dir: str | None, matcher: str | None, query: str, output: str | None) -> None:
    from ..cli import _err_console, _write

    pack, evaluation = evaluate_file(case, rules_dir, matcher, announce=lambda text: _err_console().print(text))
    report = explain_why(pack, evaluation, query)
    if output:
        buffer = io.StringIO()
        print_why(report, Console(file=buffer, width=120, highlight=False, color_system=None))
        _write(buffer.getvalue(), output)
    else:
        print_why(report, Console(highlight=False))
