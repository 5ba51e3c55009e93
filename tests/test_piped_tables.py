"""Every rich table of the CLI prints whole when piped: no column cut to a few characters, and the
same bytes whatever the terminal width (issue 15.4). Checked at COLUMNS=80, the width a pipe gets."""

from click.testing import CliRunner

from engine.api import score_file
from engine.cli import main

from .conftest import NATIONAL, SEED


def piped(*args, columns: int = 80):
    return CliRunner().invoke(main, list(args), env={"COLUMNS": str(columns)})


def test_score_table_piped_at_80_columns_is_whole(in_root):
    res = piped("score", SEED, "--rules", NATIONAL, "--matcher", "python")
    assert res.exit_code == 0, res.output
    assert piped("score", SEED, "--rules", NATIONAL, "--matcher", "python", columns=300).stdout == res.stdout
    lines = res.stdout.splitlines()
    result = score_file(SEED, NATIONAL, "python")
    for entry in result.ledger:  # each explanation (the 说明 column) on one line, in one piece
        assert any(entry.explanation in line for line in lines), entry.explanation
    for finding in result.findings:
        if not finding.passed:
            assert any(finding.message in line for line in lines), finding.message
    assert len(lines) < 200  # 254 lines when the 说明 column was folded at 80


def test_rules_diff_piped_at_80_columns_is_whole(in_root):
    res = piped("rules", "diff", NATIONAL, "rules/hubei-2023", "--cases", "cases/examples")
    assert res.exit_code == 0, res.output
    assert piped("rules", "diff", NATIONAL, "rules/hubei-2023", "--cases", "cases/examples", columns=300).stdout == \
        res.stdout
    lines = res.stdout.splitlines()
    assert any("rationale" in line and "每低于 1 个百分点扣 0.5 分（非百分比指标按相对差距计），扣完为止。" in line
               for line in lines)
    assert any("cases/examples/r-share.yaml" in line and "分值折算（预算执行）" in line for line in lines)


def test_rules_explain_piped_at_80_columns_prints_whole_lines(in_root):
    """`jixiao rules explain CODE | cat`: the page's Markdown, no line folded at the pipe's width."""
    from engine.problemcodes import lookup
    from engine.api import load_pack

    res = piped("rules", "explain", "E-LINT-WEIGHTS")
    assert res.exit_code == 0, res.output
    assert piped("rules", "explain", "E-LINT-WEIGHTS", columns=300).stdout == res.stdout
    entry = lookup("E-LINT-WEIGHTS")
    lines = res.stdout.splitlines()
    assert any(entry.cause in line for line in lines) and any(entry.fix in line for line in lines), res.stdout
    rule = piped("rules", "explain", "JX-S02")
    assert rule.exit_code == 0 and piped("rules", "explain", "JX-S02", columns=300).stdout == rule.stdout
    rationale = load_pack(NATIONAL).rule("JX-S02").rationale.strip()
    assert len(rationale) > 20 and any(rationale in line for line in rule.stdout.splitlines()), rule.stdout
