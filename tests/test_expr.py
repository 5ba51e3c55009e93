"""Tests for engine.expr: the whitelisted, Decimal-only formula language.

Messages are Chinese by default and English with JIXIAO_LANG=en; the tests below that check a
message's words read the English ones (the module runs with JIXIAO_LANG=en), and
`test_messages_are_chinese_by_default` checks the Chinese of every kind of message."""

from __future__ import annotations

import ast
import decimal
import math
import operator
import pickle
from decimal import Decimal
from fractions import Fraction
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.decimals import D, round_half_up
from engine.expr import LIMITS, Expr, ExprError, compile_expr

@pytest.fixture(autouse=True, scope="module")
def english_messages():
    """The module's message checks read the English words (a module-scoped fixture: hypothesis
    refuses function-scoped ones)."""
    import os

    before = os.environ.get("JIXIAO_LANG")
    os.environ["JIXIAO_LANG"] = "en"
    yield
    if before is None:
        os.environ.pop("JIXIAO_LANG", None)
    else:
        os.environ["JIXIAO_LANG"] = before


CODES = {
    "E-EXPR-SYNTAX",
    "E-EXPR-FORBIDDEN",
    "E-EXPR-NAME",
    "E-EXPR-SIZE",
    "E-EXPR-DEPTH",
    "E-EXPR-LITERAL",
    "E-EXPR-EVAL",
}


def env_of(**values) -> dict[str, Decimal]:
    return {name: D(value) for name, value in values.items()}


def ev(source: str, **values) -> Decimal:
    return compile_expr(source).evaluate(env_of(**values))


def rejected(source: str, allowed_names=None) -> ExprError:
    with pytest.raises(ExprError) as info:
        compile_expr(source, allowed_names)
    return info.value


# --- Evaluation: exact Decimal results ------------------------------------------------------


def test_brief_example_is_exact_and_rounds_half_up_to_4_84():
    result = ev("5*92/95")
    assert isinstance(result, Decimal)
    assert result == Decimal("4.842105263157894736842105263")  # 28 significant digits
    assert round_half_up(result, 2) == Decimal("4.84")


def test_decimal_literals_are_built_from_source_text_not_from_floats():
    assert ev("0.1 + 0.2") == Decimal("0.3")
    assert str(ev("0.1 + 0.2")) == "0.3"
    # Decimal(0.1) would be 0.1000000000000000055511151231257827...; times 3 that is not 0.3.
    assert ev("a * 0.1", a=3) == Decimal("0.3")
    assert str(ev("1.10")) == "1.10"  # the written digits, trailing zero included
    assert ev(".5") == Decimal("0.5")
    assert ev("2.") == Decimal(2)
    assert ev("12345678901234567890") == Decimal("12345678901234567890")  # no float on the way
    assert ev("0.1234567890123456789") == Decimal("0.1234567890123456789")  # a float keeps 17


@pytest.mark.parametrize(
    "source, values, expected",
    [
        ("a + b", {"a": "1.5", "b": "2.25"}, "3.75"),
        ("a - b", {"a": "1.5", "b": "2.25"}, "-0.75"),
        ("a * b", {"a": "1.5", "b": "2.25"}, "3.375"),
        ("a / b", {"a": 1, "b": 8}, "0.125"),
        ("a / b", {"a": 2, "b": 3}, "0.6666666666666666666666666667"),
        ("-a", {"a": "2.5"}, "-2.5"),
        ("+a", {"a": "2.5"}, "2.5"),
        ("-(a - b)", {"a": 1, "b": 3}, "2"),
        ("- -a", {"a": 4}, "4"),
        ("a + b * 2", {"a": 1, "b": 2}, "5"),
        ("(a + b) * 2", {"a": 1, "b": 2}, "6"),
        ("a - b - c", {"a": 10, "b": 3, "c": 2}, "5"),
        ("a - (b - c)", {"a": 10, "b": 3, "c": 2}, "9"),
        ("a / b / c", {"a": 24, "b": 4, "c": 2}, "3"),
        ("a / (b / c)", {"a": 24, "b": 4, "c": 2}, "12"),
        ("-a * b", {"a": 2, "b": 3}, "-6"),
        ("min(a, b)", {"a": 3, "b": "2.5"}, "2.5"),
        ("min(a, b, c)", {"a": 3, "b": 4, "c": -1}, "-1"),
        ("max(a, b)", {"a": 3, "b": "2.5"}, "3"),
        ("max(1, a, 2)", {"a": 7}, "7"),
        ("abs(a)", {"a": "-2.5"}, "2.5"),
        ("abs(a)", {"a": "2.5"}, "2.5"),
        ("ceil(a)", {"a": "2.1"}, "3"),
        ("ceil(a)", {"a": "-2.1"}, "-2"),
        ("ceil(a)", {"a": 3}, "3"),
        ("floor(a)", {"a": "2.9"}, "2"),
        ("floor(a)", {"a": "-2.1"}, "-3"),
        ("1 if a < b else 2", {"a": 1, "b": 2}, "1"),
        ("1 if a < b else 2", {"a": 2, "b": 2}, "2"),
        ("a if a > b else b", {"a": 5, "b": 7}, "7"),
    ],
)
def test_each_construct_evaluates_exactly(source, values, expected):
    result = ev(source, **values)
    assert isinstance(result, Decimal)
    assert result == Decimal(expected)


