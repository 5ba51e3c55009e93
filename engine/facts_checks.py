"""Facts for checks: what a reviewer adds up and compares, as narrow flat facts.

The facts stage computes the arithmetic (sums, shares, rates, dates, differences); the pack's
check rules decide what counts as a defect, with which tolerance and severity. Nothing here
decides that a number is wrong.

Kinds (fields in `engine.facts.FACT_FIELDS`):
* `sum`          a total and its parts (funding rows, report statements and counts, cost indicators
                 vs spending, self scores vs 总分, section weights vs "(50分)", weights vs the pack,
                 the form's nested headings, a cell stating "共X元，其中A元，B元"); `incomplete` when a
                 part or the total was cut off in the filing or is a review item (not checkable);
* `share`        one stated share ("占总支出的67.03%") against amount / total;
* `share_total`  the stated shares of one statement added up, against 100%;
* `rate`         a stated 执行率 against B / A;
* `target_match` a self-evaluation row against the same row of the target table;
* `document`     case-level figures: the target table's budget and date, amounts of different
                 magnitude, whether every row got full marks, whether any deviation reason was written;
* `goal`         the 年度总体目标 cells: only an amount or the project's name, a goal speaking of an
                 earlier year, a completion copying the goal (a total with parts in them is a `sum`);
* `project_score` one project a report lists with its 自评分 and 自评等级;
* `scored_row`   an indicator row after scoring: rule score vs self score, signals, and what a
                 reviewer finds implausible (a rate above 100 % that cannot be, a maximum on an
                 output count, a row holding most of its block's points, a row under an unlikely
                 二级指标) (built by `scored_row_facts`, after the score stage);
* `scored_budget` the budget row after scoring: 执行数 vs 预算数, its own 得分 vs the rule's;
* `filing`       the whole filing after scoring: stated 自评总分 vs rule total, rows by outcome.

The budget row's own fact (`engine.facts.budget_fact`) carries its adjustment and its "其中"
funding rows; a pack that does not score the budget row still gets it here, for its checks.

Every word list used here is the pack's vocabulary (`survey_words`, `level2_classes`,
`name_classes`, `bounded_rates`, `adjustment_words`, `parts_words`); every tolerance a pack parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from .case import Case
from .decimals import D, fmt, round_half_up, truncate
from .errors import parse_path
from .facts import Fact, _strip, budget_fact, budget_of, class_of, folded, funding_rows, has_reason, numbered_name, report_text, section_of
from .facts_grades import item_grade_facts
from .facts_header import header_facts
from .values import in_base_unit, notation_for, parse_value

HUNDRED = Decimal(100)


# The patterns below that only some cases use are compiled on first use, not at import.
@lru_cache(maxsize=None)
def _name_unit_pattern() -> re.Pattern:
    return re.compile(r"[（(][^（()）]{1,6}[)）]\s*$")


_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")

#: What the words of a check are called in the pack's vocabulary, per fact field that uses them
#: (lint reports a rule testing such a field when its pack leaves the list empty).
FIELD_VOCABULARY: dict[str, str] = {
    "survey_mentioned": "survey_words",
    "level2_class": "level2_classes",
    "name_class": "name_classes",
    "level2_unlikely": "name_classes",
    "bounded_rate": "bounded_rates",
    "adjustment_explained": "adjustment_words",
    "level1_unlikely": "section_by_level2",
    "amount_as_output": "amount_units",
    "template": "placeholder_texts",
    "template_rows": "template_row_names",
    "numbered_names": "template_name_prefixes",
    "target_vague": "vague_targets",
    "claims_complete": "completion_claims",
    "claimed_full": "budget_rate_words",
    "not_an_indicator": "not_indicator_words",
    "affirms_target": "target_affirmations",
    "amount_named_rate": "amount_measure_names",
    "restated_projection": "projection_names",
    "expected_arrangement_only": "goal_arrangement_words",
}

def template_text(text: str, vocabulary: dict) -> str | None:
    """The pack's template wording (`placeholder_texts`) the text holds, or None."""
    cell = folded(text)
    if not cell:
        return None
    return next((t for t, wording in _folded_wordings(vocabulary.get("placeholder_texts")) if wording in cell), None)


_FOLDED_WORDINGS: dict[tuple, tuple] = {}  # a pack's word list -> its (text, folded text) pairs


def _folded_wordings(texts) -> tuple[tuple[str, str], ...]:
    """(text, folded(text)) of each non-empty text of a pack's word list, folded once per list
    (template_text asks for every cell of every case, and a pack's list is the same each time)."""
    if not texts:
        return ()
    key = tuple(texts)
    pairs = _FOLDED_WORDINGS.get(key)
    if pairs is None:
        if len(_FOLDED_WORDINGS) >= 64:
            _FOLDED_WORDINGS.clear()
        pairs = _FOLDED_WORDINGS[key] = tuple((t, folded(t)) for t in texts if t)
    return pairs


def _places(text: str) -> int:
    """Decimals as written in a percentage: "95%" -> 0, "94.62%" -> 2."""
    m = re.search(r"[0-9]+(?:\.([0-9]+))?", text or "")
    return len(m.group(1) or "") if m else 0


class _Ids:
    """Fact ids unique within one case (the matchers require it)."""

    def __init__(self, start: int) -> None:
        self.next = start

    def __call__(self) -> int:
        self.next += 1
        return self.next


def _pct(value: Decimal | None) -> str:
    """A percentage for messages; a value already rounded to the pack's places keeps them
    (80.00%), so a computed share reads like the stated one it is compared with."""
    return "" if value is None else f"{value}%"


def _sum_fact(ids: _Ids, check: str, subject: str, total, parts: list, section: str = "",
              incomplete: bool = False) -> Fact | None:
    """A total against its parts; None when there is nothing to add up. `incomplete`: some parts
    (or the total) were not stored in the filing or are review items, so the sum cannot be
    checked (the pack reports it as such, never as a mismatch)."""
    amounts = [D(p) for p in parts if p is not None]
    if total is None or not amounts:
        return None
    total = D(total)
    parts_sum = sum(amounts, Decimal(0))
    diff = parts_sum - total
    fields = {
        "kind": "sum", "id": ids(), "check": check, "total": total, "parts_sum": parts_sum,
        "diff": diff, "abs_diff": abs(diff), "parts": len(amounts), "incomplete": incomplete,
    }
    display = {
        "subject": subject, "total": fmt(total), "parts_sum": fmt(parts_sum), "diff": fmt(diff),
        "abs_diff": fmt(abs(diff)), "parts_text": " + ".join(fmt(a) for a in amounts), "check": check,
    }
    return Fact(kind="sum", id=fields["id"], fields=fields, section=section, item=subject, describe=display)


def _funding_facts(case: Case, ids: _Ids) -> list[Fact]:
    data = case.data
    out = []
    tt_budget = (data.get("target_table") or {}).get("budget") or {}
    for key, label in (("by_income", "按收入性质分"), ("by_spending", "按支出性质分")):
        rows = tt_budget.get(key) or []
        out.append(_sum_fact(ids, f"target_{key}", f"绩效目标表资金总额（{label}）", tt_budget.get("total"),
                             [r.get("amount") for r in rows]))
        se_rows = ((data.get("self_evaluation") or {}).get("funding") or {}).get(key) or []
        out.append(_sum_fact(ids, f"funding_{key}", f"自评表全年预算数（{label}）", case.budget.full_year,
                             [r.get("amount") for r in se_rows]))
    # the "其中" funding rows (财政拨款 / 上年结转 / 其他资金) against the budget row, column by column;
    # a blank cell is no part (nothing stated), a blank total nothing to compare with
    rows = funding_rows(case)
    label = case.budget.label.strip() or "预算执行率"
    for column, title in (("initial", "年初预算数"), ("full_year", "全年预算数"), ("executed", "全年执行数")):
        out.append(_sum_fact(ids, f"funding_rows_{column}", f"“{label}”{title}与“其中”各资金行之和",
                             getattr(case.budget, column), [r.get(column) for r in rows],
                             incomplete=_unsure(case).budget))
    return [f for f in out if f]


def _statements(case: Case) -> list[dict]:
    return list(((case.data.get("report") or {}).get("statements")) or [])


