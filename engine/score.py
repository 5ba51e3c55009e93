"""Score stage: facts + the rules that matched them -> the ledger and the Result.

Pure: no file or terminal I/O. For each fact the score rules that matched are ordered by
(priority, pack order) and the first one scores it; its method's formula is evaluated in Decimal,
kept within [0, weight], rounded half-up to the pack's places, and explained with the rule's
message. Section scores and the total are sums of the ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from . import __version__
from .actions import plan as plan_actions
from .case import FORMAT_V2, Case
from .decimals import D, fmt, largest_remainder, round_half_up
from .errors import JixiaoError, Problem, format_path, tr
from .match.contract import condition_fields, conjunctions, leaf_fields, to_nnf
from .match.python import condition_holds, fact_view
from .expr import ExprError
from .facts import Fact, group_facts, read_case
from .facts_checks import check_facts, scored_row_facts
from .result import Finding, LedgerEntry, NotCheckable, Result, ReviewEntry, SectionScore, Skipped, UNPLACED_TITLE
from .rulepack import Pack, Rule, resolve_param

_PLACEHOLDER = re.compile(r"\{(\w+)\}")

ZERO = Decimal(0)


def render_message(template: str, values: dict) -> str:
    """Fill `{name}` placeholders. Deliberately not str.format: no attribute or index access."""
    parts = _template_parts(template)
    if len(parts) == 1:
        return template
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a placeholder's name; an unknown one stays as written
            value = values.get(part, _MISSING)
            out.append("{" + part + "}" if value is _MISSING else str(value))
        else:
            out.append(part)
    return "".join(out)


_MISSING = object()


@lru_cache(maxsize=1024)
def _template_parts(template: str) -> tuple[str, ...]:
    """Text and placeholder names alternating: 'a {x} b' -> ('a ', 'x', ' b'). A pack has a
    few dozen templates, each filled for many facts; splitting them once is the saving."""
    return tuple(_PLACEHOLDER.split(template))


_ORDERS: dict[int, tuple[tuple, dict[str, int]]] = {}


def _pack_order(pack: Pack) -> dict[str, int]:
    """Rule code -> position in the pack, computed once per pack's rule tuple."""
    entry = _ORDERS.get(id(pack.rules))
    if entry is None or entry[0] is not pack.rules:
        if len(_ORDERS) > 64:
            _ORDERS.clear()
        entry = _ORDERS[id(pack.rules)] = (pack.rules, {r.code: i for i, r in enumerate(pack.rules)})
    return entry[1]


def choose_score_rule(pack: Pack, codes: tuple[str, ...]) -> Rule | None:
    """First match by priority; ties keep pack order."""
    order = _pack_order(pack)
    candidates = [pack.rule(c) for c in codes if pack.rule(c).is_score_rule]
    candidates.sort(key=lambda r: (r.priority, order[r.code]))
    return candidates[0] if candidates else None


def rule_reads(rule: Rule, pack: Pack) -> frozenset:
    """The fact fields a score rule reads: its condition's, and its method formula's names."""
    names = set(condition_fields(rule.when))
    method = pack.methods.get((rule.score or {}).get("method")) if rule.score else None
    if method is not None:
        names |= set(getattr(method.formula, "names", ()) or ())
    return frozenset(names)


def scope_allows(fact: Fact, rule: Rule | None, pack: Pack) -> bool:
    """A row 待复核 only for a doubted cell the rules may not need (Fact.scoped_fields): scored by
    `rule` when neither it nor any score rule that would come before it reads a field taken from
    the doubted cell. A rule before it that reads one might have held, had the cell been read:
    then the row waits. A review rule never lifts the hold."""
    if fact.scoped_fields is None or rule is None or (rule.score or {}).get("outcome") == "review":
        return False
    unknown = fact.scoped_fields
    if rule_reads(rule, pack) & unknown:
        return False
    order = _pack_order(pack)
    until = (rule.priority, order[rule.code])
    view = fact_view(fact.fields)
    for other in pack.rules:
        if (other is not rule and other.is_score_rule and other.applies_to == fact.kind
                and (other.priority, order[other.code]) <= until and rule_reads(other, pack) & unknown
                and _might_hold(other.when, view, unknown)):
            return False
    return True


def _might_hold(condition, view: dict, unknown: frozenset) -> bool:
    """Whether a condition could hold were the `unknown` fields read: some alternative of it (its
    disjunctive form) whose every leaf on known fields holds, as the matcher decides it."""
    for alternative in conjunctions(to_nnf(condition)):
        if all(not unknown.isdisjoint(leaf_fields(leaf)) or condition_holds(leaf, view)
               for leaf in alternative):
            return True
    return False


def _judges_unweighted(pack: Pack, fact: Fact) -> bool:
    """Whether the pack judges a row without points (`unweighted_rows: judge`, or a "其中" row
    under `judge_children`)."""
    vocabulary = pack.vocabulary
    if "section" in (vocabulary.get("weights_from") or ()) and not fact.fields.get("child"):
        # the layout shares its sections' points among rows without a weight (20 + 80): a row of no
        # section lacks points only because it could not be placed, not because the form gives none
        return False
    return vocabulary.get("compare_values", True) is not False and (
        vocabulary.get("unweighted_rows") == "judge" or bool(fact.fields.get("child")))


