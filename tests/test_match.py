"""Match stage: the contract (both matchers), compile-time checks, and the durable adapter's
workarounds for durable_rules 2.0.28."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import threading
from decimal import Decimal as D
from pathlib import Path

import pytest

import engine.match as match_pkg
from engine.errors import JixiaoError
from engine.match import MatchRule, check_condition, compile_matcher, durable_available, to_nnf

ROOT = Path(__file__).resolve().parents[1]
needs_durable = pytest.mark.skipif(
    not durable_available(), reason="durable_rules does not import here (needs Python < 3.13 and a C build)"
)
MATCHERS = [pytest.param("python"), pytest.param("durable", marks=needs_durable)]


def leaf(field, op, value=None, other=None):
    node = {"field": field, "op": op}
    if value is not None:
        node["value"] = value
    if other is not None:
        node["other"] = other
    return node


def NOT(c):
    return {"not": c}


def ALL(*cs):
    return {"all": list(cs)}


def ANY(*cs):
    return {"any": list(cs)}


# --------------------------------------------------------------------------------------------
# The semantics table: (id, condition, fact fields, expected match). Run against both matchers.

X5 = {"x": 5}
SEMANTICS = [
    # numbers, each op
    ("num==hit", leaf("x", "==", 5), X5, True),
    ("num==miss", leaf("x", "==", 4), X5, False),
    ("num!=hit", leaf("x", "!=", 4), X5, True),
    ("num!=miss", leaf("x", "!=", 5), X5, False),
    ("num<hit", leaf("x", "<", 6), X5, True),
    ("num<equal", leaf("x", "<", 5), X5, False),
    ("num<=equal", leaf("x", "<=", 5), X5, True),
    ("num<=miss", leaf("x", "<=", 4), X5, False),
    ("num>hit", leaf("x", ">", 4), X5, True),
    ("num>equal", leaf("x", ">", 5), X5, False),
    ("num>=equal", leaf("x", ">=", 5), X5, True),
    ("num>=miss", leaf("x", ">=", 6), X5, False),
    ("negative", leaf("x", "<", 0), {"x": D("-0.5")}, True),
    ("minus-zero==zero", leaf("x", "==", 0), {"x": D("-0")}, True),
    # int and Decimal are one type, compared as doubles
    ("decimal==int", leaf("x", "==", 5), {"x": D("5.00")}, True),
    ("int==decimal", leaf("x", "==", D("5.0")), X5, True),
    ("decimal<decimal", leaf("x", "<", D("95")), {"x": D("92.5")}, True),
    ("as-doubles==", leaf("x", "==", D("0.3")), {"x": D("0.30000000000000001")}, True),
    ("tiny-fact", leaf("x", "<", D("0.0001")), {"x": D("0.00001")}, True),  # sent as 1.0e-05
    ("tiny-fact-eq", leaf("x", "==", 0), {"x": D("1E-300")}, False),
    ("huge-fact", leaf("x", ">", 10**15), {"x": D("1E+20")}, True),  # sent as 1.0e+20
    ("huge-int-fact", leaf("x", ">", 10**15), {"x": 10**30}, True),
    # missing fields: false under every comparison, != included
    *[(f"missing{op}", leaf("x", op, 5), {}, False) for op in ("==", "!=", "<", "<=", ">", ">=")],
    ("none-is-missing!=", leaf("x", "!=", 5), {"x": None}, False),
    ("missing-in", leaf("x", "in", [1, 2]), {}, False),
    # strings: equality only
    ("str==hit", leaf("x", "==", "a"), {"x": "a"}, True),
    ("str==prefix", leaf("x", "==", "a"), {"x": "ab"}, False),
    ("str==longer", leaf("x", "==", "ab"), {"x": "a"}, False),
    ("str==trailing-space", leaf("x", "==", "a "), {"x": "a"}, False),
    ("str!=hit", leaf("x", "!=", "a"), {"x": "b"}, True),
    ("str!=miss", leaf("x", "!=", "a"), {"x": "a"}, False),
    ("str-quote", leaf("x", "==", 'a"'), {"x": 'a"'}, True),
    ("str-quote-vs-plain", leaf("x", "==", 'a"'), {"x": "a"}, False),
    ("str-backslash", leaf("x", "==", "a\\"), {"x": "a\\"}, True),
    ("str-chinese", leaf("x", "==", "≥95%"), {"x": "≥95%"}, True),
    ("str-empty", leaf("x", "==", ""), {"x": ""}, True),
    ("str-nul", leaf("x", "==", "x"), {"x": "x\x00y"}, False),
    ("str-case", leaf("x", "==", "a"), {"x": "A"}, False),
    # different types: false under every op, != included (durable would coerce)
    ("strfact==num", leaf("x", "==", 5), {"x": "5"}, False),
    ("strfact!=num", leaf("x", "!=", 5), {"x": "5"}, False),
    ("strfact>num", leaf("x", ">", 5), {"x": "abc"}, False),
    ("numfact==str", leaf("x", "==", "5"), X5, False),
    ("numfact!=str", leaf("x", "!=", "5"), X5, False),
    # bool is not a number
    ("bool==bool", leaf("x", "==", True), {"x": True}, True),
    ("bool!=bool", leaf("x", "!=", True), {"x": False}, True),
    ("bool==false", leaf("x", "==", False), {"x": False}, True),
    ("bool==int", leaf("x", "==", 1), {"x": True}, False),
    ("bool!=int", leaf("x", "!=", 1), {"x": True}, False),
    ("bool<int", leaf("x", "<", 2), {"x": True}, False),
    ("int==bool", leaf("x", "==", True), {"x": 1}, False),
    ("zero==false", leaf("x", "==", False), {"x": 0}, False),
    ("strtrue==bool", leaf("x", "==", True), {"x": "true"}, False),
    # field against field
    ("ff==", leaf("x", "==", other="y"), {"x": 5, "y": D("5.0")}, True),
    ("ff!=", leaf("x", "!=", other="y"), {"x": 5, "y": 6}, True),
    ("ff<", leaf("x", "<", other="y"), {"x": D("92"), "y": 95}, True),
    ("ff<equal", leaf("x", "<", other="y"), {"x": 95, "y": 95}, False),
    ("ff<=", leaf("x", "<=", other="y"), {"x": 95, "y": 95}, True),
    ("ff>", leaf("x", ">", other="y"), {"x": 96, "y": 95}, True),
    ("ff>=", leaf("x", ">=", other="y"), {"x": 94, "y": 95}, False),
    *[(f"ff-missing-other{op}", leaf("x", op, other="y"), X5, False) for op in ("==", "!=", "<", "<=", ">", ">=")],
    *[(f"ff-missing-field{op}", leaf("x", op, other="y"), {"y": 5}, False) for op in ("==", "!=", "<", ">=")],
    ("ff-both-missing!=", leaf("x", "!=", other="y"), {}, False),
    ("ff-self==", leaf("x", "==", other="x"), X5, True),
    ("ff-self<", leaf("x", "<", other="x"), X5, False),
    ("ff-str==", leaf("x", "==", other="y"), {"x": "a", "y": "a"}, True),
    ("ff-str!=", leaf("x", "!=", other="y"), {"x": "a", "y": 'a"'}, True),
    ("ff-str-prefix==", leaf("x", "==", other="y"), {"x": "a", "y": "ab"}, False),
    ("ff-str<", leaf("x", "<", other="y"), {"x": "a", "y": "b"}, False),  # ordering: numbers only
    ("ff-bool==", leaf("x", "==", other="y"), {"x": False, "y": False}, True),
    ("ff-bool!=", leaf("x", "!=", other="y"), {"x": True, "y": False}, True),
    ("ff-strnum==", leaf("x", "==", other="y"), {"x": "5", "y": 5}, False),
    ("ff-strnum!=", leaf("x", "!=", other="y"), {"x": "5", "y": 5}, False),
    ("ff-boolint==", leaf("x", "==", other="y"), {"x": True, "y": 1}, False),
    # not (negation normal form)
    ("not<", NOT(leaf("x", "<", 5)), X5, True),
    ("not<missing", NOT(leaf("x", "<", 5)), {}, False),
    ("not==missing", NOT(leaf("x", "==", 5)), {}, False),
    ("not!=", NOT(leaf("x", "!=", 5)), X5, True),
    ("notnot", NOT(NOT(leaf("x", "==", 5))), X5, True),
    ("not-ff<", NOT(leaf("x", "<", other="y")), {"x": 95, "y": 95}, True),
    ("not-ff<missing", NOT(leaf("x", "<", other="y")), X5, False),
    ("not-exists", NOT(leaf("x", "exists")), {}, True),
    ("not-missing", NOT(leaf("x", "missing")), X5, True),
    ("not-all", NOT(ALL(leaf("x", "==", 5), leaf("y", "==", 1))), {"x": 5, "y": 2}, True),
    ("not-all-both", NOT(ALL(leaf("x", "==", 5), leaf("y", "==", 1))), {"x": 5, "y": 1}, False),
    ("not-any", NOT(ANY(leaf("x", "==", 5), leaf("y", "==", 1))), {"x": 4, "y": 2}, True),
    ("not-any-one", NOT(ANY(leaf("x", "==", 5), leaf("y", "==", 1))), {"x": 5, "y": 2}, False),
    ("not-in", NOT(leaf("x", "in", [1, 2])), {"x": 3}, True),
    ("not-in-hit", NOT(leaf("x", "in", [1, 2])), {"x": 2}, False),
    ("not-in-missing", NOT(leaf("x", "in", [1, 2])), {}, False),
    ("not-in-other-type", NOT(leaf("x", "in", [1, 2])), {"x": "3"}, False),
    # all / any
    ("all-hit", ALL(leaf("x", ">", 1), leaf("x", "<", 9)), X5, True),
    ("all-miss", ALL(leaf("x", ">", 1), leaf("x", "<", 3)), X5, False),
    ("any-hit", ANY(leaf("x", "<", 1), leaf("x", ">", 3)), X5, True),
    ("any-both", ANY(leaf("x", ">", 1), leaf("x", ">", 3)), X5, True),
    ("any-miss", ANY(leaf("x", "<", 1), leaf("y", "exists")), X5, False),
    ("nested", ALL(ANY(leaf("a", "==", "p"), leaf("b", "==", "q")), NOT(ANY(leaf("c", "exists"), leaf("x", "<", 0)))),
     {"a": "z", "b": "q", "x": 1}, True),
    ("nested-miss", ALL(ANY(leaf("a", "==", "p"), leaf("b", "==", "q")), NOT(ANY(leaf("c", "exists"), leaf("x", "<", 0)))),
     {"a": "z", "b": "q", "c": 0, "x": 1}, False),
    # in
    ("in-num", leaf("x", "in", [1, 5]), X5, True),
    ("in-decimal", leaf("x", "in", [D("2.5"), 7]), {"x": D("2.50")}, True),
    ("in-str", leaf("x", "in", ["p", "q"]), {"x": "q"}, True),
    ("in-miss", leaf("x", "in", ["p", "q"]), {"x": "r"}, False),
    ("in-mixed", leaf("x", "in", ["5", True, 5]), X5, True),
    ("in-str-vs-num", leaf("x", "in", ["5"]), X5, False),
    ("in-bool-vs-int", leaf("x", "in", [1]), {"x": True}, False),
    ("in-duplicates", leaf("x", "in", [5, D("5.0"), 5]), X5, True),
    # exists / missing
    ("exists", leaf("x", "exists"), X5, True),
    ("exists-false", leaf("x", "exists"), {"x": False}, True),
    ("exists-empty-str", leaf("x", "exists"), {"x": ""}, True),
    ("exists-none", leaf("x", "exists"), {"x": None}, False),
    ("exists-absent", leaf("x", "exists"), {}, False),
    ("missing-absent", leaf("x", "missing"), {}, True),
    ("missing-none", leaf("x", "missing"), {"x": None}, True),
    ("missing-present", leaf("x", "missing"), {"x": 0}, False),
    # always
    ("always-none", None, {}, True),
    ("always-empty", {}, {"x": 1}, True),
    # the fact's own fields can be read
    ("kind-field", leaf("kind", "==", "k-kind-field"), {}, True),
]

_compiled: dict[str, object] = {}


def _semantics_matcher(which: str):
    """One matcher holding every table row as a rule of its own kind (so rows don't mix)."""
    if which not in _compiled:
        rules = [MatchRule(row_id, f"k-{row_id}", cond) for row_id, cond, _, _ in SEMANTICS]
        _compiled[which] = compile_matcher(rules, which)
    return _compiled[which]


@pytest.mark.parametrize("which", MATCHERS)
@pytest.mark.parametrize("row_id,condition,fields,expected", SEMANTICS, ids=[r[0] for r in SEMANTICS])
def test_semantics(which, row_id, condition, fields, expected):
    matcher = _semantics_matcher(which)
    fact = {"kind": f"k-{row_id}", "id": 1, **fields}
    assert matcher.match([fact]) == [(row_id,) if expected else ()]


@pytest.mark.parametrize("which", MATCHERS)
def test_all_rows_in_one_call(which):
    """The same table as one case: many facts in one session, each only matching its row."""
    matcher = _semantics_matcher(which)
    facts = [{"kind": f"k-{row_id}", "id": i, **fields} for i, (row_id, _, fields, _) in enumerate(SEMANTICS)]
    expected = [(row_id,) if exp else () for row_id, _, _, exp in SEMANTICS]
    assert matcher.match(facts) == expected


def test_semantics_table_ids_unique():
    ids = [r[0] for r in SEMANTICS]
    assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------------------------
# Kinds, order, several rules


PACK = [
    MatchRule("JX-S03", "indicator", {"field": "actual", "op": ">=", "other": "target"}, priority=2),
    MatchRule("JX-S02", "indicator", {"field": "actual", "op": "<", "other": "target"}, priority=1),
    MatchRule("JX-B01", "budget", {"field": "executed", "op": "<", "other": "full_year"}),
    MatchRule("JX-S99", "indicator", None),
    MatchRule("JX-R03", "share_claim", {"field": "abs_diff_pct", "op": ">", "value": D("0.01")}),
    MatchRule("JX-S01", "indicator", {"any": [{"field": "actual", "op": "missing"}, {"field": "actual", "op": ">", "value": 0}]}),
]
PACK_FACTS = [
    {"kind": "indicator", "id": 10, "actual": D("92"), "target": D("95")},
    {"kind": "budget", "id": 11, "executed": D("160.48"), "full_year": D("160.48")},
    {"kind": "indicator", "id": 12, "actual": D("96"), "target": D("95")},
    {"kind": "share_claim", "id": 13, "abs_diff_pct": D("0.02")},
    {"kind": "unknown", "id": 14, "actual": 1},
    {"kind": "indicator", "id": 15, "target": D("95")},
    {"kind": "share_claim", "id": 16, "abs_diff_pct": D("0.01")},
]
PACK_EXPECTED = [
    ("JX-S02", "JX-S99", "JX-S01"),
    (),
    ("JX-S03", "JX-S99", "JX-S01"),
    ("JX-R03",),
    (),
    ("JX-S99", "JX-S01"),
    (),
]


@pytest.mark.parametrize("which", MATCHERS)
def test_kinds_and_pack_order(which):
    matcher = compile_matcher(PACK, which)
    assert matcher.name == which
    assert matcher.match(PACK_FACTS) == PACK_EXPECTED
    assert matcher.match(list(reversed(PACK_FACTS))) == list(reversed(PACK_EXPECTED))
    assert matcher.match([]) == []


@pytest.mark.parametrize("which", MATCHERS)
def test_any_with_two_true_branches_lists_the_code_once(which):
    rule = MatchRule("A", "k", ANY(leaf("x", ">", 1), leaf("x", ">", 2), leaf("y", "exists")))
    assert compile_matcher([rule], which).match([{"kind": "k", "id": 1, "x": 5, "y": "q"}]) == [("A",)]


@pytest.mark.parametrize("which", MATCHERS)
def test_odd_kinds_ids_and_field_names(which):
    kind = 'k"中 \\'
    rules = [MatchRule("A", kind, leaf("完成值", "<", other="指标值")), MatchRule("B", kind, None)]
    facts = [
        {"kind": kind, "id": 10**30, "完成值": 1, "指标值": 2},
        {"kind": kind, "id": 10**30 + 1},  # ids beyond int64 stay distinct
        {"kind": kind, "id": -5, "完成值": 3, "指标值": 2, "not an identifier": 1},
        {"kind": "k", "id": 0},
    ]
    assert compile_matcher(rules, which).match(facts) == [("A", "B"), ("B",), ("B",), ()]


def test_default_matcher():
    matcher = compile_matcher(PACK)
    assert matcher.name == ("durable" if durable_available() else "python")


def test_unknown_matcher():
    with pytest.raises(JixiaoError) as e:
        compile_matcher(PACK, "drools")
    assert e.value.problems[0].code == "E-MATCHER"


def test_durable_requested_but_not_importable(monkeypatch):
    monkeypatch.setattr(match_pkg, "_durable_import_error", lambda: "No module named 'durable'")
    assert not match_pkg.durable_available()
    assert compile_matcher(PACK).name == "python"
    with pytest.raises(JixiaoError) as e:
        compile_matcher(PACK, "durable")
    assert e.value.problems[0].code == "E-MATCHER"
    assert "No module named 'durable'" in e.value.problems[0].message


# --------------------------------------------------------------------------------------------
# to_nnf


def test_to_nnf_pushes_not_down():
    cond = NOT(ALL(leaf("a", "<", 1), ANY(leaf("b", "exists"), NOT(leaf("c", "==", "x"))), leaf("d", "in", [1, 2])))
    assert to_nnf(cond) == ANY(
        leaf("a", ">=", 1),
        ALL(leaf("b", "missing"), leaf("c", "==", "x")),
        ALL(leaf("d", "!=", 1), leaf("d", "!=", 2)),
    )


@pytest.mark.parametrize(
    "op,negated", [("==", "!="), ("!=", "=="), ("<", ">="), (">=", "<"), ("<=", ">"), (">", "<=")]
)
def test_to_nnf_negates_each_op(op, negated):
    assert to_nnf(NOT(leaf("a", op, other="b"))) == leaf("a", negated, other="b")
    assert to_nnf(NOT(leaf("a", op, 3))) == leaf("a", negated, 3)


def test_to_nnf_misc():
    assert to_nnf(None) == {"all": []}
    assert to_nnf({}) == {"all": []}
    assert to_nnf(NOT(leaf("a", "in", ["x"]))) == leaf("a", "!=", "x")
    assert to_nnf(NOT(leaf("a", "missing"))) == leaf("a", "exists")
    assert to_nnf(ALL(ALL(leaf("a", "exists")), leaf("b", "exists"))) == ALL(leaf("a", "exists"), leaf("b", "exists"))
    assert to_nnf(NOT(NOT(leaf("a", "==", 1)))) == leaf("a", "==", 1)
    original = NOT(leaf("a", "<", 1))
    to_nnf(original)
    assert original == NOT(leaf("a", "<", 1))  # not mutated


# --------------------------------------------------------------------------------------------
# check_condition: what is forbidden at compile time


BAD_CONDITIONS = [
    ("unknown-op", leaf("x", "~=", 1), "E-COND-OP", "op"),
    ("not-a-mapping", ["x"], "E-COND-NODE", None),
    ("unknown-key", {"field": "x", "op": "==", "value": 1, "unit": "%"}, "E-COND-NODE", None),
    ("no-op", {"field": "x", "value": 1}, "E-COND-NODE", None),
    ("all-not-list", {"all": leaf("x", "exists")}, "E-COND-NODE", "all"),
    ("all-empty", {"all": []}, "E-COND-NODE", "all"),
    ("any-empty", {"any": []}, "E-COND-NODE", "any"),
    ("all-extra-key", {"all": [leaf("x", "exists")], "any": []}, "E-COND-NODE", None),
    ("no-value", {"field": "x", "op": "<"}, "E-COND-OPERAND", None),
    ("value-and-other", {"field": "x", "op": "<", "value": 1, "other": "y"}, "E-COND-OPERAND", None),
    ("exists-with-value", {"field": "x", "op": "exists", "value": 1}, "E-COND-OPERAND", None),
    ("in-with-other", leaf("x", "in", other="y"), "E-COND-OPERAND", None),
    ("ordering-bool", leaf("x", "<", True), "E-COND-TYPE", "value"),
    ("ordering-str", leaf("x", ">=", "95%"), "E-COND-TYPE", "value"),
    ("in-not-list", leaf("x", "in", "abc"), "E-COND-TYPE", "value"),
    ("in-empty", {"field": "x", "op": "in", "value": []}, "E-COND-TYPE", "value"),
    ("in-nested", leaf("x", "in", [[1]]), "E-COND-TYPE", "value[0]"),
    ("in-float", leaf("x", "in", [1, 0.5]), "E-COND-TYPE", "value[1]"),
    ("list-for-==", leaf("x", "==", [1]), "E-COND-TYPE", "value"),
    ("float", leaf("x", ">", 0.01), "E-COND-TYPE", "value"),
    ("null", {"field": "x", "op": "==", "value": None}, "E-COND-TYPE", "value"),
    ("nan", leaf("x", "<", D("NaN")), "E-COND-TYPE", "value"),
    ("too-small", leaf("x", "<", D("0.00001")), "E-COND-TYPE", "value"),
    ("too-big", leaf("x", "<", 10**16), "E-COND-TYPE", "value"),
    ("dict-literal", leaf("x", "==", {"a": 1}), "E-COND-TYPE", "value"),
    ("bad-field", leaf("a.b", "exists"), "E-COND-FIELD", "field"),
    ("bad-other", leaf("x", "<", other="$y"), "E-COND-FIELD", "other"),
    ("reserved-field", leaf("sid", "exists"), "E-COND-FIELD", "field"),
    ("not-extra-key", {"not": leaf("x", "exists"), "field": "x"}, "E-COND-NODE", None),
    ("deep", ALL(leaf("x", "exists"), NOT(ANY(leaf("y", "~", 1)))), "E-COND-OP", "all[1].not.any[0].op"),
    ("too-many-alternatives", ALL(*[ANY(leaf(f"a{i}", "exists"), leaf(f"b{i}", "exists")) for i in range(6)]), "E-COND-SIZE", None),
    ("too-many-fields", ALL(*[leaf(f"f{i}", "exists") for i in range(126)]), "E-COND-SIZE", None),
    ("too-deep-in", ALL(*[leaf(f"f{i}", "in", [1, 2]) for i in range(15)]), "E-COND-SIZE", None),
    ("too-deep-mixed-in", ALL(leaf("m", "in", [1, 2, "a", "b", True, False]), *[leaf(f"f{i}", "in", [1, 2]) for i in range(8)]),
     "E-COND-SIZE", None),
]


@pytest.mark.parametrize("cond,code,where", [r[1:] for r in BAD_CONDITIONS], ids=[r[0] for r in BAD_CONDITIONS])
def test_check_condition_rejects(cond, code, where):
    problems = check_condition(cond, ("rules", 3, "when"))
    assert [p.code for p in problems] == [code]
    expected_field = "rules[3].when" + ("." + where if where and not where.startswith("[") else (where or ""))
    assert problems[0].field == expected_field
    assert problems[0].stage == "match"


GOOD_CONDITIONS = [
    None,
    {},
    leaf("x", "<", D("0.0001")),
    leaf("x", "<", D("-9999999999999998")),
    leaf("x", "==", 0),
    leaf("x", "==", "≥95%"),
    leaf("x", "!=", False),
    leaf("x", "in", [1, "a", True, D("2.5")]),
    leaf("指标值", ">=", other="完成值"),
    NOT(ANY(leaf("x", "missing"), ALL(leaf("y", "<", other="z"), NOT(leaf("k", "in", ["a"]))))),
    ALL(*[ANY(leaf(f"a{i}", "exists"), leaf(f"b{i}", "exists")) for i in range(5)]),  # 32 alternatives
    ANY(*[leaf(f"a{i}", "exists") for i in range(60)]),
    ALL(*[leaf(f"f{i}", "exists") for i in range(125)]),
    ALL(*[leaf(f"f{i}", "in", [1, 2]) for i in range(14)]),
    ALL(leaf("m", "in", [1, 2, "a", "b", True, False]), *[leaf(f"f{i}", "in", [1, 2]) for i in range(7)]),
    ALL(*[leaf(f"f{i}", "in", [1, 1, D("1.0")]) for i in range(40)]),  # one distinct value: no $or
    ALL(*[leaf(f"f{i}", "==", other=f"g{i}") for i in range(40)]),
]


@pytest.mark.parametrize("cond", GOOD_CONDITIONS)
def test_check_condition_accepts(cond):
    assert check_condition(cond) == []


@pytest.mark.parametrize("which", MATCHERS)
@pytest.mark.parametrize("cond", GOOD_CONDITIONS[2:], ids=[f"good{i}" for i in range(2, len(GOOD_CONDITIONS))])
def test_accepted_conditions_compile(which, cond):
    """Whatever check_condition accepts, durable_rules accepts too (the limits are exact)."""
    assert compile_matcher([MatchRule("A", "k", cond)], which).match([{"kind": "k", "id": 1}]) in ([()], [("A",)])


@pytest.mark.parametrize("which", MATCHERS)
def test_widest_conditions_match(which):
    # 1 ($and) + 4 (in over three types) + 10 (in over one type) = 15 nested operators
    in15 = ALL(leaf("m", "in", ["x", True, 0]), *[leaf(f"g{i}", "in", [1, 2]) for i in range(10)])
    assert check_condition(in15) == [] and check_condition(ALL(in15, leaf("h", "in", [1, 2])))
    exists125 = ALL(*[leaf(f"f{i}", "exists") for i in range(125)])
    matcher = compile_matcher([MatchRule("IN", "k", in15), MatchRule("EX", "k", exists125)], which)
    hit = {"kind": "k", "id": 1, "m": True, **{f"g{i}": 1 + i % 2 for i in range(10)}}
    full = {"kind": "k", "id": 2, **{f"f{i}": i for i in range(125)}}
    assert matcher.match([hit, dict(hit, id=3, m=1), dict(hit, id=4, m=D("0.0")), full]) == [("IN",), (), ("IN",), ("EX",)]


def test_check_condition_reports_every_problem():
    problems = check_condition(ALL(leaf("x", "<", "a"), leaf("y", "?", 1), {"field": "z", "op": "=="}))
    assert [p.code for p in problems] == ["E-COND-TYPE", "E-COND-OP", "E-COND-OPERAND"]
    assert [p.field for p in problems] == ["all[0].value", "all[1].op", "all[2]"]


@pytest.mark.parametrize("which", MATCHERS)
def test_compile_rejects_bad_pack(which):
    rules = [
        MatchRule("A", "k", leaf("x", "<", "95%")),
        MatchRule("A", "k", None),
        MatchRule("B", "", None),
        MatchRule("C", "k", None, priority="high"),
    ]
    with pytest.raises(JixiaoError) as e:
        compile_matcher(rules, which)
    assert [(p.code, p.field) for p in e.value.problems] == [
        ("E-COND-TYPE", "rules[0].condition.value"),
        ("E-RULE", "rules[1].code"),
        ("E-RULE", "rules[2].kind"),
        ("E-RULE", "rules[3].priority"),
    ]


# --------------------------------------------------------------------------------------------
# Facts are checked the same way by both matchers


BAD_FACTS = [
    ("float-value", {"kind": "k", "id": 1, "x": 0.5}, "facts[0].x"),
    ("nan", {"kind": "k", "id": 1, "x": D("NaN")}, "facts[0].x"),
    ("infinite", {"kind": "k", "id": 1, "x": D("Infinity")}, "facts[0].x"),
    ("beyond-double", {"kind": "k", "id": 1, "x": D("1E+400")}, "facts[0].x"),
    ("int-beyond-double", {"kind": "k", "id": 1, "x": 10**400}, "facts[0].x"),
    ("list-value", {"kind": "k", "id": 1, "x": [1]}, "facts[0].x"),
    ("surrogate", {"kind": "k", "id": 1, "x": "\ud800"}, "facts[0].x"),
    ("no-kind", {"id": 1}, "facts[0].kind"),
    ("bool-id", {"kind": "k", "id": True}, "facts[0].id"),
    ("str-id", {"kind": "k", "id": "1"}, "facts[0].id"),
    ("wide", {"kind": "k", "id": 1, **{f"f{i}": i for i in range(254)}}, "facts[0]"),
]


@pytest.mark.parametrize("which", MATCHERS)
@pytest.mark.parametrize("fact,field", [r[1:] for r in BAD_FACTS], ids=[r[0] for r in BAD_FACTS])
def test_bad_facts(which, fact, field):
    matcher = compile_matcher([MatchRule("A", "k", leaf("x", "exists"))], which)
    with pytest.raises(JixiaoError) as e:
        matcher.match([fact])
    assert [(p.code, p.field) for p in e.value.problems] == [("E-FACT", field)]


@pytest.mark.parametrize("which", MATCHERS)
def test_fact_width_limit(which):
    matcher = compile_matcher([MatchRule("A", "k", leaf("f0", "==", 0))], which)
    fact = {"kind": "k", "id": 1, **{f"f{i}": i for i in range(253)}, "gone": None}  # 255 fields
    assert matcher.match([fact]) == [("A",)]


@pytest.mark.parametrize("which", MATCHERS)
def test_duplicate_fact_ids(which):
    matcher = compile_matcher([MatchRule("A", "k", None)], which)
    with pytest.raises(JixiaoError) as e:
        matcher.match([{"kind": "k", "id": 1}, {"kind": "j", "id": 1}])
    assert [(p.code, p.field) for p in e.value.problems] == [("E-FACT", "facts[1].id")]
    assert matcher.match([{"kind": "k", "id": 1}]) == [("A",)]  # still usable


# --------------------------------------------------------------------------------------------
# The durable adapter


@needs_durable
def test_many_calls_on_one_matcher():
    """1,100 match() calls: each call's session is deleted (the 1025th live one would fail)."""
    matcher = compile_matcher(PACK, "durable")
    for _ in range(1100):
        assert matcher.match(PACK_FACTS) == PACK_EXPECTED


@needs_durable
def test_sessions_where_nothing_fired():
    """Deleting a session in which no action ever ran crashes durable_rules, at random (it
    frees uninitialised pointers of a fresh C state node). This runs many fresh rulesets whose
    first session fires nothing, in a child process that must exit cleanly."""
    code = textwrap.dedent(
        """
        from engine.match import compile_matcher, MatchRule
        for n in range(1, 61):
            rules = [MatchRule(f"A{i}", "k", {"field": "x", "op": "==", "value": i}) for i in range(n)]
            m = compile_matcher(rules + [MatchRule("B", "j", None)], "durable")
            for _ in range(3):
                assert m.match([{"kind": "k", "id": 1, "x": -1}, {"kind": "k", "id": 2}]) == [(), ()]
        for i in range(1100):
            assert m.match([{"kind": "k", "id": 1, "x": -1}]) == [()]
        assert m.match([{"kind": "k", "id": 1, "x": 1}]) == [("A1",)]
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr[-2000:]


@needs_durable
def test_sharding_130_rules_of_one_kind():
    rules = [MatchRule(f"R{i:03}", "k", leaf("x", ">", i)) for i in range(130)]
    rules.append(MatchRule("OTHER", "j", None))
    matcher = compile_matcher(rules, "durable")
    assert matcher.shard_sizes == [60 + 1, 60, 10]  # shard 0 also holds kind j
    all_codes = tuple(f"R{i:03}" for i in range(130))
    facts = [
        {"kind": "k", "id": 1, "x": 1000},  # activates all 130: one ruleset would fail (error 303)
        {"kind": "k", "id": 2, "x": 65},
        {"kind": "k", "id": 3},
        {"kind": "j", "id": 4},
    ]
    assert matcher.match(facts) == [all_codes, all_codes[:65], (), ("OTHER",)]
    assert compile_matcher(rules, "python").match(facts) == matcher.match(facts)


@needs_durable
def test_sharding_counts_alternatives():
    """A rule with 30 alternatives counts 30 towards the 60 per kind and shard."""
    wide = ANY(*[leaf(f"f{i}", "exists") for i in range(30)])
    rules = [MatchRule(f"W{i}", "k", wide) for i in range(5)]
    matcher = compile_matcher(rules, "durable")
    assert matcher.shard_sizes == [60, 60, 30]
    fact = {"kind": "k", "id": 1, **{f"f{i}": i for i in range(30)}}
    assert matcher.match([fact]) == [tuple(f"W{i}" for i in range(5))]


@needs_durable
def test_many_kinds_share_shards_up_to_400():
    rules = [MatchRule(f"K{k}-{i}", f"kind{k}", leaf("x", "==", i)) for k in range(9) for i in range(50)]
    matcher = compile_matcher(rules, "durable")
    assert matcher.shard_sizes == [400, 50]
    facts = [{"kind": f"kind{k}", "id": k, "x": 7} for k in range(9)]
    assert matcher.match(facts) == [(f"K{k}-7",) for k in range(9)]


@needs_durable
def test_two_matchers_from_the_same_rules_do_not_collide():
    first = compile_matcher(PACK, "durable")
    second = compile_matcher(PACK, "durable")
    names = [s.name for s in first._shards + second._shards]
    assert len(set(names)) == len(names)
    # content hash: same pack, same hash; another pack, another hash
    hash_of = lambda m: m._shards[0].name.split("_")[1]  # noqa: E731
    assert hash_of(first) == hash_of(second)
    assert hash_of(compile_matcher(PACK[:-1], "durable")) != hash_of(first)
    for _ in range(3):
        assert first.match(PACK_FACTS) == PACK_EXPECTED
        assert second.match(PACK_FACTS) == PACK_EXPECTED


@needs_durable
def test_action_exception_is_raised(monkeypatch):
    matcher = compile_matcher(PACK, "durable")

    def broken(fact_id, rule_index):
        raise RuntimeError("collector broke")

    monkeypatch.setattr(matcher, "_record", broken)
    with pytest.raises(JixiaoError) as e:
        matcher.match(PACK_FACTS)
    assert e.value.problems[0].code == "E-MATCHER"
    assert "collector broke" in e.value.problems[0].message
    monkeypatch.undo()
    assert matcher.match(PACK_FACTS) == PACK_EXPECTED  # the failed session was cleaned up


@needs_durable
def test_c_level_failure_retires_the_matcher(monkeypatch):
    """After durable_rules' C core fails, the session's state is unknown and touching it can
    crash the process: the matcher refuses further work instead."""
    matcher = compile_matcher(PACK, "durable")
    engine_module = sys.modules["engine.match.durable"]._engine
    real = engine_module.durable_rules_engine

    class Failing:
        def __getattr__(self, name):
            return getattr(real, name)

        def assert_fact(self, handle, text):
            raise real.error("Could not assert fact, error code: 303")

    monkeypatch.setattr(engine_module, "durable_rules_engine", Failing())
    with pytest.raises(JixiaoError) as e:
        matcher.match(PACK_FACTS)
    assert "error code: 303" in e.value.problems[0].message
    monkeypatch.undo()
    with pytest.raises(JixiaoError) as e:
        matcher.match(PACK_FACTS)
    assert "cannot be used again" in e.value.problems[0].message
    assert compile_matcher(PACK, "durable").match(PACK_FACTS) == PACK_EXPECTED


@needs_durable
def test_no_background_threads_and_no_durable_lang():
    before = threading.active_count()
    matcher = compile_matcher(PACK, "durable")
    assert matcher.match(PACK_FACTS) == PACK_EXPECTED
    assert threading.active_count() == before  # durable's Host would start dispatch timers
    assert "durable.lang" not in sys.modules  # its process-global registry is never loaded


@needs_durable
def test_threads_share_one_matcher():
    matcher = compile_matcher(PACK, "durable")
    failures: list = []

    def work():
        for _ in range(50):
            got = matcher.match(PACK_FACTS)
            if got != PACK_EXPECTED:
                failures.append(got)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def _durable_imports(path: Path) -> list[str]:
    """Import statements (and import_module/__import__ calls) that load durable_rules."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                names = [node.args[0].value]
        roots = ("durable", "durable_rules_engine")
        found += [f"{path.name}:{node.lineno}: {n}" for n in names if n.split(".")[0] in roots]
    return found


def test_only_the_adapter_imports_durable():
    adapter = ROOT / "engine" / "match" / "durable.py"
    offenders = [
        hit for path in sorted((ROOT / "engine").rglob("*.py")) if path != adapter for hit in _durable_imports(path)
    ]
    assert offenders == []
    assert _durable_imports(adapter)  # the check does see the adapter's import


def test_import_check_catches_each_form(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import durable\n"
        "import os, durable.engine as e\n"
        "from durable.lang import ruleset\n"
        "import durable_rules_engine\n"
        "importlib.import_module('durable.engine')\n"
        "__import__('durable')\n"
        "from .durable import x\n"
        "import durability\n"
        'text = """\nfrom durable_rules\' C core\n"""\n'
    )
    assert [hit.split(": ")[1] for hit in _durable_imports(sample)] == [
        "durable", "durable.engine", "durable.lang", "durable_rules_engine", "durable.engine", "durable"
    ]


# --------------------------------------------------------------------------------------------
# Raw durable_rules behaviours the adapter works around. If one of these starts failing after
# an upgrade, the matching workaround in engine/match/durable.py may be obsolete. Not pinned,
# because they read uninitialised C memory and differ from one program to the next for the
# same fact: string fact vs number literal ("5" != 5), and field vs missing `$m` field.


RAW_PROBE = textwrap.dedent(
    """
    import copy, json, sys
    from engine.match import durable as adapter   # reach durable_rules only through the adapter
    eng = adapter._engine
    host = adapter._QuietHost()
    hits = []
    expr, facts, open_session = json.loads(sys.argv[1])
    rules = {"r": {"all": [{"m": {"$and": [{"kind": "k"}, expr]}}], "run": lambda c: hits.append(c.m.id)},
             "o": {"all": [{"m": {"o": 1}}], "run": lambda c: None}}
    try:
        host.register_rulesets(copy.deepcopy({"t": rules}))
        if open_session:
            host.assert_fact("t", {"o": 1, "id": "o", "sid": "1"})
        for f in facts:
            try:
                host.assert_fact("t", dict(f, kind="k", sid="1"))
            except eng.MessageNotHandledException:
                pass
    except Exception as e:
        print(json.dumps(str(e))); sys.exit(0)
    print(json.dumps(hits), flush=True)
    host.delete_state("t", "1")
    print("deleted", flush=True)
    """
)


def raw(expr, facts, open_session=True):
    import json

    done = subprocess.run(
        [sys.executable, "-c", RAW_PROBE, json.dumps([expr, facts, open_session])],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    lines = done.stdout.splitlines()
    return done.returncode, (json.loads(lines[0]) if lines else None), lines[1:]


RAW_PINS = [
    ("missing-neq-false", {"$neq": {"x": 5}}, [{"id": 1}], []),
    ("num-fact-vs-str-eq", {"x": "5"}, [{"id": 1, "x": 5}], [1]),
    ("true-eq-1", {"x": 1}, [{"id": 1, "x": True}], [1]),
    ("string-order-wrong", {"$gt": {"x": "a "}}, [{"id": 1, "x": "a"}], [1]),  # Python: "a" < "a "
    ("or-fires-twice", {"$or": [{"$gt": {"x": 1}}, {"$gt": {"x": 2}}]}, [{"id": 1, "x": 5}], [1, 1]),
    ("exponent-without-dot", {"$lt": {"x": 1e-05}}, [], "Could not create ruleset, error code: 204"),
]


@needs_durable
@pytest.mark.parametrize("expr,facts,expected", [r[1:] for r in RAW_PINS], ids=[r[0] for r in RAW_PINS])
def test_raw_durable_behaviour(expr, facts, expected):
    rc, got, _ = raw(expr, facts)
    assert (rc, got) == (0, expected)


CRASH_PROBE = textwrap.dedent(
    """
    import sys
    from engine.match import durable as adapter
    eng = adapter._engine
    open_session = sys.argv[1] == "open"
    for n in range(40):   # the crash depends on garbage in a fresh C state node: try many
        host = adapter._QuietHost()
        host.register_rulesets({"t": {"r": {"all": [{"m": {"x": 1}}], "run": lambda c: None},
                                      "o": {"all": [{"m": {"o": 1}}], "run": lambda c: None}}})
        if open_session:
            host.assert_fact("t", {"o": 1, "id": "o", "sid": "1"})
        try:
            host.assert_fact("t", {"x": 2, "id": 1, "sid": "1"})
        except eng.MessageNotHandledException:
            pass
        host.delete_state("t", "1")
    print("survived")
    """
)


@needs_durable
def test_raw_durable_crashes_deleting_a_session_without_actions():
    def run(mode):
        return subprocess.run([sys.executable, "-c", CRASH_PROBE, mode], cwd=ROOT, capture_output=True, text=True, timeout=60)

    crashed = run("bare")
    assert crashed.returncode != 0 and "survived" not in crashed.stdout  # SIGSEGV / free() abort
    survived = run("open")
    assert (survived.returncode, survived.stdout.strip()) == (0, "survived"), survived.stderr[-2000:]
