"""Score formulas: a small, whitelisted arithmetic language evaluated in Decimal.

Rule packs are written by policy staff, so a formula is untrusted text. It is parsed with
`ast.parse(text, mode="eval")`, checked node by node against a whitelist and translated into a
small tree of its own; it is never compiled to code nor given to eval/exec. Evaluation and
rendering walk that tree.

The language:

    numbers      92   0.85   .5          digits and an optional point (no exponent, hex, _ or j)
    names        weight  actual  权重     not starting with "_"; function names are reserved
    arithmetic   a + b   a - b   a * b   a / b   -a   +a   ( ... )
    functions    min(a, b, ...)  max(a, b, ...)  abs(a)  ceil(a)  floor(a)
    conditional  a if condition else b
    conditions   a < b  a <= b  a > b  a >= b  a == b  a != b  (chains: a < b <= c),
                 combined with and, or, not

Comparisons and and/or/not give a truth value, so they may appear only in the condition of a
conditional, and a condition must be one of them (a bare number is not a condition).

Any whitespace (newline, tab, the ideographic space U+3000) counts as a space, so a formula may
be wrapped over lines in YAML. Columns in messages are 1-based character positions in the
formula text.

Error codes (ExprError.code):
    E-EXPR-SYNTAX     not a formula at all, a comment, or a function called with the wrong arity
    E-EXPR-FORBIDDEN  a Python construct outside the language (attribute, string, **, lambda ...)
    E-EXPR-NAME       a name starting with "_", a function name used as a value, or a name not
                      among the allowed ones
    E-EXPR-SIZE       too many characters or nodes
    E-EXPR-DEPTH      nested too deep (operators or parentheses)
    E-EXPR-LITERAL    a number not written as plain digits, or with too many digits
    E-EXPR-EVAL       evaluation failed: division by zero, missing or non-Decimal value, overflow
"""

from __future__ import annotations

import ast
import io
import numbers
import operator
import re
import tokenize
import warnings
from dataclasses import dataclass, field, replace
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DecimalException,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Callable, Iterable, Mapping

from .decimals import D, fmt, is_finite_number
from .errors import tr

__all__ = ["LIMITS", "ExprError", "Expr", "compile_expr"]

LIMITS = {
    # Characters in the formula text, checked before anything else (so before parsing).
    "max_chars": 300,
    # Nodes of the formula: each number, name, operator, function call, comparison chain,
    # and/or/not and conditional counts one. `weight * actual / target` has 5.
    "max_nodes": 80,
    # Nesting, counted two ways, both limited: operator nesting (`a` is 1, `a + b` is 2,
    # `w * (a - b)` is 3) and parenthesis nesting (`((a))` is 2, `min(a, b)` is 1).
    "max_depth": 12,
    # Digits in one number literal, integer and fraction part together.
    "max_literal_digits": 20,
}

# Evaluation arithmetic: 28 significant digits. Anything that cannot give a finite number
# (overflow, an invalid operation) raises instead of producing Infinity or NaN.
# `localcontext` works on a copy, so this object is never modified.
_CONTEXT = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


class ExprError(ValueError):
    """A formula was rejected, or could not be evaluated or rendered.

    `code` is one of the E-EXPR-* codes above; `message` says what was wrong, in the user's
    language (`errors.tr`: Chinese unless JIXIAO_LANG says English) and, when the problem is at
    one place, ends with "（第 N 列）" / "(col N)"; `col` is that 1-based column, or None."""

    def __init__(self, code: str, message: str, col: int | None = None) -> None:
        super().__init__(code, message, col)  # the constructor's arguments, so pickle works
        self.code = code
        self.col = col
        self.message = message if col is None else message + tr(f"（第 {col} 列）", f" (col {col})")

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


# --- The whitelist --------------------------------------------------------------------------

# Binding strength, loosest first, as in Python's grammar. Used by the renderer.
_P_IF, _P_OR, _P_AND, _P_NOT, _P_COMPARE, _P_SUM, _P_PRODUCT, _P_SIGN, _P_ATOM = range(9)

