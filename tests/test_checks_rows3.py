"""Checks, round three: how a filing's rows and cells are filled in (the corpus's row.* categories).

Where a row is filed (a 满意度 row that measures no 满意度, budget execution scored again as an
indicator, an amount of money as an output, a 二级指标 under another 一级指标), cells left blank
(values blank but scored, an actual left blank), the template's text and rows left in, the goal's
完成情况 copied from the goal, an unmet row without a reason, full marks everywhere without a word,
and the severities a reviewer gives them. Every word list is the pack's (FIELD_VOCABULARY).
The pack's own examples for JX-A30–A37 run in `jixiao rules test` (tests/test_pack_examples.py)."""

from __future__ import annotations

import pytest

from engine.api import load_pack, matcher_for
from engine.examples import case_from_fragment
from engine.facts import FACT_FIELDS, read_case
from engine.facts_checks import FIELD_VOCABULARY
from engine.score import evaluate_case

from .conftest import NATIONAL, ROOT

PACK = load_pack(ROOT / NATIONAL)
MATCHER = matcher_for(PACK, "python")
LAYOUT_20_80 = load_pack(ROOT / "rules" / "layout-20-80")


def row(name="示例指标", target="≥10人", actual="12人", weight=10, score=10, reason="", **extra):
    return {"name": name, "target": target, "actual": actual, "weight": weight, "score": score, "reason": reason,
            **extra}


def evaluate(rows, level1="产出指标", level2="数量指标", pack=PACK, matcher=MATCHER, **self_evaluation):
    """One block of rows; extra keys of the self-evaluation table (goal, conclusion …) as given.
    `review` (a list) becomes the case's own review: list."""
    review = self_evaluation.pop("review", None)
    version = self_evaluation.pop("format", None)
    data = {"self_evaluation": {"budget": {"full_year": 100, "executed": 100, "weight": 10, "self_score": 10},
                                "indicators": [{"level1": level1, "groups": [{"level2": level2, "rows": rows}]}],
                                **self_evaluation}}
    if review is not None:
        data["review"] = review
    if version is not None:
        data["format"] = version
    return evaluate_case(case_from_fragment(data, "<test>"), pack, matcher)


def alarms(evaluation, code):
    return [f for f in evaluation.result.findings if f.rule == code and not f.passed]


def entry(evaluation, number=1):
    return next(e for e in evaluation.result.ledger if e.row == number)


# ------------------------------------------------------------------ where a row is filed (JX-A17, JX-A30)


def test_a_satisfaction_row_that_measures_no_satisfaction_is_misfiled():
    ev = evaluate([row("整编资料审核", "98%", "98%")], level1="满意度指标", level2="服务对象满意度指标")
    [finding] = alarms(ev, "JX-A17")
    assert finding.severity == "warning" and finding.subject == "整编资料审核"
    for name in ("群众满意度", "各基层商会对工商联工作的认可度"):  # the seed's 认可度 rows measure satisfaction
        assert not alarms(evaluate([row(name, "≥90%", "95%")], level1="满意度指标", level2="服务对象满意度指标"),
                          "JX-A17")


def test_a_bare_template_row_is_not_misfiled():
    ev = evaluate([row("群众满意度", "≥90%", "95%"), {"name": "指标2", "target": "", "actual": ""}],
                  level1="满意度指标", level2="服务对象满意度指标")
    assert not alarms(ev, "JX-A17")


def test_traditional_characters_are_classes_too():
    ev = evaluate([row("整編資料審核", "98%", "98%")], level1="滿意度指標", level2="服務對象滿意度指標")
    assert alarms(ev, "JX-A17")


def test_budget_execution_scored_again_as_an_indicator_is_misfiled():
    ev = evaluate([row("预算资金执行率", "≥90%", "100%")], level2="时效指标")
    assert [f.subject for f in alarms(ev, "JX-A17")] == ["预算资金执行率"]


