"""Numbers at the edges of what the loader accepts: tiny divisors and huge ratios are scored or
refused with exit 2, never an internal error (they used to raise decimal.InvalidOperation)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.decimals import fmt, round_half_up

from .conftest import ROOT, SEED


@pytest.mark.parametrize(
    "value, places, expected",
    [
        (Decimal("4.845"), 2, "4.85"),
        (Decimal("1.6E+44"), 2, "160000000000000000000000000000000000000000000.00"),  # 47 digits
        (Decimal("-2.5E+30"), 0, "-2500000000000000000000000000000"),
        (Decimal("1E-40"), 2, "0.00"),
        (Decimal("0.005"), 2, "0.01"),
    ],
)
def test_round_half_up_works_for_any_finite_value(value, places, expected):
    assert str(round_half_up(value, places)) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (Decimal("1E+40"), "1" + "0" * 40),
        (Decimal("10.00"), "10"),
        (Decimal("2.50"), "2.5"),
        (Decimal("1E-30"), "0." + "0" * 29 + "1"),
    ],
)
def test_fmt_shows_any_finite_value_without_exponent(value, expected):
    assert fmt(value) == expected


def seed_with(tmp_path, *replacements) -> str:
    text = (ROOT / SEED).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_tiny_full_year_budget_is_scored(tmp_path):
    case = seed_with(tmp_path, ("    full_year: 160.48", "    full_year: 0.0000000000000000000000000000000000000001"))
    res = CliRunner().invoke(main, ["score", case, "--format", "json", "--matcher", "python"])
    assert res.exit_code == 0, res.output
    budget = json.loads(res.stdout)["ledger"][0]
    assert (budget["rule"], budget["points"]) == ("JX-E01", "10.00")  # B/A capped at 100%


def test_a_tiny_target_is_scored(tmp_path):
    case = seed_with(tmp_path, ("{name: 人员保障, target: 7人, actual: 7人,",
                                "{name: 人员保障, target: 0.0000000000000000000000001人, actual: 999999999999999人,"))
    res = CliRunner().invoke(main, ["score", case, "--format", "json", "--matcher", "python"])
    assert res.exit_code == 0, res.output
    row = json.loads(res.stdout)["ledger"][1]
    assert (row["item"], row["rule"], row["points"]) == ("人员保障", "JX-S01", "2.50")


def test_a_ratio_too_large_to_show_is_a_score_error_at_the_rule(tmp_path):
    """A formula using ratio (actual / target) with a tiny target: evaluating works, showing the
    formula with its numbers would need 42 digits: E-SCORE at the rule that chose the method."""
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        'pack: {id: ratio-pack, title: 测试, version: "1", extends: national-2020}\n'
        "methods:\n  full:\n    title: 满分\n    formula: weight * ratio / ratio\n", encoding="utf-8")
    case = seed_with(tmp_path, ("{name: 人员保障, target: 7人, actual: 7人,",
                                "{name: 人员保障, target: 0.0000000000000000000000001人, actual: 999999999999999人,"))
    res = CliRunner().invoke(main, ["score", case, "--rules", str(pack), "--matcher", "python"])
    assert res.exit_code == 2, res.output
    scoring = ROOT / "rules" / "national-2020" / "scoring.yaml"
    line = scoring.read_text(encoding="utf-8").splitlines().index("  - code: JX-S01") + 1
    assert (f"{scoring}:{line + 9}:5: E-SCORE: 规则 JX-S01（full：weight * ratio / ratio）对“人员保障”无法计算："
            "数值过大，无法显示（超过 28 位）（字段：rules[4].score）") in res.output
