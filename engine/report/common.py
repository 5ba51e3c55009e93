"""What the document reporters (markdown, html, docx) share: labels, and the plain-Chinese wording
of the title block, the summary and each deduction.

Everything here reads one Result and arranges its numbers into sentences; nothing is scored or
recomputed (derived numbers are properties of the Result). The texts returned are plain: each
format escapes them where it writes them out.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..decimals import fmt
from ..result import NO_POINTS, UNPLACED_TITLE, VERDICT_TITLES, LedgerEntry, Result

FORM_TITLES = {"department": "部门整体支出", "project": "项目支出"}
SEVERITY_TITLES = {"error": "错误", "warning": "警告", "info": "提示"}
INPUT_LABELS = {
    "target": "指标值", "actual": "实际完成值", "weight": "分值", "self_score": "自评得分",
    "reason": "偏差原因分析及改进措施", "initial": "年初预算数", "full_year": "全年预算数（A）",
    "executed": "全年执行数（B）", "rate": "执行率",
}
# The indicator table's columns, in every document format (rule codes go to the appendix).
SECTION_COLUMNS = ("行", "指标", "指标值", "实际完成值", "分值", "规则得分", "自评得分", "自评比规则")
NUMERIC_COLUMNS = frozenset({"行", "分值", "规则得分", "自评得分"})
NOT_FILLED = "（未填写）"
# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: object) -> str:
    """Text that Word and Excel files (XML inside) can hold: characters XML 1.0 forbids, such as
    the control characters a YAML "\\v" escape produces, become U+FFFD."""
    return _NOT_XML.sub("\ufffd", "" if text is None else str(text))


def signed(value: Decimal | None) -> str:
    """A difference for display: '+0.84', '-6.26', '0'; '' when there is none."""
    if value is None:
        return ""
    return ("+" if value > 0 else "") + fmt(value)


def target_actual(entry: LedgerEntry) -> tuple[str, str]:
    """The two cells a reader compares: target and actual for an indicator row; for the budget row
    the full-year budget and the execution, labelled as such (they are amounts, not targets)."""
    inputs = dict(entry.inputs)
    if "target" in inputs or "actual" in inputs:
        return inputs.get("target", ""), inputs.get("actual", "")
    budget, executed = inputs.get("full_year", ""), inputs.get("executed", "")
    return (f"全年预算数 {budget}" if budget else ""), (f"执行数 {executed}" if executed else "")


def versus(difference: Decimal | None) -> str:
    """自评 − 规则 in words for a table cell: '低 0.84', '高 1', '相同'; '' without a self score
    (a signed number after 差 reads ambiguously in Chinese)."""
    if difference is None:
        return ""
    if difference == 0:
        return "相同"
    return f"{'高' if difference > 0 else '低'} {fmt(abs(difference))}"


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]  # in SECTION_COLUMNS order
    style: str = ""  # "lost" (points were lost on it) | "subtotal" | ""


@dataclass(frozen=True)
class SectionTable:
    title: str  # e.g. "效益指标（30 分）"
    rows: tuple[TableRow, ...]  # ends with the subtotal (the table of rows of no section has none)


def section_tables(result: Result) -> list[SectionTable]:
    """One table per section, in the pack's order, as text cells."""
    lost = {id(e) for e in result.deductions}

    def row(e: LedgerEntry) -> TableRow:
        target, actual = target_actual(e)
        review = e.outcome == "review"
        return TableRow(("" if e.row is None else str(e.row), e.item, target, actual, ledger_weight_text(e),
                         ledger_points_text(e), fmt(e.self_score), "" if e.outcome != "scored" else versus(e.difference)),
                        "lost" if id(e) in lost else "review" if review else "judged" if e.judged else "")

    tables = []
    for section in result.sections:
        rows = [row(e) for e in result.ledger if e.section == section.key]
        rows.append(TableRow(("", "小计", "", "", fmt(section.weight), fmt(section.score), fmt(section.self_score),
                              versus(section.difference)), "subtotal"))
        tables.append(SectionTable(f"{section.title}（{fmt(section.weight)} 分）", tuple(rows)))
    if result.unplaced:  # rows of no section: judged without points, or 待复核; never in a subtotal
        tables.append(SectionTable(f"{UNPLACED_TITLE}（不计分）", tuple(row(e) for e in result.unplaced)))
    return tables