_NUMBER, _TRUTH = "number", "truth value"


@dataclass(frozen=True)
class _Op:
    symbol: str  # as written in a formula
    shown: str  # as rendered, with its spacing
    precedence: int
    apply: Callable


@dataclass(frozen=True)
class _Function:
    min_args: int
    max_args: int | None  # None: no upper bound
    apply: Callable[..., Decimal]


# Every AST node type a formula may contain, and what it produces (UnaryOp: see _produces).
_ALLOWED = {
    ast.Constant: _NUMBER,
    ast.Name: _NUMBER,
    ast.UnaryOp: _NUMBER,
    ast.BinOp: _NUMBER,
    ast.Call: _NUMBER,
    ast.IfExp: _NUMBER,
    ast.Compare: _TRUTH,
    ast.BoolOp: _TRUTH,
}

_DIVIDE = _Op("/", "/", _P_PRODUCT, operator.truediv)
_BINARY = {
    ast.Add: _Op("+", " + ", _P_SUM, operator.add),
    ast.Sub: _Op("-", " - ", _P_SUM, operator.sub),
    ast.Mult: _Op("*", " × ", _P_PRODUCT, operator.mul),
    ast.Div: _DIVIDE,
}
_UNARY = {
    ast.USub: _Op("-", "-", _P_SIGN, operator.neg),
    ast.UAdd: _Op("+", "+", _P_SIGN, operator.pos),
    ast.Not: _Op("not", "not ", _P_NOT, operator.not_),
}
_COMPARE = {
    ast.Lt: _Op("<", " < ", _P_COMPARE, operator.lt),
    ast.LtE: _Op("<=", " <= ", _P_COMPARE, operator.le),
    ast.Gt: _Op(">", " > ", _P_COMPARE, operator.gt),
    ast.GtE: _Op(">=", " >= ", _P_COMPARE, operator.ge),
    ast.Eq: _Op("==", " == ", _P_COMPARE, operator.eq),
    ast.NotEq: _Op("!=", " != ", _P_COMPARE, operator.ne),
}
# `all`/`any` over a generator short-circuit like Python's and/or.
_BOOLEAN = {
    ast.And: _Op("and", " and ", _P_AND, all),
    ast.Or: _Op("or", " or ", _P_OR, any),
}
_FUNCTIONS = {
    "min": _Function(2, None, min),
    "max": _Function(2, None, max),
    "abs": _Function(1, 1, abs),
    "ceil": _Function(1, 1, lambda x: x.to_integral_value(rounding=ROUND_CEILING)),
    "floor": _Function(1, 1, lambda x: x.to_integral_value(rounding=ROUND_FLOOR)),
}
_FUNCTION_LIST = ", ".join(sorted(_FUNCTIONS))

# The rest of Python's expression grammar, named for error messages.
_REJECTED = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Starred: "starred argument",
    ast.Lambda: "lambda",
    ast.NamedExpr: "assignment expression :=",
    ast.JoinedStr: "f-string",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "comprehension",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.Await: "await",
}
# Rejected operators: (description, the text to look for to report its column).
_REJECTED_OPS = {
    ast.Pow: ("power operator **", "**"),
    ast.FloorDiv: ("floor division //", "//"),
    ast.Mod: ("remainder operator %", "%"),
    ast.MatMult: ("matrix product @", "@"),
    ast.LShift: ("shift operator <<", "<<"),
    ast.RShift: ("shift operator >>", ">>"),
    ast.BitOr: ("bitwise operator |", "|"),
    ast.BitXor: ("bitwise operator ^", "^"),
    ast.BitAnd: ("bitwise operator &", "&"),
    ast.Invert: ("bitwise operator ~", "~"),
    ast.Is: ("comparison 'is'", "is"),
    ast.IsNot: ("comparison 'is not'", "is"),
    ast.In: ("comparison 'in'", "in"),
    ast.NotIn: ("comparison 'not in'", "not"),
}

# A number literal as the language accepts it; anything else Python accepts is rejected.
_LITERAL = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")