def _unplaced_note(entry: LedgerEntry, fact: Fact, unplaced: dict[int, str]) -> LedgerEntry:
    """The entry of a row of no section (`unplaced`: row number -> where it stands), its
    explanation saying so, unless the explanation already does (a review reason naming it)."""
    where = unplaced.get(fact.row.number) if fact.row is not None else None
    if not where or where in entry.explanation:
        return entry
    return replace(entry, explanation=f"{entry.explanation}{where}，列在“{UNPLACED_TITLE}”中。")


def _lifted_note(explanation: str, doubt: str, rule: Rule) -> str:
    return (f"{explanation}（{doubt.rstrip('。')}；规则 {rule.code} 不读取这一单元格，照常评定，"
            "复核项仍列在待复核清单中。）")


def _env(fact: Fact, params: dict, pack: Pack, weight: Decimal) -> dict:
    env = {k: v for k, v in fact.fields.items() if v.__class__ is Decimal or v.__class__ is int}
    env.pop("id", None)
    env["weight"] = weight
    for name, value in params.items():
        env[name] = resolve_param(value, pack.params)
    return env


def declared_weight(fact: Fact) -> Decimal | None:
    """The weight the form gives the row (its 分值), budget row included."""
    declared = fact.fields.get("weight")
    return None if declared is None else D(declared)


def comparable_self_score(fact: Fact, weight: Decimal, places: int) -> Decimal | None:
    """The department's score on the scale the rules used: when the pack weighs a row differently
    from the form (a section with `scale_rows`, or the budget row whose weight the pack sets), the
    self score is rescaled by the same factor as the row's weight."""
    own = fact.fields.get("self_score")
    declared = declared_weight(fact)
    if own is None or declared is None or declared == weight or not declared:
        return own
    return round_half_up(own * weight / declared, places)


def rescale_step(fact: Fact, weight: Decimal, self_score: Decimal | None) -> str:
    """The rescaling of a row, as the ledger's first step ("" when the row keeps its weight)."""
    declared = declared_weight(fact)
    if declared is None or declared == weight or not declared:
        return ""
    own = fact.fields.get("self_score")
    self_part = "" if own is None else f"，自评分 {fmt(own)} → {fmt(self_score)}"
    return f"分值折算 {fmt(declared)} → {fmt(weight)}{self_part}；"


def score_fact(fact: Fact, rule: Rule, pack: Pack, weight: Decimal) -> LedgerEntry:
    method = pack.methods[rule.score["method"]]
    params = {**method.params, **(rule.score.get("params") or {})}
    env = _env(fact, params, pack, weight)
    try:
        raw, formula = method.formula.evaluate_and_render(env)
    except ExprError as exc:
        raise JixiaoError([Problem(
            code="E-SCORE", stage="score", file=rule.file, field=format_path((*rule.path, "score")),
            message=tr(f"规则 {rule.code}（{method.name}：{method.formula.source}）对“{fact.item}”无法计算：{exc.message}",
                       f"rule {rule.code} ({method.name}: {method.formula.source}) cannot be evaluated for "
                       f"“{fact.item}”: {exc.message}"),
        )]) from None
    clamped = min(max(raw, ZERO), weight)
    points = round_half_up(clamped, pack.places)
    if clamped != raw:
        formula = f"{formula} = {fmt(round_half_up(raw, pack.places))}，限定在 0–{fmt(weight)} 分之间"
    deduction = weight - points
    self_score = comparable_self_score(fact, weight, pack.places)
    values = {
        **fact.display,
        **{name: fmt(env[name]) for name in params},
        "weight": fmt(weight),
        "score": fmt(points),
        "deduction": fmt(deduction),
        "formula": formula,
        "self_score": fmt(self_score),
    }
    return LedgerEntry(
        section=fact.section,
        row=fact.row.number if fact.row else None,
        item=fact.item,
        rule=rule.code,
        rule_title=rule.title,
        method=method.name,
        weight=weight,
        points=points,
        deduction=deduction,
        self_score=self_score,
        inputs=_inputs(fact, weight),
        formula=rescale_step(fact, weight, self_score) + (formula if formula == fmt(points) else f"{formula} = {fmt(points)}"),
        explanation=render_message(rule.message, values) + _WEIGHT_SOURCE.get(fact.weight_source, "")
        + budget_weight_note(fact, weight),
        citation=rule.citation,
    )


def budget_weight_note(fact: Fact, weight: Decimal) -> str:
    """Which weight scored the budget row, when the form states another (the pack sets it)."""
    declared = declared_weight(fact)
    if fact.kind != "budget" or declared is None or declared == weight:
        return ""
    return f"（分值按规则包规定的 {fmt(weight)} 分计；表上所填分值为 {fmt(declared)} 分，见核查结果）"