@pytest.mark.parametrize(
    "symbol, python_op",
    [
        ("<", operator.lt),
        ("<=", operator.le),
        (">", operator.gt),
        (">=", operator.ge),
        ("==", operator.eq),
        ("!=", operator.ne),
    ],
)
@pytest.mark.parametrize("a, b", [(1, 2), (2, 2), (3, 2)])
def test_each_comparison_agrees_with_python(symbol, python_op, a, b):
    result = ev(f"1 if a {symbol} b else 0", a=a, b=b)
    assert result == (1 if python_op(a, b) else 0)


@pytest.mark.parametrize("a", [1, 2, 3])
@pytest.mark.parametrize("b", [1, 2, 3])
@pytest.mark.parametrize("c", [1, 2, 3])
def test_comparison_chains_mean_pairwise_and(a, b, c):
    assert ev("1 if a < b <= c else 0", a=a, b=b, c=c) == (1 if a < b <= c else 0)


@pytest.mark.parametrize("a", [-1, 1])
@pytest.mark.parametrize("b", [-1, 1])
def test_and_or_not(a, b):
    assert ev("1 if a > 0 and b > 0 else 0", a=a, b=b) == (1 if a > 0 and b > 0 else 0)
    assert ev("1 if a > 0 or b > 0 else 0", a=a, b=b) == (1 if a > 0 or b > 0 else 0)
    assert ev("1 if not a > 0 else 0", a=a, b=b) == (1 if not a > 0 else 0)
    assert ev("1 if not (a > 0 and b > 0) else 0", a=a, b=b) == (
        1 if not (a > 0 and b > 0) else 0
    )
    assert ev("1 if a > 0 or b > 0 and a > 0 else 0", a=a, b=b) == (
        1 if a > 0 or b > 0 and a > 0 else 0
    )


def test_only_the_chosen_branch_and_needed_operands_are_evaluated():
    assert ev("0 if target == 0 else actual / target", target=0, actual=5) == 0
    assert ev("1 if b != 0 and a / b > 1 else 0", a=5, b=0) == 0
    assert ev("1 if b == 0 or a / b > 1 else 0", a=5, b=0) == 1
    assert ev("1 if b > 0 < a / b else 0", a=5, b=0) == 0  # chain stops at the first False
    with pytest.raises(ExprError):  # the same formulas do divide when the branch is taken
        ev("1 if b == 0 and a / b > 1 else 0", a=5, b=0)


@pytest.mark.parametrize(
    "source, values, expected",
    [
        ("weight * actual / target", {"weight": 5, "actual": 92, "target": 95}, "4.84"),
        (
            "weight * (1 - (actual - target) / ((k - 1) * target))",
            {"weight": 4, "actual": 110, "target": 100, "k": 2},
            "3.60",
        ),
        (
            "weight - ceil((target - actual) / per) * points",
            {"weight": 10, "target": 95, "actual": 90, "per": 2, "points": 1},
            "7.00",
        ),
        ("min(rate, 1) * weight", {"rate": "1.2", "weight": 10}, "10.00"),
        ("min(rate, 1) * weight", {"rate": "0.85", "weight": 10}, "8.50"),
    ],
)
def test_policy_formulas(source, values, expected):
    assert round_half_up(ev(source, **values), 2) == Decimal(expected)


def test_negative_zero_is_returned_as_zero():
    assert str(ev("0 * a", a=-1)) == "0"
    assert str(ev("ceil(a)", a="-0.5")) == "0"


def test_int_values_are_accepted():
    assert compile_expr("a + 1").evaluate({"a": 2}) == 3


def test_evaluation_uses_its_own_context_and_leaves_the_callers_alone():
    with decimal.localcontext() as caller:
        caller.prec = 5
        caller.traps[decimal.Inexact] = True  # would raise on 1/3 if our context were not used
        result = ev("1 / 3")
        assert decimal.getcontext().prec == 5
        assert decimal.getcontext().traps[decimal.Inexact]
    assert result == Decimal("0.3333333333333333333333333333")


# --- Evaluation errors ----------------------------------------------------------------------


