"""`jixiao rules diff`: rules added, removed and changed, and the per-case impact table, pinned.

The second pack is tests/fixtures/packs/province-test (extends national-2020). To change the
pinned output on purpose: JIXIAO_UPDATE_GOLDEN=1 pytest tests/test_rules_diff.py, then review
`git diff tests/golden`."""

from decimal import Decimal

from click.testing import CliRunner

from engine.api import load_pack, score_file
from engine.cli import main
from engine.packdiff import case_impact, diff_packs

from .conftest import NATIONAL, ROOT, SEED, update_golden

PROVINCE = "tests/fixtures/packs/province-test"
GOLDEN = ROOT / "tests" / "golden" / "diff-national-province.txt"


def test_diff_over_cases_is_pinned(in_root):
    """Piped at width 80, rows are printed whole: the output does not depend on the terminal."""
    res = CliRunner().invoke(main, ["rules", "diff", NATIONAL, PROVINCE, "--cases", "cases/", "--matcher", "python"],
                             env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    wide = CliRunner().invoke(main, ["rules", "diff", NATIONAL, PROVINCE, "--cases", "cases/", "--matcher", "python"],
                              env={"COLUMNS": "300"})
    assert wide.stdout == res.stdout
    lines = res.stdout.splitlines()
    for path in ("cases/2022/lukou-gsl.yaml", "cases/examples/clean.yaml"):
        assert any(line.strip().lstrip("※ ").startswith(path + " ") for line in lines), path  # never cut
    assert len(lines) < 120
    if update_golden():
        GOLDEN.write_text(res.stdout, encoding="utf-8")
    assert res.stdout == GOLDEN.read_text(encoding="utf-8")
    seed = next(line.split() for line in res.stdout.splitlines() if line.strip().startswith("cases/2022/lukou-gsl.yaml"))
    assert seed[:9] == ["cases/2022/lukou-gsl.yaml", "株洲市渌口区工商业联合会", "2022", "99.26", "优", "90.00", "良",
                        "-9.26", "JX-S02"]
    assert "（35 个案卷，national-2020 → province-test）" in res.stdout  # the seed and 34 examples


def test_diff_lists_rules_and_parameters(in_root):
    diff = diff_packs(load_pack(NATIONAL), load_pack(PROVINCE))
    assert [r.code for r in diff.added] == ["JX-A20"] and [r.code for r in diff.removed] == ["JX-A12"]
    changed = {c.code: {x.path: (x.old, x.new) for x in c.changes} for c in diff.changed}
    assert sorted(changed) == ["JX-A04", "JX-A09", "JX-S02", "JX-S04"]
    # JX-S04's text is unchanged: the pack parameter it uses through its method changed.
    assert changed["JX-S04"] == {"参数 reverse_k": ("2", "3")}
    assert changed["JX-A09"] == {"参数 over_achievement_ratio": ("1.3", "1.2")}
    assert changed["JX-S02"]["score.method"] == ("proportional", "step")
    assert changed["JX-A04"]["deduct.points"] == ("（无）", "0.5")
    settings = {c.path: (c.old, c.new) for c in diff.settings}
    assert settings["grades.优"] == ("90–100", "95–100") and settings["params.step_per"] == ("（无）", "1")


def test_case_impact_names_the_rules_that_moved_points(in_root):
    old = score_file(SEED, NATIONAL, "python")
    new = score_file(SEED, PROVINCE, "python")
    impact = case_impact(SEED, old, new)
    assert (impact.old_total, impact.old_grade, impact.new_total, impact.new_grade) == (
        Decimal("99.26"), "优", Decimal("90.00"), "良")
    assert [(m.label, m.delta, m.rows) for m in impact.moves] == [
        ("JX-S02", Decimal("-6.26"), (15, 16, 17, 18)), ("JX-A04", Decimal("-3.0"), ())]
    assert impact.delta == sum(m.delta for m in impact.moves)


def test_same_pack_has_no_changes(in_root):
    pack = load_pack(NATIONAL)
    diff = diff_packs(pack, pack)
    assert diff.empty
    res = CliRunner().invoke(main, ["rules", "diff", NATIONAL, NATIONAL])
    assert res.exit_code == 0 and "两个规则包的设置与规则完全相同。" in res.stdout


def test_a_case_the_new_pack_cannot_score_is_shown_not_fatal(in_root, tmp_path):
    import shutil

    folder = tmp_path / "cases"
    folder.mkdir()
    shutil.copy(ROOT / SEED, folder / "a.yaml")
    (folder / "b.yaml").write_text("format: nonsense\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["rules", "diff", NATIONAL, PROVINCE, "--cases", str(folder), "--matcher", "python"],
                             env={"COLUMNS": "300"})
    assert res.exit_code == 0, res.output
    assert "无法计分：" in res.stdout and "E-SCHEMA" in res.stdout and "99.26" in res.stdout
