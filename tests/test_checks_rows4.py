"""Checks, round four (real filings): a qualitative actual in the target's own words, a row saying
there is nothing to measure, a row under a 二级指标 its name cannot belong to, a blank 得分 on a row
weighted by its heading, and what a deadline met late is (the pack's `late_deadline`)."""

from __future__ import annotations

from decimal import Decimal

from click.testing import CliRunner

from engine.api import load_pack, matcher_for
from engine.cli import main

from .conftest import ROOT
from .test_checks_rows3 import LAYOUT_20_80, PACK, alarms, evaluate, row

LATE = {"level2": "时效指标", "name": "项目完工时限", "target": "2023年10月", "actual": "2023年12月",
        "weight": 15, "score": 15, "reason": ""}


def _entry(evaluation, number=1):
    return next(e for e in evaluation.result.ledger if e.row == number)


# ---- a qualitative actual that states the target's own words (qualitative_grades.same_text) ----


def test_same_words_are_the_target_met_and_a_deduction_is_reported():
    ev = evaluate([row("可持续", "可持续", "可持续", 10, 9)], "效益指标", "可持续影响指标")
    entry = _entry(ev)
    assert (entry.rule, entry.outcome, entry.points) == ("JX-S05", "scored", Decimal("9.00"))
    assert alarms(ev, "JX-A50") and alarms(ev, "JX-A04")  # deducted, and no 偏差原因


def test_same_words_at_full_marks_or_other_words_raise_nothing():
    assert not alarms(evaluate([row("可持续", "可持续", "可持续", 10, 10)], "效益指标", "可持续影响指标"), "JX-A50")
    other = evaluate([row("可持续", "可持续", "尚可持续", 10, 9)], "效益指标", "可持续影响指标")
    assert _entry(other).outcome == "review" and not alarms(other, "JX-A50")  # unknown words: to a person
    # the target's words with a degree word of the pack's (qualitative_degrees: 基本 → 部分达成) are read
    # in that band, and are not the target's own words (no JX-A50)
    degree = evaluate([row("可持续", "可持续", "基本可持续", 10, 7)], "效益指标", "可持续影响指标")
    assert (_entry(degree).outcome, _entry(degree).rule) == ("scored", "JX-S06") and not alarms(degree, "JX-A50")


def test_a_pack_without_same_text_sends_the_row_to_review():
    vocabulary = {**PACK.vocabulary, "qualitative_grades": {**PACK.vocabulary["qualitative_grades"], "same_text": False}}
    pack = PACK.__class__(**{**PACK.__dict__, "vocabulary": vocabulary})
    ev = evaluate([row("可持续", "可持续", "可持续", 10, 9)], "效益指标", "可持续影响指标", pack=pack,
                  matcher=matcher_for(pack, "python"))
    assert _entry(ev).outcome == "review"
    assert not alarms(ev, "JX-A50") and not alarms(ev, "JX-A04")  # nothing said about a row not read


# ---- rows that are not indicators, or not under their 二级指标 -------------------------------


def test_a_row_saying_there_is_no_benefit_is_not_an_indicator():
    ev = evaluate([row("社会公益服务无经济效益", "公益性事业", "公益性事业", 10, 10)], "效益指标", "经济效益")
    assert alarms(ev, "JX-A51")
    assert not alarms(evaluate([row("带动农户增收", "≥500元", "600元")], "效益指标", "经济效益"), "JX-A51")


def test_a_food_safety_rate_is_no_ecological_benefit():
    ev = evaluate([row("食品安全指标达标率", "100%", "100%")], "效益指标", "生态效益指标")
    assert alarms(ev, "JX-A17")
    assert not alarms(evaluate([row("空气质量达标率", "≥90%", "95%")], "效益指标", "生态效益指标"), "JX-A17")
    assert not alarms(evaluate([row("食品安全指标达标率", "100%", "100%")], "效益指标", "社会效益指标"), "JX-A17")


