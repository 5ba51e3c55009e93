"""`jixiao rules test`: examples and pack test files, PASS/FAIL with the difference, JSON for CI."""

import json
import os
import shutil

from click.testing import CliRunner

from engine.cli import main

from .conftest import NATIONAL, ROOT, SEED


def run(*args):
    return CliRunner().invoke(main, ["rules", "test", *args, "--matcher", "python"])


def _copy_national(tmp_path, keep_tests=False):
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / NATIONAL, pack)
    if not keep_tests:
        shutil.rmtree(pack / "tests")
    return pack


def test_national_pack_passes(in_root):
    res = run(NATIONAL)
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[-1] == "279 项通过，0 项失败"
    assert lines[-2] == "覆盖：117 条规则中 117 条有例子"
    assert "PASS  JX-S02 例 1  (rules/national-2020/scoring.yaml:107)" in lines
    assert "PASS  渌口区工商联 2022 年自评：按国家口径 99.26 分（优）  (rules/national-2020/tests/seed.yaml:5)" in lines
    assert not any(line.startswith("FAIL") for line in lines)


def test_a_broken_example_fails_with_a_readable_difference(tmp_path):
    pack = _copy_national(tmp_path)
    scoring = pack / "scoring.yaml"
    text = scoring.read_text(encoding="utf-8")
    scoring.write_text(text.replace('expect: {score: "4.84"}', 'expect: {score: "4.85"}', 1), encoding="utf-8")
    res = run(str(pack))
    assert res.exit_code == 1
    out = res.stdout
    assert (f"FAIL  JX-S02 例 1  ({scoring}:107)\n"
            "      规则 JX-S02 的例子\n"
            "        应为：JX-S02 计 4.85 分\n"
            "        实为：JX-S02 计 4.84 分\n") in out
    assert out.splitlines()[-1] == "255 项通过，1 项失败"


def test_a_failing_pack_test_shows_each_difference(tmp_path):
    pack = _copy_national(tmp_path)
    (pack / "tests").mkdir()
    case = os.path.relpath(ROOT / SEED, pack / "tests")
    (pack / "tests" / "t.yaml").write_text(
        "tests:\n"
        f"  - name: wrong on purpose\n    case: {case}\n"
        "    expect:\n"
        '      total: "93"\n      grade: 优\n'
        '      rows: [{row: 15, rule: JX-S01, score: "5"}]\n'
        "      findings: {present: [JX-A13], absent: [JX-A05]}\n", encoding="utf-8")
    res = run(str(pack))
    assert res.exit_code == 1
    assert (f"FAIL  wrong on purpose  ({pack / 'tests' / 't.yaml'}:2)\n"
            "      总分\n        应为：93\n        实为：99.26\n"
            "      第 15 行的计分规则\n        应为：JX-S01\n        实为：JX-S02\n"
            "      第 15 行的得分\n        应为：5\n        实为：4.84\n"
            "      JX-A13 报告问题\n        应为：报告\n        实为：未报告\n"
            "      JX-A05 不报告问题\n        应为：未报告\n        实为：报告\n") in res.stdout


def test_json_for_ci(in_root):
    res = run(NATIONAL, "--format", "json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert (data["pack"], data["passed"], data["failed"]) == ("national-2020", 279, 0)
    assert data["coverage"] == {"rules": 117, "without_examples": []} and data["own_only"] is False
    first = data["tests"][0]
    assert first == {"id": "JX-R01 例 1", "kind": "example", "file": "rules/national-2020/checks.yaml", "line": 20,
                     "passed": True, "checks": [{"what": "规则 JX-R01 的例子", "expected": "报告问题",
                                                 "got": "报告问题", "passed": True}]}
    assert {t["kind"] for t in data["tests"]} == {"example", "test"}


def test_no_test_of_its_own_fails_with_own(tmp_path):
    pack = tmp_path / "bare"
    pack.mkdir()
    (pack / "pack.yaml").write_text("pack: {id: bare, title: t, version: '1', extends: national-2020}\n", encoding="utf-8")
    res = run(str(pack), "--own")
    assert res.exit_code == 1
    assert res.stdout == "覆盖：0 条规则中 0 条有例子\n0 项通过，0 项失败\n"
    assert "没有运行任何测试" in res.stderr
    # By default the pack is tested as it will be used: the parent's examples and tests run.
    res = run(str(pack))
    assert res.exit_code == 0 and res.stdout.splitlines()[-1] == "279 项通过，0 项失败"


def test_inherited_examples_and_tests_run_by_default(in_root):
    """A change of policy that breaks inherited examples fails `rules test` without any option."""
    res = run("tests/fixtures/packs/step-test")
    # Under step deductions the national JX-A01 example "4.84 is the rule score" no longer holds.
    assert res.exit_code == 1 and "FAIL  JX-A01 例 2" in res.stdout
    assert "PASS  渌口区工商联 2022 年自评：按国家口径 99.26 分（优）  (rules/national-2020/tests/seed.yaml:5)" not in \
        res.stdout  # JX-S02 changed: the national seed test fails too
    own = run("tests/fixtures/packs/step-test", "--own")
    assert own.exit_code == 0 and own.stdout.splitlines()[-1] == "1 项通过，0 项失败"
    assert run("tests/fixtures/packs/step-test", "--inherited").stdout == res.stdout  # the old flag: the default


def test_a_child_test_file_replaces_the_parents_file_of_the_same_name(in_root):
    res = run("rules/hubei-2023", "--format", "json")
    assert res.exit_code == 0, res.output
    files = {t["file"] for t in json.loads(res.stdout)["tests"] if t["kind"] == "test"}
    # hubei's seed.yaml and checks2.yaml replace the national ones; national checks3.yaml, rows4.yaml and report.yaml are inherited
    assert files == {"rules/hubei-2023/tests/seed.yaml", "rules/hubei-2023/tests/checks2.yaml",
                     "rules/national-2020/tests/checks3.yaml", "rules/national-2020/tests/rows4.yaml",
                     "rules/national-2020/tests/report.yaml"}
    examples = {t["file"] for t in json.loads(res.stdout)["tests"] if t["kind"] == "example"}
    assert {"rules/national-2020/checks.yaml", "rules/national-2020/checks_rows.yaml", "rules/national-2020/report.yaml",
            "rules/national-2020/scoring.yaml", "rules/hubei-2023/pack.yaml"} == examples


def test_coverage_names_rules_without_examples(in_root):
    """The schema requires examples, but an amended rule may be left with none: coverage says so."""
    from dataclasses import replace

    from engine.api import load_pack
    from engine.packtest import coverage

    pack = load_pack("rules/hubei-2023")
    bare = replace(pack, rules=tuple(replace(r, examples=()) if r.code in ("JX-E01", "JX-S02") else r
                                     for r in pack.rules))
    assert coverage(pack).without_examples == ()
    assert coverage(bare).without_examples == ("JX-E01", "JX-S02")
    assert coverage(bare).line() == "覆盖：116 条规则中 114 条有例子；没有例子的：JX-E01, JX-S02"
    assert coverage(bare, own=True).rules == 10  # hubei-2023 amends JX-E26 too (its budget row is worth 20)


def test_a_bad_test_file_is_an_input_error(tmp_path):
    pack = _copy_national(tmp_path)
    (pack / "tests").mkdir()
    (pack / "tests" / "t.yaml").write_text("tests:\n  - name: x\n    given: {}\n    expect: {totl: '1'}\n", encoding="utf-8")
    res = run(str(pack))
    assert res.exit_code == 2
    assert "t.yaml:4:" in res.output and "没有 'totl' 这个字段（是不是 'total'？）" in res.output