@pytest.mark.parametrize("name, target, actual, extra, level2, misfiled", [
    ("工程资金金额", "43.2", "37.24", {}, "数量指标", True),          # a name ending in 金额
    ("卫片执法补助经费", "72890", "72890", {"unit": "元"}, "数量指标", True),  # 度量单位 元
    ("发放补助", "≥500万元", "520万元", {}, "质量指标", True),           # a money unit in the cell
    ("补助发放人数", "≥300人", "320人", {}, "数量指标", False),
    ("项目总成本", "≤90万元", "89.97万元", {}, "成本指标", False),       # an amount where amounts belong
    ("完成安可产品购买并按要求支付资金", "100%", "100%", {}, "质量指标", False),  # an activity, not an amount
    ("办公经费", "7人", "7人", {}, "数量指标", False),                # the seed's row: it counts people
])
def test_an_amount_of_money_as_an_output(name, target, actual, extra, level2, misfiled):
    ev = evaluate([row(name, target, actual, **extra)], level2=level2)
    assert bool(alarms(ev, "JX-A17")) is misfiled
    fact = next(f for f in ev.facts if f.kind == "indicator" and f.row and f.row.number == 1)
    assert fact.fields["amount_as_output"] is misfiled


def test_misfiling_is_reported_on_a_row_the_engine_cannot_read_without_calling_it_unmet():
    """Where a row is filed is read from its name and position, not its values: a row under
    review is still misfiled, and nothing says it was not met."""
    ev = evaluate([row("粮食安全事件发生数", "0起", "", score=None)], level1="满意度指标", level2="服务对象满意度指标")
    assert entry(ev).outcome == "review"
    assert alarms(ev, "JX-A17")
    assert not [f for f in ev.result.findings if f.rule in ("JX-A01", "JX-A02", "JX-A03", "JX-A04", "JX-A37")]


def test_a_level2_under_another_level1():
    ev = evaluate([row("奖补资金兑付率", "≥100%", "100%")], level1="产出指标", level2="经济效益指标")
    [finding] = alarms(ev, "JX-A30")
    assert finding.severity == "warning" and "产出指标" in finding.message
    assert not alarms(evaluate([row()], level1="产出指标", level2="数量指标"), "JX-A30")


def test_an_output_under_a_level1_the_pack_does_not_score():
    ev = evaluate([row("宣传次数", "至少2次", "3次")], level1="项目决策", level2="数量指标", format="jixiao-case/2")
    assert alarms(ev, "JX-A30")
    assert entry(ev).outcome == "review"  # the block maps to no section: 待复核, never unmet


def test_a_layout_pooling_its_blocks_in_one_section_does_not_compare_them():
    assert "JX-A30" not in {r.code for r in LAYOUT_20_80.rules}
    case = case_from_fragment({"self_evaluation": {"indicators": [{"level1": "产出指标", "groups": [
        {"level2": "经济效益指标", "rows": [row()]}]}]}}, "<test>")
    fact = next(f for f in read_case(case, LAYOUT_20_80).facts if f.kind == "indicator")
    assert fact.fields["level1_unlikely"] is False


# ------------------------------------------------------------------ blank cells (JX-A31, JX-A32)


def test_blank_values_with_a_score_are_reported_and_the_row_goes_to_review():
    ev = evaluate([row("工程质量合格", "", "", 10, 10)], level2="质量指标")
    [finding] = alarms(ev, "JX-A31")
    assert finding.severity == "warning" and "10" in finding.message
    assert entry(ev).outcome == "review"
    assert not alarms(ev, "JX-A03") and not alarms(ev, "JX-A01")


def test_blank_values_without_a_score_are_not_scored_blanks():
    assert not alarms(evaluate([row("工程质量合格", "", "", 10, None)], level2="质量指标"), "JX-A31")


def test_a_blank_actual_is_reported_not_called_unmet():
    ev = evaluate([row("发放覆盖率", "=100%", "", 60, None)])
    [finding] = alarms(ev, "JX-A32")
    assert "实际完成值空白" in finding.message
    assert entry(ev).outcome == "review"
    assert not [f for f in ev.result.findings if f.rule in ("JX-A01", "JX-A03", "JX-A37")]


def test_a_row_the_case_itself_doubts_is_not_reported_blank():
    """The transcriber could not tell whether "3" was the target or the actual (a merged cell):
    the case's review: list names the row, so a blank actual there is not the filing's blank."""
    review = [{"field": "self_evaluation.indicators[0].groups[0].rows[0]", "value": "3", "reason": "合并单元格"}]
    ev = evaluate([row("变压器", "3", "", 9.3, 9.3)], review=review)
    assert not alarms(ev, "JX-A32")
    other = [{"field": "self_evaluation.indicators[0].groups[0].rows[1]", "value": "x", "reason": "y"}]
    assert alarms(evaluate([row("变压器", "3", "", 9.3, 9.3)], review=other), "JX-A32")


# ------------------------------------------------------------------ the template left in (JX-A33, JX-A35, JX-A36)


