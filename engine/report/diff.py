"""Rendering of `jixiao rules diff`: what changed between two packs, and per case.

`table` (rich; whole rows when piped, see `table.print_whole`), `markdown` (headings and pipe
tables), `csv` (one row per change and per case, for spreadsheets) and `json` (for tools). The
numbers and causes come from `engine.packdiff`; nothing is computed here.
"""

from __future__ import annotations

import csv
import io
import json

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..packdiff import CaseImpact, PackDiff
from .table import print_whole
from .terminal import plain

FORMATS = ("table", "markdown", "csv", "json")


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
                         ("新等级", {}), ("变化", {"justify": "right"}), ("分数变动的原因", {"overflow": "fold", "ratio": 1})):
        table.add_column(name, **kwargs)
    for i in impacts:
        grade = Text(i.new_grade, style="bold yellow" if i.new_grade != i.old_grade else "")
        table.add_row(plain(("※ " if i.outside else "") + i.file), plain(i.unit), "" if i.year is None else str(i.year), _total(i.old_total, places),
                      plain(i.old_grade), _total(i.new_total, places), grade, _signed(i.delta, places),
                      plain(_moves(i, places)))
    return table


def _kind(rule) -> str:
    return "计分" if rule.score is not None else "审核"


def print_diff(diff: PackDiff, impacts: list[CaseImpact] | None, console: Console) -> None:
    old, new = diff.old, diff.new
    items: list = []

    def heading(text: str) -> None:
        items.append(Text(""))
        items.append(Text(text, style="bold"))

    items.append(Text(f"规则包对比：{old.id} v{old.version} → {new.id} v{new.version}", style="bold underline"))
    if diff.empty:
        items.append(Text("两个规则包的设置与规则完全相同。"))
    if diff.settings:
        heading(f"设置的变化（{len(diff.settings)} 项）")
        items.append(_changes_table(diff.settings))
    for title, rules in ((f"新增的规则（{len(diff.added)} 条）", diff.added),
                         (f"删除的规则（{len(diff.removed)} 条）", diff.removed)):
        if rules:
            heading(title)
            for rule in rules:
                items.append(plain(f"  {rule.code}  {rule.title}（{_kind(rule)}，{rule.applies_to}）"))
    if diff.changed:
        heading(f"修改的规则（{len(diff.changed)} 条）")
        for change in diff.changed:
            items.append(Text(f"  {change.code}  {change.title}", style="bold"))
            items.append(_changes_table(change.changes))
    if impacts is not None:
        heading(f"各案卷在两个规则包下的得分（{len(impacts)} 个案卷，{old.id} → {new.id}）")
        items.append(impact_table(impacts, new.places))
        scope = next((i.outside for i in impacts if i.outside), "")
        if scope:
            items.append(plain(f"※ 不在 {new.id} 的适用范围（applies_to：{scope}）内的案卷：仍按它计分，以便比较。"))
    print_whole(items, console)


def render(diff: PackDiff, impacts: list[CaseImpact] | None, width: int = 160) -> str:
    """Plain text (no colour): what the test pins."""
    buffer = io.StringIO()
    print_diff(diff, impacts, Console(file=buffer, width=width, color_system=None, force_terminal=False))
    return buffer.getvalue()


# --------------------------------------------------------------------------- for tools


def _num(value) -> str | None:
    return None if value is None else str(value)


def to_data(diff: PackDiff, impacts: list[CaseImpact] | None) -> dict:
    """The diff as plain data (decimals as strings): what `--format json` prints."""
    def rule(r) -> dict:
        return {"code": r.code, "title": r.title, "kind": _kind(r), "applies_to": r.applies_to}

    data = {
        "old": {"id": diff.old.id, "version": diff.old.version, "sha256": diff.old.sha256},
        "new": {"id": diff.new.id, "version": diff.new.version, "sha256": diff.new.sha256},
        "settings": [{"path": c.path, "old": c.old, "new": c.new} for c in diff.settings],
        "added": [rule(r) for r in diff.added],
        "removed": [rule(r) for r in diff.removed],
        "changed": [{"code": c.code, "title": c.title,
                     "changes": [{"path": x.path, "old": x.old, "new": x.new} for x in c.changes]}
                    for c in diff.changed],
    }
    if impacts is not None:
        data["cases"] = [{
            "file": i.file, "unit": i.unit, "year": i.year,
            "old_total": _num(i.old_total), "old_grade": i.old_grade,
            "new_total": _num(i.new_total), "new_grade": i.new_grade, "delta": _num(i.delta),
            "moves": [{"cause": m.label, "delta": str(m.delta), "rows": list(m.rows)} for m in i.moves],
            "outside_new_pack": bool(i.outside), "new_pack_scope": i.outside or None,
            "error": i.error or None,
        } for i in impacts]
    return data