# Characters typed from finance forms or a Chinese keyboard, with what a formula needs instead.
# Used only to improve the parser's "invalid character" message.
_LOOKALIKES = {"×": "*", "÷": "/", "−": "-", "（": "(", "）": ")", "，": ","}


# --- The checked tree -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    """One checked piece of a formula.

    kind: number, name, unary, binary, call, if (these give numbers) or compare, bool, not
    (these give truth values). For "if", args are (test, body, orelse)."""

    kind: str
    args: tuple[_Node, ...] = ()
    ops: tuple[_Op, ...] = ()  # the operator; a comparison chain has one per link
    name: str = ""  # variable or function name
    value: Decimal | None = None  # a number literal's value, read from its source text
    col: int | None = None  # 1-based column of the node (of the operator, for "binary")
    parens: int = 0  # grouping parentheses the author wrote around it


# --- Compile: one validator walk --------------------------------------------------------------


def compile_expr(source: str, allowed_names: Iterable[str] | None = None) -> Expr:
    """Check `source` and return an Expr, or raise ExprError saying what is wrong and where.

    With `allowed_names`, every name in the formula must be one of them."""
    if not isinstance(source, str):
        raise ExprError("E-EXPR-SYNTAX", tr(f"公式须是文本，不能是 {type(source).__name__}",
                                            f"a formula must be text, not {type(source).__name__}"))
    if isinstance(allowed_names, str):
        raise TypeError("allowed_names must be a collection of names, not one string")
    allowed = None if allowed_names is None else frozenset(allowed_names)
    limit = LIMITS["max_chars"]
    if len(source) > limit:
        raise ExprError(
            "E-EXPR-SIZE", tr(f"公式长 {len(source)} 个字符，上限是 {limit} 个",
                              f"the formula is {len(source)} characters long; the limit is {limit}")
        )
    # One character for one character, so columns in `text` are columns in `source`.
    text = "".join(" " if ch.isspace() else ch for ch in source)
    body = text.lstrip()  # ast.parse rejects leading spaces as an indent
    lead = len(text) - len(body)
    if not body:
        raise ExprError("E-EXPR-SYNTAX", tr("公式是空的", "the formula is empty"))
    try:
        with warnings.catch_warnings():  # e.g. "invalid escape sequence": rejected anyway
            warnings.simplefilter("ignore")
            tree = ast.parse(body, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(exc, text, lead) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # e.g. lone surrogates
        raise ExprError("E-EXPR-SYNTAX", tr(f"公式无法解析：{exc}", f"the formula cannot be parsed: {exc}")) from None
    checker = _Checker(text, lead, allowed)
    root = checker.check(tree.body, _NUMBER, 1)
    return Expr(source, frozenset(checker.names), root)


def _syntax_error(exc: SyntaxError, text: str, lead: int) -> ExprError:
    if exc.offset is None:  # e.g. a NUL character: no position given
        return ExprError("E-EXPR-SYNTAX", tr(f"公式写法有误（{exc.msg}）", f"syntax error: {exc.msg}"))
    if exc.offset == 0:  # the parser ran out of input
        return ExprError(
            "E-EXPR-SYNTAX",
            tr(f"公式不完整，末尾缺少内容（{exc.msg}）", f"{exc.msg}: the formula ends too early"),
            len(text.rstrip()) + 1,
        )
    col = lead + exc.offset
    ch = text[col - 1] if col <= len(text) else ""
    if ch in _LOOKALIKES:
        return ExprError(
            "E-EXPR-SYNTAX", tr(f"“{ch}”在公式中不是运算符，请写 {_LOOKALIKES[ch]}",
                                f"{ch!r} is not an operator here; write {_LOOKALIKES[ch]}"), col
        )
    return ExprError("E-EXPR-SYNTAX", tr(f"公式写法有误（{exc.msg}）", f"syntax error: {exc.msg}"), col)


class _Checker:
    """The validator walk: checks every node against the whitelist and the limits, and
    translates it into a _Node. Recursive, but it checks the depth before going one level
    deeper, so it never recurses more than LIMITS["max_depth"] levels."""

    def __init__(self, text: str, lead: int, allowed: frozenset[str] | None) -> None:
        self.text = text
        self.lead = lead
        self.allowed = allowed
        self.names: set[str] = set()
        self.count = 0
        self.call_opens: set[int] = set()  # positions of the "(" that belong to calls
        # ast positions are UTF-8 byte offsets into the parsed text; map them to characters.
        body = text[lead:]
        self.char_at: dict[int, int] = {}
        offset = 0
        for i, ch in enumerate(body):
            self.char_at[offset] = i
            offset += len(ch.encode("utf-8"))
        self.char_at[offset] = len(body)
        self.groups = self._scan_parentheses(body)

    def fail(self, code: str, message: str, index: int | None) -> ExprError:
        return ExprError(code, message, None if index is None else index + 1)

    def _scan_parentheses(self, body: str) -> dict[tuple[int, int], tuple[int, int]]:
        """Reject comments, limit parenthesis nesting, and pair the parentheses.

        Returns {inner span (start, end), spaces trimmed: (open, close)} over `text`
        positions. Tokens, not characters, so a "(" inside a string (rejected later) or a
        comment is not taken for a real one."""
        limit = LIMITS["max_depth"]
        groups: dict[tuple[int, int], tuple[int, int]] = {}
        opens: list[int] = []
        for token in tokenize.generate_tokens(io.StringIO(body).readline):
            at = self.lead + token.start[1]
            if token.type == tokenize.COMMENT:
                raise self.fail("E-EXPR-SYNTAX", tr("公式中不能写注释（#）", "comments (#) are not allowed"), at)
            if token.string == "(":
                opens.append(at)
                if len(opens) > limit:
                    raise self.fail(
                        "E-EXPR-DEPTH", tr(f"括号嵌套超过 {limit} 层", f"parentheses are nested more than {limit} deep"), at
                    )
            elif token.string == ")":
                start = opens.pop()
                inner = self.text[start + 1 : at]
                if inner.strip():
                    begin = start + 1 + len(inner) - len(inner.lstrip())
                    end = at - (len(inner) - len(inner.rstrip()))
                    groups[(begin, end)] = (start, at)
        return groups

    def span(self, node: ast.AST) -> tuple[int, int]:
        """The node's [start, end) in `text`, without surrounding parentheses."""
        return (
            self.lead + self.char_at[node.col_offset],
            self.lead + self.char_at[node.end_col_offset],
        )

    def parens(self, start: int, end: int) -> int:
        """How many grouping parentheses are written around the span."""
        count = 0
        while (start, end) in self.groups:
            open_, close = self.groups[(start, end)]
            if open_ in self.call_opens:
                break
            count += 1
            start, end = open_, close + 1
        return count

    def operator_at(self, left: ast.AST, right: ast.AST, symbol: str) -> int:
        """Position of the operator written between two operands."""
        _, after_left = self.span(left)
        before_right, _ = self.span(right)
        found = self.text.find(symbol, after_left, before_right)
        return found if found >= 0 else after_left

    def check(self, node: ast.AST, want: str, depth: int) -> _Node:
        start, end = self.span(node)
        if depth > LIMITS["max_depth"]:
            raise self.fail(
                "E-EXPR-DEPTH",
                tr(f"公式嵌套超过 {LIMITS['max_depth']} 层", f"the formula is nested more than {LIMITS['max_depth']} levels deep"),
                start,
            )
        self.count += 1
        if self.count > LIMITS["max_nodes"]:
            raise self.fail(
                "E-EXPR-SIZE",
                tr(f"公式超过 {LIMITS['max_nodes']} 个组成部分（数、名称、运算符、函数调用）",
                   f"the formula has more than {LIMITS['max_nodes']} parts (numbers, names, operators, calls)"),
                start,
            )
        produces = _produces(node)
        if produces is None:
            raise self.fail("E-EXPR-FORBIDDEN", _not_allowed(_describe(node)), start)
        if produces != want:
            if want == _NUMBER:
                message = tr(f"{_zh(_describe(node))}只能用在“a if 条件 else b”的条件里",
                             f"{_describe(node)} is only allowed in the condition of 'a if condition else b'")
            else:
                message = tr("条件须是一个比较，如 actual >= target",
                             "a condition must be a comparison, such as 'actual >= target'")
            raise self.fail("E-EXPR-FORBIDDEN", message, start)
        checked = self._translate(node, start, depth + 1)
        parens = self.parens(start, end)
        return replace(checked, parens=parens) if parens else checked

    def _translate(self, node: ast.AST, start: int, depth: int) -> _Node:
        """Check one whitelisted node's own parts, and its children at `depth`."""
        col = start + 1
        if isinstance(node, ast.Constant):
            return _Node("number", value=self._literal(node, start), col=col)

        if isinstance(node, ast.Name):
            self._name(node.id, start)
            return _Node("name", name=node.id, col=col)

        if isinstance(node, ast.UnaryOp):
            op = _UNARY.get(type(node.op))
            if op is None:
                raise self.fail("E-EXPR-FORBIDDEN", _not_allowed(_describe(node.op)), start)
            sort = _TRUTH if op.symbol == "not" else _NUMBER
            operand = self.check(node.operand, sort, depth)
            return _Node("not" if sort == _TRUTH else "unary", (operand,), (op,), col=col)

        if isinstance(node, ast.BinOp):
            left = self.check(node.left, _NUMBER, depth)
            op = _BINARY.get(type(node.op))
            if op is None:
                _, symbol = _REJECTED_OPS.get(type(node.op), ("", ""))
                at = self.operator_at(node.left, node.right, symbol)
                raise self.fail("E-EXPR-FORBIDDEN", _not_allowed(_describe(node.op)), at)
            right = self.check(node.right, _NUMBER, depth)
            at = self.operator_at(node.left, node.right, op.symbol)
            return _Node("binary", (left, right), (op,), col=at + 1)

        if isinstance(node, ast.Call):
            return self._call(node, start, depth)

        if isinstance(node, ast.IfExp):  # checked in source order: body, test, orelse
            body = self.check(node.body, _NUMBER, depth)
            test = self.check(node.test, _TRUTH, depth)
            orelse = self.check(node.orelse, _NUMBER, depth)
            return _Node("if", (test, body, orelse), col=col)

        if isinstance(node, ast.Compare):
            operands = [self.check(node.left, _NUMBER, depth)]
            ops = []
            for left, op_node, right in zip(
                [node.left, *node.comparators], node.ops, node.comparators
            ):
                op = _COMPARE.get(type(op_node))
                if op is None:
                    _, symbol = _REJECTED_OPS.get(type(op_node), ("", ""))
                    at = self.operator_at(left, right, symbol)
                    raise self.fail(
                        "E-EXPR-FORBIDDEN", _not_allowed(_describe(op_node)), at
                    )
                ops.append(op)
                operands.append(self.check(right, _NUMBER, depth))
            return _Node("compare", tuple(operands), tuple(ops), col=col)

        if isinstance(node, ast.BoolOp):
            values = tuple(self.check(value, _TRUTH, depth) for value in node.values)
            return _Node("bool", values, (_BOOLEAN[type(node.op)],), col=col)

        raise AssertionError(f"{type(node).__name__} is in _ALLOWED but not translated")

    def _literal(self, node: ast.Constant, start: int) -> Decimal:
        """The literal's value, built from its source text (never from the parser's float)."""
        _, end = self.span(node)
        written = self.text[start:end]
        if isinstance(node.value, bool) or not isinstance(node.value, numbers.Number):
            raise self.fail("E-EXPR-FORBIDDEN", _not_allowed(_describe(node)), start)
        if not _LITERAL.fullmatch(written):
            raise self.fail(
                "E-EXPR-LITERAL",
                tr(f"数“{written}”须写成阿拉伯数字，可带小数点",
                   f"number {written!r} must be written as digits with an optional decimal point"),
                start,
            )
        digits = sum(ch.isdigit() for ch in written)
        limit = LIMITS["max_literal_digits"]
        if digits > limit:
            raise self.fail(
                "E-EXPR-LITERAL", tr(f"数 {written} 有 {digits} 位数字，上限是 {limit} 位",
                                     f"number {written} has {digits} digits; the limit is {limit}"),
                start,
            )
        return D(written)

    def _name(self, name: str, start: int) -> None:
        if name.startswith("_"):
            message = tr(f"不能用名称“{name}”：名称不能以 _ 开头", f"name {name!r} is not allowed: it starts with '_'")
        elif name in _FUNCTIONS:
            message = tr(f"“{name}”是函数，须写成 {name}(…)", f"{name!r} is a function; call it as {name}(...)")
        elif self.allowed is not None and name not in self.allowed:
            known = ", ".join(sorted(self.allowed)) or tr("无", "none")
            message = tr(f"不认识的名称“{name}”（可用的名称：{known}）", f"unknown name {name!r} (known names: {known})")
        else:
            self.names.add(name)
            return
        raise self.fail("E-EXPR-NAME", message, start)

    def _call(self, node: ast.Call, start: int, depth: int) -> _Node:
        func = node.func
        if not isinstance(func, ast.Name):
            what = _REJECTED.get(type(func))
            if what:
                message = _not_allowed(what)
            else:
                message = tr(f"只能调用这些函数：{_FUNCTION_LIST}", f"only these functions can be called: {_FUNCTION_LIST}")
            raise self.fail("E-EXPR-FORBIDDEN", message, self.span(func)[0])
        function = _FUNCTIONS.get(func.id)
        if function is None:
            raise self.fail(
                "E-EXPR-FORBIDDEN",
                tr(f"不能调用“{func.id}”；可用的函数：{_FUNCTION_LIST}",
                   f"calling {func.id!r} is not allowed; the functions are {_FUNCTION_LIST}"),
                start,
            )
        if node.keywords:
            keyword = node.keywords[0]
            written = "**" if keyword.arg is None else f"{keyword.arg}="
            raise self.fail(
                "E-EXPR-FORBIDDEN",
                tr(f"不能用关键字参数 {written}", f"keyword argument {written} is not allowed"),
                self.span(keyword)[0],
            )
        self.call_opens.add(self.text.index("(", self.span(func)[1]))
        args = tuple(self.check(arg, _NUMBER, depth) for arg in node.args)
        count, low, high = len(args), function.min_args, function.max_args
        if count < low or (high is not None and count > high):
            wanted = f"exactly {low}" if low == high else f"at least {low}"
            plural = "" if low == 1 else "s"
            raise self.fail(
                "E-EXPR-SYNTAX",
                tr(f"{func.id}() 须有{'' if low == high else '至少'} {low} 个参数，这里有 {count} 个",
                   f"{func.id}() takes {wanted} argument{plural}, got {count}"),
                start,
            )
        return _Node("call", args, name=func.id, col=start + 1)