def test_division_by_zero_names_the_operator_column():
    for values in ({"a": 1, "b": 0}, {"a": 0, "b": 0}):
        with pytest.raises(ExprError) as info:
            ev("a / b", **values)
        assert info.value.code == "E-EXPR-EVAL"
        assert "division by zero" in info.value.message
        assert info.value.col == 3
    with pytest.raises(ExprError, match="division by zero"):
        ev("a / (b - b)", a=1, b=4)


def test_missing_names_are_reported_even_in_a_branch_not_taken():
    expr = compile_expr("a if a > 0 else b + c")
    with pytest.raises(ExprError) as info:
        expr.evaluate({"a": D(1)})
    assert info.value.code == "E-EXPR-EVAL"
    assert "no value given for b, c" in info.value.message
    with pytest.raises(ExprError, match="no value given for b, c"):
        expr.render({"a": D(1)})


@pytest.mark.parametrize(
    "value", [0.5, True, "5", None, Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")]
)
def test_values_must_be_finite_decimals(value):
    expr = compile_expr("a + 1")
    for method in (expr.evaluate, expr.render):
        with pytest.raises(ExprError) as info:
            method({"a": value})
        assert info.value.code == "E-EXPR-EVAL"
        assert "must be a finite Decimal" in info.value.message


def test_overflow_is_an_eval_error_not_infinity():
    with pytest.raises(ExprError) as info:
        ev("a * a", a=Decimal("1E+600000"))
    assert info.value.code == "E-EXPR-EVAL"
    assert "too large" in info.value.message


def test_render_of_a_value_too_long_to_display_is_an_eval_error():
    with pytest.raises(ExprError) as info:
        compile_expr("a + 1").render({"a": Decimal("1E+40")})
    assert info.value.code == "E-EXPR-EVAL"


# --- Rejections at compile time -------------------------------------------------------------


@pytest.mark.parametrize(
    "source, code, text, col",
    [
        # operators outside the language
        ("9**9**9", "E-EXPR-FORBIDDEN", "power operator **", 2),
        ("a ** 2", "E-EXPR-FORBIDDEN", "power operator **", 3),
        ("a // 2", "E-EXPR-FORBIDDEN", "floor division //", 3),
        ("a % 2", "E-EXPR-FORBIDDEN", "remainder operator %", 3),
        ("a @ b", "E-EXPR-FORBIDDEN", "matrix product @", 3),
        ("a << 1", "E-EXPR-FORBIDDEN", "shift operator <<", 3),
        ("a | b", "E-EXPR-FORBIDDEN", "bitwise operator |", 3),
        ("a & b", "E-EXPR-FORBIDDEN", "bitwise operator &", 3),
        ("a ^ b", "E-EXPR-FORBIDDEN", "bitwise operator ^", 3),
        ("~a", "E-EXPR-FORBIDDEN", "bitwise operator ~", 1),
        ("1 if a is b else 0", "E-EXPR-FORBIDDEN", "comparison 'is'", 8),
        ("1 if a in b else 0", "E-EXPR-FORBIDDEN", "comparison 'in'", 8),
        ("1 if a not in b else 0", "E-EXPR-FORBIDDEN", "comparison 'not in'", 8),
        # Python constructs outside the language
        ("x.__class__", "E-EXPR-FORBIDDEN", "attribute access is not allowed", 1),
        ("weight * x.__class__", "E-EXPR-FORBIDDEN", "attribute access is not allowed", 10),
        ("a.b()", "E-EXPR-FORBIDDEN", "attribute access", 1),
        ("a[0]", "E-EXPR-FORBIDDEN", "subscript", 1),
        ("a[1:2]", "E-EXPR-FORBIDDEN", "subscript", 1),
        ("'abc'", "E-EXPR-FORBIDDEN", "string", 1),
        ("a + 'abc'", "E-EXPR-FORBIDDEN", "string", 5),
        ("b'abc'", "E-EXPR-FORBIDDEN", "bytes", 1),
        ("f'{a}'", "E-EXPR-FORBIDDEN", "f-string", 1),
        ("lambda: 1", "E-EXPR-FORBIDDEN", "lambda", 1),
        ("(lambda: 1)()", "E-EXPR-FORBIDDEN", "lambda", 2),
        ("[x for x in a]", "E-EXPR-FORBIDDEN", "comprehension", 1),
        ("{x for x in a}", "E-EXPR-FORBIDDEN", "comprehension", 1),
        ("{x: 1 for x in a}", "E-EXPR-FORBIDDEN", "comprehension", 1),
        ("min(x for x in a)", "E-EXPR-FORBIDDEN", "comprehension", 4),
        ("(a, b)", "E-EXPR-FORBIDDEN", "tuple", 1),
        ("[a]", "E-EXPR-FORBIDDEN", "list", 1),
        ("{a}", "E-EXPR-FORBIDDEN", "set", 1),
        ("{a: 1}", "E-EXPR-FORBIDDEN", "dict", 1),
        ("(x := 1)", "E-EXPR-FORBIDDEN", "assignment expression :=", 2),
        ("True", "E-EXPR-FORBIDDEN", "constant True", 1),
        ("None", "E-EXPR-FORBIDDEN", "constant None", 1),
        ("...", "E-EXPR-FORBIDDEN", "constant Ellipsis", 1),
        ("await a", "E-EXPR-FORBIDDEN", "await", 1),
        # calls
        ("__import__('os')", "E-EXPR-FORBIDDEN", "calling '__import__' is not allowed", 1),
        ("open('x')", "E-EXPR-FORBIDDEN", "calling 'open' is not allowed", 1),
        ("round(a)", "E-EXPR-FORBIDDEN", "calling 'round' is not allowed", 1),
        ("(1)(2)", "E-EXPR-FORBIDDEN", "only these functions can be called", 2),
        ("min(a, b, key=c)", "E-EXPR-FORBIDDEN", "keyword argument key=", 11),
        ("min(a, **b)", "E-EXPR-FORBIDDEN", "keyword argument **", 8),
        ("min(*a)", "E-EXPR-FORBIDDEN", "starred argument", 5),
        ("min(a)", "E-EXPR-SYNTAX", "min() takes at least 2 arguments, got 1", 1),
        ("max()", "E-EXPR-SYNTAX", "max() takes at least 2 arguments, got 0", 1),
        ("abs(a, b)", "E-EXPR-SYNTAX", "abs() takes exactly 1 argument, got 2", 1),
        ("ceil()", "E-EXPR-SYNTAX", "ceil() takes exactly 1 argument, got 0", 1),
        # truth values only in a condition; a condition must be one
        ("a < b", "E-EXPR-FORBIDDEN", "comparison is only allowed in the condition", 1),
        ("w * (a < b)", "E-EXPR-FORBIDDEN", "comparison is only allowed in the condition", 6),
        ("1 + (a > 0 and b > 0)", "E-EXPR-FORBIDDEN", "'and' is only allowed", 6),
        ("not a", "E-EXPR-FORBIDDEN", "'not' is only allowed", 1),
        ("a if b else c", "E-EXPR-FORBIDDEN", "a condition must be a comparison", 6),
        ("1 if a > 0 and b else 0", "E-EXPR-FORBIDDEN", "a condition must be a comparison", 16),
        # names
        ("_a", "E-EXPR-NAME", "name '_a' is not allowed: it starts with '_'", 1),
        ("a + __class__", "E-EXPR-NAME", "name '__class__'", 5),
        ("min + 1", "E-EXPR-NAME", "'min' is a function; call it as min(...)", 1),
        # number literals
        ("1e3", "E-EXPR-LITERAL", "number '1e3' must be written as digits", 1),
        ("a * 0x10", "E-EXPR-LITERAL", "'0x10'", 5),
        ("1_000", "E-EXPR-LITERAL", "'1_000'", 1),
        ("2j", "E-EXPR-LITERAL", "'2j'", 1),
        ("0o17", "E-EXPR-LITERAL", "'0o17'", 1),
        # syntax
        ("a +", "E-EXPR-SYNTAX", "the formula ends too early", 4),
        ("a b", "E-EXPR-SYNTAX", "syntax error", 3),
        ("(a", "E-EXPR-SYNTAX", "'(' was never closed", 1),
        ("  (a", "E-EXPR-SYNTAX", "'(' was never closed", 3),
        ("a = 1", "E-EXPR-SYNTAX", "syntax error", 3),
        ("5 × 3", "E-EXPR-SYNTAX", "'×' is not an operator here; write *", 3),
        ("100 ÷ 4", "E-EXPR-SYNTAX", "write /", 5),
        ("min（a, b）", "E-EXPR-SYNTAX", "write (", 4),
        ("weight # * 2", "E-EXPR-SYNTAX", "comments (#) are not allowed", 8),
        ("a\x00", "E-EXPR-SYNTAX", "null bytes", None),
        ("a\ud800", "E-EXPR-SYNTAX", "cannot be parsed", None),
        ("", "E-EXPR-SYNTAX", "the formula is empty", None),
        (" \n\t ", "E-EXPR-SYNTAX", "the formula is empty", None),
    ],
)
def test_rejections(source, code, text, col):
    error = rejected(source)
    assert error.code == code
    assert text in error.message
    assert error.col == col
    if col is not None:
        assert error.message.endswith(f"(col {col})")


def test_a_syntax_error_reports_the_column_of_the_parser():
    error = rejected("weight * * actual")
    assert (error.code, error.col) == ("E-EXPR-SYNTAX", 10)


def test_columns_count_characters_not_bytes():
    error = rejected("权重 * 完成率.real")
    assert (error.code, error.col) == ("E-EXPR-FORBIDDEN", 6)
    error = rejected("权重 * 完成率 ** 2")
    assert (error.code, error.col) == ("E-EXPR-FORBIDDEN", 10)


def test_expr_error_is_a_value_error_carrying_code_message_col():
    error = rejected("x.__class__")
    assert isinstance(error, ValueError)
    assert str(error) == "E-EXPR-FORBIDDEN: attribute access is not allowed (col 1)"


def test_expr_error_survives_pickling():  # e.g. raised in a worker process
    error = pickle.loads(pickle.dumps(ExprError("E-EXPR-EVAL", "division by zero", 3)))
    assert (error.code, error.message, error.col) == ("E-EXPR-EVAL", "division by zero (col 3)", 3)
    assert str(error) == "E-EXPR-EVAL: division by zero (col 3)"


def test_allowed_names():
    expr = compile_expr("weight * actual / target", {"weight", "actual", "target", "k"})
    assert expr.names == {"weight", "actual", "target"}
    error = rejected("weight * actul", ["weight", "actual"])
    assert error.code == "E-EXPR-NAME"
    assert "unknown name 'actul' (known names: actual, weight)" in error.message
    assert error.col == 10
    assert "known names: none" in rejected("a", []).message


def test_names_are_the_variables_only():
    assert compile_expr("min(a, b) * c + ceil(d) - 2").names == frozenset("abcd")
    assert compile_expr("1 + 2").names == frozenset()


def test_bad_arguments_to_compile_expr():
    with pytest.raises(ExprError) as info:
        compile_expr(5)
    assert info.value.code == "E-EXPR-SYNTAX"
    assert "must be text, not int" in info.value.message
    with pytest.raises(TypeError):
        compile_expr("a", "a")  # a single string is not a collection of names


def test_expr_is_immutable():
    expr = compile_expr("a + 1")
    with pytest.raises(AttributeError):
        expr.source = "b"


# --- Limits at the boundary -----------------------------------------------------------------


def test_limits_are_as_documented():
    assert LIMITS == {"max_chars": 300, "max_nodes": 80, "max_depth": 12, "max_literal_digits": 20}


def test_max_chars_counts_characters():
    limit = LIMITS["max_chars"]
    assert compile_expr("a" + " " * (limit - 1)).names == {"a"}
    assert compile_expr("权重" + " " * (limit - 2)).names == {"权重"}  # 3 bytes each in UTF-8
    error = rejected("a" + " " * limit)
    assert error.code == "E-EXPR-SIZE"
    assert f"{limit + 1} characters long; the limit is {limit}" in error.message


def test_max_nodes():
    limit = LIMITS["max_nodes"]
    at_limit = "min(" + ", ".join(["a"] * (limit - 1)) + ")"  # the call and limit - 1 names
    assert compile_expr(at_limit).evaluate({"a": D(2)}) == 2
    over = "min(" + ", ".join(["a"] * limit) + ")"
    error = rejected(over)
    assert error.code == "E-EXPR-SIZE"
    assert f"more than {limit} parts" in error.message
    assert error.col == 4 + 3 * (limit - 1) + 1  # the first name over the limit


def test_max_depth_of_operators():
    limit = LIMITS["max_depth"]
    assert ev("-" * (limit - 1) + "a", a=1) == (-1) ** (limit - 1)
    error = rejected("-" * limit + "a")
    assert error.code == "E-EXPR-DEPTH"
    assert f"more than {limit} levels" in error.message
    assert error.col == limit + 1


def test_max_depth_of_parentheses():
    limit = LIMITS["max_depth"]
    assert ev("(" * limit + "a" + ")" * limit, a=7) == 7
    error = rejected("(" * (limit + 1) + "a" + ")" * (limit + 1))
    assert error.code == "E-EXPR-DEPTH"
    assert error.col == limit + 1


def test_max_literal_digits():
    limit = LIMITS["max_literal_digits"]
    assert ev("9" * limit) == Decimal("9" * limit)
    assert ev("0." + "1" * (limit - 1)) == Decimal("0." + "1" * (limit - 1))
    for over in ("9" * (limit + 1), "0." + "1" * limit, "a + " + "1" * (limit + 1)):
        error = rejected(over)
        assert error.code == "E-EXPR-LITERAL"
        assert f"{limit + 1} digits; the limit is {limit}" in error.message


def test_absurd_nesting_is_a_size_error_not_a_recursion_error():
    for source in ("(" * 10_000 + "1" + ")" * 10_000, "-" * 10_000 + "1", "(" * 10_000):
        assert rejected(source).code == "E-EXPR-SIZE"


def test_absurd_nesting_is_still_an_expr_error_with_the_size_limit_lifted(monkeypatch):
    monkeypatch.setitem(LIMITS, "max_chars", 1_000_000)
    for source in (
        "(" * 10_000 + "1" + ")" * 10_000,
        "-" * 10_000 + "1",
        "+".join(["a"] * 5_000),
        "(" * 100 + "1" + ")" * 100,
    ):
        assert rejected(source).code in {"E-EXPR-DEPTH", "E-EXPR-SIZE", "E-EXPR-SYNTAX"}


# --- Render ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, values, expected",
    [
        ("weight * actual / target", {"weight": 5, "actual": 92, "target": 95}, "5 × 92/95"),
        (
            "weight * (1 - (actual - target) / ((k - 1) * target))",
            {"weight": 4, "actual": 110, "target": 100, "k": 2},
            "4 × (1 - (110 - 100)/((2 - 1) × 100))",
        ),
        (
            "weight - ceil((target - actual) / per) * points",
            {"weight": 10, "target": 95, "actual": 90, "per": 2, "points": 1},
            "10 - ceil((95 - 90)/2) × 1",
        ),
        ("min(rate, 1) * weight", {"rate": 1, "weight": 10}, "min(1, 1) × 10"),
        ("max(a,b,  c)", {"a": 1, "b": 2, "c": 3}, "max(1, 2, 3)"),
        ("abs(a) + floor(b)", {"a": -1, "b": "2.5"}, "abs(-1) + floor(2.5)"),
        # conditionals: always in parentheses, numbers in
        (
            "0 if target == 0 else weight * actual / target",
            {"weight": 5, "actual": 92, "target": 95},
            "(0 if 95 == 0 else 5 × 92/95)",
        ),
        ("(a if a > b else b)", {"a": 1, "b": 2}, "(1 if 1 > 2 else 2)"),
        (
            "a if a > b else b if b > 0 else 0",
            {"a": 1, "b": 2},
            "(1 if 1 > 2 else (2 if 2 > 0 else 0))",
        ),
        ("w * (1 if 0 < a <= b else 0)", {"w": 3, "a": 1, "b": 2}, "3 × (1 if 0 < 1 <= 2 else 0)"),
        (
            "1 if a > 0 and not b < 0 or a == b else 0",
            {"a": 1, "b": 2},
            "(1 if 1 > 0 and not 2 < 0 or 1 == 2 else 0)",
        ),
        (
            "1 if (a > 0 or b > 0) and a != b else 0",
            {"a": 1, "b": 2},
            "(1 if (1 > 0 or 2 > 0) and 1 != 2 else 0)",
        ),
        (
            "1 if not (a >= 0 and b <= 0) else 0",
            {"a": 1, "b": 2},
            "(1 if not (1 >= 0 and 2 <= 0) else 0)",
        ),
        # parentheses the author wrote are kept, even when not needed
        ("(weight * actual) / target", {"weight": 5, "actual": 92, "target": 95}, "(5 × 92)/95"),
        ("((a))", {"a": 1}, "((1))"),
        ("abs((a))", {"a": 1}, "abs((1))"),
        ("( a + b )", {"a": 1, "b": 2}, "(1 + 2)"),
        ("a + (b - c)", {"a": 1, "b": 2, "c": 3}, "1 + (2 - 3)"),
        # no parentheses are invented where neither author nor precedence needs them
        ("a - b - c", {"a": 1, "b": 2, "c": 3}, "1 - 2 - 3"),
        ("a / b * c", {"a": 1, "b": 2, "c": 3}, "1/2 × 3"),
        ("a+b*c", {"a": 1, "b": 2, "c": 3}, "1 + 2 × 3"),
        ("-a * b", {"a": 1, "b": 2}, "-1 × 2"),
        # a negative value right after an operator is put in parentheses
        ("a - b", {"a": 1, "b": -3}, "1 - (-3)"),
        ("a * b", {"a": 1, "b": -3}, "1 × (-3)"),
        ("a / b", {"a": 1, "b": "-0.5"}, "1/(-0.5)"),
        ("-a", {"a": -3}, "-(-3)"),
        ("- -a", {"a": 3}, "-(-3)"),
        ("b * a", {"a": 1, "b": -3}, "-3 × 1"),
        ("min(b, a)", {"a": 1, "b": -3}, "min(-3, 1)"),
        # numbers through decimals.fmt
        ("a + b + 0.50", {"a": "92.50", "b": Decimal("1E+1")}, "92.5 + 10 + 0.5"),
        # any whitespace is a space: YAML block scalars, the ideographic space
        (
            "weight *\n    actual / target\n",
            {"weight": 5, "actual": 92, "target": 95},
            "5 × 92/95",
        ),
        ("权重\u3000*\u3000完成率", {"权重": 5, "完成率": "0.9"}, "5 × 0.9"),
    ],
)
def test_render(source, values, expected):
    assert compile_expr(source).render(env_of(**values)) == expected


