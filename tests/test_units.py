"""One unit for percentages (issue 15.6): every rate in facts is a number of percent (95 % is 95),
the budget's B / A included; lint warns when a percent field is compared with a fraction."""

from decimal import Decimal

from click.testing import CliRunner

from engine.api import load_case, load_pack, score_file
from engine.cli import main
from engine.facts import FACT_FIELDS, FIELD_UNITS, build_facts
from engine.lint import lint_pack

from .conftest import NATIONAL, ROOT, SEED

UNIT = ROOT / "tests" / "fixtures" / "lint" / "unit" / "pack"


def test_budget_rate_is_a_percentage(in_root):
    facts = build_facts(load_case(SEED), load_pack(NATIONAL))
    budget = next(f for f in facts if f.kind == "budget")
    assert budget.fields["rate"] == Decimal(100) and budget.display["rate"] == "100%"


def test_every_percent_field_is_a_number_field():
    for kind, units in FIELD_UNITS.items():
        for name, unit in units.items():
            assert FACT_FIELDS[kind][name] == "number" and unit == "percent", (kind, name)


def test_a_rate_threshold_written_in_percent_matches(in_root, tmp_path):
    """`exec_full: 95` (the issue's example) now matches a 100 % execution rate."""
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text((UNIT / "pack.yaml").read_text(encoding="utf-8")
                                    .replace("exec_full: 0.95", "exec_full: 95").replace("id: lint-unit", "id: unit95"),
                                    encoding="utf-8")
    (pack / "rules.yaml").write_text((UNIT / "rules.yaml").read_text(encoding="utf-8")
                                     .replace("value: 0.5}", "value: 50}"), encoding="utf-8")
    assert {p.code for p in lint_pack(pack).problems} == {"E-LINT-MODELINE"}  # copied out of its folder
    result = score_file(SEED, pack, "python")
    assert [f.rule for f in result.findings if f.rule == "JX-T01"] == ["JX-T01"]


def test_fraction_is_a_warning_not_a_refusal(in_root):
    assert {p.code for p in lint_pack(UNIT).problems} == {"E-LINT-UNIT"}
    res = CliRunner().invoke(main, ["score", SEED, "--rules", str(UNIT), "--format", "json"])
    assert res.exit_code == 0, res.output