def _produces(node: ast.AST) -> str | None:
    """What a whitelisted node gives (number or truth value); None if it is not allowed."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _TRUTH
    return _ALLOWED.get(type(node))


def _describe(node: ast.AST) -> str:
    """A node or operator named for a message."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, str):
            return "string"
        if isinstance(value, bytes):
            return "bytes literal"
        return f"constant {value!r}"
    if isinstance(node, ast.Compare):
        return "comparison"
    if isinstance(node, ast.BoolOp):
        return f"'{_BOOLEAN[type(node.op)].symbol}'"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return "'not'"
    if type(node) in _REJECTED_OPS:
        return _REJECTED_OPS[type(node)][0]
    return _REJECTED.get(type(node), type(node).__name__)



# The descriptions above in Chinese (messages are Chinese unless JIXIAO_LANG says English).
_ZH = {
    "attribute access": "属性访问（.）", "subscript": "下标（[ ]）", "slice": "切片", "starred argument": "星号参数（*）",
    "lambda": "lambda 表达式", "assignment expression :=": "赋值表达式 :=", "f-string": "f 字符串",
    "comprehension": "推导式", "list": "列表", "tuple": "元组", "set": "集合", "dict": "字典", "await": "await",
    "power operator **": "乘方运算符 **", "floor division //": "整除运算符 //", "remainder operator %": "取余运算符 %",
    "matrix product @": "矩阵乘运算符 @", "shift operator <<": "移位运算符 <<", "shift operator >>": "移位运算符 >>",
    "bitwise operator |": "位运算符 |", "bitwise operator ^": "位运算符 ^", "bitwise operator &": "位运算符 &",
    "bitwise operator ~": "位运算符 ~", "comparison 'is'": "比较 is", "comparison 'is not'": "比较 is not",
    "comparison 'in'": "比较 in", "comparison 'not in'": "比较 not in", "string": "文本（字符串）",
    "bytes literal": "字节串", "comparison": "比较",
}


