"""The real-filings corpus (tests/corpus/) and its scoreboard's logic.

Structure: every folder has its four files, provenance keys, expectations in known categories,
each YAML loads. Logic: the scoreboard's matching, row counting and import comparison on small
synthetic results. The scoreboard's figures themselves are measured by `make corpus`, never
asserted here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).resolve().parent / "corpus"


def _load_run():
    spec = importlib.util.spec_from_file_location("corpus_run", CORPUS / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module        # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


run = _load_run()
CHECKS = run.load_checks(CORPUS)
FOLDERS = run.discover(CORPUS)


# ───────────────────────────── the corpus as it is ─────────────────────────────

def test_corpus_is_not_empty():
    assert len(FOLDERS) >= 10


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_folder_structure(folder):
    assert run.structure_problems(folder, CHECKS) == []


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_folder_is_prefixed_with_its_family(folder):
    prov = run.read_yaml(folder / "provenance.yaml")
    assert folder.name.startswith(f"{prov['layout']}-")
    case = run.read_yaml(folder / "case.yaml")
    # one file of several filings (family "multi") holds cases of their own layout
    assert case.get("layout") in (None, prov["layout"]) or prov["layout"] == "multi"
    assert case["format"] in ("jixiao-case/1", "jixiao-case/2")


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_expected_rows_are_transcribed(folder):
    """`rows:` counts indicator rows; the case holds at least that many (it may also hold
    "其中" children and template rows). Only a filing without an indicator table (a narrative
    report, an unfilled form) may have none."""
    expected = run.read_yaml(folder / "expected.yaml")
    rows = run.case_rows(run.read_yaml(folder / "case.yaml"))
    assert 0 <= expected["rows"] <= len(rows)
    assert expected["rows"] > 0 or not rows or run.read_yaml(folder / "provenance.yaml")["layout"] in ("narrative", "unfilled")


def test_checks_categories_are_well_formed():
    assert CHECKS
    for name, cat in CHECKS.items():
        assert "." in name and cat.get("title"), name
        assert isinstance(cat.get("rules"), list), name
        assert all(str(code).startswith("JX-") for code in cat["rules"]), name


# ───────────────────────────── structure checks can fail ─────────────────────────────

def _write_folder(tmp_path: Path, **overrides) -> Path:
    folder = tmp_path / "national-2022-x"
    folder.mkdir(parents=True)
    files = {
        "provenance.yaml": {k: "x" for k in run.PROVENANCE_KEYS},
        "case.yaml": {"format": "jixiao-case/2", "unit": "u", "form": "project"},
        "expected.yaml": {"written": "2026-12-02", "rows": 1,
                          "defects": [{"id": "D1", "check": "row.no_reason", "evidence": "1 deducted"}]},
    }
    files.update(overrides)
    for name, data in files.items():
        if data is not None:
            (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (folder / "source.txt").write_text("text", encoding="utf-8")
    return folder


def test_structure_problems_are_reported(tmp_path):
    checks = {"row.no_reason": {"title": "t", "rules": ["JX-A04"]}}
    assert run.structure_problems(_write_folder(tmp_path), checks) == []
    bad = _write_folder(tmp_path / "b", **{
        "provenance.yaml": {"url": "u"},
        "expected.yaml": {"written": "d", "rows": 1,
                          "defects": [{"id": "D1", "check": "no.such", "evidence": "e"},
                                      {"id": "D1", "check": "row.no_reason", "evidence": ""}]}})
    problems = "\n".join(run.structure_problems(bad, checks))
    assert "provenance.yaml lacks publisher" in problems
    assert "unknown check 'no.such'" in problems
    assert "without a unique id" in problems
    assert "D1: no evidence" in problems


def test_missing_file_is_reported(tmp_path):
    folder = _write_folder(tmp_path, **{"case.yaml": None})
    assert run.structure_problems(folder, {}) == ["national-2022-x: case.yaml missing"]


# ───────────────────────────── matching logic ─────────────────────────────

SYNTH_CHECKS = {
    "row.no_reason": {"title": "t", "rules": ["JX-A04"]},
    "budget.rate_stated": {"title": "t", "rules": ["JX-R07"]},
    "sum.parts_total": {"title": "t", "rules": ["JX-R01"]},
    "row.placeholder": {"title": "t", "rules": []},
}


def _finding(rule, subject, row=None, severity="warning", passed=False, name=None):
    return {"rule": rule, "severity": severity, "passed": passed, "subject": subject, "row": row,
            "numbers": {"name": name} if name else {}}


SYNTH_RESULT = {
    "ledger": [
        {"row": None, "item": "预算执行率", "kind": "score"},
        {"row": 1, "item": "培训人次", "kind": "score"},
        {"row": 2, "item": "培训成本", "kind": "score"},
        {"row": 2, "item": "培训成本", "kind": "deduction"},
    ],
    "findings": [
        _finding("JX-A04", "培训人次", row=1),                    # covers D1
        _finding("JX-A04", "其他指标", row=2),                    # same rule, other row: uncovered
        _finding("JX-R07", "预算执行率"),                         # raised on an ok check: false alarm
        _finding("JX-R01", "资金来源", passed=True, severity="info"),  # a passed check: never an alarm
        _finding("JX-A99", "培训成本", row=2, severity="info"),    # info: not counted
    ],
}

SYNTH_EXPECTED = {
    "rows": 3,
    "defects": [
        {"id": "D1", "check": "row.no_reason", "row": "培训人次", "evidence": "e"},
        {"id": "D2", "check": "row.no_reason", "row": "培训成本", "evidence": "e"},   # the finding for row 2 names 其他指标
        {"id": "D3", "check": "row.placeholder", "evidence": "e"},                    # no rule: cannot be found
    ],
    "ok": [
        {"id": "K1", "check": "budget.rate_stated", "row": "预算执行率", "evidence": "e"},
        {"id": "K2", "check": "sum.parts_total", "evidence": "e"},                   # only a passed R01
    ],
}


def test_concerns_uses_subject_name_and_ledger_item():
    ledger = SYNTH_RESULT["ledger"]
    assert run.concerns(_finding("JX-A04", "培训人次"), "培训人次", ledger)
    assert run.concerns(_finding("JX-A04", "x", name="培训人次"), "培训人次", ledger)
    assert run.concerns(_finding("JX-A04", "x", row=2), "培训成本", ledger)
    assert not run.concerns(_finding("JX-A04", "x", row=1), "培训成本", ledger)
    assert run.concerns(_finding("JX-A04", "anything"), None, ledger)


def test_a_whole_filing_finding_concerns_the_budget_row_by_either_name():
    """预算调整率 (JX-C05) is reported on the whole filing; the reviewer names the budget row, as
    预算执行率 or by the form's own label for it."""
    c05 = _finding("JX-C05", "整份材料")
    assert run.concerns(c05, "预算执行率", [])
    assert run.concerns(c05, "部门整体支出预算调整", [], budget_label="部门整体支出预算调整")
    assert not run.concerns(c05, "部门整体支出预算调整", [])          # without the label: another row
    assert not run.concerns(c05, "培训人次", [], budget_label="预算执行情况")
    assert not run.concerns(_finding("JX-A04", "整份材料", row=3), "预算执行率", [])  # a row's finding
    checks = {"budget.adjustment": {"title": "t", "rules": ["JX-C05"]}}
    expected = {"defects": [{"id": "D1", "check": "budget.adjustment", "row": "部门整体支出预算调整", "evidence": "e"}]}
    result = {"ledger": [], "findings": [c05]}
    assert run.match(expected, result, checks, budget_label="部门整体支出预算调整")["found"] == ["D1"]
    assert run.match(expected, result, checks)["missed"] == ["D1"]


