"""The matching contract, as code shared by both matchers (see `engine.match` for the prose).

Everything here is pure Python and never imports durable_rules: the pure-Python matcher, the
durable adapter and the lint stage all use these same functions, so a pack that one matcher
accepts the other accepts too, and `not` means the same thing in both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.errors import JixiaoError, Problem, format_path, tr

__all__ = [
    "MatchRule",
    "CompiledRule",
    "OPS",
    "ORDERING",
    "ALWAYS",
    "MAX_ALTERNATIVES",
    "MAX_RULE_FIELDS",
    "MAX_FACT_FIELDS",
    "check_condition",
    "check_rules",
    "compile_rules",
    "to_nnf",
    "alternatives",
    "conjunctions",
    "nesting",
    "leaves",
    "typed",
    "literal_typed",
    "validate_facts",
]

STAGE = "match"

OPS = ("==", "!=", "<", "<=", ">", ">=", "in", "exists", "missing")
ORDERING = frozenset({"<", "<=", ">", ">="})
COMPARISON = frozenset({"==", "!=", "<", "<=", ">", ">="})
PRESENCE = frozenset({"exists", "missing"})

# Negation of a leaf operator, used by `to_nnf`. `in` is handled separately (all of `!=`).
NEGATED_OP = {
    "==": "!=",
    "!=": "==",
    "<": ">=",
    ">=": "<",
    "<=": ">",
    ">": "<=",
    "exists": "missing",
    "missing": "exists",
}

# The internal NNF form of "always" (an absent or empty condition). Users may not write an
# empty `all`/`any` themselves (see `check_condition`), so this only comes from `to_nnf`.
ALWAYS: dict = {"all": []}

# A rule's condition, multiplied out into alternatives (disjunctive normal form over the
# user's `all`/`any`), may have at most this many. The durable matcher turns each alternative
# into one Rete rule and a shard holds at most 60 of them per fact kind (a fact may activate
# at most 64), so a bigger rule could never be placed. Enforced for both matchers.
MAX_ALTERNATIVES = 60
# Distinct fields one rule may read: the durable matcher sends each as two properties (type tag
# and value), and a durable fact carries at most 254, three of which are kind, id and sid.
# Enforced for both matchers.
MAX_RULE_FIELDS = 125
# `$and`/`$or` operators one alternative may need in the durable matcher: each takes two of the
# 31 slots of a Rete rule's expression sequence (error 113 beyond). One goes to the `$and`
# joining the alternative's leaves; only `in` lists need more (see `nesting`). Enforced for
# both matchers.
MAX_NESTING = 15
# A fact may have at most this many non-missing fields, `kind` and `id` included.
MAX_FACT_FIELDS = 255
# Numeric literals must be 0 or have a magnitude in [1e-4, 1e16): exactly the doubles whose
# Python repr has no exponent. durable_rules' JSON parser cannot read `1e-05` or `1e+16`, and
# rule literals reach it through durable's own json.dumps.
LITERAL_MIN = 1e-4
LITERAL_MAX = 1e16

_RESERVED_FIELDS = frozenset({"sid"})
_LEAF_KEYS = frozenset({"field", "op", "value", "other"})


@dataclass(frozen=True)
class MatchRule:
    code: str  # stable rule code, e.g. "JX-S02"; unique in a pack
    kind: str  # the fact kind it applies to, e.g. "indicator", "budget", "share_claim"
    condition: dict | None  # condition tree (already schema-validated YAML data)
    priority: int = 0


@dataclass(frozen=True)
class CompiledRule:
    index: int  # position in the pack: results list codes in this order
    rule: MatchRule
    nnf: dict  # negation normal form of rule.condition


# --------------------------------------------------------------------------------------------
# Values


def typed(value: Any) -> tuple[str, Any] | None:
    """The comparable form of a fact value: ("n", float) for numbers, ("s", str), ("b", bool),
    or None for a missing value. Values of different tags are never comparable."""
    if value is None:
        return None
    if value is True or value is False:
        return ("b", value)
    if isinstance(value, str):
        return ("s", value)
    # int or Decimal (validate_facts has rejected everything else)
    return ("n", float(value))


literal_typed = typed  # literals use the same mapping (check_condition has vetted them)


_FINITE_INT = 10**300  # well inside the range of a double


def _number_problem(value: Any) -> str | None:
    """Why an int/Decimal cannot be a fact number, or None."""
    if isinstance(value, Decimal) and not value.is_finite():
        return tr(f"数 {value} 不是有限数", f"number {value} is not finite")
    try:
        f = float(value)
    except OverflowError:
        return tr(f"数 {value} 超出双精度数的范围", f"number {value} is outside the range of a double")
    if math.isinf(f):
        return tr(f"数 {value} 超出双精度数的范围", f"number {value} is outside the range of a double")
    return None


def _string_problem(value: str) -> str | None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return tr(f"文本 {value!r} 不是有效的 Unicode（单独的代理字符）", f"string {value!r} is not valid Unicode (lone surrogate)")
    return None


def _literal_problem(value: Any, op: str) -> str | None:
    """Why `value` cannot be the literal of a leaf with operator `op` (not `in`), or None."""
    if value is None:
        return tr(f"比较符 {op} 需要一个值，不能是空（null）；要判断字段缺失，用 op: missing",
                  f"op {op!r} needs a value, not null (use op 'missing' to test absence)")
    if isinstance(value, float):
        return tr(f"浮点数 {value!r}：条件中的数须是整数或 Decimal（读入时按文本转换，0.1 即精确的 0.1）",
                  f"float literal {value!r}: numbers must be int or Decimal (the loader converts "
                  "through str, so 0.1 stays exactly 0.1)")
    if value is True or value is False:
        if op in ORDERING:
            return tr(f"比较符 {op} 只用于比较数的大小，{value!r} 是布尔值", f"op {op!r} orders numbers; {value!r} is a bool")
        return None
    if isinstance(value, str):
        if op in ORDERING:
            return tr(f"比较符 {op} 只用于比较数的大小，“{value}”是文本（不支持比较文本的大小）",
                      f"op {op!r} orders numbers; {value!r} is a string (string ordering is not "
                      "supported: durable_rules compares raw JSON text, so 'a' > 'a ')")
        return _string_problem(value)
    if isinstance(value, (int, Decimal)):
        why = _number_problem(value)
        if why:
            return why
        f = abs(float(value))
        if f != 0 and not (LITERAL_MIN <= f < LITERAL_MAX):
            return tr(f"数 {value} 超出范围：条件中的数须为 0，或绝对值在 0.0001 以上、1e16 以下",
                      f"number {value} is out of range: literals must be 0 or have a magnitude "
                      "from 0.0001 up to (not including) 1e16")
        return None
    return tr(f"不支持的值类型 {type(value).__name__}", f"unsupported literal type {type(value).__name__}")


# --------------------------------------------------------------------------------------------
# Condition checking


def _problem(code: str, message: str, path: tuple, hint: str | None = None) -> Problem:
    field = format_path(path) or None
    return Problem(code=code, message=message, stage=STAGE, field=field, hint=hint)


def _check_field_name(name: Any, path: tuple, what: str) -> list[Problem]:
    if not isinstance(name, str) or not name.isidentifier():
        return [
            _problem(
                "E-COND-FIELD",
                tr(f"{what} 须是字段名（字母、数字、下划线），这里是 {name!r}",
                   f"{what} must be a field name (letters, digits, underscore), got {name!r}"),
                path,
            )
        ]
    if name in _RESERVED_FIELDS:
        return [_problem("E-COND-FIELD", tr(f"字段名 {name} 是保留名，不能使用", f"field name {name!r} is reserved"), path)]
    return []


def _check_node(node: Any, path: tuple) -> list[Problem]:
    if not isinstance(node, Mapping):
        return [
            _problem(
                "E-COND-NODE",
                tr(f"条件须是映射（all、any、not，或 field/op/value 一项比较），这里是 {type(node).__name__}",
                   f"a condition must be a mapping, got {type(node).__name__}"),
                path,
            )
        ]
    keys = set(node)
    for combinator in ("all", "any"):
        if combinator in keys:
            if keys != {combinator}:
                return [
                    _problem(
                        "E-COND-NODE",
                        tr(f"{combinator} 须单独成为一层（同一层不能再有其他键）", f"'{combinator}' must be the only key of its mapping"),
                        path,
                    )
                ]
            items = node[combinator]
            if not isinstance(items, list):
                return [
                    _problem(
                        "E-COND-NODE",
                        tr(f"{combinator} 后面须是条件的列表", f"'{combinator}' needs a list of conditions"),
                        path + (combinator,),
                    )
                ]
            if not items:
                return [
                    _problem(
                        "E-COND-NODE",
                        tr(f"{combinator} 的列表是空的", f"empty '{combinator}' list"),
                        path + (combinator,),
                        hint=tr("要表示“总是适用”，不写条件即可", "leave the condition out to mean 'always'"),
                    )
                ]
            problems: list[Problem] = []
            for i, item in enumerate(items):
                problems += _check_node(item, path + (combinator, i))
            return problems
    if "not" in keys:
        if keys != {"not"}:
            return [_problem("E-COND-NODE", tr("not 须单独成为一层（同一层不能再有其他键）",
                                               "'not' must be the only key of its mapping"), path)]
        return _check_node(node["not"], path + ("not",))
    return _check_leaf(node, path)


def _check_leaf(node: Mapping, path: tuple) -> list[Problem]:
    unknown = set(node) - _LEAF_KEYS
    if unknown:
        return [
            _problem(
                "E-COND-NODE",
                tr(f"不认识的键 {', '.join(sorted(map(str, unknown)))}；条件须是 all、any、not，"
                   "或含 field、op 和 value（或 other）的一项比较",
                   f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; a condition is "
                   "all/any/not or a leaf with field, op and value or other"),
                path,
            )
        ]
    if "field" not in node or "op" not in node:
        return [_problem("E-COND-NODE", tr("一项比较须有 field 和 op", "a leaf needs 'field' and 'op'"), path)]
    problems = _check_field_name(node["field"], path + ("field",), "'field'")
    op = node["op"]
    if op not in OPS:
        problems.append(
            _problem(
                "E-COND-OP", tr(f"不认识的比较符 {op!r}；可用：{', '.join(OPS)}（也接受 ≥、≤、≠）",
                                f"unknown op {op!r}; expected one of {', '.join(OPS)}"), path + ("op",)
            )
        )
        return problems
    has_value, has_other = "value" in node, "other" in node
    if op in PRESENCE:
        if has_value or has_other:
            problems.append(
                _problem("E-COND-OPERAND", tr(f"比较符 {op} 后面不写 value 或 other",
                                              f"op {op!r} takes neither 'value' nor 'other'"), path)
            )
        return problems
    if has_value and has_other:
        problems.append(
            _problem("E-COND-OPERAND", tr("value 和 other 只能写一个", "give either 'value' or 'other', not both"), path)
        )
        return problems
    if not has_value and not has_other:
        problems.append(_problem("E-COND-OPERAND", tr(f"比较符 {op} 须有 value 或 other",
                                                      f"op {op!r} needs 'value' or 'other'"), path))
        return problems
    if has_other:
        if op == "in":
            problems.append(
                _problem("E-COND-OPERAND", tr("比较符 in 须用 value 给出列表，不能用 other",
                                              "op 'in' takes a 'value' list, not 'other'"), path)
            )
        else:
            problems += _check_field_name(node["other"], path + ("other",), "'other'")
        return problems
    value = node["value"]
    if op == "in":
        if not isinstance(value, list):
            problems.append(
                _problem(
                    "E-COND-TYPE",
                    tr(f"比较符 in 的 value 须是列表，这里是 {type(value).__name__}",
                       f"op 'in' needs a list value, got {type(value).__name__}"),
                    path + ("value",),
                )
            )
        elif not value:
            problems.append(
                _problem("E-COND-TYPE", tr("比较符 in 的列表不能是空的", "op 'in' needs a non-empty list"), path + ("value",))
            )
        else:
            for i, item in enumerate(value):
                why = tr("列表中不能再套列表", "nested list") if isinstance(item, list) else _literal_problem(item, "==")
                if why:
                    problems.append(_problem("E-COND-TYPE", why, path + ("value", i)))
        return problems
    if isinstance(value, list):
        problems.append(
            _problem(
                "E-COND-TYPE",
                tr(f"比较符 {op} 只比较一个值；与列表比较请用 in", f"op {op!r} takes a single value; use op 'in' for a list"),
                path + ("value",),
            )
        )
        return problems
    why = _literal_problem(value, op)
    if why:
        problems.append(_problem("E-COND-TYPE", why, path + ("value",)))
    return problems


def check_condition(condition: Any, path: tuple = ()) -> list[Problem]:
    """Structural problems of a condition tree: unknown keys or ops, missing value/other, wrong
    literal types, and conditions too big for the matchers. An absent or empty condition
    (None or {}) means "always" and is fine. `path` prefixes every Problem.field."""
    path = tuple(path)
    if condition is None or (isinstance(condition, Mapping) and not condition):
        return []
    problems = _check_node(condition, path)
    if problems:
        return problems
    nnf = to_nnf(condition)
    n = alternatives(nnf)
    if n > MAX_ALTERNATIVES:
        problems.append(
            _problem(
                "E-COND-SIZE",
                tr(f"条件展开后有 {n} 个并列分支（几个 any 套在 all 里），最多支持 {MAX_ALTERNATIVES} 个",
                   f"condition multiplies out to {n} alternatives (all of several any), at most "
                   f"{MAX_ALTERNATIVES} are supported"),
                path,
                hint=tr("把规则拆成几条，或把各 any 列表中相同的部分提出来",
                        "split the rule, or factor the common parts out of the 'any' lists"),
            )
        )
    else:
        worst = max(1 + sum(nesting(leaf) for leaf in conj) for conj in conjunctions(nnf))
        if worst > MAX_NESTING:
            problems.append(
                _problem(
                    "E-COND-SIZE",
                    tr(f"条件嵌套过深（一个分支中有 {worst} 层嵌套的运算，最多 {MAX_NESTING} 层）；"
                       "每个 in 列表算 1 层，混有文本、数和布尔值时算得更多",
                       f"condition is too deeply nested for the durable matcher ({worst} nested "
                       f"operators in one alternative, at most {MAX_NESTING}); lists for 'in' count "
                       "1 each, or more when they mix strings, numbers and bools"),
                    path,
                    hint=tr("把规则拆成几条，或把同一字段的几个 in 列表合并", "split the rule, or merge 'in' lists on the same field"),
                )
            )
    fields = {name for leaf in leaves(nnf) for name in leaf_fields(leaf)}
    if len(fields) > MAX_RULE_FIELDS:
        problems.append(
            _problem(
                "E-COND-SIZE",
                tr(f"条件用到 {len(fields)} 个字段，最多 {MAX_RULE_FIELDS} 个", f"condition reads {len(fields)} fields, at most {MAX_RULE_FIELDS}"),
                path,
            )
        )
    return problems


# --------------------------------------------------------------------------------------------
# Negation normal form


def to_nnf(condition: Any) -> dict:
    """Push every `not` down to the leaves, so both matchers see the same `not`-free tree:
    all <-> any, == <-> !=, < <-> >=, <= <-> >, exists <-> missing, and `not in` becomes
    `all` of `!=`. Nested all/all and any/any are flattened. An absent or empty condition
    becomes ALWAYS. The condition must be valid (see check_condition)."""
    if condition is None or (isinstance(condition, Mapping) and not condition):
        return {"all": []}
    return _nnf(condition, False)


def _nnf(node: Mapping, negate: bool) -> dict:
    if "not" in node:
        return _nnf(node["not"], not negate)
    for combinator, dual in (("all", "any"), ("any", "all")):
        if combinator in node:
            out = dual if negate else combinator
            children: list = []
            for item in node[combinator]:
                child = _nnf(item, negate)
                if out in child:  # flatten all-in-all / any-in-any
                    children.extend(child[out])
                else:
                    children.append(child)
            if len(children) == 1:
                return children[0]
            return {out: children}
    return _nnf_leaf(node, negate)


def _nnf_leaf(node: Mapping, negate: bool) -> dict:
    field, op = node["field"], node["op"]
    if op == "in":
        values = list(node["value"])
        if not negate:
            return {"field": field, "op": "in", "value": values}
        ne = [{"field": field, "op": "!=", "value": v} for v in values]
        return ne[0] if len(ne) == 1 else {"all": ne}
    if negate:
        op = NEGATED_OP[op]
    leaf: dict = {"field": field, "op": op}
    if "other" in node:
        leaf["other"] = node["other"]
    elif "value" in node:
        leaf["value"] = node["value"]
    return leaf


def leaves(nnf: Mapping):
    """Every leaf of an NNF tree, depth first."""
    for combinator in ("all", "any"):
        if combinator in nnf:
            for item in nnf[combinator]:
                yield from leaves(item)
            return
    yield nnf


def leaf_fields(leaf: Mapping) -> tuple[str, ...]:
    """The fields one leaf reads: its `field`, and the `other` it is compared with."""
    return (leaf["field"], leaf["other"]) if "other" in leaf else (leaf["field"],)


def condition_fields(condition: Any) -> frozenset:
    """Every field a condition (as written in a pack) reads."""
    return frozenset(name for leaf in leaves(to_nnf(condition)) for name in leaf_fields(leaf))


def conjunctions(nnf: Mapping) -> list[list[Mapping]]:
    """Multiply an NNF tree out into its alternatives, each a list of leaves to be and-ed
    (disjunctive normal form). ALWAYS gives one empty alternative."""
    if "all" in nnf:
        out: list[list[Mapping]] = [[]]
        for item in nnf["all"]:
            out = [left + right for left in out for right in conjunctions(item)]
        return out
    if "any" in nnf:
        return [conj for item in nnf["any"] for conj in conjunctions(item)]
    return [[nnf]]


def in_groups(values: Sequence) -> dict[str, list]:
    """The distinct typed values of an `in` list, grouped by type tag, in first-seen order."""
    groups: dict[str, list] = {}
    for v in values:
        tag, value = literal_typed(v)
        group = groups.setdefault(tag, [])
        if value not in group:
            group.append(value)
    return groups


def nesting(leaf: Mapping) -> int:
    """`$and`/`$or` operators the durable matcher needs for one NNF leaf: none, except for an
    `in` list with several values: one `$or`, or for a list mixing types an `$or` of one
    `$and` (plus an `$or` when the type has several values) per type."""
    if leaf["op"] != "in":
        return 0
    groups = in_groups(leaf["value"])
    if len(groups) == 1:
        return 0 if len(next(iter(groups.values()))) == 1 else 1
    return 1 + sum(1 + (len(group) > 1) for group in groups.values())


def alternatives(nnf: Mapping) -> int:
    """How many conjunctions the NNF multiplies out to (DNF size over all/any; a leaf is 1)."""
    if "all" in nnf:
        n = 1
        for item in nnf["all"]:
            n *= alternatives(item)
        return n
    if "any" in nnf:
        return sum(alternatives(item) for item in nnf["any"])
    return 1


# --------------------------------------------------------------------------------------------
# Rule packs and facts


def check_rules(rules: Sequence[MatchRule]) -> list[Problem]:
    """Problems of a whole pack as the matchers see it: codes, kinds, priorities, conditions."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules):
        where = ("rules", i)
        if not isinstance(rule, MatchRule):
            problems.append(
                _problem("E-RULE", f"expected a MatchRule, got {type(rule).__name__}", where)
            )
            continue
        if not isinstance(rule.code, str) or not rule.code:
            problems.append(
                _problem(
                    "E-RULE",
                    f"rule code must be a non-empty string, got {rule.code!r}",
                    where + ("code",),
                )
            )
        elif rule.code in seen:
            problems.append(
                _problem(
                    "E-RULE",
                    f"duplicate rule code {rule.code!r} (first at rules[{seen[rule.code]}])",
                    where + ("code",),
                )
            )
        else:
            seen[rule.code] = i
        if not isinstance(rule.kind, str) or not rule.kind:
            problems.append(
                _problem(
                    "E-RULE",
                    f"rule kind must be a non-empty string, got {rule.kind!r}",
                    where + ("kind",),
                )
            )
        if not isinstance(rule.priority, int) or isinstance(rule.priority, bool):
            problems.append(
                _problem(
                    "E-RULE",
                    f"priority must be an int, got {rule.priority!r}",
                    where + ("priority",),
                )
            )
        problems += check_condition(rule.condition, where + ("condition",))
    return problems