_SOURCE_NAMES = {"level2": "二级指标标题", "level1": "一级指标标题", "section": "本部分分值（总标题）"}
_WEIGHT_SOURCE = {k: f"（分值取自{v}，按行平均分配）" for k, v in _SOURCE_NAMES.items()}


def _inputs(fact: Fact, weight: Decimal) -> tuple[tuple[str, str], ...]:
    if fact.kind == "indicator":
        row = fact.row
        scaled = () if row.weight is None or row.weight == weight else (("declared_weight", fmt(row.weight)),)
        if fact.fields.get("weight") is None:  # judged without points, or 待复核: no weight to show
            scaled = ()
            weight = None if fact.review else "—"
        if fact.weight_source != "row":
            scaled = (("weight_source", _SOURCE_NAMES[fact.weight_source]),)
        return (
            ("target", row.target),
            ("actual", row.actual),
            ("weight", weight if isinstance(weight, str) else fmt(weight)),
            *scaled,
            ("self_score", fmt(row.score)),
            ("reason", row.reason),
        )
    d = fact.display
    declared = declared_weight(fact)
    scaled = () if declared is None or declared == weight else (("declared_weight", fmt(declared)),)
    return (
        ("initial", d.get("initial", "")),
        ("full_year", d.get("full_year", "")),
        ("executed", d.get("executed", "")),
        ("rate", d.get("rate_text", "")),
        ("weight", fmt(weight)),
        *scaled,
        ("self_score", fmt(fact.fields.get("self_score"))),
    )


def _unscored(fact: Fact, weight: Decimal, places: int) -> tuple[LedgerEntry, Finding]:
    entry = LedgerEntry(
        section=fact.section, row=fact.row.number if fact.row else None, item=fact.item,
        rule="—", rule_title="没有适用的评分规则", method="none", weight=weight, points=ZERO,
        deduction=weight, self_score=comparable_self_score(fact, weight, places), inputs=_inputs(fact, weight),
        formula="0", explanation=f"“{fact.item}”没有适用的评分规则，暂计 0 分，需人工复核。", citation="",
    )
    finding = Finding(
        rule="JX-ENGINE-NORULE", severity="error", title="没有适用的评分规则",
        message=f"第 {entry.row} 行“{fact.item}”没有任何评分规则的条件成立，规则包可能不完整。",
        subject=fact.item, row=entry.row, numbers=(), citation="",
        fix="在规则包中补充覆盖这类指标的评分规则，或检查该行的指标值写法。",
    )
    return entry, finding


def _scaled_weights(pack: Pack, facts: list[Fact]) -> dict[int, Decimal]:
    """Per indicator fact (by id), its weight on the pack's scale. For sections whose policy
    says `scale_rows: true` (a province weighting 产出 40 scores a form whose 产出 rows add up
    to 50 at 40/50 of each row's weight) the scaled weights are rounded by largest remainder, so
    they add up to the section's weight exactly (never 40.01)."""
    out: dict[int, Decimal] = {}
    for section in pack.sections:
        members = [f for f in facts if f.kind == "indicator" and f.section == section.key and f.fields.get("weight") is not None]
        declared = sum((D(f.fields["weight"]) for f in members), ZERO)
        if not section.scale_rows or not declared or declared == section.weight:
            for f in members:
                out[f.id] = D(f.fields["weight"])
            continue
        exact = [D(f.fields["weight"]) * section.weight / declared for f in members]
        for f, w in zip(members, largest_remainder(exact, section.weight, pack.places)):
            out[f.id] = w
    for f in facts:  # rows in no section of the pack (待复核): their weight as written
        if f.kind == "indicator" and f.id not in out and f.fields.get("weight") is not None:
            out[f.id] = D(f.fields["weight"])
    return out


def _fact_weight(fact: Fact, pack: Pack, weights: dict[int, Decimal]) -> Decimal:
    if fact.kind == "budget":
        # The pack sets what budget execution is worth; the form's 分值 is the department's claim.
        return next(s.weight for s in pack.sections if s.key == fact.section)
    return weights.get(fact.id, ZERO)


