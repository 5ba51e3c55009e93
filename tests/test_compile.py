"""One compiler: a pack with an error-level problem never scores.

`jixiao score`, `jixiao batch`, `jixiao rules test` and `jixiao rules diff` compile a pack through
the same checks as `jixiao rules lint` (engine.lint.checked_pack); each broken pack of issue 15
must exit 2 with a Chinese message naming the file and line, from every command.
"""

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.lint import checked_pack, lint_pack

from .conftest import NATIONAL, ROOT, SEED

HEADER = "# yaml-language-server: $schema=../../schemas/rulepack.schema.json\n"
META = 'pack:\n  id: broken\n  title: 测试\n  version: "1"\n  extends: national-2020\n'
SECTIONS = {
    # weights adding up to 105
    "weights-105": (
        "sections:\n"
        "  - {key: 预算执行, title: 预算执行率, weight: 10, level1: []}\n"
        "  - {key: 产出, title: 产出指标, weight: 55, level1: [产出指标, 产出], scale_rows: true}\n"
        "  - {key: 效益, title: 效益指标, weight: 30, level1: [效益指标, 效益]}\n"
        "  - {key: 满意度, title: 满意度指标, weight: 10, level1: [满意度指标, 满意度]}\n",
        "E-LINT-WEIGHTS", 7, "各部分分值之和为 105"),
    # grades overlapping (良 80–92 and 优 90–100)
    "grades-overlap": (
        "grades:\n"
        "  - {grade: 优, min: 90, max: 100}\n"
        "  - {grade: 良, min: 80, max: 92}\n"
        "  - {grade: 中, min: 60, max: 80}\n"
        "  - {grade: 差, min: 0, max: 60}\n",
        "E-LINT-GRADES", 8, "重叠"),
    # grades with a gap (75 to 80 gets no grade)
    "grades-gap": (
        "grades:\n"
        "  - {grade: 优, min: 90, max: 100}\n"
        "  - {grade: 良, min: 80, max: 90}\n"
        "  - {grade: 中, min: 60, max: 75}\n"
        "  - {grade: 差, min: 0, max: 60}\n",
        "E-LINT-GRADES", 9, "没有等级"),
    # 产出 reweighted without scale_rows: the form's rows keep 50 points, the pack's total could be 105+
    "no-scale-rows": (
        "sections:\n"
        "  - {key: 预算执行, title: 预算执行率, weight: 15, level1: []}\n"
        "  - {key: 产出, title: 产出指标, weight: 45, level1: [产出指标, 产出]}\n"
        "  - {key: 效益, title: 效益指标, weight: 30, level1: [效益指标, 效益]}\n"
        "  - {key: 满意度, title: 满意度指标, weight: 10, level1: [满意度指标, 满意度]}\n",
        "E-LINT-RESCALE", 9, "scale_rows"),
    # a full-width colon typed on a Chinese keyboard: the only key of `params` is read as the text
    # "reverse_k： 3" where a mapping is wanted
    "full-width-colon": ("params:\n  reverse_k： 3\n", "E-SCHEMA", 8, "用了全角冒号“：”"),
    # a formula outside the language (the power operator): the expression compiler's message, in Chinese
    "formula": ("methods:\n  reverse:\n    title: 反向\n    formula: weight ** 2\n    params: {k: reverse_k}\n",
                "E-EXPR-FORBIDDEN", 10, "公式中不允许乘方运算符 **"),
}


def write_pack(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(HEADER + META + body, encoding="utf-8")
    return folder


@pytest.fixture(params=sorted(SECTIONS))
def broken(request, tmp_path):
    body, code, line, words = SECTIONS[request.param]
    return write_pack(tmp_path / "rules" / request.param, body), code, line, words


def run(*args):
    return CliRunner().invoke(main, list(args))


def _refused(res, pack: Path, code: str, line: int, words: str) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert f"{pack / 'pack.yaml'}:{line}:" in res.stderr, res.stderr
    assert f"{code}: " in res.stderr and words in res.stderr, res.stderr


def test_score_refuses(in_root, broken):
    pack, code, line, words = broken
    _refused(run("score", SEED, "--rules", str(pack), "--matcher", "python"), pack, code, line, words)
    _refused(run("score", SEED, "--rules", str(pack), "--format", "json"), pack, code, line, words)


def test_rules_test_refuses(in_root, broken):
    pack, code, line, words = broken
    _refused(run("rules", "test", str(pack), "--matcher", "python"), pack, code, line, words)


def test_rules_diff_refuses(in_root, broken):
    pack, code, line, words = broken
    _refused(run("rules", "diff", NATIONAL, str(pack)), pack, code, line, words)


def test_batch_refuses(in_root, broken, tmp_path):
    pack, code, line, words = broken
    res = run("batch", SEED, "--rules", str(pack), "--out", str(tmp_path / "out"), "--jobs", "1",
              "--matcher", "python")
    _refused(res, pack, code, line, words)
    assert not (tmp_path / "out" / "results").exists() or not any((tmp_path / "out" / "results").iterdir())


def test_lint_reports_exactly_what_the_compiler_refuses(broken):
    """Lint's errors are the compiler's problems: one list, not two that could drift."""
    pack, code, _line, _words = broken
    _pack, problems = checked_pack(pack)
    report = lint_pack(pack)
    assert [p.code for p in problems] and code in {p.code for p in problems}
    assert [p.render() for p in problems] == [p.render() for p in report.errors if p.code != "E-LINT-MODELINE"]


def test_warnings_do_not_refuse(in_root):
    """A shadowed rule is lint's warning: the pack still scores."""
    folder = ROOT / "tests" / "fixtures" / "lint" / "shadow" / "pack"
    assert {p.code for p in lint_pack(folder).problems} == {"E-LINT-SHADOW"}
    pack, problems = checked_pack(folder)
    assert pack is not None and problems == ()
    res = run("score", SEED, "--rules", str(folder.relative_to(ROOT)), "--format", "json")
    assert res.exit_code == 0, res.output


def test_repository_packs_compile():
    for folder in ("national-2020", "hubei-2023"):
        pack, problems = checked_pack(ROOT / "rules" / folder)
        assert pack is not None and problems == (), [p.render() for p in problems]
