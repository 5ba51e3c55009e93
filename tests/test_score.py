"""Scoring: each score method with worked numbers, the seed case, invariants."""

from decimal import Decimal

import pytest

from engine.api import load_pack, matcher_for, score_file
from engine.case import build_case
from engine.match import durable_available
from engine.score import render_message, score_case

from .conftest import NATIONAL, ROOT, SEED

MATCHERS = ["python"] + (["durable"] if durable_available() else [])


def one_row_case(target, actual, weight, score=None, level1="产出指标", level2="数量指标", reason=""):
    data = {
        "unit": "测试单位", "year": 2022, "form": "department",
        "self_evaluation": {
            "budget": {"full_year": Decimal(100), "executed": Decimal(100)},
            "indicators": [{"level1": level1, "groups": [{"level2": level2, "rows": [
                {"name": "测试指标", "target": target, "actual": actual, "weight": Decimal(str(weight)),
                 "score": None if score is None else Decimal(str(score)), "reason": reason},
            ]}]}],
        },
    }
    return build_case(data, "<test>", "0" * 64)


def row_entry(case, pack_dir=NATIONAL, matcher="python"):
    pack = load_pack(ROOT / pack_dir)
    result = score_case(case, pack, matcher_for(pack, matcher))
    return next(e for e in result.ledger if e.row == 1)


@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize(
    "target, actual, weight, level2, rule, points, formula",
    [
        # positive (proportional): the domain guide's worked example
        ("≥95%", "92%", 5, "数量指标", "JX-S02", "4.84", "5 × 92/95 = 4.84"),
        ("≧95%", "≧90%", 5, "社会效益指标", "JX-S02", "4.74", "5 × 90/95 = 4.74"),
        ("≥95%", "96%", 5, "数量指标", "JX-S01", "5.00", "5"),
        ("≧92%", "≧92%", 5, "可持续影响指标", "JX-S01", "5.00", "5"),
        # equality is scored like a positive target
        ("=100%", "98%", 5, "质量指标", "JX-S02", "4.90", "5 × 98/100 = 4.9"),
        # reverse with k = 2: 4 × (1 − 10/100) = 3.6; at 2.5 × target the score is 0
        ("≤100万元", "110万元", 4, "成本指标", "JX-S04", "3.60", "4 × (1 - (110 - 100)/((2 - 1) × 100)) = 3.6"),
        ("≤100万元", "250万元", 4, "成本指标", "JX-S04", "0.00",
         "4 × (1 - (250 - 100)/((2 - 1) × 100)) = -2，限定在 0–4 分之间 = 0"),
        # a 成本指标 target without comparator is read as reverse (vocabulary.implied_direction)
        ("107.57万元", "107.57万元", 4, "成本指标", "JX-S03", "4.00", "4"),
        ("100万元", "120万元", 5, "成本指标", "JX-S04", "4.00", "5 × (1 - (120 - 100)/((2 - 1) × 100)) = 4"),
        # money in 元 is converted to 万元 before comparing
        ("≤10万元", "95000元", 3, "成本指标", "JX-S03", "3.00", "3"),
        # compound: the part with the lowest completion decides
        ("28家企业帮扶28个村", "28家企业帮扶21个村", 4, "质量指标", "JX-S02", "3.00", "4 × 21/28 = 3"),
        # not applicable
        ("", "", 0, "生态效益指标", "JX-S00", "0.00", "0"),
        # units that differ are not compared: no guess, a review row kept out of the total
        ("2篇", "2人", 5, "质量指标", "JX-S90", "0.00", "待复核"),
    ],
)
def test_score_methods_worked_numbers(matcher, target, actual, weight, level2, rule, points, formula):
    entry = row_entry(one_row_case(target, actual, weight, level2=level2), matcher=matcher)
    assert (entry.rule, str(entry.points), entry.formula) == (rule, points, formula)
    # a review row loses nothing: it is not scored at all (not readable is not unmet)
    assert entry.deduction == (0 if entry.outcome == "review" else Decimal(weight) - entry.points)