def ledger_points_text(entry: LedgerEntry) -> str:
    """The rule's points as every report's table shows them: "待复核" for a row under review
    (no points yet), "— 达成（完成比例 105.2%）" for a row judged without points (none, not 0),
    else the points."""
    if entry.judged:
        return f"{NO_POINTS} {entry.verdict_text}"
    if entry.outcome == "review" and not entry.points:
        return "待复核"
    return fmt(entry.points)


def ledger_weight_text(entry: LedgerEntry) -> str:
    """The row's weight as shown: "—" for a row the form gives no points."""
    return NO_POINTS if entry.judged else fmt(entry.weight)


def judged_sentence(result: Result) -> str:
    """The rows judged without points, in one sentence ("" when there are none)."""
    if not result.judged_rows:
        return ""
    counts = result.verdict_counts
    parts = "、".join(f"{VERDICT_TITLES[v]} {n} 行" for v, n in counts.items() if n)
    return (f"{len(result.judged_rows)} 行指标只判断完成情况、不计分（表中没有分值，或是分值由上级行承担的“其中”行），"
            f"按与计分行同样的规则判断：{parts}；不计入总分，也不是扣分。")


def year_text(result: Result) -> str:
    return "（年度未填写）" if result.year is None else f"{result.year} 年度"


def title(result: Result) -> str:
    project = f"“{result.project}”" if result.project else ""
    return f"{year_text(result)}{project}{FORM_TITLES.get(result.form, result.form)}绩效自评评分意见"


def subtitle(result: Result) -> str:
    """Who filed it: the unit, and for a project its 主管部门 and 实施单位 when given."""
    parts = [result.unit or "（未写单位）"]
    if result.supervisor and result.supervisor != result.unit:
        parts.append(f"主管部门：{result.supervisor}")
    if result.implementer and result.implementer != result.unit:
        parts.append(f"实施单位：{result.implementer}")
    if result.project_category:
        parts.append(f"项目类别：{result.project_category}")
    return "　".join(parts)


def _reason(text: str) -> str:
    return text.removeprefix("待复核：")


def status_lines(result: Result) -> list[str]:
    """Under the status line: what is to review, the rows skipped and the parts missing (in
    words: the checks they disable are named in the appendix)."""
    lines = [f"待复核：{item.subject}" + (f"（第 {item.row} 行）" if item.row is not None else "") + f"：{_reason(item.reason)}"
             for item in result.review_items]
    if result.judged_rows:
        lines.append(f"不计分：{judged_sentence(result)}")
    if result.grade_withheld and result.grade_withheld_reason and not result.nothing_scored:
        lines.append(f"暂不定级：{result.grade_withheld_reason}。")
    lines += [f"已跳过第 {r.row} 行“{r.name}”：{r.reason}" for r in result.skipped_rows]
    lines += [f"无法核对：材料中没有{n.title}" + (f"，与之有关的 {len(n.checks)} 项核对未进行" if n.checks else "")
              for n in result.not_checkable]
    return lines


def not_checkable_codes(result: Result) -> list[tuple[str, str]]:
    """(part, the checks it disables) for the appendix."""
    return [(n.title, "、".join(n.checks)) for n in result.not_checkable if n.checks]


