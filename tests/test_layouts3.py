"""Layouts, round three: what the corpus's new filings showed (scoresheets with targets and
actuals, merged score cells per level-2 group, a report's stated self score, results where most
points await review)."""

from __future__ import annotations

import datetime
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
    """JX-S50 scores the stated score (`compare_values: false`): a stated 7/7 whose actual
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


# --- 3. a report's stated self score -----------------------------------------------------------

NARRATIVE = """\
format: jixiao-case/2
unit: 测试图书馆
year: 2022
form: project
layout: narrative
report:
  self_score: {score: 97, quote: 自评得分97分。}
"""


def test_a_report_score_is_the_self_total_when_the_table_has_none(tmp_path):
    from engine.report import render

    result = score_file(_write(tmp_path, NARRATIVE), matcher="python")
    assert result.self_total == Decimal(97)
    assert result.self_total_source == "report"
    assert result.self_grade == "优"
    assert result.difference is None  # nothing scored: no rule total to compare with
    letter = render(result, "markdown", datetime.date(2026, 12, 2))
    assert "97（自评报告所述）" in letter and "（未填写）" not in letter
    import json
    assert json.loads(render(result, "json"))["self_assessed"]["source"] == "report"


def test_the_seed_table_total_stays_the_self_total_and_agrees_with_its_report():
    result = score_file(ROOT / "cases" / "2022" / "lukou-gsl.yaml", matcher="python")
    assert result.self_total_source == ""
    assert "JX-C21" not in _open(result)
    assert str(result.total) == "99.26" and result.grade == "优"


def test_report_score_against_the_table_total(tmp_path):
    seed = (ROOT / "cases" / "2022" / "lukou-gsl.yaml").read_text(encoding="utf-8")
    assert "score: 93" in seed
    import yaml
    data = yaml.safe_load(seed)
    data["report"]["self_score"] = {"score": 97, "quote": "自评得分97分"} if "self_score" not in data["report"] \
        else {**data["report"]["self_score"], "score": 97}
    path = _write(tmp_path, yaml.safe_dump(data, allow_unicode=True), "differs.yaml")
    result = score_file(path, matcher="python")
    assert _open(result)["JX-C21"] == 1
    assert result.self_total == Decimal(93)  # the table's 总分 row stays the self total
    # the sum check still compares the table's item scores with the table's total only
    assert not any(f.rule == "JX-R01" and "97" in f.message for f in result.findings if not f.passed)


def test_a_report_score_does_not_feed_the_sum_check_on_a_partial_table(tmp_path):
    text = NARRATIVE + """\
self_evaluation:
  indicators:
    - level1: 产出指标
      groups:
        - level2: 数量指标
          rows:
            - {name: 借阅人次, target: ≥1000人次, actual: 1200人次, weight: 20, score: 20, reason: ""}
"""
    result = score_file(_write(tmp_path, text), matcher="python")
    assert result.self_total == Decimal(97) and result.self_total_source == "report"
    assert not any(f.rule == "JX-R01" for f in result.findings if not f.passed)
    assert "JX-C21" not in _open(result)


# --- 4. a grade over few scorable points is not a verdict --------------------------------------

def test_a_grade_over_ten_of_a_hundred_points_is_withheld(tmp_path):
    from engine.report import render
    from engine.report.summary import case_row

    text = NARRATIVE.replace("report:\n  self_score: {score: 97, quote: 自评得分97分。}\n", "") + """\
self_evaluation:
  budget: {full_year: 29.6, executed: 29.6, rate: 100%, weight: null, self_score: null}
  indicators:
    - level1: 产出指标
      groups:
        - level2: 数量指标
          rows:
            - {name: 资助人次, target: 不低于105人, actual: 116人}
            - {name: 补贴人次, target: 不低于180人, actual: 164人}