def _review_entry(fact: Fact, rule: Rule | None, pack: Pack, weight: Decimal) -> LedgerEntry:
    """A row (or the budget block) that could not be scored for sure: 待复核. Kept out of the
    total, or counted at the department's own score when the pack's `review_rows` says
    `self_score` (still provisional); never a shortfall."""
    if fact.review:
        reason = fact.review
    else:
        reason = render_message(rule.message, {**fact.display, "weight": fmt(weight), "score": "0", "deduction": "0",
                                               "formula": "", "self_score": fmt(fact.fields.get("self_score"))})
    self_score = comparable_self_score(fact, weight, pack.places) if fact.row else fact.fields.get("self_score")
    provisional = pack.vocabulary.get("review_rows") == "self_score" and self_score is not None
    points = round_half_up(min(max(self_score, ZERO), weight) if provisional else ZERO, pack.places)
    then = "核实后重新评分"
    if provisional:
        counted = f"暂按自评得分 {fmt(points)} 分计入总分（待复核）"
    elif fact.kind == "indicator" and fact.fields.get("weight") is None and fact.fields.get("child"):
        counted, then = "“其中”行的分值由上级指标承担，本行不计分", "核实后再判断完成情况"
    elif fact.kind == "indicator" and fact.fields.get("weight") is None:
        counted, then = "表中没有分值，本行不计分", "核实后再判断完成情况"
    else:
        counted = f"本项分值 {fmt(weight)} 分暂不计入总分"
    source = _WEIGHT_SOURCE.get(fact.weight_source, "")
    return LedgerEntry(
        section=fact.section, row=fact.row.number if fact.row else None, item=fact.item,
        rule=rule.code if rule else "—", rule_title=rule.title if rule else "待复核", method="review", weight=weight,
        points=points, deduction=round_half_up(ZERO, pack.places), self_score=self_score, inputs=_inputs(fact, weight),
        formula="待复核",
        explanation=f"待复核：{reason.rstrip('。')}。{counted}{source}{budget_weight_note(fact, weight)}，{then}。",
        citation=rule.citation if rule else "", outcome="review",
    )


_UNWEIGHTED = "表中没有分值：只判断完成情况，不计分"


def _judged_entry(fact: Fact, rule: Rule) -> LedgerEntry:
    """A row the form gives no points (no 分值 on the row or its headings, or a "其中" row whose
    parent carries them), judged by a rule with `score: {outcome: judged, verdict}`: its values
    compared as any row's, the verdict (met / unmet / partial) and the completion ratio kept, no
    points and no deduction (not 0 points: none), out of the total."""
    ratio = fact.fields.get("ratio")
    values = {**fact.display, "weight": "—", "score": "—", "deduction": "—", "formula": "",
              "self_score": fmt(fact.fields.get("self_score"))}
    if fact.fields.get("child") and fact.row is not None:
        note = f"“其中”行，分值由上级指标（第 {fact.row.parent} 行）承担：只判断完成情况，不计分"
    else:
        note = _UNWEIGHTED
    message = render_message(rule.message, values).rstrip("。")
    ratio_text = ""
    if ratio is not None:
        what = "实际值为指标值的" if fact.fields.get("direction") == "reverse" else "完成比例"
        ratio_text = (f"{what} {fmt(fact.fields['actual'])} ÷ {fmt(fact.fields['target'])} = "
                      f"{fmt(round_half_up(ratio * 100, 2))}%")
    return LedgerEntry(
        section=fact.section, row=fact.row.number if fact.row else None, item=fact.item,
        rule=rule.code, rule_title=rule.title, method="judged", weight=ZERO, points=ZERO, deduction=ZERO,
        self_score=fact.fields.get("self_score"), inputs=_inputs(fact, ZERO),
        formula=ratio_text or "—",
        explanation=f"{message}。{note}。",
        citation=rule.citation, outcome="judged", verdict=rule.score["verdict"], ratio=ratio,
    )


def _judging_mismatch(fact: Fact, rule: Rule, unweighted: bool) -> str | None:
    """Why the chosen rule cannot decide this row, or None: a row without points chosen by a rule
    that gives points (the pack has no judging rule for it: 待复核, never 0 points of nothing),
    or a row with points chosen by a judging rule (its points must be scored)."""
    judged = rule.score.get("outcome") == "judged"
    if unweighted and not judged and rule.score.get("outcome") != "review":
        return f"该行没有分值（行上和标题中都没有），规则 {rule.code} 按分值计分，规则包没有只判断完成情况的规则适用于它"
    if judged and not unweighted:
        return f"该行有分值，规则 {rule.code} 却只判断完成情况、不计分；须按计分规则评分"
    return None


def _finding(rule: Rule, fact: Fact) -> Finding:
    values = dict(fact.display)
    return Finding(
        rule=rule.code,
        severity=rule.finding["severity"],
        title=rule.title,
        message=render_message(rule.message, values),
        subject=fact.item,
        row=fact.row.number if fact.row else None,
        numbers=tuple((k, str(v)) for k, v in fact.display.items() if v not in (None, "")),
        citation=rule.citation,
        fix=render_message(rule.fix, values) if rule.fix else None,
        passed=bool(rule.finding.get("passed", False)),
    )


