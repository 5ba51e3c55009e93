"""Why a rule's condition held, or did not, for one fact: the condition as written, node by node.

`jixiao score CASE --why ROW` answers a department's "why was this rule not applied to us".
It walks the condition the pack wrote (parameters substituted, before negation normal form) and
gives every node a verdict and, for a leaf, the values compared.

A node's verdict is never computed here: it is `engine.match.python.condition_holds` on that
node, i.e. the node put through `to_nnf` and the pure-Python matcher's predicate, so an
explanation cannot disagree with the matcher. A missing or mistyped field makes a leaf false, and
so does its `not`: `not (actual < target)` is `actual >= target`, false when actual is missing.
The renderers below (`leaf_text`, `condition_text`) are also how rule documentation and
`jixiao rules diff` write conditions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.decimals import fmt, round_half_up

from .python import condition_holds, fact_view

__all__ = ["Verdict", "explain_condition", "condition_text", "leaf_text", "value_text", "OP_SYMBOL"]

OP_SYMBOL = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "in": "in",
             "exists": "exists", "missing": "missing"}
MISSING = "缺失"
SHOWN_PLACES = 4  # a long ratio is shown rounded, marked with ≈


@dataclass(frozen=True)
class Verdict:
    """One node of a condition and whether it held for the fact."""

    kind: str  # "all" | "any" | "not" | "leaf" | "always"
    held: bool
    text: str  # the node as written, e.g. "actual ≥ target"
    children: tuple["Verdict", ...] = ()
    values: str = ""  # for a leaf: what was compared, e.g. "92 vs 95" or "qual_band 缺失"


def value_text(value: Any) -> str:
    """A literal or a fact value, written the way a pack writes it."""
    if value is None:
        return MISSING
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, Mapping) and set(value) == {"param"}:
        return str(value["param"])
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, (int, Decimal)):
        shown = round_half_up(Decimal(value), SHOWN_PLACES)
        return fmt(value) if shown == value else f"≈{fmt(shown)}"
    return str(value)


def leaf_text(leaf: Mapping) -> str:
    """`actual ≥ target`, `direction in [positive, equal]`, `self_score exists`."""
    op = leaf.get("op")
    head = f"{leaf.get('field')} {OP_SYMBOL.get(op, op)}"
    if "other" in leaf:
        return f"{head} {leaf['other']}"
    if "value" in leaf:
        return f"{head} {value_text(leaf['value'])}"
    return head


def condition_text(condition: Any) -> str:
    """A condition on one line: leaves joined by 且 (all) and 或 (any), 非（…） for not."""
    if condition is None or (isinstance(condition, Mapping) and not condition):
        return "总是成立"
    return _text(condition, top=True)


def _text(node: Mapping, top: bool = False) -> str:
    for key, word in (("all", " 且 "), ("any", " 或 ")):
        if key in node:
            inner = word.join(_text(child) for child in node[key])
            return inner if top or len(node[key]) == 1 else f"（{inner}）"
    if "not" in node:
        return f"非（{_text(node['not'], top=True)}）"
    return leaf_text(node)


def _leaf_values(leaf: Mapping, fields: Mapping) -> str:
    field = leaf["field"]
    here = fields.get(field)
    if leaf["op"] in ("exists", "missing"):
        return f"{field} {MISSING}" if here is None else f"{field} = {value_text(here)}"
    if here is None:
        return f"{field} {MISSING}"
    if "other" in leaf:
        there = fields.get(leaf["other"])
        if there is None:
            return f"{leaf['other']} {MISSING}"
        return f"{value_text(here)} vs {value_text(there)}"
    if leaf["op"] == "in":
        return f"{field} = {value_text(here)}"
    return f"{value_text(here)} vs {value_text(leaf['value'])}"


def explain_condition(condition: Any, fields: Mapping) -> Verdict:
    """The verdict tree of a checked condition for a fact's fields (None = missing)."""
    if condition is None or (isinstance(condition, Mapping) and not condition):
        return Verdict("always", True, "总是成立")
    return _explain(condition, fields, fact_view(fields))


def _explain(node: Mapping, fields: Mapping, view: Mapping) -> Verdict:
    held = condition_holds(node, view)
    for key in ("all", "any"):
        if key in node:
            children = tuple(_explain(child, fields, view) for child in node[key])
            return Verdict(key, held, condition_text(node), children)
    if "not" in node:
        return Verdict("not", held, condition_text(node), (_explain(node["not"], fields, view),))
    return Verdict("leaf", held, leaf_text(node), values=_leaf_values(node, fields))
