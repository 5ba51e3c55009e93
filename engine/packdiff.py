"""What changes between two rule packs: settings and rules, and what that does to real cases.

`jixiao rules diff OLD NEW [--cases DIR]` answers "what does next year's policy do to our
departments". Pure: `diff_packs` compares two compiled packs, field by field and parameter by
parameter (a rule whose text is unchanged but whose parameter or method formula changed is a
changed rule too); `case_impact` compares one case's two results, row by row, and says which
rules moved the points. Scoring the cases is the command's job (an edge).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from .decimals import fmt
from .match.explain import condition_text, value_text
from .result import Result
from .rulepack import Pack, Rule

ABSENT = "（无）"


@dataclass(frozen=True)
class Change:
    path: str
    old: str
    new: str


@dataclass(frozen=True)
class RuleChange:
    code: str
    title: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class PackDiff:
    old: Pack
    new: Pack
    settings: tuple[Change, ...]
    added: tuple[Rule, ...]
    removed: tuple[Rule, ...]
    changed: tuple[RuleChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.settings or self.added or self.removed or self.changed)


def _text(value) -> str:
    if value is None:
        return ABSENT
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return value_text(value)


def _compare(old: dict, new: dict) -> list[Change]:
    """Changes between two flat {path: value} views, in a stable order."""
    keys = list(dict.fromkeys([*old, *new]))
    return [Change(k, _text(old.get(k)), _text(new.get(k))) for k in keys if _text(old.get(k)) != _text(new.get(k))]


def _settings_view(pack: Pack) -> dict:
    view: dict = {"title": pack.title, "version": pack.version, "citation": pack.citation,
                  "applies_to": pack.applies_to or None, "total": pack.total, "rounding.places": pack.places}
    for s in pack.sections:
        view[f"sections.{s.key}.title"] = s.title
        view[f"sections.{s.key}.weight"] = s.weight
        view[f"sections.{s.key}.level1"] = list(s.level1)
        view[f"sections.{s.key}.scale_rows"] = s.scale_rows
    for g in pack.grades:
        view[f"grades.{g.grade}"] = f"{fmt(g.min)}–{fmt(g.max)}"
    for name, value in pack.params.items():
        view[f"params.{name}"] = value
    for name, method in pack.methods.items():
        view[f"methods.{name}.formula"] = method.formula.source
        for pname, pvalue in method.params.items():
            view[f"methods.{name}.params.{pname}"] = pvalue
    for key, value in pack.vocabulary.items():
        view[f"vocabulary.{key}"] = value
    return view


def _param_refs(node) -> list[str]:
    if isinstance(node, dict):
        if set(node) == {"param"}:
            return [node["param"]]
        return [n for v in node.values() for n in _param_refs(v)]
    if isinstance(node, list):
        return [n for v in node for n in _param_refs(v)]
    return []


def _examples_text(examples: tuple) -> str:
    """Examples are compared by content but shown by count and a short fingerprint."""
    import hashlib

    digest = hashlib.sha256(json.dumps(examples, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()
    return f"{len(examples)} 个例子（{digest[:8]}）"


def _rule_view(rule: Rule, pack: Pack) -> dict:
    """A rule's effective content, flat: its fields, and the pack parameters and formula it uses."""
    view: dict = {
        "title": rule.title, "applies_to": rule.applies_to, "priority": rule.priority,
        "when": condition_text(rule.source_when), "message": rule.message, "fix": rule.fix,
        "citation": rule.citation, "rationale": rule.rationale, "examples": _examples_text(rule.examples),
    }
    used = list(_param_refs(rule.source_when))
    if rule.score is not None:
        method = pack.methods.get(rule.score.get("method"))
        view["score.method"] = rule.score.get("method")
        for key in ("outcome", "verdict"):  # a review or judged rule (JX-S60–S68: met / unmet / partial)
            if key in rule.score:
                view[f"score.{key}"] = rule.score[key]
        if method is not None:
            view["score.formula"] = method.formula.source
            for pname, pvalue in {**method.params, **(rule.score.get("params") or {})}.items():
                view[f"score.params.{pname}"] = pvalue
                if isinstance(pvalue, str) and pvalue in pack.params:
                    used.append(pvalue)
    for key in ("severity", "passed"):
        if rule.finding is not None and key in rule.finding:
            view[f"finding.{key}"] = rule.finding[key]
    for key, value in (rule.deduct or {}).items():
        view[f"deduct.{key}"] = value
    for name in dict.fromkeys(used):
        view[f"参数 {name}"] = pack.params.get(name)
    return view