def compile_rules(rules: Sequence[MatchRule]) -> list[CompiledRule]:
    """Check a pack and put every condition into NNF; raise JixiaoError listing all problems."""
    rules = list(rules)
    problems = check_rules(rules)
    if problems:
        raise JixiaoError(problems)
    return [CompiledRule(i, rule, to_nnf(rule.condition)) for i, rule in enumerate(rules)]


_PLAIN_TYPES = frozenset({str, bool, int, Decimal, type(None)})


def _plainly_valid(fact: dict) -> bool:
    """True when a fact certainly passes every check of `validate_facts` (its id aside), tested
    with whole-fact operations: the common case, a few times cheaper than the per-field checks
    that decide (and explain) every other fact."""
    if fact.get("kind").__class__ is not str or len(fact) > MAX_FACT_FIELDS:
        return False
    values = fact.values()
    if not set(map(type, values)) <= _PLAIN_TYPES or set(map(type, fact)) != {str}:
        return False
    texts = []
    for value in values:
        cls = value.__class__
        if cls is str:
            texts.append(value)
        elif cls is Decimal:
            if not value.is_finite() or value.adjusted() >= 300:
                return False
        elif cls is int and not -_FINITE_INT < value < _FINITE_INT:
            return False
    try:
        "".join(texts).encode("utf-8")  # a lone surrogate anywhere fails here
    except UnicodeEncodeError:
        return False
    return True


