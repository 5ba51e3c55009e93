"""Reasoning about conditions without facts: can a condition ever hold, does one imply another.

Lint uses this to find rules that can never match and score rules that another rule always
beats. The conditions are the contract's (see `engine.match`), in negation normal form and
multiplied out into alternatives (`conjunctions`); each alternative is a list of leaves that must
all hold. The reasoning is sound but not complete: "cannot hold" and "implies" are only claimed
when they are certain (numbers are treated as reals, so `x > 1 and x < 2` can hold), never
guessed, so lint never reports a working rule.

Per alternative, every field gets the constraints its leaves put on it: present or missing, the
type its leaves need (the fact kind's declared type when known), an interval and excluded points
for numbers, a set of allowed and excluded values for strings and bools (within the field's
known values, if any), and, for two fields compared with each other, which of <, =, > may hold
between them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .contract import NEGATED_OP, conjunctions, to_nnf
from .explain import leaf_text
from ..errors import tr

__all__ = ["Space", "never_reason", "implies", "overlaps", "leaf_type"]

NUM, STR, BOOL = "number", "string", "bool"
_RELATION = {"<": {"<"}, "<=": {"<", "="}, ">": {">"}, ">=": {">", "="}, "==": {"="}, "!=": {"<", ">"}}
_FLIP = {"<": ">", ">": "<", "=": "="}


@dataclass(frozen=True)
class Space:
    """What is known about a fact kind's fields: their types and, for some strings, every value
    they can take."""

    types: Mapping[str, str]
    values: Mapping[str, frozenset] = field(default_factory=dict)


def leaf_type(value) -> str:
    if value is True or value is False:
        return BOOL
    if isinstance(value, str):
        return STR
    return NUM


class _Unsat(Exception):
    pass


class _Alternative:
    """The constraints of one alternative (leaves and-ed together)."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self.present: set[str] = set()
        self.absent: set[str] = set()
        self.types: dict[str, str] = {}
        self.low: dict[str, tuple[Decimal, bool]] = {}  # field -> (bound, inclusive)
        self.high: dict[str, tuple[Decimal, bool]] = {}
        self.points: dict[str, set] = {}  # numbers an `==`/`in` allows
        self.allowed: dict[str, set] = {}  # strings/bools an `==`/`in` allows
        self.excluded: dict[str, set] = {}
        self.relations: dict[tuple[str, str], set[str]] = {}

    # -- building
    def _require(self, name: str, kind: str) -> None:
        self.present.add(name)
        known = self.space.types.get(name) or self.types.get(name)
        if known is not None and known != kind:
            raise _Unsat
        self.types[name] = kind

    def add(self, leaf: Mapping) -> None:
        name, op = leaf["field"], leaf["op"]
        if op == "exists":
            self.present.add(name)
        elif op == "missing":
            self.absent.add(name)
        elif "other" in leaf:
            self._pair(name, leaf["other"], op)
        elif op == "in":
            kinds = {leaf_type(v) for v in leaf["value"]}
            wanted = self.space.types.get(name) or (kinds.pop() if len(kinds) == 1 else None)
            values = {v for v in leaf["value"] if leaf_type(v) == wanted}
            if wanted is None or not values:
                raise _Unsat
            self._require(name, wanted)
            self._restrict(name, wanted, values)
        else:
            value = leaf["value"]
            kind = leaf_type(value)
            self._require(name, kind)
            if op == "==":
                self._restrict(name, kind, {value})
            elif op == "!=":
                self.excluded.setdefault(name, set()).add(value)
            elif op in ("<", "<="):
                self._bound(self.high, name, Decimal(value), op == "<=", lambda new, old: new < old)
            else:
                self._bound(self.low, name, Decimal(value), op == ">=", lambda new, old: new > old)

    def _restrict(self, name: str, kind: str, values: set) -> None:
        store = self.points if kind == NUM else self.allowed
        values = {Decimal(v) for v in values} if kind == NUM else set(values)
        store[name] = store[name] & values if name in store else values

    @staticmethod
    def _bound(store: dict, name: str, value: Decimal, inclusive: bool, tighter) -> None:
        old = store.get(name)
        if old is None or tighter(value, old[0]) or (value == old[0] and not inclusive):
            store[name] = (value, inclusive)

    def _pair(self, a: str, b: str, op: str) -> None:
        kind = NUM if op in ("<", "<=", ">", ">=") else (self.space.types.get(a) or self.space.types.get(b))
        if kind is None:  # two fields of unknown type: only presence is certain
            self.present |= {a, b}
            return
        self._require(a, kind)
        self._require(b, kind)
        relation = set(_RELATION[op])
        if a == b:
            if "=" not in relation:
                raise _Unsat
            return
        if a > b:
            a, b = b, a
            relation = {_FLIP[r] for r in relation}
        key = (a, b)
        self.relations[key] = self.relations.get(key, {"<", "=", ">"}) & relation

    # -- checking
    def _interval(self, name: str) -> tuple:
        return self.low.get(name), self.high.get(name)

    def check(self) -> None:
        if self.present & self.absent:
            raise _Unsat
        for name in self.present:
            kind = self.types.get(name) or self.space.types.get(name)
            if kind == NUM:
                self._check_number(name)
            elif kind in (STR, BOOL):
                domain = {True, False} if kind == BOOL else self.space.values.get(name)
                allowed = self.allowed.get(name, domain)
                if allowed is not None:
                    if domain is not None:
                        allowed = allowed & set(domain)
                    if not allowed - self.excluded.get(name, set()):
                        raise _Unsat
        for (a, b), relation in self.relations.items():
            if not relation or not any(self._possible(a, r, b) for r in relation):
                raise _Unsat

    def _check_number(self, name: str) -> None:
        low, high = self._interval(name)
        if low and high and (low[0] > high[0] or low[0] == high[0] and not (low[1] and high[1])):
            raise _Unsat
        excluded = {Decimal(v) for v in self.excluded.get(name, set()) if leaf_type(v) == NUM}
        if low and high and low[0] == high[0] and low[0] in excluded:
            raise _Unsat
        if name in self.points:
            inside = [p for p in self.points[name] if p not in excluded and self._within(p, low, high)]
            if not inside:
                raise _Unsat

    @staticmethod
    def _within(p: Decimal, low, high) -> bool:
        if low and (p < low[0] or p == low[0] and not low[1]):
            return False
        if high and (p > high[0] or p == high[0] and not high[1]):
            return False
        return True

    def _range(self, name: str) -> tuple:
        """(inf, sup) of the values a number field may take; None for unbounded."""
        if name in self.points:
            pts = list(self.points[name])
            return min(pts), max(pts)
        low, high = self._interval(name)
        return (low[0] if low else None), (high[0] if high else None)

    def _possible(self, a: str, relation: str, b: str) -> bool:
        """Whether some a and b within their ranges stand in `relation` (numbers only; for
        other types every relation is taken as possible)."""
        if (self.types.get(a) or self.space.types.get(a)) != NUM:
            return True
        (a_inf, a_sup), (b_inf, b_sup) = self._range(a), self._range(b)
        if relation == "<":
            return a_inf is None or b_sup is None or a_inf < b_sup
        if relation == ">":
            return a_sup is None or b_inf is None or a_sup > b_inf
        return (a_inf is None or b_sup is None or a_inf <= b_sup) and (a_sup is None or b_inf is None or a_sup >= b_inf)