def test_match_counts_found_missed_false_alarms_and_uncovered():
    """D2's finding names another subject but sits on row 2, whose ledger item is 培训成本; the
    passed R01 check and the info finding are not alarms, so K2 holds and nothing is uncovered."""
    m = run.match(SYNTH_EXPECTED, SYNTH_RESULT, SYNTH_CHECKS)
    assert m["false_alarms"] == ["K1"]
    assert m["found"] == ["D1", "D2"]
    assert m["missed"] == ["D3"]
    assert m["uncovered"] == []


def test_facts_filter_splits_a_shared_rule_by_its_check():
    checks = {"total.self_vs_parts": {"title": "t", "rules": ["JX-R01"], "facts": ["self_scores_vs_total"]},
              "sum.parts_total": {"title": "t", "rules": ["JX-R01"], "facts": ["funding_", "statement"]}}
    def r01(check):
        return {"rule": "JX-R01", "severity": "error", "passed": False, "subject": check, "row": None,
                "numbers": {"check": check}}
    result = {"ledger": [], "findings": [r01("self_scores_vs_total"), r01("funding_by_income")]}
    expected = {"defects": [{"id": "D1", "check": "total.self_vs_parts", "evidence": "e"}],
                "ok": [{"id": "K1", "check": "sum.parts_total", "evidence": "e"}]}
    m = run.match(expected, result, checks)
    assert m["found"] == ["D1"] and m["false_alarms"] == ["K1"] and m["uncovered"] == []
    result = {"ledger": [], "findings": [r01("self_scores_vs_total"), r01("weights_vs_pack")]}
    m = run.match(expected, result, checks)
    assert m["false_alarms"] == [] and m["uncovered"] == ["JX-R01 weights_vs_pack"]
    assert run.of_kind({"numbers": {}}, ["funding_"]) and run.of_kind(r01("x"), None)
    assert not run.of_kind(r01("target_total"), ["funding_"])