def appendix(result: Result, date: datetime.date) -> list[tuple[str, str]]:
    """附录：评分依据: what made the result, for an auditor (codes, hashes, engine)."""
    return [
        ("规则包", f"{result.pack_title}（{result.pack_id}，版本 {result.pack_version}）"),
        ("规则包继承链", " → ".join(result.pack_chain)),
        ("规则包哈希", f"sha256:{result.pack_sha256}"),
        ("案卷文件", f"{result.case_file}（sha256:{result.case_sha256}）"),
        ("评价日期", date.isoformat()),
        ("评分程序", f"jixiao {result.engine_version}，匹配器 {result.matcher}"),
    ]


def _compare(difference: Decimal | None, what: str) -> str:
    if difference is None:
        return ""
    if difference == 0:
        return f"与{what}相同"
    return f"比{what}{'高' if difference > 0 else '低'} {fmt(abs(difference))} 分"


NOT_SCORED = "未评分"
GRADE_WITHHELD = "暂不定级"
REPORT_SOURCE = "自评报告所述"


def rule_grade_text(result: Result) -> str:
    """The rule grade as every output shows it: marked provisional while too few points could be
    scored (the pack's grade_min_scored_share); 未评分 when nothing could be scored at all (no
    grade, not even a provisional one, is the grade of nothing)."""
    if result.nothing_scored:
        return NOT_SCORED
    if result.grade_withheld:
        return f"{GRADE_WITHHELD}（已计分部分为“{result.grade}”）"
    return result.grade


def _source(result: Result) -> str:
    return f"（{REPORT_SOURCE}）" if result.self_total_source == "report" else ""


def self_total_text(result: Result) -> str:
    """The department's own total, with where it came from when not from the table's 总分 row."""
    if result.self_total is None:
        return NOT_FILLED
    return fmt(result.self_total) + _source(result)


def summary_rows(result: Result) -> list[tuple[str, str, str]]:
    """(who, total, grade) rows of the summary table."""
    if result.nothing_scored:
        rows = [("按规则计算", NOT_SCORED, "")]
    else:
        rows = [("按规则计算", f"{fmt(result.total)} / {fmt(result.max_total)}", rule_grade_text(result))]
    rows.append(("单位自评", self_total_text(result), result.self_grade or ""))
    if result.difference is not None and not result.nothing_scored:
        rows.append(("自评比规则", versus(result.difference) + " 分", ""))
    return rows


def _places(value: Decimal, result: Result) -> str:
    """A point figure at the pack's places, zeros kept ("7.00"), as the letter states them."""
    return str(value.quantize(Decimal(1).scaleb(-result.places)))


def summary_sentence(result: Result) -> str:
    who = f"{result.unit}{'“' + result.project + '”' if result.project else ''}"
    if result.nothing_scored:
        text = (f"{who} {year_text(result)}的材料中没有能按规则计分的预算执行率行或绩效指标行，本函不给出得分和等级，"
                "只列出可以核对的内容和核对结果。") + judged_sentence(result)
        if result.self_total is not None:
            text += f"单位自评 {fmt(result.self_total)} 分{_source(result)}，无法与规则得分比较。"
        return text + (f"需要整改的问题 {len(result.actions)} 项，见整改清单。" if result.actions else "未发现需要整改的问题。")
    provisional = "暂" if result.status != "final" else ""
    text = f"按规则计算，{who} {year_text(result)}{provisional}得 {fmt(result.total)} 分（满分 {fmt(result.max_total)}），"
    if result.grade_withheld:
        reason = result.grade_withheld_reason or (f"能按规则计分的只有 {fmt(result.scored_max)} 分，其余待复核或无法评分，"
                                                  "等级暂不评定")
        text += f"但{reason}（按已计分部分为“{result.grade}”，不是结论）。"
    else:
        text += f"等级{provisional}为“{result.grade}”。"
    text += judged_sentence(result)
    if result.review_rows:
        text += (f"另有 {len(result.review_rows)} 行指标（分值合计 {fmt(result.review_points)} 分）无法自动判断，"
                 "暂不计入总分，核实后重新评分。")
    text += f"规则扣 {_places(result.rule_deduction_total, result)} 分"
    own = result.self_deduction_total
    text += f"；单位自评另扣 {_places(own, result)} 分。" if own is not None else "。"
    if result.self_total is None:
        text += "单位未填写自评总分。"
    else:
        text += f"单位自评 {fmt(result.self_total)} 分{_source(result)}，等级为“{result.self_grade}”，自评{_compare(result.difference, '规则计算')}。"
    if result.actions:
        text += f"需要整改的问题 {len(result.actions)} 项，见整改清单。"
    else:
        text += "未发现需要整改的问题。"
    return text


