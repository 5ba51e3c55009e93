"""Fidelity to real filings (corpus-d findings 1-5, 12): a case review item on a row field makes
the row 待复核; lower-is-better rate names (Chongqing); a budget block with a stated rate but
unreadable amounts is there (待复核), not absent; dates compared as dates; the form's own
budget 分值 against the pack's; a self score written with one decimal checked at that precision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from engine.api import case_from_document, load_pack, matcher_for, score_file
from engine.facts import read_case
from engine.load import load_text
from engine.score import score_case
from engine.values import date_span, parse_value

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "rules" / "national-2020"
CHONGQING = ROOT / "rules" / "layout-chongqing"
CORPUS = ROOT / "tests" / "corpus"
DATE_UNITS = {"年": "year", "月": "month", "日": "day", "号": "day"}

CASE = """\
format: jixiao-case/2
unit: 示例县林业局
year: 2023
form: project
region: 示例省示例县
self_evaluation:
  budget: {budget}
  indicators:
    - level1: 产出指标
      groups:
        - level2: 数量指标
          rows:
{rows}
{review}"""


def _score(rows: list[str], review: str = "", pack=NATIONAL,
           budget: str = "{full_year: 100, executed: 100, weight: 10, rate: 100%, self_score: 10}"):
    text = CASE.format(budget=budget, rows="\n".join(" " * 12 + "- " + r for r in rows), review=review)
    case = case_from_document(load_text(text, "<test>"))
    p = load_pack(pack)
    return case, p, score_case(case, p, matcher_for(p, "python"))


def _alarms(result, code=None):
    return [f for f in result.findings if not f.passed and f.severity in ("warning", "error")
            and (code is None or f.rule == code)]


# ── 1. a case review item on a row field: the row is 待复核, never unmet ──────────────────────

ROWS = ["{name: 管护面积, target: 28万亩, actual: 8万亩, weight: 20, score: 20}",
        "{name: 抚育面积, target: 21万亩, actual: 21万亩, weight: 20, score: 20}"]
ACTUAL_REVIEW = """review:
  - field: self_evaluation.indicators[0].groups[0].rows[0].actual
    value: "2810810"
    reason: 完成值也可能是 28 丢了首位数字，无法判断