def test_a_finding_that_finds_a_defect_is_not_also_a_false_alarm():
    checks = {"total.self_vs_parts": {"title": "t", "rules": ["JX-R01"]},
              "sum.parts_total": {"title": "t", "rules": ["JX-R01"]}}
    result = {"ledger": [], "findings": [_finding("JX-R01", "各项自评得分之和与自评总分")]}
    expected = {"defects": [{"id": "D1", "check": "total.self_vs_parts", "evidence": "e"}],
                "ok": [{"id": "K1", "check": "sum.parts_total", "evidence": "e"}]}
    assert run.match(expected, result, checks)["false_alarms"] == []


def test_alarm_on_unrelated_row_is_uncovered():
    result = {"ledger": [], "findings": [_finding("JX-A04", "别的指标", row=7)]}
    expected = {"defects": [{"id": "D1", "check": "row.no_reason", "row": "培训人次", "evidence": "e"}]}
    m = run.match(expected, result, SYNTH_CHECKS)
    assert m == {"found": [], "missed": ["D1"], "false_alarms": [], "uncovered": ["JX-A04 别的指标"]}


def test_rows_read_counts_distinct_scored_rows():
    assert run.rows_read(SYNTH_RESULT) == 2
    assert run.rows_read(SYNTH_RESULT, {"培训人次"}) == 1          # an entry for another row does not count
    assert run.rows_read({"ledger": [{"row": 3, "kind": "review"}]}) == 0
    assert run.rows_read({"ledger": [{"row": 3, "kind": "score", "outcome": "review"}]}) == 0  # 待复核 is not read


JUDGED_RESULT = {"ledger": [
    {"row": 1, "item": "培训人次", "kind": "score", "outcome": "scored"},
    {"row": 2, "item": "宣传次数", "kind": "score", "outcome": "judged", "verdict": "met", "points": None},
    {"row": 3, "item": "其中：城区", "kind": "score", "outcome": "judged", "verdict": "unmet", "points": None},
    {"row": 4, "item": "覆盖率", "kind": "score", "outcome": "review"},
]}


def test_a_row_judged_without_points_counts_as_scored_and_apart_as_judged():
    """"rows scored" means rows with a verdict: scored with points, or judged met / unmet without
    points by the same rules (a form that gives the row none); the judged rows are also counted
    alone, so the scoreboard says what it counts. 待复核 is neither."""
    assert run.rows_read(JUDGED_RESULT) == 3
    assert run.rows_read(JUDGED_RESULT, outcomes=("judged",)) == 2
    assert run.rows_read(JUDGED_RESULT, outcomes=("scored",)) == 1
    assert run.rows_read(JUDGED_RESULT, {"培训人次", "宣传次数", "覆盖率"}) == 2   # the "其中" row is not in `rows:`


