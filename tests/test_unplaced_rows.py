"""Rows of no section (no 一级 / 二级 column the pack can place; issue 12: "rows with no level-1
column"). Judging met / unmet needs no section, only points do: a row the form gives no points is
judged as any such row and listed apart (未归入任何部分的指标); a row with points, or one whose
share of a section's points is unknown (a 20 + 80 layout), stays 待复核 with the reason."""

from __future__ import annotations

import datetime
from pathlib import Path

from engine.api import load_pack, matcher_for
from engine.case import build_case
from engine.report import render
from engine.report.common import section_tables
from engine.result import UNPLACED_TITLE
from engine.score import score_case

ROOT = Path(__file__).resolve().parent.parent


def _score(rows, pack="national-2020", level1="", level2="", layout=None):
    data = {"format": "jixiao-case/2", "unit": "示例商务委", "year": 2021, "form": "department",
            "self_evaluation": {"budget": {"full_year": 100, "executed": 100},
                                "indicators": [{"level1": level1, "groups": [{"level2": level2, "rows": rows}]}]}}
    if layout:
        data["layout"] = layout
    loaded = load_pack(ROOT / "rules" / pack)
    return score_case(build_case(data, "x.yaml", "0" * 64), loaded, matcher_for(loaded, "python"))


def _rows(result):
    return {e.row: e for e in result.ledger if e.row is not None}


def test_a_row_without_points_and_without_a_section_is_judged_and_listed_apart():
    result = _score([{"name": "消费品零售额增速", "target": "9.5%", "actual": "25.6%"},
                     {"name": "新增企业", "target": "≥23家", "actual": "20家"}])
    rows = _rows(result)
    assert [(e.outcome, e.rule, e.verdict, e.section) for e in rows.values()] == [
        ("judged", "JX-S60", "met", ""), ("judged", "JX-S61", "unmet", "")]
    assert all("不属于规则包 national-2020 的任何部分" in e.explanation and UNPLACED_TITLE in e.explanation
               for e in rows.values())
    assert result.unplaced == tuple(rows.values())
    assert result.total == 10 and result.grade_withheld  # nothing placed in a section, no points given
    # every report lists them in their own table, with no subtotal
    table = section_tables(result)[-1]
    assert table.title == f"{UNPLACED_TITLE}（不计分）" and [r.cells[1] for r in table.rows] == ["消费品零售额增速", "新增企业"]
    assert all(r.style != "subtotal" for r in table.rows)
    assert f"{UNPLACED_TITLE}（不计分）" in render(result, "table")
    assert f"{UNPLACED_TITLE}（不计分）" in render(result, "markdown", datetime.date(2025, 1, 31))


def test_a_weighted_row_without_a_section_stays_in_review_with_the_reason():
    # no-scores-2021-dazu-swj: 指标权重 25 on a row with no 一级 / 二级 column: the points have nowhere to go
    entry = _rows(_score([{"name": "消费品零售额", "target": "9.5", "actual": "25.6", "weight": 25}]))[1]
    assert entry.outcome == "review" and entry.points == 0
    assert "该行的分值无法计入任何部分" in entry.explanation and "本项分值 25 分暂不计入总分" in entry.explanation


def test_a_row_of_no_section_in_a_layout_that_shares_section_points_stays_in_review():
    # 20 + 80: a row without a weight of its own gets a share of its section's points; placed nowhere,
    # its share is unknown: not "a row the form gives no points"
    entry = _rows(_score([{"name": "补贴渔船数", "target": "6", "actual": "6"}], pack="layout-20-80",
                         level1="出标产指", level2="数量指标", layout="20+80"))[1]
    assert entry.outcome == "review" and "应分得的分值无法确定" in entry.explanation


def test_an_unreadable_row_of_no_section_gives_both_reasons():
    entry = _rows(_score([{"name": "宣传次数", "target": "至少全年完成2次宣传", "actual": "已完成100%"}],
                         level1="项目决策", level2="数量指标"))[1]
    assert entry.outcome == "review"
    assert "单位不同" in entry.explanation and "不属于规则包 national-2020 的任何部分" in entry.explanation