def _deductions(pack: Pack, findings: list[Finding], ledger: list[LedgerEntry]) -> list[LedgerEntry]:
    """Checks that carry `deduct: {points, from, per}` take points from a section, never below 0."""
    out: list[LedgerEntry] = []
    for rule in pack.rules:
        if not rule.deduct:
            continue
        hits = [f for f in findings if f.rule == rule.code and not f.passed]
        if not hits:
            continue
        section = rule.deduct["from"]
        count = len(hits) if rule.deduct.get("per", "case") == "finding" else 1
        each = resolve_param(rule.deduct["points"], pack.params)
        wanted = each * count
        available = sum((e.points for e in (*ledger, *out) if e.section == section), ZERO)
        taken = min(wanted, max(available, ZERO))
        formula = f"{fmt(each)} × {count}" if count > 1 else fmt(wanted)
        if taken != wanted:
            formula += f"，本部分仅余 {fmt(available)} 分，扣完为止"
        title = next((s.title for s in pack.sections if s.key == section), section)
        out.append(LedgerEntry(
            section=section, row=hits[0].row if count == 1 else None, item=rule.title, rule=rule.code,
            rule_title=rule.title, method="deduction", weight=ZERO, points=-taken, deduction=taken, self_score=None,
            inputs=tuple((f"{i + 1}", h.message) for i, h in enumerate(hits)),
            formula=f"{formula} = {fmt(taken)}",
            explanation=f"{hits[0].message}按规则从“{title}”扣 {fmt(taken)} 分。",
            citation=rule.citation, kind="deduction",
        ))
    return out


def _findings_for(pack: Pack, facts: list[Fact], matches) -> list[Finding]:
    out = []
    for fact, codes in zip(facts, matches):
        for code in codes:
            rule = pack.rule(code)
            if rule.finding is not None:
                out.append(_finding(rule, fact))
    return out


@dataclass(frozen=True)
class Evaluation:
    """A scored case and what led to it: every fact the matcher saw, with the codes it matched
    (what `jixiao score --why` explains)."""

    result: Result
    facts: tuple[Fact, ...]
    matches: tuple[tuple[str, ...], ...]


def score_case(case: Case, pack: Pack, matcher) -> Result:
    """Score one case. `matcher` is a compiled engine.match.Matcher for this pack."""
    return evaluate_case(case, pack, matcher).result


# The parts of a filing, in words, and what each feeds: the fact kinds built only from it and
# the document fields read from it. A pack rule on such a kind or field cannot run without it.
_PART_TITLES = {"target_table": "绩效目标表", "budget": "预算执行情况（资金）", "indicators": "绩效指标（自评表）",
                "total": "自评总分行", "report": "自评报告"}
_PART_FEEDS = {
    "target_table": ({"target_match"}, {"target_budget", "target_budget_diff", "target_budget_abs_diff",
                                        "target_date_days_into_year"}),
    "budget": ({"budget", "rate"}, {"initial", "full_year", "executed", "adjustment_rate", "adjustment_abs"}),
    "indicators": ({"indicator", "scored_row"}, {"rows", "all_full_marks", "any_reason", "template_rows",
                                                 "numbered_names"}),
    "total": (set(), set()),
    "report": ({"share", "share_total", "figure", "report_indicator", "report_spending", "item_grade"}, set()),
}


def _fields_of(condition) -> set[str]:
    found: set[str] = set()
    if isinstance(condition, dict):
        if isinstance(condition.get("field"), str):
            found.add(condition["field"])
        for value in condition.values():
            found |= _fields_of(value)
    elif isinstance(condition, (list, tuple)):
        for value in condition:
            found |= _fields_of(value)
    return found


def not_checkable(case: Case, pack: Pack) -> tuple[NotCheckable, ...]:
    """Each part the filing lacks, with the pack's rules that need it."""
    out = []
    for part in case.missing_parts:
        kinds, fields = _PART_FEEDS[part]
        codes = tuple(r.code for r in pack.rules
                      if r.applies_to in kinds or (r.applies_to == "document" and _fields_of(r.when) & fields))
        out.append(NotCheckable(part, _PART_TITLES[part], codes))
    return tuple(out)


def _case_review(case: Case, pack: Pack) -> list[ReviewEntry]:
    # every item is listed as written (an item naming a row also makes that row 待复核, see facts.read_case)
    out = [ReviewEntry("case", item.field, item.reason, field=item.field, value=item.value) for item in case.review]
    # A part the pack scores is missing: the total covers only what is there, so it is provisional.
    scored_parts = {"indicators": "绩效指标（自评表）"}
    if any(not s.level1 for s in pack.sections):
        scored_parts["budget"] = "预算执行情况"
    for part, title in scored_parts.items():
        if part not in case.parts:
            worth = sum((s.weight for s in pack.sections if bool(s.level1) == (part == "indicators")), Decimal(0))
            out.append(ReviewEntry("part", title, f"材料没有{title}，这部分（{fmt(worth)} 分）无法评分，总分只含已有部分。",
                                   field=part))
    if case.year is None:
        out.append(ReviewEntry("year", "年度", "材料未写明预算年度：按年度选择规则包和核对日期需要它；用 --year 补充。",
                               field="year"))
    return out


def _grade(pack: Pack, total: Decimal) -> str:
    """The pack's band for a total; a total outside every band gets the nearest band (above
    the maximum: the top band), so a grade is never blank."""
    grade = pack.grade_for(total)
    if grade or not pack.grades:
        return grade
    top = max(pack.grades, key=lambda g: g.max)
    bottom = min(pack.grades, key=lambda g: g.min)
    return top.grade if total >= top.max else bottom.grade if total < bottom.min else grade