@pytest.mark.parametrize("key, text, subject", [
    ("conclusion", "结合自评情况,说明项目自评总分,说明项目实施取得的成效或成果。(200字以内)", "评价结论"),
    ("problems", "结合自评情况，分析存在的问题及原因。（200字以内）", "存在问题"),
    ("measures", "针对项目自评中发现的问题,提出下一步改进完善的意见及有关政策性建议。", "改进措施"),
])
def test_template_instructions_left_in_a_cell(key, text, subject):
    ev = evaluate([row()], **{key: text})
    [finding] = alarms(ev, "JX-A33")
    assert finding.subject == subject and finding.severity == "warning"


def test_the_goal_cell_left_as_the_template():
    ev = evaluate([row()], goal={"expected": "保障工资足额发放", "actual": "对照年度目标,说明相关任务目标的完成情况(100字以内)"})
    [finding] = alarms(ev, "JX-A33")
    assert dict(finding.numbers)["name"] == "年度目标完成情况"
    assert finding.subject == "年度总体目标完成情况"


def test_written_cells_are_not_template_text():
    ev = evaluate([row()], conclusion="结合自评情况，本项目完成年度目标，自评得分96分。", problems="无", measures="")
    assert not alarms(ev, "JX-A33")


def test_a_template_grade_list_as_a_target():
    ev = evaluate([row("机制健全性", "优良中低差", "", 10, None)], level1="效益指标", level2="可持续影响指标")
    [finding] = alarms(ev, "JX-A33")
    assert finding.subject == "机制健全性" and finding.row == 1


def test_template_rows_left_in_are_reported_and_skipped():
    rows = [row("指标1:完成项目数量", "1个", "1个"), {"name": "指标2:"}, {"name": "……"}, row("群众满意度", "≥90%", "95%")]
    ev = evaluate(rows)
    [left] = alarms(ev, "JX-A35")
    assert "“指标2:”" in left.message and "“……”" in left.message
    assert {s.name for s in ev.result.skipped_rows} >= {"指标2:", "……"}
    [numbered] = alarms(ev, "JX-A36")
    assert "“指标1:完成项目数量”" in numbered.message
    # "指标1:/" (the template's not-applicable mark) is a template row too
    assert alarms(evaluate([row(), {"name": "指标1:/", "target": "/", "actual": "/"}]), "JX-A35")


def test_no_template_rows_no_finding():
    ev = evaluate([row("完成项目数量", "1个", "1个"), {"name": "无", "target": "", "actual": ""}])
    assert not alarms(ev, "JX-A35") and not [f for f in ev.result.findings if f.rule == "JX-A36"]


# ------------------------------------------------------------------ copied goal, unmet without reason


def test_the_goal_completion_copied_from_the_goal():
    goal = "目标1:1290.3平方米冷库仓储建设，投资400万元。"
    ev = evaluate([row()], goal={"expected": goal, "actual": goal.replace("，", ",")})
    [finding] = alarms(ev, "JX-A34")
    assert finding.subject == "年度总体目标完成情况"
    assert not alarms(evaluate([row()], goal={"expected": goal, "actual": "冷库已建成1290.3平方米。"}), "JX-A34")


def test_an_unmet_row_scored_full_without_a_reason():
    ev = evaluate([row("设备购置及安装", "550", "20", 9.3, 9.3)])
    [finding] = alarms(ev, "JX-A37")
    assert "未达到指标值" in finding.message
    assert alarms(ev, "JX-A03")   # and the full self score is the error it always was
    assert not alarms(evaluate([row("设备购置及安装", "550", "20", 9.3, 9.3, reason="设备款按合同分期支付，余款次年支付。")]),
                      "JX-A37")
    # a deducted row without a reason is JX-A04's, not reported twice
    deducted = evaluate([row("设备购置及安装", "550", "20", 9.3, 0.34)])
    assert alarms(deducted, "JX-A04") and not alarms(deducted, "JX-A37")


# ------------------------------------------------------------------ full marks everywhere (JX-A12)


def _case(rows, **self_evaluation):
    data = {"self_evaluation": {"indicators": [{"level1": "产出指标", "groups": [{"level2": "数量指标", "rows": rows}]}],
                                **self_evaluation}}
    return case_from_fragment(data, "<test>")