# --- Properties -----------------------------------------------------------------------------

NAMES = ("a", "b", "c")
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_COMPARISONS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
_FUNCTIONS = {"min": min, "max": max, "abs": abs, "ceil": math.ceil, "floor": math.floor}

# Each value has at most 3 significant digits and a tree at most 6 leaves, so a tree without
# division never needs more than 28 digits: its Decimal value must equal the exact one.
_literals = st.one_of(
    st.integers(0, 999).map(str),
    st.tuples(st.integers(0, 9), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]:02d}"),
)
_leaves = st.one_of(
    st.sampled_from(NAMES).map(lambda name: ("name", name)),
    _literals.map(lambda text: ("num", text)),
)


def _extend(kids):
    return st.one_of(
        st.tuples(st.just("bin"), st.sampled_from("+-*/"), kids, kids),
        st.tuples(st.just("sign"), st.sampled_from("-+"), kids),
        st.tuples(st.just("paren"), kids),
        st.tuples(
            st.just("call"), st.sampled_from(["min", "max"]), st.lists(kids, min_size=2, max_size=3)
        ),
        st.tuples(
            st.just("call"), st.sampled_from(["abs", "ceil", "floor"]), kids.map(lambda k: [k])
        ),
        st.tuples(st.just("if"), st.sampled_from(sorted(_COMPARISONS)), kids, kids, kids, kids),
    )