def _statement_facts(case: Case, ids: _Ids, places: int) -> list[Fact]:
    out: list[Fact] = []
    for st in _statements(case):
        topic = st.get("topic", "")
        items = st.get("items") or []
        total = st.get("total")
        amounts = [i.get("amount") for i in items]
        fact = _sum_fact(ids, "statement", f"报告“{topic}”各项之和", total, amounts,
                         incomplete=bool(st.get("truncated")))
        # one named part ("985万元（含结转项目50万元）") is not a breakdown: only a part larger than
        # its whole is a mismatch
        if fact and (fact.fields["parts"] > 1 or fact.fields["diff"] > 0):
            out.append(fact)
        stated_shares = []
        for item in items:
            share = parse_value(str(item.get("share") or "")) if item.get("share") not in (None, "") else None
            if share is None:
                continue
            if share.kind != "quantity" or share.unit != "%" or item.get("amount") is None or not total:
                continue
            stated = share.number
            stated_shares.append(stated)
            computed_exact = D(item["amount"]) / D(total) * HUNDRED
            computed = round_half_up(computed_exact, places)
            diff = stated - computed
            fid = ids()
            fields = {
                "kind": "share", "id": fid, "stated": stated, "computed": computed, "diff": diff,
                "abs_diff": abs(diff), "amount": D(item["amount"]), "total": D(total),
                "stated_places": _places(str(item.get("share"))), "exact_abs_diff": abs(stated - computed_exact),
            }
            display = {
                "statement": topic, "item": item.get("name", ""), "stated": _pct(stated),
                "computed": _pct(computed), "amount": fmt(D(item["amount"])), "total": fmt(D(total)),
                "diff": fmt(diff), "abs_diff": fmt(abs(diff)), "share_text": str(item.get("share")),
            }
            out.append(Fact(kind="share", id=fid, fields=fields, section="", item=f"{topic}·{item.get('name', '')}",
                            describe=display))
        if stated_shares:
            stated_sum = sum(stated_shares, Decimal(0))
            fid = ids()
            fields = {"kind": "share_total", "id": fid, "stated_sum": stated_sum, "diff": stated_sum - HUNDRED,
                      "abs_diff": abs(stated_sum - HUNDRED), "shares": len(stated_shares)}
            display = {"statement": topic, "stated_sum": _pct(stated_sum), "diff": fmt(stated_sum - HUNDRED),
                       "shares_text": " + ".join(_pct(s) for s in stated_shares)}
            out.append(Fact(kind="share_total", id=fid, fields=fields, section="", item=f"{topic}·占比合计",
                            describe=display))
    return out


def _cost_rows(case: Case, vocabulary: dict):
    classes = vocabulary.get("level2_classes") or {"成本": ["成本"]}
    return [r for r in case.rows if class_of(r.level2, classes) == "成本"]


def _actual_amount(text: str, vocabulary: dict) -> Decimal | None:
    value = parse_value(text, notation_for(vocabulary), "actual")
    if value.kind == "quantity" and value.unit == "万元" and not value.uncertain:
        return value.number
    return None


def _cost_facts(case: Case, ids: _Ids, vocabulary: dict) -> list[Fact]:
    out = []
    cost = _cost_rows(case, vocabulary)
    amounts = [_actual_amount(r.actual, vocabulary) for r in cost]
    if cost and all(a is not None for a in amounts):
        out.append(_sum_fact(ids, "cost_vs_spending", "成本指标实际完成值之和与全年执行数", case.budget.executed, amounts))
    by_name = {r.name: _actual_amount(r.actual, vocabulary) for r in cost}
    for st in _statements(case):
        for item in st.get("items") or []:
            names = item.get("includes") or []
            if not names or item.get("amount") is None:
                continue
            parts = [by_name.get(n) for n in names]
            if any(p is None for p in parts):
                continue  # a named category with no cost indicator: nothing to add up
            out.append(_sum_fact(ids, "includes", f"报告“{item.get('name', '')}”（{'、'.join(names)}）与对应成本指标之和",
                                 item["amount"], parts))
    return [f for f in out if f]


@lru_cache(maxsize=None)  # compiled on first use (a case with review items), not at import
def _review_path_pattern() -> re.Pattern:
    return re.compile(r"self_evaluation\.indicators(?:\[(\d+|\*)\])?(.*)$")


@lru_cache(maxsize=None)
def _whole_part_pattern() -> re.Pattern:
    return re.compile(r"(?:\.groups(?:\[[^\]]*\])?)?(?:\.rows(?:\[[^\]]*\])?)?(?:\.children(?:\[[^\]]*\])?)?$")


@dataclass
class _Unsure:
    """What the case's `review:` items say was not stored or not read for sure, as far as sums
    go: the weights and self scores of indicator blocks (block index, "*" for all), the stated
    total row, the budget row. A cell-level item (a target, a level-2 name) touches no sum."""

    weights: set = field(default_factory=set)
    scores: set = field(default_factory=set)
    total: bool = False
    budget: bool = False

    row_paths: set = field(default_factory=set)  # rows named one by one (cut off mid-row, merged cells)

    def rows(self, which: set, rows) -> bool:
        return "*" in which or any(str(r.path[2]) in which for r in rows)


def _unsure(case: Case) -> _Unsure:
    out = _Unsure()
    for item in case.review:
        path = item.field.strip()
        if path == "self_evaluation":  # the table broke off somewhere: nothing in it adds up for sure
            out.weights.add("*"), out.scores.add("*")
            out.total = True
        elif path.startswith("self_evaluation.total"):
            out.total = True
        elif path.startswith(("self_evaluation.budget", "self_evaluation.funding")):
            out.budget = True
        else:
            m = _review_path_pattern().match(path)
            if m is None:
                continue
            block, rest = m.group(1) or "*", m.group(2)
            row = re.fullmatch(r"\.groups\[(\d+)\]\.rows\[(\d+)\]", rest)  # a row as a whole, not one cell
            if row is not None and block != "*":
                out.row_paths.add((int(block), int(row.group(1)), int(row.group(2))))
            if rest.endswith(".score"):
                out.scores.add(block)
            elif rest.endswith(".weight"):
                out.weights.add(block)
            elif _whole_part_pattern().fullmatch(rest):  # a block, group or row as a whole (cut off, merged cells)
                out.weights.add(block), out.scores.add(block)
    return out


_NOTE_HEADING = re.compile(r"^(?P<name>.*?)[(（]\s*(?P<points>\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", _strip(text or ""))


def _heading_facts(case: Case, ids: _Ids, unsure: _Unsure) -> list[Fact]:
    """A heading the form writes above its level-1 blocks ("年度绩效目标(80分)" in `weights_note`,
    followed there by "产出指标(60分); 效益指标(40分)") against the blocks' stated points. Only a
    note that lists the headings one by one, in form order, is read; anything else is left alone."""
    se = case.data.get("self_evaluation") or {}
    blocks = {_bare(b.get("label") or b.get("level1") or ""): b for b in se.get("indicators") or []}
    blocks.update({_bare(b.get("level1") or ""): b for b in se.get("indicators") or []})
    blocks.pop("", None)
    headings = []
    for piece in re.split(r"[;；]", case.weights_note or ""):
        m = _NOTE_HEADING.match(piece.strip())
        if m is None:
            return []  # a note in other words: not read
        headings.append((m.group("name").strip(), D(m.group("points"))))
    out = []
    for i, (name, points) in enumerate(headings):
        if _bare(name) in blocks:
            continue
        children = []
        for child, child_points in headings[i + 1:]:
            block = blocks.get(_bare(child))
            if block is None or block.get("points") is None or D(block["points"]) != child_points:
                break
            children.append(child_points)
        if children:
            out.append(_sum_fact(ids, "section_points", f"“{name}({fmt(points)}分)”下各一级指标标题分值之和", points,
                                 children, incomplete="*" in unsure.weights))
    return [f for f in out if f]


def _bound_missing_scores(fact: Fact, case: Case, pack, scored_rows) -> None:
    """Self scores with rows cut off: even at full marks the missing rows can add at most the
    points not held by the rows that are there (the form's total points, else the pack's, less
    their weights). A stated 自评总分 above that bound is a mismatch for sure (98 against at most
    84 + 10), and the sum is checkable again."""
    counted = [(case.budget.self_score, case.budget.weight)] + [(r.score, r.weight) for r in scored_rows]
    counted = [(score, weight) for score, weight in counted if score is not None]
    if any(weight is None for _, weight in counted):
        return
    points = case.stated_total_weight if case.stated_total_weight is not None else pack.total
    missing = points - sum((weight for _, weight in counted), Decimal(0))
    if missing < 0:
        return
    limit = fact.fields["parts_sum"] + missing
    if fact.fields["total"] > limit + D(pack.params.get("sum_tolerance", 0)):
        fact.fields["incomplete"] = False
        fact.display["parts_text"] += f"（未存储的部分即使满分也只有 {fmt(missing)} 分，合计至多 {fmt(limit)}）"


