"""Case format jixiao-case/2 (docs/case-format-2.md): every part optional, the columns real
forms carry, `jixiao migrate`, the fast validator agreeing with jsonschema on v2 documents."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from engine.api import load_case
from engine.case import FORMAT_V2, PARTS, build_case
from engine.cli import main
from engine.load import load_file, load_text
from engine.validate import fast_check, schema_problems

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "cases" / "2022" / "lukou-gsl.yaml"
SCHEMA = json.loads((ROOT / "schemas" / "case.schema.json").read_text(encoding="utf-8"))

FULL_V2 = """\
format: jixiao-case/2
unit: 某县水利局
form: project
layout: weight-first
region: 四川省某县
supervisor: 某县人民政府
project: 2023年农田灌溉渠道维修
project_category: 专项资金
implementer: 某镇人民政府
source: 某县政府网站公开附件
self_evaluation:
  money_unit: 元
  budget:
    label: 年度资金总额
    initial: 1164100
    carryover: 0
    adjustment: null
    full_year: 1604800
    executed: 1604800
    rate: 100%
    balance: 0
    balance_rate: "0%"
    weight: 10
    self_score: 10
    reason: ""
    adjustment_reason: 追加中央资金
  funding:
    rows:
      - {name: 财政资金, initial: 1000000, full_year: 1400000, executed: 1400000, rate: 100%,
         children: [{name: 中央资金, full_year: 400000}]}
  indicators:
    - level1: 产出指标
      label: 产出指标(50分)
      points: 50
      groups:
        - level2: 数量指标
          label: 数量指标(30分)
          points: 30
          rows:
            - name: 维修渠道长度
              target: ≥25公里
              actual: 26300米
              weight: 20
              score: 20
              nature: "≥"
              unit: 公里
              adjusted_target: ""
              coefficient: 100%
              core: true
              explanation: 年内完成维修的渠道总长
              measures: ""
              criteria: 完成得满分
              children:
                - {name: 主渠, target: ≥1.5公里, actual: 1.5公里}
            - {name: 维修闸门, target: "10个"}
  weights_note: "年度目标1:(80分)"
  total: {weight: 100, score: 93}
  conclusion: 较好
  problems: 无
  measures: 加强管理
  notes: ["注1：一级指标分值统一设置为产出50分、效益30分"]
  allocation: {产出指标: 50, 效益指标: 30}
review:
  - field: self_evaluation.indicators[0].groups[0].rows[0].actual
    value: 26300米
    reason: 单位与指标值不同
    action: 核对原表
    where: {file: 附件1.pdf, page: 3, table: 1, row: 5, col: 实际完成值}
