"""`jixiao rules lint`: one bad-pack fixture per check, its exact output pinned.

Each folder under tests/fixtures/lint/ holds a pack (`pack/`, extending national-2020 and
breaking one thing) and `expected.txt`, exactly what lint prints for it: file:line:col, code,
message, field path and hint. To change them on purpose: JIXIAO_UPDATE_GOLDEN=1 pytest
tests/test_lint.py, then review `git diff tests/fixtures/lint`.
"""


import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.lint import lint_pack
from engine.match.reason import Space, implies, never_reason, overlaps

from .conftest import NATIONAL, ROOT, update_golden
from .test_match import leaf

FIXTURES = ROOT / "tests" / "fixtures" / "lint"
UNREADABLE = {"unreadable"}
# Which codes each fixture exists to show: a fixture that stops showing its check fails here.
SHOWS = {
    "bad-code": {"E-SCHEMA"}, "schema-key": {"E-SCHEMA"}, "duplicate-code": {"E-PACK-DUPCODE"},
    "unknown-field": {"E-LINT-FIELD"}, "wrong-type": {"E-LINT-TYPE"}, "unknown-value": {"E-LINT-VALUE"},
    "weights": {"E-LINT-WEIGHTS", "E-LINT-RESCALE"}, "rescale": {"E-LINT-RESCALE"}, "unit": {"E-LINT-UNIT"}, "grades": {"E-LINT-GRADES"}, "grades-top": {"E-LINT-GRADES"},
    "never": {"E-LINT-NEVER"}, "shadow": {"E-LINT-SHADOW"}, "placeholder": {"E-LINT-PLACEHOLDER"},
    "unknown-extends": {"E-PACK-EXTENDS"}, "size": {"E-EXPR-SIZE", "E-COND-SIZE"}, "method": {"E-LINT-METHOD"},
    "names": {"E-PACK-METHOD", "E-PACK-PARAM"}, "modeline": {"E-LINT-MODELINE"}, "unreadable": {"E-YAML-SYNTAX"},
    "amend": {"E-LINT-PLACEHOLDER", "E-PACK-AMEND"},
    "collected": {"E-SCHEMA", "E-LINT-FIELD", "E-LINT-PLACEHOLDER", "E-LINT-WEIGHTS", "E-LINT-GRADES"},
}


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_every_fixture_is_listed():
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(SHOWS)


@pytest.mark.parametrize("name", sorted(SHOWS))
def test_bad_pack_fixture(in_root, name):
    folder = FIXTURES / name
    res = run("rules", "lint", str((folder / "pack").relative_to(ROOT)))
    expected = folder / "expected.txt"
    if update_golden():
        expected.write_text(res.stdout, encoding="utf-8")
    assert res.stdout == expected.read_text(encoding="utf-8")
    assert res.exit_code == (2 if name in UNREADABLE else 1)
    codes = {line.split(": ")[1] for line in res.stdout.splitlines() if not line.startswith("  ")}
    assert codes == SHOWS[name]
    assert "Traceback" not in res.output


def test_national_and_step_packs_are_clean(in_root):
    for pack in (NATIONAL, "tests/fixtures/packs/step-test"):
        res = run("rules", "lint", pack)
        assert (res.exit_code, res.stdout) == (0, ""), res.output
        assert f"{pack}：没有问题" in res.stderr


def test_missing_pack_is_unreadable(in_root):
    res = run("rules", "lint", "rules/no-such-pack")
    assert res.exit_code == 2
    assert res.stdout == "rules/no-such-pack: E-PACK: 没有这个规则包文件夹\n"


def test_lint_speaks_english_when_asked(in_root, monkeypatch):
    """Codes and places stay; the words follow --lang / JIXIAO_LANG."""
    monkeypatch.setenv("JIXIAO_LANG", "zh")  # first, so that the value `--lang en` sets is undone after
    pack = str((FIXTURES / "weights" / "pack").relative_to(ROOT))
    chinese = run("rules", "lint", pack)
    english = run("--lang", "en", "rules", "lint", pack)
    assert "各部分分值之和为 95" in chinese.stdout and "提示：" in chinese.stdout
    assert "section weights add up to 95" in english.stdout and "  hint: " in english.stdout
    assert [line.split(": ")[:2] for line in chinese.stdout.splitlines() if not line.startswith(" ")] == \
        [line.split(": ")[:2] for line in english.stdout.splitlines() if not line.startswith(" ")]
    assert "1 error" not in chinese.stderr and "2 个错误，0 个警告" in chinese.stderr
    assert "2 errors, 0 warnings" in english.stderr


def test_warnings_and_errors_are_counted_apart(in_root):
    res = run("rules", "lint", str((FIXTURES / "shadow" / "pack").relative_to(ROOT)))
    assert res.exit_code == 1
    assert "0 个错误，2 个警告" in res.stderr and "不能用于计分" not in res.stderr


def test_lint_collects_what_score_stops_at(in_root):
    """read_pack raises the same compile problems lint reports (one code path)."""
    from engine.errors import JixiaoError
    from engine.rulepack import read_pack

    folder = FIXTURES / "names" / "pack"
    with pytest.raises(JixiaoError) as err:
        read_pack(folder)
    compiled = [p.render() for p in err.value.problems]
    linted = [p.render() for p in lint_pack(folder).problems]
    assert compiled and compiled == [p for p in linted if "E-PACK" in p]