def _score_sum_facts(case: Case, ids: _Ids, pack) -> list[Fact]:
    out = []
    se = case.data.get("self_evaluation") or {}
    unsure = _unsure(case)
    # "其中" rows that state their own points count with them (the form gives them points)
    scored_rows = [r for r in case.all_rows if r.parent is None or r.score is not None]
    weighted_rows = [r for r in case.all_rows if r.parent is None or r.weight is not None]
    self_scores = [case.budget.self_score] + [r.score for r in scored_rows]
    # a sum over the whole table: any block or row not read for sure leaves it open
    fact = _sum_fact(ids, "self_scores_vs_total", "各项自评得分之和与自评总分", case.stated_total_score, self_scores,
                     incomplete=unsure.total or unsure.budget or bool(unsure.scores))
    if fact is not None and fact.fields["incomplete"] and not unsure.total:
        _bound_missing_scores(fact, case, pack, scored_rows)
    out.append(fact)
    # Row weights add up only when every filled row states one: a form whose weights stand in its
    # headings (20+80, weights shared by the pack) has nothing to add up row by row.
    unweighted = any(r.weight is None and (r.target.strip() or r.actual.strip()) for r in case.rows)
    out.extend(_heading_facts(case, ids, unsure))
    if unweighted:
        # weights only in the headings: the budget row's and the blocks' stated points add up to the
        # pack's total (20 + 60 + 40 = 120 on a 100-point form is an overflow the form states itself)
        blocks = se.get("indicators") or []
        points = [b.get("points") for b in blocks]
        if (blocks and all(p is not None for p in points) and "budget" in case.parts
                and case.budget.weight is not None):
            out.append(_sum_fact(ids, "weights_vs_pack", f"预算执行与各一级指标标题分值之和与规则包满分 {fmt(pack.total)}",
                                 pack.total, [case.budget.weight, *points],
                                 incomplete=unsure.budget or "*" in unsure.weights))  # headings stand even in a cut-off block
        return [f for f in out if f]
    weights = [case.budget.weight] + [r.weight for r in weighted_rows]
    all_weights_unsure = unsure.budget or bool(unsure.weights)
    out.append(_sum_fact(ids, "weights_vs_stated_total", "各项分值之和与表上总分值", case.stated_total_weight, weights,
                         incomplete=unsure.total or all_weights_unsure))
    if "budget" in case.parts and "indicators" in case.parts:  # a part missing: its points cannot be added
        out.append(_sum_fact(ids, "weights_vs_pack", f"各项分值之和与规则包满分 {fmt(pack.total)}", pack.total, weights,
                             incomplete=all_weights_unsure))
    for i, block in enumerate(se.get("indicators") or []):
        points = block.get("points")
        rows = [r for r in weighted_rows if r.path[2] == i]
        out.append(_sum_fact(ids, "section_points", f"“{block.get('label') or block.get('level1')}”各行分值之和",
                             points, [r.weight for r in rows],
                             incomplete="*" in unsure.weights or str(i) in unsure.weights or unsure.rows(unsure.weights, rows)))
    for section in pack.sections:
        if not section.level1:
            if case.budget.weight is not None and "budget" in case.parts:  # the budget row's 分值 (9 where 10 is due)
                out.append(_sum_fact(ids, "section_vs_pack", f"“{section.title}”分值与规则包规定的 {fmt(section.weight)} 分",
                                     section.weight, [case.budget.weight], section=section.key,
                                     incomplete=unsure.budget))
            continue
        rows = [r for r in weighted_rows if section_of(r, pack) == section.key]
        out.append(_sum_fact(ids, "section_vs_pack", f"“{section.title}”各行分值之和与规则包规定的 {fmt(section.weight)} 分",
                             section.weight if rows else None, [r.weight for r in rows], section=section.key,
                             incomplete=unsure.rows(unsure.weights, rows)))
    allocation = se.get("allocation") or {}
    for level1, points in allocation.items():
        rows = [r for r in weighted_rows if r.level1 == level1]
        out.append(_sum_fact(ids, "section_vs_note", f"“{level1}”各行分值之和与表注所述 {fmt(D(points))} 分",
                             points if rows else None, [r.weight for r in rows],
                             incomplete=unsure.rows(unsure.weights, rows)))
    return [f for f in out if f]


def _children_facts(case: Case, ids: _Ids, vocabulary: dict) -> list[Fact]:
    """"其中" rows (jixiao-case/2 `children`) against their parent row: targets and actuals that
    the parts state, added up in the parent's unit (converted by the pack's table). Parts in
    units that do not convert to the parent's are a fact of their own (`mixed_units`)."""
    notation = notation_for(vocabulary)
    out: list[Fact] = []
    se = case.data.get("self_evaluation") or {}
    for block in se.get("indicators") or []:
        for group in block.get("groups") or []:
            for row in group.get("rows") or []:
                children = row.get("children") or []
                if not children:
                    continue
                name = str(row.get("name", ""))
                for key, label in (("target", "指标值"), ("actual", "实际完成值")):
                    parent = parse_value(str(row.get(key) or ""), notation, key)
                    parts = [parse_value(str(c.get(key) or ""), notation, key) for c in children]
                    if parent.kind != "quantity" or parent.uncertain or not parts or any(
                            p.kind != "quantity" or p.uncertain for p in parts):
                        continue
                    dimension, total = in_base_unit(parent.quantities[0], notation)
                    based = [in_base_unit(p.quantities[0], notation) for p in parts]
                    subject = f"“{name}”的“其中”各项{label}之和"
                    if any(d != dimension and d and dimension for d, _ in based):
                        fid = ids()
                        fields = {"kind": "sum", "id": fid, "check": f"children_{key}", "mixed_units": True,
                                  "parts": len(parts), "incomplete": False}
                        display = {"subject": subject, "check": f"children_{key}", "total": str(row.get(key)),
                                   "parts_text": " + ".join(str(c.get(key)) for c in children)}
                        out.append(Fact(kind="sum", id=fid, fields=fields, section="", item=subject, describe=display))
                        continue
                    fact = _sum_fact(ids, f"children_{key}", subject, total, [n for _, n in based])
                    if fact is not None and len(parts) == 1 and fact.fields["diff"] <= 0:
                        fact = None  # one "其中" row is a part of its parent, not a breakdown of it
                    if fact is not None:
                        fact.fields["mixed_units"] = False
                        q = parent.quantities[0]
                        factor = (notation.conversions.get(q.unit) or ("", Decimal(1)))[1]
                        in_parent_unit = (fact.fields["parts_sum"] / factor).normalize()
                        fact.display.update({"total": str(row.get(key)),  # as written, not in base units
                                             "parts_sum": f"{fmt(in_parent_unit)}{q.written_unit}",
                                             "parts_text": " + ".join(str(c.get(key)) for c in children)})
                        out.append(fact)
    return out


def _rate_facts(case: Case, ids: _Ids, places: int, vocabulary: dict) -> list[Fact]:
    b, _ = budget_of(case, vocabulary)
    if b.executed is None or not b.full_year:
        return []
    computed = round_half_up(b.executed / b.full_year * HUNDRED, places)
    out = []
    report_rate = (case.data.get("report") or {}).get("execution_rate")
    for source, text in (("自评表", b.rate), ("自评报告", report_rate)):
        if not text:
            continue
        value = parse_value(str(text), notation_for(vocabulary))
        if value.kind != "quantity" or value.comparator or value.uncertain or value.unit not in ("%", ""):
            continue
        if value.unit == "" and 0 < value.number <= 1:
            continue  # a bare "0.95" or "1" in the 执行率 column: a fraction or a percent, not known
        diff = value.number - computed
        fid = ids()
        fields = {"kind": "rate", "id": fid, "stated": value.number, "computed": computed, "diff": diff,
                  "abs_diff": abs(diff), "stated_places": _places(str(text)),
                  "exact_abs_diff": abs(value.number - b.executed / b.full_year * HUNDRED),
                  # |stated − B / A cut (not rounded) to the stated decimals|: 0 when the form truncated
                  "truncated_abs_diff": abs(value.number - truncate(b.executed / b.full_year * HUNDRED,
                                                                    _places(str(text))))}
        display = {"source": source, "stated": _pct(value.number), "computed": _pct(computed),
                   "executed": fmt(b.executed), "full_year": fmt(b.full_year), "diff": fmt(diff),
                   "name": case.budget.label.strip() or "预算执行率"}
        item = "预算执行率" if source == "自评表" else f"{source}执行率"  # the table's own row is 预算执行率
        out.append(Fact(kind="rate", id=fid, fields=fields, section="", item=item, describe=display))
    return out


def _target_match_facts(case: Case, ids: _Ids, vocabulary: dict) -> list[Fact]:
    """Each self-evaluation row against the target-table row of the same name (the k-th
    occurrence of a name matches the k-th occurrence: 人员保障 is both a count and a cost)."""
    if not case.target_rows:
        return []
    seen: dict[str, int] = {}
    table: dict[tuple[str, int], object] = {}
    for t in case.target_rows:
        k = seen.get(t.name, 0)
        table[(t.name, k)] = t
        seen[t.name] = k + 1
    seen = {}
    out = []
    for row in case.rows:
        k = seen.get(row.name, 0)
        seen[row.name] = k + 1
        if row.name.strip() in (vocabulary.get("not_applicable") or ("无", "/", "／")):
            continue
        t = table.get((row.name, k))
        fid = ids()
        fields = {"kind": "target_match", "id": fid, "row": row.number, "found": t is not None}
        if t is not None:
            fields["same_target"] = t.target.strip() == row.target.strip()
            a, b = parse_value(t.target, notation_for(vocabulary)), parse_value(row.target, notation_for(vocabulary))
            if a.quantities and b.quantities and len(a.quantities) == len(b.quantities):
                fields["same_unit"] = all(x.written_unit == y.written_unit for x, y in zip(a.quantities, b.quantities))
                fields["same_number"] = all(x.number == y.number for x, y in zip(a.quantities, b.quantities))
        out.append(Fact(kind="target_match", id=fid, fields=fields, section="", item=row.name, row=row,
                        describe=lambda row=row, t=t: _target_match_display(row, t)))
    return out


