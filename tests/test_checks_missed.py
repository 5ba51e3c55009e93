"""Defects the real-filings corpus showed jixiao missing (or raising wrongly), one check each.

Every tolerance and word list is the pack's; these tests fail on the engine and packs before the
change (each names the corpus filing that showed the gap)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.decimals import truncate

from .test_checks_rows3 import alarms, evaluate


# ---- a stated 执行率 truncated, not rounded (linxiang: 31.69 / 32.4 = 97.8086 %, stated 97.80 %) ----


@pytest.mark.parametrize("value, places, expected", [
    ("97.8086", 2, "97.80"), ("97.8086", 0, "97"), ("99.999", 1, "99.9"), ("100", 2, "100.00"),
])
def test_truncate_cuts_toward_zero(value, places, expected):
    assert truncate(Decimal(value), places) == Decimal(expected)


def _budget_case(rate):
    return {"budget": {"full_year": Decimal("32.4"), "executed": Decimal("31.69"), "rate": rate, "weight": 10,
                       "self_score": 9}}


@pytest.mark.parametrize("rate, alarm", [("97.80%", False), ("97.81%", False), ("97.8%", False),
                                         ("97.79%", True), ("97.82%", True), ("98%", False), ("97.7%", True)])
def test_a_truncated_rate_is_not_a_mismatch(rate, alarm):
    ev = evaluate([{"name": "示例", "target": "≥10人", "actual": "12人", "weight": 10, "score": 10}],
                  **{"budget": _budget_case(rate)["budget"]})
    assert bool(alarms(ev, "JX-R07")) is alarm
