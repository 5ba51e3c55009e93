"""The meta-test of every rule pack: each rule is documented and its examples pass.

Covers every pack folder under rules/ (names starting with `_` are drafts and templates) and
the test packs under tests/fixtures/packs/. Every rule's embedded examples run as tests:
`pytest -k JX-S02` runs one rule's. A rule without a title, rationale, message, citation or
examples fails `test_every_rule_is_documented_and_has_examples`.
"""

from dataclasses import replace

import pytest

from engine.api import load_pack, matcher_for
from engine.examples import run_example
from engine.rulepack import RULES_DIR, pack_folders

from .conftest import ROOT

FIXTURE_PACKS = ["tests/fixtures/packs/step-test", "tests/fixtures/packs/province-test"]
PACKS = [str(p.relative_to(ROOT)) for p in pack_folders(RULES_DIR)] + FIXTURE_PACKS
DOCUMENTED = ("title", "rationale", "message", "citation")


def missing_documentation(rule) -> list[str]:
    """What a rule lacks of the documentation every rule must have."""
    missing = [name for name in DOCUMENTED if not (getattr(rule, name) or "").strip()]
    if not rule.examples:
        missing.append("examples")
    return missing


def _cases():
    for pack_dir in PACKS:
        pack = load_pack(ROOT / pack_dir)
        for rule in pack.rules:
            if rule.pack_id != pack.id:
                continue  # inherited rules' examples are run in the pack that defines them
            for i in range(len(rule.examples)):
                yield pytest.param(pack_dir, rule.code, i, id=f"{pack.id}-{rule.code}-{i}")


def test_every_pack_under_rules_is_covered():
    assert "rules/national-2020" in PACKS
    assert not any(p.split("/")[-1].startswith("_") for p in PACKS)


@pytest.mark.parametrize("pack_dir, code, index", list(_cases()))
def test_rule_example(pack_dir, code, index):
    pack = load_pack(ROOT / pack_dir)
    outcome = run_example(pack, pack.rule(code), index, matcher_for(pack, "python"))
    assert outcome.passed, f"expected {outcome.expected}, got {outcome.got}"


@pytest.mark.parametrize("pack_dir", PACKS)
def test_every_rule_is_documented_and_has_examples(pack_dir):
    pack = load_pack(ROOT / pack_dir)
    lacking = {rule.code: missing_documentation(rule) for rule in pack.rules if missing_documentation(rule)}
    assert not lacking, f"rules lacking documentation in {pack_dir}: {lacking}"


def test_the_meta_test_catches_a_rule_without_documentation():
    rule = load_pack(ROOT / "rules/national-2020").rule("JX-S02")
    assert missing_documentation(rule) == []
    assert missing_documentation(replace(rule, rationale="  ", citation="", examples=())) == [
        "rationale", "citation", "examples"]