def test_evaluate_counts_judged_rows_but_not_children(tmp_path, monkeypatch):
    folder = _write_folder(tmp_path, **{
        "provenance.yaml": {k: "x" for k in run.PROVENANCE_KEYS},
        "case.yaml": {"format": "jixiao-case/2", "unit": "u", "form": "project", "self_evaluation": {"indicators": [
            {"level1": "产出指标", "groups": [{"level2": "数量指标", "rows": [
                {"name": "培训人次", "target": "≥1人", "actual": "1人", "weight": 10},
                {"name": "宣传次数", "target": "≥1次", "actual": "1次",
                 "children": [{"name": "其中：城区", "target": "≥1次", "actual": "0次"}]},
                {"name": "覆盖率", "target": "≥85%", "actual": "285%"}]}]}]}},
        "expected.yaml": {"written": "d", "rows": 3}})
    monkeypatch.setattr(run, "score", lambda path, pack=None: (JUDGED_RESULT, None))
    report = run.evaluate(folder, REVIEW_CHECKS, do_import=False)
    assert (report.rows, report.rows_read, report.rows_judged) == (3, 2, 1)
    text = run.render_text(run.summarize([report]))
    assert "rows scored:                     2 / 3 (66.7%)   (a verdict: scored with points, or judged" in text
    assert "  of which judged without points: 1   (the form gives the row no points; not 待复核)" in text
    assert "rows 2/3 (judged 1, accounted 2)" in text


# ───────────────────────────── review items (待复核) ─────────────────────────────

REVIEW_CHECKS = {
    "row.unreadable": {"title": "t", "rules": ["JX-V01"], "found_by_review": True, "unscorable": True},
    "row.score_without_values": {"title": "t", "rules": [], "found_by_review": ["JX-S09"], "unscorable": True},
    "row.no_reason": {"title": "t", "rules": ["JX-A04"]},
}

REVIEW_RESULT = {
    "ledger": [
        {"row": 1, "item": "培训人次", "kind": "score", "outcome": "scored", "rule": "JX-S01"},
        {"row": 2, "item": "组织宣传活动次数", "kind": "score", "outcome": "review", "rule": "JX-S01"},
        {"row": 3, "item": "工程质量合格", "kind": "score", "outcome": "review", "rule": "JX-S09"},
        {"row": 4, "item": "满意度", "kind": "score", "outcome": "review", "rule": "JX-S90"},
    ],
    "findings": [],
    "review_items": [
        {"source": "row", "subject": "组织宣传活动次数", "row": 2, "reason": "指标值“到0次”…"},
        {"source": "row", "subject": "工程质量合格", "row": 3, "reason": "指标值与实际完成值都空白"},
        {"source": "row", "subject": "满意度", "row": 4, "reason": "单位不同"},
        {"source": "case", "subject": "self_evaluation.budget", "row": None, "reason": "抽取时丢失"},
    ],
}


def test_a_review_item_finds_an_unreadable_row_but_is_not_a_finding():
    """row.unreadable ("须人工复核") is found when jixiao put that row to review; the review item
    is not an alarm, so it is neither uncovered nor a false alarm, and other categories are not
    found by review items."""
    expected = {"defects": [{"id": "D1", "check": "row.unreadable", "row": "组织宣传活动次数", "evidence": "e"},
                            {"id": "D2", "check": "row.unreadable", "row": "培训人次", "evidence": "e"},   # scored
                            {"id": "D3", "check": "row.no_reason", "row": "满意度", "evidence": "e"}]}
    m = run.match(expected, REVIEW_RESULT, REVIEW_CHECKS)
    assert m["found"] == ["D1"] and m["missed"] == ["D2", "D3"] and m["uncovered"] == []


def test_found_by_review_ignores_the_transcribers_own_notes_and_filters_by_rule():
    unnamed = {"id": "D1", "check": "row.unreadable", "evidence": "e"}
    assert run.found_by_review(unnamed, REVIEW_RESULT, REVIEW_CHECKS)
    only_case_note = {**REVIEW_RESULT, "review_items": [REVIEW_RESULT["review_items"][-1]]}
    assert not run.found_by_review(unnamed, only_case_note, REVIEW_CHECKS)   # source "case": the transcriber's
    blank = {"id": "D2", "check": "row.score_without_values", "row": "工程质量合格", "evidence": "e"}
    assert run.found_by_review(blank, REVIEW_RESULT, REVIEW_CHECKS)
    other_rule = {"id": "D3", "check": "row.score_without_values", "row": "满意度", "evidence": "e"}
    assert not run.found_by_review(other_rule, REVIEW_RESULT, REVIEW_CHECKS)  # 待复核 by JX-S90, not JX-S09


