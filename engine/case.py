"""The case model: one unit's filing for one year, as typed, immutable data.

Built from schema-validated YAML data (see `schemas/case.schema.json`, formats `jixiao-case/1`
and `jixiao-case/2`). Text cells stay exactly as written; numbers are Decimal. Nothing here
parses notation or applies policy: that is the facts stage's job (`engine/facts.py`) under the
pack's vocabulary.

A v2 case may lack any part (target table, self-evaluation table, budget row, report): what is
there is recorded in `Case.parts`, and the score stage lists what is missing as not checkable.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .decimals import D

FORMAT_V1 = "jixiao-case/1"
FORMAT_V2 = "jixiao-case/2"
FORMATS = (FORMAT_V1, FORMAT_V2)

# The parts a filing may have or lack (v2); each is named in a result's `not_checkable`.
PARTS = ("target_table", "budget", "indicators", "total", "report")


def _num(value) -> Decimal | None:
    return None if value is None else D(value)


def _text(value) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class IndicatorRow:
    """One row of the self-evaluation table's indicator grid."""

    number: int  # 1-based, in table order (children counted after their parent); what `--why 5` refers to
    level1: str
    level1_label: str | None  # the level-1 cell as written, e.g. "产出指标(50分)"
    level2: str
    name: str
    target: str
    actual: str
    weight: Decimal | None
    score: Decimal | None  # the department's self score (得分)
    reason: str  # 偏差原因分析及改进措施, as written
    path: tuple  # JSON path of the row in the case file (for line numbers)
    # v2: stated points of the headings above the row, and the columns real forms carry.
    level1_points: Decimal | None = None
    level2_points: Decimal | None = None
    level2_label: str | None = None
    level2_score: Decimal | None = None  # the 得分 cell merged over the row's level-2 group (group `score`)
    nature: str = ""  # 指标性质 (≥ ≤ =)
    unit: str = ""  # 度量单位
    adjusted_target: str = ""  # 调整指标值
    coefficient: str = ""  # 得分系数
    core: bool | None = None  # 是否核心指标 / ★
    explanation: str = ""  # 指标解释
    measures: str = ""  # 改进措施 (own column)
    criteria: str = ""  # 评分标准 (scoresheets)
    completion: str = ""  # 完成率 as written
    parent: int | None = None  # the number of the row a "其中" row belongs to
    children: tuple[IndicatorRow, ...] = ()


@dataclass(frozen=True)
class TargetRow:
    """One row of the target table (绩效目标表)."""

    level1: str
    level2: str
    name: str
    target: str
    path: tuple


@dataclass(frozen=True)
class Budget:
    initial: Decimal | None  # 年初预算数
    full_year: Decimal | None  # 全年预算数 (A)
    executed: Decimal | None  # 全年执行数 (B)
    weight: Decimal | None  # 分值
    rate: str  # 执行率 as written
    self_score: Decimal | None
    # v2 columns
    carryover: Decimal | None = None  # 上年结转
    adjustment: Decimal | None = None  # 预算调整
    balance: Decimal | None = None  # 结余
    balance_rate: str = ""  # 结余率 as written
    reason: str = ""  # 原因 / 偏差说明
    adjustment_reason: str = ""  # 调整原因
    label: str = ""


@dataclass(frozen=True)
class ReviewItem:
    """An entry of the case's `review:` list: a cell the importer (or transcriber) was unsure of."""

    field: str
    value: str
    reason: str
    action: str = ""
    where: tuple[tuple[str, str], ...] = ()  # (file|page|table|row|col, value)


@dataclass(frozen=True)
class Case:
    file: str
    sha256: str
    unit: str
    year: int | None  # None: the filing states no year (a review item; `--year` supplies it)
    form: str
    region: str | None
    budget: Budget
    rows: tuple[IndicatorRow, ...]  # top-level rows; "其中" rows are in their parent's `children`
    target_rows: tuple[TargetRow, ...]
    stated_total_weight: Decimal | None
    stated_total_score: Decimal | None
    data: Any  # the validated document data, for checks that read further blocks
    format: str = FORMAT_V1
    layout: str | None = None
    supervisor: str = ""
    project: str = ""
    project_category: str = ""
    implementer: str = ""
    money_unit: str = "万元"
    weights_note: str = ""
    notes: tuple[str, ...] = ()
    allocation: tuple[tuple[str, Decimal], ...] = ()  # a footnote's stated allocation (产出指标, 50) ...
    parts: frozenset[str] = frozenset(PARTS)  # the parts the filing has
    review: tuple[ReviewItem, ...] = ()
    year_supplied: bool = False  # the year came from `--year`, not from the file
    report_total_score: Decimal | None = None  # the 自评总分 the report states (report.self_score.score)
    published: str = ""  # the date the filing was published, as written (v2 `published`)
    filed: str = ""  # the self-evaluation table's 填报日期, as written (v2 `self_evaluation.date`)

    @property
    def all_rows(self) -> tuple[IndicatorRow, ...]:
        """Every indicator row in table order, "其中" rows after their parent."""
        out: list[IndicatorRow] = []

        def walk(rows):
            for r in rows:
                out.append(r)
                walk(r.children)

        walk(self.rows)
        return tuple(out)

    @property
    def missing_parts(self) -> tuple[str, ...]:
        return tuple(p for p in PARTS if p not in self.parts)


def _walk_indicators(blocks, base_path):
    """Yield (path, block, group, row) in table order."""
    for i, block in enumerate(blocks or []):
        for j, group in enumerate(block.get("groups") or []):
            for k, row in enumerate(group.get("rows") or []):
                yield (*base_path, i, "groups", j, "rows", k), block, group, row


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> int:
        self.n += 1
        return self.n