def _target_match_display(row, t) -> dict:
    display = {"name": row.name, "row": str(row.number), "target": row.target, "table_target": t.target if t else ""}
    if t is not None:
        a, b = parse_value(t.target), parse_value(row.target)
        if a.quantities and b.quantities and len(a.quantities) == len(b.quantities):
            display["table_unit"] = "、".join(q.written_unit for q in a.quantities)
            display["unit"] = "、".join(q.written_unit for q in b.quantities)
    return display


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    m = _DATE.search(str(text))
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _document_fact(case: Case, ids: _Ids, places: int, vocabulary: dict, pack_total=None) -> Fact:
    tt = case.data.get("target_table") or {}
    b, _ = budget_of(case, vocabulary)
    fid = ids()
    fields: dict = {"kind": "document", "id": fid, "year": case.year, "initial": b.initial,
                    "full_year": b.full_year, "executed": b.executed}
    display = {"unit": case.unit, "year": "" if case.year is None else str(case.year), "initial": fmt(b.initial), "full_year": fmt(b.full_year)}
    target_budget = (tt.get("budget") or {}).get("total")
    if target_budget is not None:
        fields["target_budget"] = D(target_budget)
        display["target_budget"] = fmt(D(target_budget))
        if b.initial is not None:
            fields["target_budget_diff"] = D(target_budget) - b.initial
            fields["target_budget_abs_diff"] = abs(D(target_budget) - b.initial)
            display["target_budget_diff"] = fmt(D(target_budget) - b.initial)
    dated = parse_date(tt.get("date"))
    display["target_date"] = str(tt.get("date") or "")
    if dated is not None and case.year is not None:
        fields["target_date_days_into_year"] = (dated - date(case.year, 1, 1)).days
        display["target_date_iso"] = dated.isoformat()
        display["target_date_days_into_year"] = str(fields["target_date_days_into_year"])
    # the earlier of the filing's publication date and its table's 填报日期: either one before the year
    # closed means the figures are not the year's
    dates = [(d, how, text.strip()) for d, how, text in ((parse_date(case.published), "公开", case.published),
                                                         (parse_date(case.filed), "填报", case.filed)) if d]
    if dates and case.year is not None:
        published, how, text = min(dates, key=lambda d: d[0])
        # 0: on the budget year's last day (the year not yet closed); negative: earlier
        fields["published_days_after_year_end"] = (published - date(case.year, 12, 31)).days
        display.update({"published": text, "published_how": how, "published_iso": published.isoformat(),
                        "year_end": date(case.year, 12, 31).isoformat(),
                        "published_days_before_year_end": str((date(case.year, 12, 31) - published).days)})
    money = [a for a in (b.initial, b.full_year, b.executed,
                         D(target_budget) if target_budget is not None else None) if a is not None and a > 0]
    if len(money) > 1:
        fields["money_ratio"] = max(money) / min(money)
        display["money_figures"] = "、".join(fmt(a) for a in money)
    scored = [r for r in case.rows if r.weight]
    fields["rows"] = len(scored)
    fields["all_full_marks"] = _all_full_marks(case, scored, pack_total)
    se = case.data.get("self_evaluation") or {}
    table_reasons = [str(se.get(k) or "") for k in ("problems", "measures")]  # one cell for the whole table
    fields["any_reason"] = any(has_reason(t, vocabulary) for t in [*(r.reason for r in case.rows), *table_reasons])
    fields["survey_mentioned"] = survey_mentioned(case, vocabulary)
    leftovers = set(vocabulary.get("template_row_names") or ())
    template_rows = [r for r in case.rows if r.name.strip() in leftovers
                     or numbered_name(r.name, vocabulary) and not _has_content(r, vocabulary)]
    marks = [m for m in vocabulary.get("template_name_marks") or () if m]
    numbered = [r for r in case.rows if numbered_name(r.name, vocabulary) or any(m in r.name for m in marks)]
    notation = notation_for(vocabulary)
    filled = [r for r in case.rows if r.actual.strip()]
    copied = [r for r in filled if r.actual.strip() == r.target.strip()
              and parse_value(r.actual, notation, "actual").comparator is not None]
    fields["copied_rows"] = len(copied)
    if filled:
        fields["copied_share"] = Decimal(len(copied)) / Decimal(len(filled))
    if copied:
        display["copied_rows"] = str(len(copied))
    display["copied_rows_text"] = "、".join(f"“{r.name.strip()}”" for r in copied[:4]) + (" 等" if len(copied) > 4 else "")
    fields["template_rows"] = len(template_rows)
    fields["numbered_names"] = len(numbered)
    display["template_rows"] = "、".join(f"第 {r.number} 行“{r.name.strip()}”" for r in template_rows[:6]) + (
        f" 等 {len(template_rows)} 行" if len(template_rows) > 6 else "")
    display["numbered_names"] = "、".join(f"“{r.name.strip()}”" for r in numbered[:4]) + (
        f" 等 {len(numbered)} 个" if len(numbered) > 4 else "")
    return Fact(kind="document", id=fid, fields=fields, section="", item="整份材料", describe=display)


def _has_content(row, vocabulary: dict) -> bool:
    """A row holding something besides its name: a value, a weight or a score (a bare "指标2:"
    left from the template holds nothing; "指标1:/" only the template's not-applicable mark)."""
    marks = set(vocabulary.get("placeholder_names") or ())
    name = re.sub(r"^\D*[0-9０-９]+[:：]?", "", row.name.strip())
    cells = [c.strip() for c in (name, row.target, row.actual)]
    return row.weight is not None or row.score is not None or any(c and c not in marks for c in cells)


def _all_full_marks(case: Case, scored: list, pack_total) -> bool:
    """Did the department give every indicator full marks? Rows with their own weight: every
    one scored at it (the budget row is not an indicator). A form whose rows carry no weight
    (weights only in headings): its stated 自评总分 is the form's maximum."""
    rows = [r for r in scored if r.score is not None]
    if rows:
        return all(r.score == r.weight for r in rows)
    stated, maximum = case.stated_total_score, case.stated_total_weight or pack_total
    return stated is not None and maximum is not None and stated >= maximum


def survey_mentioned(case: Case, vocabulary: dict) -> bool:
    """Does the report or any deviation reason mention a survey (the pack's `survey_words`)?"""
    text = report_text(case.data.get("report") or {}) + "\n".join(r.reason for r in case.rows)
    return any(word and word in text for word in vocabulary.get("survey_words") or ())


@lru_cache(maxsize=None)  # compiled on first use (funding text), not at import
def _amount_pattern() -> re.Pattern:
    return re.compile(r"(\d+(?:\.\d+)?)\s*(亿元|万元|元)")


_SEPARATORS = ",，、;；。:：\n "
_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:[-—–~至到]\s*((?:19|20)\d{2})\s*)?年")


def _cell_parts(text: str, words: tuple) -> tuple[Decimal, list[Decimal], str, str] | None:
    """A cell that states a total and its parts: "共申请预算资金2026400元,其中村级组织运转400000元,
    …,村级工作目标奖励100000元。" -> (total, parts, total as written, parts as written), all in
    the one money unit the cell writes. Read only when it is a plain list: the total is the
    amount right before the parts word, and every amount after it (to the end of the sentence)
    closes its item ("30000元每年每人" is a rate, not a part: the cell is left alone)."""
    for word in words:
        at = text.find(word) if word else -1
        if at < 0:
            continue
        before = text[:at].rstrip(_SEPARATORS)
        totals = list(_amount_pattern().finditer(before))
        if not totals or totals[-1].end() != len(before):
            return None
        tail = text[at + len(word):]
        end = tail.find("。")
        tail = tail if end < 0 else tail[:end]
        amounts = list(_amount_pattern().finditer(tail))
        if len(amounts) < 2:
            return None
        for m in amounts:
            rest = tail[m.end():]
            if rest and rest[0] not in _SEPARATORS:
                return None
        unit = totals[-1].group(2)
        if any(m.group(2) != unit for m in amounts):
            return None  # amounts in several money units: not added up here
        return (D(totals[-1].group(1)), [D(m.group(1)) for m in amounts], totals[-1].group(0),
                " + ".join(m.group(0) for m in amounts))
    return None


def _goal_facts(case: Case, ids: _Ids, vocabulary: dict) -> list[Fact]:
    """The 年度总体目标 cells: a total with its parts written in the text, and what makes the goal
    no goal (only an amount, the project's name), a goal speaking of another year, an actual that
    copies the goal word for word."""
    goal = (case.data.get("self_evaluation") or {}).get("goal") or {}
    expected, actual = str(goal.get("expected") or "").strip(), str(goal.get("actual") or "").strip()
    if not expected and not actual:
        return []
    notation = notation_for(vocabulary)
    label = str(goal.get("label") or "").strip() or "年度总体目标"
    out: list[Fact] = []
    words = tuple(vocabulary.get("parts_words") or ())
    for cell, title in ((expected, "预期目标"), (actual, "实际完成情况")):
        found = _cell_parts(cell, words)
        if found is None:
            continue
        total, parts, total_text, parts_text = found
        fact = _sum_fact(ids, "goal_parts", f"“{label}”{title}所列各项之和", total, parts)
        unit = _amount_pattern().search(total_text).group(2)
        fact.display.update({"total": total_text, "parts_text": parts_text,
                             "parts_sum": f"{fact.display['parts_sum']}{unit}", "diff": f"{fact.display['diff']}{unit}"})
        out.append(fact)
    fid = ids()
    value = parse_value(expected, notation, "target") if expected else None
    project = case.project.strip()
    bare_project = re.sub(r"^[0-9A-Za-z]+[-－—]", "", project)
    years = []
    for m in _YEAR.finditer(expected):
        first = int(m.group(1))
        years.append((first, int(m.group(2)) if m.group(2) else first))
    fields = {
        "kind": "goal", "id": fid,
        "expected_blank": not expected,
        "expected_amount_only": bool(value is not None and value.kind == "quantity" and not value.uncertain
                                     and not value.comparator and value.unit in ("", "元", "万元", "亿元")),
        "expected_is_project": bool(expected) and len(expected) >= 4 and bool(project) and (
            expected == project or expected in project or expected == bare_project),
        "actual_copies_expected": bool(expected) and actual == expected,
        # how the money is set and who pays it ("补贴标准按照…确定，不足部分由市级财政配套补足"), with no
        # figure and none of the words that state something to achieve (the pack's two lists); not said
        # of a 预期目标 the case's review: list names (cut off, unsure: the aim may be in what is missing)
        "expected_arrangement_only": bool(expected) and not re.search(r"[0-9０-９]", expected)
        and not any(item.field.strip() in ("self_evaluation.goal", "self_evaluation.goal.expected") for item in case.review)
        and any(w and w in expected for w in vocabulary.get("goal_arrangement_words") or ())
        and not any(w and w in expected for w in vocabulary.get("goal_target_words") or ()),
    }
    if years and case.year is not None:
        fields["other_year"] = not any(a <= case.year <= b for a, b in years) and min(a for a, _ in years) < case.year
    display = {"name": label, "label": label, "expected": expected, "actual": actual, "project": project,
               "year": "" if case.year is None else str(case.year),
               "goal_years": "、".join(f"{a}年" if a == b else f"{a}—{b}年" for a, b in years)}
    out.append(Fact(kind="goal", id=fid, fields=fields, section="", item=label, describe=display))
    return out