# --------------------------------------------------------------------------- reasoning

SPACE = Space(types={"a": "number", "b": "number", "d": "string", "f": "bool"},
              values={"d": frozenset({"x", "y", "z"})})


@pytest.mark.parametrize("condition, never", [
    ({"all": [leaf("a", ">", 5), leaf("a", "<", 5)]}, True),
    ({"all": [leaf("a", ">=", 5), leaf("a", "<=", 5)]}, False),
    ({"all": [leaf("a", ">=", 5), leaf("a", "<=", 5), leaf("a", "!=", 5)]}, True),
    ({"all": [leaf("a", "in", [1, 2]), leaf("a", ">", 2)]}, True),
    ({"all": [leaf("d", "in", ["x", "y"]), leaf("d", "!=", "x"), leaf("d", "!=", "y")]}, True),
    ({"all": [leaf("d", "!=", "x"), leaf("d", "!=", "y")]}, False),
    ({"all": [leaf("d", "!=", "x"), leaf("d", "!=", "y"), leaf("d", "!=", "z")]}, True),  # every known value
    ({"all": [leaf("f", "==", True), leaf("f", "!=", True)]}, True),
    ({"all": [leaf("a", "<", other="b"), leaf("b", "<", other="a")]}, True),
    ({"all": [leaf("a", "<", other="b"), leaf("a", ">=", 10), leaf("b", "<=", 10)]}, True),
    ({"all": [leaf("a", "<", other="b"), leaf("a", ">=", 10), leaf("b", "<=", 11)]}, False),
    ({"all": [leaf("a", "<", other="a")]}, True),
    ({"all": [leaf("a", "exists"), leaf("a", "missing")]}, True),
    ({"not": {"any": [leaf("a", "<", 5), leaf("a", ">=", 5)]}}, True),  # a < 5 or a >= 5 ... negated
    ({"not": leaf("a", "exists")}, False),
    ({"any": [{"all": [leaf("a", ">", 1), leaf("a", "<", 0)]}, leaf("a", "==", 3)]}, False),
])
def test_never(condition, never):
    assert (never_reason(condition, SPACE) is not None) == never


def test_implies_and_overlaps():
    s01 = {"all": [leaf("d", "in", ["x", "y"]), leaf("a", ">=", other="b")]}
    narrower = {"all": [leaf("d", "==", "x"), leaf("a", ">", other="b")]}
    assert implies(narrower, s01, SPACE) and not implies(s01, narrower, SPACE)
    # A missing field makes a leaf false: `a >= 1` does not follow from nothing.
    assert not implies({"all": [leaf("d", "==", "x")]}, {"all": [leaf("a", ">=", 1)]}, SPACE)
    assert implies({"all": [leaf("a", ">", 5)]}, {"all": [leaf("a", ">=", 1)]}, SPACE)
    assert implies({"all": [leaf("a", ">", 5)]}, {"all": [leaf("a", "exists")]}, SPACE)
    assert implies({"all": [leaf("d", "==", "x")]}, None, SPACE)  # no condition: always holds
    assert not overlaps({"all": [leaf("d", "==", "x")]}, {"all": [leaf("d", "in", ["y", "z"])]}, SPACE)
    assert overlaps({"all": [leaf("a", "<", other="b")]}, {"all": [leaf("b", ">", 0)]}, SPACE)


# --------------------------------------------------------------------------- template and editors


def test_the_rule_template_passes_lint_and_its_examples(tmp_path):
    import os

    pack = tmp_path / "pack"
    pack.mkdir()
    schema = os.path.relpath(ROOT / "schemas" / "rulepack.schema.json", pack)
    line = f"# yaml-language-server: $schema={schema}\n"
    template = (ROOT / "rules" / "_TEMPLATE.yaml").read_text(encoding="utf-8")
    assert template.startswith("# yaml-language-server: $schema=../schemas/rulepack.schema.json\n")
    (pack / "rules.yaml").write_text(line + template.split("\n", 1)[1], encoding="utf-8")
    (pack / "pack.yaml").write_text(line + "pack: {id: template, title: t, version: '1', extends: national-2020}\n",
                                    encoding="utf-8")
    assert lint_pack(pack).problems == ()
    res = CliRunner().invoke(main, ["rules", "test", str(pack), "--own", "--matcher", "python"])
    assert res.exit_code == 0 and res.stdout.endswith("4 项通过，0 项失败\n"), res.output


def test_every_pack_case_and_test_file_names_its_schema_for_editors():
    import re

    files = [*ROOT.glob("rules/**/*.yaml"), *ROOT.glob("cases/**/*.yaml"), *ROOT.glob("tests/fixtures/packs/**/*.yaml")]
    assert len(files) >= 8
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        found = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert found, f"{path.relative_to(ROOT)} has no $schema line"
        schema = (path.parent / found.group(1)).resolve()
        kind = ("case" if "cases" in path.parts else "packtest" if path.parent.name == "tests" else "rulepack")
        assert schema == ROOT / "schemas" / f"{kind}.schema.json", path
