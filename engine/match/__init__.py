"""Match stage: for each fact, which rules' conditions hold.

The facts stage turns a case into flat facts (one per indicator row, one for the budget
block, one per report claim, ...); a rule pack gives rules with a kind and a condition tree.
The matcher answers, per fact, the codes of every rule whose kind equals the fact's kind and
whose condition holds, in pack order. It does no arithmetic; scoring picks among the matches.

Two matchers implement one contract: `durable` (durable_rules, a Rete engine with a C core;
`engine/match/durable.py` is the only module that imports it) and `python` (pure Python, used
where durable_rules does not import, and in differential tests everywhere).

Condition trees
---------------
    cond := {"all": [cond, ...]} | {"any": [cond, ...]} | {"not": cond} | leaf
    leaf := {"field": F, "op": OP, "value": LITERAL}    LITERAL: str | bool | int | Decimal,
          | {"field": F, "op": OP, "other": G}                   a non-empty list for "in"
          | {"field": F, "op": "exists"} | {"field": F, "op": "missing"}
    OP   := == != < <= > >= in exists missing
An absent or empty condition means "always". `check_condition` reports structural problems
(the lint stage reuses it); `compile_matcher` raises them as one JixiaoError.

The contract (both matchers, identically)
-----------------------------------------
1. A rule matches a fact iff `fact["kind"] == rule.kind` and the condition holds.
2. `not` is first pushed down to the leaves by `to_nnf` (shared by both matchers): all <-> any,
   == <-> !=, < <-> >=, <= <-> >, exists <-> missing, `not in` -> all of `!=`. So
   `not (a < b)` is `a >= b`, which is false when a field is missing: `not` is not a logical
   complement for missing or mistyped fields.
3. A fact value is a number (int or Decimal), a string, a bool, or None (= missing). bool is
   not a number. Numbers are compared as IEEE doubles (`float(Decimal)`), because
   durable_rules' C core compares doubles.
4. A comparison leaf (== != < <= > >= and `in`) holds only when its field, and its `other`
   field, are present and of the same type as the literal / each other. Otherwise it is false,
   for every operator, `!=` included: missing `!= 5` is false, "5" `== 5` is false,
   "5" `!= 5` is false, True `== 1` is false.
5. Ordering (< <= > >=) compares numbers only. A string or bool literal is a compile error;
   between two fields, a non-number makes the leaf false.
6. `in` holds when the value equals (rule 4) one of the listed literals.
7. `exists` holds when the field is present (not None), `missing` when it is absent or None.

Pinned durable_rules 2.0.28 behaviours
--------------------------------------
Found by experiment (the deterministic ones are pinned by tests/test_match.py, raw, so an
upgrade that changes them shows up). "-> here" is what the contract does instead; how the
adapter gets there is in engine/match/durable.py.
  * missing field under == != < <= > >=: false, `!=` included.          -> here: the same.
  * `$ex` / `$nex` on a missing field: false / true; a null value counts as present.
                                                          -> here: None is missing.
  * field vs a missing `$m` field: UNDEFINED (the C core reads an uninitialised result: seen
    false in one program and true in another, for the same fact).       -> here: false.
  * string fact "5" vs literal 5: UNDEFINED (reads an uninitialised literal length).
                                                          -> here: false for every op.
  * number 5 vs literal "5": == true. Field "5" vs field 5: == true.    -> here: false.
  * True vs 1 and True vs "true": equal; True < 2 is true.  -> here: bool is not a number.
  * string ordering: strncmp over the raw JSON text, so "a" > "a " (Python: <).
                                      -> here: compile error for a string literal; false
                                         between two string fields.
  * int vs int: int64 comparison; anything else: doubles.   -> here: always doubles.
  * number text `1e-05` or `1e+16` (Python's repr of 0.00001, 1e16): error 204.
                                      -> here: facts are written 1.0e-05; literals must be 0
                                         or 1e-4 <= |x| < 1e16.
  * `$or` with two true branches: the action fires twice.   -> here: `any` becomes one Rete
                                         rule per alternative; codes are listed once.
  * one fact pending on more than 64 alpha nodes: error 303; a rule needing more than 15
    `$and`/`$or`: error 113; a fact with 255 properties: error 302; the 1025th live session:
    MemoryError; deleting a session in which no action ran: SIGSEGV or abort (at random);
    the same fact id twice in a session: MessageObservedException.
                                      -> here: size limits checked at compile time for both
                                         matchers; sessions always deleted, safely.

What is forbidden at compile time (E-COND-*, E-RULE)
-----------------------------------------------------
Unknown keys or ops; a leaf without value/other or with both; value/other on exists/missing;
ordering with a string or bool literal; "in" without a non-empty list, or with nested lists;
float literals (use Decimal); null literals (use missing); numbers other than 0 or
1e-4 <= |x| < 1e16; empty all/any lists; field names that are not identifiers, and "sid";
conditions that multiply out to more than 60 alternatives, need more than 15 nested
operators in one alternative (`in` lists count, see `contract.nesting`) or read more than 125
fields; duplicate or empty rule codes, empty kinds, non-int priorities. The size limits come
from durable_rules' C core and bind both matchers, so a pack never works on one and fails on
the other.

Facts are checked at match time by both matchers (E-FACT): kind a string, id an int unique in
the call, values str/bool/int/Decimal/None (never float), finite numbers within double range,
at most 255 fields.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Protocol

from engine.errors import JixiaoError, tr

from .contract import MatchRule, check_condition, to_nnf
from .python import PythonMatcher

__all__ = [
    "Matcher",
    "MatchRule",
    "PythonMatcher",
    "check_condition",
    "compile_matcher",
    "durable_available",
    "to_nnf",
]

MATCHERS = ("durable", "python")


class Matcher(Protocol):
    name: str  # "durable" or "python"

    def match(self, facts: Sequence[Mapping]) -> list[tuple[str, ...]]:
        """Per fact (same order), the codes of ALL matched rules, in the order the rules were
        given."""
        ...


@functools.lru_cache(maxsize=None)
def _durable_import_error() -> str | None:
    try:
        from . import durable  # noqa: F401  (the only place durable_rules is imported)
    except ImportError as e:  # not installed, or no wheel for this Python (>= 3.13)
        return str(e)
    return None


def durable_available() -> bool:
    """True when durable_rules imports on this interpreter."""
    return _durable_import_error() is None


def compile_matcher(rules: Sequence[MatchRule], which: str | None = None) -> Matcher:
    """Compile a pack into a matcher. which=None: durable when it imports, else python."""
    if which is None:
        which = "durable" if durable_available() else "python"
    if which == "python":
        return PythonMatcher(rules)
    if which == "durable":
        why = _durable_import_error()
        if why is not None:
            raise JixiaoError.single(
                "E-MATCHER",
                tr(f"durable 匹配器不可用：{why}", f"the durable matcher is not available: {why}"),
                stage="match",
                hint=tr("安装 durable-rules==2.0.28（Python < 3.13，需要 C 编译器），或改用 python 匹配器（--matcher python）",
                        "install durable-rules==2.0.28 (Python < 3.13, needs a C compiler) or use the python matcher"),
            )
        from .durable import DurableMatcher

        return DurableMatcher(rules)
    raise JixiaoError.single(
        "E-MATCHER",
        tr(f"不认识的匹配器 {which!r}；可用：{', '.join(MATCHERS)}", f"unknown matcher {which!r}; expected one of {', '.join(MATCHERS)}"),
        stage="match",
    )
