"""Every text jixiao writes has its placeholders filled: a finding's message and fix, a ledger
entry's explanation, a review item. A `{cell}` left in a letter is a broken sentence sent to a
department (JX-A33 said "“评价结论”{cell}一栏仍是模板的填写说明" until its fact gave `cell`).

The rule linter proves each template uses only placeholders its fact kind may provide
(E-LINT-PLACEHOLDER); this proves the facts really provide them, on every corpus case, every
example and a sample of generated cases, in both matchers' results."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from engine.api import score_file
from engine.errors import JixiaoError
from engine.facts import MESSAGE_PLACEHOLDERS, SCORE_PLACEHOLDERS

ROOT = Path(__file__).resolve().parents[1]
KNOWN = {name for names in MESSAGE_PLACEHOLDERS.values() for name in names} | set(SCORE_PLACEHOLDERS)
LEFT = re.compile(r"\{(\w+)\}")


def _cases() -> list[tuple[str, Path, str | None]]:
    out = []
    for case in sorted((ROOT / "tests" / "corpus").glob("*/case.yaml")):
        prov = yaml.safe_load((case.parent / "provenance.yaml").read_text(encoding="utf-8")) or {}
        pack = prov.get("pack")
        out.append((case.parent.name, case, str(ROOT / pack) if pack else None))
    for case in sorted((ROOT / "cases").rglob("*.yaml")):
        out.append((case.relative_to(ROOT).as_posix(), case, None))
    return out


def _texts(result) -> list[tuple[str, str]]:
    texts = []
    for f in result.findings:
        texts += [(f"{f.rule} message", f.message), (f"{f.rule} fix", f.fix or "")]
    for e in result.ledger:
        texts.append((f"{e.rule} explanation", e.explanation or ""))
    for r in result.review_items:
        texts.append(("review", r.reason))
    return texts


def _unfilled(texts) -> list[str]:
    return [f"{where}: {text}" for where, text in texts for name in LEFT.findall(text) if name in KNOWN]


CASES = _cases()


@pytest.mark.parametrize("name,case,pack", CASES, ids=[c[0] for c in CASES])
def test_every_placeholder_is_filled(name, case, pack):
    try:
        result = score_file(str(case), pack)
    except JixiaoError as exc:  # refused: nothing is written; only the corpus's stated refusals
        prov = yaml.safe_load((case.parent / "provenance.yaml").read_text(encoding="utf-8")) if pack is None else {}
        assert "E-PACK-SELECT" in exc.render() and (prov or {}).get("refusal_note"), exc.render()
        return
    assert _unfilled(_texts(result)) == []


def test_generated_cases_fill_every_placeholder(tmp_path):
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.generate import generate
    finally:
        sys.path.pop(0)
    problems = []
    for path in generate(tmp_path, 60, seed=7):
        for matcher in ("durable", "python"):
            problems += _unfilled(_texts(score_file(str(path), str(ROOT / "rules" / "national-2020"), matcher)))
    assert problems == []


def test_the_guard_sees_a_placeholder_left_as_written():
    assert _unfilled([("x", "“评价结论”{cell}一栏")]) == ["x: “评价结论”{cell}一栏"]
    assert _unfilled([("x", "集合 {a, b} 与 {未知}")]) == []