"""
    result = score_file(_write(tmp_path, text), matcher="python")
    assert result.total == Decimal(10) and result.scored_max == Decimal(10)
    assert result.grade_withheld and result.grade == "差"
    assert result.status_text.endswith("，等级暂不评定）")
    letter = render(result, "markdown", datetime.date(2026, 12, 2))
    assert "暂不定级" in letter and "等级暂不评定" in letter
    assert "等级为“差”" not in letter and "等级暂为“差”" not in letter
    import json
    total = json.loads(render(result, "json"))["total"]
    assert total["grade_withheld"] is True and total["scored_max"] == "10.00"
    assert case_row(result, "x.yaml", "")["grade"] == "暂不定级"


def test_a_mostly_scored_result_keeps_its_grade(tmp_path):
    result = score_file(_write(tmp_path, SCORESHEET), matcher="python")
    assert not result.grade_withheld


# --- 2. a 得分 cell merged over a level-2 group ------------------------------------------------

MERGED = """\
format: jixiao-case/2
unit: 测试图书馆
year: 2022
form: project
layout: 20+80
self_evaluation:
  budget: {full_year: 5, executed: 5, rate: 100%, weight: 20, self_score: 20}
  indicators:
    - level1: 产出指标
      points: 40
      groups:
        - level2: 数量指标
          score: 10
          rows:
            - {name: 存储备份器, target: 25TB, actual: 25TB}
            - {name: 布点覆盖率, target: 100%, actual: 100%}
        - level2: 质量指标
          rows:
            - {name: 验收合格率, target: 100%, actual: 100%, score: 10}
        - level2: 时效指标
          score: 10
          rows:
            - {name: 服务天数, target: ≥360天, actual: 365天}
            - {name: 开放时长, target: ≥8小时, actual: 6小时}
        - level2: 成本指标
          rows:
            - {name: 采购成本, target: ≤5万元, actual: 5万元, score: 10}
    - level1: 满意度指标
      points: 40
      groups:
        - level2: 服务对象满意度指标
          rows:
            - {name: 读者满意度, target: ≥90%, actual: 95%, score: 40}
"""


def test_a_merged_score_cell_shares_the_heading_by_group_and_invents_no_row_scores(tmp_path):
    result = score_file(_write(tmp_path, MERGED), matcher="python")
    rows = _by_name(result)
    # 40 points over 4 level-2 groups = 10 each, then over each group's rows
    assert [rows[n].weight for n in ("存储备份器", "布点覆盖率", "验收合格率", "服务天数", "开放时长", "采购成本")] == \
        [Decimal(5), Decimal(5), Decimal(10), Decimal(5), Decimal(5), Decimal(10)]
    assert rows["存储备份器"].self_score is None and rows["服务天数"].self_score is None
    assert not {"JX-A13", "JX-A01"} & set(_open(result))
    # the merged cell is the group's self score: 数量 10 = 5 + 5, 时效 10 ≠ 5 + 3.75
    groups = [f for f in result.findings if f.rule == "JX-G01" and not f.passed]
    assert len(groups) == 1 and "时效指标" in groups[0].message and "10" in groups[0].message
    产出 = next(s for s in result.sections if s.key == "年度目标")
    assert 产出.self_score == Decimal(80)  # 10 + 10 + 10 + 10 + 40: group cells counted once each
    assert result.self_items_sum == Decimal(100)


def test_without_merged_cells_the_heading_is_still_shared_by_row(tmp_path):
    text = MERGED.replace("          score: 10\n", "")
    rows = _by_name(score_file(_write(tmp_path, text), matcher="python"))
    assert rows["存储备份器"].weight == Decimal("6.67") or rows["存储备份器"].weight == Decimal("6.66")


def test_a_shared_weight_is_not_a_stated_one_for_score_over_weight(tmp_path):
    """layout-20-80 reports 自评得分超过分值 only against a 分值 the form states on the row."""
    text = MERGED.replace("{name: 验收合格率, target: 100%, actual: 100%, score: 10}",
                          "{name: 验收合格率, target: 100%, actual: 100%, score: 12}")
    assert "JX-A13" not in _open(score_file(_write(tmp_path, text), matcher="python"))
    stated = text.replace("score: 12}", "weight: 10, score: 12}")
    assert _open(score_file(_write(tmp_path, stated, "stated.yaml"), matcher="python"))["JX-A13"] == 1


def test_the_huangshi_corpus_filing_has_no_false_score_over_weight():
    result = score_file(CORPUS / "20+80-2022-huangshi-tsg-gxgc" / "case.yaml", matcher="python")
    assert "JX-A13" not in _open(result)
    rows = _by_name(result)
    assert rows["一个存储备份器"].weight == Decimal(5) and rows["以低价位高质量为采购原则"].weight == Decimal(10)