_trees = st.recursive(_leaves, _extend, max_leaves=6)
_envs = st.fixed_dictionaries(
    {
        name: st.decimals(
            min_value=-99, max_value=99, places=1, allow_nan=False, allow_infinity=False
        )
        for name in NAMES
    }
)


def _source(tree) -> tuple[str, int]:
    """Formula text for a tree with only the parentheses precedence needs (plus "paren"
    nodes), and the precedence of its outermost operator: 0 if, 1 +-, 2 */, 3 sign, 9 atom."""
    kind = tree[0]
    if kind in ("name", "num"):
        return tree[1], 9
    if kind == "paren":
        return f"({_source(tree[1])[0]})", 9
    if kind == "bin":
        _, op, left, right = tree
        (left_text, left_p), (right_text, right_p) = _source(left), _source(right)
        p = _PRECEDENCE[op]
        left_text = f"({left_text})" if left_p < p else left_text
        right_text = f"({right_text})" if right_p <= p else right_text
        return f"{left_text} {op} {right_text}", p
    if kind == "sign":
        text, p = _source(tree[2])
        return tree[1] + (f"({text})" if p < 3 else text), 3
    if kind == "call":
        return f"{tree[1]}({', '.join(_source(arg)[0] for arg in tree[2])})", 9
    if kind == "if":
        _, symbol, x, y, body, orelse = tree
        x_text, y_text, body_text, orelse_text = (
            f"({text})" if p == 0 else text for text, p in map(_source, (x, y, body, orelse))
        )
        return f"{body_text} if {x_text} {symbol} {y_text} else {orelse_text}", 0
    raise AssertionError(kind)