def test_rows_accounted_adds_review_rows_the_reviewer_also_found_unscorable():
    names = {"培训人次", "组织宣传活动次数", "工程质量合格", "满意度"}
    marked = {"defects": [{"id": "D1", "check": "row.unreadable", "row": "组织宣传活动次数", "evidence": "e"},
                          {"id": "D2", "check": "row.no_reason", "row": "满意度", "evidence": "e"}]}
    assert run.rows_read(REVIEW_RESULT, names) == 1
    # 满意度 is 待复核 but the reviewer read it (no_reason is not unscorable): not accounted
    assert run.rows_accounted(REVIEW_RESULT, marked, REVIEW_CHECKS, names) == 2
    whole_case = {"defects": [{"id": "D1", "check": "row.unreadable", "evidence": "all rows"}]}
    assert run.rows_accounted(REVIEW_RESULT, whole_case, REVIEW_CHECKS, names) == 4
    assert run.rows_accounted(REVIEW_RESULT, whole_case, REVIEW_CHECKS, {"培训人次"}) == 1
    assert run.rows_accounted(REVIEW_RESULT, {}, REVIEW_CHECKS, names) == 1


def test_evaluate_reports_rows_accounted_and_a_refusal_note(tmp_path, monkeypatch):
    folder = _write_folder(tmp_path, **{
        "provenance.yaml": {**{k: "x" for k in run.PROVENANCE_KEYS}, "refusal_note": "没有适用于 2019 年的规则"},
        "case.yaml": {"format": "jixiao-case/2", "unit": "u", "form": "project", "self_evaluation": {"indicators": [
            {"level1": "产出指标", "groups": [{"level2": "数量指标", "rows": [
                {"name": "培训人次", "target": "≥1", "actual": "1"},
                {"name": "组织宣传活动次数", "target": "到0次", "actual": "3次"}]}]}]}},
        "expected.yaml": {"written": "d", "rows": 2,
                          "defects": [{"id": "D1", "check": "row.unreadable", "row": "组织宣传活动次数", "evidence": "e"}]}})
    monkeypatch.setattr(run, "score", lambda path, pack=None: (REVIEW_RESULT, None))
    report = run.evaluate(folder, REVIEW_CHECKS, do_import=False)
    assert (report.rows, report.rows_read, report.rows_accounted, report.found) == (2, 1, 2, ["D1"])
    monkeypatch.setattr(run, "score", lambda path, pack=None: (None, "E-PACK-SELECT: no rule pack"))
    refused = run.evaluate(folder, REVIEW_CHECKS, do_import=False)
    assert refused.status == "refused" and refused.rows_accounted == 0
    text = run.render_text(run.summarize([refused]))
    assert "refused: national-2022-x: E-PACK-SELECT: no rule pack" in text
    assert "why no pack applies: 没有适用于 2019 年的规则" in text


def test_total_text_reads_either_shape():
    assert run._total_text({"score": "90.00", "max": "100.00", "grade": "优"}) == "90.00 优"
    assert run._total_text({"total": None, "grade": None}) == "–"
    assert run._total_text("99.26") == "99.26" and run._total_text(None) == "–"
    assert run._total_text({"score": "10.00", "grade": "差", "grade_withheld": True}) == "10.00 暂不定级"
    assert run._total_text({"score": "0.00", "grade": "差", "nothing_scored": True}) == "0.00 未评分"


# ───────────────────────────── import comparison ─────────────────────────────

def test_case_rows_flattens_blocks_and_children():
    case = {"self_evaluation": {"indicators": [
        {"level1": "产出指标", "groups": [{"level2": "数量指标", "rows": [
            {"name": "面积", "target": "3亩", "actual": "3亩", "weight": 10, "score": 10,
             "children": [{"name": "其中鱼塘", "target": "3亩", "actual": "3亩"}]}]}]},
        {"level1": "效益指标", "groups": [{"level2": "社会效益指标", "rows": [{"name": "人数"}]}]},
    ]}}
    rows = run.case_rows(case)
    assert [r["name"] for r in rows] == ["面积", "其中鱼塘", "人数"]
    assert rows[1]["weight"] is None and rows[2]["target"] is None
    assert run.case_rows({}) == [] and run.case_rows({"self_evaluation": None}) == []