def _indicator_row(row: dict, path: tuple, block: dict, group: dict, number: _Counter,
                   parent: int | None = None) -> IndicatorRow:
    own = number()
    children = tuple(
        _indicator_row(child, (*path, "children", c), block, group, number, parent=own)
        for c, child in enumerate(row.get("children") or [])
    )
    core = row.get("core")
    return IndicatorRow(
        number=own,
        level1=_text(block.get("level1")),
        level1_label=block.get("label"),
        level2=_text(group.get("level2")),
        name=_text(row.get("name")),
        target=_text(row.get("target")),
        actual=_text(row.get("actual")),
        weight=_num(row.get("weight")),
        score=_num(row.get("score")),
        reason=_text(row.get("reason")),
        path=path,
        level1_points=_num(block.get("points")),
        level2_points=_num(group.get("points")),
        level2_label=group.get("label"),
        level2_score=_num(group.get("score")),
        nature=_text(row.get("nature")),
        unit=_text(row.get("unit")),
        adjusted_target=_text(row.get("adjusted_target")),
        coefficient=_text(row.get("coefficient")),
        core=None if core is None else bool(core),
        explanation=_text(row.get("explanation")),
        measures=_text(row.get("measures")),
        criteria=_text(row.get("criteria")),
        completion=_text(row.get("completion")),
        parent=parent,
        children=children,
    )


def _parts(data: dict, se: dict, rows: tuple, target_rows: tuple) -> frozenset[str]:
    if data.get("format", FORMAT_V1) == FORMAT_V1:
        return frozenset(PARTS)
    have = set()
    if target_rows or (data.get("target_table") or {}).get("budget"):
        have.add("target_table")
    b = se.get("budget") or {}
    # The block is there when the department filled any of it: amounts, or a stated rate or score
    # with amounts that could not be read (then JX-E02 makes it 待复核, never "absent"). A printed
    # 分值 alone is the form's template, not a filled block.
    if any(b.get(k) is not None for k in ("initial", "full_year", "executed", "self_score")) \
            or str(b.get("rate") or "").strip():
        have.add("budget")
    if rows:
        have.add("indicators")
    total = se.get("total") or {}
    if total.get("weight") is not None or total.get("score") is not None:
        have.add("total")
    if data.get("report"):
        have.add("report")
    return frozenset(have)


def _review(items) -> tuple[ReviewItem, ...]:
    out = []
    for item in items or []:
        where = item.get("where") or {}
        out.append(ReviewItem(
            field=_text(item.get("field")), value=_text(item.get("value")), reason=_text(item.get("reason")),
            action=_text(item.get("action")),
            where=tuple((k, _text(where[k])) for k in ("file", "page", "table", "row", "col") if where.get(k) is not None),
        ))
    return tuple(out)


def _report_score(report) -> Decimal | None:
    """The 自评总分 a report states (`report.self_score.score`), or None."""
    stated = report.get("self_score") if isinstance(report, dict) else None
    return _num(stated.get("score")) if isinstance(stated, dict) else None


def build_case(data: dict, file: str, sha256: str, year: int | None = None) -> Case:
    """The Case of validated data. `year` supplies the fiscal year when the file states none
    (`jixiao score --year`); a year in the file wins."""
    se = data.get("self_evaluation") or {}
    b = se.get("budget") or {}
    budget = Budget(
        initial=_num(b.get("initial")),
        full_year=_num(b.get("full_year")),
        executed=_num(b.get("executed")),
        weight=_num(b.get("weight")),
        rate=_text(b.get("rate")),
        self_score=_num(b.get("self_score")),
        carryover=_num(b.get("carryover")),
        adjustment=_num(b.get("adjustment")),
        balance=_num(b.get("balance")),
        balance_rate=_text(b.get("balance_rate")),
        reason=_text(b.get("reason")),
        adjustment_reason=_text(b.get("adjustment_reason")),
        label=_text(b.get("label")),
    )
    number = _Counter()
    rows = tuple(
        _indicator_row(row, path, block, group, number)
        for path, block, group, row in _walk_indicators(se.get("indicators"), ("self_evaluation", "indicators"))
    )
    tt = data.get("target_table") or {}
    target_rows = tuple(
        TargetRow(level1=_text(block.get("level1")), level2=_text(group.get("level2")), name=_text(row.get("name")),
                  target=_text(row.get("target")), path=path)
        for path, block, group, row in _walk_indicators(tt.get("indicators"), ("target_table", "indicators"))
    )
    total = se.get("total") or {}
    stated_year = data.get("year")
    return Case(
        file=file,
        sha256=sha256,
        unit=_text(data.get("unit")),
        year=int(stated_year) if stated_year is not None else year,
        form=_text(data.get("form")),
        region=data.get("region"),
        budget=budget,
        rows=rows,
        target_rows=target_rows,
        stated_total_weight=_num(total.get("weight")),
        stated_total_score=_num(total.get("score")),
        data=data,
        format=_text(data.get("format")) or FORMAT_V1,
        layout=data.get("layout"),
        supervisor=_text(data.get("supervisor")),
        project=_text(data.get("project")),
        project_category=_text(data.get("project_category")),
        implementer=_text(data.get("implementer")),
        money_unit=_text(se.get("money_unit")) or "万元",
        weights_note=_text(se.get("weights_note")),
        notes=tuple(_text(n) for n in se.get("notes") or []),
        allocation=tuple((str(k), D(v)) for k, v in (se.get("allocation") or {}).items()),
        parts=_parts(data, se, rows, target_rows),
        review=_review(data.get("review")),
        year_supplied=stated_year is None and year is not None,
        report_total_score=_report_score(data.get("report")),
        published=_text(data.get("published")),
        filed=_text(se.get("date")),
    )
