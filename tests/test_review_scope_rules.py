"""A doubted cell holds a row only where the score rule reads it (issue 12, reviewscope follow-up).

The 指标性质 cell ("定性指标" scrambled to "性标定指" in chongqing-2021-kxc-rongmeiti) feeds only
the comparison fields (engine.facts.CELL_FIELDS) unless it gives a bare quantity target its
comparator. A rule that reads none of those fields, with no rule before it that might have held
had the cell been read, scores the row; the case's review item stays listed, so the result is
still provisional."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.api import case_from_document, load_pack, matcher_for
from engine.load import load_text
from engine.score import evaluate_case
from tests.test_review_scope import CASE, ROW, _evaluate

ROOT = Path(__file__).resolve().parent.parent


def _row(result, n=1):
    return next(e for e in result.ledger if e.row == n)


def test_a_doubted_nature_cell_does_not_hold_a_qualitative_row():
    _fact, result = _evaluate("{name: 管理制度健全性, nature: 定性指标, target: 高, actual: 高, weight: 3, score: 3}",
                              ["nature"], level1="效益指标", level2="社会效益指标")
    entry = _row(result)
    assert (entry.outcome, entry.rule, str(entry.points)) == ("scored", "JX-S05", "3.00")
    assert "不读取这一单元格" in entry.explanation and ".nature" in entry.explanation
    # the item itself stays: listed once, as the case's; the result is provisional
    assert result.status == "provisional"
    assert [(i.source, i.field) for i in result.review_items] == [("case", f"{ROW}.nature")]


def test_a_doubted_nature_cell_that_gives_the_comparator_holds_the_row():
    # "≥" in 指标性质 makes the bare "95%" a lower bound: the direction itself rests on the doubted cell
    _fact, result = _evaluate("{name: 合格率, nature: '≥', target: '95%', actual: '96%', weight: 5, score: 5}",
                              ["nature"])
    assert _row(result).outcome == "review"


def test_a_doubted_nature_cell_holds_a_row_whose_rule_compares_the_numbers():
    # the target writes its own comparator, but the rule (JX-S01) reads actual against target, which
    # the nature cell feeds: not lifted
    _fact, result = _evaluate("{name: 合格率, nature: 定量指标, target: '≥95%', actual: '96%', weight: 5, score: 5}",
                              ["nature"])
    assert (_row(result).outcome, _row(result).rule) == ("review", "JX-S90")


@pytest.mark.parametrize("cell", ["target", "actual", ""])
def test_other_doubted_cells_still_hold_a_qualitative_row(cell):
    _fact, result = _evaluate("{name: 管理制度健全性, nature: 定性指标, target: 高, actual: 高, weight: 3, score: 3}",
                              [cell], level1="效益指标", level2="社会效益指标")
    assert _row(result).outcome == "review"


def test_a_row_with_its_own_doubt_is_not_lifted_by_a_nature_item():
    # the actual cannot be read for itself (a word outside the bands): the nature item does not make it scored
    _fact, result = _evaluate("{name: 管理制度健全性, nature: 定性指标, target: 高, actual: 尚可, weight: 3, score: 3}",
                              ["nature"], level1="效益指标", level2="社会效益指标")
    assert _row(result).outcome == "review"


def test_the_corpus_row_is_scored_with_its_item_listed():
    path = ROOT / "tests" / "corpus" / "chongqing-2021-kxc-rongmeiti" / "case.yaml"
    case = case_from_document(load_text(path.read_text(encoding="utf-8"), str(path)))
    pack = load_pack(ROOT / "rules" / "layout-chongqing")
    result = evaluate_case(case, pack, matcher_for(pack, "python")).result
    entry = next(e for e in result.ledger if e.item == "管理制度健全性")
    assert (entry.outcome, entry.rule) == ("scored", "JX-S05")
    assert any(i.field.endswith("rows[9].nature") for i in result.review_items)
    assert result.status == "provisional"


def test_a_doubted_completion_cell_holds_only_the_rows_judged_on_it():
    # the values compare: JX-S01 reads no 完成率, the row is scored, the item stays listed
    _fact, result = _evaluate("{name: 合格率, target: '≥95%', actual: '96%', completion: '1OO%', weight: 5, score: 5}",
                              ["completion"])
    assert (_row(result).outcome, _row(result).rule) == ("scored", "JX-S01") and result.status == "provisional"
    # nothing else to go on: the rule judging on the stated rate (JX-S72) reads the doubted cell
    _fact, result = _evaluate("{name: 服务天数, target: '', actual: '360天', completion: '100%'}", ["completion"])
    assert _row(result).outcome == "review"