def _zh(description: str) -> str:
    """A `_describe` text in Chinese."""
    if description.startswith("constant "):
        return "常量 " + description[len("constant "):]
    return _ZH.get(description, description)


def _not_allowed(description: str) -> str:
    return tr(f"公式中不允许{_zh(description)}", f"{description} is not allowed")

# --- The compiled formula -----------------------------------------------------------------


@dataclass(frozen=True)
class Expr:
    """A checked formula. Make one with `compile_expr` (the tree is private to this module).

    `names` are the variables it uses; `evaluate` and `render` need a value for each."""

    source: str
    names: frozenset[str]
    _tree: _Node = field(repr=False, compare=False)

    def evaluate(self, env: Mapping[str, Decimal]) -> Decimal:
        """The formula's value, computed in Decimal with 28 significant digits. Only the
        branch a conditional chooses is evaluated. Raises ExprError("E-EXPR-EVAL") for a
        missing or non-Decimal value, division by zero, or a result out of Decimal's range."""
        return self._evaluate(self._values(env))

    def _evaluate(self, values: dict[str, Decimal]) -> Decimal:
        with localcontext(_CONTEXT):
            try:
                result = _number(self._tree, values)
            except DecimalException as exc:
                raise ExprError("E-EXPR-EVAL", _arithmetic_trouble(exc)) from None
        return result.copy_abs() if result.is_zero() else result  # no "-0" on a score sheet

    def evaluate_and_render(self, env: Mapping[str, Decimal]) -> tuple[Decimal, str]:
        """`evaluate` and `render` together, checking the values once (what scoring needs)."""
        values = self._values(env)
        return self._evaluate(values), self._render(values)

    def render(self, env: Mapping[str, Decimal]) -> str:
        """The formula with numbers in place of names, as a finance form writes it:
        `weight * actual / target` becomes "5 × 92/95"."""
        return self._render(self._values(env))

    def _render(self, values: dict[str, Decimal]) -> str:
        if any(value.adjusted() >= _CONTEXT.prec for value in values.values()):
            raise ExprError("E-EXPR-EVAL", tr("数值过大，无法显示（超过 28 位）", "a value is too large to display (more than 28 digits)"))
        with localcontext(_CONTEXT):
            return _render(self._tree, values)

    def _values(self, env: Mapping[str, Decimal]) -> dict[str, Decimal]:
        """Every name's value, checked up front so that errors do not depend on which branch
        a conditional takes. Decimal and int are accepted; float and bool are not."""
        missing = sorted(name for name in self.names if name not in env)
        if missing:
            raise ExprError("E-EXPR-EVAL", tr(f"没有给出 {', '.join(missing)} 的值", f"no value given for {', '.join(missing)}"))
        values = {}
        for name in sorted(self.names):
            value = env[name]
            if not is_finite_number(value):
                raise ExprError(
                    "E-EXPR-EVAL", tr(f"“{name}”的值须是有限的十进制数，这里是 {value!r}",
                                      f"the value of {name!r} must be a finite Decimal, got {value!r}")
                )
            values[name] = D(value)
        return values


