"""Batch summary: one row per case and one row per finding, written as CSV and XLSX while the
run goes on.

The rows are rendered from one Result each (its derived numbers are Result properties); a case
that could not be scored gets a row too, with its error. `rows_for` / `failed_rows` render a
case's rows once, as CSV records and XLSX row text (`CaseRows`, built in batch's worker
processes: strings are cheap to send and to append); `SummaryWriter` appends them in input order
to temporary files in the out folder and renames them into place when the run finishes, so an
interrupted run leaves no summary and a finished one replaces an earlier one whole. Nothing is
kept per case.

CSV is UTF-8 with a byte-order mark so Excel opens the Chinese text correctly; XLSX
(engine/report/xlsx_stream.py) holds numbers as numbers, with a sheet of cases (案例), the
findings (发现, continued on 发现2, 发现3 … past Excel's row limit) and the run's counts (概况).
"""

from __future__ import annotations

import csv
import io
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from ..atomic import open_atomic
from ..decimals import fmt
from ..errors import Problem
from ..result import Result
from . import xlsx_stream
from .common import FORM_TITLES, SEVERITY_TITLES

STATUS_SCORED = "已评分"
STATUS_FAILED = "失败"
RESULT_STATUS = {"final": "正式", "provisional": "暂定"}

CASE_COLUMNS = (
    ("file", "案例文件"), ("status", "状态"), ("result_status", "结果"), ("review", "待复核"),
    ("unit", "单位"), ("year", "年度"), ("form", "表式"),
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
        "file": file, "status": STATUS_SCORED, "result_status": RESULT_STATUS[result.status],
        "review": len(result.review_items), "unit": result.unit, "year": result.year,
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


def _csv(columns, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_text(row.get(key)) for key, _ in columns])
    return buffer.getvalue()


class CaseRows(NamedTuple):
    """One case's rows, rendered: its 案例 row and its 发现 rows, as CSV records and XLSX row text."""
    error: str | None  # why the case failed; None when it was scored
    case_csv: str
    case_xlsx: str
    findings_csv: str
    findings_xlsx: tuple[str, ...]


_CASE_STYLES = [xlsx_stream.SCORE if key in SCORE_KEYS else xlsx_stream.PLAIN for key, _ in CASE_COLUMNS]


def _case_rows(row: dict, findings: list[dict], error: str | None) -> CaseRows:
    return CaseRows(
        error, _csv(CASE_COLUMNS, [row]), xlsx_stream.row([row.get(key) for key, _ in CASE_COLUMNS], _CASE_STYLES),
        _csv(FINDING_COLUMNS, findings), tuple(xlsx_stream.row([f.get(key) for key, _ in FINDING_COLUMNS]) for f in findings))


def rows_for(result: Result, file: str, result_file: str) -> CaseRows:
    return _case_rows(case_row(result, file, result_file), finding_rows(result, file), None)


def failed_rows(file: str, problems) -> CaseRows:
    row = failed_row(file, problems)
    return _case_rows(row, [], row["error"])


CASE_WIDTHS = {"file": 36, "unit": 30, "top_deduction": 44, "result": 30, "error": 60, "difference": 16}
FINDING_WIDTHS = {"file": 36, "unit": 30, "title": 28, "subject": 30, "message": 80, "fix": 40, "citation": 30}
CASES_SHEET, FINDINGS_SHEET, OVERVIEW_SHEET = "案例", "发现", "概况"


class SummaryWriter:
    """The three summary files, written as cases arrive (`add`, in input order) and put in place
    by `finish`, the last call in its with-block. An error or Ctrl-C before that removes the
    temporary files and leaves earlier summaries as they were."""

    def __init__(self, cases_csv: Path, findings_csv: Path, xlsx: Path):
        self.paths = (cases_csv, findings_csv, xlsx)
        self.finding_rows = 0

    def __enter__(self) -> "SummaryWriter":
        with ExitStack() as stack:
            cases_csv, findings_csv, xlsx = (stack.enter_context(open_atomic(p)) for p in self.paths)
            for handle, columns in ((cases_csv, CASE_COLUMNS), (findings_csv, FINDING_COLUMNS)):
                handle.write(("\ufeff" + _csv(columns, [{key: title for key, title in columns}])).encode("utf-8"))
            self._cases_csv, self._findings_csv = cases_csv, findings_csv
            self._book = xlsx_stream.StreamingWorkbook(xlsx)
            stack.callback(self._book.discard)  # before the files it writes to are closed and removed
            self._cases = self._book.sheet(CASES_SHEET, _widths(CASE_COLUMNS, CASE_WIDTHS), frozen=True, filtered=True)
            self._header(self._cases, CASE_COLUMNS)
            self._findings_sheets = []
            self._next_findings_sheet()
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc) -> bool | None:
        return self._stack.__exit__(*exc)

    @staticmethod
    def _header(sheet, columns) -> None:
        sheet.append(xlsx_stream.row([title for _, title in columns], [xlsx_stream.HEADER] * len(columns)), len(columns))

    def _next_findings_sheet(self) -> None:
        title = FINDINGS_SHEET + (str(len(self._findings_sheets) + 1) if self._findings_sheets else "")
        sheet = self._book.streamed_sheet(title, _widths(FINDING_COLUMNS, FINDING_WIDTHS), frozen=True, filtered=True)
        self._header(sheet, FINDING_COLUMNS)
        self._findings_sheets.append(sheet)

    def add(self, rows: CaseRows) -> None:
        self._cases_csv.write(rows.case_csv.encode("utf-8"))
        self._cases.append(rows.case_xlsx, len(CASE_COLUMNS))
        if rows.findings_csv:
            self._findings_csv.write(rows.findings_csv.encode("utf-8"))
        for text in rows.findings_xlsx:
            if self._findings_sheets[-1].rows >= xlsx_stream.MAX_ROWS:
                self._next_findings_sheet()
            self._findings_sheets[-1].append(text, len(FINDING_COLUMNS))
        self.finding_rows += len(rows.findings_xlsx)

    def finish(self, facts: list[tuple[str, object]], failures: list[tuple[str, str]]) -> tuple[Path, ...]:
        """Write the 概况 sheet (`facts`, a note when the findings fill more than one sheet, then
        the failed files and their errors) and put the three files in place."""
        lines = list(facts)
        if len(self._findings_sheets) > 1:
            titles = "、".join(s.title for s in self._findings_sheets)
            lines.append(("发现", f"共 {self.finding_rows} 行，超过 Excel 每表 {xlsx_stream.MAX_ROWS} 行的上限，"
                                  f"依次写在 {titles} 表中（每表第 1 行为表头）"))
        if failures:
            lines += [("", ""), ("失败的文件", "失败原因"), *failures]
        sheet = self._book.sheet(OVERVIEW_SHEET, [16, 80])
        for label, value in lines:
            sheet.append(xlsx_stream.row([label, value], [xlsx_stream.LABEL, xlsx_stream.PLAIN]), 2)
        self._book.close()
        self._stack.close()
        return self.paths


def _widths(columns, widths: dict[str, int]) -> list[int]:
    return [widths.get(key, 12) for key, _ in columns]