def test_full_marks_on_a_form_whose_weights_stand_only_in_headings():
    """Rows without 分值: the stated 自评总分 at the form's maximum is full marks everywhere."""
    rows = [row(weight=None, score=20), row("渔船补贴发放率", "100%", "100%", weight=None, score=60)]
    ev = evaluate_case(_case(rows, total={"weight": None, "score": 100}, problems="无"), PACK, MATCHER)
    [finding] = alarms(ev, "JX-A12")
    assert finding.severity == "warning"
    ev = evaluate_case(_case(rows, total={"weight": None, "score": 96}), PACK, MATCHER)
    assert not alarms(ev, "JX-A12")


def test_a_reason_in_the_tables_own_cell_counts():
    rows = [row()]
    assert alarms(evaluate_case(_case(rows), PACK, MATCHER), "JX-A12")
    ev = evaluate_case(_case(rows, problems="部分监测点数据上报延迟，已约谈整改。"), PACK, MATCHER)
    assert not alarms(ev, "JX-A12")


def test_the_budget_row_is_not_an_indicator_for_full_marks():
    data = {"self_evaluation": {"budget": {"full_year": 0, "executed": 0, "weight": 10, "self_score": 0},
                                "indicators": [{"level1": "产出指标", "groups": [{"level2": "数量指标", "rows": [row()]}]}]}}
    ev = evaluate_case(case_from_fragment(data, "<test>"), PACK, MATCHER)
    assert alarms(ev, "JX-A12")


# ------------------------------------------------------------------ units, survey, vague targets


def test_a_unit_closing_the_name_is_a_unit():
    assert not alarms(evaluate([row("任务完成时限(月)", "10", "10")], level2="时效指标"), "JX-A18")
    assert not alarms(evaluate([row("服务外包在岸（万美元）", "20000", "23333.56")]), "JX-A18")
    [finding] = alarms(evaluate([row("配套设备购置及安装", "550", "550")]), "JX-A18")
    assert finding.severity == "warning"


def test_an_indicator_naming_its_survey_has_a_basis():
    named = evaluate([row("退捕渔民抽样调查满意度", "≥90%", "100%")], level1="满意度指标", level2="服务对象满意度指标")
    assert not alarms(named, "JX-A11")
    [finding] = alarms(evaluate([row("学生满意度", "≥90%", "100%")], level1="满意度指标", level2="服务对象满意度指标"),
                       "JX-A11")
    assert finding.severity == "warning"


def test_a_target_stating_only_a_direction_is_vague_under_any_level2():
    ev = evaluate([row("提升消费者维权意识", "不断提升", "已完成", 5, 5)], level1="效益指标", level2="社会效益指标")
    assert alarms(ev, "JX-A10")
    ev = evaluate([row("群众生活条件", "显著提升", "显著提升", 5, 5)], level1="效益指标", level2="社会效益指标")
    assert not alarms(ev, "JX-A10")


def test_a_table_of_copied_actuals_is_a_warning_one_copied_row_a_hint():
    one = evaluate([row("安装水标尺", "≥266米", "≥266米"), row("受益人口", "≥1000人", "1020人"), row()])
    assert [f.severity for f in one.result.findings if f.rule == "JX-A06"] == ["info"]
    assert not alarms(one, "JX-A38")
    table = evaluate([row("安装水标尺", "≥266米", "≥266米"), row("水标尺宽度", "≥50厘米", "≥50厘米"),
                      row("受益人口", "≥1000人", "≥1000人"), row("合格率", "100%", "100%")])
    [finding] = alarms(table, "JX-A38")
    assert "共 3 行" in finding.message
    # equal figures without a comparator are what a met target looks like, not a copy
    met = evaluate([row("到位率", "100%", "100%"), row("执行率", "100%", "100%"), row("保障率", "100%", "100%")])
    assert not alarms(met, "JX-A38")


# ------------------------------------------------------------------ policy is data


NEW_FIELDS = ("level1_unlikely", "amount_as_output", "template", "template_rows", "numbered_names", "target_vague")


@pytest.mark.parametrize("field", NEW_FIELDS)
def test_every_word_list_is_the_packs(field):
    key = FIELD_VOCABULARY[field]
    assert PACK.vocabulary.get(key), key
    assert any(field in fields for fields in FACT_FIELDS.values())


def test_without_the_words_nothing_is_flagged():
    """The mechanisms hold no words of their own: a pack that empties the lists flags nothing."""
    vocabulary = {**PACK.vocabulary, "level2_name_words": {}, "amount_units": [], "amount_names": [],
                  "name_classes": {}, "template_row_names": [], "template_name_prefixes": []}
    case = _case([row("整编资料审核", "98%", "98%"), row("工程资金金额", "43.2", "37.24"), {"name": "……"}])

    class Emptied:
        def __getattr__(self, name):
            return vocabulary if name == "vocabulary" else getattr(PACK, name)

    facts = [f for f in read_case(case, Emptied()).facts if f.kind == "indicator"]
    assert not any(f.fields["level2_unlikely"] for f in facts)