def render_json(diff: PackDiff, impacts: list[CaseImpact] | None) -> str:
    return json.dumps(to_data(diff, impacts), ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ("类别", "对象", "项目", "原来", "现在", "变化", "说明")


def render_csv(diff: PackDiff, impacts: list[CaseImpact] | None) -> str:
    """One row per changed setting, added/removed rule, changed rule field, and case."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(CSV_COLUMNS)
    for c in diff.settings:
        out.writerow(("设置", "", c.path, c.old, c.new, "", ""))
    for label, rules in (("新增规则", diff.added), ("删除规则", diff.removed)):
        for r in rules:
            out.writerow((label, r.code, r.title, "", "", "", f"{_kind(r)}，{r.applies_to}"))
    for change in diff.changed:
        for c in change.changes:
            out.writerow(("修改规则", change.code, c.path, c.old, c.new, "", change.title))
    places = diff.new.places
    for i in impacts or ():
        old = " ".join(x for x in (_total(i.old_total, places), i.old_grade) if x)
        new = " ".join(x for x in (_total(i.new_total, places), i.new_grade) if x)
        outside = f"不在新规则包的适用范围内（{i.outside}）；" if i.outside else ""
        out.writerow(("案卷", i.file, f"{i.unit} {i.year or ''}".strip(), old, new, _signed(i.delta, places),
                      outside + _moves(i, places)))
    return buffer.getvalue()


def _md(text) -> str:
    from .markdown import escape

    return escape(text)


def _md_table(header: tuple, rows) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
    return lines


def render_markdown(diff: PackDiff, impacts: list[CaseImpact] | None) -> str:
    old, new = diff.old, diff.new
    lines = [f"# 规则包对比：{_md(old.id)} v{_md(old.version)} → {_md(new.id)} v{_md(new.version)}", ""]
    if diff.empty:
        lines += ["两个规则包的设置与规则完全相同。", ""]
    if diff.settings:
        lines += [f"## 设置的变化（{len(diff.settings)} 项）", ""]
        lines += _md_table(("项目", "原来", "现在"), ((c.path, c.old, c.new) for c in diff.settings)) + [""]
    for title, rules in ((f"新增的规则（{len(diff.added)} 条）", diff.added),
                         (f"删除的规则（{len(diff.removed)} 条）", diff.removed)):
        if rules:
            lines += [f"## {title}", ""]
            lines += [f"- {_md(r.code)} {_md(r.title)}（{_kind(r)}，{_md(r.applies_to)}）" for r in rules] + [""]
    if diff.changed:
        lines += [f"## 修改的规则（{len(diff.changed)} 条）", ""]
        for change in diff.changed:
            lines += [f"### {_md(change.code)} {_md(change.title)}", ""]
            lines += _md_table(("项目", "原来", "现在"), ((c.path, c.old, c.new) for c in change.changes)) + [""]
    if impacts is not None:
        places = new.places
        lines += [f"## 各案卷在两个规则包下的得分（{len(impacts)} 个案卷，{_md(old.id)} → {_md(new.id)}）", ""]
        lines += _md_table(("案卷", "单位", "年度", "原总分", "原等级", "新总分", "新等级", "变化", "分数变动的原因"), (
            (("※ " if i.outside else "") + i.file, i.unit, "" if i.year is None else i.year, _total(i.old_total, places),
             i.old_grade, _total(i.new_total, places), i.new_grade, _signed(i.delta, places), _moves(i, places))
            for i in impacts)) + [""]
        scope = next((i.outside for i in impacts if i.outside), "")
        if scope:
            lines += [f"※ 不在 {_md(new.id)} 的适用范围（applies_to：{_md(scope)}）内的案卷：仍按它计分，以便比较。", ""]
    return "\n".join(lines)


def render_as(fmt: str, diff: PackDiff, impacts: list[CaseImpact] | None) -> str:
    return {"json": render_json, "csv": render_csv, "markdown": render_markdown}[fmt](diff, impacts)
