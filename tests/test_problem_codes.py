"""One registry of problem codes (engine/problemcodes.py): every code a module raises is in it,
`jixiao rules explain CODE` prints it, and docs/problem-codes.md is generated from it."""

import re

from click.testing import CliRunner

from engine.cli import main
from engine.lint import WARNINGS
from engine.problemcodes import REGISTRY, page

from .conftest import ROOT

CODE = re.compile(r"""["'](E-[A-Z0-9]+(?:-[A-Z0-9]+)*)["']""")


def used_codes() -> dict[str, str]:
    """Every complete code written as a string literal in engine/ (prefixes such as "E-COND-"
    ending in a dash are not codes), with a file that uses it."""
    found = {}
    for path in sorted((ROOT / "engine").rglob("*.py")):
        if path.name == "problemcodes.py":
            continue
        for code in CODE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(code, str(path.relative_to(ROOT)))
    return found


def test_every_code_used_is_registered():
    missing = {code: where for code, where in used_codes().items() if code not in REGISTRY}
    assert not missing, f"add these codes to engine/problemcodes.py: {missing}"


def test_every_entry_is_complete_and_chinese():
    for entry in REGISTRY.values():
        for text in (entry.title, entry.cause, entry.fix):
            assert text and re.search(r"[\u4e00-\u9fff]", text), entry.code
        assert entry.severity in ("error", "warning")


def test_lint_warnings_are_the_registry_warnings():
    assert set(WARNINGS) == {e.code for e in REGISTRY.values() if e.severity == "warning"}


def test_docs_page_is_generated_from_the_registry():
    page_file = ROOT / "docs" / "problem-codes.md"
    assert page_file.read_text(encoding="utf-8") == page(), \
        "docs/problem-codes.md is out of date: python -m engine.problemcodes > docs/problem-codes.md"
    for code in REGISTRY:
        assert f"### {code} " in page()


def test_rules_explain_prints_a_problem_code():
    res = CliRunner().invoke(main, ["rules", "explain", "E-LINT-WEIGHTS"])
    assert res.exit_code == 0, res.output
    assert "各部分分值之和不等于总分" in res.output and "怎么改" in res.output
    lower = CliRunner().invoke(main, ["rules", "explain", "e-lint-rescale"])
    assert lower.exit_code == 0 and "scale_rows" in lower.output


def test_rules_explain_unknown_problem_code_suggests():
    res = CliRunner().invoke(main, ["rules", "explain", "E-LINT-WEIGHT"])
    assert res.exit_code == 2
    assert "E-LINT-WEIGHTS" in res.output
