"""`jixiao score --why`: the explainer agrees with the matcher, and the report says why not."""

import pytest
from click.testing import CliRunner

from engine.api import evaluate_file
from engine.cli import main
from engine.match.explain import condition_text, explain_condition
from engine.why import explain_why

from .conftest import NATIONAL, SEED


@pytest.fixture(scope="module")
def seed(request):
    import os

    from .conftest import ROOT

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        yield evaluate_file(SEED, NATIONAL, "python")
    finally:
        os.chdir(here)


def test_explainer_agrees_with_the_matcher_for_every_rule_and_fact_of_the_seed(seed):
    pack, evaluation = seed
    compared = held = 0
    for fact, codes in zip(evaluation.facts, evaluation.matches):
        for rule in pack.rules:
            if rule.applies_to != fact.kind:
                continue
            verdict = explain_condition(rule.when, fact.fields)
            assert verdict.held == (rule.code in codes), (rule.code, fact.kind, fact.id)
            compared += 1
            held += verdict.held
    # Every kind of fact of the seed case was compared, and both verdicts occur.
    assert {f.kind for f in evaluation.facts} == {"budget", "indicator", "sum", "share", "share_total", "rate",
                                                   "target_match", "document", "scored_row", "scored_budget", "filing",
                                                   "text_cell", "goal", "header"}
    assert compared > 500 and 0 < held < compared


def test_explainer_agrees_with_the_matcher_on_negations_of_missing_fields():
    from engine.match import MatchRule, compile_matcher

    cond = {"not": {"all": [{"field": "a", "op": "<", "value": 5}, {"field": "b", "op": "in", "value": ["x", "y"]}]}}
    matcher = compile_matcher([MatchRule("JX-T01", "t", cond)], "python")
    for fields in ({"a": 3, "b": "x"}, {"a": 7}, {"b": "z"}, {}, {"a": 7, "b": "x"}, {"a": "7", "b": 1}):
        fact = {"kind": "t", "id": 1, **fields}
        verdict = explain_condition(cond, fact)
        assert verdict.held == bool(matcher.match([fact])[0]), fields
        assert verdict.kind == "not" and verdict.children[0].kind == "all"


def test_why_row_15_full_marks_failed_on_actual_vs_target(seed):
    pack, evaluation = seed
    report = explain_why(pack, evaluation, "15")
    indicator = next(f for f in report.facts if f.fact.kind == "indicator")
    by_code = {r.rule.code: r for r in indicator.rules}
    assert by_code["JX-S02"].verdict.held and by_code["JX-S02"].outcome == "成立，采用：计 4.84 分"
    full = by_code["JX-S01"]
    assert not full.verdict.held and full.outcome == "不成立"
    failed = [(c.text, c.values) for c in full.verdict.children if not c.held]
    assert failed == [("actual ≥ target", "92 vs 95")]
    assert by_code["JX-S90"].outcome == "成立，但未采用：JX-S02 优先（优先级 20）"
    # The row's other facts are explained too: the target-table check and the post-scoring audit.
    assert [f.fact.kind for f in report.facts] == ["indicator", "target_match", "scored_row"]


def test_why_by_name_code_and_budget(seed):
    pack, evaluation = seed
    by_name = explain_why(pack, evaluation, "人员保障")  # rows 1 and 10 share the name
    assert sorted({f.fact.row.number for f in by_name.facts if f.fact.kind == "indicator"}) == [1, 10]
    by_code = explain_why(pack, evaluation, "jx-r03")
    assert {f.fact.kind for f in by_code.facts} == {"share"} and all(len(f.rules) == 1 for f in by_code.facts)
    budget = explain_why(pack, evaluation, "预算执行率")
    # the score rules first, then the checks on the budget row (adjustment, funding rows), in pack order
    assert [r.rule.code for r in budget.facts[0].rules] == ["JX-E01", "JX-E02", "JX-C05", "JX-E24", "JX-E25", "JX-C06",
                                                            "JX-C07", "JX-C30"]
    assert budget.facts[0].rules[2].outcome == "成立，报告问题（warning）"  # 37.86 % adjusted
    assert budget.facts[0].rules[0].outcome == "成立，采用：计 10 分"


def test_why_unknown_row_suggests(seed):
    from engine.errors import JixiaoError

    pack, evaluation = seed
    with pytest.raises(JixiaoError) as err:
        explain_why(pack, evaluation, "人员保证")
    problem = err.value.problems[0]
    assert problem.code == "E-WHY" and problem.hint.startswith("是不是 '人员保障'？")
    assert "不是这份案卷的行号" in problem.message


def test_cli_why_prints_verdicts(in_root):
    res = CliRunner().invoke(main, ["score", SEED, "--why", "15", "--matcher", "python"], terminal_width=200)
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "JX-S02 未完成的正向指标按完成比例计分 · 优先级 20 · 成立，采用：计 4.84 分" in out
    assert "JX-S01 已完成的正向指标得满分 · 优先级 10 · 不成立" in out
    assert "✗ actual ≥ target（92 vs 95）" in out
    assert "选用规则包 national-2020" in res.stderr


def test_condition_text_reads_like_the_yaml():
    cond = {"all": [{"field": "direction", "op": "in", "value": ["positive", "equal"]},
                    {"any": [{"field": "actual", "op": "<", "other": "target"}, {"field": "x", "op": "missing"}]},
                    {"not": {"field": "abs_diff", "op": ">", "value": {"param": "sum_tolerance"}}}]}
    assert condition_text(cond) == ("direction in [positive, equal] 且 （actual < target 或 x missing） "
                                    "且 非（abs_diff > sum_tolerance）")


def test_why_naming_more_rows_than_the_bound_explains_the_first_and_counts_the_rest(seed, monkeypatch):
    """A name or rule code that every row shares explains WHY_MAX_FACTS rows and says how many
    more there are (the largest accepted case took 122 s for one name), in the report and the text."""
    import io

    from rich.console import Console

    from engine import why
    from engine.report.why import print_why

    pack, evaluation = seed
    full = explain_why(pack, evaluation, "JX-S01")
    assert full.omitted == 0 and len(full.facts) > 3
    monkeypatch.setattr(why, "WHY_MAX_FACTS", 3)
    capped = explain_why(pack, evaluation, "JX-S01")
    assert len(capped.facts) == 3 and capped.omitted == len(full.facts) - 3
    assert [f.title for f in capped.facts] == [f.title for f in full.facts[:3]]
    buffer = io.StringIO()
    print_why(capped, Console(file=buffer, width=200, color_system=None))
    assert f"另有 {capped.omitted} 项同样适用，未逐一展开" in buffer.getvalue()