def _exact(tree, env) -> Fraction:
    """The tree's exact value (an independent oracle); ZeroDivisionError on division by 0."""
    kind = tree[0]
    if kind == "num":
        return Fraction(tree[1])
    if kind == "name":
        return Fraction(env[tree[1]])
    if kind == "paren":
        return _exact(tree[1], env)
    if kind == "bin":
        _, op, left, right = tree
        apply = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
        return apply[op](_exact(left, env), _exact(right, env))
    if kind == "sign":
        value = _exact(tree[2], env)
        return -value if tree[1] == "-" else value
    if kind == "call":
        return Fraction(_FUNCTIONS[tree[1]](*(_exact(arg, env) for arg in tree[2])))
    if kind == "if":
        _, symbol, x, y, body, orelse = tree
        chosen = body if _COMPARISONS[symbol](_exact(x, env), _exact(y, env)) else orelse
        return _exact(chosen, env)
    raise AssertionError(kind)


def _divides(tree) -> bool:
    if tree[0] == "bin" and tree[1] == "/":
        return True
    return any(_divides(part) for part in tree[1:] if isinstance(part, tuple)) or any(
        _divides(arg) for part in tree[1:] if isinstance(part, list) for arg in part
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=_trees, env=_envs)
def test_random_formulas_evaluate_exactly_and_render_faithfully(tree, env):
    source, _ = _source(tree)
    try:
        expr = compile_expr(source, NAMES)
    except ExprError as exc:  # a valid formula may only be too big
        assert exc.code in {"E-EXPR-SIZE", "E-EXPR-DEPTH"}, (source, exc)
        assume(False)

    try:
        value = expr.evaluate(env)
    except ExprError as exc:
        assert exc.code == "E-EXPR-EVAL" and "division by zero" in exc.message, exc
        value = None
    if not _divides(tree):  # exact arithmetic: the result is the exact value
        assert value is not None
        assert Fraction(value) == _exact(tree, env), source
    elif value is not None:
        assert value.is_finite()

    # The rendering, with * for ×, is a formula over numbers that computes the same thing.
    rendered = expr.render(env)
    assert isinstance(rendered, str) and "*" not in rendered
    _assert_computes(rendered, value)


