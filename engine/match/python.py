"""The pure-Python matcher: the reference implementation of the matching contract.

It is used where durable_rules does not import (Python >= 3.13, no C compiler) and in the
differential tests everywhere. The contract it implements, including every durable_rules
behaviour it reproduces, is in the `engine.match` package docstring.

Each NNF condition is compiled once into nested closures; rules are indexed by kind, so a
fact is only tested against the rules of its own kind, and only the fields those rules read
are converted to their typed form.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence

from .contract import CompiledRule, MatchRule, compile_rules, leaves, literal_typed, to_nnf, typed, validate_facts

__all__ = ["PythonMatcher", "condition_holds", "fact_view"]

# A compiled predicate takes the fact's typed view {field: (tag, value)} (missing fields absent).
Predicate = Callable[[Mapping], bool]

_COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _always(view: Mapping) -> bool:
    return True


def _compile(nnf: Mapping) -> Predicate:
    if "all" in nnf:
        parts = [_compile(item) for item in nnf["all"]]
        if not parts:
            return _always
        return _both(parts)
    if "any" in nnf:
        return _either([_compile(item) for item in nnf["any"]])
    return _compile_leaf(nnf)


def _both(parts: list[Predicate]) -> Predicate:
    """all(), short-circuiting, without a generator per call."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda view: first(view) and second(view)

    def every(view: Mapping) -> bool:
        for part in parts:
            if not part(view):
                return False
        return True

    return every


def _either(parts: list[Predicate]) -> Predicate:
    """any(), short-circuiting, without a generator per call."""
    if len(parts) == 1:
        return parts[0]

    def some(view: Mapping) -> bool:
        for part in parts:
            if part(view):
                return True
        return False

    return some


def _compile_leaf(leaf: Mapping) -> Predicate:
    field, op = leaf["field"], leaf["op"]
    if op == "exists":
        return lambda view: field in view
    if op == "missing":
        return lambda view: field not in view
    if op == "in":
        wanted = frozenset(literal_typed(v) for v in leaf["value"])
        return lambda view: view.get(field) in wanted  # None (missing) is never in the set
    compare = _COMPARE[op]
    if "other" in leaf:
        other = leaf["other"]
        numbers_only = op in ("<", "<=", ">", ">=")

        def field_vs_field(view: Mapping) -> bool:
            a, b = view.get(field), view.get(other)
            if a is None or b is None or a[0] != b[0]:
                return False  # missing, or different types: false for every op, != included
            if numbers_only and a[0] != "n":
                return False  # ordering compares numbers only
            return compare(a[1], b[1])

        return field_vs_field
    tag, value = literal_typed(leaf["value"])

    def field_vs_literal(view: Mapping) -> bool:
        a = view.get(field)
        if a is None or a[0] != tag:
            return False  # missing, or a different type: false for every op, != included
        return compare(a[1], value)

    return field_vs_literal


def fact_view(fact: Mapping) -> dict:
    """The typed view of a fact that predicates read: {field: (tag, value)}, missing left out."""
    return {k: tv for k, v in fact.items() if (tv := typed(v)) is not None}


def condition_holds(condition, view: Mapping) -> bool:
    """Whether a (checked) condition holds for a fact's typed view, exactly as the matcher
    decides it: through `to_nnf` and the compiled predicate. The explainer uses this."""
    return _compile(to_nnf(condition))(view)


class PythonMatcher:
    """Matches facts against a pack in plain Python; see the contract in `engine.match`."""

    name = "python"

    def __init__(self, rules: Sequence[MatchRule]):
        compiled: list[CompiledRule] = compile_rules(rules)
        self._by_kind: dict[str, list[tuple[str, Predicate]]] = {}
        read: dict[str, set[str]] = {}
        for c in compiled:  # in pack order, so results come out in pack order
            self._by_kind.setdefault(c.rule.kind, []).append((c.rule.code, _compile(c.nnf)))
            fields = read.setdefault(c.rule.kind, set())
            for leaf in leaves(c.nnf):
                fields.update(f for f in (leaf.get("field"), leaf.get("other")) if f is not None)
        # Per kind, the fields its rules read: only those are put in a fact's typed view.
        self._fields: dict[str, tuple[str, ...]] = {kind: tuple(sorted(f)) for kind, f in read.items()}

    def match(self, facts: Sequence[Mapping]) -> list[tuple[str, ...]]:
        facts = list(facts)
        validate_facts(facts)
        out: list[tuple[str, ...]] = []
        for fact in facts:
            candidates = self._by_kind.get(fact["kind"])
            if not candidates:
                out.append(())
                continue
            view = {}
            for name in self._fields[fact["kind"]]:  # `typed`, inlined, for the fields read
                value = fact.get(name)
                if value is None:
                    continue
                if value is True or value is False:
                    view[name] = ("b", value)
                elif isinstance(value, str):
                    view[name] = ("s", value)
                else:
                    view[name] = ("n", float(value))
            out.append(tuple(code for code, holds in candidates if holds(view)))
        return out
