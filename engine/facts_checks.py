"""Facts for checks: what a reviewer adds up and compares, as narrow flat facts.

The facts stage computes the arithmetic (sums, shares, rates, dates, differences); the pack's
check rules decide what counts as a defect, with which tolerance and severity. Nothing here
decides that a number is wrong.

Kinds (fields in `engine.facts.FACT_FIELDS`):
* `sum`          a total and its parts (funding rows, report statements, cost indicators vs
                 spending, self scores vs 总分, section weights vs "(50分)", weights vs the pack);
* `share`        one stated share ("占总支出的67.03%") against amount / total;
* `share_total`  the stated shares of one statement added up, against 100%;
* `rate`         a stated 执行率 against B / A;
* `target_match` a self-evaluation row against the same row of the target table;
* `document`     case-level figures: the target table's budget and date, the adjustment rate,
                 whether every row got full marks, whether any deviation reason was written;
* `scored_row`   an indicator row after scoring: rule score vs self score, signals, and what a
                 reviewer finds implausible (a rate above 100 % that cannot be, a maximum on an
                 output count, a row holding most of its block's points, a row under an unlikely
                 二级指标) (built by `scored_row_facts`, after the score stage);
* `scored_budget` the budget row after scoring: 执行数 vs 预算数, its own 得分 vs the rule's;
* `filing`       the whole filing after scoring: stated 自评总分 vs rule total, rows by outcome.

Every word list used here is the pack's vocabulary (`survey_words`, `level2_classes`,
`name_classes`, `bounded_rates`, `adjustment_words`); every tolerance a pack parameter.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from .case import Case
from .decimals import D, fmt, round_half_up
from .facts import Fact, has_reason, section_of
from .values import in_base_unit, notation_for, parse_value

HUNDRED = Decimal(100)
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
}


def _class_of(text: str, classes: dict) -> str | None:
    """The first class (in pack order) one of whose words occurs in `text`."""
    for name, words in (classes or {}).items():
        if any(w and w in text for w in words or ()):
            return str(name)
    return None


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


def _sum_fact(ids: _Ids, check: str, subject: str, total, parts: list, section: str = "") -> Fact | None:
    """A total against its parts; None when there is nothing to add up."""
    amounts = [D(p) for p in parts if p is not None]
    if total is None or not amounts:
        return None
    total = D(total)
    parts_sum = sum(amounts, Decimal(0))
    diff = parts_sum - total
    fields = {
        "kind": "sum", "id": ids(), "check": check, "total": total, "parts_sum": parts_sum,
        "diff": diff, "abs_diff": abs(diff), "parts": len(amounts),
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
    return [f for f in out if f]


def _statements(case: Case) -> list[dict]:
    return list(((case.data.get("report") or {}).get("statements")) or [])


def _statement_facts(case: Case, ids: _Ids, places: int) -> list[Fact]:
    out: list[Fact] = []
    for st in _statements(case):
        topic = st.get("topic", "")
        items = st.get("items") or []
        total = st.get("total")
        fact = _sum_fact(ids, "statement", f"报告“{topic}”各项之和", total, [i.get("amount") for i in items])
        if fact:
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
    return [r for r in case.rows if _class_of(r.level2, classes) == "成本"]


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


def _score_sum_facts(case: Case, ids: _Ids, pack) -> list[Fact]:
    out = []
    se = case.data.get("self_evaluation") or {}
    self_scores = [case.budget.self_score] + [r.score for r in case.rows]
    out.append(_sum_fact(ids, "self_scores_vs_total", "各项自评得分之和与自评总分", case.stated_total_score, self_scores))
    # Row weights add up only when every filled row states one: a form whose weights stand in its
    # headings (20+80, weights shared by the pack) has nothing to add up row by row.
    unweighted = any(r.weight is None and (r.target.strip() or r.actual.strip()) for r in case.rows)
    if unweighted:
        return [f for f in out if f]
    weights = [case.budget.weight] + [r.weight for r in case.rows]
    out.append(_sum_fact(ids, "weights_vs_stated_total", "各项分值之和与表上总分值", case.stated_total_weight, weights))
    if "budget" in case.parts and "indicators" in case.parts:  # a part missing: its points cannot be added
        out.append(_sum_fact(ids, "weights_vs_pack", f"各项分值之和与规则包满分 {fmt(pack.total)}", pack.total, weights))
    for block in se.get("indicators") or []:
        points = block.get("points")
        rows = [r for r in case.rows if r.level1 == block.get("level1")]
        out.append(_sum_fact(ids, "section_points", f"“{block.get('label') or block.get('level1')}”各行分值之和",
                             points, [r.weight for r in rows]))
    for section in pack.sections:
        if not section.level1:
            continue
        rows = [r for r in case.rows if section_of(r, pack) == section.key]
        out.append(_sum_fact(ids, "section_vs_pack", f"“{section.title}”各行分值之和与规则包规定的 {fmt(section.weight)} 分",
                             section.weight if rows else None, [r.weight for r in rows], section=section.key))
    allocation = se.get("allocation") or {}
    for level1, points in allocation.items():
        rows = [r for r in case.rows if r.level1 == level1]
        out.append(_sum_fact(ids, "section_vs_note", f"“{level1}”各行分值之和与表注所述 {fmt(D(points))} 分",
                             points if rows else None, [r.weight for r in rows]))
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
                                  "parts": len(parts)}
                        display = {"subject": subject, "check": f"children_{key}", "total": str(row.get(key)),
                                   "parts_text": " + ".join(str(c.get(key)) for c in children)}
                        out.append(Fact(kind="sum", id=fid, fields=fields, section="", item=subject, describe=display))
                        continue
                    fact = _sum_fact(ids, f"children_{key}", subject, total, [n for _, n in based])
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


def _rate_facts(case: Case, ids: _Ids, places: int) -> list[Fact]:
    b = case.budget
    if b.executed is None or not b.full_year:
        return []
    computed = round_half_up(b.executed / b.full_year * HUNDRED, places)
    out = []
    report_rate = (case.data.get("report") or {}).get("execution_rate")
    for source, text in (("自评表", b.rate), ("自评报告", report_rate)):
        if not text:
            continue
        value = parse_value(str(text))
        if value.kind != "quantity" or value.unit != "%":
            continue
        diff = value.number - computed
        fid = ids()
        fields = {"kind": "rate", "id": fid, "stated": value.number, "computed": computed, "diff": diff,
                  "abs_diff": abs(diff), "stated_places": _places(str(text)),
                  "exact_abs_diff": abs(value.number - b.executed / b.full_year * HUNDRED)}
        display = {"source": source, "stated": _pct(value.number), "computed": _pct(computed),
                   "executed": fmt(b.executed), "full_year": fmt(b.full_year), "diff": fmt(diff)}
        out.append(Fact(kind="rate", id=fid, fields=fields, section="", item=f"{source}执行率", describe=display))
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
            a, b = parse_value(t.target), parse_value(row.target)
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


def _document_fact(case: Case, ids: _Ids, places: int, vocabulary: dict) -> Fact:
    tt = case.data.get("target_table") or {}
    b = case.budget
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
    if b.initial and b.full_year is not None:
        rate = round_half_up((b.full_year - b.initial) / b.initial * HUNDRED, places)
        fields["adjustment_rate"] = rate
        fields["adjustment_abs"] = abs(rate)
        display["adjustment_rate"] = _pct(rate)
    if b.initial is not None and b.full_year is not None:
        fields["adjustment_amount"] = b.full_year - b.initial
        fields["adjustment_amount_abs"] = abs(b.full_year - b.initial)
        fields["adjustment_explained"] = adjustment_explained(case, vocabulary)
        display["adjustment_amount"] = fmt(b.full_year - b.initial)
    money = [a for a in (b.initial, b.full_year, b.executed,
                         D(target_budget) if target_budget is not None else None) if a is not None and a > 0]
    if len(money) > 1:
        fields["money_ratio"] = max(money) / min(money)
        display["money_figures"] = "、".join(fmt(a) for a in money)
    scored = [r for r in case.rows if r.weight]
    fields["rows"] = len(scored)
    fields["all_full_marks"] = bool(scored) and all(r.score == r.weight for r in scored)
    fields["any_reason"] = any(has_reason(r.reason, vocabulary) for r in case.rows)
    fields["survey_mentioned"] = survey_mentioned(case, vocabulary)
    return Fact(kind="document", id=fid, fields=fields, section="", item="整份材料", describe=display)


def survey_mentioned(case: Case, vocabulary: dict) -> bool:
    """Does the report or any deviation reason mention a survey (the pack's `survey_words`)?"""
    text = _report_text(case.data.get("report") or {}) + "\n".join(r.reason for r in case.rows)
    return any(word and word in text for word in vocabulary.get("survey_words") or ())


def adjustment_explained(case: Case, vocabulary: dict) -> bool:
    """Is a budget adjustment explained: an 调整原因 cell, or the report using one of the pack's
    `adjustment_words` ("调整", "追加" ...)?"""
    budget = (case.data.get("self_evaluation") or {}).get("budget") or {}
    if str(budget.get("adjustment_reason") or "").strip():
        return True
    text = _report_text(case.data.get("report") or {})
    return any(word and word in text for word in vocabulary.get("adjustment_words") or ())


def _report_text(report: dict) -> str:
    parts: list[str] = []

    def walk(sections):
        for s in sections or []:
            parts.append(str(s.get("heading", "")))
            parts.append(str(s.get("text", "")))
            walk(s.get("subsections"))

    walk(report.get("sections"))
    return "\n".join(parts)


def check_facts(case: Case, pack, start_id: int) -> list[Fact]:
    """Every fact the check rules read before scoring, with ids above `start_id`."""
    ids = _Ids(start_id)
    places = pack.places
    return [
        *_funding_facts(case, ids),
        *_statement_facts(case, ids, places),
        *_cost_facts(case, ids, pack.vocabulary),
        *_score_sum_facts(case, ids, pack),
        *_rate_facts(case, ids, places),
        *_children_facts(case, ids, pack.vocabulary),
        *_target_match_facts(case, ids, pack.vocabulary),
        _document_fact(case, ids, places, pack.vocabulary),
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
    outcomes = {"full": 0, "partial": 0, "zero": 0, "review": 0, "na": 0}
    for fact in indicator_facts:
        entry = by_row.get(fact.row.number) if fact.row else None
        if entry is None or fact.fields.get("direction") == "na" and not fact.row.weight and fact.row.score is None:
            outcomes["na"] += 1
            continue
        if entry.outcome == "review":
            outcomes["review"] += 1
            continue  # not read for sure: no rule score to compare, never "unmet" or "over-scored"
        f = {**fact.fields, "self_score": entry.self_score}  # on the rules' scale (see score.comparable_self_score)
        weight = entry.weight
        comparable = _comparable(f)
        fields = {
            "kind": "scored_row", "id": ids(), "row": fact.row.number, "section": f.get("section"),
            "level2": f.get("level2"), "direction": f.get("direction"), "rule": entry.rule,
            "rule_score": entry.points, "weight": weight, "self_score": f.get("self_score"),
            "rule_full": entry.points == weight, "has_reason": f.get("has_reason"),
            "actual_comparator": f.get("actual_comparator"), "actual_copies_target": f.get("actual_copies_target"),
            "units_match": f.get("units_match"), "ratio": f.get("ratio"), "target_kind": f.get("target_kind"),
            "actual_kind": f.get("actual_kind"), "actual": f.get("actual"), "qual_band": f.get("qual_band"),
            "declared_weight": fact.row.weight, "survey_mentioned": survey, "comparable": comparable,
            **_plausibility(fact, vocabulary, block_weights),
        }
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
        if f.get("self_score") is not None:
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
    out.append(_filing_fact(case, ledger, outcomes, ids, pack))
    return out


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
    level2_class = _class_of(row.level2, vocabulary.get("level2_classes") or {})
    name_class = _class_of(row.name, vocabulary.get("name_classes") or {})
    out: dict = {"level2_class": level2_class, "name_class": name_class,
                 "target_comparator": fact.fields.get("target_comparator"),
                 "level2_unlikely": bool(name_class and level2_class and name_class != level2_class)}
    actual = fact.actual
    if actual is not None and actual.kind == "quantity" and not actual.uncertain and actual.unit == "%":
        out["actual_pct"] = actual.number
    out["bounded_rate"] = any(w and w in row.name for w in vocabulary.get("bounded_rates") or ())
    target = fact.target
    if (target is not None and actual is not None and target.kind == "quantity" and actual.kind == "quantity"
            and not target.uncertain and not actual.uncertain):
        # a 度量单位 column (Sichuan forms) states the unit of both cells
        out["units_missing"] = not target.unit and not actual.unit and not getattr(row, "unit", "").strip()
    total, count = block_weights.get(row.level1, (Decimal(0), 0))
    if row.weight and total:
        out["block_share"] = row.weight / total
        out["block_rows"] = count
    return out


def _scored_budget_fact(case: Case, entry, ids: _Ids, pack) -> Fact:
    """The budget row after scoring: the department's own 得分 against the rule's, and the
    figures a reviewer checks on it (执行数 above 预算数, a blank or impossible 得分)."""
    b = case.budget
    weight = entry.weight
    declared = b.weight
    own = b.self_score
    # the department's score on the rules' scale (a pack may weight the row differently)
    scaled = own if own is None or not declared or declared == weight else round_half_up(
        own * weight / declared, pack.places if pack is not None else 2)
    fields: dict = {"kind": "scored_budget", "id": ids(), "rule": entry.rule, "rule_score": entry.points,
                    "weight": weight, "declared_weight": declared, "self_score": scaled,
                    "self_blank": own is None, "full_year": b.full_year, "executed": b.executed}
    display = {"name": "预算执行率", "rule": entry.rule, "rule_score": fmt(entry.points), "weight": fmt(weight),
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


def _filing_fact(case: Case, ledger, outcomes: dict, ids: _Ids, pack) -> Fact:
    """The whole filing: the stated 自评总分 against the rule total, and rows by outcome."""
    rule_total = sum((e.points for e in ledger if e.kind == "score"), Decimal(0))
    fields: dict = {"kind": "filing", "id": ids(), "rule_total": rule_total, "self_total": case.stated_total_score,
                    **{f"rows_{k}": v for k, v in outcomes.items()}}
    display = {"rule_total": fmt(rule_total), "self_total": fmt(case.stated_total_score),
               **{f"rows_{k}": str(v) for k, v in outcomes.items()}}
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