def test_compare_rows_pairs_by_name_and_compares_values():
    hand = [{"name": "培训人次", "target": "300", "actual": "320", "weight": 15, "score": 15},
            {"name": "培训 成本", "target": "≤6万元", "actual": "5.8万元", "weight": 10, "score": 10},
            {"name": "满意度", "target": "≥95%", "actual": "96%", "weight": 10, "score": 10},
            {"name": "缺失", "target": "1", "actual": "1", "weight": 5, "score": 5}]
    imported = [{"name": "满意度", "target": "≥95%", "actual": "96%", "weight": "10.00", "score": 9},
                {"name": "培训人次", "target": "300", "actual": "320", "weight": "15.0", "score": "15"},
                {"name": "培训成本", "target": "≤6万元", "actual": "5.8万元", "weight": 10, "score": 10}]
    c = run.compare_rows(hand, imported)
    assert c["rows"] == 4 and c["imported_rows"] == 3 and c["paired"] == 3
    assert c["reproduced"] == 2                      # 满意度's score differs; 缺失 not imported
    assert c["field_misses"] == {"target": 0, "actual": 0, "weight": 0, "score": 1}


def test_with_content_drops_template_rows_only():
    rows = [{"name": "指标2:"}, {"name": "……", "target": "", "actual": None},
            {"name": "指标1:/", "target": "/"}, {"name": "其中鱼塘", "target": "3亩"},
            {"name": "工程质量合格", "weight": 10, "score": 10}]
    assert [r["name"] for r in run.with_content(rows)] == ["指标1:/", "其中鱼塘", "工程质量合格"]


def test_compare_rows_duplicate_names_pair_in_order():
    hand = [{"name": "人员保障", "target": "7人"}, {"name": "人员保障", "target": "107.57万元"}]
    imported = [{"name": "人员保障", "target": "7人"}, {"name": "人员保障", "target": "107.57万元"}]
    assert run.compare_rows(hand, imported)["reproduced"] == 2
    assert run.compare_rows(hand, list(reversed(imported)))["reproduced"] == 0


# ───────────────────────────── summing up ─────────────────────────────

def test_summarize_and_render_count_per_family_and_list_refusals():
    reports = [
        run.CaseReport(id="a", family="national", rows=3, rows_read=2, defects=2, found=["D1"],
                       missed=["D2"], ok=2, false_alarms=["K1"], uncovered=["JX-A04 x"],
                       import_rows=3, import_reproduced=1),
        run.CaseReport(id="b", family="sichuan", status="refused", message="E-CASE-SECTION 一级指标无法识别\n第二行",
                       rows=2, defects=1, missed=["D1"], ok=1, import_rows=2),
    ]
    s = run.summarize(reports)
    assert s["totals"]["cases"] == 2 and s["totals"]["scored"] == 1 and s["totals"]["refused"] == 1
    assert s["totals"]["rows_read"] == 2 and s["totals"]["rows"] == 5
    assert s["totals"]["defects_found"] == 1 and s["totals"]["defects"] == 3
    assert s["totals"]["false_alarms"] == 1 and s["totals"]["uncovered"] == 1
    assert s["families"]["sichuan"]["refused"] == 1 and s["families"]["national"]["scored"] == 1
    text = run.render_text(s, "abc1234", "2026-12-02")
    assert "refused: b: E-CASE-SECTION 一级指标无法识别 / 第二行" in text
    assert "rows scored:                     2 / 5 (40.0%)" in text
    assert "rows accounted:                  0 / 5 (0.0%)" in text
    assert "expected defects found:          1 / 3 (33.3%)" in text
    assert "import, rows reproduced:         1 / 5 (20.0%)" in text


def test_evaluate_counts_a_refusal_without_crashing(tmp_path, monkeypatch):
    folder = _write_folder(tmp_path)
    monkeypatch.setattr(run, "score", lambda path, pack=None: (None, "E-CASE 读不懂"))
    monkeypatch.setattr(run, "import_case", lambda path: (None, "E-IMPORT 读不懂"))
    report = run.evaluate(folder, {"row.no_reason": {"title": "t", "rules": ["JX-A04"]}})
    assert report.status == "refused" and report.message == "E-CASE 读不懂"
    assert report.missed == ["D1"] and report.rows == 1
    assert report.import_message == "E-IMPORT 读不懂" and report.import_reproduced == 0


def test_evaluate_marks_a_malformed_folder(tmp_path):
    folder = _write_folder(tmp_path, **{"expected.yaml": None})
    report = run.evaluate(folder, {})
    assert report.status == "broken" and "expected.yaml missing" in report.message


