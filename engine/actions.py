"""整改清单: the open findings of one result arranged as actions a department can take.

One action per problem (a check rule, or the rules a pack's `letter.actions` groups under one
title), with every row it concerns, the distinct fix hints, and the points at stake on those
rows; ordered by importance (severity, then points at stake, then table order). Findings about the
department's own scoring (`letter.self_scoring_rules`) are not actions: the letter explains them
beside each self score. Pure: reads the findings, the ledger and the pack's settings; all wording
comes from the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .result import SEVERITIES, Finding, LedgerEntry

ZERO = Decimal(0)
DEFAULT_SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Action:
    title: str
    severity: str  # the most serious of its findings
    rules: tuple[str, ...]
    rows: tuple[int, ...]  # rows concerned, in table order
    subjects: tuple[str, ...]  # what it concerns (a row's indicator, a statement, the budget), distinct
    fixes: tuple[str, ...]  # distinct fix hints, in finding order
    points: Decimal  # points at stake on the rows concerned (rule or self deductions, the larger per row)
    findings: tuple[Finding, ...]

    def to_dict(self, places: int) -> dict:
        return {
            "title": self.title,
            "severity": self.severity,
            "rules": list(self.rules),
            "rows": list(self.rows),
            "subjects": list(self.subjects),
            "fixes": list(self.fixes),
            "points": str(self.points.quantize(Decimal(1).scaleb(-places))),
        }


def _at_stake(rows: set[int], ledger: tuple[LedgerEntry, ...]) -> Decimal:
    total = ZERO
    for e in ledger:
        if e.kind == "score" and e.row in rows:
            total += max(e.deduction, e.self_deduction or ZERO, ZERO)
    return total


def plan(findings: tuple[Finding, ...], ledger: tuple[LedgerEntry, ...], letter: dict) -> tuple[Action, ...]:
    """The actions for the open findings whose severity the pack lists (errors and warnings by
    default)."""
    severities = tuple(letter.get("action_severities") or DEFAULT_SEVERITIES)
    self_scoring = set(letter.get("self_scoring_rules") or ())
    title_of: dict[str, str] = {}
    group_of: dict[str, str] = {}
    for spec in letter.get("actions") or ():
        for code in spec["rules"]:
            group_of.setdefault(code, spec["title"])
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.passed or f.rule in self_scoring or f.severity not in severities:
            continue
        key = group_of.get(f.rule, f.rule)
        title_of.setdefault(key, group_of.get(f.rule, f.title))
        groups.setdefault(key, []).append(f)
    ranked = []
    for index, (key, found) in enumerate(groups.items()):  # first seen = the pack's order of its checks
        rows = sorted({f.row for f in found if f.row is not None})
        action = Action(
            title=title_of[key],
            severity=min((f.severity for f in found), key=SEVERITIES.index),
            rules=tuple(dict.fromkeys(f.rule for f in found)),
            rows=tuple(rows),
            subjects=tuple(dict.fromkeys(f.subject for f in found if f.subject)),
            fixes=tuple(dict.fromkeys(f.fix for f in found if f.fix)),
            points=_at_stake(set(rows), ledger),
            findings=tuple(found),
        )
        ranked.append(((SEVERITIES.index(action.severity), -action.points, rows[0] if rows else 10**9, index), action))
    return tuple(action for _, action in sorted(ranked, key=lambda pair: pair[0]))
