"""Rows judged without points (outcome "judged", JX-S60–S68).

A form that gives a row no points (no 分值 column, none in its headings) or a "其中" row whose
parent carries the points: a reviewer still compares target and actual and says 达成 / 未达成 /
部分达成. The comparison is the weighted rows' (same direction, same unit conversion, same review
cases); the ledger gives no points ("—", never 0) and the grade is not read off the few points
the filing has.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from engine.api import load_pack, matcher_for, score_file
from engine.case import build_case
from engine.report import render
from engine.resultread import result_from_dict
from engine.score import score_case
import jsonschema

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "rules" / "national-2020"
EXAMPLE = ROOT / "cases" / "examples" / "v2-no-points.yaml"


def _case(rows, budget=None, total=None):
    data = {"format": "jixiao-case/2", "unit": "测试单位", "year": 2023, "form": "project",
            "self_evaluation": {"budget": budget or {"full_year": 100, "executed": 100},
                                "indicators": [{"level1": "产出指标", "groups": [{"level2": "数量指标", "rows": rows}]}]}}
    if total is not None:
        data["self_evaluation"]["total"] = total
    return build_case(data, "x.yaml", "0" * 64)


def _score(rows, vocabulary=None, **kw):
    pack = load_pack(NATIONAL)
    matcher = matcher_for(pack, "python")
    if vocabulary:
        pack = dataclasses.replace(pack, vocabulary={**pack.vocabulary, **vocabulary})
    return score_case(_case(rows, **kw), pack, matcher)


def _rows(result):
    return {e.row: e for e in result.ledger if e.row is not None}


def _open(result):
    return [f.rule for f in result.findings if not f.passed]


# --- the verdict: the weighted rows' comparison, no points --------------------------------------

def test_a_row_without_points_is_judged_by_the_same_comparison():
    result = _score([
        {"name": "改造长度", "target": "≥25公里", "actual": "26300米"},       # units convert as for any row
        {"name": "发放人次", "target": "≥180人", "actual": "164人", "reason": "名额未用完，明年按实调整。"},
        {"name": "总成本", "target": "≤30万元", "actual": "31万元", "reason": "材料涨价。"},
        {"name": "出行便利程度", "target": "完成", "actual": "基本完成"},
    ])
    rows = _rows(result)
    assert [(n, e.outcome, e.rule, e.verdict) for n, e in rows.items()] == [
        (1, "judged", "JX-S60", "met"), (2, "judged", "JX-S61", "unmet"),
        (3, "judged", "JX-S63", "unmet"), (4, "judged", "JX-S65", "partial")]
    assert rows[1].ratio == Decimal("1.052") and rows[2].ratio == Decimal(164) / Decimal(180)
    assert rows[4].ratio is None  # a qualitative row has a band, no ratio
    # no points at all: nothing in the total, nothing deducted, no self-score comparison
    assert all(e.points == 0 and e.weight == 0 and e.deduction == 0 for e in rows.values())
    assert all(e.difference is None and e.self_deduction is None for e in rows.values())
    assert result.total == 10 and result.rule_deduction_total == 0 and result.deductions == ()
    assert "表中没有分值：只判断完成情况，不计分" in rows[2].explanation
    assert "完成比例 91.11%" in rows[2].explanation and rows[2].formula.startswith("完成比例 164 ÷ 180")
    assert result.verdict_counts == {"met": 1, "partial": 1, "unmet": 2}
    assert result.outcome_counts == {"scored": 0, "judged": 4, "review": 0}


def test_an_unreadable_value_stays_review_and_a_weighted_row_is_still_scored():
    result = _score([
        {"name": "覆盖率", "target": "≥85%", "actual": "285%"},             # OCR-damaged: 待复核, not unmet
        {"name": "发放人次", "target": "≥180人", "actual": "无"},             # not readable is not unmet
        {"name": "培训人次", "target": "≥100人", "actual": "90人", "weight": 10, "score": 9, "reason": "延期。"},
    ])
    rows = _rows(result)
    assert [e.outcome for e in rows.values()] == ["review", "review", "scored"]
    assert "表中没有分值，本行不计分，核实后再判断完成情况" in rows[1].explanation  # not "本项分值 0 分"
    assert rows[3].points == Decimal("9.00") and rows[3].rule == "JX-S02"
    assert result.status == "provisional"


def test_a_late_deadline_without_points_is_unmet_while_a_weighted_one_is_reviewed():
    late = {"name": "完工时限", "target": "2023年10月", "actual": "2023年12月"}
    (judged,) = _rows(_score([late])).values()
    assert (judged.outcome, judged.rule, judged.verdict) == ("judged", "JX-S68", "unmet")
    (weighted,) = _rows(_score([{**late, "weight": 10, "score": 10}])).values()
    assert (weighted.outcome, weighted.rule) == ("review", "JX-S13")  # how many points a delay costs is a person's call


def test_the_pack_decides_between_judging_and_review():
    row = {"name": "发放人次", "target": "≥180人", "actual": "164人"}
    (entry,) = _rows(_score([row], {"unweighted_rows": "review"})).values()
    assert entry.outcome == "review" and "该行没有分值" in entry.explanation
    (entry,) = _rows(_score([row])).values()  # national-2020: unweighted_rows: judge
    assert entry.outcome == "judged"


def test_a_row_without_points_never_gets_0_of_0_from_a_points_rule():
    from engine.match import compile_matcher

    pack = load_pack(NATIONAL)
    # without the judging rules a row without points falls to a points rule (JX-S01): 待复核, never "0 of 0"
    bare = dataclasses.replace(pack, rules=tuple(r for r in pack.rules if not r.code.startswith("JX-S6")))
    result = score_case(_case([{"name": "发放人次", "target": "≥180人", "actual": "190人"}]), bare,
                        compile_matcher(bare.match_rules(), "python"))
    (entry,) = _rows(result).values()
    assert entry.outcome == "review" and "规则包没有只判断完成情况的规则" in entry.explanation


# --- "其中" rows: their parent carries the points ------------------------------------------------

CHILDREN = [{"name": "补助种植面积", "target": "29.5亩", "actual": "29.5亩", "weight": 50, "score": 50,
             "children": [{"name": "其中桃树", "target": "1.5亩", "actual": "1.5亩"},
                          {"name": "其中苹果树", "target": "5亩", "actual": "4亩"}]}]


def test_children_are_judged_under_their_parent():
    result = _score(CHILDREN)
    rows = _rows(result)
    assert [(n, e.outcome, e.verdict) for n, e in rows.items()] == [(1, "scored", ""), (2, "judged", "met"),
                                                                     (3, "judged", "unmet")]
    assert rows[1].points == Decimal("50.00")
    assert "分值由上级指标（第 1 行）承担" in rows[3].explanation
    # the parent carries the points: the share of the form the total covers is known
    assert not result.grade_withheld and result.grade
    assert _score(CHILDREN, {"judge_children": False}).ledger[-1].row == 1  # not read at all


# --- totals and grade ------------------------------------------------------------------------------

def test_a_form_without_row_points_gets_no_grade_from_its_budget_points():
    result = _score([{"name": "发放人次", "target": "≥180人", "actual": "190人"}])
    assert result.total == 10 and result.scored_max == 10
    assert result.grade_withheld and "总分占整份自评的比例无从确定" in result.grade_withheld_reason
    assert result.status == "final" and not result.nothing_scored
    assert result.status_text == "结果：正式（无待复核项，1 行没有分值、只判断完成情况，等级暂不评定）"
    total = json.loads(render(result, "json"))["total"]
    assert total["grade_withheld"] is True and "没有分值" in total["grade_withheld_reason"]
    assert total["judged_rows"] == 1 and total["verdicts"] == {"met": 1, "partial": 0, "unmet": 0}


def test_points_that_cover_the_form_keep_their_grade_beside_a_row_without_points():
    blocks = [("产出指标", "数量指标", 50), ("效益指标", "社会效益指标", 30), ("满意度指标", "服务对象满意度指标", 10)]
    data = {"format": "jixiao-case/2", "unit": "测试单位", "year": 2023, "form": "project",
            "self_evaluation": {"budget": {"full_year": 100, "executed": 100}, "indicators": [
                {"level1": l1, "groups": [{"level2": l2, "rows": [
                    {"name": f"{l2}一", "target": "≥5次", "actual": "6次", "weight": w, "score": w, "reason": "超额完成。"}]}]}
                for l1, l2, w in blocks]}}
    data["self_evaluation"]["indicators"][0]["groups"][0]["rows"].append({"name": "宣传次数", "target": "≥5次", "actual": "6次"})
    pack = load_pack(NATIONAL)
    result = score_case(build_case(data, "x.yaml", "0" * 64), pack, matcher_for(pack, "python"))
    assert result.total == 100 and len(result.judged_rows) == 1
    assert not result.grade_withheld and result.grade == "优"  # the form's points are all there


def test_only_judged_rows_and_no_budget_is_nothing_scored():
    data = {"format": "jixiao-case/2", "unit": "测试单位", "year": 2023, "form": "project",
            "self_evaluation": {"indicators": [{"level1": "产出指标", "groups": [{"level2": "数量指标", "rows": [
                {"name": "发放人次", "target": "≥180人", "actual": "190人"}]}]}]}}
    pack = load_pack(NATIONAL)
    result = score_case(build_case(data, "x.yaml", "0" * 64), pack, matcher_for(pack, "python"))
    assert result.nothing_scored and result.judged_rows
    letter = render(result, "markdown", datetime.date(2026, 12, 2))
    assert "本函不给出得分和等级" in letter and "达成 1 行" in letter


# --- checks read a verdict, never "0 points deducted" ----------------------------------------------

def test_checks_see_an_unmet_judged_row_as_unmet_and_never_as_deducted():
    result = _score([{"name": "发放人次", "target": "≥180人", "actual": "164人", "reason": ""}],
                    total={"weight": 100, "score": 95})
    found = _open(result)
    assert "JX-A37" in found  # unmet without a reason: the same check as on any row
    # no points: nothing "deducted on a met row", "full marks on a missed row", self vs rule, or a total gap
    assert not {"JX-A01", "JX-A02", "JX-A03", "JX-A04", "JX-A13", "JX-A19"} & set(found)


def test_the_filing_counts_judged_rows_and_the_scored_row_fact_carries_the_verdict():
    from engine.score import evaluate_case

    pack = load_pack(NATIONAL)
    ev = evaluate_case(_case([{"name": "发放人次", "target": "≥180人", "actual": "164人"}, *CHILDREN]), pack,
                       matcher_for(pack, "python"))
    filing = next(f for f in ev.facts if f.kind == "filing")
    assert filing.fields["rows_judged"] == 1  # the "其中" rows are their parent's, not counted
    verdicts = [(f.fields["row"], f.fields.get("verdict"), "rule_score" in f.fields)
                for f in ev.facts if f.kind == "scored_row"]
    assert verdicts == [(1, "unmet", False), (2, None, True), (3, "met", False), (4, "unmet", False)]


# --- every output ----------------------------------------------------------------------------------

def test_every_reporter_shows_no_points_and_the_verdict():
    result = score_file(str(EXAMPLE), str(NATIONAL), "python")
    data = json.loads(render(result, "json"))
    schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    judged = [e for e in data["ledger"] if e["outcome"] == "judged"]
    assert len(judged) == 5
    assert all(e["points"] is None and e["weight"] is None and e["deduction"] is None for e in judged)
    assert judged[2]["verdict"] == "unmet" and judged[2]["ratio"].startswith("0.9111")
    date = datetime.date(2026, 12, 2)
    from engine.report import table

    for fmt_ in ("markdown", "html", "table"):
        text = table.render(result, width=240) if fmt_ == "table" else render(result, fmt_, date)
        assert "— 未达成（完成比例 91.11%）" in text, fmt_
        assert "— 部分达成" in text and "不计分" in text, fmt_
        if fmt_ != "table":  # the letter explains the rows not met, one by one, and counts the met ones
            assert "（三）没有分值的指标（只判断完成情况，不计分）" in text and "其余 3 行判为达成。" in text, fmt_
            assert "判断：未达成（完成比例 91.11%）" in text or "<dt>判断</dt><dd>未达成（完成比例 91.11%）</dd>" in text
    from tests.test_reports import docx_text

    docx = docx_text(render(result, "docx", date))
    assert "— 未达成（完成比例 91.11%）" in docx and "暂不定级" in docx
    assert "（三）没有分值的指标（只判断完成情况，不计分）" in docx and "其余 3 行判为达成。" in docx
    # a stored result read back renders the same letter (the web workbench renders letters so)
    again = result_from_dict(data)
    assert render(again, "markdown", date) == render(result, "markdown", date)
    assert len(again.judged_rows) == 5 and again.grade_withheld_reason == result.grade_withheld_reason
    assert [e.verdict for e in again.judged_rows] == [e.verdict for e in result.judged_rows]


# --- the pack format ---------------------------------------------------------------------------------

@pytest.mark.parametrize("score, message", [
    ({"outcome": "judged"}, "verdict"),
    ({"outcome": "judged", "verdict": "met", "method": "full"}, "method"),
    ({"method": "full", "verdict": "met"}, "verdict"),
])
def test_a_judging_rule_is_checked_when_the_pack_compiles(tmp_path, score, message):
    import shutil

    import yaml

    from engine.errors import JixiaoError

    pack_dir = tmp_path / "pack"
    shutil.copytree(NATIONAL, pack_dir)
    scoring = pack_dir / "scoring.yaml"
    data = yaml.safe_load(scoring.read_text(encoding="utf-8"))
    rule = next(r for r in data["rules"] if r["code"] == "JX-S60")
    rule["score"] = score
    scoring.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(JixiaoError) as err:
        load_pack(pack_dir)
    assert any(p.code == "E-PACK-METHOD" and message in p.message for p in err.value.problems)


def test_a_verdict_example_fails_when_the_rule_judges_otherwise():
    from engine.examples import run_example

    pack = load_pack(NATIONAL)
    rule = pack.rule("JX-S61")
    wrong = dataclasses.replace(rule, examples=({"given": {"target": "≥180人", "actual": "164人"},
                                                 "expect": {"verdict": "met"}},))
    outcome = run_example(pack, wrong, 0, matcher_for(pack, "python"))
    assert not outcome.passed and "unmet" in outcome.got
    right = dataclasses.replace(rule, examples=({"given": {"target": "≥180人", "actual": "164人"},
                                                 "expect": {"verdict": "unmet"}},))
    assert run_example(pack, right, 0, matcher_for(pack, "python")).passed


def test_rules_diff_names_a_changed_verdict():
    from engine.packdiff import diff_packs

    pack = load_pack(NATIONAL)
    partial = dataclasses.replace(pack, rules=tuple(
        dataclasses.replace(r, score={**r.score, "verdict": "partial"}) if r.code == "JX-S61" else r for r in pack.rules))
    diff = diff_packs(pack, partial)
    changed = {c.code: {x.path: (x.old, x.new) for x in c.changes} for c in diff.changed}
    assert changed == {"JX-S61": {"score.verdict": ("unmet", "partial")}}


def test_summaries_never_show_a_withheld_grade_as_the_band():
    from engine.packdiff import case_impact
    from engine.report.summary import case_row

    result = score_file(str(EXAMPLE), str(NATIONAL), "python")
    assert result.grade == "差" and result.grade_text == "暂不定级"
    impact = case_impact("x.yaml", result, result)
    assert (impact.old_grade, impact.new_grade) == ("暂不定级", "暂不定级")
    assert case_row(result, "x.yaml", "")["grade"] == "暂不定级"


def test_a_self_score_on_a_row_without_points_is_not_compared_with_a_rule_score():
    result = _score([{"name": "发放人次", "target": "≥180人", "actual": "164人", "score": 3}])
    (entry,) = _rows(result).values()
    assert entry.outcome == "judged" and entry.self_score == 3 and entry.difference is None
    assert next(s for s in result.sections if s.key == "产出").self_score is None
    assert not {"JX-A01", "JX-A02", "JX-A03", "JX-A04"} & set(_open(result))