"""


def v2(text: str = FULL_V2, name: str = "v2.yaml"):
    return load_text(text, name)


def test_a_v2_case_with_every_new_key_is_valid_and_the_fast_path_agrees():
    doc = v2()
    assert schema_problems(doc, "case.schema.json") == []
    assert fast_check("case.schema.json")(doc.data) is True
    Draft202012Validator(SCHEMA).validate(json.loads(json.dumps(doc.data, default=str)))


def test_the_smallest_v2_case_is_format_unit_and_form():
    doc = v2("format: jixiao-case/2\nunit: 某单位\nform: department\n")
    assert schema_problems(doc, "case.schema.json") == []
    case = build_case(doc.data, "x", "0" * 64)
    assert case.year is None and case.rows == () and case.parts == frozenset()
    assert case.missing_parts == PARTS


@pytest.mark.parametrize("missing", ["unit", "form"])
def test_v2_still_requires_unit_and_form(missing):
    data = {"format": "jixiao-case/2", "unit": "某单位", "form": "department"}
    del data[missing]
    text = "".join(f"{k}: {v}\n" for k, v in data.items())
    (problem,) = schema_problems(v2(text), "case.schema.json")
    assert missing in problem.message


def test_v1_still_requires_every_part():
    doc = load_file(SEED)
    del doc.data["target_table"]
    problems = schema_problems(doc, "case.schema.json")
    assert len(problems) == 1 and "'target_table'" in problems[0].message


def test_v2_refuses_a_misspelt_key_with_a_suggestion():
    (problem,) = schema_problems(v2(FULL_V2.replace("  weights_note:", "  weight_note:")), "case.schema.json")
    assert "weight_note" in problem.message and "weights_note" in problem.message
    assert fast_check("case.schema.json")(v2(FULL_V2.replace("  weights_note:", "  weight_note:")).data) is False


def test_the_fast_path_never_accepts_what_jsonschema_rejects_on_v2_mutations():
    base = v2().data
    validator = Draft202012Validator(SCHEMA)
    mutations = [
        ("layout", "national-2"), ("year", "2022"), ("form", "other"), ("project", 5),
        ("format", "jixiao-case/1"),  # a v2 document declared v1 lacks v1's parts
    ]
    for key, value in mutations:
        data = {**base, key: value}
        plain = json.loads(json.dumps(data, default=str))
        assert not validator.is_valid(plain), key
        assert fast_check("case.schema.json")(data) is False, key


def test_build_case_reads_the_new_columns():
    case = build_case(v2().data, "v2.yaml", "0" * 64)
    assert (case.format, case.layout, case.project, case.supervisor) == (FORMAT_V2, "weight-first",
                                                                         "2023年农田灌溉渠道维修", "某县人民政府")
    assert case.money_unit == "元" and case.weights_note == "年度目标1:(80分)"
    assert case.allocation == (("产出指标", Decimal(50)), ("效益指标", Decimal(30)))
    assert case.budget.adjustment_reason == "追加中央资金" and case.budget.carryover == 0
    first, second = case.rows
    assert (first.number, first.nature, first.unit, first.core, first.level2_points) == (1, "≥", "公里", True, Decimal(30))
    (child,) = first.children
    assert (child.number, child.parent, child.name) == (2, 1, "主渠")
    assert second.number == 3 and second.actual == "" and second.weight is None
    assert [r.number for r in case.all_rows] == [1, 2, 3]
    assert case.parts == {"budget", "indicators", "total"}
    (item,) = case.review
    assert item.where == (("file", "附件1.pdf"), ("page", "3"), ("table", "1"), ("row", "5"), ("col", "实际完成值"))


def test_year_from_the_command_line_only_when_the_file_states_none():
    assert build_case(v2().data, "x", "0" * 64, year=2023).year == 2023
    assert build_case(v2().data, "x", "0" * 64, year=2023).year_supplied
    seed = load_case(SEED, year=2030)
    assert seed.year == 2022 and not seed.year_supplied


def test_the_seed_as_v1_has_every_part():
    assert load_case(SEED).parts == frozenset(PARTS)


# ── jixiao migrate ──────────────────────────────────────────────────────────────────────


def test_migrate_changes_only_the_format_line(tmp_path):
    out = tmp_path / "seed-v2.yaml"
    result = CliRunner().invoke(main, ["migrate", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    before = SEED.read_text(encoding="utf-8").splitlines()
    after = out.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and changed == [("format: jixiao-case/1", "format: jixiao-case/2")]
    assert load_case(out).format == FORMAT_V2


def test_a_migrated_seed_scores_exactly_as_before(tmp_path):
    from engine.api import score_file

    out = tmp_path / "seed-v2.yaml"
    CliRunner().invoke(main, ["migrate", str(SEED), "-o", str(out)])
    old, new = score_file(SEED, matcher="python"), score_file(out, matcher="python")
    assert (new.total, new.grade) == (old.total, old.grade) == (Decimal("99.26"), "优")
    assert [e.points for e in new.ledger] == [e.points for e in old.ledger]
    assert [f.rule for f in new.findings] == [f.rule for f in old.findings]


def test_migrate_to_standard_output_and_refusals(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["migrate", str(SEED)])
    assert result.exit_code == 0 and "format: jixiao-case/2" in result.output
    already = tmp_path / "v2.yaml"
    already.write_text(FULL_V2, encoding="utf-8")
    result = runner.invoke(main, ["migrate", str(already)])
    assert result.exit_code == 2 and "E-MIGRATE" in result.output
    copy_ = tmp_path / "seed.yaml"
    copy_.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(main, ["migrate", str(copy_), "-o", str(copy_)])
    assert result.exit_code == 2 and "E-OUTPUT" in result.output
    assert copy_.read_text(encoding="utf-8") == SEED.read_text(encoding="utf-8")


# ── scoring what is there: one example case per behaviour (cases/examples/v2-*.yaml) ─────────

from collections import Counter  # noqa: E402

from engine.api import score_file  # noqa: E402
from engine.report import json as json_report  # noqa: E402

EXAMPLES = ROOT / "cases" / "examples"


def _score(name: str, **kwargs):
    return score_file(EXAMPLES / f"{name}.yaml", matcher="python", **kwargs)


def _open(result) -> Counter:
    return Counter(f.rule for f in result.findings if not f.passed)


@pytest.fixture(autouse=False)
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_every_v2_example_has_a_reviewed_golden(in_root):
    """The JSON of each v2 example, reviewed like the other goldens (JIXIAO_UPDATE_GOLDEN=1)."""
    import os

    names = sorted(p.stem for p in EXAMPLES.glob("v2-*.yaml"))
    assert len(names) == 10
    for name in names:
        text = json_report.render(score_file(f"cases/examples/{name}.yaml", matcher="python"))
        golden = ROOT / "tests" / "golden" / "examples" / f"{name}.json"
        if os.environ.get("JIXIAO_UPDATE_GOLDEN"):
            golden.write_text(text, encoding="utf-8")
        assert golden.read_text(encoding="utf-8") == text, name


def test_review_items_silence_only_the_checks_on_their_cells():
    result = _score("v2-review-scope")
    # JX-R11 (info): the self scores cannot be added up for sure, one of them is doubted
    assert _open(result) == Counter({"JX-C30": 1, "JX-A09": 1, "JX-A15": 1, "JX-A32": 1, "JX-A41": 1, "JX-A17": 1,
                                    "JX-R11": 1})
    rows = {e.row: e for e in result.ledger if e.row is not None}
    # the doubted unit cell: 待复核 under the review rule, though 33 against 23 is over-achieved (JX-A09)
    assert rows[1].outcome == "review" and rows[1].rule == "JX-S90"
    assert [f.row for f in result.findings if f.rule == "JX-A09"] == [1]
    # the doubted 得分 cell: the row is scored (8 of 10: 12 of 15), its self score of 15 not compared
    assert rows[3].outcome != "review" and str(rows[3].points) == "12.00"
    assert not [f for f in result.findings if not f.passed and f.row == 3]
    # the budget row without 全年预算数 is 待复核; the gap to 年初预算数 is reported
    assert next(e for e in result.ledger if e.row is None).outcome == "review"
    assert result.status == "provisional"


def test_no_target_table_is_not_checkable_and_raises_no_finding_per_row():
    result = _score("v2-no-target-table")
    assert _open(result) == Counter()
    assert (str(result.total), result.grade, result.status) == ("99.50", "优", "final")
    (missing_table, missing_report) = result.not_checkable
    assert missing_table.part == "target_table" and {"JX-C01", "JX-C02", "JX-C03", "JX-C04"} <= set(missing_table.checks)
    assert missing_report.part == "report"


def test_no_self_evaluation_checks_what_is_there_and_is_provisional():
    result = _score("v2-no-self-evaluation")
    assert result.ledger == () and result.status == "provisional"
    assert {r.field for r in result.review_items} == {"indicators", "budget"}
    assert {n.part for n in result.not_checkable} == {"budget", "indicators", "total"}
    assert {f.rule for f in result.findings if f.passed} >= {"JX-R02", "JX-R04"}  # the report's figures were checked


def test_narrative_only_report_without_a_year():
    result = _score("v2-narrative")
    assert result.year is None and result.status == "provisional"
    assert [r.source for r in result.review_items].count("year") == 1
    # 40 / 50 is 80 %, not the stated 82 %; the filing states no year (JX-F01)
    assert _open(result) == Counter({"JX-R03": 2, "JX-F01": 1})
    supplied = _score("v2-narrative", year=2023)
    assert supplied.year == 2023 and "year" not in [r.source for r in supplied.review_items]
    assert "JX-F01" in _open(supplied)  # --year supplies the year; the form still states none


def test_weights_in_headings_are_shared_by_the_layout_pack():
    result = _score("v2-headings")
    assert result.pack_id == "layout-20-80"
    rows = {e.row: e for e in result.ledger if e.row is not None and e.outcome == "scored"}
    assert sorted(rows) == [1, 4, 5, 6]  # rows 2 and 3 are "其中" rows under row 1
    assert all(e.weight == Decimal("20.00") and dict(e.inputs)["weight_source"] for e in rows.values())
    assert "分值取自" in rows[1].explanation
    assert (str(result.total), result.grade) == ("98.74", "优")
    assert "JX-R01" not in _open(result)
    # the "其中" rows are judged without points: their parent (row 1) carries the points
    children = [e for e in result.ledger if e.outcome == "judged"]
    assert [(e.row, e.verdict, e.points, e.weight) for e in children] == [(2, "met", 0, 0), (3, "met", 0, 0)]
    assert all("分值由上级指标（第 1 行）承担" in e.explanation for e in children)
    assert not result.grade_withheld  # the children's points are their parent's: the share is known
    # under the national pack nothing is invented: no goal gets points; each is judged met / unmet
    # without points, and a grade from the budget row's 10 points alone is withheld
    national = score_file(EXAMPLES / "v2-headings.yaml", "rules/national-2020", "python")
    assert [e.outcome for e in national.ledger if e.row] == ["judged"] * 6
    assert all(e.points == 0 and e.weight == 0 and e.deduction == 0 for e in national.ledger if e.row)
    assert national.scored_max == 10 and national.grade_withheld and "没有分值" in national.grade_withheld_reason
    assert not _open(national) & Counter({"JX-A01": 1, "JX-A03": 1})


def test_rows_without_a_level1_column_map_by_level2_and_placeholders_are_skipped():
    result = _score("v2-no-level1")
    assert [(e.row, e.section) for e in result.ledger if e.row] == [(1, "产出"), (2, "效益"), (3, "满意度")]
    (skipped,) = result.skipped_rows
    assert skipped.row == 4 and "模板" in skipped.reason
    assert (str(result.total), result.status) == ("100.00", "final")


def test_a_110_point_form_is_capped_with_an_error_and_still_graded():
    result = _score("v2-110-points")
    assert (str(result.total), result.grade) == ("100.00", "优")
    assert result.self_total == 110 and result.self_grade == "优"  # the top band, never blank
    (cap,) = [f for f in result.findings if f.rule == "JX-ENGINE-CAP"]
    assert cap.severity == "error" and "60" in cap.message and "50" in cap.message
    assert {s.key: str(s.score) for s in result.sections}["产出"] == "50.00"


def test_unreadable_rows_are_review_not_unmet():
    result = _score("v2-unreadable")
    review = [e for e in result.ledger if e.outcome == "review"]
    assert [e.row for e in review] == [2, 3, 4, 5]
    assert all(e.points == 0 and e.deduction == 0 for e in review)
    assert not {"JX-A01", "JX-A02", "JX-A03", "JX-A04"} & set(_open(result))
    assert result.status == "provisional" and len(result.review_items) == 5  # 4 rows + the case's review item
    assert result.review_items[0].source == "case"
    assert result.deductions == ()  # nothing is explained as a deduction


def test_the_strict_flag_exits_1_on_a_provisional_result(in_root):
    runner = CliRunner()
    provisional = runner.invoke(main, ["score", "cases/examples/v2-unreadable.yaml", "--strict", "--matcher", "python"])
    assert provisional.exit_code == 1 and "暂定（5 项待复核，等级暂不评定）" in provisional.output
    final = runner.invoke(main, ["score", "cases/examples/v2-no-level1.yaml", "--strict", "--matcher", "python"])
    assert final.exit_code == 0 and final.stdout.startswith("结果：正式")


def test_status_is_the_first_line_of_every_report(in_root, tmp_path):
    import datetime

    from engine.report import render

    result = _score("v2-unreadable")
    assert render(result, "json", datetime.date(2025, 1, 31)).count('"status": "provisional"') == 1
    md = render(result, "markdown", datetime.date(2025, 1, 31)).splitlines()  # among the first lines
    at = next(i for i, line in enumerate(md) if "结果：暂定（5 项待复核，等级暂不评定）" in line)
    assert at < 10 and any(line.startswith("- 待复核：") for line in md[at:at + 4])
    html = render(result, "html", datetime.date(2025, 1, 31))
    assert html.index("结果：暂定（5 项待复核，等级暂不评定）") < html.index("二、")


def test_the_scoresheet_pack_scores_stated_points():
    result = _score("v2-scoresheet")
    assert result.pack_id == "scoresheet"
    assert {s.key: (str(s.score), str(s.weight)) for s in result.sections} == {
        "投入": ("17.00", "20"), "过程": ("20.00", "20"), "产出": ("40.00", "40"), "效益": ("17.00", "20")}
    assert _open(result)["JX-A13"] == 1


def test_hubei_rescaling_keeps_the_section_total_exactly(tmp_path):
    """Three 产出 rows of 50/3 points each scale to 40 exactly (13.34 + 13.33 + 13.33), never 40.01."""
    import yaml as pyyaml

    data = pyyaml.safe_load(FULL_V2.replace("年度目标1:(80分)", "x"))
    data.update(year=2023, region="湖北省武汉市", layout="national")
    rows = [{"name": f"指标{i}", "target": "≥1个", "actual": "1个", "weight": 16.67 if i < 2 else 16.66, "score": None}
            for i in range(3)]
    data["self_evaluation"]["indicators"] = [{"level1": "产出指标", "groups": [{"level2": "数量指标", "rows": rows}]}]
    data["self_evaluation"]["budget"] = {"full_year": 1, "executed": 1}
    data.pop("review")
    path = tmp_path / "hubei.yaml"
    path.write_text(pyyaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = score_file(path, matcher="python")
    assert result.pack_id == "hubei-2023"
    weights = [e.weight for e in result.ledger if e.row]
    assert sum(weights) == Decimal(40) and sorted(map(str, weights)) == ["13.33", "13.33", "13.34"]
    assert {s.key: s.score for s in result.sections}["产出"] == Decimal(40)


def test_v2_rows_in_no_section_are_review_but_v1_is_refused(tmp_path):
    """A v2 block the pack cannot place is shown as 待复核 (the filing is scored on what is there);
    a v1 case keeps the old refusal (E-CASE-SECTION)."""
    from engine.errors import JixiaoError

    national = "rules/national-2020"
    result = score_file(EXAMPLES / "v2-scoresheet.yaml", national, "python")
    assert {e.outcome for e in result.ledger} == {"review"} and result.status == "provisional"
    assert "不属于规则包 national-2020 的任何部分" in result.ledger[0].explanation
    assert result.ledger[0].weight == Decimal(5)  # shown at its weight as written, not counted
    v1 = (EXAMPLES / "clean.yaml").read_text(encoding="utf-8").replace("效益指标", "绩效结果")
    path = tmp_path / "v1.yaml"
    path.write_text(v1, encoding="utf-8")
    with pytest.raises(JixiaoError) as caught:
        score_file(path, national, "python")
    assert caught.value.problems[0].code == "E-CASE-SECTION"


def test_traditional_characters_and_goal_wording_map_to_sections():
    data = {"format": "jixiao-case/2", "unit": "某单位", "year": 2023, "form": "project",
            "self_evaluation": {"indicators": [
                {"level1": "產出指標", "groups": [{"level2": "數量指標", "rows": [
                    {"name": "甲", "target": "≥1个", "actual": "1个", "weight": 10, "score": 10}]}]},
                {"level1": "效益目标", "groups": [{"level2": "社会效益目标", "rows": [
                    {"name": "乙", "target": "≥90%", "actual": "95%", "weight": 10, "score": 10}]}]}]}}
    from engine.api import load_pack, matcher_for
    from engine.score import score_case

    pack = load_pack("rules/national-2020")
    result = score_case(build_case(data, "x", "0" * 64), pack, matcher_for(pack, "python"))
    assert [(e.row, e.section, e.outcome) for e in result.ledger] == [(1, "产出", "scored"), (2, "效益", "scored")]


def test_batch_summary_has_the_status_and_review_count(tmp_path):
    import csv

    from engine.batch import run_batch

    for name in ("v2-unreadable", "v2-no-level1"):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{name}.yaml").write_text((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"),
                                                     encoding="utf-8")
    run = run_batch([str(tmp_path / "in")], tmp_path / "out", str(ROOT / "rules" / "national-2020"), "python", jobs=1)
    assert run.failed == 0
    with open(tmp_path / "out" / "summary.csv", encoding="utf-8-sig", newline="") as f:
        rows = {Path(r["案例文件"]).stem: r for r in csv.DictReader(f)}
    assert (rows["v2-unreadable"]["结果"], rows["v2-unreadable"]["待复核"]) == ("暂定", "5")
    assert (rows["v2-no-level1"]["结果"], rows["v2-no-level1"]["待复核"]) == ("正式", "0")


def test_why_names_a_review_row(in_root):
    result = CliRunner().invoke(main, ["score", "cases/examples/v2-unreadable.yaml", "--why", "2", "--matcher", "python"])
    assert result.exit_code == 0
    assert "待复核：实际完成值空白" in result.stdout and "采用：待复核（不计入总分）" in result.stdout.replace("\n", "")


# ── conventions a pack may set, and the parser's doubt ─────────────────────────────────────

def _score_data(data, vocabulary=None):
    import dataclasses

    from engine.api import load_pack, matcher_for
    from engine.score import score_case

    pack = load_pack(ROOT / "rules" / "national-2020")
    if vocabulary:
        pack = dataclasses.replace(pack, vocabulary={**pack.vocabulary, **vocabulary})
    return score_case(build_case(data, "x", "0" * 64), pack, matcher_for(load_pack(ROOT / "rules" / "national-2020"),
                                                                         "python"))


def _one_block(rows):
    return {"format": "jixiao-case/2", "unit": "某单位", "year": 2023, "form": "project",
            "self_evaluation": {"indicators": [{"level1": "产出指标", "groups": [{"level2": "数量指标", "rows": rows}]}]}}


def test_review_rows_counted_at_the_self_score_when_the_pack_says_so():
    data = _one_block([{"name": "甲", "target": "≥10个", "actual": "", "weight": 10, "score": 8}])
    excluded = _score_data(data)
    counted = _score_data(data, {"review_rows": "self_score"})
    assert (excluded.total, excluded.ledger[0].outcome) == (Decimal("0.00"), "review")
    assert (counted.total, counted.ledger[0].outcome, counted.status) == (Decimal("8.00"), "review", "provisional")
    assert "暂按自评得分 8 分计入总分" in counted.ledger[0].explanation


def test_children_are_scored_only_when_the_pack_says_so():
    data = _one_block([{"name": "渠道", "target": "≥3公里", "actual": "3公里", "weight": 10, "score": 10,
                        "children": [{"name": "主渠", "target": "≥1公里", "actual": "1公里", "weight": 5, "score": 5}]}])
    judged = _score_data(data).ledger  # the national pack: the "其中" row is judged, its weight its parent's
    assert [(e.row, e.outcome, e.points) for e in judged] == [(1, "scored", 10), (2, "judged", 0)]
    assert [e.row for e in _score_data(data, {"judge_children": False}).ledger] == [1]
    assert [(e.row, e.outcome) for e in _score_data(data, {"score_children": True}).ledger] == [(1, "scored"), (2, "scored")]


def test_a_value_the_parser_marks_uncertain_is_review_not_a_clean_number():
    """The parser (engine/values.py) marks doubtful readings: an actual "285%" against "≥85%" is an
    OCR-damaged "≥85%" more likely than a 285 % achievement, and must not be scored as clean."""
    data = _one_block([{"name": "覆盖率", "target": "≥85%", "actual": "285%", "weight": 10, "score": 10}])
    result = _score_data(data)
    (entry,) = result.ledger
    assert entry.outcome == "review" and entry.points == 0
    assert result.status == "provisional" and any("285%" in item.reason or "285%" in item.value for item in result.review_items)
    assert not [f for f in result.findings if f.rule in ("JX-A01", "JX-A02", "JX-A03", "JX-A09")]


@pytest.mark.parametrize("pack_dir", ["rules/layout-20-80", "rules/scoresheet", "rules/layout-chongqing"])
def test_the_layout_packs_pass_their_own_tests(in_root, pack_dir):
    from engine.api import load_pack, matcher_for
    from engine.packtest import run_pack_tests

    pack = load_pack(pack_dir)
    outcomes = run_pack_tests(pack, matcher_for(pack, "python"))
    tests = [o for o in outcomes if o.kind == "test"]
    assert tests and all(o.passed for o in outcomes), [(o.id, [c.to_dict() if hasattr(c, "to_dict") else c for c in o.checks if not c.passed]) for o in outcomes if not o.passed]
