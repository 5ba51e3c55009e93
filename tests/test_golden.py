"""The seed case's JSON result and table rendering, pinned. To change them on purpose:
JIXIAO_UPDATE_GOLDEN=1 pytest tests/test_golden.py, then review `git diff tests/golden`."""

import json

import jsonschema
import pytest

from engine.api import score_file
from engine.match import durable_available
from engine.report import json as json_report
from engine.report import table

from .conftest import NATIONAL, ROOT, SEED, update_golden

GOLDEN = ROOT / "tests" / "golden"


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if update_golden():
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} differs from the golden file"


def test_seed_json_golden(in_root):
    text = json_report.render(score_file(SEED, NATIONAL, "python"))
    _check("lukou-gsl.json", text)
    data = json.loads(text)
    schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["total"] == {"score": "99.26", "max": "100.00", "grade": "优"}
    assert data["self_assessed"]["total"] == "93"


def test_seed_table_golden(in_root):
    _check("lukou-gsl.table.txt", table.render(score_file(SEED, NATIONAL, "python"), width=220))


@pytest.mark.skipif(not durable_available(), reason="durable_rules is not importable on this Python")
def test_matchers_give_byte_identical_json_but_for_the_matcher_name(in_root):
    by_python = json_report.render(score_file(SEED, NATIONAL, "python"))
    by_durable = json_report.render(score_file(SEED, NATIONAL, "durable"))
    assert '"matcher": "durable"' in by_durable
    assert by_durable.replace('"matcher": "durable"', '"matcher": "python"') == by_python


def test_json_is_reproducible(in_root):
    first = json_report.render(score_file(SEED, NATIONAL, "python"))
    second = json_report.render(score_file(SEED, NATIONAL, "python"))
    assert first == second