def _arithmetic_trouble(exc: DecimalException) -> str:
    if isinstance(exc, Overflow):
        return tr("计算结果过大（超过 1E+999999）", "a result is too large (beyond 1E+999999)")
    return tr(f"无效的运算（{type(exc).__name__}）", f"invalid arithmetic ({type(exc).__name__})")


# --- The evaluator --------------------------------------------------------------------------


def _number(node: _Node, values: Mapping[str, Decimal]) -> Decimal:
    kind = node.kind
    if kind == "number":
        return node.value
    if kind == "name":
        return values[node.name]
    if kind == "unary":
        return node.ops[0].apply(_number(node.args[0], values))
    if kind == "binary":
        left, right = (_number(arg, values) for arg in node.args)
        if node.ops[0] is _DIVIDE and right.is_zero():
            raise ExprError("E-EXPR-EVAL", tr("除数为零", "division by zero"), node.col)
        return node.ops[0].apply(left, right)
    if kind == "call":
        return _FUNCTIONS[node.name].apply(*(_number(arg, values) for arg in node.args))
    if kind == "if":
        test, body, orelse = node.args
        return _number(body if _truth(test, values) else orelse, values)
    raise AssertionError(f"not a number node: {kind}")


def _truth(node: _Node, values: Mapping[str, Decimal]) -> bool:
    kind = node.kind
    if kind == "compare":  # a < b <= c: b is computed once, c only if a < b
        left = _number(node.args[0], values)
        for op, right_node in zip(node.ops, node.args[1:]):
            right = _number(right_node, values)
            if not op.apply(left, right):
                return False
            left = right
        return True
    if kind == "bool":
        return node.ops[0].apply(_truth(arg, values) for arg in node.args)
    if kind == "not":
        return node.ops[0].apply(_truth(node.args[0], values))
    raise AssertionError(f"not a condition node: {kind}")


