"""Terminal reporter: one rich table per section, then totals and grade, rule vs self."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..decimals import fmt
from ..result import Result
from .common import SEVERITY_TITLES, ledger_points_text, ledger_weight_text, signed, target_actual
from .terminal import plain, printable

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def tables(result: Result) -> list:
    out: list = []
    head = Text()
    head.append(printable(f"{result.status_text}  "), style="bold" if result.status == "final" else "bold yellow")
    year = "年度未填写" if result.year is None else f"{result.year} 年"
    head.append(printable(f"{result.unit}  {year}  "), style="bold")
    head.append(printable(f"规则包 {result.pack_id} v{result.pack_version}（{result.pack_sha256[:12]}）  匹配器 {result.matcher}"))
    out.append(head)
    from ..result import UNPLACED_TITLE

    # the pack's sections, then the rows of no section (judged without points, or 待复核), without a subtotal
    parts = [(section, [e for e in result.ledger if e.section == section.key]) for section in result.sections]
    if result.unplaced:
        parts.append((None, list(result.unplaced)))
    for section, entries in parts:
        title = f"{UNPLACED_TITLE}（不计分）" if section is None else f"{section.title}（{fmt(section.weight)} 分）"
        table = Table(
            title=plain(title), box=box.SIMPLE_HEAVY, show_lines=False,
            title_justify="left", expand=False,
        )
        fixed = {"no_wrap": True}
        for name, kwargs in (
            ("行", {"justify": "right", **fixed}), ("指标", {"overflow": "fold", "min_width": 8}),
            ("指标值", {"overflow": "fold"}), ("实际完成值", {"overflow": "fold"}),
            ("分值", {"justify": "right", **fixed}), ("规则得分", {"justify": "right", **fixed}),
            ("自评得分", {"justify": "right", **fixed}), ("差异", {"justify": "right", **fixed}),
            ("规则", fixed), ("说明", {"overflow": "fold", "min_width": 20, "ratio": 1}),
        ):
            table.add_column(name, **kwargs)
        for e in entries:
            target, actual = target_actual(e)
            style = "red" if e.deduction > 0 else "yellow" if e.outcome == "review" else "cyan" if e.judged else None
            table.add_row(
                "" if e.row is None else str(e.row), plain(e.item), plain(target), plain(actual),
                ledger_weight_text(e), Text(ledger_points_text(e), style=style or ""), fmt(e.self_score),
                "" if e.outcome != "scored" else signed(e.difference),
                plain(e.rule), plain(e.explanation),
            )
        if section is not None:
            table.add_row("", Text("小计", style="bold"), "", "", fmt(section.weight), Text(fmt(section.score), style="bold"),
                          fmt(section.self_score), signed(section.difference), "", "")
        out.append(table)
    totals = Table(box=box.SIMPLE_HEAVY, title="总分与等级", title_justify="left")
    for name in ("", "总分", "等级"):
        totals.add_column(name)
    from .common import rule_grade_text, self_total_text

    totals.add_row("规则计算", Text(fmt(result.total), style="bold"), plain(rule_grade_text(result)))
    totals.add_row("单位自评", "" if result.self_total is None else plain(self_total_text(result)),
                   plain(result.self_grade or ""))
    if result.difference is not None:
        totals.add_row("差异（自评 − 规则）", signed(result.difference), "")
    out.append(totals)
    from .common import status_lines

    for line in status_lines(result):
        out.append(Text(printable(line), style="yellow"))
    for severity, group in result.findings_by_severity:
        if not group:
            continue
        findings = Table(box=box.SIMPLE_HEAVY, title=f"{SEVERITY_TITLES[severity]}（{len(group)}）", title_justify="left")
        for name, kwargs in (("规则", {"no_wrap": True}), ("说明", {"overflow": "fold", "ratio": 2}),
                             ("建议", {"overflow": "fold", "ratio": 1})):
            findings.add_column(name, **kwargs)
        for f in group:
            findings.add_row(Text(f.rule, style=SEVERITY_STYLE.get(severity, "")), plain(f.message), plain(f.fix or ""))
        out.append(findings)
    passed = result.passed_checks
    if passed:
        counts: dict[str, int] = {}
        for f in passed:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        titles = {f.rule: f.title for f in passed}
        line = Text(f"已核对无误（{len(passed)}）：", style="green")
        line.append(printable("；".join(f"{code} {titles[code]} ×{n}" for code, n in counts.items())))
        out.append(line)
    return out


def print_result(result: Result, console: Console) -> None:
    print_whole(tables(result), console)


PIPED_MAX_WIDTH = 1000  # cells; the widest line of any corpus case or example is ~710


def print_whole(items, console: Console) -> None:
    """Print rich tables and lines. On a terminal they fit its width (long cells fold); piped or
    redirected they are printed whole, each as wide as its content needs (up to PIPED_MAX_WIDTH),
    whatever COLUMNS says: a file or a tool gets every path, code and explanation in one piece.
    The cap keeps the output linear in the case's size: one 50,000-character cell (a sum of
    10,000 row weights in a finding) made every row of its table 50,000 cells wide, 500 MB of
    spaces for the largest accepted case; past the cap such a cell folds."""
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
    """Plain text (no colour) at a fixed width: what the golden test pins."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, legacy_windows=False)
    print_result(result, console)
    return buffer.getvalue()
