"""Report-meaning checks (JX-P01–P05): a filing published before its budget year closed, a report
claiming every target met while rows it lists were not (never counting a row the engine could not
read), the same item given two amounts, the report's spending against the execution it claims,
and an indicator the report restates differently from the table. Words and thresholds are the
pack's; the arithmetic and the reading are here under test."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from engine.api import load_pack, matcher_for
from engine.examples import case_from_fragment
from engine.facts_checks import _claim_in
from engine.lint import lint_pack
from engine.score import evaluate_case

from .conftest import NATIONAL, ROOT

PACK = load_pack(ROOT / NATIONAL)
MATCHER = matcher_for(PACK, "python")


def evaluate(data: dict, pack=PACK, matcher=MATCHER):
    return evaluate_case(case_from_fragment(data, "<test>"), pack, matcher)


def alarms(evaluation) -> Counter:
    return Counter(f.rule for f in evaluation.result.findings
                   if f.severity in ("warning", "error") and not f.passed)


def facts(evaluation, kind: str):
    return [f for f in evaluation.facts if f.kind == kind]


def findings(evaluation, rule: str):
    return [f for f in evaluation.result.findings if f.rule == rule]


def rows(*rows, level1="产出指标", level2="数量指标"):
    return {"indicators": [{"level1": level1, "groups": [{"level2": level2, "rows": list(rows)}]}]}


def row(name, target, actual, **more):
    return {"name": name, "target": target, "actual": actual, **more}


# ------------------------------------------------------------------ JX-P01 published before the year closed
def test_a_filing_published_before_its_budget_year_closed_is_a_warning_with_the_days_left():
    ev = evaluate({"year": 2023, "published": "2023-09-28"})
    (found,) = findings(ev, "JX-P01")
    assert found.severity == "warning"
    numbers = dict(found.numbers)
    assert numbers["published_days_before_year_end"] == "94" and numbers["year_end"] == "2023-12-31"
    (doc,) = facts(ev, "document")
    assert doc.fields["published_days_after_year_end"] == -94


def test_the_last_day_of_the_year_is_still_before_the_close_and_the_next_day_is_not():
    assert alarms(evaluate({"year": 2023, "published": "2023年12月31日"}))["JX-P01"] == 1
    assert alarms(evaluate({"year": 2023, "published": "2024年1月1日"}))["JX-P01"] == 0


def test_no_date_or_a_date_that_is_not_a_day_is_silent_not_a_finding():
    for data in ({"year": 2023}, {"year": 2023, "published": "2023年"}, {"year": 2023, "published": "不详"}):
        ev = evaluate(data)
        assert alarms(ev)["JX-P01"] == 0
        (doc,) = facts(ev, "document")
        assert "published_days_after_year_end" not in doc.fields


def test_the_threshold_is_the_packs_parameter(tmp_path):
    import shutil

    folder = tmp_path / "national-2020"
    shutil.copytree(ROOT / NATIONAL, folder)
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    assert "  before_year_end_days: 0 " in text
    (folder / "pack.yaml").write_text(text.replace("  before_year_end_days: 0 ", "  before_year_end_days: -100 "),
                                      encoding="utf-8")
    pack = load_pack(folder)
    assert alarms(evaluate({"year": 2023, "published": "2023-09-28"}, pack, matcher_for(pack, "python")))["JX-P01"] == 0
    assert alarms(evaluate({"year": 2023, "published": "2023-06-01"}, pack, matcher_for(pack, "python")))["JX-P01"] == 1


# ------------------------------------------------------------------ JX-P02 a claim against the rows
CLAIM = {"sections": [{"heading": "（三）总体绩效目标完成情况分析", "text": "该资金项目已按照计划完成目标，达到预期效果。"}]}


def test_a_claim_with_an_unmet_row_names_the_row_and_where_the_claim_stands():
    ev = evaluate({"report": CLAIM, "self_evaluation": rows(
        row("康复服务比例", "不低于85%", "100%"), row("燃油补贴人次数", "不低于180人", "164人"))})
    (found,) = findings(ev, "JX-P02")
    assert found.subject == "自评报告“（三）总体绩效目标完成情况分析”"
    assert "第 2 行“燃油补贴人次数”" in found.message and "164人" in found.message
    (claim,) = facts(ev, "claim")
    assert (claim.fields["rows_unmet"], claim.fields["rows_unread"]) == (1, 0)


def test_rows_that_could_not_be_read_are_never_unmet():
    # a word for an actual, an OCR-damaged "285%" against "≥85%", a unit that does not convert,
    # and a row the case's own review list names: none of them is a shortfall
    data = {"report": CLAIM,
            "self_evaluation": rows(row("人次", "不低于180人", "无法统计"), row("合格率", "≥85%", "285%"),
                                    row("时长", "≥3天", "2个月"), row("户数", "≥50户", "40户")),
            "review": [{"field": "self_evaluation.indicators[0].groups[0].rows[3].actual", "value": "40户",
                        "reason": "存档模糊"}]}
    ev = evaluate(data)
    assert alarms(ev)["JX-P02"] == 0
    (claim,) = facts(ev, "claim")
    assert claim.fields["rows_unmet"] == 0 and claim.fields["rows_unread"] == 4


def test_scored_rows_reverse_rows_and_late_deadlines_count_as_unmet():
    data = {"report": CLAIM, "self_evaluation": rows(
        row("人次", "≥100人", "90人", weight=10, score=9, reason="受天气影响，部分培训延期。"),
        row("成本", "≤10万元", "12万元", weight=10, score=8, reason="材料涨价。"),
        row("完成时间", "2023年6月底", "2023年9月", weight=10, score=10, reason="工期延误。"))}
    (claim,) = facts(evaluate(data), "claim")
    assert claim.fields["rows_unmet"] == 3


def test_a_qualitative_row_is_unmet_only_in_the_packs_unmet_bands():
    data = {"report": CLAIM, "self_evaluation": rows(
        row("服务质量", "好", "未完成", weight=10, score=0, reason="人员不足。"),
        row("群众评价", "好", "基本完成", weight=10, score=7, reason="宣传不够。"),
        row("社会影响", "好", "说不清", weight=10, score=5, reason="无法评估。"), level2="质量指标")}
    (claim,) = facts(evaluate(data), "claim")
    # 未完成 is in 未达成 (claim_unmet_bands); 基本完成 (部分达成) is not; a word outside the bands is unread
    assert (claim.fields["rows_unmet"], claim.fields["rows_unread"]) == (1, 1)


def test_a_qualified_claim_is_no_claim_and_no_claim_builds_no_fact():
    for text in ("项目基本完成目标，部分指标未达到预期效果。", "因疫情未全面完成年度目标。", "项目按计划实施。"):
        ev = evaluate({"report": {"sections": [{"heading": "总体情况", "text": text}]},
                       "self_evaluation": rows(row("人次", "不低于180人", "164人"))})
        assert facts(ev, "claim") == [] and alarms(ev)["JX-P02"] == 0, text


def test_the_claim_may_stand_in_the_goal_cell_or_the_conclusion():
    for se in ({"goal": {"expected": "发放补贴", "actual": "全面完成年度目标。"}}, {"conclusion": "各项指标均已完成。"}):
        ev = evaluate({"self_evaluation": {**se, **rows(row("人次", "不低于180人", "164人"))}})
        assert alarms(ev)["JX-P02"] == 1, se


def test_the_claim_reader_skips_a_qualified_mention_and_takes_a_later_plain_one():
    words, qualifiers = ["全面完成"], ["未", "基本"]
    # the sentence is quoted whole (up to 。；or a line break)
    assert _claim_in("一季度未全面完成，全年全面完成。其余略", words, qualifiers) == ("全面完成", "一季度未全面完成，全年全面完成")
    assert _claim_in("基本全面完成", words, qualifiers) is None


# ------------------------------------------------------------------ JX-P03 one item, two amounts
def test_a_restated_amount_is_compared_with_the_statement_once_per_pair():
    report = {"statements": [{"topic": "项目支出", "total": 2604.1,
                              "items": [{"name": "案件审判", "amount": 414.35}, {"name": "其他", "amount": 2189.75}]}],
              "figures": [{"name": "案件审判", "amount": 411.95, "measure": "年初预算数"},
                          {"name": "案件审判", "amount": 411.95, "measure": "年末结算支出"}]}
    ev = evaluate({"report": report})
    (found,) = findings(ev, "JX-P03")
    assert found.subject == "案件审判" and dict(found.numbers)["abs_diff"] == "2.4"


def test_two_statements_are_not_compared_and_different_measures_are_not_compared():
    report = {"statements": [{"topic": "三公经费 2017年决算数", "total": 29.08, "items": [{"name": "公务接待", "amount": 17.22}]},
                             {"topic": "三公经费 2018年预算数", "total": 22, "items": [{"name": "公务接待", "amount": 22}]}],
              "figures": [{"name": "会议费", "amount": 5, "measure": "年初预算数"},
                          {"name": "会议费", "amount": 4, "measure": "年末结算支出"}]}
    ev = evaluate({"report": report})
    assert facts(ev, "figure") == [] and alarms(ev)["JX-P03"] == 0


def test_quotation_marks_do_not_make_two_names():
    report = {"statements": [{"topic": "项目支出", "total": 10, "items": [{"name": "“两庭”建设", "amount": 10}]}],
              "figures": [{"name": "两庭建设", "amount": 9}]}
    assert alarms(evaluate({"report": report}))["JX-P03"] == 1


# ------------------------------------------------------------------ JX-P04 spending against claimed execution
def spending(actual: str, target: str = "10萬元", **extra) -> dict:
    return {"statements": [{"topic": "项目累计安排资金", "total": 10}],
            "indicators": [{"name": "项目资金投入", "target": target, "actual": actual}], **extra}


FULL = {"criteria_scores": [{"name": "預算執(zhí)行率", "weight": 3, "score": 3, "reason": "資金使用率大于95%的得滿分"}]}


def test_nothing_spent_while_execution_is_scored_full_is_a_contradiction_named_on_the_execution_item():
    ev = evaluate({"report": spending("0萬元", **FULL)})
    (found,) = findings(ev, "JX-P04")
    assert found.subject == "預算執(zhí)行率"   # the item as the filing names it (matched by its reason's words)
    (fact,) = facts(ev, "report_spending")
    assert fact.fields["spent_share"] == Decimal("0.00") and fact.fields["claimed_full"] is True


def test_spending_the_budget_or_an_indicator_that_is_not_the_whole_budget_is_silent():
    assert alarms(evaluate({"report": spending("9.8萬元", **FULL)}))["JX-P04"] == 0
    ev = evaluate({"report": spending("0.5万元", target="2万元", **FULL)})
    assert facts(ev, "report_spending") == []


def test_a_stated_rate_far_above_the_reported_spending_is_a_contradiction_without_any_score():
    ev = evaluate({"report": spending("6万元", target="10万元", execution_rate="100%")})
    (fact,) = facts(ev, "report_spending")
    assert fact.fields["gap_pp"] == Decimal("40.00") and fact.fields["claimed_full"] is False
    assert alarms(ev)["JX-P04"] == 1


def test_a_score_item_below_full_or_without_execution_words_claims_nothing():
    partial = {"criteria_scores": [{"name": "预算执行率", "weight": 3, "score": 2}]}
    other = {"criteria_scores": [{"name": "资金到位率", "weight": 3, "score": 3, "reason": "到位及时率大于90%得满分"}]}
    for extra in (partial, other):
        assert facts(evaluate({"report": spending("0万元", target="10万元", **extra)}), "report_spending") == []


# ------------------------------------------------------------------ JX-P05 restated indicators against the table
def test_a_restated_indicator_is_compared_by_value_with_units_converted():
    table = rows(row("渠道长度", "≥2公里", "2100米", weight=10, score=10))
    same = evaluate({"self_evaluation": table,
                     "report": {"indicators": [{"name": "渠道长度", "target": "2公里", "actual": "2.1公里"}]}})
    (fact,) = facts(same, "report_indicator")
    assert (fact.fields["same_target"], fact.fields["same_actual"]) == (True, True)
    assert alarms(same)["JX-P05"] == 0
    differs = evaluate({"self_evaluation": table,
                        "report": {"indicators": [{"name": "渠道长度", "target": "2公里", "actual": "1.8公里"}]}})
    assert alarms(differs)["JX-P05"] == 1


def test_words_are_not_compared_a_paraphrase_is_no_mismatch():
    ev = evaluate({"self_evaluation": rows(row("服务质量", "好", "较好", weight=10, score=9), level2="质量指标"),
                   "report": {"indicators": [{"name": "服务质量", "target": "好", "actual": "效果较好"}]}})
    (fact,) = facts(ev, "report_indicator")
    assert "same_actual" not in fact.fields and alarms(ev)["JX-P05"] == 0


def test_a_restated_indicator_the_table_does_not_list_gives_no_fact():
    ev = evaluate({"self_evaluation": rows(row("人次", "≥100人", "120人", weight=10, score=10)),
                   "report": {"indicators": [{"name": "项目资金投入", "target": "10万元", "actual": "0万元"}]}})
    assert facts(ev, "report_indicator") == []


# ------------------------------------------------------------------ policy is data
def test_lint_reports_a_claim_check_whose_word_list_is_empty(tmp_path):
    import shutil

    pack = tmp_path / "national-2020"
    shutil.copytree(ROOT / NATIONAL, pack)
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    start = text.index("  completion_claims: [")
    end = text.index("  claim_qualifiers:")
    (pack / "pack.yaml").write_text(text[:start] + "  completion_claims: []\n" + text[end:], encoding="utf-8")
    vocab = [p for p in lint_pack(pack).problems if p.code == "E-LINT-VOCAB"]
    assert [(p.message[:10], "completion_claims" in p.message) for p in vocab] == [("规则 JX-P02：", True)]


def test_the_tables_own_filing_date_counts_and_the_earlier_date_is_the_one_checked():
    ev = evaluate({"year": 2023, "published": "2024-02-01", "self_evaluation": {"date": "2023年12月20日"}})
    (found,) = findings(ev, "JX-P01")
    assert dict(found.numbers)["published_how"] == "填报" and "2023年12月20日填报" in found.message
    late = evaluate({"year": 2023, "published": "2024-02-01", "self_evaluation": {"date": "2024年1月20日"}})
    assert alarms(late)["JX-P01"] == 0