# --- The renderer ---------------------------------------------------------------------------


def _render(node: _Node, values: Mapping[str, Decimal]) -> str:
    """Parentheses are those the author wrote, those precedence needs, one pair around every
    conditional, and one around a signed operand after an operator: 5 - (-3)."""
    kind, args = node.kind, node.args
    if kind == "number":
        text = fmt(node.value)
    elif kind == "name":
        text = fmt(values[node.name])
    elif kind in ("unary", "not"):
        op = node.ops[0]
        text = op.shown + _operand(args[0], values, op.precedence, after_operator=kind == "unary")
    elif kind == "binary":
        op = node.ops[0]
        left = _operand(args[0], values, op.precedence)
        right = _operand(args[1], values, op.precedence + 1, after_operator=True)
        text = left + op.shown + right
    elif kind == "call":
        text = f"{node.name}({', '.join(_render(arg, values) for arg in args)})"
    elif kind == "if":
        test, body, orelse = (_render(arg, values) for arg in args)
        text = f"{body} if {test} else {orelse}"
    elif kind == "compare":
        text = _operand(args[0], values, _P_COMPARE + 1)
        for op, arg in zip(node.ops, args[1:]):
            text += op.shown + _operand(arg, values, _P_COMPARE + 1)
    elif kind == "bool":
        op = node.ops[0]
        text = op.shown.join(_operand(arg, values, op.precedence) for arg in args)
    else:
        raise AssertionError(f"unknown node: {kind}")
    parens = max(node.parens, 1) if kind == "if" else node.parens
    return "(" * parens + text + ")" * parens


def _operand(
    node: _Node, values: Mapping[str, Decimal], min_precedence: int, after_operator: bool = False
) -> str:
    """Render an operand; parenthesize it if it binds looser than `min_precedence`, or if it
    starts with a sign right after an operator."""
    text = _render(node, values)
    if node.parens or node.kind == "if":  # _render has put it in parentheses already
        return text
    if _precedence(node) < min_precedence or (after_operator and text[0] in "+-"):
        return f"({text})"
    return text


def _precedence(node: _Node) -> int:
    if node.kind in ("number", "name", "call"):
        return _P_ATOM
    if node.kind == "unary":
        return _P_SIGN
    if node.kind == "if":
        return _P_IF
    if node.kind == "compare":
        return _P_COMPARE
    return node.ops[0].precedence  # binary, bool, not
