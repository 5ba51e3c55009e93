"""The case model: one unit's filing for one year, as typed, immutable data.

Built from schema-validated YAML data (see `schemas/case.schema.json`). Text cells stay exactly
as written; numbers are Decimal. Nothing here parses notation or applies policy: that is the
facts stage's job (`engine/facts.py`) under the pack's vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .decimals import D


def _num(value) -> Decimal | None:
    return None if value is None else D(value)


@dataclass(frozen=True)
class IndicatorRow:
    """One row of the self-evaluation table's indicator grid."""

    number: int  # 1-based, in table order; what `--why 5` refers to
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


@dataclass(frozen=True)
class Case:
    file: str
    sha256: str
    unit: str
    year: int
    form: str
    region: str | None
    budget: Budget
    rows: tuple[IndicatorRow, ...]
    target_rows: tuple[TargetRow, ...]
    stated_total_weight: Decimal | None
    stated_total_score: Decimal | None
    data: Any  # the validated document data, for checks that read further blocks


def _walk_indicators(blocks, base_path):
    """Yield (path, level1, level1_label, level2, row) in table order."""
    for i, block in enumerate(blocks or []):
        for j, group in enumerate(block.get("groups") or []):
            for k, row in enumerate(group.get("rows") or []):
                path = (*base_path, i, "groups", j, "rows", k)
                yield path, block.get("level1", ""), block.get("label"), group.get("level2", ""), row


def build_case(data: dict, file: str, sha256: str) -> Case:
    se = data.get("self_evaluation") or {}
    b = se.get("budget") or {}
    budget = Budget(
        initial=_num(b.get("initial")),
        full_year=_num(b.get("full_year")),
        executed=_num(b.get("executed")),
        weight=_num(b.get("weight")),
        rate=str(b.get("rate") or ""),
        self_score=_num(b.get("self_score")),
    )
    rows = tuple(
        IndicatorRow(
            number=n,
            level1=l1,
            level1_label=label,
            level2=l2,
            name=str(row.get("name", "")),
            target=str(row.get("target", "")),
            actual=str(row.get("actual", "")),
            weight=_num(row.get("weight")),
            score=_num(row.get("score")),
            reason=str(row.get("reason", "")),
            path=path,
        )
        for n, (path, l1, label, l2, row) in enumerate(
            _walk_indicators(se.get("indicators"), ("self_evaluation", "indicators")), start=1
        )
    )
    tt = data.get("target_table") or {}
    target_rows = tuple(
        TargetRow(level1=l1, level2=l2, name=str(row.get("name", "")), target=str(row.get("target", "")), path=path)
        for path, l1, _label, l2, row in _walk_indicators(tt.get("indicators"), ("target_table", "indicators"))
    )
    total = se.get("total") or {}
    return Case(
        file=file,
        sha256=sha256,
        unit=str(data.get("unit", "")),
        year=int(data.get("year", 0)),
        form=str(data.get("form", "")),
        region=data.get("region"),
        budget=budget,
        rows=rows,
        target_rows=target_rows,
        stated_total_weight=_num(total.get("weight")),
        stated_total_score=_num(total.get("score")),
        data=data,
    )