def _count_facts(case: Case, ids: _Ids) -> list[Fact]:
    """Counts a report states ("实施项目共15个") against their parts ("年初8个 + 年中增加8个") and
    against the names it lists. An open list ("…等28个") or a list the text breaks off is no
    count of its names; "含…" parts are inside others and are not added."""
    out: list[Fact] = []
    for c in ((case.data.get("report") or {}).get("counts")) or []:
        count = c.get("count")
        if count is None:
            continue
        topic, unit = str(c.get("topic", "")), str(c.get("unit") or "")
        stated = f"{topic}共{fmt(D(count))}{unit}"
        parts = [p.get("count") for p in c.get("parts") or [] if p.get("count") is not None]
        if len(parts) > 1:
            fact = _sum_fact(ids, "count_parts", f"报告“{stated}”各分项个数之和", count, parts,
                             incomplete=bool(c.get("truncated")))
            if fact is not None:
                fact.display["parts_text"] = " + ".join(
                    f"{p.get('name', '')}{fmt(D(p['count']))}{unit}" for p in c.get("parts") if p.get("count") is not None)
                out.append(fact)
        items = c.get("items") or []
        if items and not c.get("open_list"):
            fact = _sum_fact(ids, "count_items", f"报告“{stated}”所列名称个数", count, [1] * len(items),
                             incomplete=bool(c.get("truncated")))
            if fact is not None:
                fact.display["parts_text"] = f"{'、'.join(str(i) for i in items)}（{len(items)} 项）"
                out.append(fact)
    return out


def _project_score_facts(case: Case, ids: _Ids, pack) -> list[Fact]:
    """Projects a report lists with their 自评分 and 自评等级: a grade left blank, or one not in
    the band the pack gives the score."""
    out: list[Fact] = []
    for p in ((case.data.get("report") or {}).get("project_scores")) or []:
        if p.get("score") is None:
            continue
        score = D(p["score"])
        grade = str(p.get("grade") or "").strip()
        band = pack.grade_for(score) if pack.grades else ""
        fid = ids()
        fields = {"kind": "project_score", "id": fid, "score": score,
                  "grade_blank": "grade" in p and not grade}
        if grade and band:
            fields["grade_matches"] = grade == band
        name = str(p.get("name", ""))
        display = {"name": name, "score": fmt(score), "grade": grade, "band": band}
        out.append(Fact(kind="project_score", id=fid, fields=fields, section="", item=f"“{name}”的自评等级",
                        describe=display))
    return out


# The table's free-text cells, with what the form calls them (the goal's 完成情况 is compared
# with the goal itself).
# (where, key, what forms call the cell, its longer name): the goal's cell is "年度目标完成情况" on
# some forms and "年度总体目标完成情况" on others; a finding names both.
_TEXT_CELLS = (("goal", "actual", "年度目标完成情况", "年度总体目标完成情况"),
               ("self_evaluation", "conclusion", "评价结论", "评价结论"),
               ("self_evaluation", "problems", "存在问题", "存在问题"),
               ("self_evaluation", "measures", "改进措施", "改进措施"))


def _text_cell_facts(case: Case, ids: _Ids, vocabulary: dict) -> list[Fact]:
    """One fact per free-text cell that holds something: the goal's 完成情况 (年度总体目标完成
    情况), 评价结论, 存在问题, 改进措施, and an indicator row's 指标值 or 实际完成值. `template`:
    the cell still holds the form's printed instructions (the pack's `placeholder_texts`);
    `copies_goal`: the goal's 完成情况 is its 预期目标 written again."""
    se = case.data.get("self_evaluation") or {}
    out: list[Fact] = []
    goal = se.get("goal") or {}
    for where, key, label, long_label in _TEXT_CELLS:
        source = goal if where == "goal" else se
        text = str(source.get(key) or "").strip()
        if not text:
            continue
        fields = {"kind": "text_cell", "id": ids(), "template": False}
        matched = template_text(text, vocabulary)
        fields["template"] = matched is not None
        if where == "goal":
            expected = str(goal.get("expected") or "").strip()
            fields["copies_goal"] = bool(expected) and folded(expected) == folded(text)
        display = {"name": label, "cell": "", "text": text if len(text) <= 60 else text[:60] + "…",
                   "template_text": matched or ""}
        out.append(Fact(kind="text_cell", id=fields["id"], fields=fields, section="", item=long_label,
                        describe=display))
    # the report's headings and paragraphs ("摘要（2000字以内）" left from the template)
    stack = list(((case.data.get("report") or {}).get("sections") or []))
    while stack:
        section = stack.pop(0)
        heading, body = str(section.get("heading") or "").strip(), str(section.get("text") or "")
        matched = template_text(heading, vocabulary) or template_text(body, vocabulary)
        if matched is not None:
            fid = ids()
            display = {"name": heading or "自评报告", "cell": "", "text": heading or body[:60], "template_text": matched}
            out.append(Fact(kind="text_cell", id=fid, fields={"kind": "text_cell", "id": fid, "template": True},
                            section="", item=heading or "自评报告", describe=display))
        stack[0:0] = list(section.get("subsections") or [])
    for row in case.rows:
        for label, text in (("指标值", row.target), ("实际完成值", row.actual)):
            matched = template_text(text, vocabulary)
            if matched is None:
                continue
            fid = ids()
            display = {"name": row.name, "cell": label, "text": text.strip(), "template_text": matched,
                       "row": str(row.number)}
            out.append(Fact(kind="text_cell", id=fid, fields={"kind": "text_cell", "id": fid, "template": True},
                            section="", item=row.name, row=row, describe=display))
    return out


def check_facts(case: Case, pack, start_id: int) -> list[Fact]:
    """Every fact the check rules read before scoring, with ids above `start_id`."""
    ids = _Ids(start_id)
    places = pack.places
    unscored_budget = []
    if "budget" in case.parts and all(s.level1 for s in pack.sections):
        # the pack does not score the budget row (a criteria scoresheet): its figures are still checked
        unscored_budget.append(budget_fact(case, "", pack.vocabulary, places, fact_id=ids()))
    return [
        *unscored_budget,
        *_funding_facts(case, ids),
        *_statement_facts(case, ids, places),
        *_cost_facts(case, ids, pack.vocabulary),
        *_score_sum_facts(case, ids, pack),
        *_rate_facts(case, ids, places, pack.vocabulary),
        *_children_facts(case, ids, pack.vocabulary),
        *_target_match_facts(case, ids, pack.vocabulary),
        *_goal_facts(case, ids, pack.vocabulary),
        *_count_facts(case, ids),
        *_project_score_facts(case, ids, pack),
        *_figure_facts(case, ids),
        *_report_indicator_facts(case, ids, pack.vocabulary),
        *_spending_facts(case, ids, places, pack.vocabulary),
        _document_fact(case, ids, places, pack.vocabulary, pack.total),
        *_text_cell_facts(case, ids, pack.vocabulary),
        *header_facts(case, ids),
        *item_grade_facts(case, ids, pack),
    ]


