"""Checks, round two: negations and bounds read from the pack, values the parser is unsure of
become review items (never "unmet", never a clean number), units convert, the budget row and the
whole filing are audited, tolerances follow the written precision, check words live in the pack.

The example cases of these families are in tests/test_checks.py (EXPECTED); the pack's own
examples and tests/checks2.yaml run in `jixiao rules test` (tests/test_pack_examples.py)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.api import load_pack, matcher_for
from engine.examples import case_from_fragment
from engine.facts import FACT_FIELDS
from engine.facts_checks import FIELD_VOCABULARY, survey_mentioned
from engine.score import evaluate_case
from engine.values import RANGE_SEPARATORS, APPROX_AFTER, APPROX_BEFORE, PERCENT_PREFIX, notation_for, parse_value

from .conftest import NATIONAL, ROOT

PACK = load_pack(ROOT / NATIONAL)
MATCHER = matcher_for(PACK, "python")
NOTATION = notation_for(PACK.vocabulary)


def evaluate(target: str, actual: str, weight=5, score=5, level1="效益指标", level2="社会效益指标", name="示例指标",
             budget=None, total=None):
    data = {"self_evaluation": {
        "budget": budget or {"full_year": 100, "executed": 100},
        "indicators": [{"level1": level1, "groups": [{"level2": level2, "rows": [
            {"name": name, "target": target, "actual": actual, "weight": weight, "score": score, "reason": ""}]}]}],
    }}
    if total is not None:
        data["self_evaluation"]["total"] = total
    return evaluate_case(case_from_fragment(data, "<test>"), PACK, MATCHER)


def row_of(evaluation, kind="indicator"):
    return next(f for f in evaluation.facts if f.kind == kind and f.row is not None and f.row.number == 1)


def entry_of(evaluation):
    return next(e for e in evaluation.result.ledger if e.row == 1)


def under_review(evaluation) -> bool:
    """The row is a review item (待复核): it carries a reason, its ledger entry is a review one, and
    the result lists it among the items to review."""
    fact, entry = row_of(evaluation), entry_of(evaluation)
    listed = any(item.row == 1 for item in evaluation.result.review_items)
    assert (fact.review is not None) == (entry.outcome == "review") == listed
    return entry.outcome == "review"


# ------------------------------------------------------------------ 1. negations and bounds


NEGATIONS = [
    ("不得超过107.57万元", "<=", "107.57"), ("不得高于5%", "<=", "5"), ("不得大于3次", "<=", "3"),
    ("不能超过10天", "<=", "10"), ("不应超过3%", "<=", "3"), ("严禁超过5万元", "<=", "5"),
    ("未超过100万元", "<=", "100"), ("不超出10万元", "<=", "10"), ("最多3次", "<=", "3"), ("至多5天", "<=", "5"),
    ("上限10万元", "<=", "10"), ("最高50万元", "<=", "50"),
    ("不得低于95%", ">=", "95"), ("不得少于10人", ">=", "10"), ("未低于95%", ">=", "95"), ("至少3次", ">=", "3"),
    ("最低90%", ">=", "90"), ("不少于5个", ">=", "5"),
    ("不足5%", "<", "5"), ("不到3天", "<", "3"),
    ("0起", "<=", "0"), ("杜绝安全事故，0起", "<=", "0"),
    ("至少开展3次培训", ">=", "3"),
]


@pytest.mark.parametrize("text, comparator, number", NEGATIONS, ids=[t for t, _, _ in NEGATIONS])
def test_negated_and_bounding_words_are_read_as_the_pack_says(text, comparator, number):
    value = parse_value(text, NOTATION, "target")
    assert (value.comparator, value.number, value.uncertain) == (comparator, Decimal(number), False)


def test_without_the_pack_the_same_words_are_never_read_backwards_silently():
    """The parser alone does not know 不得超过; it reads 超过 and notes the dropped 不得 (a
    pack that lists no negation words gets the note, scoring gets no comparison from the pack)."""
    value = parse_value("不得超过107.57万元")
    assert value.comparator == ">" and any("不得" in n for n in value.notes)
    assert parse_value("不可超过5%", NOTATION, "target").doubts  # a negation the pack does not list


def test_a_cost_overrun_under_a_negated_target_loses_points():
    evaluation = evaluate("不得超过107.57万元", "150.6万元", level1="产出指标", level2="成本指标", weight=10, score=10)
    entry = entry_of(evaluation)
    assert (entry.rule, entry.points) == ("JX-S04", Decimal("6.00"))
    assert "JX-A03" in {f.rule for f in evaluation.result.findings}


def test_a_zero_tolerance_target_is_missed_by_two_incidents():
    evaluation = evaluate("杜绝安全事故，0起", "2起")
    assert (entry_of(evaluation).rule, entry_of(evaluation).points) == ("JX-S10", Decimal("0.00"))


ACTUALS = ["未达到95%", "不足95%", "不到95%", "预计95%", "95%（计划）", "尚未完成，95%", "<95%"]


@pytest.mark.parametrize("actual", ACTUALS)
def test_an_actual_that_is_not_a_value_is_a_review_item_never_a_clean_95(actual):
    evaluation = evaluate("≥95%", actual)
    fact = row_of(evaluation)
    assert "actual" not in fact.fields and fact.fields["unsure"] is True and under_review(evaluation)
    notes = fact.display["review_notes"]
    assert notes and notes in fact.review  # the parser's notes are the row's review reason
    entry = entry_of(evaluation)
    assert entry.rule != "JX-S01" and entry.points == 0
    found = {f.rule: f for f in evaluation.result.findings if f.row == 1 or f.subject == "示例指标"}
    assert "JX-V01" in found and notes in found["JX-V01"].message  # ... and reach the result twice:
    assert any(notes in item.reason for item in evaluation.result.review_items if item.row == 1)
    assert not [f for f in evaluation.result.findings if f.severity == "error" and not f.passed and f.row == 1]


def test_an_actual_bound_on_the_safe_side_is_still_scored():
    """"≧92%" against "≥95%" says at least 92: scoring 92 cannot overstate it (the seed)."""
    evaluation = evaluate("≥95%", "≧92%")
    assert (entry_of(evaluation).rule, entry_of(evaluation).points) == ("JX-S02", Decimal("4.84"))
    assert not row_of(evaluation).review


@pytest.mark.parametrize("target, actual", [
    ("≥85%", "285%"), ("W100%", "90%"), ("至0", "0起"), ("≥95%", "无"), ("≥95%", ""), ("≤30天", "1个月"),
    ("≥95%", "W90%"), ("不可超过5万元", "6万元"),
])
def test_a_row_the_engine_cannot_read_never_gets_an_error_about_meeting_its_target(target, actual):
    evaluation = evaluate(target, actual, score=5)
    assert under_review(evaluation)
    claims = [f for f in evaluation.result.findings if not f.passed and f.rule in ("JX-A01", "JX-A02", "JX-A03", "JX-A09")]
    assert claims == []
    assert not [f for f in evaluation.result.findings if f.severity == "error" and not f.passed and f.row == 1]


# ------------------------------------------------------------------ property: unknown words


def _vocabulary_characters() -> set[str]:
    n = NOTATION
    words = [*n.prefix, *n.suffix, *n.deadline, *n.units, *n.aliases, *n.aliases.values(), *n.filler, *n.na,
             *n.qualitative, *n.negations, *n.zero_words, *n.hedges, *n.ocr, *RANGE_SEPARATORS, *APPROX_AFTER,
             *APPROX_BEFORE, PERCENT_PREFIX, "百分比", "万", "亿", "前", "底", "末", "之", "以", "内"]
    return {ch for word in words for ch in word}


#: Characters that occur in no word the parser or the pack knows: a word made of them is unknown
#: wherever it is inserted (it cannot complete a known word with its neighbours).
UNKNOWN = "".join(ch for ch in "甲乙丙丁戊己庚辛壬癸山水火木金石田禾竹羊鸟鱼虫云雨雪风花草" if ch not in _vocabulary_characters())
CELLS = [("≥95%", "92%"), ("不得超过107.57万元", "150.6万元"), ("≤100万元", "90万元"), ("7人", "7人"),
         ("≥25公里", "26300米"), ("0起", "0起"), ("不得低于95%", "90%"), ("≥10个", "20个"), ("100%", "98%")]


def test_the_unknown_alphabet_is_large_enough_to_mean_something():
    assert len(UNKNOWN) >= 15


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cell=st.sampled_from(CELLS), side=st.sampled_from(["target", "actual"]), data=st.data())
def test_an_unknown_word_never_changes_a_score_without_a_review_item(cell, side, data):
    target, actual = cell
    text = target if side == "target" else actual
    word = data.draw(st.text(alphabet=UNKNOWN, min_size=1, max_size=4), label="word")
    at = data.draw(st.integers(min_value=0, max_value=len(text)), label="at")
    mutated = text[:at] + word + text[at:]
    base = evaluate(target, actual)
    other = evaluate(mutated, actual) if side == "target" else evaluate(target, mutated)
    assert entry_of(other).points == entry_of(base).points or under_review(other), (mutated, entry_of(other))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(word=st.sampled_from(["不", "未", "尚未", "预计", "计划", "没有", "禁止"]),
       cell=st.sampled_from(["92%", "96%", "95%"]), where=st.sampled_from(["before", "after"]))
def test_a_negation_or_hedge_beside_an_actual_always_makes_a_review_item(word, cell, where):
    actual = f"{word}，{cell}" if where == "before" else f"{cell}（{word}）"
    assert under_review(evaluate("≥95%", actual))


# ------------------------------------------------------------------ 2. units


@pytest.mark.parametrize("target, actual", [("≥25公里", "26300米"), ("≥30厘米", "0.3米"), ("≥2公顷", "30亩"),
                                            ("≥1吨", "1000公斤"), ("≤3个月", "1季度"), ("≥2周", "14天")])
def test_units_of_one_dimension_convert_by_the_pack_table(target, actual):
    evaluation = evaluate(target, actual)
    entry = entry_of(evaluation)
    assert (entry.rule in ("JX-S01", "JX-S03"), entry.points, row_of(evaluation).fields["units_match"]) == (
        True, Decimal("5.00"), True)


def test_centimetres_are_centimetres_and_a_bare_wan_is_wan_yuan():
    assert (parse_value("≥30厘米", NOTATION).unit, parse_value("≥30厘米", NOTATION).notes) == ("厘米", ())
    wan = parse_value("350.6万", NOTATION)
    assert (wan.number, wan.unit) == (Decimal("350.6"), "万元")
    assert parse_value("3万亩", NOTATION).unit == "万亩"  # 万 before a unit is still a multiplier


@pytest.mark.parametrize("target, actual", [("≤30天", "1个月"), ("≥5米", "5吨"), ("≥2篇", "2编")])
def test_units_that_do_not_convert_stay_a_review_item(target, actual):
    evaluation = evaluate(target, actual)
    assert row_of(evaluation).fields["units_match"] is False and under_review(evaluation)
    assert "JX-A07" in {f.rule for f in evaluation.result.findings}


# ------------------------------------------------------------------ 3. the budget row


def _budget_findings(budget):
    return {f.rule for f in evaluate("≥95%", "96%", budget=budget).result.findings if not f.passed}


def test_the_budget_row_is_audited_like_an_indicator_row():
    assert "JX-E20" in _budget_findings({"full_year": 50, "executed": 52.3, "weight": 10, "self_score": 10})
    assert "JX-E21" in _budget_findings({"full_year": 100, "executed": 90, "weight": 10})
    assert "JX-E22" in _budget_findings({"full_year": 100, "executed": 90, "weight": 10, "self_score": 11})
    assert "JX-E23" in _budget_findings({"full_year": 160.48, "executed": 149.4, "weight": 10, "self_score": 10})
    assert "JX-C06" in _budget_findings({"initial": 0, "full_year": 30, "executed": 30})
    assert "JX-C07" in _budget_findings({"initial": 20, "full_year": 30, "executed": 30})
    clean = _budget_findings({"initial": 100, "full_year": 100, "executed": 93.1, "weight": 10, "self_score": 9.31})
    assert not clean & {"JX-E20", "JX-E21", "JX-E22", "JX-E23", "JX-C06", "JX-C07"}


def test_the_budget_self_score_is_compared_on_the_rules_scale():
    fact = next(f for f in evaluate("≥95%", "96%", budget={"full_year": 160.48, "executed": 149.4, "weight": 10,
                                                            "self_score": 10}).facts if f.kind == "scored_budget")
    assert (fact.fields["rule_score"], fact.fields["self_score"], fact.fields["diff"]) == (
        Decimal("9.31"), Decimal(10), Decimal("0.69"))


# ------------------------------------------------------------------ 5. precision


@pytest.mark.parametrize("rate, flagged", [("95%", False), ("94.6%", False), ("94.62%", False), ("95.00%", True),
                                           ("94%", True), ("96%", True)])
def test_a_stated_rate_is_checked_at_its_written_precision(rate, flagged):
    found = _budget_findings({"full_year": 100, "executed": 94.62, "rate": rate})
    assert ("JX-R07" in found) == flagged


# ------------------------------------------------------------------ 6. the whole filing


def test_the_filing_fact_holds_both_totals_and_rows_by_outcome():
    evaluation = evaluate("≥95%", "96%", weight=90, score=90, budget={"full_year": 100, "executed": 90, "weight": 10,
                                                                         "self_score": 9}, total={"score": 99})
    filing = next(f for f in evaluation.facts if f.kind == "filing")
    assert (filing.fields["self_total"], filing.fields["rule_total"], filing.fields["abs_diff"]) == (
        Decimal(99), Decimal("99.00"), Decimal("0.00"))
    assert (filing.fields["rows_full"], filing.fields["rows_review"]) == (1, 0)
    assert set(filing.fields) <= set(FACT_FIELDS["filing"])


# ------------------------------------------------------------------ 7. policy words in the pack


@pytest.mark.parametrize("label", ["基本达成", "效果较差", "基本满意", "达成年度指标"])
def test_the_packs_qualitative_words_are_known_wording(label):
    value = parse_value(label, NOTATION, "actual")
    assert (value.kind, value.notes) == ("qualitative", ())


def test_check_words_come_from_the_pack():
    case = case_from_fragment({"report": {"sections": [{"heading": "满意度", "text": "经问卷调查，满意度98%。"}]}}, "<t>")
    assert survey_mentioned(case, PACK.vocabulary) is True
    assert survey_mentioned(case, {**PACK.vocabulary, "survey_words": []}) is False
    assert set(FIELD_VOCABULARY.values()) <= set(PACK.vocabulary)  # every list a check uses is in the pack


def test_the_cost_rows_are_named_by_the_pack_vocabulary():
    """A pack that calls cost rows 费用指标 sums them against spending; the national one does not."""
    from engine.facts_checks import check_facts

    data = {"self_evaluation": {"budget": {"full_year": 10, "executed": 10}, "indicators": [
        {"level1": "产出指标", "groups": [{"level2": "费用指标", "rows": [
            {"name": "经费", "target": "10万元", "actual": "10万元", "weight": 5, "score": 5, "reason": ""}]}]}]}}
    case = case_from_fragment(data, "<t>")
    checks = lambda pack: {f.fields["check"] for f in check_facts(case, pack, 100) if f.kind == "sum"}  # noqa: E731
    assert "cost_vs_spending" not in checks(PACK)
    vocabulary = {**PACK.vocabulary, "level2_classes": {**PACK.vocabulary["level2_classes"], "成本": ["成本", "费用"]}}
    assert "cost_vs_spending" in checks(replace(PACK, vocabulary=vocabulary))


def test_lint_reports_a_check_whose_vocabulary_is_empty(tmp_path):
    import shutil

    from engine.lint import lint_pack

    pack = tmp_path / "national-2020"
    shutil.copytree(ROOT / NATIONAL, pack)
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    assert "  survey_words: [问卷" in text
    (pack / "pack.yaml").write_text(text.replace("  bounded_rates: [", "  bounded_rates: []\n  unused: [", 1)
                                    .replace("  unused: [", "  # ", 1), encoding="utf-8")
    vocab = [p for p in lint_pack(pack).problems if p.code == "E-LINT-VOCAB"]
    # JX-A14 tests bounded_rate; JX-A37 uses it to set aside a 满意度 target above 100 % (OCR)
    assert sorted((p.message[:10], "bounded_rates" in p.message) for p in vocab) == [("规则 JX-A14：", True),
                                                                                  ("规则 JX-A37：", True)]
    assert not [p for p in lint_pack(ROOT / NATIONAL).problems if p.code == "E-LINT-VOCAB"]


def _children(actuals, targets=("≥1.5公里", "≥1公里")):
    kids = [{"name": n, "target": t, "actual": a} for n, t, a in zip(("主渠", "支渠"), targets, actuals)]
    data = {"self_evaluation": {"budget": {"full_year": 100, "executed": 100}, "indicators": [
        {"level1": "产出指标", "groups": [{"level2": "数量指标", "rows": [
            {"name": "新建灌溉渠", "target": "≥2.5公里", "actual": "2.6公里", "weight": 10, "score": 10, "reason": "",
             "children": kids}]}]}]}}
    result = evaluate_case(case_from_fragment(data, "<t>"), PACK, MATCHER).result
    return [f.message for f in result.findings if f.rule == "JX-R10"], [f.rule for f in result.findings
                                                                     if f.rule == "JX-R01" and "children" in dict(f.numbers)["check"]]


def test_qizhong_rows_add_up_to_their_parent_in_its_unit():
    assert _children(("1.5公里", "1100米")) == ([], [])
    messages, r01 = _children(("1.5公里", "900米"))
    assert r01 == [] and messages == ["“新建灌溉渠”的“其中”各项实际完成值之和（1.5公里 + 900米）与上级指标 2.6公里 不符或单位不一致。"]
    mixed, _ = _children(("1.5公里", "3吨"))
    assert len(mixed) == 1 and "3吨" in mixed[0]


def test_the_parsers_notes_are_the_results_review_items():
    evaluation = evaluate("≥95%", "预计95%")
    items = [item for item in evaluation.result.review_items if item.source == "row"]
    assert len(items) == 1 and items[0].row == 1
    assert "实际完成值“预计95%”：含“预计”，不是确定的完成值，需人工复核" in items[0].reason
    assert evaluation.result.status == "provisional"
    assert [i for i in evaluate("≥95%", "96%").result.review_items if i.source == "row"] == []