def previous_sentence(result: Result) -> str:
    """Last year beside this year ('' without --previous or an earlier result)."""
    before = result.previous
    if before is None:
        return ""
    change = "持平" if before.change == 0 else f"{'提高' if before.change > 0 else '降低'} {fmt(abs(before.change))} 分"
    text = (f"与 {before.year} 年度相比：规则得分由 {fmt(before.total)} 分（{before.grade}）变为 {fmt(result.total)} 分"
            f"（{result.grade}），{change}。")
    if before.recurring:
        text += f"上年已有、本年仍存在的问题 {len(before.recurring)} 项：" + "；".join(before.recurring) + "。"
    else:
        text += "本年的整改事项都不是上年已有的问题。"
    if before.resolved:
        text += f"上年的问题本年已不再出现 {len(before.resolved)} 项：" + "；".join(before.resolved) + "。"
    return text


@dataclass(frozen=True)
class ActionView:
    """One numbered item of the 整改清单, in words."""

    number: int
    title: str
    level: str  # error | warning | info
    severity: str  # its label: 错误 / 警告 / 提示
    where: str  # "第 15、16 行：服务好…；促进…" or the part concerned
    todo: str  # the fix hints, joined
    points: str  # "涉及 7 分" or ""
    recurring: bool = False  # the same problem was in last year's 整改清单


def _rows_text(rows: tuple[int, ...]) -> str:
    return "第 " + "、".join(str(r) for r in rows) + " 行" if rows else ""


def action_views(result: Result) -> list[ActionView]:
    views = []
    again = set(result.previous.recurring) if result.previous is not None else set()
    for number, a in enumerate(result.actions, 1):
        subjects = "；".join(a.subjects[:3]) + (f" 等 {len(a.subjects)} 项" if len(a.subjects) > 3 else "")
        rows = _rows_text(a.rows)
        views.append(ActionView(
            number=number, title=a.title, level=a.severity, severity=SEVERITY_TITLES[a.severity],
            where=f"{rows}：{subjects}" if rows and subjects else rows or subjects,
            todo="".join(a.fixes), points=f"涉及 {fmt(a.points)} 分" if a.points > 0 else "",
            recurring=a.title in again,
        ))
    return views


@dataclass(frozen=True)
class Explained:
    """One scored item in plain words: a heading and labelled lines."""

    heading: str
    lines: tuple[tuple[str, str], ...]


def _section_title(entry: LedgerEntry, result: Result) -> str:
    return next((s.title for s in result.sections if s.key == entry.section), entry.section)


