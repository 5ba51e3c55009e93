"""Rescaling is explicit and complete (issue 15.2): when a pack weighs a section differently from
the form, every row (budget row included) and the department's self scores are rescaled alike,
the ledger shows the rescaling as its own step, and `rules diff` reports it as its own cause.

The pack: tests/fixtures/packs/weights-20-40-30-10 (预算执行率 20, 产出 40 with scale_rows, 效益 30,
满意度 10), which changes nothing but the weights."""

from decimal import Decimal

from click.testing import CliRunner

from engine.api import score_file
from engine.cli import main
from engine.packdiff import case_impact

from .conftest import NATIONAL, SEED

PROVINCE = "tests/fixtures/packs/weights-20-40-30-10"
HUBEI = "rules/hubei-2023"


def test_budget_row_and_self_score_are_rescaled_alike(in_root):
    result = score_file(SEED, PROVINCE, "python")
    budget = next(e for e in result.ledger if e.section == "预算执行" and e.kind == "score")
    assert (budget.weight, budget.points, budget.self_score) == (Decimal(20), Decimal(20), Decimal(20))
    assert budget.difference == 0  # the department's 10 of 10 is 20 of 20: no artificial −10
    assert dict(budget.inputs)["declared_weight"] == "10" and dict(budget.inputs)["self_score"] == "10"
    assert budget.formula.startswith("分值折算 10 → 20，自评分 10 → 20；")
    section = next(s for s in result.sections if s.key == "预算执行")
    assert (section.score, section.self_score) == (Decimal(20), Decimal(20))


def test_scaled_rows_show_the_step_and_add_up_to_the_section(in_root):
    result = score_file(SEED, PROVINCE, "python")
    rows = [e for e in result.ledger if e.section == "产出" and e.kind == "score"]
    assert sum(e.weight for e in rows) == Decimal(40)
    first = rows[0]
    assert (first.weight, first.self_score) == (Decimal(2), Decimal(2))
    assert first.formula.startswith("分值折算 2.5 → 2，自评分 2.5 → 2；")
    # Rows the pack does not rescale carry no step.
    assert not any(e.formula.startswith("分值折算") for e in result.ledger if e.section in ("效益", "满意度"))
    # Rescaled self scores compare like with like: the rows that differ are those that differ under
    # the national pack, by the same amounts (产出 is all full marks under both).
    national = score_file(SEED, NATIONAL, "python")
    assert [(e.row, e.difference) for e in result.ledger if e.kind == "score" and e.difference] == \
        [(e.row, e.difference) for e in national.ledger if e.kind == "score" and e.difference]


def test_national_pack_rows_carry_no_rescaling_step(in_root):
    result = score_file(SEED, NATIONAL, "python")
    assert not any("分值折算" in e.formula for e in result.ledger)


def test_hubei_budget_row_has_no_artificial_difference(in_root):
    result = score_file(SEED, HUBEI, "python")
    budget = next(e for e in result.ledger if e.section == "预算执行" and e.kind == "score")
    assert (budget.weight, budget.self_score, budget.difference) == (Decimal(20), Decimal(20), Decimal(0))


def test_diff_attributes_reweighting_to_rescaling(in_root):
    impact = case_impact(SEED, score_file(SEED, NATIONAL, "python"), score_file(SEED, PROVINCE, "python"))
    moves = {m.label: m.delta for m in impact.moves}
    assert moves == {"分值折算（产出）": Decimal("-10.00"), "分值折算（预算执行）": Decimal("10.00")}
    assert impact.delta == sum(moves.values()) == 0


def test_diff_splits_rescaling_from_a_rule_change(in_root):
    """Under hubei-2023 the unmet rows lose points to the step method (JX-S02) on top of any
    rescaling; each cause is reported with its own amount and the amounts add up."""
    old, new = score_file(SEED, NATIONAL, "python"), score_file(SEED, HUBEI, "python")
    impact = case_impact(SEED, old, new)
    labels = [m.label for m in impact.moves]
    assert "分值折算（预算执行）" in labels and "JX-S02" in labels and "JX-E01" not in labels
    assert sum(m.delta for m in impact.moves) == new.total - old.total


def test_rules_diff_lists_scale_rows_and_rescaling(in_root):
    res = CliRunner().invoke(main, ["rules", "diff", NATIONAL, PROVINCE, "--cases", SEED, "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "设置,,sections.产出.scale_rows,false,true,," in res.stdout
    assert "分值折算（预算执行） +10.00" in res.stdout and "分值折算（产出） -10.00" in res.stdout
