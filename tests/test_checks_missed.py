"""Defects the real-filings corpus showed jixiao missing (or raising wrongly), one check each.

Every tolerance and word list is the pack's; these tests fail on the engine and packs before the
change (each names the corpus filing that showed the gap)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.decimals import truncate

from .test_checks_rows3 import alarms, evaluate


# ---- a stated 执行率 truncated, not rounded (linxiang: 31.69 / 32.4 = 97.8086 %, stated 97.80 %) ----


@pytest.mark.parametrize("value, places, expected", [
    ("97.8086", 2, "97.80"), ("97.8086", 0, "97"), ("99.999", 1, "99.9"), ("100", 2, "100.00"),
])
def test_truncate_cuts_toward_zero(value, places, expected):
    assert truncate(Decimal(value), places) == Decimal(expected)


def _budget_case(rate):
    return {"budget": {"full_year": Decimal("32.4"), "executed": Decimal("31.69"), "rate": rate, "weight": 10,
                       "self_score": 9}}


@pytest.mark.parametrize("rate, alarm", [("97.80%", False), ("97.81%", False), ("97.8%", False),
                                         ("97.79%", True), ("97.82%", True), ("98%", False), ("97.7%", True),
                                         ("97%", True)])  # 97 % is B / A truncated, but 0.81 points off
def test_a_truncated_rate_is_not_a_mismatch(rate, alarm):
    ev = evaluate([{"name": "示例", "target": "≥10人", "actual": "12人", "weight": 10, "score": 10}],
                  **{"budget": _budget_case(rate)["budget"]})
    assert bool(alarms(ev, "JX-R07")) is alarm


# ---- the header: a blank 单位 cell (shouxian), a file name of another year (liangping) ----


def _header_case(**top):
    from engine.examples import case_from_fragment
    from engine.score import evaluate_case

    from .test_checks_rows3 import MATCHER, PACK
    return evaluate_case(case_from_fragment({"format": "jixiao-case/2", **top}, "<test>"), PACK, MATCHER)


def test_a_blank_unit_cell_is_reported_only_when_the_case_transcribes_the_cell():
    [finding] = alarms(_header_case(self_evaluation={"unit": ""}), "JX-F04")
    assert finding.subject == "单位" and finding.severity == "warning"
    assert not alarms(_header_case(self_evaluation={"unit": "示例县档案馆"}), "JX-F04")
    assert not alarms(_header_case(self_evaluation={"title": "2023年度部门整体支出绩效评价自评表"}), "JX-F04")  # header not stored
    # the importer writes unit: "" with a review item when it found no unit: not read is not blank
    not_found = {"field": "self_evaluation.unit", "value": None, "reason": "自评表中没有找到预算部门名称"}
    assert not alarms(_header_case(self_evaluation={"unit": ""}, review=[not_found]), "JX-F04")


@pytest.mark.parametrize("text, years", [
    ("重庆市梁平区林业局2022年度部门整体绩效自评表.docx", [2022]), ("部门预算项目支出绩效自评表(2023年度)", [2023]),
    ("2020 年市级服务贸易发展资金项目自评表", [2020]), ("2022年度…（2021—2023年规划）", [2022, 2023]),
    ("部门整体绩效自评表", []), ("编号12022年", []),
])
def test_title_years(text, years):
    from engine.facts_header import title_years
    assert title_years(text) == years


def test_a_title_or_file_name_of_another_year_is_reported():
    ev = _header_case(year=2023, published_title="《重庆市梁平区林业局2022年度部门整体绩效自评表.docx》",
                      self_evaluation={"title": "重庆市梁平区林业局2023年度部门整体绩效自评表"})
    [finding] = alarms(ev, "JX-F05")
    assert finding.subject == "公开时的文件名或标题" and "2022 年" in finding.message and "2023 年度" in finding.message
    assert not alarms(_header_case(year=2023, report={"title": "2022—2023年度绩效自评报告"}), "JX-F05")
    assert not alarms(_header_case(year=None, published_title="2022年度自评表"), "JX-F05")  # no year: nothing to compare


# ---- a report score item's grade against its share (danzhou: 过程 49.04 of 55 = 89.16 % rated 优) ----


@pytest.mark.parametrize("weight, score, grade, alarm", [
    (55, "49.04", "优", True), (55, "49.5", "优", False), (55, "49.04", "良", False), (20, 20, "优", False),
    (10, 5, "良", True), (10, 5, "差", False),
])
def test_a_score_items_grade_is_its_shares_band(weight, score, grade, alarm):
    ev = _header_case(report={"score_items": [{"name": "过程", "weight": weight, "score": Decimal(score), "grade": grade}]})
    found = alarms(ev, "JX-A65")
    assert bool(found) is alarm
    if alarm:
        assert found[0].subject == "过程" and grade in found[0].message


def test_an_item_without_a_grade_score_or_weight_is_not_graded():
    for item in ({"name": "投入", "weight": 15, "score": None, "grade": "优"}, {"name": "投入", "weight": 0, "score": 0, "grade": "差"},
                 {"name": "投入", "weight": 15, "score": 10}):
        ev = _header_case(report={"score_items": [item]})
        assert not [f for f in ev.facts if f.kind == "item_grade"]


# ---- a name for an amount measured in % (dazu: 消费品零售额, unit %, 9.5 → 25.6) ----


@pytest.mark.parametrize("name, unit, target, actual, alarm", [
    ("消费品零售额", "%", "9.5", "25.6", True), ("消费品零售额", "", "9.5%", "25.6%", True),
    ("消费品零售额同比增速", "%", "9.5", "25.6", False), ("足额保障率", "%", "100", "100", False),
    ("外贸进出口总额", "亿元", "17.5", "28.6", False), ("消费品零售额", "", "9.5亿元", "25.6亿元", False),
    ("网络零售额", "%", "≥17.95", "35.65", True),
])
def test_an_amount_named_row_measured_in_percent(name, unit, target, actual, alarm):
    ev = evaluate([{"name": name, "unit": unit, "target": target, "actual": actual, "weight": 25}],
                  level1="", level2="", format="jixiao-case/2")
    assert bool(alarms(ev, "JX-A66")) is alarm


def test_a_doubted_unit_cell_silences_the_name_check():
    where = "self_evaluation.indicators[0].groups[0].rows[0].unit"
    ev = evaluate([{"name": "消费品零售额", "unit": "%", "target": "9.5", "actual": "25.6", "weight": 25}],
                  level1="", level2="", format="jixiao-case/2",
                  review=[{"field": where, "value": "%", "reason": "单元格按列序推断"}])
    assert not alarms(ev, "JX-A66")


# ---- a projected duration restated as done (linxiang: 可持续影响年限 ≥15年, actual 15年) ----


@pytest.mark.parametrize("name, target, actual, alarm", [
    ("项目建成后可持续影响年限", "≥15年", "15年", True), ("设施使用年限", "≥10年", "10年", True),
    ("项目建成后可持续影响年限", "≥15年", "≥15年", False),   # copied comparator and all: JX-A05 / A06
    ("项目建成后可持续影响年限", "≥15年", "验收合格，正常使用", False), ("培训人数", "≥15人", "15人", False),
])
def test_a_projected_duration_restated_as_the_actual(name, target, actual, alarm):
    ev = evaluate([{"name": name, "target": target, "actual": actual, "weight": 10, "score": 10}],
                  "效益指标", "可持续影响指标")
    assert bool(alarms(ev, "JX-A67")) is alarm


# ---- a goal stating only a funding arrangement (chuzhou: 补贴标准按照…确定，不足部分由市级财政配套补足) ----

CHUZHOU = ("三支一扶”高校毕业生生活补贴标准按照乡镇事业单位从高校毕业生中新聘用工作人员试用期满后工资收入水平确定。"
           "中央和省级给予定额补助,不足部分由市级财政配套补足。")


@pytest.mark.parametrize("expected, alarm", [
    (CHUZHOU, True),
    (CHUZHOU + "确保补贴及时足额发放。", False),             # says what is to be achieved
    ("补贴标准按照每人每月2000元确定。", False),              # a figure: not only an arrangement (JX-G01 judges amounts)
    ("完成年度防汛工作,完成中型灌区节水改造项目。", False),
])
def test_a_goal_stating_only_a_funding_arrangement(expected, alarm):
    ev = evaluate([{"name": "示例", "target": "≥10人", "actual": "12人", "weight": 10, "score": 10}],
                  goal={"expected": expected, "actual": "已拨付"})
    assert bool(alarms(ev, "JX-A68")) is alarm


def test_a_goal_under_review_is_not_called_no_goal():
    cut = {"field": "self_evaluation.goal.expected", "value": CHUZHOU[-10:], "reason": "存档文本在此截断"}
    ev = evaluate([{"name": "示例", "target": "≥10人", "actual": "12人", "weight": 10, "score": 10}],
                  goal={"expected": CHUZHOU, "actual": "已拨付"}, review=[cut])
    assert not alarms(ev, "JX-A68")