def test_with_scoreboard_replaces_only_its_section():
    readme = "# Corpus\n\n## Scoreboard\nold figures\n\n## Later\nkept\n"
    out = run.with_scoreboard(readme, "cases: 3\n", "abc1234", "2026-12-02")
    assert out.startswith("# Corpus\n\n## Scoreboard\n`make corpus` on 2026-12-02, commit abc1234")
    assert "```\ncases: 3\n```" in out and "old figures" not in out
    assert out.endswith("## Later\nkept\n")
    assert "## Scoreboard" in run.with_scoreboard("# Corpus\n", "x\n", "c", "d")


def test_same_filing_pairs_are_listed_once(tmp_path):
    a = _write_folder(tmp_path / "a")
    prov = run.read_yaml(a / "provenance.yaml")
    twin = a.parent / "national-2022-y"
    twin.mkdir()
    prov["same_filing_as"] = "national-2022-y (corpus-c)   # note"
    (a / "provenance.yaml").write_text(yaml.safe_dump(prov, allow_unicode=True), encoding="utf-8")
    report = run.evaluate(a, {"row.no_reason": {"title": "t", "rules": ["JX-A04"]}}, do_import=False)
    assert report.same_as == "national-2022-y"
    other = run.CaseReport(id="national-2022-y", family="national", same_as="national-2022-x")
    text = run.render_text(run.summarize([report, other]))
    assert "same filing in two folders (counted twice until one is kept): 1" in text
    assert "  national-2022-x = national-2022-y" in text


def test_the_scoreboard_replaces_only_its_own_section():
    readme = "# C\n\n## Scoreboard history\nkept\n\n## Scoreboard\nold\n\n## After\nkept too\n"
    out = run.with_scoreboard(readme, "new\n", "abc", "2026-12-02")
    assert "## Scoreboard history\nkept\n" in out and "## After\nkept too\n" in out
    assert "old" not in out and out.count("## Scoreboard\n") == 1 and "```\nnew\n```" in out


def test_case_rows_give_each_row_its_field_path():
    case = {"self_evaluation": {"indicators": [
        {"groups": [{"rows": [{"name": "面积", "children": [{"name": "其中鱼塘"}]}]},
                    {"rows": [{"name": "人数"}]}]}]}}
    assert [r["_path"] for r in run.case_rows(case)] == [
        "self_evaluation.indicators[0].groups[0].rows[0]",
        "self_evaluation.indicators[0].groups[0].rows[0].children[0]",
        "self_evaluation.indicators[0].groups[1].rows[0]"]


def test_compare_rows_counts_differences_named_by_review_items():
    """A row read differently counts as flagged only when every differing field (or the whole row)
    is named by one of the imported case's review items."""
    hand = [{"name": "甲", "target": "300", "actual": "320"}, {"name": "乙", "target": "5", "actual": "6"},
            {"name": "丙", "target": "1", "actual": "1"}, {"name": "丁", "target": "2", "actual": "2"}]
    imported = [{"name": "甲", "target": "300", "actual": "32", "_path": "p[0]"},
                {"name": "乙", "target": "50", "actual": "60", "_path": "p[1]"},
                {"name": "丙", "target": "7", "actual": "1", "_path": "p[2]"},
                {"name": "丁", "target": "2", "actual": "2", "_path": "p[3]"}]
    flagged = {"p[0].actual", "p[1].target", "p[2]"}
    c = run.compare_rows(hand, imported, flagged)
    assert c["reproduced"] == 1 and c["differing"] == 3
    assert c["differing_flagged"] == 2                # 乙's actual differs unflagged
    assert run.compare_rows(hand, imported)["differing_flagged"] == 0


def test_a_budget_row_under_review_finds_an_unreadable_budget_by_either_name():
    """The budget row's review item has no row number; it answers to 预算执行率 and to the form's
    own label for the row, and to no indicator's name."""
    result = {"ledger": [], "review_items": [
        {"source": "row", "subject": "预算执行率", "row": None, "field": "budget", "value": "79.27%", "reason": "待复核"}]}
    by_label = {"id": "D1", "check": "row.unreadable", "row": "部门预算执行情况", "evidence": "e"}
    by_name = {**by_label, "row": "预算执行率"}
    other = {**by_label, "row": "组织宣传活动次数"}
    assert run.found_by_review(by_name, result, REVIEW_CHECKS)
    assert run.found_by_review(by_label, result, REVIEW_CHECKS, budget_label="部门预算执行情况")
    assert not run.found_by_review(by_label, result, REVIEW_CHECKS)
    assert not run.found_by_review(other, result, REVIEW_CHECKS, budget_label="部门预算执行情况")