def explain(entry: LedgerEntry, result: Result) -> Explained:
    """Why the rules gave this item what they gave (no rule codes: the appendix has those)."""
    section = _section_title(entry, result)
    inputs = dict(entry.inputs)
    if entry.kind == "deduction":
        return Explained(
            heading=f"{entry.item}（从“{section}”扣分）",
            lines=tuple(line for line in (
                ("适用规则", entry.rule_title),
                ("涉及的问题", "".join(f"（{number}）{text}" for number, text in entry.inputs)),
                ("计算", entry.formula),
                ("扣分", f"{fmt(entry.deduction)} 分"),
                ("说明", entry.explanation),
                ("依据", entry.citation),
            ) if line[1]),
        )
    where = f"第 {entry.row} 行 " if entry.row is not None else ""
    data = "；".join(f"{INPUT_LABELS.get(k, k)} {v}" for k, v in entry.inputs if k not in ("self_score", "reason") and v)
    scored = (f"{fmt(entry.points)} 分（分值 {fmt(entry.weight)} 分，扣 {fmt(entry.deduction)} 分）" if entry.deduction > 0
              else f"{fmt(entry.points)} 分（满分，规则未扣分）")
    lines = [("数据", data), ("适用规则", entry.rule_title), ("计算", entry.formula), ("规则得分", scored),
             ("说明", entry.explanation)]
    if entry.self_score is None:
        lines.append(("单位自评", NOT_FILLED))
    else:
        own = f"，自行扣 {fmt(entry.self_deduction)} 分" if (entry.self_deduction or 0) > 0 else ""
        lines.append(("单位自评", f"{fmt(entry.self_score)} 分{own}，{_compare(entry.difference, '规则得分')}"))
    if "reason" in inputs:
        lines.append((INPUT_LABELS["reason"], inputs["reason"] or NOT_FILLED))
    lines.append(("依据", entry.citation))
    return Explained(heading=f"{where}{entry.item}（{section}）", lines=tuple(line for line in lines if line[1]))


def self_scoring_notes(result: Result) -> dict[int, list[str]]:
    """Row -> the messages of its open findings from the self-scoring rules, in order."""
    notes: dict[int, list[str]] = {}
    for f in result.findings:
        if f.row is not None and not f.passed and f.rule in result.self_scoring_rules:
            notes.setdefault(f.row, []).append(f.message)
    return notes


def explain_self(entry: LedgerEntry, result: Result, notes_by_row: dict[int, list[str]] | None = None) -> Explained:
    """How the department's own score for this item differs from the rules' (另扣 or 多给).
    `notes_by_row` (self_scoring_notes) saves looking through every finding for each row: a
    case of thousands of rows differing took minutes."""
    section = _section_title(entry, result)
    where = f"第 {entry.row} 行 " if entry.row is not None else ""
    target, actual = target_actual(entry)
    gap = entry.difference or Decimal(0)
    verdict = (f"单位自评多给 {fmt(gap)} 分" if gap > 0 else f"单位自评另扣 {fmt(-gap)} 分")
    reason = dict(entry.inputs).get("reason", None)
    lines = [("数据", "；".join(x for x in (f"指标值 {target}" if target else "", f"实际完成值 {actual}" if actual else "") if x)),
             ("规则得分", f"{fmt(entry.points)} 分（分值 {fmt(entry.weight)} 分）"),
             ("单位自评", f"{fmt(entry.self_score)} 分"),
             ("差别", verdict)]
    if notes_by_row is None:
        notes_by_row = self_scoring_notes(result)
    notes = notes_by_row.get(entry.row, []) if entry.row is not None else []
    if notes:
        lines.append(("审核意见", "".join(notes)))
    if reason is not None:
        lines.append((INPUT_LABELS["reason"], reason or NOT_FILLED))
    return Explained(heading=f"{where}{entry.item}（{section}）", lines=tuple(line for line in lines if line[1]))


def explanations(result: Result) -> list[Explained]:
    return [explain(e, result) for e in result.rule_deducted]


def explain_judged(entry: LedgerEntry, result: Result) -> Explained:
    """A row judged without points: what it was judged on and the verdict (no points: none taken)."""
    section = _section_title(entry, result)
    where = f"第 {entry.row} 行 " if entry.row is not None else ""
    target, actual = target_actual(entry)
    reason = dict(entry.inputs).get("reason", None)
    lines = [("数据", "；".join(x for x in (f"指标值 {target}" if target else "", f"实际完成值 {actual}" if actual else "") if x)),
             ("适用规则", entry.rule_title), ("判断", entry.verdict_text),
             ("计算", entry.formula if entry.formula != NO_POINTS else ""), ("说明", entry.explanation)]
    if reason is not None:
        lines.append((INPUT_LABELS["reason"], reason or NOT_FILLED))
    lines.append(("依据", entry.citation))
    return Explained(heading=f"{where}{entry.item}（{section}）", lines=tuple(line for line in lines if line[1]))


