"""Score stage: facts + the rules that matched them -> the ledger and the Result.

Pure: no file or terminal I/O. For each fact the score rules that matched are ordered by
(priority, pack order) and the first one scores it; its method's formula is evaluated in Decimal,
kept within [0, weight], rounded half-up to the pack's places, and explained with the rule's
message. Section scores and the total are sums of the ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from . import __version__
from .actions import plan as plan_actions
from .case import Case
from .decimals import D, fmt, round_half_up
from .errors import JixiaoError, Problem, format_path
from .expr import ExprError
from .facts import Fact, build_facts
from .facts_checks import check_facts, scored_row_facts
from .result import Finding, LedgerEntry, Result, SectionScore
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


def _env(fact: Fact, params: dict, pack: Pack, weight: Decimal) -> dict:
    env = {k: v for k, v in fact.fields.items() if v.__class__ is Decimal or v.__class__ is int}
    env.pop("id", None)
    env["weight"] = weight
    for name, value in params.items():
        env[name] = resolve_param(value, pack.params)
    return env


def comparable_self_score(fact: Fact, weight: Decimal, places: int) -> Decimal | None:
    """The department's score on the scale the rules used: when a section's row weights are
    scaled (`scale_rows`), the self score is scaled by the same factor."""
    own = fact.fields.get("self_score")
    declared = fact.row.weight if fact.row else None
    if own is None or declared is None or declared == weight or not declared:
        return own
    return round_half_up(own * weight / declared, places)


def score_fact(fact: Fact, rule: Rule, pack: Pack, weight: Decimal) -> LedgerEntry:
    method = pack.methods[rule.score["method"]]
    params = {**method.params, **(rule.score.get("params") or {})}
    env = _env(fact, params, pack, weight)
    try:
        raw, formula = method.formula.evaluate_and_render(env)
    except ExprError as exc:
        raise JixiaoError([Problem(
            code="E-SCORE", stage="score", file=rule.file, field=format_path((*rule.path, "score")),
            message=f"rule {rule.code} ({method.name}: {method.formula.source}) cannot be evaluated for "
                    f"“{fact.item}”: {exc.message}",
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
        formula=formula if formula == fmt(points) else f"{formula} = {fmt(points)}",
        explanation=render_message(rule.message, values),
        citation=rule.citation,
    )


def _inputs(fact: Fact, weight: Decimal) -> tuple[tuple[str, str], ...]:
    if fact.kind == "indicator":
        row = fact.row
        scaled = () if row.weight is None or row.weight == weight else (("declared_weight", fmt(row.weight)),)
        return (
            ("target", row.target),
            ("actual", row.actual),
            ("weight", fmt(weight)),
            *scaled,
            ("self_score", fmt(row.score)),
            ("reason", row.reason),
        )
    d = fact.display
    return (
        ("initial", d.get("initial", "")),
        ("full_year", d.get("full_year", "")),
        ("executed", d.get("executed", "")),
        ("rate", d.get("rate_text", "")),
        ("weight", fmt(weight)),
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


def _scale_factors(pack: Pack, facts: list[Fact]) -> dict[str, Decimal]:
    """Per section, the factor that brings the form's row weights to the pack's section weight,
    for sections whose policy says `scale_rows: true` (a province weighting 产出 40 scores a
    form whose 产出 rows add up to 50 at 40/50 of each row's weight)."""
    factors = {}
    for section in pack.sections:
        declared = sum((D(f.fields["weight"]) for f in facts
                        if f.kind == "indicator" and f.section == section.key and f.fields.get("weight") is not None),
                       ZERO)
        factors[section.key] = section.weight / declared if section.scale_rows and declared else Decimal(1)
    return factors


def _fact_weight(fact: Fact, pack: Pack, factors: dict[str, Decimal]) -> Decimal:
    if fact.kind == "budget":
        # The pack sets what budget execution is worth; the form's 分值 is the department's claim.
        return next(s.weight for s in pack.sections if s.key == fact.section)
    weight = fact.fields.get("weight")
    if weight is None:
        return ZERO
    factor = factors.get(fact.section, Decimal(1))
    return D(weight) if factor == 1 else round_half_up(D(weight) * factor, pack.places)


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


def evaluate_case(case: Case, pack: Pack, matcher) -> Evaluation:
    """Score one case, keeping the facts and matches behind the result."""
    facts = build_facts(case, pack)
    unknown = [f for f in facts if not f.section]
    if unknown:
        names = ", ".join(s.key for s in pack.sections)
        raise JixiaoError([
            Problem(
                code="E-CASE-SECTION", stage="score", file=case.file, field=format_path((*f.row.path[:3], "level1")),
                message=f"row {f.row.number} “{f.item}”: level-1 “{f.row.level1}” matches no section of pack "
                        f"{pack.id} ({names})",
            )
            for f in unknown
        ])
    checks = check_facts(case, pack, start_id=max(f.id for f in facts))
    first = [*facts, *checks]
    matches = matcher.match([f.fields for f in first])
    ledger: list[LedgerEntry] = []
    findings: list[Finding] = []
    factors = _scale_factors(pack, facts)
    for fact, codes in zip(facts, matches):
        weight = _fact_weight(fact, pack, factors)
        rule = choose_score_rule(pack, codes)
        if rule is None:
            entry, finding = _unscored(fact, weight, pack.places)
            ledger.append(entry)
            findings.append(finding)
        else:
            ledger.append(score_fact(fact, rule, pack, weight))
    findings.extend(_findings_for(pack, first, matches))
    scored = scored_row_facts(case, [f for f in facts if f.kind == "indicator"], ledger, start_id=max(f.id for f in first),
                              pack=pack)
    scored_matches = matcher.match([f.fields for f in scored])
    findings.extend(_findings_for(pack, scored, scored_matches))
    ledger.extend(_deductions(pack, findings, ledger))

    sections = []
    for s in pack.sections:
        entries = [e for e in ledger if e.section == s.key]
        self_scores = [e.self_score for e in entries if e.self_score is not None and e.kind == "score"]
        sections.append(SectionScore(
            key=s.key, title=s.title, weight=s.weight,
            score=sum((e.points for e in entries), ZERO),
            self_score=sum(self_scores, ZERO) if self_scores else None,
        ))
    total = sum((e.points for e in ledger), ZERO)
    self_items = [e.self_score for e in ledger if e.self_score is not None and e.kind == "score"]
    result = Result(
        engine_version=__version__,
        matcher=matcher.name,
        case_file=case.file,
        case_sha256=case.sha256,
        unit=case.unit,
        year=case.year,
        form=case.form,
        pack_id=pack.id,
        pack_title=pack.title,
        pack_version=pack.version,
        pack_sha256=pack.sha256,
        pack_chain=pack.chain,
        places=pack.places,
        sections=tuple(sections),
        total=total,
        max_total=pack.total,
        grade=pack.grade_for(total),
        self_total=case.stated_total_score,
        self_grade=pack.grade_for(case.stated_total_score) if case.stated_total_score is not None else None,
        self_items_sum=sum(self_items, ZERO) if self_items else None,
        ledger=tuple(ledger),
        findings=tuple(findings),
        actions=plan_actions(tuple(findings), tuple(ledger), pack.letter),
        self_scoring_rules=tuple(pack.letter.get("self_scoring_rules") or ()),
    )
    return Evaluation(result, (*first, *scored), (*map(tuple, matches), *map(tuple, scored_matches)))