def _assert_computes(rendered: str, value: Decimal | None) -> None:
    """`rendered` read back as a formula gives `value` (None: division by zero)."""
    try:
        again = compile_expr(rendered.replace(" × ", " * "), [])
    except ExprError as exc:  # negative values add a sign node: it may grow too deep/long
        assert exc.code in {"E-EXPR-SIZE", "E-EXPR-DEPTH"}, (rendered, exc)
        return
    try:
        assert again.evaluate({}) == value, rendered
    except ExprError as exc:
        assert value is None and "division by zero" in exc.message, (rendered, exc)


def _without_parentheses(node):
    return replace(node, parens=0, args=tuple(_without_parentheses(arg) for arg in node.args))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=_trees, env=_envs)
def test_render_adds_the_parentheses_precedence_needs(tree, env):
    """White-box: forget the parentheses the author wrote (the renderer keeps them, so they
    would hide a precedence mistake); the rendering must still compute the same value."""
    try:
        expr = compile_expr(_source(tree)[0], NAMES)
    except ExprError:
        assume(False)
    try:
        value = expr.evaluate(env)
    except ExprError:
        value = None
    bare = Expr(expr.source, expr.names, _without_parentheses(expr._tree))
    _assert_computes(bare.render(env), value)


_TOKENS = [
    "a", "b", "1", "0", ".", "5", " ", "+", "-", "*", "/", "(", ")", ",", "<", ">", "=", "!",
    " if ", " else ", " and ", " or ", "not ", "min", "abs", "ceil", "**", "//", "%", "_", "'",
    "#", "×", "[", "]", ".x", "lambda", ":", "\n", "\u3000", "\\", "1e5", "0x", "j",
]


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(max_size=320),
        st.lists(st.sampled_from(_TOKENS), max_size=80).map("".join),
    )
)
def test_arbitrary_text_gives_an_expr_or_an_expr_error(source):
    try:
        expr = compile_expr(source)
    except ExprError as exc:
        assert exc.code in CODES and exc.message, exc
        return
    assert isinstance(expr, Expr)
    env = {name: D(1) for name in expr.names}
    try:
        assert isinstance(expr.evaluate(env), Decimal)
    except ExprError as exc:
        assert exc.code == "E-EXPR-EVAL", exc
    assert isinstance(expr.render(env), str)


