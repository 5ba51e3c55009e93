"""Terminal rendering of a why report (`jixiao score CASE --why ROW`) with rich."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from ..match.explain import Verdict
from ..why import WhyReport

HELD, FAILED = "green", "red"
NEGATION_NOTE = "（字段缺失或类型不符时，条件与它的否定都不成立）"


def verdict_lines(verdict: Verdict, indent: str = "", top: bool = True) -> list[Text]:
    """The verdict tree, one line per node: ✓ held, ✗ not held, with the values compared."""
    mark, style = ("✓", HELD) if verdict.held else ("✗", FAILED)
    if verdict.kind == "always":
        return [Text(f"{indent}✓ 没有条件，总是成立", style=HELD)]
    if verdict.kind == "leaf":
        line = Text(f"{indent}{mark} ", style=style)
        line.append(verdict.text, style="bold")
        line.append(f"（{verdict.values}）")
        return [line]
    if verdict.kind == "not":
        child = verdict.children[0]
        note = NEGATION_NOTE if not verdict.held and not child.held else ""
        return [Text(f"{indent}{mark} 非：{note}", style=style), *verdict_lines(child, indent + "    ", False)]
    if verdict.kind == "all" and top:  # the usual `when: all: [...]` reads as a plain list
        return [line for child in verdict.children for line in verdict_lines(child, indent, False)]
    head = "全部成立：" if verdict.kind == "all" else "任一成立："
    return [Text(f"{indent}{mark} {head}", style=style),
            *[line for child in verdict.children for line in verdict_lines(child, indent + "    ", False)]]


def print_why(report: WhyReport, console: Console) -> None:
    """One console.print per fact (its lines joined), not per line: rich's per-call cost made a
    report over 10 000 rows take 50 s."""
    console.print(Text(f"--why {report.query}：规则包 {report.pack_id} 中可能适用的每条规则", style="bold"))
    if not report.facts:
        console.print("本案卷没有这条规则所针对的事实。")
    for fact in report.facts:
        lines = [Text(""), Text(fact.title, style="bold underline"), Text(f"  事实：{fact.values()}", style="dim")]
        for item in fact.rules:
            rule = item.rule
            head = Text("  ")
            head.append(rule.code, style="bold")
            head.append(f" {rule.title}")
            if rule.score is not None:
                head.append(f" · 优先级 {rule.priority}")
            head.append(" · ")
            head.append(item.outcome, style=HELD if item.verdict.held else FAILED)
            lines.append(head)
            lines.extend(verdict_lines(item.verdict, "      "))
        console.print(Text("\n").join(lines))
    if report.omitted:
        console.print(Text(f"\n另有 {report.omitted} 项同样适用，未逐一展开；请用行号（--why 行号）查看其中某一行。",
                           style="bold"))
