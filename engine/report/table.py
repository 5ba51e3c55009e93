"""Terminal reporter: one table per section, then totals and grade, rule vs self.

The report is described once as plain data (`describe`: tables of `Column`s and cells, and lines
of text; engine/report/plaintable.py), then either handed to rich (`to_rich`: on a terminal, and
whenever the plain writer declines) or, when the output is not a terminal, written by
`plaintable.render` with the bytes rich would print, without importing rich.
"""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING

from ..decimals import fmt
from ..result import Result
from . import plaintable
from .common import SEVERITY_TITLES, ledger_points_text, ledger_weight_text, signed, target_actual
from .plaintable import Column, Line, Styled, TableSpec
from .terminal import printable

if TYPE_CHECKING:
    from rich.console import Console

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}

_FIXED = {"no_wrap": True}
SECTION_COLUMNS = (
    Column("行", justify="right", **_FIXED), Column("指标", overflow="fold", min_width=8),
    Column("指标值", overflow="fold"), Column("实际完成值", overflow="fold"),
    Column("分值", justify="right", **_FIXED), Column("规则得分", justify="right", **_FIXED),
    Column("自评得分", justify="right", **_FIXED), Column("差异", justify="right", **_FIXED),
    Column("规则", **_FIXED), Column("说明", overflow="fold", min_width=20, ratio=1),
)
TOTALS_COLUMNS = (Column(""), Column("总分"), Column("等级"))
FINDINGS_COLUMNS = (Column("规则", no_wrap=True), Column("说明", overflow="fold", ratio=2),
                    Column("建议", overflow="fold", ratio=1))


def shown(text: str, style: str = "") -> Styled:
    """Text from a case or a pack: shown as it is, control characters made visible (terminal.plain)."""
    return Styled(printable(text), style)


def describe(result: Result) -> list[plaintable.Item]:
    """The report as tables and lines, for rich (`to_rich`) or the plain writer alike."""
    out: list[plaintable.Item] = []
    year = "年度未填写" if result.year is None else f"{result.year} 年"
    out.append(Line([
        shown(f"{result.status_text}  ", "bold" if result.status == "final" else "bold yellow"),
        shown(f"{result.unit}  {year}  ", "bold"),
        shown(f"规则包 {result.pack_id} v{result.pack_version}（{result.pack_sha256[:12]}）  匹配器 {result.matcher}"),
    ]))
    from ..result import UNPLACED_TITLE

    # the pack's sections, then the rows of no section (judged without points, or 待复核), without a subtotal
    parts = [(section, [e for e in result.ledger if e.section == section.key]) for section in result.sections]
    if result.unplaced:
        parts.append((None, list(result.unplaced)))
    for section, entries in parts:
        title = f"{UNPLACED_TITLE}（不计分）" if section is None else f"{section.title}（{fmt(section.weight)} 分）"
        table = TableSpec(shown(title), SECTION_COLUMNS)
        for e in entries:
            target, actual = target_actual(e)
            style = "red" if e.deduction > 0 else "yellow" if e.outcome == "review" else "cyan" if e.judged else None
            table.rows.append((
                "" if e.row is None else str(e.row), shown(e.item), shown(target), shown(actual),
                ledger_weight_text(e), Styled(ledger_points_text(e), style or ""), fmt(e.self_score),
                "" if e.outcome != "scored" else signed(e.difference),
                shown(e.rule), shown(e.explanation),
            ))
        if section is not None:
            table.rows.append(("", Styled("小计", "bold"), "", "", fmt(section.weight), Styled(fmt(section.score), "bold"),
                               fmt(section.self_score), signed(section.difference), "", ""))
        out.append(table)
    from .common import rule_grade_text, self_total_text, status_lines

    totals = TableSpec("总分与等级", TOTALS_COLUMNS)
    totals.rows.append(("规则计算", Styled(fmt(result.total), "bold"), shown(rule_grade_text(result))))
    totals.rows.append(("单位自评", "" if result.self_total is None else shown(self_total_text(result)),
                        shown(result.self_grade or "")))
    if result.difference is not None:
        totals.rows.append(("差异（自评 − 规则）", signed(result.difference), ""))
    out.append(totals)
    for line in status_lines(result):
        out.append(Line([shown(line)], style="yellow"))
    for severity, group in result.findings_by_severity:
        if not group:
            continue
        findings = TableSpec(f"{SEVERITY_TITLES[severity]}（{len(group)}）", FINDINGS_COLUMNS)
        for f in group:
            findings.rows.append((Styled(f.rule, SEVERITY_STYLE.get(severity, "")), shown(f.message), shown(f.fix or "")))
        out.append(findings)
    passed = result.passed_checks
    if passed:
        counts: dict[str, int] = {}
        for f in passed:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        titles = {f.rule: f.title for f in passed}
        out.append(Line([Styled(f"已核对无误（{len(passed)}）："),
                         shown("；".join(f"{code} {titles[code]} ×{n}" for code, n in counts.items()))], style="green"))
    return out


