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
                                                   "target_match", "document", "scored_row", "scored_budget", "filing"}
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
    assert [r.rule.code for r in budget.facts[0].rules] == ["JX-E01", "JX-E02"]
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
