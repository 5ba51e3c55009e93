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
    assert lines[-1] == "60 passed, 0 failed"
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
            "        expected: JX-S02 gives 4.85\n"
            "        got:      JX-S02 gave 4.84\n") in out
    assert out.splitlines()[-1] == "56 passed, 1 failed"


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
            "      总分\n        expected: 93\n        got:      99.26\n"
            "      第 15 行的计分规则\n        expected: JX-S01\n        got:      JX-S02\n"
            "      第 15 行的得分\n        expected: 5\n        got:      4.84\n"
            "      JX-A13 报告问题\n        expected: 报告\n        got:      未报告\n"
            "      JX-A05 不报告问题\n        expected: 未报告\n        got:      报告\n") in res.stdout


def test_json_for_ci(in_root):
    res = run(NATIONAL, "--format", "json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert (data["pack"], data["passed"], data["failed"]) == ("national-2020", 60, 0)
    first = data["tests"][0]
    assert first == {"id": "JX-R01 例 1", "kind": "example", "file": "rules/national-2020/checks.yaml", "line": 16,
                     "passed": True, "checks": [{"what": "规则 JX-R01 的例子", "expected": "finding reported",
                                                 "got": "finding reported", "passed": True}]}
    assert {t["kind"] for t in data["tests"]} == {"example", "test"}


def test_no_test_ran_fails(tmp_path):
    pack = tmp_path / "bare"
    pack.mkdir()
    (pack / "pack.yaml").write_text("pack: {id: bare, title: t, version: '1', extends: national-2020}\n", encoding="utf-8")
    res = run(str(pack))
    assert res.exit_code == 1
    assert res.stdout == "0 passed, 0 failed\n"
    assert "no test ran" in res.stderr


def test_inherited_examples_run_on_request(in_root):
    res = run("tests/fixtures/packs/step-test")
    assert res.exit_code == 0 and res.stdout.splitlines()[-1] == "1 passed, 0 failed"
    res = run("tests/fixtures/packs/step-test", "--inherited")
    # Under step deductions the national JX-A01 example "4.84 is the rule score" no longer holds.
    assert res.exit_code == 1 and "FAIL  JX-A01 例 2" in res.stdout


def test_a_bad_test_file_is_an_input_error(tmp_path):
    pack = _copy_national(tmp_path)
    (pack / "tests").mkdir()
    (pack / "tests" / "t.yaml").write_text("tests:\n  - name: x\n    given: {}\n    expect: {totl: '1'}\n", encoding="utf-8")
    res = run(str(pack))
    assert res.exit_code == 2
    assert "t.yaml:4:" in res.output and "unknown field 'totl' (did you mean 'total'?)" in res.output