def validate_facts(facts: Sequence[Mapping]) -> None:
    """Raise JixiaoError if any fact breaks the contract: `kind` a string, `id` an int unique in
    the call, field names strings, values str/bool/int/Decimal/None (never float), numbers
    finite and within double range, at most MAX_FACT_FIELDS fields. Both matchers call this,
    so bad facts fail the same way everywhere."""
    problems: list[Problem] = []
    seen: set[int] = set()
    for i, fact in enumerate(facts):
        fid = fact.get("id") if fact.__class__ is dict else None
        if fid.__class__ is int and fid not in seen and _plainly_valid(fact):
            seen.add(fid)
            continue
        where = ("facts", i)
        if not isinstance(fact, Mapping):
            problems.append(
                _problem("E-FACT", f"a fact must be a mapping, got {type(fact).__name__}", where)
            )
            continue
        kind, fid = fact.get("kind"), fact.get("id")
        if not isinstance(kind, str):
            problems.append(
                _problem("E-FACT", f"fact kind must be a string, got {kind!r}", where + ("kind",))
            )
        if not isinstance(fid, int) or isinstance(fid, bool):
            problems.append(
                _problem("E-FACT", f"fact id must be an int, got {fid!r}", where + ("id",))
            )
        elif fid in seen:
            problems.append(_problem("E-FACT", f"duplicate fact id {fid}", where + ("id",)))
        else:
            seen.add(fid)
        width = 0
        for name, value in fact.items():
            if not isinstance(name, str):
                problems.append(
                    _problem("E-FACT", f"field names must be strings, got {name!r}", where)
                )
                continue
            if value is None:
                continue
            width += 1
            if value is True or value is False or name in ("kind", "id"):
                continue
            if isinstance(value, str):
                why = _string_problem(value)
            elif isinstance(value, (int, Decimal)):
                why = _number_problem(value)
            elif isinstance(value, float):
                why = f"float value {value!r}: numbers must be int or Decimal"
            else:
                why = f"unsupported value type {type(value).__name__}"
            if why:
                problems.append(_problem("E-FACT", why, where + (name,)))
        if width > MAX_FACT_FIELDS:
            problems.append(
                _problem(
                    "E-FACT",
                    f"fact has {width} fields, at most {MAX_FACT_FIELDS} are supported",
                    where,
                )
            )
    if problems:
        raise JixiaoError(problems)
