"""The Word report's fast writer (body written as XML text) against the python-docx object-API
writer it replaced (tests/docx_reference.py): every part of the package must be the same bytes."""

from __future__ import annotations

import dataclasses
import datetime
import io
import zipfile

import pytest

from engine.api import score_file
from engine.report import docx as docx_report

from . import docx_reference
from .conftest import NATIONAL, ROOT, SEED

DATE = datetime.date(2025, 1, 31)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def _same(result) -> None:
    fast, reference = _parts(docx_report.render(result, DATE)), _parts(docx_reference.render(result, DATE))
    assert sorted(fast) == sorted(reference)
    for name in reference:
        assert fast[name] == reference[name], name


@pytest.fixture(scope="module")
def seed_result():
    return score_file(ROOT / SEED, ROOT / NATIONAL, "python")


def test_seed_report_is_the_same_package(seed_result):
    assert len(seed_result.ledger) > 20
    _same(seed_result)


@pytest.mark.parametrize("unit", [
    "<b>单位</b> & \"引号\" 'x' ]]>",
    "  前后空格  ",
    "制表\t符\n换行\r回车\x0b\x01控制",
    "",
])
def test_awkward_text_is_written_as_python_docx_writes_it(seed_result, unit):
    ledger = list(seed_result.ledger)
    ledger[0] = dataclasses.replace(ledger[0], explanation=unit + "\t说明 ", formula="\n" + unit)
    _same(dataclasses.replace(seed_result, unit=unit, ledger=tuple(ledger) if isinstance(seed_result.ledger, tuple)
                              else ledger))


def test_generated_cases_are_the_same_package(tmp_path):
    from benchmarks import generate

    generate.main(["--count", "4", "--seed", "7", "--out", str(tmp_path)])
    files = sorted(tmp_path.glob("*.yaml"))
    assert len(files) == 4
    for path in files:
        _same(score_file(path, ROOT / NATIONAL, "python"))
