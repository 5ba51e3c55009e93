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
from ..result import LedgerEntry, Result

FORM_TITLES = {"department": "部门整体支出", "project": "项目支出"}
SEVERITY_TITLES = {"error": "错误", "warning": "警告", "info": "提示"}
INPUT_LABELS = {
    "target": "指标值", "actual": "实际完成值", "weight": "分值", "self_score": "自评得分",
    "reason": "偏差原因分析及改进措施", "initial": "年初预算数", "full_year": "全年预算数（A）",
    "executed": "全年执行数（B）", "rate": "执行率",
}
# The indicator table's columns, in every document format.
SECTION_COLUMNS = ("行", "指标", "指标值", "实际完成值", "分值", "规则得分", "自评得分", "差异", "规则")
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
    """The two cells a reader compares: target and actual for an indicator row, full-year budget
    and execution for the budget row."""
    inputs = dict(entry.inputs)
    return inputs.get("target", inputs.get("full_year", "")), inputs.get("actual", inputs.get("executed", ""))


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]  # in SECTION_COLUMNS order
    style: str = ""  # "lost" (points were lost on it) | "subtotal" | ""


@dataclass(frozen=True)
class SectionTable:
    title: str  # e.g. "效益指标（30 分）"
    rows: tuple[TableRow, ...]  # ends with the subtotal


def section_tables(result: Result) -> list[SectionTable]:
    """One table per section, in the pack's order, as text cells."""
    lost = {id(e) for e in result.deductions}
    tables = []
    for section in result.sections:
        rows = []
        for e in result.ledger:
            if e.section != section.key:
                continue
            target, actual = target_actual(e)
            review = e.outcome == "review"
            rows.append(TableRow(("" if e.row is None else str(e.row), e.item, target, actual, fmt(e.weight),
                                  "待复核" if review and not e.points else fmt(e.points), fmt(e.self_score),
                                  "" if review else signed(e.difference), e.rule),
                                 "lost" if id(e) in lost else "review" if review else ""))
        rows.append(TableRow(("", "小计", "", "", fmt(section.weight), fmt(section.score), fmt(section.self_score),
                              signed(section.difference), ""), "subtotal"))
        tables.append(SectionTable(f"{section.title}（{fmt(section.weight)} 分）", tuple(rows)))
    return tables


def year_text(result: Result) -> str:
    return "（年度未填写）" if result.year is None else f"{result.year} 年度"


def title(result: Result) -> str:
    return f"{year_text(result)}{FORM_TITLES.get(result.form, result.form)}绩效自评评分报告"


def status_lines(result: Result) -> list[str]:
    """Under the status line: what is to review, the rows skipped and the parts missing."""
    lines = [f"待复核：{item.subject}" + (f"（第 {item.row} 行）" if item.row is not None else "") + f"：{item.reason}"
             for item in result.review_items]
    lines += [f"已跳过第 {r.row} 行“{r.name}”：{r.reason}" for r in result.skipped_rows]
    lines += [f"无法核对：缺少{n.title}" + (f"（未能进行 {'、'.join(n.checks)}）" if n.checks else "")
              for n in result.not_checkable]
    return lines


def title_block(result: Result, date: datetime.date) -> list[tuple[str, str]]:
    return [
        ("单位", result.unit),
        ("年度", "未填写" if result.year is None else str(result.year)),
        ("表式", FORM_TITLES.get(result.form, result.form)),
        ("规则包", f"{result.pack_title}（{result.pack_id}，版本 {result.pack_version}）"),
        ("规则包哈希", f"sha256:{result.pack_sha256}"),
        ("案例文件", f"{result.case_file}（sha256:{result.case_sha256[:16]}…）"),
        ("评价日期", date.isoformat()),
        ("评分程序", f"jixiao {result.engine_version}，匹配器 {result.matcher}"),
    ]


def _compare(difference: Decimal | None, what: str) -> str:
    if difference is None:
        return ""
    if difference == 0:
        return f"与{what}相同"
    return f"比{what}{'高' if difference > 0 else '低'} {fmt(abs(difference))} 分"


def summary_rows(result: Result) -> list[tuple[str, str, str]]:
    """(who, total, grade) rows of the summary table."""
    rows = [("按规则计算", f"{fmt(result.total)} / {fmt(result.max_total)}", result.grade),
            ("单位自评", fmt(result.self_total) or NOT_FILLED, result.self_grade or "")]
    if result.difference is not None:
        rows.append(("差异（自评 − 规则）", signed(result.difference), ""))
    return rows


def summary_sentence(result: Result) -> str:
    text = f"按规则计算，{result.unit} {year_text(result)}得 {fmt(result.total)} 分（满分 {fmt(result.max_total)}），等级为“{result.grade}”。"
    if result.self_total is None:
        return text + "单位未填写自评总分。"
    text += f"单位自评 {fmt(result.self_total)} 分，等级为“{result.self_grade}”，{_compare(result.difference, '规则计算')}。"
    counts = result.finding_counts
    return text + (f"扣分共 {len(result.deductions)} 处，逐项说明见下文；"
                   f"审核发现错误 {counts['error']} 项、警告 {counts['warning']} 项、提示 {counts['info']} 项。")


@dataclass(frozen=True)
class Explained:
    """One deduction in plain words: a heading and labelled lines."""

    heading: str
    lines: tuple[tuple[str, str], ...]


def explain(entry: LedgerEntry, result: Result) -> Explained:
    section = next((s.title for s in result.sections if s.key == entry.section), entry.section)
    inputs = dict(entry.inputs)
    rule = f"{entry.rule} {entry.rule_title}"
    if entry.kind == "deduction":
        return Explained(
            heading=f"{entry.item}（从“{section}”扣分）",
            lines=tuple(line for line in (
                ("规则", rule),
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
    lines = [("数据", data), ("适用规则", rule), ("计算", entry.formula), ("规则得分", scored),
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


def explanations(result: Result) -> list[Explained]:
    return [explain(e, result) for e in result.deductions]


def finding_where(finding) -> str:
    """'第 15 行 服务好…' or the subject alone."""
    return (f"第 {finding.row} 行 " if finding.row is not None else "") + finding.subject


def context(result: Result, date: datetime.date) -> dict:
    """Everything a document template shows, as plain text (the template escapes it)."""
    return {
        "result": result,
        "title": title(result),
        "status": result.status_text,
        "status_lines": status_lines(result),
        "title_block": title_block(result, date),
        "summary_rows": summary_rows(result),
        "summary_sentence": summary_sentence(result),
        "columns": SECTION_COLUMNS,
        "sections": section_tables(result),
        "explanations": explanations(result),
        "findings": [(sev, SEVERITY_TITLES[sev], found) for sev, found in result.findings_by_severity],
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