def scored_row_facts(case: Case, indicator_facts: list[Fact], ledger, start_id: int, pack=None) -> list[Fact]:
    """After scoring: each scored indicator row with its rule score (audit signals and
    plausibility), the budget row against its rule score, and the whole filing's totals."""
    ids = _Ids(start_id)
    vocabulary = pack.vocabulary if pack is not None else {}
    survey = survey_mentioned(case, vocabulary)
    by_row = {e.row: e for e in ledger if e.row is not None and e.kind == "score"}
    block_weights: dict[str, tuple[Decimal, int]] = {}
    for fact in indicator_facts:
        if fact.row is not None and fact.row.weight:
            total, count = block_weights.get(fact.row.level1, (Decimal(0), 0))
            block_weights[fact.row.level1] = (total + fact.row.weight, count + 1)
    out = []
    outcomes = {"full": 0, "partial": 0, "zero": 0, "review": 0, "na": 0, "judged": 0}
    contradicted: list[Fact] = []
    for fact in indicator_facts:
        entry = by_row.get(fact.row.number) if fact.row else None
        if entry is None or fact.fields.get("direction") == "na" and not fact.row.weight and fact.row.score is None:
            outcomes["na"] += 1
            continue
        if entry.outcome == "review":
            outcomes["review"] += 1
            continue  # not read for sure: no rule score to compare, never "unmet" or "over-scored"
        if entry.outcome == "judged":
            # no points: a verdict (met / unmet) the checks may read, never "0 points" or "deducted"
            if not fact.fields.get("child"):  # a "其中" row's points are its parent's
                outcomes["judged"] += 1
            out.append(_judged_row_fact(fact, entry, ids, survey, vocabulary, block_weights))
            continue
        # on the rules' scale (see score.comparable_self_score); a 得分 cell the case's review
        # items doubt is not compared (engine.facts.read_case: `doubted`)
        f = {**fact.fields, "self_score": None if "score" in fact.doubted else entry.self_score}
        weight = entry.weight
        fields = _row_values(fact, entry, ids, survey, vocabulary, block_weights)
        comparable = fields["comparable"]
        fields.update({"rule_score": entry.points, "weight": weight, "self_score": f.get("self_score"),
                       "rule_full": entry.points == weight})
        if not comparable:
            outcomes["review"] += 1
        elif fact.fields.get("direction") == "na":
            outcomes["na"] += 1
        elif entry.points == weight:
            outcomes["full"] += 1
        elif entry.points > 0:
            outcomes["partial"] += 1
        else:
            outcomes["zero"] += 1
        if fact.fields.get("share_contradicted"):
            contradicted.append(fact)
        if f.get("self_score") is not None and not fact.fields.get("share_contradicted"):
            # (a share the department's own 得分 contradict is not the row's weight for sure: its
            # self score is not compared with the rule's; JX-R13 says so once for the filing)
            diff = f["self_score"] - entry.points
            fields["diff"] = diff
            fields["abs_diff"] = abs(diff)
            fields["self_places"] = _score_places(fact, weight, pack)
            fields["self_full"] = f["self_score"] == weight
            fields["self_over_weight"] = f["self_score"] > weight
            if weight:
                fields["self_share"] = f["self_score"] / weight
        out.append(Fact(kind="scored_row", id=fields["id"], fields=fields, section=fact.section, item=fact.item,
                        row=fact.row, target=fact.target, actual=fact.actual, review=fact.review,
                        describe=lambda fact=fact, fields=fields, entry=entry: _scored_row_display(fact, fields, entry)))
    budget = next((e for e in ledger if e.row is None and e.kind == "score"), None)
    if budget is not None:
        out.append(_scored_budget_fact(case, budget, ids, pack))
    out.append(_filing_fact(case, ledger, outcomes, ids, pack, contradicted))
    claim = _claim_fact(case, indicator_facts, ids, vocabulary)
    if claim is not None:
        out.append(claim)
    return out


#: The fields of a scored_row fact that are about points: a row judged without points has none of
#: them (no rule score, weight, self score, share or difference to compare), so no check reading
#: them can fire on it (tests/test_judged_checks.py holds this list to the builders).
POINT_FIELDS = ("rule_score", "weight", "self_score", "rule_full", "diff", "abs_diff", "self_places", "self_full",
                "self_over_weight", "self_share", "block_share", "block_rows")


def _row_values(fact: Fact, entry, ids: "_Ids", survey: bool, vocabulary: dict, block_weights: dict) -> dict:
    """The fields of a row after scoring that are about its values, not its points: one builder
    for a row scored with points and a row judged without (the values it was judged on, the
    verdict's inputs, where it is filed, the form's own stated 分值 `declared_weight`)."""
    f = fact.fields
    return {
        "kind": "scored_row", "id": ids(), "row": fact.row.number, "section": f.get("section"),
        "level2": f.get("level2"), "direction": f.get("direction"), "rule": entry.rule,
        "has_reason": f.get("has_reason"),
        "actual_comparator": f.get("actual_comparator"), "actual_copies_target": f.get("actual_copies_target"),
        "units_match": f.get("units_match"), "ratio": f.get("ratio"), "target_kind": f.get("target_kind"),
        "actual_kind": f.get("actual_kind"), "actual": f.get("actual"), "qual_band": f.get("qual_band"),
        "states_target": f.get("states_target"),
        "declared_weight": fact.row.weight, "comparable": _comparable(f),
        # the indicator may name its own basis ("退捕渔民抽样调查满意度")
        "survey_mentioned": survey or any(w and w in fact.row.name for w in vocabulary.get("survey_words") or ()),
        **_plausibility(fact, vocabulary, block_weights),
    }


def _judged_row_fact(fact: Fact, entry, ids: "_Ids", survey: bool, vocabulary: dict, block_weights: dict) -> Fact:
    """A row judged without points, after scoring: its verdict and the values it was judged on
    (the scored rows' builder, `_row_values`); none of the POINT_FIELDS (there are no points to
    compare). Its `declared_weight` is the 分值 the form states on the row, if any (a "其中" row
    judged under its parent may state one); the checks reading it also need points to fire."""
    fields = {**_row_values(fact, entry, ids, survey, vocabulary, block_weights), "verdict": entry.verdict}
    for name in POINT_FIELDS:
        fields.pop(name, None)
    display = {**fact.display, "row": str(fact.row.number), "rule": entry.rule, "rule_score": "—", "weight": "—"}
    if fields["ratio"] is not None:
        display["ratio_pct"] = _pct(round_half_up(fields["ratio"] * HUNDRED, 2))
    return Fact(kind="scored_row", id=fields["id"], fields=fields, section=fact.section, item=fact.item, row=fact.row,
                target=fact.target, actual=fact.actual, review=fact.review, describe=display)


def _score_places(fact: Fact, weight, pack) -> int:
    """Decimals the department wrote in its self score ("1.4" -> 1, "10.00" -> 2, "10" -> 0); a
    score rescaled to the pack's weight is on the pack's precision."""
    own, declared = fact.row.score, fact.fields.get("weight")
    if own is None or (declared is not None and declared != weight):
        return pack.places if pack is not None else 2
    return max(0, -own.as_tuple().exponent)


def _comparable(fields: dict) -> bool:
    """Could the rules compare this row (both numbers, or a qualitative band, or not applicable)?
    A row they could not compare was scored by a fallback: its rule score says nothing about
    whether the target was met."""
    if fields.get("direction") == "na":
        return True
    if fields.get("direction") == "qualitative":
        return fields.get("qual_band") is not None
    if fields.get("direction") == "deadline":
        return fields.get("deadline_met") is not None
    return fields.get("target") is not None and fields.get("actual") is not None


def _plausibility(fact: Fact, vocabulary: dict, block_weights: dict) -> dict:
    """What a reviewer finds implausible in one row, as plain fields (the pack decides)."""
    row = fact.row
    # where the row is filed: read once, with the indicator fact (engine.facts.level_signals)
    out: dict = {"level2_class": fact.fields.get("level2_class"), "name_class": fact.fields.get("name_class"),
                 "target_comparator": fact.fields.get("target_comparator"),
                 "level2_unlikely": fact.fields.get("level2_unlikely")}
    actual = fact.actual
    if actual is not None and actual.kind == "quantity" and not actual.uncertain and actual.unit == "%":
        out["actual_pct"] = actual.number
    out["bounded_rate"] = any(w and w in row.name for w in vocabulary.get("bounded_rates") or ())
    target = fact.target
    if (target is not None and actual is not None and target.kind == "quantity" and actual.kind == "quantity"
            and not target.uncertain and not actual.uncertain):
        # a 度量单位 column (Sichuan forms) states the unit of both cells
        # a 度量单位 column (Sichuan forms), or a unit in brackets closing the name ("任务完成时限(月)")
        out["units_missing"] = (not target.unit and not actual.unit and not getattr(row, "unit", "").strip()
                                and not _name_unit_pattern().search(row.name))
    total, count = block_weights.get(row.level1, (Decimal(0), 0))
    if row.weight and total:
        out["block_share"] = row.weight / total
        out["block_rows"] = count
    return out


def _scored_budget_fact(case: Case, entry, ids: _Ids, pack) -> Fact:
    """The budget row after scoring: the department's own 得分 against the rule's, and the
    figures a reviewer checks on it (执行数 above 预算数, a blank or impossible 得分)."""
    b, _ = budget_of(case, pack.vocabulary if pack is not None else {})
    weight = entry.weight
    declared = b.weight
    own = b.self_score
    # the department's score on the rules' scale (a pack may weight the row differently)
    scaled = own if own is None or not declared or declared == weight else round_half_up(
        own * weight / declared, pack.places if pack is not None else 2)
    fields: dict = {"kind": "scored_budget", "id": ids(), "rule": entry.rule, "rule_score": entry.points,
                    "weight": weight, "declared_weight": declared, "self_score": scaled,
                    "self_blank": own is None, "full_year": b.full_year, "executed": b.executed}
    display = {"name": case.budget.label.strip() or "预算执行率", "rule": entry.rule, "rule_score": fmt(entry.points),
               "weight": fmt(weight),
               "declared_weight": fmt(declared), "self_score": fmt(own), "full_year": fmt(b.full_year),
               "executed": fmt(b.executed)}
    if b.executed is not None and b.full_year is not None:
        over = b.executed - b.full_year
        fields["over_budget"] = over > 0
        fields["over_amount"] = over
        display["over_amount"] = fmt(over)
        if b.full_year:
            display["rate"] = _pct(round_half_up(b.executed / b.full_year * HUNDRED, 2))
    if declared is not None and declared != weight:  # the form's 分值 is not the pack's: the pack's scored
        fields["declared_weight_diff"] = declared - weight
        display["declared_weight_diff"] = ("+" if declared > weight else "") + fmt(declared - weight)
    if own is not None:
        fields["self_negative"] = own < 0
        if declared is not None:
            fields["self_over_weight"] = own > declared
    if own is not None and entry.outcome != "review":  # a row under review has no rule score to compare
        diff = scaled - entry.points
        fields["diff"], fields["abs_diff"] = diff, abs(diff)
        display["diff"] = ("+" if diff > 0 else "") + fmt(diff)
    return Fact(kind="scored_budget", id=fields["id"], fields=fields, section=entry.section, item="预算执行率",
                describe=display)


