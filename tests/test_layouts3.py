"""Layouts, round three: what the corpus's new filings showed (scoresheets with targets and
actuals, merged score cells per level-2 group, a report's stated self score, results where most
points await review)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from engine.api import score_file

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"


def _write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _open(result) -> Counter:
    return Counter(f.rule for f in result.findings if not f.passed)


def _by_name(result):
    return {e.item: e for e in result.ledger if e.kind == "score"}


# --- 1. criteria scoresheets that carry targets and actuals ------------------------------------

SCORESHEET = """\
format: jixiao-case/2
unit: 测试中学
year: 2021
form: project
layout: scoresheet
self_evaluation:
  indicators:
    - level1: 项目决策
      points: 4
      groups:
        - level2: 项目目标
          rows:
            - {name: 完整性, weight: 4, target: 一, actual: 目标明确、内容细化, score: 4, reason: ""}
    - level1: 项目管理
      points: 17
      groups:
        - level2: 投入管理
          rows:
            - {name: 预算执行率, weight: 10, target: 一, actual: 100%, score: 9, reason: ""}
        - level2: 财务管理
          rows:
            - {name: 财务管理制度有效性, weight: 7, target: 一, actual: 财务制度健全且严格执行, score: 7, reason: ""}
    - level1: 项目产出
      points: 15
      groups:
        - level2: 数量指标
          rows:
            - {name: 保障人数, weight: 10, target: 2370人, actual: 2370人, score: 10, reason: ""}
        - level2: 时效指标
          rows:
            - {name: 完成时间, weight: 5, target: 2021年12月完成, actual: 2021年12月完成, score: 4, reason: ""}
    - level1: 项目效益
      points: 10
      groups:
        - level2: 社会效益指标
          rows:
            - {name: 效果显著, weight: 10, target: 改善办学条件, actual: 改善办学条件, score: 8, reason: 部分设备尚未到位，明年继续采购。}
"""


def test_scoresheet_names_its_blocks_in_the_ningxia_words(tmp_path):
    result = score_file(_write(tmp_path, SCORESHEET), matcher="python")
    assert result.pack_id == "scoresheet"
    sections = {s.key: s.score for s in result.sections}
    assert sections == {"投入": Decimal(4), "过程": Decimal(16), "产出": Decimal(14), "效益": Decimal(8)}
    assert not any("不属于规则包" in r.reason for r in result.review_items)


def test_stated_scores_are_counted_even_when_the_actual_is_free_text(tmp_path):
    """JX-S50 does not read target and actual (`reads_values: false`): a stated 7/7 whose actual
    is outside the qualitative word list is 7, not 待复核."""
    rows = _by_name(score_file(_write(tmp_path, SCORESHEET), matcher="python"))
    assert rows["财务管理制度有效性"].outcome != "review"
    assert rows["财务管理制度有效性"].points == Decimal(7)
    assert rows["完整性"].points == Decimal(4)


def test_an_unplaced_row_stays_in_review_under_a_stated_score_rule(tmp_path):
    text = SCORESHEET.replace("level1: 项目效益", "level1: 其他事项").replace("level2: 社会效益指标", "level2: 杂项")
    rows = _by_name(score_file(_write(tmp_path, text), matcher="python"))
    assert rows["效果显著"].outcome == "review"
    assert rows["效果显著"].points == 0


def test_met_but_deducted_and_no_reason_on_a_scoresheet_with_targets_and_actuals(tmp_path):
    result = score_file(_write(tmp_path, SCORESHEET), matcher="python")
    rows = {(f.rule, f.row) for f in result.findings if not f.passed}
    numbers = {e.item: e.row for e in result.ledger if e.kind == "score"}
    assert ("JX-S52", numbers["完成时间"]) in rows          # text equal, 4 of 5
    assert ("JX-S52", numbers["效果显著"]) in rows          # text equal, 8 of 10
    assert ("JX-S52", numbers["预算执行率"]) in rows        # a bounded rate at 100%, 9 of 10
    assert ("JX-S52", numbers["保障人数"]) not in rows      # full marks
    assert ("JX-A04", numbers["完成时间"]) in rows          # deducted, reason column empty
    assert ("JX-A04", numbers["效果显著"]) not in rows      # deducted with a reason


def test_a_scoresheet_without_targets_and_actuals_gets_neither_check(tmp_path):
    text = "\n".join(line for line in SCORESHEET.splitlines())
    for cell in ("target: 一, ", "target: 2370人, ", "target: 2021年12月完成, ", "target: 改善办学条件, "):
        text = text.replace(cell, "")
    for cell in ("actual: 目标明确、内容细化, ", "actual: 100%, ", "actual: 财务制度健全且严格执行, ", "actual: 2370人, ",
                 "actual: 2021年12月完成, ", "actual: 改善办学条件, "):
        text = text.replace(cell, "")
    assert "target" not in text and "actual" not in text
    result = score_file(_write(tmp_path, text), matcher="python")
    assert not {"JX-S52", "JX-A04"} & set(_open(result))
    assert result.total == Decimal(42)