# --- The module itself ----------------------------------------------------------------------


def test_module_never_runs_code_nor_uses_float():
    tree = ast.parse(Path(__file__).parent.parent.joinpath("engine", "expr.py").read_text("utf-8"))
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & {"eval", "exec", "compile", "float", "__import__"}
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert "float" not in names


@pytest.mark.parametrize("source, names, values, chinese", [
    (7, None, None, "公式须是文本，不能是 int"),
    ("", None, None, "公式是空的"),
    ("a +", None, None, "公式不完整"),
    ("a × b", None, None, "“×”在公式中不是运算符，请写 *（第 3 列）"),
    ("a # note", None, None, "公式中不能写注释（#）"),
    ("a ** 2", None, None, "公式中不允许乘方运算符 **（第 3 列）"),
    ("a.b", None, None, "公式中不允许属性访问（.）"),
    ("'x'", None, None, "公式中不允许文本（字符串）"),
    ("a < b", None, None, "比较只能用在“a if 条件 else b”的条件里"),
    ("a if b else c", None, None, "条件须是一个比较"),
    ("1e5", None, None, "数“1e5”须写成阿拉伯数字"),
    ("_x", None, None, "不能用名称“_x”：名称不能以 _ 开头"),
    ("min", None, None, "“min”是函数，须写成 min(…)"),
    ("actul", ["actual", "weight"], None, "不认识的名称“actul”（可用的名称：actual, weight）"),
    ("open(1)", None, None, "不能调用“open”；可用的函数：abs, ceil, floor, max, min"),
    ("abs(a, b)", None, None, "abs() 须有 1 个参数，这里有 2 个"),
    ("min(a)", None, None, "min() 须有至少 2 个参数，这里有 1 个"),
    ("a / b", None, {"a": 1, "b": 0}, "除数为零（第 3 列）"),
    ("a + b", None, {"a": 1}, "没有给出 b 的值"),
])
def test_messages_are_chinese_by_default(monkeypatch, source, names, values, chinese):
    monkeypatch.setenv("JIXIAO_LANG", "zh")
    with pytest.raises(ExprError) as info:
        expr = compile_expr(source, names)
        expr.evaluate(env_of(**(values or {})))
    assert chinese in info.value.message, info.value.message
    assert info.value.code in CODES