def _satisfiable(leaves: Sequence[Mapping], space: Space) -> bool:
    alt = _Alternative(space)
    try:
        for leaf in leaves:
            alt.add(leaf)
        alt.check()
    except _Unsat:
        return False
    return True


def never_reason(condition, space: Space) -> str | None:
    """Why a (checked) condition can never hold, or None when it can (or might)."""
    alternatives = conjunctions(to_nnf(condition))
    if any(_satisfiable(conj, space) for conj in alternatives):
        return None
    first = alternatives[0]
    culprit = _smallest_unsat(first, space)
    text = " 且 ".join(leaf_text(leaf) for leaf in culprit)
    if len(alternatives) == 1:
        return tr(f"{text} 不可能同时成立", f"{text} cannot all hold")
    return tr(f"它的 {len(alternatives)} 个分支都不可能成立（第一个不成立在：{text}）",
              f"none of its {len(alternatives)} alternatives can hold (the first fails on: {text})")


def _smallest_unsat(leaves: list, space: Space) -> list:
    """Leaves of an unsatisfiable alternative that are already unsatisfiable together, kept
    small by dropping every leaf that is not needed (for a readable message)."""
    kept = list(leaves)
    for leaf in list(kept):
        trial = [x for x in kept if x is not leaf]
        if not _satisfiable(trial, space):
            kept = trial
    return kept


def _negated(leaf: Mapping) -> list[Mapping]:
    if leaf["op"] == "in":
        return [{"field": leaf["field"], "op": "!=", "value": v} for v in leaf["value"]]
    out = {**leaf, "op": NEGATED_OP[leaf["op"]]}
    return [out]


def _entails(conj: list, leaf: Mapping, space: Space) -> bool:
    """Every fact meeting `conj` meets `leaf` (the contract's leaf: false when missing)."""
    names = [leaf["field"], *([leaf["other"]] if "other" in leaf else [])]
    if leaf["op"] == "missing":
        return leaf["field"] in _absent(conj)
    present = _present(conj)
    if not all(n in present for n in names):
        return False
    if leaf["op"] == "exists":
        return True
    # The leaf's types must be right for every such fact: declared, or forced by conj.
    if "value" in leaf:
        kinds = {leaf_type(v) for v in (leaf["value"] if leaf["op"] == "in" else [leaf["value"]])}
        declared = space.types.get(leaf["field"])
        if declared is None or kinds != {declared}:
            return False
    else:
        kinds = {space.types.get(n) for n in names}
        if None in kinds or len(kinds) != 1 or (leaf["op"] in ("<", "<=", ">", ">=") and kinds != {NUM}):
            return False
    return not _satisfiable([*conj, *_negated(leaf)], space)


def _present(conj: list) -> set:
    out = set()
    for leaf in conj:
        if leaf["op"] != "missing":
            out.add(leaf["field"])
            if "other" in leaf:
                out.add(leaf["other"])
    return out


def _absent(conj: list) -> set:
    return {leaf["field"] for leaf in conj if leaf["op"] == "missing"}


def implies(condition_b, condition_a, space: Space) -> bool:
    """Whether every fact meeting B meets A (B's impossible alternatives are ignored)."""
    alternatives_a = conjunctions(to_nnf(condition_a))
    for conj_b in conjunctions(to_nnf(condition_b)):
        if not _satisfiable(conj_b, space):
            continue
        if not any(all(_entails(conj_b, leaf, space) for leaf in conj_a) for conj_a in alternatives_a):
            return False
    return True


def overlaps(condition_a, condition_b, space: Space) -> bool:
    """Whether some fact might meet both A and B."""
    return any(
        _satisfiable([*conj_a, *conj_b], space)
        for conj_a in conjunctions(to_nnf(condition_a))
        for conj_b in conjunctions(to_nnf(condition_b))
    )