def _grade_withheld(pack: Pack, scored_max: Decimal, worth: Decimal, unweighted: int = 0) -> str:
    """Why the grade is only provisional (暂不定级), or "" when it is not: the points the rules
    could score are less than the pack's `grade_min_scored_share` of what the sections are worth
    (the pack's weights, or a scoresheet's own points; at most the pack's total): the rest awaits
    review or is missing; or rows the form gives no points (`unweighted`, judged without points)
    stand beside fewer scored points than the sections are worth: what share of the filing the
    total covers is unknown, and a grade from the few points there are would be no verdict."""
    share = pack.params.get("grade_min_scored_share")
    maximum = min(worth, pack.total)
    if maximum <= 0:
        return ""
    if unweighted and scored_max < maximum:
        return (f"表中 {unweighted} 行指标没有分值，只判断完成情况、不计分；能按规则计分的只有 {fmt(scored_max)} 分"
                f"（满分 {fmt(maximum)} 分），总分占整份自评的比例无从确定，等级暂不评定")
    if share is not None and scored_max < D(share) * maximum:
        return (f"能按规则计分的只有 {fmt(scored_max)} 分，不到满分 {fmt(maximum)} 分的 "
                f"{fmt(round_half_up(D(share) * 100, 2))}%（规则包参数 grade_min_scored_share），其余待复核或无法评分，等级暂不评定")
    return ""


def section_weights(case: Case, pack: Pack, facts: list[Fact]) -> dict[str, Decimal]:
    """What each section is worth for this case: the pack's weight, or, where the pack's
    vocabulary says `section_weights: form` (criteria scoresheets, whose blocks differ from form
    to form), the points the form states on the section's level-1 headings (else the sum of its
    row weights), never more than the pack's total."""
    out = {s.key: s.weight for s in pack.sections}
    if pack.vocabulary.get("section_weights") != "form":
        return out
    indicators = [f for f in facts if f.kind == "indicator"]
    sections_of_block: dict[int, set[str]] = {}
    for f in indicators:
        sections_of_block.setdefault(f.row.path[2], set()).add(f.section)
    for s in pack.sections:
        rows = [f for f in indicators if f.section == s.key]
        if not rows:
            continue
        stated = ZERO
        counted: set[int] = set()
        for f in rows:
            block = f.row.path[2]
            whole = sections_of_block[block] == {s.key} and f.row.level1_points is not None
            if whole:  # a level-1 block of this section only, with its points written: those points
                if block not in counted:
                    counted.add(block)
                    stated += D(f.row.level1_points)
            elif f.fields.get("weight") is not None:  # a block shared with another section: its rows' weights
                stated += D(f.fields["weight"])
        if stated:
            out[s.key] = min(stated, pack.total)
    return out


def _caps(pack: Pack, ledger: list[LedgerEntry], worth: dict[str, Decimal]) -> tuple[list[LedgerEntry], list[Finding]]:
    """Sections whose points exceed their weight (row weights on the form adding up to more
    than the pack gives the section) are capped at the weight: one negative `cap` entry and an
    error finding explaining the overflow each."""
    entries: list[LedgerEntry] = []
    findings: list[Finding] = []
    for s in pack.sections:
        got = sum((e.points for e in ledger if e.section == s.key), ZERO)
        limit = worth[s.key]
        if got <= limit:
            continue
        weights = sum((e.weight for e in ledger if e.section == s.key and e.kind == "score"), ZERO)
        over = got - limit
        text = (f"“{s.title}”各项得分合计 {fmt(got)} 分，超过本部分分值 {fmt(limit)} 分（表上各行分值合计 "
                f"{fmt(weights)} 分），超出的 {fmt(over)} 分不计入，本部分按 {fmt(limit)} 分计。")
        entries.append(LedgerEntry(
            section=s.key, row=None, item=f"{s.title}超出分值部分", rule="JX-ENGINE-CAP", rule_title="部分得分不超过其分值",
            method="cap", weight=ZERO, points=-over, deduction=over, self_score=None,
            inputs=(("section_points", fmt(got)), ("section_weight", fmt(limit)), ("row_weights", fmt(weights))),
            formula=f"{fmt(got)} − {fmt(limit)} = {fmt(over)}", explanation=text, citation="", kind="cap",
        ))
        findings.append(Finding(
            rule="JX-ENGINE-CAP", severity="error", title="部分得分超过其分值", message=text, subject=s.title, row=None,
            numbers=(("section_points", fmt(got)), ("section_weight", fmt(limit)), ("row_weights", fmt(weights))),
            citation="", fix="核对表上各行分值：一个部分各行分值之和应等于该部分的分值。",
        ))
    return entries, findings


