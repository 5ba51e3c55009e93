"""Differential test: random facts and random condition trees; the durable and the pure-Python
matchers must return exactly the same matches."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.match import MatchRule, check_condition, compile_matcher, durable_available

pytestmark = pytest.mark.skipif(
    not durable_available(), reason="durable_rules does not import here: nothing to compare against"
)

FIELDS = ("a", "b", "c")
KINDS = ("k1", "k2")
COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
# Short strings with the characters that trip JSON-text comparisons: quote, backslash, space,
# NUL, non-ASCII.
ALPHABET = st.sampled_from(['a', 'b', ' ', '"', '\\', '\x00', 'é', '中', '%'])

small_ints = st.integers(min_value=-3, max_value=3)
small_decimals = st.decimals(min_value=-3, max_value=3, places=2, allow_nan=False, allow_infinity=False)
short_text = st.text(alphabet=ALPHABET, max_size=3)
numbers = st.one_of(small_ints, small_decimals)
literals = st.one_of(numbers, short_text, st.booleans())
fact_values = st.one_of(
    st.none(),
    small_ints,
    small_decimals,
    short_text,
    st.booleans(),
    # doubles durable's parser cannot read as Python spells them (1e-05, 1e+20), and -0
    st.sampled_from([Decimal("0.00001"), Decimal("-0.00001"), Decimal("1E+20"), Decimal("-0"), 10**17]),
)


@st.composite
def leaves(draw):
    field = draw(st.sampled_from(FIELDS))
    op = draw(st.sampled_from(COMPARISONS + ("in", "exists", "missing")))
    if op in ("exists", "missing"):
        return {"field": field, "op": op}
    if op == "in":
        return {"field": field, "op": "in", "value": draw(st.lists(literals, min_size=1, max_size=3))}
    if draw(st.booleans()):
        return {"field": field, "op": op, "other": draw(st.sampled_from(FIELDS))}
    value = draw(numbers if op in ("<", "<=", ">", ">=") else literals)
    return {"field": field, "op": op, "value": value}


def conditions(depth: int):
    if depth == 0:
        return leaves()
    sub = conditions(depth - 1)
    return st.one_of(
        leaves(),
        st.builds(lambda items: {"all": items}, st.lists(sub, min_size=1, max_size=3)),
        st.builds(lambda items: {"any": items}, st.lists(sub, min_size=1, max_size=3)),
        st.builds(lambda item: {"not": item}, sub),
    )


valid_conditions = st.one_of(st.none(), conditions(3)).filter(lambda c: not check_condition(c))


@st.composite
def packs(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    return [MatchRule(f"R{i}", draw(st.sampled_from(KINDS)), draw(valid_conditions)) for i in range(n)]


@st.composite
def fact_lists(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    facts = []
    for i in range(n):
        fact = {"kind": draw(st.sampled_from(KINDS + ("k3",))), "id": i}
        for field in FIELDS:
            value = draw(fact_values)
            if value is not None or draw(st.booleans()):  # None present, or the key left out
                fact[field] = value
        facts.append(fact)
    return facts


OUTCOMES: Counter = Counter()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=packs(), facts=fact_lists())
def test_durable_and_python_agree(rules, facts):
    python = compile_matcher(rules, "python").match(facts)
    durable = compile_matcher(rules, "durable").match(facts)
    assert durable == python
    for codes in python:
        OUTCOMES["match" if codes else "no match"] += 1


def test_the_generator_reaches_both_outcomes():
    """Guards the test above against a generator that only ever produces empty results."""
    if not OUTCOMES:
        pytest.skip("run together with test_durable_and_python_agree")
    assert OUTCOMES["match"] >= 100 and OUTCOMES["no match"] >= 100, OUTCOMES