def _filing_fact(case: Case, ledger, outcomes: dict, ids: _Ids, pack, contradicted: list | None = None) -> Fact:
    """The whole filing: the stated 自评总分 against the rule total, and rows by outcome."""
    rule_total = sum((e.points for e in ledger if e.kind == "score"), Decimal(0))
    # a row the filing cut off mid-row is not an unfilled row (its cells were not stored)
    cut = _unsure(case).row_paths
    # nor is a row whose 实际完成值 or 得分 cell a review item doubts (stored cut off: unknown, not blank)
    unknown = {parse_path(item.field.strip()) for item in case.review}
    listed = [r for r in case.rows if r.name.strip() and (r.path[2], r.path[4], r.path[6]) not in cut
              and (*r.path, "actual") not in unknown and (*r.path, "score") not in unknown]
    filled = [r for r in listed if r.actual.strip() or r.score is not None]
    fields: dict = {"kind": "filing", "id": ids(), "rule_total": rule_total, "self_total": case.stated_total_score,
                    **{f"rows_{k}": v for k, v in outcomes.items()},
                    "year_stated": case.year is not None and not case.year_supplied,
                    "total_weight": case.stated_total_weight,
                    "total_score_blank": case.stated_total_weight is not None and case.stated_total_score is None,
                    "rows_listed": len(listed), "rows_filled": len(filled),
                    "rows_share_contradicted": len(contradicted or ())}
    display = {"rule_total": fmt(rule_total), "self_total": fmt(case.stated_total_score),
               # rows judged without points are named only where there are some
               **{f"rows_{k}": str(v) for k, v in outcomes.items() if k != "judged" or v},
               "total_weight": fmt(case.stated_total_weight), "rows_listed": str(len(listed)),
               "rows_filled": str(len(filled)),
               "share_contradicted_rows": "；".join(
                   f"第 {f.row.number} 行“{f.row.name}”分得 {fmt(f.fields.get('weight'))} 分、自评 {fmt(f.row.score)} 分"
                   for f in contradicted or ())}
    if pack is not None:
        fields["max_total"] = pack.total
        display["max_total"] = fmt(pack.total)
    if case.stated_total_score is not None:
        diff = case.stated_total_score - rule_total
        fields["diff"], fields["abs_diff"] = diff, abs(diff)
        display["diff"] = ("+" if diff > 0 else "") + fmt(diff)
        display["abs_diff"] = fmt(abs(diff))
        display["direction"] = "高" if diff > 0 else "低"
    if case.report_total_score is not None:  # the 自评总分 the report states, against the table's
        fields["report_total"] = case.report_total_score
        display["report_total"] = fmt(case.report_total_score)
        if case.stated_total_score is not None:
            gap = case.report_total_score - case.stated_total_score
            fields["report_table_abs_diff"] = abs(gap)
            display["report_table_diff"] = ("+" if gap > 0 else "") + fmt(gap)
    return Fact(kind="filing", id=fields["id"], fields=fields, section="", item="自评总分", describe=display)


def _scored_row_display(fact: Fact, fields: dict, entry) -> dict:
    display = {**fact.display, "row": str(fact.row.number), "rule_score": fmt(entry.points),
               "weight": fmt(fields["weight"]), "self_score": fmt(fields["self_score"]), "rule": entry.rule}
    if "diff" in fields:
        if "self_share" in fields:
            display["self_pct"] = _pct(round_half_up(fields["self_share"] * HUNDRED, 2))
        display["diff"] = ("+" if fields["diff"] > 0 else "") + fmt(fields["diff"])
        display["abs_diff"] = fmt(fields["abs_diff"])
    if fields["ratio"] is not None:
        display["ratio_pct"] = _pct(round_half_up(fields["ratio"] * HUNDRED, 2))
    if fields.get("block_share") is not None:
        display["block_pct"] = _pct(round_half_up(fields["block_share"] * HUNDRED, 2))
    return display


# ───────────────────────── what the report says against itself and the table ─────────────────────────

_QUOTE_MARKS = str.maketrans("", "", "“”\"'‘’「」《》 \u3000")


def _item_name(text) -> str:
    """A named item compared across the report: no spaces, no quotation marks."""
    return str(text or "").translate(_QUOTE_MARKS)


def _named_amounts(case: Case) -> list[tuple[str, Decimal, str, str, bool]]:
    """Every amount the report gives a named item, in report order: (name, amount, measure, where,
    is a `figures` entry). Statement totals (by topic) and parts, then the report's `figures`."""
    out = []
    for st in _statements(case):
        topic = str(st.get("topic") or "")
        if st.get("total") is not None and _item_name(topic):
            out.append((_item_name(topic), D(st["total"]), "", f"报告“{topic}”合计", False))
        for item in st.get("items") or []:
            if item.get("amount") is not None and _item_name(item.get("name")):
                out.append((_item_name(item.get("name")), D(item["amount"]), "", f"报告“{topic}”的分项", False))
    for figure in ((case.data.get("report") or {}).get("figures")) or []:
        if figure.get("amount") is not None and _item_name(figure.get("name")):
            measure = str(figure.get("measure") or "").strip()
            quote = str(figure.get("quote") or "").strip()
            where = f"报告另处（{measure}）" if measure else "报告另处"
            if quote:
                where += f"“{quote if len(quote) <= 40 else quote[:40] + '…'}”"
            out.append((_item_name(figure.get("name")), D(figure["amount"]), measure, where, True))
    return out


def _figure_facts(case: Case, ids: _Ids) -> list[Fact]:
    """The same named item given an amount in two places of the report (案件审判 414.35万元 in the
    spending breakdown, 411.95万元 in the project list): each `figures` entry against the first
    mention of its name. Two statements are not compared with each other (one table's columns,
    2017 决算 and 2018 预算, name the same items with other amounts), nor two amounts of different
    stated measures (年初预算数 / 年末结算支出); an item named with one amount only gives no fact."""
    out: list[Fact] = []
    first: dict[str, list[tuple[Decimal, str, str]]] = {}
    seen: set[tuple[str, Decimal, Decimal]] = set()  # one fact per pair of amounts (a second 411.95 adds nothing)
    for name, amount, measure, where, restated in _named_amounts(case):
        earlier = next((e for e in first.get(name, []) if not (measure and e[1] and measure != e[1])), None)
        first.setdefault(name, []).append((amount, measure, where))
        if earlier is None or not restated or (name, earlier[0], amount) in seen:
            continue
        seen.add((name, earlier[0], amount))
        diff = amount - earlier[0]
        fid = ids()
        fields = {"kind": "figure", "id": fid, "amount": amount, "first_amount": earlier[0], "diff": diff,
                  "abs_diff": abs(diff)}
        display = {"name": name, "amount": fmt(amount), "first_amount": fmt(earlier[0]), "where": where,
                   "first_where": earlier[2], "diff": ("+" if diff > 0 else "") + fmt(diff), "abs_diff": fmt(abs(diff))}
        out.append(Fact(kind="figure", id=fid, fields=fields, section="", item=name, describe=display))
    return out


def _report_indicators(case: Case) -> list[dict]:
    return list(((case.data.get("report") or {}).get("indicators")) or [])


def _report_indicator_facts(case: Case, ids: _Ids, vocabulary: dict) -> list[Fact]:
    """Each indicator the report restates (`report.indicators`) against the table's row of the
    same name: the target and the actual the report writes, compared by value (the same number in
    the same unit, after the pack's conversions). Words are not compared: a report paraphrases
    ("效果较好" for "较好"), and a paraphrase is no mismatch."""
    if not case.rows:
        return []
    notation = notation_for(vocabulary)
    rows: dict[str, object] = {}
    for r in case.all_rows:
        rows.setdefault(_item_name(r.name), r)
    out: list[Fact] = []
    for restated in _report_indicators(case):
        name = str(restated.get("name") or "")
        row = rows.get(_item_name(name))
        if row is None:
            continue
        fid = ids()
        fields: dict = {"kind": "report_indicator", "id": fid, "row": row.number}
        display = {"name": row.name, "row": str(row.number)}
        for key, label in (("target", "指标值"), ("actual", "实际完成值")):
            said = str(restated.get(key) or "").strip()
            table = str(getattr(row, key) or "").strip()
            display[f"report_{key}"], display[f"table_{key}"] = said, table
            if not said or not table:
                continue
            a, b = parse_value(said, notation, key), parse_value(table, notation, key)
            if a.uncertain or b.uncertain:
                continue
            if a.kind not in ("quantity", "compound") or b.kind not in ("quantity", "compound") \
                    or len(a.quantities) != len(b.quantities):
                continue
            based = [(in_base_unit(x, notation), in_base_unit(y, notation)) for x, y in zip(a.quantities, b.quantities)]
            if any(x[0] != y[0] and x[0] and y[0] for x, y in based):
                continue  # units that do not convert: not compared
            fields[f"same_{key}"] = all(x[1] == y[1] for x, y in based)
        out.append(Fact(kind="report_indicator", id=fid, fields=fields, section="", item=row.name, row=row,
                        describe=display))
    return out