@pytest.mark.parametrize(
    "actual, self_score, rule, points",
    [
        ("完成情况好", 9, "JX-S05", "9.00"),   # inside 80–100%: the self score stands
        ("完成情况好", 5, "JX-S05", "8.00"),   # below the band: raised to its floor
        ("基本完成", 9, "JX-S06", "8.00"),     # 60–80%: capped at the band's top
        ("未完成", 7, "JX-S07", "6.00"),       # 0–60%
        ("好", None, "JX-S08", "0.00"),        # no self score: no guess
        ("说不清楚", 9, "JX-S90", "0.00"),     # a word not in the vocabulary: review
    ],
)
def test_qualitative_bands(actual, self_score, rule, points):
    entry = row_entry(one_row_case("好", actual, 10, score=self_score, level2="质量指标"))
    assert (entry.rule, str(entry.points)) == (rule, points)


def test_step_deduction_method_from_a_pack():
    # tests/fixtures/packs/step-test: 每低于指标值 1 个百分点扣 0.5 分，扣完为止
    entry = row_entry(one_row_case("≥95%", "92%", 5, level2="数量指标"), pack_dir="tests/fixtures/packs/step-test")
    assert (entry.rule, str(entry.points)) == ("JX-S02", "3.50")
    assert entry.formula == "5 - ceil((95 - 92)/1) × 0.5 = 3.5"
    far = row_entry(one_row_case("≥95%", "60%", 5), pack_dir="tests/fixtures/packs/step-test")
    assert str(far.points) == "0.00"  # 扣完为止


@pytest.mark.parametrize(
    "full_year, executed, rule, points",
    [(Decimal("160.48"), Decimal("160.48"), "JX-E01", "10.00"),
     (Decimal(100), Decimal("87.5"), "JX-E01", "8.75"),
     (Decimal(100), Decimal(120), "JX-E01", "10.00"),
     (Decimal(0), Decimal(5), "JX-E02", "0.00")],
)
def test_budget_execution(full_year, executed, rule, points):
    case = one_row_case("7人", "7人", 1)
    case = build_case({**case.data, "self_evaluation": {**case.data["self_evaluation"],
                       "budget": {"full_year": full_year, "executed": executed}}}, "<t>", "0" * 64)
    pack = load_pack(ROOT / NATIONAL)
    entry = score_case(case, pack, matcher_for(pack, "python")).ledger[0]
    assert (entry.item, entry.rule, str(entry.points)) == ("预算执行率", rule, points)


@pytest.mark.parametrize("matcher", MATCHERS)
def test_seed_case_scores_as_worked_by_hand(in_root, matcher):
    result = score_file(SEED, NATIONAL, matcher)
    assert str(result.total.quantize(Decimal("0.01"))) == "99.26"
    assert result.grade == "优"
    assert result.self_total == 93 and result.self_grade == "优"
    outcome = [e for e in result.ledger if e.section == "效益" and e.weight > 0]
    assert [str(e.points) for e in outcome] == ["4.84", "4.84", "4.74", "4.84", "5.00", "5.00"]
    by_section = {s.key: str(s.score) for s in result.sections}
    assert by_section == {"预算执行": "10.00", "产出": "50.00", "效益": "29.26", "满意度": "10.00"}
    assert result.total == sum(e.points for e in result.ledger)
    assert all(e.explanation and e.rule and e.formula for e in result.ledger)


def test_explanation_shows_the_numbers(in_root):
    result = score_file(SEED, NATIONAL, "python")
    entry = next(e for e in result.ledger if e.item == "服务好全区民营经济人士和民营企业")
    assert entry.explanation == "92% 低于指标值 ≥95%，按完成比例计分 5 × 92/95 = 4.84，扣 0.16 分。"
    assert entry.citation


def test_no_float_in_any_score(in_root):
    result = score_file(SEED, NATIONAL, "python")
    for e in result.ledger:
        for value in (e.weight, e.points, e.deduction):
            assert isinstance(value, Decimal)
    assert isinstance(result.total, Decimal)


def test_message_templates_cannot_reach_attributes():
    assert render_message("{name.__class__} {name}", {"name": "x"}) == "{name.__class__} x"
