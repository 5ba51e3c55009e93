"""Checks, round three (filing, budget, block, total, form and report figures): the budget row read
from its "其中" funding rows when its total is left at 0, adjustments audited on the budget row,
sums whose parts the filing cut off kept out of the errors, the form's own headings and figures in
cells and reports that state a total with parts, the overall goal, grades, and whether the form was
filled at all. Every word and threshold is the pack's; the arithmetic is here under test."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from engine.api import load_pack, matcher_for
from engine.examples import case_from_fragment
from engine.facts import budget_of, criteria_doubts
from engine.facts_checks import _cell_parts, _unsure
from engine.score import evaluate_case
from engine.values import notation_for, parse_value

from .conftest import NATIONAL, ROOT

PACK = load_pack(ROOT / NATIONAL)
MATCHER = matcher_for(PACK, "python")


def evaluate(data: dict):
    return evaluate_case(case_from_fragment(data, "<test>"), PACK, MATCHER)


def alarms(evaluation) -> Counter:
    return Counter(f.rule for f in evaluation.result.findings
                   if f.severity in ("warning", "error") and not f.passed)


def findings(evaluation, rule: str):
    return [f for f in evaluation.result.findings if f.rule == rule]


def row(name="示例指标", target="≥5人", actual="5人", weight=10, score=10, reason=""):
    return {"name": name, "target": target, "actual": actual, "weight": weight, "score": score, "reason": reason}


def grid(*rows, level1="产出指标", level2="数量指标", **block):
    return [{"level1": level1, **block, "groups": [{"level2": level2, "rows": list(rows)}]}]


ZERO_TOTAL = {"label": "年度资金总额", "initial": 0, "full_year": 0, "executed": 0, "weight": 10, "rate": "0",
              "self_score": 0}
FUNDING = {"rows": [{"name": "其中:本年财政拨款", "initial": 202.64, "full_year": 132.912, "executed": 132.912},
                    {"name": "上年结转资金", "initial": None, "full_year": None, "executed": None}]}


# ------------------------------------------------------------------ the budget row and its funding rows
def test_a_total_row_left_at_zero_is_read_from_its_funding_rows_and_the_mismatch_is_an_error():
    ev = evaluate({"self_evaluation": {"budget": ZERO_TOTAL, "funding": FUNDING}})
    budget = next(e for e in ev.result.ledger if e.row is None)
    assert (budget.rule, budget.points, budget.outcome) == ("JX-E01", Decimal("10.00"), "scored")  # 132.912 / 132.912
    sums = [f for f in findings(ev, "JX-R01") if dict(f.numbers)["check"].startswith("funding_rows_")]
    assert sorted(dict(f.numbers)["check"] for f in sums) == [
        "funding_rows_executed", "funding_rows_full_year", "funding_rows_initial"]
    assert all("年度资金总额" in f.subject for f in sums)
    counts = alarms(ev)
    assert counts["JX-E23"] == 1  # self 0 against the rule's 10
    assert counts["JX-R07"] == 1  # the stated 执行率 "0" against 100 %
    assert counts["JX-C05"] == 1  # 202.64 -> 132.912 is -34.41 %
    (note,) = findings(ev, "JX-E24")
    assert note.severity == "info" and "202.64" in note.message
    self_vs_rule = findings(ev, "JX-E23")[0]
    assert dict(self_vs_rule.numbers)["name"] == "年度资金总额"  # the row as the form names it


def test_a_total_row_with_amounts_is_read_as_written():
    budget = {**ZERO_TOTAL, "initial": 202.64, "full_year": 132.912, "executed": 132.912, "rate": "100%", "self_score": 10}
    case = case_from_fragment({"self_evaluation": {"budget": budget, "funding": FUNDING}}, "<t>")
    assert budget_of(case, PACK.vocabulary) == (case.budget, False)
    ev = evaluate({"self_evaluation": {"budget": budget, "funding": FUNDING}})
    assert not findings(ev, "JX-E24")
    assert not [f for f in findings(ev, "JX-R01") if dict(f.numbers)["check"].startswith("funding_rows_")]
    assert {dict(f.numbers)["check"] for f in findings(ev, "JX-R02")} >= {"funding_rows_full_year"}


def test_without_the_pack_switch_the_zero_total_is_not_replaced():
    case = case_from_fragment({"self_evaluation": {"budget": ZERO_TOTAL, "funding": FUNDING}}, "<t>")
    assert budget_of(case, {**PACK.vocabulary, "budget_from_funding_rows": False}) == (case.budget, False)
    read, from_parts = budget_of(case, PACK.vocabulary)
    assert from_parts and (read.initial, read.full_year, read.executed) == (
        Decimal("202.64"), Decimal("132.912"), Decimal("132.912"))


def test_a_funding_row_scored_again_is_reported():
    budget = {"label": "年度资金总额", "full_year": 9.48, "executed": 9.48, "weight": 10, "rate": "100%", "self_score": 10}
    funding = {"rows": [{"name": "其中:本年财政拨款", "full_year": 9.48, "executed": 9.48, "weight": 10, "score": 10}]}
    ev = evaluate({"self_evaluation": {"budget": budget, "funding": funding}})
    (f,) = findings(ev, "JX-E25")
    assert f.severity == "warning" and "本年财政拨款" in f.message
    funding["rows"][0].update(weight=None, score=None)
    assert not findings(evaluate({"self_evaluation": {"budget": budget, "funding": funding}}), "JX-E25")


@pytest.mark.parametrize("rate, fact", [("0", True), ("86", True), ("0.95", False), ("1", False), ("≥90%", False)])
def test_a_bare_number_in_the_rate_column_is_a_percent_unless_it_could_be_a_fraction(rate, fact):
    ev = evaluate({"self_evaluation": {"budget": {"full_year": 100, "executed": 86, "rate": rate}}})
    rates = [f for f in ev.facts if f.kind == "rate"]
    assert bool(rates) == fact
    if fact:
        assert rates[0].fields["stated"] == Decimal(rate)


# ------------------------------------------------------------------ adjustments, on the budget row
def test_an_adjustment_from_zero_concerns_the_budget_row():
    budget = {"label": "预算执行率", "initial": 0, "full_year": 3.36, "executed": 3.36, "weight": 10, "self_score": 10}
    ev = evaluate({"self_evaluation": {"budget": budget}})
    (from_zero,) = findings(ev, "JX-C06")
    assert from_zero.subject == "预算执行率"
    (unexplained,) = findings(ev, "JX-C07")
    assert unexplained.severity == "warning"


def test_an_adjustment_named_in_the_report_or_the_reason_cell_is_explained():
    budget = {"initial": 238.93, "full_year": 251.89, "executed": 251.89}
    assert findings(evaluate({"self_evaluation": {"budget": budget}}), "JX-C07")
    assert not findings(evaluate({"self_evaluation": {"budget": {**budget, "adjustment_reason": "追加人员经费"}}}), "JX-C07")
    report = {"sections": [{"heading": "预算执行", "text": "年中追加12.96万元用于补缴社保。"}]}
    assert not findings(evaluate({"self_evaluation": {"budget": budget}, "report": report}), "JX-C07")


# ------------------------------------------------------------------ sums whose parts were cut off
def _weights_case(review=None):
    data = {"self_evaluation": {"budget": {"full_year": 10, "executed": 10, "weight": 10, "self_score": 10},
                                "indicators": grid(row(weight=20, score=20), label="产出指标(50分)", points=50)}}
    if review:
        data["review"] = review
    return data


def test_a_sum_over_a_part_the_filing_cut_off_is_not_checkable_never_an_error():
    whole = evaluate(_weights_case())
    assert {dict(f.numbers)["check"] for f in findings(whole, "JX-R01")} >= {"weights_vs_pack", "section_points"}
    cut = evaluate(_weights_case([{"field": "self_evaluation.indicators", "value": "效益", "reason": "存档在此截断"}]))
    assert not findings(cut, "JX-R01") and not findings(cut, "JX-R08")
    assert {dict(f.numbers)["check"] for f in findings(cut, "JX-R11")} >= {"weights_vs_pack", "section_points"}
    assert all(f.severity == "info" for f in findings(cut, "JX-R11"))


def test_a_review_item_on_one_cell_leaves_the_sums_checkable():
    cell = evaluate(_weights_case([{"field": "self_evaluation.indicators[0].groups[0].rows[0].target",
                                    "value": "到0次", "reason": "指标值损坏"}]))
    assert findings(cell, "JX-R01") and not findings(cell, "JX-R11")


@pytest.mark.parametrize("field, weights, scores, total, rows", [
    ("self_evaluation", {"*"}, {"*"}, True, set()),
    ("self_evaluation.total", set(), set(), True, set()),
    ("self_evaluation.indicators[2].groups[0]", {"2"}, {"2"}, False, set()),
    ("self_evaluation.indicators[1].groups[0].rows[1].score", set(), {"1"}, False, set()),
    ("self_evaluation.indicators[0].groups[0].rows[0]", {"0"}, {"0"}, False, {(0, 0, 0)}),
    ("self_evaluation.indicators[0].groups[0].rows[9].nature", set(), set(), False, set()),
    ("self_evaluation.indicators[*].groups[*].rows[*].criteria", set(), set(), False, set()),
])
def test_which_sums_a_review_item_leaves_open(field, weights, scores, total, rows):
    case = case_from_fragment({"review": [{"field": field, "value": "", "reason": "截断"}]}, "<t>")
    unsure = _unsure(case)
    assert (unsure.weights, unsure.scores, unsure.total, unsure.row_paths) == (weights, scores, total, rows)


def test_one_named_part_of_a_report_total_is_not_a_breakdown():
    single = {"statements": [{"topic": "年初批复预算", "total": 985, "items": [{"name": "结转项目", "amount": 50}]}]}
    ev = evaluate({"report": single})
    assert not [f for f in ev.facts if f.kind == "sum" and f.fields["check"] == "statement"]
    single["statements"][0]["items"][0]["amount"] = 1000  # a part larger than its whole is a mismatch
    assert findings(evaluate({"report": single}), "JX-R01")


# ------------------------------------------------------------------ the form's headings
def test_headings_in_the_note_are_added_up_and_the_overflow_is_reported():
    data = {"self_evaluation": {
        "budget": {"label": "年度财政资金总额", "full_year": 285.84, "executed": 285.84, "weight": 20, "self_score": 20},
        "indicators": [*grid(row(target="3", actual="3", weight=None, score=10), label="产出指标 (60 分)", points=60),
                       *grid(row(name="乙", target="3", actual="3", weight=None, score=20), level1="效益指标",
                             level2="社会效益指标", label="效益指标 (40 分)", points=40)],
        "weights_note": "预算执行情况(万元)(20 分); 年度绩效目标(80 分); 产出指标(60 分); 效益指标(40 分)"}}
    ev = evaluate(data)
    by_check = {dict(f.numbers)["check"]: f for f in findings(ev, "JX-R01")}
    assert "年度绩效目标" in by_check["section_points"].subject and dict(by_check["section_points"].numbers)["total"] == "80"
    assert dict(by_check["weights_vs_pack"].numbers)["parts_sum"] == "120"


def test_a_note_in_other_words_is_not_read():
    data = {"self_evaluation": {"indicators": grid(row(weight=None), label="产出指标(60分)", points=60),
                                "weights_note": "年度绩效目标1(40分): the first 产出 block"}}
    assert not [f for f in findings(evaluate(data), "JX-R01") if "年度绩效目标" in f.subject]


# ------------------------------------------------------------------ a total with parts in a cell
def test_a_goal_cell_stating_a_total_and_its_parts_is_added_up():
    words = tuple(PACK.vocabulary["parts_words"])
    text = "本项目共申请预算资金2026400元,其中村级组织运转400000元,村民组长,党小组长基本报酬252000元,村级事务补助960000元。"
    total, parts, total_text, _ = _cell_parts(text, words)
    assert (total, sum(parts), total_text) == (Decimal(2026400), Decimal(1612000), "2026400元")
    ev = evaluate({"self_evaluation": {"goal": {"expected": text, "actual": ""}}})
    (f,) = [f for f in findings(ev, "JX-R01") if dict(f.numbers)["check"] == "goal_parts"]
    assert "预期目标" in f.subject and dict(f.numbers)["diff"] == "-414400元"


@pytest.mark.parametrize("text", [
    "计划使用财政资金45万元给聘用的14人发放工资,其中工资30000元每年每人,保险费共3万元。",  # a rate, not a part
    "共申请资金90万元,其中:甲30万元,乙300000元。",  # two money units
    "共申请资金90万元。其中:30万元用于预算编制;30万元用于审计。",  # amounts that do not close their items
    "共申请资金90万元,其中甲30万元。",  # one part
])
def test_a_cell_that_is_not_a_plain_list_is_left_alone(text):
    assert _cell_parts(text, ("其中",)) is None


# ------------------------------------------------------------------ the overall goal
@pytest.mark.parametrize("goal, project, year, rules", [
    ({"expected": "43.2", "actual": "37.24"}, "暖通改造经费", 2022, {"JX-G01"}),
    ({"expected": "自然资源卫片执法补助经费", "actual": "已完成"}, "2020年省级自然资源卫片执法补助经费支出绩效自评表", 2022, {"JX-G01"}),
    ({"expected": "2022年计划使用财政资金45万元保障14人工资", "actual": ""}, "", 2023, {"JX-G02"}),
    ({"expected": "2021—2025年规划的第三年，完成改造3处", "actual": "完成改造3处，验收合格"}, "", 2023, set()),
    ({"expected": "2023年完成改造3处", "actual": "2023年完成改造3处"}, "", 2023, {"JX-G03"}),
    ({"expected": "完成改造3处，冬季室温不低于18℃", "actual": "完成改造3处"}, "暖通改造经费", 2022, set()),
])
def test_a_goal_that_is_no_goal_speaks_of_last_year_or_is_copied(goal, project, year, rules):
    ev = evaluate({"year": year, "project": project, "self_evaluation": {"goal": goal}})
    assert {r for r in alarms(ev) if r.startswith("JX-G")} == rules


def test_the_goal_finding_names_the_goal_as_the_form_does():
    ev = evaluate({"year": 2023, "self_evaluation": {"goal": {"label": "项目年度目标", "expected": "2022年计划…"}}})
    (f,) = findings(ev, "JX-G02")
    assert f.subject == "项目年度目标" and "2022年" in f.message


# ------------------------------------------------------------------ counts and grades in the report
def test_a_count_and_its_parts_or_its_list():
    counts = [{"topic": "实施项目", "count": 15, "unit": "个",
               "parts": [{"name": "年初批复预算", "count": 8}, {"name": "年中增加", "count": 8}]},
              {"topic": "内设机构", "count": 5, "unit": "个", "items": ["甲", "乙", "丙", "丁", "戊"]},
              {"topic": "展区", "count": 28, "unit": "个", "open_list": True, "items": ["序厅", "留言板"]},
              {"topic": "水库", "count": 13, "unit": "宗", "items": ["东坑", "湖仔洋"]}]
    ev = evaluate({"report": {"counts": counts}})
    wrong = {dict(f.numbers)["check"]: f.subject for f in findings(ev, "JX-R01")}
    assert wrong == {"count_parts": "报告“实施项目共15个”各分项个数之和", "count_items": "报告“水库共13宗”所列名称个数"}
    assert [dict(f.numbers)["check"] for f in findings(ev, "JX-R02")] == ["count_items"]  # 5 names = 5


def test_a_project_grade_left_blank_or_outside_its_band():
    scores = [{"name": "甲", "score": 96.5, "grade": ""}, {"name": "乙", "score": 87, "grade": "优"},
              {"name": "丙", "score": 91, "grade": "优"}, {"name": "丁", "score": 80}]
    ev = evaluate({"report": {"project_scores": scores}})
    (blank,) = findings(ev, "JX-G04")
    assert "甲" in blank.subject and "“优”" in blank.message
    (band,) = findings(ev, "JX-G05")
    assert "乙" in band.subject and "“良”" in band.message


# ------------------------------------------------------------------ the filing as a whole
def test_no_year_a_blank_total_and_an_unfilled_form():
    rows = [row(actual="", score=None), row(name="乙", actual="", score=None)]
    ev = evaluate({"year": None, "self_evaluation": {"indicators": grid(*rows), "total": {"weight": 100, "score": None}}})
    assert {"JX-F01", "JX-F02", "JX-F03"} <= set(alarms(ev))
    filled = evaluate({"year": 2022, "self_evaluation": {"indicators": grid(row(), row(name="乙", actual="", score=None)),
                                                         "total": {"weight": 100, "score": 10}}})
    assert not {"JX-F01", "JX-F02", "JX-F03"} & set(alarms(filled))


def test_a_row_the_filing_cut_off_is_not_an_unfilled_row():
    data = {"self_evaluation": {"indicators": grid(row(actual="", weight=None, score=None))},
            "review": [{"field": "self_evaluation.indicators[0].groups[0].rows[0]", "value": "…",
                        "reason": "存档在此行指标值之后截断"}]}
    assert "JX-F03" not in alarms(evaluate(data))


# ------------------------------------------------------------------ comparators misread by OCR
def test_a_letter_between_words_and_a_number_in_the_criteria_is_a_misread_comparator():
    notation = notation_for(PACK.vocabulary)
    (note,) = criteria_doubts("以100%为标准.在职人员控制率Q100%,计8分", notation)
    assert "Q100%" in note and "≤" in note
    assert criteria_doubts("完成至100%计满分；资金到位率≤100%", notation) == ()  # 至 is also a word
    ev = evaluate({"self_evaluation": {"indicators": grid(
        {**row(name="在职人员控制率", target="≤100%", actual="95.1%", weight=8, score=8),
         "criteria": "在职人员控制率Q100%,计8分"})}})
    (f,) = findings(ev, "JX-V02")
    assert f.subject == "在职人员控制率"
    assert next(e for e in ev.result.ledger if e.row == 1).outcome == "scored"  # the stated values still score


def test_a_target_of_290_percent_against_100_percent_is_a_review_item():
    ev = evaluate({"self_evaluation": {"indicators": grid(
        row(name="市民满意度调查", target="290%", actual="100%"), level1="满意度指标", level2="服务对象满意度指标")}})
    (f,) = findings(ev, "JX-V01")
    assert "≥90%" in f.message
    assert next(e for e in ev.result.ledger if e.row == 1).outcome == "review"
    assert parse_value("290%").number == 290  # the value itself is not rewritten


# ------------------------------------------------------------------ a scoresheet's budget row is checked too
def test_a_pack_that_does_not_score_the_budget_row_still_checks_it():
    sheet = load_pack(ROOT / "rules" / "scoresheet")
    assert all(s.level1 for s in sheet.sections)  # no budget section
    case = case_from_fragment({"year": 2022, "layout": "scoresheet", "self_evaluation": {
        "budget": {"label": "部门整体支出预算调整", "initial": 1922.76, "full_year": 2690.62}}}, "<t>")
    ev = evaluate_case(case, sheet, matcher_for(sheet, "python"))
    (adjusted,) = [f for f in ev.result.findings if f.rule == "JX-C05"]
    assert dict(adjusted.numbers)["name"] == "部门整体支出预算调整" and "39.94%" in adjusted.message
    assert not [e for e in ev.result.ledger if e.row is None]  # and does not score it


def test_the_budget_rows_points_are_compared_with_the_packs_and_its_rate_concerns_the_row():
    ev = evaluate({"self_evaluation": {"budget": {"full_year": 100, "executed": 80, "weight": 9, "rate": "100%",
                                                  "self_score": 9}}})
    (points,) = [f for f in findings(ev, "JX-R08") if "预算执行率" in f.subject]
    assert dict(points.numbers)["parts_sum"] == "9" and dict(points.numbers)["total"] == "10"
    (rate,) = findings(ev, "JX-R07")
    assert rate.subject == "预算执行率"
    assert not [f for f in findings(evaluate({"self_evaluation": {"budget": {"full_year": 1, "executed": 1, "weight": 10}}}),
                                    "JX-R08") if "预算执行率" in f.subject]


def test_a_single_child_row_is_a_part_and_child_points_count_in_their_block():
    parent = {**row(name="低保人数", target="≥21933人", actual="21980人", weight=5, score=5),
              "children": [row(name="其中:建档立卡", target="≥9431人", actual="9453人", weight=5, score=5)]}
    ev = evaluate({"self_evaluation": {"indicators": grid(parent, row(name="乙", weight=40, score=40),
                                                          label="产出指标(50分)", points=50)}})
    assert not findings(ev, "JX-R10")
    (block,) = [f for f in findings(ev, "JX-R02") if dict(f.numbers)["check"] == "section_points"]
    assert dict(block.numbers)["parts_sum"] == "50"


def test_a_self_total_above_what_the_cut_off_rows_could_add_is_a_mismatch_for_sure():
    def case(total):
        return {"self_evaluation": {
            "budget": {"full_year": 10, "executed": 10, "weight": 10, "self_score": 10},
            "indicators": grid(row(weight=50, score=44), row(name="乙", weight=30, score=30)),
            "total": {"weight": None, "score": total}},
            "review": [{"field": "self_evaluation.indicators[0].groups[0].rows[2]", "value": "丙",
                        "reason": "存档在此行截断"}]}
    over = evaluate(case(98))  # 10 + 44 + 30 = 84, the missing 10 points at most: 94 < 98
    (f,) = [f for f in findings(over, "JX-R01") if dict(f.numbers)["check"] == "self_scores_vs_total"]
    assert "至多 94" in f.message
    within = evaluate(case(92))  # could be 84 + 8: not checkable
    assert not [f for f in findings(within, "JX-R01") if dict(f.numbers)["check"] == "self_scores_vs_total"]
    assert [f for f in findings(within, "JX-R11") if dict(f.numbers)["check"] == "self_scores_vs_total"]
