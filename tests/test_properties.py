"""Properties of scoring whole cases, on random cases under the national pack.

- monotonic: a positive (or equality) indicator's points never fall when its actual rises; a
  reverse (cost) indicator's never rise;
- bounded: every scored item's points lie within [0, weight];
- additive: each section's score is the sum of its ledger entries, the total the sum of all;
- order-free: shuffling the rows, or the order of rules that share a priority, changes nothing
  but row numbers;
- one contract: the durable and python matchers give the same result for the same case.

The value parser's own property (any Unicode string gives a Value; only a non-str raises, and
then its own ValueParseError) is tests/test_values.py::test_any_text_gives_a_value_with_finite_decimals
and ::test_non_str_input_raises_value_parse_error; the matchers' agreement on random conditions
is tests/test_match_differential.py.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.api import load_pack, matcher_for
from engine.case import build_case
from engine.decimals import fmt
from engine.match import compile_matcher, durable_available
from engine.score import score_case

from .conftest import NATIONAL, ROOT
from .test_score import one_row_case, row_entry

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PACK = load_pack(ROOT / NATIONAL)

# Numbers as forms write them: up to 2 decimals, from 0.01 to a million.
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(1_000_000), places=2)
weights = st.decimals(min_value=Decimal(0), max_value=Decimal(20), places=1)


def score_of(target: str, actual: str, weight: Decimal, level2: str) -> Decimal | None:
    """The row's points, or None when the engine could not compare it (a review item, such as
    "210%" against "≥0.01%": a misread "≥" is likelier than a value 21,000 times the target)."""
    entry = row_entry(one_row_case(target, actual, weight, level2=level2))
    return None if entry.rule == "JX-S90" else entry.points


# ---------------------------------------------------------------------- monotonic


@SETTINGS
@given(target=amounts, a=amounts, b=amounts, weight=weights,
       form=st.sampled_from([("≥", "%"), ("", "人"), ("=", "%"), ("不低于", "个"), (">", "%")]))
def test_a_positive_indicator_never_loses_points_when_the_actual_rises(target, a, b, weight, form):
    comparator, unit = form
    low, high = sorted((a, b))
    scores = [score_of(f"{comparator}{fmt(target)}{unit}", f"{fmt(x)}{unit}", weight, "数量指标") for x in (low, high)]
    assume(None not in scores)
    assert scores[0] <= scores[1], (target, low, high, scores)


@SETTINGS
@given(target=amounts, a=amounts, b=amounts, weight=weights,
       form=st.sampled_from([("≤", "万元", "质量指标"), ("", "万元", "成本指标"), ("不超过", "%", "质量指标"), ("<", "元", "数量指标")]))
def test_a_reverse_indicator_never_gains_points_when_the_actual_rises(target, a, b, weight, form):
    comparator, unit, level2 = form
    low, high = sorted((a, b))
    scores = [score_of(f"{comparator}{fmt(target)}{unit}", f"{fmt(x)}{unit}", weight, level2) for x in (low, high)]
    assume(None not in scores)
    assert scores[0] >= scores[1], (target, low, high, scores)


def test_the_monotonic_properties_see_both_full_and_partial_points():
    """The generators above reach the rules that matter: full points, proportional, reverse."""
    assert score_of("≥95%", "96%", Decimal(5), "数量指标") == Decimal("5.00")
    assert score_of("≥95%", "92%", Decimal(5), "数量指标") == Decimal("4.84")
    assert score_of("≤100万元", "110万元", Decimal(4), "质量指标") == Decimal("3.60")
    assert score_of("100万元", "300万元", Decimal(4), "成本指标") == Decimal("0.00")


# ---------------------------------------------------------------------- random whole cases

LEVELS = [("产出指标", "数量指标"), ("产出指标", "成本指标"), ("产出指标", "时效指标"), ("效益指标", "社会效益指标"),
          ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标")]
UNITS = ["%", "人", "万元", "元", "个", "", "篇"]
COMPARATORS = ["≥", "≧", "≤", "=", ">", "<", "不低于", "不超过", "", ""]
WORDS = ["好", "完成", "基本完成", "未完成", "达成预期指标", "无", "", "说不清", "W90%", "≧92%"]
QUALITATIVE = WORDS[:5]  # the words above the pack grades


@st.composite
def cells(draw):
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(WORDS))
    number = draw(st.decimals(min_value=Decimal(0), max_value=Decimal(10_000), places=draw(st.integers(0, 2))))
    return f"{draw(st.sampled_from(COMPARATORS))}{fmt(number)}{draw(st.sampled_from(UNITS))}"


@st.composite
def rows(draw, number: int):
    if draw(st.integers(0, 9)) == 0:  # a row the form marks as not applicable
        return {"name": "无", "target": "", "actual": "", "weight": None, "score": None, "reason": ""}
    weight = draw(st.one_of(st.none(), weights))
    score = None if weight is None or draw(st.booleans()) else draw(
        st.decimals(min_value=Decimal(0), max_value=weight, places=1))
    if draw(st.booleans()):  # target and actual in one unit: comparable, so every score rule is reached
        unit = draw(st.sampled_from(UNITS))
        numbers = st.decimals(min_value=Decimal(0), max_value=Decimal(10_000), places=draw(st.integers(0, 2)))
        target = f"{draw(st.sampled_from(COMPARATORS))}{fmt(draw(numbers))}{unit}"
        actual = f"{fmt(draw(numbers))}{unit}"
    elif draw(st.booleans()):  # qualitative words on both sides: the graded rules (JX-S05–S07) are reached too
        target, actual = draw(st.sampled_from(QUALITATIVE)), draw(st.sampled_from(QUALITATIVE))
    else:  # anything: words, other units, damaged notation
        target, actual = draw(cells()), draw(cells())
    return {"name": f"指标{number}", "target": target, "actual": actual,
            "weight": weight, "score": score, "reason": draw(st.sampled_from(["", "无", "因疫情影响部分活动延期。"]))}


@st.composite
def case_data(draw):
    """One block per row, so that shuffling the blocks shuffles the rows."""
    n = draw(st.integers(1, 8))
    blocks = []
    for i in range(n):
        level1, level2 = draw(st.sampled_from(LEVELS))
        blocks.append({"level1": level1, "groups": [{"level2": level2, "rows": [draw(rows(i))]}]})
    full_year = draw(st.one_of(st.none(), amounts, st.just(Decimal(0))))
    executed = draw(st.one_of(st.none(), amounts))
    return {"unit": "测试单位", "year": 2022, "form": "department",
            "self_evaluation": {"budget": {"full_year": full_year, "executed": executed, "self_score": None},
                                "indicators": blocks, "total": {"score": draw(st.one_of(st.none(), weights))}}}


def score(data: dict, matcher: str = "python", pack=PACK):
    case = build_case(data, "<random>", "0" * 64)
    if pack is PACK:
        return score_case(case, pack, matcher_for(pack, matcher))
    return score_case(case, pack, compile_matcher(pack.match_rules(), matcher))


RULES_SEEN: Counter = Counter()


@SETTINGS
@given(data=case_data())
def test_every_score_is_within_its_weight_and_the_ledger_adds_up(data):
    result = score(data)
    for entry in result.ledger:
        if entry.kind == "score":
            assert Decimal(0) <= entry.points <= entry.weight, entry
            RULES_SEEN[entry.rule] += 1
    for section in result.sections:
        assert section.score == sum((e.points for e in result.ledger if e.section == section.key), Decimal(0))
    assert result.total == sum((e.points for e in result.ledger), Decimal(0))
    assert result.total == sum((s.score for s in result.sections), Decimal(0))
    # not readable is not unmet: a row under review loses nothing and is never called unmet or over-scored
    review = {e.row for e in result.ledger if e.outcome == "review"}
    assert all(e.deduction == 0 for e in result.ledger if e.outcome == "review")
    assert not [f for f in result.findings if f.row in review and f.rule in ("JX-A01", "JX-A02", "JX-A03", "JX-A04")]
    assert (result.status == "provisional") == bool(result.review_items)


def test_the_random_cases_reach_every_kind_of_score_rule():
    """Guards the properties against a generator that only ever produces one kind of row."""
    if not RULES_SEEN:
        pytest.skip("run together with test_every_score_is_within_its_weight_and_the_ledger_adds_up")
    # "无" rows without a weight are placeholder rows now: skipped, not scored by JX-S00
    wanted = {"JX-E01", "JX-E02", "JX-S01", "JX-S02", "JX-S03", "JX-S04", "JX-S90"}
    assert wanted <= set(RULES_SEEN), RULES_SEEN
    assert {"JX-S05", "JX-S06", "JX-S07", "JX-S08"} & set(RULES_SEEN), RULES_SEEN


def outcome(result) -> tuple:
    """What must not depend on order: each item's rule and points, the total, and the findings
    (without row numbers and messages, which name rows)."""
    entries = sorted((e.item, e.kind, e.rule, str(e.weight), str(e.points)) for e in result.ledger)
    findings = sorted((f.rule, f.severity, f.subject, f.passed) for f in result.findings)
    return str(result.total), entries, findings


@SETTINGS
@given(data=case_data(), seed=st.integers(0, 2**32 - 1))
def test_scoring_does_not_depend_on_the_order_of_rows(data, seed):
    shuffled = {**data, "self_evaluation": {**data["self_evaluation"]}}
    blocks = list(data["self_evaluation"]["indicators"])
    random.Random(seed).shuffle(blocks)
    shuffled["self_evaluation"]["indicators"] = blocks
    assert outcome(score(shuffled)) == outcome(score(data))


def _reordered_pack(seed: int):
    """The national pack with the rules of each priority in another order."""
    rng = random.Random(seed)
    by_priority: dict[int, list] = {}
    for rule in PACK.rules:
        by_priority.setdefault(rule.priority, []).append(rule)
    order = []
    for priority in sorted(by_priority):
        group = by_priority[priority]
        rng.shuffle(group)
        order.extend(group)
    return replace(PACK, rules=tuple(order))


PACK_ORDERS = [_reordered_pack(seed) for seed in range(3)]


def test_the_reordered_packs_really_are_reordered():
    for pack in PACK_ORDERS:
        assert [r.code for r in pack.rules] != [r.code for r in PACK.rules]
        assert sorted(r.code for r in pack.rules) == sorted(r.code for r in PACK.rules)


@SETTINGS
@given(data=case_data(), which=st.integers(0, len(PACK_ORDERS) - 1))
def test_scoring_does_not_depend_on_the_order_of_rules_with_the_same_priority(data, which):
    assert outcome(score(data, pack=PACK_ORDERS[which])) == outcome(score(data))


@pytest.mark.skipif(not durable_available(), reason="durable_rules is not importable on this Python")
@SETTINGS
@given(data=case_data())
def test_the_two_matchers_score_every_case_alike(data):
    by_python = score(data, "python").to_dict()
    by_durable = score(data, "durable").to_dict()
    assert by_durable["engine"].pop("matcher") == "durable"
    assert by_python["engine"].pop("matcher") == "python"
    assert by_durable == by_python