# ------------------------------------------------------------------ over-achievement, scoresheet criteria


def test_over_achievement_on_a_row_without_points():
    """A form with targets and actuals but no 分值: the row gets no points (judged met without
    points, national `unweighted_rows: judge`), its values are read all the same, and 1700 of ≥500
    is over-achievement without a word."""
    ev = evaluate([row("每年人才驿站服务人次", ">=500人", "1700人", None, None)])
    assert (entry(ev).outcome, entry(ev).verdict) == ("judged", "met")
    [finding] = alarms(ev, "JX-A09")
    assert "340.00%" in finding.message
    assert not alarms(evaluate([row("服务外包在岸", "20000", "23333.56", None, None)]), "JX-A09")  # 116.7 %


@pytest.mark.parametrize("name, criteria, mismatch", [
    ("财政供养人员控制率", "以100%为标准。在职人员控制率≦100%,计5分;每超过一个百分点扣0.5分", True),
    ("“三公经费”变动率", "“三公经费”变动率≦0,计5分;“三公经费”>0,每超过一个百分点扣0.5分", False),
    ("重点支出安排率", "重点支出安排率≥90%,计5分;80%(含)-90%,计4分", False),
    ("支付进度", "春节前下达全部专项资金的50%;6月底前所有专项资金指标全部下达完。", False),  # names no measure
])
def test_criteria_naming_another_measure(name, criteria, mismatch):
    ev = evaluate([row(name, "", "", 5, 5, criteria=criteria)], level1="产出指标", level2="数量指标")
    assert bool(alarms(ev, "JX-A39")) is mismatch


# ------------------------------------------------------------------ round three, second pass


def test_template_hints_left_in_names():
    ev = evaluate([row("受益建档立卡贫困人口数≥**人", "≥100人", "120人")])
    assert alarms(ev, "JX-A36")


def test_a_report_heading_left_as_the_template():
    data = {"self_evaluation": {"indicators": []},
            "report": {"sections": [{"heading": "摘要(2000字以内)", "text": ""},
                                    {"heading": "一、基本情况", "text": "本单位…"}]}}
    ev = evaluate_case(case_from_fragment(data, "<test>"), PACK, MATCHER)
    [finding] = alarms(ev, "JX-A33")
    assert finding.subject == "摘要(2000字以内)"


def test_unmet_without_points_or_reason():
    """A narrative's rows state targets and actuals without points: 164 of ≥180 is unmet and no
    reason is given anywhere; a row whose satisfaction target reads 290% (OCR of ≥90%) is not."""
    ev = evaluate([row("燃油补贴人次数", "不低于180人", "164人", None, None)])
    assert alarms(ev, "JX-A37")
    ocr = evaluate([row("市民满意度调查", "290%", "100%", None, None)], level1="满意度指标", level2="服务对象满意度指标")
    assert not alarms(ocr, "JX-A37")


def test_a_block_resting_on_one_indicator():
    ev = evaluate([row("成本控制数", "≤30万元", "28万元", 90, 90)], level1="产出指标", level2="成本指标")
    [finding] = alarms(ev, "JX-A40")
    assert "唯一" in finding.message
    # one 30-point 效益 row is common on the national form: not reported
    assert not alarms(evaluate([row("受益人口数", "≥100人", "120人", 30, 30)], level1="效益指标", level2="社会效益指标"),
                      "JX-A40")
    two = evaluate([row("受益人口数", "≥100人", "120人", 50, 50), row("带动就业", "≥10人", "12人", 10, 10)],
                   level1="效益指标", level2="社会效益指标")
    assert not alarms(two, "JX-A40")


def test_a_score_left_blank_among_scored_rows():
    rows = [row("受益人口数", "≥100人", "120人", 10, 10), row("查阅便捷程度", "提升", "提升", 10, None)]
    [finding] = alarms(evaluate(rows, level1="效益指标", level2="社会效益指标"), "JX-A41")
    assert finding.row == 2
    # the archive lost the cell: the case's review list says so, not a blank
    review = [{"field": "self_evaluation.indicators[0].groups[0].rows[1].score", "value": "", "reason": "截断"}]
    assert not alarms(evaluate(rows, level1="效益指标", level2="社会效益指标", review=review), "JX-A41")
