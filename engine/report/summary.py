"""Batch summary: one row per case and one row per finding, written as CSV and XLSX while the
run goes on.

The rows are rendered from one Result each (its derived numbers are Result properties); a case
that could not be scored gets a row too, with its error. `rows_for` / `failed_rows` render a
case's rows once, as CSV records and XLSX row text (`CaseRows`, built in batch's worker
processes: strings are cheap to send and to append); `SummaryWriter` appends them in input order
to temporary files in the out folder and renames them into place when the run finishes, so an
interrupted run leaves no summary and a finished one replaces an earlier one whole. Nothing is
kept per case.

CSV is UTF-8 with a byte-order mark so Excel opens the Chinese text correctly; findings.csv holds
every finding (passed checks included) for tools. XLSX (engine/report/xlsx_stream.py) is for
triage: numbers as numbers, a sheet of cases (案例, grades and large differences highlighted), one
row per action of each case's 整改清单 (整改), the passed checks on their own sheet (已通过), each
continued on a numbered sheet past Excel's row limit, and the run's overview (概况: counts, the
distribution of grades with a chart, the most common problems).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
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
    ("file", "案例文件"), ("status", "状态"), ("imported", "导入"), ("result_status", "结果"), ("review", "待复核"),
    ("unit", "单位"), ("project", "项目名称"), ("supervisor", "主管部门"), ("year", "年度"), ("form", "表式"),
    ("total", "规则总分"), ("grade", "规则等级"), ("self_total", "自评总分"), ("self_grade", "自评等级"),
    ("difference", "差异（自评−规则）"), ("previous_total", "上年规则总分"), ("change", "较上年"),
    ("recurring", "上年已有的问题"), ("actions", "整改事项"), ("errors", "错误"), ("warnings", "警告"),
    ("infos", "提示"), ("top_deduction", "最大扣分项"), ("top_deduction_points", "最大扣分"), ("pack", "规则包"),
    ("result", "结果文件"), ("error", "失败原因"),
)
ACTION_COLUMNS = (
    ("file", "案例文件"), ("unit", "单位"), ("project", "项目名称"), ("year", "年度"), ("number", "序号"), ("severity", "级别"),
    ("title", "问题"), ("rows", "涉及行"), ("subjects", "涉及指标或部分"), ("fixes", "怎么改"), ("points", "涉及分值"),
    ("rules", "规则"),
)
PASSED_COLUMNS = (
    ("file", "案例文件"), ("unit", "单位"), ("project", "项目名称"), ("year", "年度"), ("rule", "规则"), ("title", "核对"), ("row", "行"),
    ("subject", "对象"), ("message", "说明"),
)
# Conditional fills on the 案例 sheet: grades 差 and 中, and a self total far from the rule total.
DIFFERENCE_FLAG = 5
FINDING_COLUMNS = (
    ("file", "案例文件"), ("unit", "单位"), ("project", "项目名称"), ("year", "年度"), ("severity", "级别"), ("passed", "已通过"),
    ("rule", "规则"), ("title", "问题"), ("row", "行"), ("subject", "对象"), ("message", "说明"),
    ("fix", "修改建议"), ("citation", "依据"),
)
SCORE_KEYS = {"total", "self_total", "difference", "top_deduction_points", "previous_total", "change"}


def case_row(result: Result, file: str, result_file: str, imported: str = "") -> dict:
    """`imported`: for a case that batch imported from a filing, what it says about that (the
    case file written, the items to review); empty for a case file scored as it is."""
    counts = result.finding_counts
    top = result.top_deduction
    where = "" if top is None or top.row is None else f"第 {top.row} 行 "
    return {
        "file": file, "status": STATUS_SCORED, "imported": imported, "result_status": RESULT_STATUS[result.status],
        "review": len(result.review_items), "unit": result.unit, "project": result.project,
        "supervisor": result.supervisor, "year": result.year,
        "form": FORM_TITLES.get(result.form, result.form),
        "total": None if result.nothing_scored else result.total,
        "grade": result.grade_text,
        "self_total": result.self_total, "self_grade": result.self_grade,
        "difference": None if result.nothing_scored else result.difference,
        "previous_total": None if result.previous is None else result.previous.total,
        "change": None if result.previous is None else result.previous.change,
        "recurring": None if result.previous is None else len(result.previous.recurring),
        "actions": len(result.actions),
        "errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"],
        "top_deduction": "" if top is None else f"{where}{top.item}（{top.rule}，扣 {fmt(top.deduction)} 分）",
        "top_deduction_points": None if top is None else top.deduction,
        "pack": f"{result.pack_id} v{result.pack_version}", "result": result_file, "error": "",
    }


def problem_text(problems: list[Problem] | tuple[Problem, ...]) -> str:
    """The problems on one line (a spreadsheet cell), hints included."""
    return "；".join(p.render().replace("\n  hint: ", "（提示：") + ("）" if p.hint else "") for p in problems)


def failed_row(file: str, problems, imported: str = "") -> dict:
    row = {key: None for key, _ in CASE_COLUMNS}
    row.update(file=file, status=STATUS_FAILED, imported=imported, error=problem_text(problems))
    return row


def finding_rows(result: Result, file: str) -> list[dict]:
    return [{
        "file": file, "unit": result.unit, "project": result.project, "year": result.year,
        "severity": SEVERITY_TITLES.get(f.severity, f.severity), "passed": "是" if f.passed else "否",
        "rule": f.rule, "title": f.title, "row": f.row, "subject": f.subject, "message": f.message,
        "fix": f.fix or "", "citation": f.citation,
    } for f in result.findings]


def action_rows(result: Result, file: str) -> list[dict]:
    return [{
        "file": file, "unit": result.unit, "project": result.project, "year": result.year, "number": number,
        "severity": SEVERITY_TITLES.get(a.severity, a.severity), "title": a.title,
        "rows": "、".join(str(r) for r in a.rows), "subjects": "；".join(a.subjects), "fixes": "".join(a.fixes),
        "points": a.points, "rules": "、".join(a.rules),
    } for number, a in enumerate(result.actions, 1)]


def passed_rows(result: Result, file: str) -> list[dict]:
    return [{
        "file": file, "unit": result.unit, "project": result.project, "year": result.year, "rule": f.rule,
        "title": f.title, "row": f.row,
        "subject": f.subject, "message": f.message,
    } for f in result.passed_checks]


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
    keys = [key for key, _ in columns]
    for row in rows:  # _text per cell, its common case (text that starts as text) inline
        writer.writerow([value if value.__class__ is str and not value.startswith(_FORMULA_START) else _text(value)
                         for value in map(row.get, keys)])
    return buffer.getvalue()


class CaseRows(NamedTuple):
    """One case's rows, rendered: its 案例 row, its findings (CSV), its actions and passed checks
    (XLSX row text), and what the overview counts (grade, action titles)."""
    error: str | None  # why the case failed; None when it was scored
    case_csv: str
    case_xlsx: str
    findings_csv: str
    actions_xlsx: tuple[str, ...]
    passed_xlsx: tuple[str, ...]
    grade: str | None = None
    problems: tuple[str, ...] = ()  # the titles of its actions
    provisional: bool = False  # scored, with items waiting for review


_CASE_STYLES = [xlsx_stream.SCORE if key in SCORE_KEYS else xlsx_stream.PLAIN for key, _ in CASE_COLUMNS]
_ACTION_STYLES = [xlsx_stream.SCORE if key == "points" else xlsx_stream.PLAIN for key, _ in ACTION_COLUMNS]


def _xlsx(columns, rows, styles=None) -> tuple[str, ...]:
    return tuple(xlsx_stream.row([r.get(key) for key, _ in columns], styles) for r in rows)


def rows_for(result: Result, file: str, result_file: str, imported: str = "") -> CaseRows:
    row = case_row(result, file, result_file, imported)
    return CaseRows(
        None, _csv(CASE_COLUMNS, [row]), _xlsx(CASE_COLUMNS, [row], _CASE_STYLES)[0],
        _csv(FINDING_COLUMNS, finding_rows(result, file)), _xlsx(ACTION_COLUMNS, action_rows(result, file), _ACTION_STYLES),
        _xlsx(PASSED_COLUMNS, passed_rows(result, file)), row["grade"], tuple(a.title for a in result.actions),
        result.status == "provisional")


def failed_rows(file: str, problems, imported: str = "") -> CaseRows:
    row = failed_row(file, problems, imported)
    return CaseRows(row["error"], _csv(CASE_COLUMNS, [row]), _xlsx(CASE_COLUMNS, [row], _CASE_STYLES)[0], "", (), ())


CASE_WIDTHS = {"file": 36, "imported": 40, "unit": 30, "top_deduction": 44, "result": 30, "error": 60, "difference": 16}
ACTION_WIDTHS = {"file": 36, "unit": 30, "title": 30, "rows": 16, "subjects": 50, "fixes": 60, "rules": 16}
PASSED_WIDTHS = {"file": 36, "unit": 30, "title": 28, "subject": 30, "message": 80}
CASES_SHEET, ACTIONS_SHEET, PASSED_SHEET, OVERVIEW_SHEET = "案例", "整改", "已通过", "概况"
TOP_PROBLEMS = 10  # the most common problems listed on 概况


class _Continued:
    """One logical sheet of rows that continues on "<title>2", "<title>3" … past Excel's row
    limit, each with the header row. `streamed`: written straight into the zip (one at a time)."""

    def __init__(self, book, title: str, columns, widths: dict[str, int], streamed: bool):
        self.book, self.title, self.columns, self.streamed = book, title, columns, streamed
        self.widths = _widths(columns, widths)
        self.sheets: list = []
        self.rows = 0
        self._next()

    def _next(self) -> None:
        title = self.title + (str(len(self.sheets) + 1) if self.sheets else "")
        make = self.book.streamed_sheet if self.streamed else self.book.sheet
        sheet = make(title, self.widths, frozen=True, filtered=True)
        sheet.append(xlsx_stream.row([name for _, name in self.columns], [xlsx_stream.HEADER] * len(self.columns)),
                     len(self.columns))
        self.sheets.append(sheet)

    def add(self, texts: tuple[str, ...]) -> None:
        for text in texts:
            if self.sheets[-1].rows >= xlsx_stream.MAX_ROWS:
                self._next()
            self.sheets[-1].append(text, len(self.columns))
        self.rows += len(texts)

    def note(self) -> tuple[str, str] | None:
        """An overview line when the rows fill more than one sheet."""
        if len(self.sheets) < 2:
            return None
        return (self.title, f"共 {self.rows} 行，超过 Excel 每表 {xlsx_stream.MAX_ROWS} 行的上限，依次写在 "
                            f"{'、'.join(s.title for s in self.sheets)} 表中（每表第 1 行为表头）")


class SummaryWriter:
    """The three summary files, written as cases arrive (`add`, in input order) and put in place
    by `finish`, the last call in its with-block. An error or Ctrl-C before that removes the
    temporary files and leaves earlier summaries as they were."""

    def __init__(self, cases_csv: Path, findings_csv: Path, xlsx: Path):
        self.paths = (cases_csv, findings_csv, xlsx)
        self.grades: Counter = Counter()
        self.problems: Counter = Counter()  # action title -> cases that have it

    def __enter__(self) -> "SummaryWriter":
        with ExitStack() as stack:
            cases_csv, findings_csv, xlsx = (stack.enter_context(open_atomic(p)) for p in self.paths)
            for handle, columns in ((cases_csv, CASE_COLUMNS), (findings_csv, FINDING_COLUMNS)):
                handle.write(("\ufeff" + _csv(columns, [{key: title for key, title in columns}])).encode("utf-8"))
            self._cases_csv, self._findings_csv = cases_csv, findings_csv
            self._book = xlsx_stream.StreamingWorkbook(xlsx)
            stack.callback(self._book.discard)  # before the files it writes to are closed and removed
            self._cases = _Continued(self._book, CASES_SHEET, CASE_COLUMNS, CASE_WIDTHS, streamed=False)
            self._actions = _Continued(self._book, ACTIONS_SHEET, ACTION_COLUMNS, ACTION_WIDTHS, streamed=True)
            self._passed = _Continued(self._book, PASSED_SHEET, PASSED_COLUMNS, PASSED_WIDTHS, streamed=False)
            keys = [key for key, _ in CASE_COLUMNS]
            cases = self._cases.sheets[0]
            for grade in ("差", "中"):
                cases.highlight(keys.index("grade") + 1, "equal", f'"{grade}"', xlsx_stream.BAD if grade == "差" else xlsx_stream.WARN)
            column = keys.index("difference") + 1
            cases.highlight(column, "greaterThan", str(DIFFERENCE_FLAG), xlsx_stream.WARN)
            cases.highlight(column, "lessThan", str(-DIFFERENCE_FLAG), xlsx_stream.WARN)
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc) -> bool | None:
        return self._stack.__exit__(*exc)

    def add(self, rows: CaseRows) -> None:
        self._cases_csv.write(rows.case_csv.encode("utf-8"))
        self._cases.add((rows.case_xlsx,))
        if rows.findings_csv:
            self._findings_csv.write(rows.findings_csv.encode("utf-8"))
        self._actions.add(rows.actions_xlsx)
        self._passed.add(rows.passed_xlsx)
        if rows.grade:
            self.grades[rows.grade] += 1
        self.problems.update(set(rows.problems))

    def finish(self, facts: list[tuple[str, object]], failures: list[tuple[str, str]],
               grades: tuple[str, ...] = ()) -> tuple[Path, ...]:
        """Write the 概况 sheet (`facts`, notes on sheets continued past the row limit, the grade
        distribution in `grades` order with a chart, the most common problems, then the failed
        files and their errors) and put the three files in place."""
        lines: list[tuple] = list(facts)
        lines += [note for part in (self._cases, self._actions, self._passed) if (note := part.note())]
        order = list(grades) + sorted(set(self.grades) - set(grades))
        lines += [("", ""), ("等级", "案例数")]
        first = len(lines) + 1
        lines += [(grade, self.grades[grade]) for grade in order]
        last = len(lines)
        if self.problems:
            lines += [("", ""), ("最常见的问题", "案例数")]
            lines += sorted(self.problems.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_PROBLEMS]
        if failures:
            lines += [("", ""), ("失败的文件", "失败原因"), *failures]
        if len(lines) > xlsx_stream.MAX_ROWS:  # thousands of failed files: the rest are in summary.csv
            lines = lines[:xlsx_stream.MAX_ROWS - 1] + [("…", "其余失败的文件见 summary.csv")]
        sheet = self._book.sheet(OVERVIEW_SHEET, [16, 80])
        for label, value in lines:
            sheet.append(xlsx_stream.row([label, value], [xlsx_stream.LABEL, xlsx_stream.PLAIN]), 2)
        if order:
            self._book.bar_chart(sheet, "规则等级分布（案例数）", (1, first, last), (2, first, last), anchor=(3, 1))
        self._book.close()
        self._stack.close()
        return self.paths


def _widths(columns, widths: dict[str, int]) -> list[int]:
    return [widths.get(key, 12) for key, _ in columns]
