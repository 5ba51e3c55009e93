"""The checks after scoring on rows judged without points (issue 12 follow-up, engine/facts_checks).

One builder (`_row_values`) gives a row scored with points and a row judged without the same
fields about their values; the judged row has none of the POINT_FIELDS. So the checks reading only
values (JX-A11 satisfaction 100 % without a survey, JX-A14 a rate above 100 %, JX-A18 units
missing) fire on judged rows as on scored ones, and no check reading points (JX-A01–A04, A08,
A13, A16, A50) can: it would compare points the form does not give."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.api import load_pack, matcher_for
from engine.case import build_case
from engine.facts_checks import POINT_FIELDS
from engine.match.contract import condition_fields, conjunctions, to_nnf
from engine.score import evaluate_case

ROOT = Path(__file__).resolve().parent.parent
PACKS = ["national-2020", "layout-20-80", "layout-chongqing", "hubei-2023"]


def _evaluate(rows, level1="产出指标", level2="数量指标", pack="national-2020"):
    data = {"format": "jixiao-case/2", "unit": "测试单位", "year": 2023, "form": "project",
            "self_evaluation": {"budget": {"full_year": 100, "executed": 100},
                                "indicators": [{"level1": level1, "groups": [{"level2": level2, "rows": rows}]}]}}
    loaded = load_pack(ROOT / "rules" / pack)
    return evaluate_case(build_case(data, "x.yaml", "0" * 64), loaded, matcher_for(loaded, "python"))


def _scored_rows(evaluation):
    return [f for f in evaluation.facts if f.kind == "scored_row"]


def test_a_judged_row_has_the_scored_rows_value_fields_and_no_points():
    values = {"name": "可持续", "target": "可持续", "actual": "可持续", "reason": ""}
    scored = _scored_rows(_evaluate([{**values, "weight": 10, "score": 9}], "效益指标", "可持续影响指标"))[0]
    judged = _scored_rows(_evaluate([values], "效益指标", "可持续影响指标"))[0]
    assert "verdict" in judged.fields and "verdict" not in scored.fields
    assert not set(POINT_FIELDS) & set(judged.fields)
    # the values the row was judged on: everything the scored row has but its points
    assert set(judged.fields) - {"verdict"} == set(scored.fields) - set(POINT_FIELDS)
    assert judged.fields["states_target"] is True and "declared_weight" in judged.fields


@pytest.mark.parametrize("pack", PACKS)
def test_no_check_reading_points_can_hold_on_a_judged_row(pack):
    # every alternative of such a condition needs a point field present (an op other than missing):
    # absent on a judged row, the check cannot hold
    loaded = load_pack(ROOT / "rules" / pack)
    for rule in loaded.rules:
        if rule.applies_to != "scored_row" or not condition_fields(rule.when) & set(POINT_FIELDS):
            continue
        for alternative in conjunctions(to_nnf(rule.when)):
            assert any(leaf["field"] in POINT_FIELDS and leaf["op"] != "missing" for leaf in alternative), rule.code


def test_value_checks_fire_on_judged_rows_and_point_checks_do_not():
    evaluation = _evaluate([
        {"name": "服务对象满意度", "target": "≥90%", "actual": "100%"},        # JX-A11: no survey named
        {"name": "可持续", "target": "可持续", "actual": "可持续"},             # JX-A50 needs a self score
    ], "满意度指标", "服务对象满意度指标")
    result = evaluation.result
    assert [e.outcome for e in result.ledger if e.row] == ["judged", "judged"]
    fired = {(f.rule, f.row) for f in result.findings if not f.passed}
    assert ("JX-A11", 1) in fired
    point_rules = {r.code for r in load_pack(ROOT / "rules" / "national-2020").rules
                   if r.applies_to == "scored_row" and condition_fields(r.when) & set(POINT_FIELDS)}
    assert not {rule for rule, _row in fired} & point_rules
