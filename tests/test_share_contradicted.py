"""Points written only in a heading are shared equally among its rows (layout-20-80's
`weights_from` / `heading_share`). When the department scores a row above its share, the form's
rows are worth different points it does not state: the rows are still scored on their shares, but
their self scores are not compared row by row with the rule's (no JX-A01 / A02 / A04 on them);
JX-R13 says so once for the filing (huanggang: 80 points over 5 rows, self 10, 10, 19.6, 20, 20)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.examples import case_from_fragment
from engine.api import load_pack, matcher_for
from engine.score import score_case

ROOT = Path(__file__).resolve().parents[1]
PACK = load_pack(ROOT / "rules" / "layout-20-80")


def _score(scores, actuals=("100人次", "95%"), matcher="python"):
    rows = [{"name": "培训人次", "target": "≥100人次", "actual": actuals[0], "score": scores[0]},
            {"name": "培训合格率", "target": "≥90%", "actual": actuals[1], "score": scores[1]}]
    case = case_from_fragment({"self_evaluation": {"indicators": [
        {"level1": "年度目标1", "groups": [{"level2": "数量指标", "rows": rows}]}]}}, "<test>")
    return score_case(case, PACK, matcher_for(PACK, matcher))


def _rules(result):
    return [f.rule for f in result.findings if f.severity != "pass"]


@pytest.mark.parametrize("matcher", ["python", "durable"])
def test_a_row_scored_above_its_share_silences_the_row_comparisons(matcher):
    result = _score((30, 50), matcher=matcher)
    rules = _rules(result)
    assert rules.count("JX-R13") == 1
    assert not {"JX-A01", "JX-A02", "JX-A04"} & set(rules)
    finding = next(f for f in result.findings if f.rule == "JX-R13")
    assert "分得 40 分、自评 50 分" in finding.message and "分得 40 分、自评 30 分" in finding.message
    # the rows are still scored on their shares
    assert [e.points for e in result.ledger if e.row is not None] == [40, 40]


def test_self_scores_within_their_shares_are_compared_as_before():
    result = _score((30, 40))  # met, 30 of 40: deducted without a reason
    rules = _rules(result)
    assert "JX-R13" not in rules
    assert {"JX-A01", "JX-A02", "JX-A04"} <= set(rules)


def test_the_national_pack_is_unaffected():
    national = load_pack(ROOT / "rules" / "national-2020")
    case = case_from_fragment({"self_evaluation": {"indicators": [{"level1": "产出指标", "groups": [{
        "level2": "数量指标", "rows": [{"name": "培训人次", "target": "≥100人次", "actual": "100人次",
                                       "weight": 20, "score": 25}]}]}]}}, "<test>")
    result = score_case(case, national, matcher_for(national, "python"))
    assert "JX-R13" not in _rules(result)
