"""Review scope per cell: a case `review:` item on one cell of a row silences only the checks that
read that cell (engine.facts.CELL_FIELDS, unit_doubt); the 指标性质 column gives the target its
comparator; JX-A15 on rows that are 待复核; JX-C30 (executed against the initial budget when the
form gives no 全年预算数); 结余率 as a budget-execution name (corpus-f findings)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from engine.api import case_from_document, load_pack, matcher_for, score_file
from engine.facts import read_case
from engine.load import load_text
from engine.score import evaluate_case

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "rules" / "national-2020"
CORPUS = ROOT / "tests" / "corpus"
ROW = "self_evaluation.indicators[0].groups[0].rows[0]"

CASE = """\
format: jixiao-case/2
unit: 示例县商务局
year: 2023
form: project
region: 示例省示例县
self_evaluation:
  budget: {budget}
  indicators:
    - level1: {level1}
      groups:
        - level2: {level2}
          rows:
            - {row}
{review}"""


def _evaluate(row: str, cells=(), level1="产出指标", level2="数量指标",
              budget="{full_year: 100, executed: 100, weight: 10, rate: 100%, self_score: 10}"):
    review = "review:\n" + "".join(f"  - {{field: '{ROW}{'.' + c if c else ''}', value: x, reason: 看不清}}\n"
                                   for c in cells) if cells else ""
    text = CASE.format(budget=budget, level1=level1, level2=level2, row=row, review=review)
    case = case_from_document(load_text(text, "<test>"))
    pack = load_pack(NATIONAL)
    evaluation = evaluate_case(case, pack, matcher_for(pack, "python"))
    fact = next(f for f in evaluation.facts if f.kind == "indicator")
    return fact, evaluation.result


def _rules(result, severities=("warning", "error")):
    return {f.rule for f in result.findings if not f.passed and f.severity in severities}


def _entry(result):
    return next(e for e in result.ledger if e.row == 1)


def test_every_indicator_field_is_kept_or_fed_by_a_cell():
    # a field added to indicator facts must say which cell feeds it, or that no doubt takes it away
    from engine.facts import _WHOLE_ROW, CELL_FIELDS, FACT_FIELDS, KEPT_FIELDS

    fed = {f for fields in CELL_FIELDS.values() for f in fields}
    assert set(FACT_FIELDS["indicator"]) == fed | set(KEPT_FIELDS)
    assert not fed & set(KEPT_FIELDS) and set(_WHOLE_ROW) == fed


OVER = "{name: 新增限上商贸企业, target: '23', actual: '33', weight: 20, score: 20, reason: ''}"


def test_without_review_items_the_over_achievement_is_reported():
    fact, result = _evaluate(OVER)
    assert "JX-A09" in _rules(result) and _entry(result).outcome != "review"


def test_a_doubted_unit_cell_with_bare_numbers_keeps_the_ratio_but_not_the_score():
    # one unknown unit serves both cells: 33 / 23 stays 143.48 %, so JX-A09 runs; whether the
    # numbers are percentages is not known, so the row is not scored (待复核), never silently
    fact, result = _evaluate(OVER, ["unit"])
    assert fact.fields["ratio"] == Decimal(33) / Decimal(23)
    assert "shortfall_pp" not in fact.fields and fact.doubted == frozenset({"unit"})
    assert "JX-A09" in _rules(result)
    assert _entry(result).outcome == "review" and result.status == "provisional"


def test_a_doubted_target_silences_the_checks_that_read_it():
    fact, result = _evaluate(OVER, ["target"])
    assert not {"ratio", "target", "target_comparator", "target_kind"} & set(fact.fields)
    assert "JX-A09" not in _rules(result) and _entry(result).outcome == "review"


def test_a_doubted_name_leaves_the_comparison_but_not_the_name_class():
    row = "{name: 群众满意度, target: '≥90%', actual: '99%', weight: 20, score: 20, reason: ''}"
    _, plain = _evaluate(row)
    assert "JX-A17" in _rules(plain)  # a 满意度 name under 数量指标
    fact, result = _evaluate(row, ["name"])
    assert "level2_unlikely" not in fact.fields and fact.fields["ratio"] == Decimal("1.1")
    assert "JX-A17" not in _rules(result)


def test_the_row_as_a_whole_in_doubt_silences_every_cell_check():
    row = "{name: 群众满意度, target: '≥30', actual: '50', weight: 20, score: 20, reason: ''}"
    fact, result = _evaluate(row, [""])
    assert not {"ratio", "level2_unlikely", "target_comparator", "actual_kind"} & set(fact.fields)
    assert not {"JX-A09", "JX-A17"} & _rules(result) and _entry(result).outcome == "review"


@pytest.mark.parametrize("target, actual, scored, ratio", [
    ("≥25公里", "26300米", True, True),     # both cells write their units: the unit cell does not enter
    ("≥25公里", "26300", False, False),     # the bare cell's unit is the one in doubt: nothing compared is known
    ("25", "26300", False, True),           # one unknown unit for both: the ratio holds, the score waits
])
def test_what_a_doubted_unit_cell_does_to_the_comparison(target, actual, scored, ratio):
    row = f"{{name: 新建道路, target: '{target}', actual: '{actual}', weight: 20, score: 20, reason: 已完成}}"
    fact, result = _evaluate(row, ["unit"])
    assert (_entry(result).outcome != "review") is scored
    assert ("ratio" in fact.fields) is ratio
    assert result.status == "provisional"  # the case's item stays listed: never silently final
    assert [i.source for i in result.review_items].count("case") == 1
    # the item made the row 待复核 (linked to it) only where the row is not scored
    case = case_from_document(load_text(CASE.format(
        budget="{full_year: 1, executed: 1}", level1="产出指标", level2="数量指标", row=row,
        review=f"review:\n  - {{field: '{ROW}.unit', value: x, reason: 看不清}}\n"), "<test>"))
    assert bool(read_case(case, load_pack(NATIONAL)).linked_review) is not scored


def test_a_row_in_review_never_gets_an_error_about_meeting_its_target():
    # unmet (8 of 28) and self-scored full: an error without a doubt; with the unit cell in
    # doubt the row is 待复核, and nothing says it was unmet or over-scored
    row = "{name: 管护面积, target: '28', actual: '8', weight: 20, score: 20, reason: ''}"
    _, plain = _evaluate(row)
    assert "JX-A03" in _rules(plain, ("error",))
    fact, result = _evaluate(row, ["unit"])
    assert _entry(result).outcome == "review"
    assert not [f for f in result.findings if not f.passed and f.severity == "error" and f.row == 1]


def test_a_doubted_self_score_still_leaves_the_row_scored():
    _, result = _evaluate(OVER, ["score"])
    assert _entry(result).outcome != "review" and "JX-A09" in _rules(result)


def test_a_doubted_self_score_is_not_compared_with_the_rule_score():
    row = "{name: 管护面积, target: '28', actual: '8', weight: 20, score: 20, reason: ''}"
    fact, result = _evaluate(row, ["score"])
    assert fact.doubted == frozenset({"score"}) and _entry(result).outcome != "review"
    assert _entry(result).points < 20  # scored by the rule as before
    assert not {"JX-A01", "JX-A03"} & _rules(result)  # the doubted 得分 is not called over-scored


def test_a_doubted_reason_cell_is_not_called_missing():
    # the 偏差原因 is not in review_row_fields: the row is scored, but "no reason" is not claimed
    fact, result = _evaluate(OVER, ["reason"])
    assert _entry(result).outcome != "review" and "has_reason" not in fact.fields
    assert fact.doubted == frozenset({"reason"}) and "JX-A09" not in _rules(result)


# ── 指标性质 (nature) gives the target its comparator ───────────────────────────────────────────

@pytest.mark.parametrize("nature, target, comparator, direction", [
    ("≤", "10", "<=", "reverse"),
    ("﹦", "100", "==", "equal"),
    ("≧", "735", ">=", "positive"),
    ("定量指标", "10", None, "positive"),   # names no comparator: changes nothing
    ("≥", "≤10", "<=", "reverse"),          # the cell's own comparator stands
])
def test_the_nature_column_gives_the_comparator(nature, target, comparator, direction):
    fact, _ = _evaluate(f"{{name: 科目调整次数, nature: '{nature}', target: '{target}', unit: 次, actual: '3',"
                        f" weight: 20, score: 20, reason: ''}}")
    assert fact.fields.get("target_comparator") == comparator and fact.fields["direction"] == direction


def test_a_cap_on_an_output_count_is_reported_on_a_row_in_review():
    # the flaw is in the target alone: a blank actual (待复核) does not hide it
    row = "{name: 科目调整次数, nature: '≤', target: '10', unit: 次, actual: '', weight: 22.5, score: null, reason: ''}"
    _, result = _evaluate(row)
    assert _entry(result).outcome == "review" and "JX-A15" in _rules(result)
    # … unless the target or its 指标性质 is what the case doubts
    for cell in ("target", "nature"):
        assert "JX-A15" not in _rules(_evaluate(row, [cell])[1])


def test_a_balance_rate_under_economic_benefit_is_misfiled():
    row = "{name: '结余率(计算方法为:结余数/预算数)', nature: '≤', target: '5', unit: '%', actual: '', weight: 22.5}"
    fact, result = _evaluate(row, level1="效益指标", level2="经济效益指标")
    assert fact.fields["name_class"] == "预算执行" and "JX-A17" in _rules(result)


# ── JX-C30: executed against the initial budget when no 全年预算数 is given ─────────────────────

@pytest.mark.parametrize("budget, reported", [
    ("{initial: 1304.23, executed: 2951.55}", True),           # +126.31 %
    ("{initial: 100, executed: 70}", True),                    # −30 %
    ("{initial: 100, executed: 110}", False),                  # within 20 %
    ("{initial: 100, full_year: 230, executed: 230}", False),  # 全年预算数 stated: JX-C05 checks it
])
def test_executed_against_the_initial_budget(budget, reported):
    _, result = _evaluate(OVER, budget=budget)
    assert ("JX-C30" in _rules(result)) is reported


def test_c30_message_states_the_gap():
    _, result = _evaluate(OVER, budget="{initial: 1304.23, executed: 2951.55}")
    finding = next(f for f in result.findings if f.rule == "JX-C30")
    assert "2951.55" in finding.message and "1304.23" in finding.message
    assert "增加 1647.32" in finding.message and "+126.31%" in finding.message


# ── the corpus filings that showed the misses ──────────────────────────────────────────────────

def test_corpus_dazu_third_row_over_achievement_and_budget_gap():
    result = score_file(CORPUS / "no-scores-2021-dazu-swj" / "case.yaml")
    a09 = [f for f in result.findings if f.rule == "JX-A09"]
    assert [f.subject for f in a09] == ["消费品零售额", "外贸进出口总额", "新增限上商贸企业(法人)"]
    assert "143.48%" in a09[2].message
    assert "JX-C30" in _rules(result)
    assert all(e.outcome == "review" for e in result.ledger if e.row is not None)


def test_corpus_daying_cap_and_balance_rate():
    result = score_file(CORPUS / "unfilled-nd-daying-zuebaozhang" / "case.yaml")
    assert [f.subject for f in result.findings if f.rule == "JX-A15"] == ["科目调整次数"]
    assert [f.subject for f in result.findings if f.rule == "JX-A17"] == ["结余率(计算方法为:结余数/预算数)"]
    # every row still 待复核 (blank actuals), none reported unmet
    assert all(e.outcome == "review" for e in result.ledger if e.row is not None)
    assert not [f for f in result.findings if f.severity == "error" and f.row is not None]
