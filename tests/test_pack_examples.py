"""Every rule's embedded examples run as tests: `pytest -k JX-S02` runs one rule's."""

import pytest

from engine.api import load_pack, matcher_for
from engine.examples import run_example

from .conftest import ROOT

PACKS = ["rules/national-2020", "tests/fixtures/packs/step-test"]


def _cases():
    for pack_dir in PACKS:
        pack = load_pack(ROOT / pack_dir)
        for rule in pack.rules:
            if rule.pack_id != pack.id:
                continue  # inherited rules' examples are run in the pack that defines them
            for i in range(len(rule.examples)):
                yield pytest.param(pack_dir, rule.code, i, id=f"{pack.id}-{rule.code}-{i}")


@pytest.mark.parametrize("pack_dir, code, index", list(_cases()))
def test_rule_example(pack_dir, code, index):
    pack = load_pack(ROOT / pack_dir)
    outcome = run_example(pack, pack.rule(code), index, matcher_for(pack, "python"))
    assert outcome.passed, f"expected {outcome.expected}, got {outcome.got}"


def test_every_rule_is_documented_and_has_examples():
    for pack_dir in PACKS:
        pack = load_pack(ROOT / pack_dir)
        for rule in pack.rules:
            missing = [name for name in ("title", "rationale", "message", "citation") if not getattr(rule, name)]
            assert not missing, f"{rule.code} lacks {missing}"
            assert rule.examples, f"{rule.code} has no examples"