"""


def test_without_the_review_item_the_row_is_unmet():
    _, _, result = _score(ROWS)
    assert result.ledger[1].outcome != "review"
    assert _alarms(result, "JX-A03"), "the unmet row given full marks is an error without a review item"


def test_a_review_item_on_a_row_field_makes_the_row_review():
    case, pack, result = _score(ROWS, ACTUAL_REVIEW)
    row = next(e for e in result.ledger if e.row == 1)
    assert row.outcome == "review" and row.points == 0
    assert "2810810" in row.explanation and "无法判断" in row.explanation
    assert not _alarms(result, "JX-A03") and not [f for f in _alarms(result, "JX-A01") if f.row == 1]
    assert result.status == "provisional"
    # the item stays listed as written, and the row is listed as 待复核 too
    sources = [(i.source, i.row) for i in result.review_items]
    assert ("case", None) in sources and ("row", 1) in sources
    # the other row is scored as before
    assert next(e for e in result.ledger if e.row == 2).outcome != "review"
    assert read_case(case, pack).linked_review == case.review


@pytest.mark.parametrize("field, linked", [
    ("self_evaluation.indicators[0].groups[0].rows[0]", True),           # the whole row
    ("self_evaluation.indicators[0].groups[0].rows[0].target", True),
    ("self_evaluation.indicators[0].groups[0].rows[0].score", False),    # a doubt about the self score only
    ("self_evaluation.indicators[0].groups[0].rows[*]", False),          # not one row
    ("self_evaluation.indicators[0]", False),                            # a block
    ("self_evaluation.indicators[0].groups[0].rows[1].actual", False),   # another row
])
def test_which_review_paths_name_a_row(field, linked):
    review = f"review:\n  - {{field: '{field}', value: x, reason: 看不清}}\n"
    _, _, result = _score(ROWS, review)
    assert (next(e for e in result.ledger if e.row == 1).outcome == "review") is linked


def test_the_corpus_case_liangping_rows_under_review():
    result = score_file(CORPUS / "chongqing-2023-liangping-lyj" / "case.yaml")
    by_row = {e.row: e for e in result.ledger if e.row is not None}
    assert [r for r, e in by_row.items() if e.outcome == "review"] == [2, 3, 4]
    assert not _alarms(result, "JX-A03") and not _alarms(result, "JX-A01")


def test_the_corpus_case_kxc_damaged_targets_are_review():
    result = score_file(CORPUS / "chongqing-2021-kxc-rongmeiti" / "case.yaml")
    by_row = {e.row: e for e in result.ledger if e.row is not None}
    assert by_row[16].outcome == "review" and by_row[17].outcome == "review"
    # never unmet or over-scored (a JX-V01 "needs review" warning is what it should say)
    assert not [f for f in _alarms(result) if f.row in (16, 17) and f.rule != "JX-V01"]


# ── 2. lower-is-better rate names (Chongqing vocabulary) ──────────────────────────────────────

def test_chongqing_damage_and_incidence_rates_are_lower_is_better():
    rows = ["{name: 森林火灾受害率, target: '0.9', actual: '0', weight: 10, score: 10}",
            "{name: 主要林业有害生物成灾率, target: '0.4', actual: '0.1', weight: 10, score: 10}",
            "{name: 安全事故发生率, target: 1%, actual: 2%, weight: 10, score: 10}"]
    _, _, result = _score(rows, pack=CHONGQING)
    points = {e.row: e.points for e in result.ledger if e.row is not None}
    assert points == {1: Decimal("10.00"), 2: Decimal("10.00"), 3: Decimal("0.00")}
    assert [f.row for f in _alarms(result, "JX-A03")] == [3]


def test_liangping_rates_are_met():
    result = score_file(CORPUS / "chongqing-2023-liangping-lyj" / "case.yaml")
    by_name = {e.item: e for e in result.ledger}
    assert by_name["森林火灾受害率"].points == by_name["森林火灾受害率"].weight
    assert by_name["主要林业有害生物成灾率"].points == by_name["主要林业有害生物成灾率"].weight


# ── 3. a budget block with a rate but unreadable amounts is there, under review ──────────────

def test_a_stated_rate_without_amounts_is_a_review_item_not_an_absent_part():
    _, _, result = _score(ROWS[1:], budget="{full_year: null, executed: null, rate: 79.27%, weight: 10, self_score: 7.93}")
    assert "budget" not in [n.part for n in result.not_checkable]
    budget = result.ledger[0]
    assert budget.item == "预算执行率" and budget.outcome == "review" and budget.points == 0
    assert not [i for i in result.review_items if i.source == "part"]
    assert not _alarms(result, "JX-E23"), "no rule score to compare a review entry's self score with"


def test_a_printed_weight_alone_is_not_a_filled_budget_block():
    _, _, result = _score(ROWS[1:], budget="{weight: 10}")
    assert "budget" in [n.part for n in result.not_checkable]


# ── 4. dates are dates ─────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("text, span", [
    ("2023年10月", (date(2023, 10, 1), date(2023, 10, 31))),
    ("2022年12月30日", (date(2022, 12, 30), date(2022, 12, 30))),
    ("2024年2月", (date(2024, 2, 1), date(2024, 2, 29))),
    ("2023年底前", (date(2023, 1, 1), date(2023, 12, 31))),
    ("2023年12月底前", (date(2023, 12, 1), date(2023, 12, 31))),
    ("12月底前", ()),        # no year: left to the quantity path (months of the year)
    ("3年", ()),            # a duration, not a year
    ("2023年2月30日", ()),  # no such day
    ("2023年13月", ()),
    ("2023.5年", ()),
])
def test_date_span(text, span):
    assert date_span(parse_value(text), DATE_UNITS) == span


def test_date_span_needs_the_pack_units():
    assert date_span(parse_value("2023年10月"), {}) == ()


@pytest.mark.parametrize("target, actual, outcome", [
    ("2023年12月", "2023年10月", "met"),
    ("2023年12月底前", "2023年12月", "met"),
    ("2022年12月30日", "2022年12月30日", "met"),
    ("2023年12月15日", "2023年12月", "review"),   # the month overlaps the day
    ("2023年10月", "2023年12月", "review"),       # late: how much to deduct is not policy here
    ("2023年12月", "95%", "review"),              # a date against a number
])
def test_deadline_rows(target, actual, outcome):
    rows = [f"{{name: 项目完工时限, target: '{target}', actual: '{actual}', weight: 15, score: 15}}"]
    _, _, result = _score(rows)
    entry = next(e for e in result.ledger if e.row == 1)
    if outcome == "met":
        assert entry.rule == "JX-S11" and entry.points == Decimal("15.00")
    else:
        assert entry.outcome == "review" and entry.points == 0
    assert not _alarms(result, "JX-A03") and not _alarms(result, "JX-A01")


def test_a_date_is_shown_as_written():
    rows = ["{name: 完成时间, target: 2022年12月30日, actual: 2022年12月30日, weight: 6, score: 5}"]
    _, _, result = _score(rows)
    (deducted,) = _alarms(result, "JX-A02")
    assert "实际完成 2022年12月30日，已达到指标值 2022年12月30日" in deducted.message


def test_linxiang_deadline_is_met():
    result = score_file(CORPUS / "national-2023-linxiang-lcj-shourongsuo" / "case.yaml")
    row = next(e for e in result.ledger if e.row == 3)
    assert row.rule == "JX-S11" and row.points == row.weight
    assert not [f for f in _alarms(result) if f.row == 3]


# ── 5. the form's budget 分值 against the pack's ───────────────────────────────────────────────

def test_a_stated_budget_weight_other_than_the_packs_is_reported_and_explained():
    _, _, result = _score(ROWS[1:], budget="{full_year: 29, executed: 27.8, weight: 9, rate: 95.86%, self_score: 8}")
    found = _alarms(result, "JX-E26")
    assert len(found) == 1 and "9 分" in found[0].message and "10 分" in found[0].message
    budget = result.ledger[0]
    assert budget.weight == Decimal("10") and "规则包规定的 10 分" in budget.explanation and "9 分" in budget.explanation


def test_the_packs_weight_on_the_form_raises_nothing():
    _, _, result = _score(ROWS[1:], budget="{full_year: 29, executed: 27.8, weight: 10, rate: 95.86%, self_score: 9.59}")
    assert not _alarms(result, "JX-E26")
    assert "规则包规定" not in result.ledger[0].explanation


def test_yuan_budget_weight():
    result = score_file(CORPUS / "national-2022-yuan-wlj-wenwu" / "case.yaml")
    assert [f.subject for f in _alarms(result, "JX-E26")] == ["预算执行率"]


# ── 12. a self score written with one decimal ──────────────────────────────────────────────────

@pytest.mark.parametrize("score, flagged", [("1.4", False), ("1.3", True), ("1.40", True), ("1", True), ("1.43", False)])
def test_self_score_checked_at_its_written_precision(score, flagged):
    # 25 / 35 × 2 = 1.43 (rounded to the pack's 2 places)
    _, _, result = _score([f"{{name: 体检户数, target: 35户, actual: 25户, weight: 2, score: {score}, reason: 部分户外出务工。}}"])
    assert bool(_alarms(result, "JX-A01")) is flagged


def test_jishan_one_decimal_rounding_is_not_flagged():
    result = score_file(CORPUS / "national-2021-jishan-zhaidian-gongwei" / "case.yaml")
    flagged = {f.subject for f in _alarms(result, "JX-A01")}
    assert not flagged & {"指标15:老年人体检数", "指标22:老年人中医药规范管理数"}
    assert "指标14:早孕建册数" in flagged  # 1 vs 1.15: written as a whole number, checked as written
