"""Keyboard slips in packs and cases are named at the line to fix, in Chinese (issue 15.5):
full-width colon, comma, quotes and spaces, lines that do not line up; `op: "≥"` / `"≤"` are
operators. English with JIXIAO_LANG=en; the codes and places are the same."""

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.errors import JixiaoError
from engine.load import load_text

from .conftest import NATIONAL, SEED

SLIPS = {
    # name: (text, line, col, words in the message, words in the hint)
    "full-width colon": ("pack:\n  id: x\n  citation：财预〔2020〕10号\n  title: t\n", 3, 11, "`citation：` 用了全角冒号",
                         "把全角冒号改成半角冒号"),
    "full-width colon in a rule": ("rules:\n  - code: JX-T01\n    citation：某文件\n    title: t\n", 3, 13,
                                   "全角冒号", "`citation: `"),
    "full-width colon, last line": ("a: 1\ncitation：财预\n", 2, 9, "全角冒号", "半角冒号"),
    "full-width comma in flow": ("grades:\n  - {grade: 优， min: 90, max: 100}\n", 2, 14, "全角逗号", "半角逗号"),
    "full-width space before a key": ("a: 1\n\u3000\u3000b: 2\n c: 3\n", 2, 1, "全角空格", "半角空格"),
    "indentation": ("rules:\n  - code: X\n    title: t\n   rationale: r\n", 4, 4, "缩进不对：第 4 行", "同一列"),
    "indentation in a list": ("a:\n  - 1\n - 2\n", 3, 2, "缩进不对", "只用空格缩进"),
}


@pytest.mark.parametrize("name", sorted(SLIPS))
def test_slip_is_named_at_its_line(name):
    text, line, col, words, hint = SLIPS[name]
    with pytest.raises(JixiaoError) as err:
        load_text(text, "x.yaml")
    (problem,) = err.value.problems
    assert (problem.code, problem.line, problem.col) == ("E-YAML-SYNTAX", line, col), problem.render()
    assert words in problem.message and hint in (problem.hint or ""), problem.render()


def test_full_width_quotes_around_a_value_are_named():
    """`version: “2020”` parses (the quotes become text) unless the value goes on: then it is named."""
    text = "a:\n  version: “2020.1”: x\n"
    with pytest.raises(JixiaoError) as err:
        load_text(text, "x.yaml")
    (problem,) = err.value.problems
    assert problem.line == 2 and "全角引号" in problem.message


def test_colon_inside_quotes_is_not_a_slip():
    doc = load_text('message: "完成：好"\ncitation: x\n', "x.yaml")
    assert doc.data == {"message": "完成：好", "citation": "x"}


def test_english_keeps_codes_and_places(monkeypatch):
    monkeypatch.setenv("JIXIAO_LANG", "en")
    text, line, col, _words, _hint = SLIPS["full-width colon"]
    with pytest.raises(JixiaoError) as err:
        load_text(text, "x.yaml")
    (problem,) = err.value.problems
    assert (problem.code, problem.line, problem.col) == ("E-YAML-SYNTAX", line, col)
    assert "full-width colon" in problem.message and problem.hint == "write `citation: ` (ASCII colon, then a space)"


def test_other_syntax_errors_are_chinese_by_default():
    with pytest.raises(JixiaoError) as err:
        load_text("a: {b: 1\nc: 2\n", "x.yaml")
    assert err.value.problems[0].message.startswith("YAML 语法错误：")


def test_score_names_the_slip_in_a_pack(in_root, tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text('pack:\n  id: p\n  title: t\n  version: "1"\n  extends: national-2020\n'
                                    "  citation：财预\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["score", SEED, "--rules", str(pack)])
    assert res.exit_code == 2
    assert f"{pack / 'pack.yaml'}:6:11: E-YAML-SYNTAX: `citation：` 用了全角冒号" in res.stderr
    assert "提示：把全角冒号改成半角冒号" in res.stderr


@pytest.mark.parametrize("typed, ascii_op", [("≥", ">="), ("≤", "<="), ("≠", "!="), ("＞", ">"), ("＜", "<")])
def test_chinese_operators_are_accepted(in_root, tmp_path, typed, ascii_op):
    """A rule written with `op: "≥"` compiles to `>=` and scores exactly like it."""
    from engine.api import load_pack

    pack = tmp_path / "pack"
    pack.mkdir()
    header = "# yaml-language-server: $schema=x\n"
    (pack / "pack.yaml").write_text('pack: {id: ops, title: t, version: "1", extends: national-2020}\n', encoding="utf-8")
    (pack / "rules.yaml").write_text(
        header + "rules:\n  - code: JX-T01\n    title: 测试\n    rationale: 测试\n    applies_to: scored_row\n"
        f'    when: {{field: abs_diff, op: "{typed}", value: 1}}\n    finding: {{severity: info}}\n'
        "    message: 测试\n    citation: 测试\n"
        "    examples:\n      - given: {target: \"≥95%\", actual: \"92%\", weight: 5, score: 4}\n"
        "        expect: {finding: false}\n", encoding="utf-8")
    rule = load_pack(pack).rule("JX-T01")
    assert rule.when["op"] == ascii_op and rule.source_when["op"] == typed


def test_national_pack_scores_the_same_with_chinese_operators(in_root, tmp_path):
    import shutil

    from engine.api import score_file

    pack = tmp_path / "national"
    shutil.copytree(NATIONAL, pack)
    scoring = pack / "scoring.yaml"
    text = scoring.read_text(encoding="utf-8")
    assert 'op: ">="' in text
    scoring.write_text(text.replace('op: ">="', 'op: "≥"').replace('op: "<="', 'op: "≤"'), encoding="utf-8")
    ours, theirs = score_file(SEED, pack, "python"), score_file(SEED, NATIONAL, "python")
    assert [(e.row, e.rule, e.points) for e in ours.ledger] == [(e.row, e.rule, e.points) for e in theirs.ledger]