def evaluate_case(case: Case, pack: Pack, matcher) -> Evaluation:
    """Score one case, keeping the facts and matches behind the result."""
    reading = read_case(case, pack)
    facts = reading.facts
    unplaced: dict[int, str] = {}  # rows judged without points outside every section: why
    if reading.unmapped and case.format == FORMAT_V2:
        # v2: a row whose block the pack cannot place: its points have nowhere to go, so a row with
        # points is 待复核 (shown, kept out of the total); a row the form gives no points is judged
        # as any such row (judging needs no section, only points do) and listed apart
        names = "、".join(s.title for s in pack.sections)
        unmapped = {r.number for r in reading.unmapped}
        out = []
        for f in facts:
            if f.row is None or f.row.number not in unmapped:
                out.append(f)
                continue
            where = (f"一级指标“{f.row.level1 or '（空）'}”、二级指标“{f.row.level2 or '（空）'}”"
                     f"不属于规则包 {pack.id} 的任何部分（{names}）")
            if f.fields.get("weight") is None and _judges_unweighted(pack, f):
                unplaced[f.row.number] = where
                out.append(replace(f, review=f"{f.review.rstrip('。')}；{where}") if f.review else f)
            elif f.fields.get("weight") is None:  # its share of a section's points is unknown
                out.append(replace(f, review=f"{where}，该行应分得的分值无法确定，无法计分；可用适合该版式的规则包评分"))
            else:
                out.append(replace(f, review=f"{where}，该行的分值无法计入任何部分，无法计分；"
                                             "可用适合该版式的规则包评分"))
        facts = out
    elif reading.unmapped:
        names = ", ".join(s.key for s in pack.sections)
        raise JixiaoError([
            Problem(
                code="E-CASE-SECTION", stage="score", file=case.file, field=format_path((*row.path[:3], "level1")),
                message=tr(f"第 {row.number} 行“{row.name}”：一级指标“{row.level1}”"
                           + (f"（二级指标“{row.level2}”）" if not row.level1.strip() else "")
                           + f"对不上规则包 {pack.id} 的任何部分（{names}）",
                           f"row {row.number} “{row.name}”: level-1 “{row.level1}”"
                           + (f" (level-2 “{row.level2}”)" if not row.level1.strip() else "")
                           + f" matches no section of pack {pack.id} ({names})"),
                hint=tr("适用于这种版式的规则包（applies_to.layouts，或用 --rules 指定）可能认得这些名称；也可以在规则包的 "
                        "vocabulary 中用 section_by_level2 / default_section 按二级指标归入",
                        "a pack for this layout (applies_to.layouts, --rules) may name these blocks; or map the level-2 "
                        "words with the pack's vocabulary section_by_level2 / default_section"),
            )
            for row in reading.unmapped
        ])
    last = max((f.id for f in facts), default=0)
    checks = check_facts(case, pack, start_id=last)
    first = [*facts, *checks]
    matches = matcher.match([f.fields for f in first])
    ledger: list[LedgerEntry] = []
    findings: list[Finding] = []
    review: list[ReviewEntry] = _case_review(case, pack)
    weights = _scaled_weights(pack, facts)
    for fact, codes in zip(facts, matches):
        weight = _fact_weight(fact, pack, weights)
        rule = choose_score_rule(pack, codes)
        lifted = ""
        if fact.review and scope_allows(fact, rule, pack):
            # the doubted cell feeds nothing this rule (or one before it) reads: scored, the item stays listed
            lifted = fact.review
            fact = replace(fact, review=None, fields={**fact.fields, "readable": True})  # noqa: PLW2901
        if fact.review and rule is not None and rule.score.get("outcome") != "review":
            # a row 待复核 for what it says (a doubted cell, a block the pack cannot place) is not
            # scored by the rule its readable cells would meet: the ledger names the review rule
            held = tuple(c for c in codes if (pack.rule(c).score or {}).get("outcome") == "review")
            rule = choose_score_rule(pack, held)
        unweighted = (fact.kind == "indicator" and fact.fields.get("weight") is None
                      and fact.fields.get("direction") != "na")
        mismatch = _judging_mismatch(fact, rule, unweighted) if rule is not None and not fact.review else None
        if mismatch:
            fact = replace(fact, review=mismatch)  # noqa: PLW2901
        elif not fact.review and rule is not None and rule.score.get("outcome") == "judged":
            entry = _unplaced_note(_judged_entry(fact, rule), fact, unplaced)
            ledger.append(replace(entry, explanation=_lifted_note(entry.explanation, lifted, rule)) if lifted else entry)
            continue
        if fact.review or (rule is not None and rule.score.get("outcome") == "review"):
            entry = _unplaced_note(_review_entry(fact, rule, pack, weight), fact, unplaced)
            ledger.append(entry)
            review.append(ReviewEntry("row", fact.item, entry.explanation, row=entry.row,
                                      field="row" if fact.row else "budget",
                                      value=(fact.row.actual if fact.row else fact.display.get("rate_text", ""))))
        elif rule is None:
            entry, finding = _unscored(fact, weight, pack.places)
            ledger.append(entry)
            findings.append(finding)
        else:
            entry = score_fact(fact, rule, pack, weight)
            if lifted:
                entry = replace(entry, explanation=_lifted_note(entry.explanation, lifted, rule))
            ledger.append(entry)
    findings.extend(_findings_for(pack, first, matches))
    scored = scored_row_facts(case, [f for f in facts if f.kind == "indicator"], ledger,
                              start_id=max((f.id for f in first), default=0), pack=pack)
    scored = [*scored, *group_facts([f for f in facts if f.kind == "indicator"], ledger,
                                    start_id=max((f.id for f in (*first, *scored)), default=0), places=pack.places)]
    scored_matches = matcher.match([f.fields for f in scored])
    findings.extend(_findings_for(pack, scored, scored_matches))
    ledger.extend(_deductions(pack, findings, ledger))
    worth = section_weights(case, pack, facts)
    capped, cap_findings = _caps(pack, ledger, worth)
    ledger.extend(capped)
    findings.extend(cap_findings)

    merged = [f for f in scored if f.kind == "scored_group"]
    sections = []
    for s in pack.sections:
        entries = [e for e in ledger if e.section == s.key]
        # rows under review or judged without points have no rule score: their self scores are left
        # out of the comparison
        self_scores = [e.self_score for e in entries if e.self_score is not None and e.kind == "score"
                       and e.outcome == "scored"]
        # a merged 得分 cell is the self score of its whole group (its rows carry none)
        self_scores += [g.fields["self_score"] for g in merged if g.section == s.key and not g.fields["rows_review"]]
        sections.append(SectionScore(
            key=s.key, title=s.title, weight=worth[s.key],
            score=sum((e.points for e in entries), ZERO),
            self_score=sum(self_scores, ZERO) if self_scores else None,
        ))
    total = sum((e.points for e in ledger), ZERO)
    if total > pack.total:  # sections within their weights but adding up to more than the pack's total
        over = total - pack.total
        text = (f"各部分得分合计 {fmt(total)} 分，超过满分 {fmt(pack.total)} 分，超出的 {fmt(over)} 分不计入。")
        ledger.append(LedgerEntry(
            section=pack.sections[-1].key, row=None, item="总分超出满分部分", rule="JX-ENGINE-CAP",
            rule_title="总分不超过满分", method="cap", weight=ZERO, points=-over, deduction=over, self_score=None,
            inputs=(("total", fmt(total)), ("max", fmt(pack.total))), formula=f"{fmt(total)} − {fmt(pack.total)} = {fmt(over)}",
            explanation=text, citation="", kind="cap"))
        findings.append(Finding(rule="JX-ENGINE-CAP", severity="error", title="总分超过满分", message=text, subject="总分",
                                row=None, numbers=(("total", fmt(total)), ("max", fmt(pack.total))), citation="",
                                fix="核对各部分分值：各部分分值之和应等于满分。"))
        total = pack.total
        sections[-1] = SectionScore(sections[-1].key, sections[-1].title, sections[-1].weight,
                                    sections[-1].score - over, sections[-1].self_score)
    self_items = [e.self_score for e in ledger if e.self_score is not None and e.kind == "score"]
    self_items += [g.fields["self_score"] for g in merged]
    # The department's own total: the table's 总分 row, else the total its report states.
    self_total, self_source = case.stated_total_score, ""
    if self_total is None and case.report_total_score is not None:
        self_total, self_source = case.report_total_score, "report"
    scored_max = sum((e.weight for e in ledger if e.kind == "score" and e.outcome == "scored"), ZERO)
    children = {f.row.number for f in facts if f.kind == "indicator" and f.fields.get("child")}
    unweighted = sum(1 for e in ledger if e.outcome == "judged" and e.row not in children)
    withheld = _grade_withheld(pack, scored_max, sum(worth.values(), ZERO), unweighted)
    result = Result(
        engine_version=__version__,
        matcher=matcher.name,
        case_file=case.file,
        case_sha256=case.sha256,
        unit=case.unit,
        year=case.year,
        form=case.form,
        project=case.project,
        supervisor=case.supervisor,
        implementer=case.implementer,
        project_category=case.project_category,
        pack_id=pack.id,
        pack_title=pack.title,
        pack_version=pack.version,
        pack_sha256=pack.sha256,
        pack_chain=pack.chain,
        places=pack.places,
        sections=tuple(sections),
        total=total,
        max_total=pack.total,
        grade=_grade(pack, total),
        self_total=self_total,
        self_grade=_grade(pack, self_total) if self_total is not None else None,
        self_total_source=self_source,
        scored_max=scored_max,
        grade_withheld=bool(withheld),
        grade_withheld_reason=withheld,
        self_items_sum=sum(self_items, ZERO) if self_items else None,
        ledger=tuple(ledger),
        findings=tuple(findings),
        review_items=tuple(review),
        not_checkable=not_checkable(case, pack),
        skipped_rows=tuple(Skipped(r.row, r.name, r.reason) for r in reading.skipped),
        actions=plan_actions(tuple(findings), tuple(ledger), pack.letter),
        self_scoring_rules=tuple(pack.letter.get("self_scoring_rules") or ()),
    )
    return Evaluation(result, (*first, *scored), (*map(tuple, matches), *map(tuple, scored_matches)))
