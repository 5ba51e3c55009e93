"""A stored result read back (`engine/resultread.py`): the letter rendered from a result's JSON
is the letter rendered from the Result that wrote it, in every format, so the web workbench
renders letters from what it stored instead of scoring again."""

import datetime
import io
import json
import zipfile
import pytest

from engine.api import score_file
from engine.previous import Previous
from engine.report import render
from engine.resultread import result_from_dict

from .conftest import ROOT

CASES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "cases").rglob("*.yaml"))
DAY = datetime.date(2026, 1, 2)


@pytest.mark.parametrize("case", CASES)
def test_a_result_read_back_renders_the_same_letter(case):
    result = score_file(ROOT / case, matcher="python")
    back = result_from_dict(json.loads(render(result, "json")), result.self_scoring_rules)
    assert render(back, "json") == render(result, "json")
    for fmt in ("markdown", "html"):
        assert render(back, fmt, DAY) == render(result, fmt, DAY), fmt
    assert _parts(render(back, "docx", DAY)) == _parts(render(result, "docx", DAY))


def _parts(docx: bytes) -> dict:
    """A .docx's entries and their bytes (the zip's own time stamps aside)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_last_years_comparison_survives_the_round_trip(tmp_path):
    seed = ROOT / "cases" / "2022" / "lukou-gsl.yaml"
    earlier = json.loads(render(score_file(seed, matcher="python"), "json"))
    earlier["case"]["year"] = 2021
    earlier["total"]["score"] = "80.00"
    index = Previous("x")
    index.add(earlier, "2021.json")
    result = index.attach(score_file(seed, matcher="python"))
    assert result.previous is not None and result.previous.year == 2021
    back = result_from_dict(json.loads(render(result, "json")), result.self_scoring_rules)
    assert back.previous == result.previous
    assert render(back, "html", DAY) == render(result, "html", DAY)
    assert "与 2021 年度相比" in render(back, "markdown", DAY)


def test_what_is_not_a_result_is_refused():
    for data in ({}, {"total": {"score": "x"}}, {"format": "jixiao-result/1"}):
        with pytest.raises((KeyError, TypeError, ValueError, ArithmeticError)):
            result_from_dict(data)