def judged_explanations(result: Result) -> list[Explained]:
    """The rows judged without points that were not met (unmet, partial), one by one; the met
    ones are counted in `judged_met_text`."""
    return [explain_judged(e, result) for e in result.judged_rows if e.verdict != "met"]


def judged_met_text(result: Result) -> str:
    met = result.verdict_counts["met"]
    return f"其余 {met} 行判为达成。" if met and met < len(result.judged_rows) else \
        f"{met} 行均判为达成。" if met else ""


def self_explanations(result: Result) -> list[Explained]:
    notes = self_scoring_notes(result)
    return [explain_self(e, result, notes) for e in result.self_differs]


def finding_where(finding) -> str:
    """'第 15 行 服务好…' or the subject alone."""
    return (f"第 {finding.row} 行 " if finding.row is not None else "") + finding.subject


@dataclass(frozen=True)
class RowFindings:
    """The open findings about one row (or one part of the filing), each said once."""

    where: str
    items: tuple[tuple[str, str, str], ...]  # (severity label, title, message)


def findings_by_row(result: Result) -> list[RowFindings]:
    """Open findings grouped by the row they concern (table order), then the filing-level ones."""
    groups: dict[tuple, list] = {}
    for f in result.findings:
        if f.passed:
            continue
        key = (0, f.row, "") if f.row is not None else (1, 0, f.subject)
        groups.setdefault(key, []).append(f)
    out = []
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2])):
        found = groups[key]
        where = finding_where(found[0]) if key[0] == 0 else found[0].subject
        items = tuple(dict.fromkeys((SEVERITY_TITLES[f.severity], f.title, f.message) for f in found))
        out.append(RowFindings(where, items))
    return out


def rule_codes(result: Result) -> list[tuple[str, str, str, str]]:
    """(row, item, rule code and title, citation) for the appendix: every ledger entry's rule."""
    return [("" if e.row is None else str(e.row), e.item, f"{e.rule} {e.rule_title}", e.citation) for e in result.ledger]


def finding_codes(result: Result) -> list[tuple[str, str, str]]:
    """(where, rule code and title, severity) of every open finding, for the appendix."""
    return [(finding_where(f), f"{f.rule} {f.title}", SEVERITY_TITLES[f.severity]) for f in result.findings if not f.passed]


def context(result: Result, date: datetime.date) -> dict:
    """Everything a document template shows, as plain text (the template escapes it)."""
    return {
        "result": result,
        "title": title(result),
        "status": result.status_text,
        "status_lines": status_lines(result),
        "subtitle": subtitle(result),
        "not_checkable_codes": not_checkable_codes(result),
        "date": date.isoformat(),
        "summary_rows": summary_rows(result),
        "summary_sentence": summary_sentence(result),
        "previous_sentence": previous_sentence(result),
        "actions": action_views(result),
        "columns": SECTION_COLUMNS,
        "numeric": NUMERIC_COLUMNS,
        "sections": section_tables(result),
        "explanations": explanations(result),
        "self_explanations": self_explanations(result),
        "judged": bool(result.judged_rows),
        "judged_explanations": judged_explanations(result),
        "judged_met": judged_met_text(result),
        "row_findings": findings_by_row(result),
        "appendix": appendix(result, date),
        "rule_codes": rule_codes(result),
        "finding_codes": finding_codes(result),
        "passed": result.passed_checks,
        "where": finding_where,
        "fmt": fmt,
    }


def environment(autoescape: bool, finalize=None):
    """The Jinja2 environment for the templates next to this module. HTML templates autoescape
    (markupsafe); the Markdown template passes every `{{ value }}` through its `finalize` escape."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(Path(__file__).resolve().parent / "templates")),
        autoescape=autoescape, finalize=finalize, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