def _money(text: str, notation) -> Decimal | None:
    """An amount in 万元 (元 and 亿元 converted by the parser), or None."""
    value = parse_value(str(text or ""), notation, "actual")
    if value.kind == "quantity" and value.unit == "万元" and not value.uncertain:
        return value.number
    return None


def _budget_claims(case: Case, vocabulary: dict) -> tuple[Decimal | None, list[tuple[str, str]]]:
    """What the filing claims about budget execution: the stated 执行率 (the table's, else the
    report's), and the items scored at full marks that are about execution by the pack's
    `budget_rate_words` (the budget row scored full; a report criterion "预算执行率 满分3分，得3分"
    named so or giving such a reason), as (name, how it is claimed)."""
    claimed_rate = None
    for text in (case.budget.rate, (case.data.get("report") or {}).get("execution_rate")):
        value = parse_value(str(text or ""))
        if value.kind == "quantity" and value.unit == "%" and not value.comparator and not value.uncertain:
            claimed_rate = value.number
            break
    full: list[tuple[str, str]] = []
    b = case.budget
    if b.self_score is not None and b.weight and b.self_score >= b.weight:
        full.append((b.label.strip() or "预算执行率", f"自评表得 {fmt(b.self_score)} 分（满分 {fmt(b.weight)} 分）"))
    words = [w for w in vocabulary.get("budget_rate_words") or () if w]
    report = case.data.get("report") or {}
    for item in [*(report.get("criteria_scores") or []), *(report.get("score_items") or [])]:
        name, reason = str(item.get("name") or ""), str(item.get("reason") or "")
        weight, score = item.get("weight"), item.get("score")
        if weight is None or score is None or not D(weight) or D(score) < D(weight):
            continue
        if any(w in name or w in reason for w in words):
            how = f"报告称满分 {fmt(D(weight))} 分、得 {fmt(D(score))} 分" + (f"（“{reason}”）" if reason else "")
            full.append((name, how))
    return claimed_rate, full


def _spending_facts(case: Case, ids: _Ids, places: int, vocabulary: dict) -> list[Fact]:
    """Money the report says was put in or spent against the execution the filing claims: an
    indicator the report restates in money whose 指标值 is the whole budget (the table's 全年预算数
    or an amount the report states as the project's funds), against the stated 执行率 and the
    execution items scored at full marks. "项目资金投入 指标值10万元，实际完成值0万元" while
    "预算执行率 满分3分，得3分" is a report contradicting itself."""
    indicators = _report_indicators(case)
    if not indicators:
        return []
    notation = notation_for(vocabulary)
    budgets = {D(s["total"]) for s in _statements(case) if s.get("total") is not None}
    if case.budget.full_year:
        budgets.add(case.budget.full_year)
    claimed_rate, full = _budget_claims(case, vocabulary)
    if claimed_rate is None and not full:
        return []
    out: list[Fact] = []
    for restated in indicators:
        target, actual = _money(restated.get("target"), notation), _money(restated.get("actual"), notation)
        if target is None or actual is None or not target or target not in budgets:
            continue
        share = round_half_up(actual / target * HUNDRED, places)
        fid = ids()
        fields: dict = {"kind": "report_spending", "id": fid, "spent_share": share, "claimed_full": bool(full)}
        name = str(restated.get("name") or "")
        display = {"indicator": name, "target": str(restated.get("target") or ""),
                   "actual": str(restated.get("actual") or ""), "spent_share": _pct(share),
                   "claimed_rate": _pct(claimed_rate),
                   "claimed": "，".join([*(f"“{n}”{how}" for n, how in full),
                                        *([f"所填执行率为 {_pct(claimed_rate)}"] if claimed_rate is not None else [])])}
        if claimed_rate is not None:
            fields["claimed_rate"] = claimed_rate
            fields["gap_pp"] = claimed_rate - share
            display["gap_pp"] = fmt(claimed_rate - share)
        # the finding concerns the execution item the filing scored (its name as the filing writes it)
        item = full[0][0] if full else (case.budget.label.strip() or "预算执行率")
        display["name"] = item
        out.append(Fact(kind="report_spending", id=fid, fields=fields, section="", item=item, describe=display))
    return out


def _claim_places(case: Case) -> list[tuple[str, str]]:
    """The texts where a filing sums up its targets, in order: the report's sections (heading and
    text), the goal's 完成情况 cell, the table's 评价结论. (where, text)."""
    out: list[tuple[str, str]] = []
    stack = list(((case.data.get("report") or {}).get("sections")) or [])
    while stack:
        section = stack.pop(0)
        heading = str(section.get("heading") or "").strip()
        out.append((f"自评报告“{heading}”" if heading else "自评报告", f"{heading}\n{section.get('text') or ''}"))
        stack[0:0] = list(section.get("subsections") or [])
    se = case.data.get("self_evaluation") or {}
    goal = se.get("goal") or {}
    out.append(("年度总体目标完成情况", str(goal.get("actual") or "")))
    out.append(("评价结论", str(se.get("conclusion") or "")))
    return [(where, text) for where, text in out if text.strip()]


def _claim_in(text: str, words, qualifiers) -> tuple[str, str] | None:
    """The first claim word (`completion_claims`) the text states without a qualifier
    (`claim_qualifiers`: 基本、未、部分 … just before it), with its sentence; or None."""
    for m in sorted(((text.find(w), w) for w in words if w and w in text), key=lambda p: p[0]):
        at, word = m
        while at >= 0:
            before = text[max(0, at - 4):at]
            if not any(q and before.endswith(q) for q in qualifiers):
                start = max(text.rfind(c, 0, at) for c in "。；;\n") + 1
                ends = [i for i in (text.find(c, at) for c in "。；;\n") if i >= 0]
                return word, text[start:min(ends) if ends else len(text)].strip()
            at = text.find(word, at + 1)
    return None


def _unmet(fact: Fact, vocabulary: dict) -> bool:
    """The row's values were read and compared, and the target was not reached: a quantity short
    of its target, a deadline missed, or a qualitative actual in one of the pack's
    `claim_unmet_bands` (未达成). A row the engine could not read, or one the case's review list
    names, is never unmet."""
    f = fact.fields
    if fact.row is None or f.get("unsure") or f.get("in_review"):
        return False
    direction, ratio = f.get("direction"), f.get("ratio")
    if direction == "qualitative":
        return f.get("qual_band") is not None and f["qual_band"] in (vocabulary.get("claim_unmet_bands") or ())
    if direction in ("positive", "equal") and ratio is not None:
        return ratio < 1
    if direction == "reverse" and ratio is not None:
        return ratio > 1
    return direction == "deadline" and f.get("deadline_met") is False


def _unread(fact: Fact) -> bool:
    """The row's values could not be compared: the parser was unsure, the case's review list names
    it, or a quantity, date or word could not be read against its target."""
    f = fact.fields
    if f.get("unsure") or f.get("in_review"):
        return True
    direction = f.get("direction")
    if direction in ("positive", "equal", "reverse"):
        return f.get("ratio") is None
    if direction == "deadline":
        return f.get("deadline_met") is None
    if direction == "qualitative":
        return f.get("qual_band") is None
    return direction == "unknown"


def _claim_fact(case: Case, indicator_facts: list[Fact], ids: _Ids, vocabulary: dict) -> Fact | None:
    """The filing says its targets were all met ("已按照计划完成目标", "全面完成": the pack's
    `completion_claims`) while rows it lists were not: rows whose values were read and fall short
    of the target, counted whatever their score. Rows that could not be read are counted apart
    (`rows_unread`) and never as unmet. No claim, no fact."""
    words = [w for w in vocabulary.get("completion_claims") or () if w]
    qualifiers = [q for q in vocabulary.get("claim_qualifiers") or () if q]
    found = None
    for where, text in _claim_places(case):
        claim = _claim_in(text, words, qualifiers)
        if claim is not None:
            found = (where, *claim)
            break
    if found is None:
        return None
    where, word, sentence = found
    unmet = [f for f in indicator_facts if _unmet(f, vocabulary)]
    unread = [f for f in indicator_facts if f.row is not None and not _unmet(f, vocabulary) and _unread(f)]
    fid = ids()
    fields = {"kind": "claim", "id": fid, "claims_complete": True, "rows_unmet": len(unmet),
              "rows_unread": len(unread)}
    listed = "；".join(f"第 {f.row.number} 行“{f.row.name.strip()}”指标值 {f.display.get('target')}、实际完成 "
                      f"{f.display.get('actual')}" for f in unmet[:4]) + (f" 等 {len(unmet)} 行" if len(unmet) > 4 else "")
    display = {"name": where, "where": where, "claim": word,
               "sentence": sentence if len(sentence) <= 80 else sentence[:80] + "…",
               "rows_unmet": str(len(unmet)), "unmet_rows": listed, "rows_unread": str(len(unread))}
    return Fact(kind="claim", id=fid, fields=fields, section="", item=where, describe=display)
