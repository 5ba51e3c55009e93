"""Batch summary: one row per case and one row per finding, written as CSV and XLSX.

The rows are rendered from one Result each (its derived numbers are Result properties); a case
that could not be scored gets a row too, with its error. CSV is UTF-8 with a byte-order mark so
Excel opens the Chinese text correctly; XLSX (openpyxl) holds numbers as numbers, with a sheet of
cases, a sheet of all findings and a sheet with the run's counts.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from ..atomic import write_atomic
from ..decimals import fmt
from ..errors import Problem
from ..result import Result
from .common import FORM_TITLES, SEVERITY_TITLES, xml_safe

STATUS_SCORED = "已评分"
STATUS_FAILED = "失败"

CASE_COLUMNS = (
    ("file", "案例文件"), ("status", "状态"), ("unit", "单位"), ("year", "年度"), ("form", "表式"),
    ("total", "规则总分"), ("grade", "规则等级"), ("self_total", "自评总分"), ("self_grade", "自评等级"),
    ("difference", "差异（自评−规则）"), ("errors", "错误"), ("warnings", "警告"), ("infos", "提示"),
    ("top_deduction", "最大扣分项"), ("top_deduction_points", "最大扣分"), ("pack", "规则包"),
    ("result", "结果文件"), ("error", "失败原因"),
)
FINDING_COLUMNS = (
    ("file", "案例文件"), ("unit", "单位"), ("year", "年度"), ("severity", "级别"), ("passed", "已通过"),
    ("rule", "规则"), ("title", "问题"), ("row", "行"), ("subject", "对象"), ("message", "说明"),
    ("fix", "修改建议"), ("citation", "依据"),
)
SCORE_KEYS = {"total", "self_total", "difference", "top_deduction_points"}


def case_row(result: Result, file: str, result_file: str) -> dict:
    counts = result.finding_counts
    top = result.top_deduction
    where = "" if top is None or top.row is None else f"第 {top.row} 行 "
    return {
        "file": file, "status": STATUS_SCORED, "unit": result.unit, "year": result.year,
        "form": FORM_TITLES.get(result.form, result.form), "total": result.total, "grade": result.grade,
        "self_total": result.self_total, "self_grade": result.self_grade, "difference": result.difference,
        "errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"],
        "top_deduction": "" if top is None else f"{where}{top.item}（{top.rule}，扣 {fmt(top.deduction)} 分）",
        "top_deduction_points": None if top is None else top.deduction,
        "pack": f"{result.pack_id} v{result.pack_version}", "result": result_file, "error": "",
    }


def problem_text(problems: list[Problem] | tuple[Problem, ...]) -> str:
    """The problems on one line (a spreadsheet cell), hints included."""
    return "；".join(p.render().replace("\n  hint: ", "（提示：") + ("）" if p.hint else "") for p in problems)


def failed_row(file: str, problems) -> dict:
    row = {key: None for key, _ in CASE_COLUMNS}
    row.update(file=file, status=STATUS_FAILED, error=problem_text(problems))
    return row


def finding_rows(result: Result, file: str) -> list[dict]:
    return [{
        "file": file, "unit": result.unit, "year": result.year,
        "severity": SEVERITY_TITLES.get(f.severity, f.severity), "passed": "是" if f.passed else "否",
        "rule": f.rule, "title": f.title, "row": f.row, "subject": f.subject, "message": f.message,
        "fix": f.fix or "", "citation": f.citation,
    } for f in result.findings]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value) -> str:
    """A CSV cell. Text that a spreadsheet would run as a formula ("=HYPERLINK(…)" as a unit
    name) gets a leading apostrophe, the usual guard; numbers are written as numbers."""
    if value is None:
        return ""
    if isinstance(value, (Decimal, int)):
        return fmt(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(path: str | Path, columns, rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([title for _, title in columns])
    for row in rows:
        writer.writerow([_text(row.get(key)) for key, _ in columns])
    write_atomic(path, "\ufeff" + buffer.getvalue())


def _put_row(sheet, number: int, values: list) -> None:
    """Write one row by its number: finding the last row (sheet.max_row) scans every cell."""
    for column, value in enumerate(values, 1):
        cell = sheet.cell(row=number, column=column, value=xml_safe(value) if isinstance(value, str) else value)
        if cell.data_type == "f":  # openpyxl takes text starting with "=" for a formula: keep it text
            cell.data_type = "s"


def _sheet(workbook, title: str, columns, rows, widths: dict[str, int]):
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    sheet.append([name for _, name in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8ECF2")
        cell.alignment = Alignment(vertical="center")
    for number, row in enumerate(rows, 2):
        _put_row(sheet, number, [row.get(key) for key, _ in columns])
    for index, (key, _) in enumerate(columns, 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(key, 12)
        if key in SCORE_KEYS:
            for number in range(2, len(rows) + 2):
                sheet.cell(number, index).number_format = "0.00"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    return sheet


def write_xlsx(path: str | Path, cases: list[dict], findings: list[dict], overview: list[tuple[str, object]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "案例", CASE_COLUMNS, cases,
           {"file": 36, "unit": 30, "top_deduction": 44, "result": 30, "error": 60, "difference": 16})
    _sheet(workbook, "发现", FINDING_COLUMNS, findings,
           {"file": 36, "unit": 30, "title": 28, "subject": 30, "message": 80, "fix": 40, "citation": 30})
    sheet = workbook.create_sheet("概况")
    for number, (label, value) in enumerate(overview, 1):
        _put_row(sheet, number, [label, value])
        sheet.cell(number, 1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomic(path, buffer.getvalue())
