"""Terminal rendering of `jixiao rules diff`: what changed between two packs, and per case."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..packdiff import CaseImpact, PackDiff
from .terminal import plain


def _signed(value, places: int) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + f"{value:.{places}f}"


def _total(value, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _changes_table(rows) -> Table:
    table = Table(box=box.SIMPLE_HEAVY)
    table.add_column("项目", overflow="fold", min_width=12)
    table.add_column("原来", overflow="fold", ratio=1)
    table.add_column("现在", overflow="fold", ratio=1)
    for change in rows:
        table.add_row(plain(change.path), plain(change.old), plain(change.new))
    return table


def _moves(impact: CaseImpact, places: int) -> str:
    if impact.error:
        return impact.error
    parts = []
    for move in impact.moves:
        rows = f"（第 {'、'.join(str(r) for r in move.rows)} 行）" if move.rows else ""
        parts.append(f"{move.label} {_signed(move.delta, places)}{rows}")
    return "；".join(parts) or "无变化"


def impact_table(impacts: list[CaseImpact], places: int) -> Table:
    table = Table(box=box.SIMPLE_HEAVY)
    for name, kwargs in (("案卷", {"overflow": "fold"}), ("单位", {"overflow": "fold"}), ("年度", {}),
                         ("原总分", {"justify": "right"}), ("原等级", {}), ("新总分", {"justify": "right"}),
                         ("新等级", {}), ("变化", {"justify": "right"}), ("分数变动的规则", {"overflow": "fold", "ratio": 1})):
        table.add_column(name, **kwargs)
    for i in impacts:
        grade = Text(i.new_grade, style="bold yellow" if i.new_grade != i.old_grade else "")
        table.add_row(plain(i.file), plain(i.unit), "" if i.year is None else str(i.year), _total(i.old_total, places),
                      plain(i.old_grade), _total(i.new_total, places), grade, _signed(i.delta, places),
                      plain(_moves(i, places)))
    return table


def print_diff(diff: PackDiff, impacts: list[CaseImpact] | None, console: Console) -> None:
    old, new = diff.old, diff.new

    def heading(text: str) -> None:
        console.print()
        console.print(Text(text, style="bold"))

    console.print(Text(f"规则包对比：{old.id} v{old.version} → {new.id} v{new.version}", style="bold underline"))
    if diff.empty:
        console.print("两个规则包的设置与规则完全相同。")
    if diff.settings:
        heading(f"设置的变化（{len(diff.settings)} 项）")
        console.print(_changes_table(diff.settings))
    for title, rules in ((f"新增的规则（{len(diff.added)} 条）", diff.added),
                         (f"删除的规则（{len(diff.removed)} 条）", diff.removed)):
        if rules:
            heading(title)
            for rule in rules:
                kind = "计分" if rule.score is not None else "审核"
                console.print(plain(f"  {rule.code}  {rule.title}（{kind}，{rule.applies_to}）"))
    if diff.changed:
        heading(f"修改的规则（{len(diff.changed)} 条）")
        for change in diff.changed:
            console.print(Text(f"  {change.code}  {change.title}", style="bold"))
            console.print(_changes_table(change.changes))
    if impacts is not None:
        heading(f"各案卷在两个规则包下的得分（{len(impacts)} 个案卷，{old.id} → {new.id}）")
        console.print(impact_table(impacts, new.places))


def render(diff: PackDiff, impacts: list[CaseImpact] | None, width: int = 160) -> str:
    """Plain text (no colour) at a fixed width: what the test pins."""
    buffer = io.StringIO()
    print_diff(diff, impacts, Console(file=buffer, width=width, color_system=None, force_terminal=False))
    return buffer.getvalue()