def diff_packs(old: Pack, new: Pack) -> PackDiff:
    old_codes = {r.code: r for r in old.rules}
    new_codes = {r.code: r for r in new.rules}
    changed = []
    for code, rule in new_codes.items():
        if code in old_codes:
            changes = _compare(_rule_view(old_codes[code], old), _rule_view(rule, new))
            if changes:
                changed.append(RuleChange(code, rule.title, tuple(changes)))
    return PackDiff(
        old=old, new=new,
        settings=tuple(_compare(_settings_view(old), _settings_view(new))),
        added=tuple(r for c, r in new_codes.items() if c not in old_codes),
        removed=tuple(r for c, r in old_codes.items() if c not in new_codes),
        changed=tuple(changed),
    )


# --------------------------------------------------------------------------- cases


# The cause of points moved by a row's weight changing (the pack's section weights against the
# form's, `scale_rows`), told apart from what the rules did on the rescaled weight.
RESCALING = "分值折算"


@dataclass(frozen=True)
class Move:
    label: str  # the rule that moved the points, e.g. "JX-S02" or "JX-S01→JX-S02", or "分值折算（产出）"
    delta: Decimal
    rows: tuple[int, ...]


@dataclass(frozen=True)
class CaseImpact:
    file: str
    unit: str = ""
    year: int | None = None
    old_total: Decimal | None = None
    old_grade: str = ""
    new_total: Decimal | None = None
    new_grade: str = ""
    moves: tuple[Move, ...] = ()
    error: str = ""  # why the case could not be scored under one of the packs
    outside: str = ""  # set when the new pack's applies_to does not admit the case: its scope in words

    @property
    def delta(self) -> Decimal | None:
        return None if self.old_total is None or self.new_total is None else self.new_total - self.old_total


def _entries(result: Result) -> dict:
    out: dict = {}
    for e in result.ledger:
        key = ("score", e.row, e.item) if e.kind == "score" else ("deduction", e.rule)
        out[key] = e
    return out


def _rescaled(entry, weight: Decimal, places: int) -> Decimal:
    """What a row's old points become on its new weight, the rule's outcome kept (half-up)."""
    from .decimals import round_half_up

    return round_half_up(entry.points * weight / entry.weight, places) if entry.weight else entry.points


def case_impact(file: str, old: Result, new: Result, outside: str = "") -> CaseImpact:
    """One case under two packs: totals, grades, and what moved its points: each rule, and
    rescaling (a row whose weight changed keeps its share of the weight unless a rule changed)."""
    before, after = _entries(old), _entries(new)
    moves: dict[str, list] = {}

    def move(label: str, delta: Decimal, row) -> None:
        if delta == 0:
            return
        entry = moves.setdefault(label, [Decimal(0), []])
        entry[0] += delta
        if row is not None and row not in entry[1]:
            entry[1].append(row)

    for key in dict.fromkeys([*before, *after]):
        a, b = before.get(key), after.get(key)
        delta = (b.points if b else Decimal(0)) - (a.points if a else Decimal(0))
        if delta == 0:
            continue
        rules = [e.rule for e in (a, b) if e is not None]
        label = rules[-1] if len(set(rules)) == 1 else "→".join(rules)
        row = (b or a).row
        if a is not None and b is not None and a.kind == b.kind == "score" and a.weight != b.weight:
            scaled = _rescaled(a, b.weight, new.places)
            move(f"{RESCALING}（{b.section}）", scaled - a.points, row)
            move(label, b.points - scaled, row)
        else:
            move(label, delta, row)
    ordered = sorted(moves.items(), key=lambda kv: (kv[1][0], kv[0]))
    return CaseImpact(
        # a withheld grade (暂不定级) or nothing scored (未评分) is shown as such, never as the band
        file=file, unit=new.unit, year=new.year, old_total=old.total, old_grade=old.grade_text,
        new_total=new.total, new_grade=new.grade_text, outside=outside,
        moves=tuple(Move(label, delta, tuple(rows)) for label, (delta, rows) in ordered),
    )