def to_rich(items: list[plaintable.Item]) -> list:
    """The described report as rich renderables: `Table`s (box.SIMPLE_HEAVY, title on the left)
    and `Text`s."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    def cell(value):
        return Text(value.text, style=value.style) if isinstance(value, Styled) else value

    out: list = []
    for item in items:
        if isinstance(item, Line):
            text = Text(style=item.style)
            for part in item.parts:
                text.append(part.text, style=part.style or None)
            out.append(text)
            continue
        table = Table(title=cell(item.title), box=box.SIMPLE_HEAVY, title_justify="left")
        for column in item.columns:
            table.add_column(column.header, **column.rich_options())
        for row in item.rows:
            table.add_row(*map(cell, row))
        out.append(table)
    return out


def tables(result: Result) -> list:
    """The report as rich renderables."""
    return to_rich(describe(result))


def print_result(result: Result, console: Console | None = None) -> None:
    """Print the report on `console`, or (None) on standard output as `Console(highlight=False)`
    would: when that is not a terminal, written by the plain writer without importing rich."""
    if console is None:
        items = describe(result)
        if plaintable.plain_stream(sys.stdout):
            chunks = plaintable.render(items, PIPED_MAX_WIDTH)
            if chunks is not None:
                plaintable.write(chunks, sys.stdout)
                return
        from rich.console import Console

        print_whole(to_rich(items), Console(highlight=False))
        return
    print_whole(tables(result), console)


PIPED_MAX_WIDTH = 1000  # cells; the widest line of any corpus case or example is ~710


def print_whole(items, console: Console) -> None:
    """Print rich tables and lines. On a terminal they fit its width (long cells fold); piped or
    redirected they are printed whole, each as wide as its content needs (up to PIPED_MAX_WIDTH),
    whatever COLUMNS says: a file or a tool gets every path, code and explanation in one piece.
    The cap keeps the output linear in the case's size: one 50,000-character cell (a sum of
    10,000 row weights in a finding) made every row of its table 50,000 cells wide, 500 MB of
    spaces for the largest accepted case; past the cap such a cell folds."""
    from rich.text import Text

    if console.is_terminal:
        for item in items:
            console.print(item)
        return
    narrow = console.width
    try:
        for item in items:
            if isinstance(item, Text):
                console.print(item, soft_wrap=True)
                continue
            # A table that does not expand takes the widest measure of each column when the
            # console is at least as wide as their sum: the same lines as at the table's own
            # width, without measuring every cell once more to find that width first.
            console.width = PIPED_MAX_WIDTH
            if getattr(item, "expand", False):  # an expanding table would fill the width: measure it first
                from rich.measure import Measurement

                console.width = min(max(Measurement.get(console, console.options, item).maximum, 20), PIPED_MAX_WIDTH)
            console.print(item)
    finally:
        console.width = narrow


def render(result: Result, width: int = 200) -> str:
    """Plain text (no colour): what the golden test pins. The plain writer's text where it can
    write rich's bytes (always, but for the cases plaintable.render declines), else rich's."""
    chunks = plaintable.render(describe(result), PIPED_MAX_WIDTH)
    if chunks is not None:
        return "".join(chunks)
    return render_rich(result, width)


def render_rich(result: Result, width: int = 200) -> str:
    """The same text, always laid out by rich (the reference tests/test_table_plain.py compares
    the plain writer with)."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, legacy_windows=False)
    print_result(result, console)
    return buffer.getvalue()