# ---- a blank 得分 on a row weighted by its heading ---------------------------------------


def _headed(rows, group_score=None):
    from engine.examples import case_from_fragment
    from engine.score import evaluate_case

    group = {"level2": "社会效益", "rows": rows}
    if group_score is not None:
        group["score"] = group_score
    data = {"self_evaluation": {"budget": {"full_year": 100, "executed": 100, "weight": 10, "self_score": 10},
                                "indicators": [{"level1": "效益指标", "points": 30, "groups": [
                                    {"level2": "经济效益", "rows": [row("增收", "≥5万元", "6万元", None, 15)]},
                                    group]}]}}
    # the 20+80 pack shares a heading's points among the rows that state none (weights_from)
    return evaluate_case(case_from_fragment(data, "<test>"), LAYOUT_20_80, matcher_for(LAYOUT_20_80, "python"))


def test_a_blank_score_on_a_row_weighted_by_its_heading_is_reported():
    ev = _headed([row("查阅便捷", "提升", "提升", None, None)])
    assert alarms(ev, "JX-A41")


def test_a_group_score_merged_over_the_rows_is_their_score():
    ev = _headed([row("查阅便捷", "提升", "提升", None, None), row("到馆人次", "≥100人次", "120人次", None, None)],
                 group_score=15)
    assert not alarms(ev, "JX-A41")


# ---- a deadline met late: review (national), unmet or pro rata where the pack says -----------


def test_national_late_deadline_is_a_review_item():
    ev = evaluate([LATE], "产出指标", "时效指标")
    assert (_entry(ev).rule, _entry(ev).outcome) == ("JX-S13", "review")


def test_late_deadline_unmet_or_pro_rata_by_the_pack():
    unmet = load_pack(ROOT / "tests/fixtures/packs/late-deadline-unmet")
    ev = evaluate([LATE], "产出指标", "时效指标", pack=unmet, matcher=matcher_for(unmet, "python"))
    assert (_entry(ev).rule, _entry(ev).outcome, _entry(ev).points) == ("JX-A58", "scored", Decimal("0.00"))
    pro = load_pack(ROOT / "tests/fixtures/packs/late-deadline-pro-rata")
    ev = evaluate([LATE], "产出指标", "时效指标", pack=pro, matcher=matcher_for(pro, "python"))
    # 1 January to 31 October is 304 days, to 31 December 365: 15 × 304 / 365 = 12.49
    assert (_entry(ev).rule, _entry(ev).points) == ("JX-A59", Decimal("12.49"))
    on_time = evaluate([{**LATE, "actual": "2023年9月"}], "产出指标", "时效指标", pack=pro,
                       matcher=matcher_for(pro, "python"))
    assert (_entry(on_time).rule, _entry(on_time).points) == ("JX-S11", Decimal("15.00"))


def test_late_deadline_packs_pass_their_tests(in_root):
    for pack in ("tests/fixtures/packs/late-deadline-unmet", "tests/fixtures/packs/late-deadline-pro-rata"):
        res = CliRunner().invoke(main, ["rules", "test", pack, "--matcher", "python"])
        assert res.exit_code == 0, res.output
        assert "FAIL" not in res.output


def test_a_late_deadline_value_the_schema_does_not_know_is_refused(tmp_path):
    pack = tmp_path / "p"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "pack: {id: p, title: t, version: '1', extends: national-2020}\nvocabulary: {late_deadline: later}\n",
        encoding="utf-8")
    res = CliRunner().invoke(main, ["rules", "lint", str(pack)])
    assert res.exit_code != 0 and "vocabulary.late_deadline" in res.output and "pro_rata" in res.output


# ---- a stated 完成率 below 100 % (the filing's own word that a row was not met) ----------------


def _narrative(completion, report_score, reason="", review=None):
    from engine.examples import case_from_fragment
    from engine.score import evaluate_case

    data = {"format": "jixiao-case/2",
            "self_evaluation": {"indicators": [{"level1": "满意度指标", "groups": [{"level2": "", "rows": [
                {"name": "读者满意度调查好评率", "target": "", "actual": "90%", "completion": completion,
                 "reason": reason}]}]}]},
            "report": {"self_score": {"score": report_score}}}
    if review is not None:
        data["review"] = review
    return evaluate_case(case_from_fragment(data, "<test>"), PACK, MATCHER_NATIONAL)


MATCHER_NATIONAL = matcher_for(PACK, "python")


def test_a_stated_completion_below_100_with_a_full_self_total_is_unmet_at_full_marks():
    ev = _narrative("99.14%", 100)
    assert alarms(ev, "JX-A53") and alarms(ev, "JX-A52")
    # no weight: the row is not scored; it is judged unmet on the department's stated 完成率 (JX-S73), no points
    assert (_entry(ev).outcome, _entry(ev).rule, _entry(ev).verdict) == ("judged", "JX-S73", "unmet")
    assert _entry(ev).points == 0 and _entry(ev).weight == 0


def test_a_stated_completion_is_read_only_when_sure():
    assert not alarms(_narrative("100%", 100), "JX-A53")
    assert not alarms(_narrative("约99%", 100), "JX-A53")  # approximate: not read
    assert not alarms(_narrative("99.14%", 98), "JX-A53")  # not every row at full marks
    assert not alarms(_narrative("99.14%", 100, reason="部分读者对开放时间不满意，明年延长开放时间。"), "JX-A52")
    cut = [{"field": "self_evaluation.indicators[0].groups[0].rows[0]", "value": "", "reason": "存档截断"}]
    ev = _narrative("99.14%", 100, review=cut)
    assert not alarms(ev, "JX-A52") and not alarms(ev, "JX-A53")  # the case's own review item: silent


# ---- the row's own 指标性质 / 度量单位 columns; a cap on an output count; 结余率 as an indicator ----


def test_the_nature_and_unit_columns_are_read_with_the_target():
    from engine.facts import read_case
    from engine.examples import case_from_fragment

    data = {"format": "jixiao-case/2", "self_evaluation": {"indicators": [{"level1": "产出指标", "groups": [
        {"level2": "数量指标", "rows": [
            {"name": "科目调整次数", "nature": "≤", "target": "10", "unit": "次", "actual": "12", "weight": 10},
            {"name": "覆盖率", "nature": "定量指标", "target": "95", "unit": "%", "actual": "96", "weight": 10},
            {"name": "培训人次", "nature": "≥", "target": "≥100", "unit": "人次", "actual": "120人次", "weight": 10}]}]}]}}
    facts = [f for f in read_case(case_from_fragment(data, "<t>"), PACK).facts if f.row is not None]
    assert [(f.target.comparator, f.target.unit) for f in facts] == [("<=", "次"), (None, "%"), (">=", "人次")]
    assert facts[0].fields["direction"] == "reverse" and facts[0].fields["ratio"] == Decimal("1.2")


def test_a_cap_on_an_output_count_is_reported_even_when_the_actual_is_blank():
    ev = evaluate([{**row("科目调整次数", "10", "", 22.5, None), "nature": "≤", "unit": "次"}], "产出指标", "数量指标",
                  format="jixiao-case/2")
    assert _entry(ev).outcome == "review" and alarms(ev, "JX-A15")
    cut = [{"field": "self_evaluation.indicators[0].groups[0].rows[0]", "value": "", "reason": "存档截断"}]
    ev = evaluate([row("科目调整次数", "≤10次", "", 22.5, None)], "产出指标", "数量指标", review=cut)
    assert not alarms(ev, "JX-A15")


def test_a_balance_rate_is_budget_execution_not_a_benefit():
    assert alarms(evaluate([row("结余率", "≤5%", "3%")], "效益指标", "经济效益指标"), "JX-A17")
