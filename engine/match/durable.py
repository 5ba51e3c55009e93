"""The durable_rules adapter: the ONLY module of the project that imports durable_rules.

durable_rules 2.0.28 is a Rete engine with a C core. It is fast, but sharp: this module keeps
every workaround in one place. The contract it implements is in the `engine.match` package
docstring; below is how each durable_rules behaviour is kept out of it. Everything marked
"reproduced" was checked on this version (see tests/test_match.py).

Encoding (so that durable's type coercions can never be reached)
    A fact field `x` is sent as two properties: `t:x`, its type tag ("n" number, "s" string,
    "b" bool), and `v:x`, its value (numbers always as doubles); missing (None) fields are left
    out. Every leaf tests the tag before the value, in one `$and` chain, so durable only ever
    compares two values of the same type. Natively it coerces: fact 5 vs literal "5" is `==`
    true, field "5" vs field 5 is `==` true, True == 1 and True == "true" (reproduced); fact
    "5" vs literal 5 is undefined (the C core reads the literal's uninitialised length: `!=`
    came out true in one program and false in another for the same fact).
        x < 5          ->  t:x == "n", v:x < 5.0
        x == y         ->  $ex t:y, t:x == $m t:y, v:x == $m v:y
        x < y          ->  t:x == "n", t:y == "n", v:x < $m v:y
        exists/missing ->  $ex / $nex t:x
        x in [1, 2]    ->  t:x == "n", $or[v:x == 1.0, v:x == 2.0]  (values de-duplicated, so
                           at most one branch is true; mixed types: an $or of such chains)
    The `$ex` before a `$m` comparison matters: when `y` is absent the C core leaves its result
    variable uninitialised (events.c `isAlphaMatch`): `x != y` with `y` missing was false in
    one program and true in another, for the same fact. Only the fields the shard's rules read
    are sent, which keeps facts narrow (a fact with 255 properties fails with error 302).

Numbers
    durable compares doubles; ints are compared as int64 if both sides are ints, so all
    numbers are sent as doubles. Its JSON parser only reads an exponent after a `.`: `1e-05`
    fails with error 204 (reproduced), so fact numbers are written by `_number_json` as
    `1.0e-05`. Rule literals pass through durable's own json.dumps, so the contract keeps
    literals in the range whose repr has no exponent (0, or 1e-4 <= |x| < 1e16).

`any`, and the Rete limits
    A fact walking the alpha network may have at most 64 alpha nodes pending (error 303,
    reproduced: 65 rules with one matching leaf each fail). Every true branch of an `$or`
    takes a slot and fires the action again (reproduced). So a user-level `any` is multiplied
    out (`contract.conjunctions`): each alternative of a rule becomes its own durable rule, a
    plain `$and` chain, which holds at most one pending slot. A shard holds at most 60 such
    rules per fact kind and 400 in all (a ruleset with >= 512 rules hangs), plus one
    session-opening rule. Each `$and`/`$or` takes two of the 31 slots of a rule's expression
    sequence (error 113 beyond, found by the differential test); `contract.nesting` counts
    them and the contract allows at most 15 per alternative.

Sessions
    Each `match()` call uses a fresh `sid` in every shard it touches and deletes that state in
    `finally` (the 1025th live session of a ruleset raises MemoryError, reproduced). Deleting a
    session in which no action ever ran crashes the process (SIGSEGV, reproduced: the C state
    node's action context is uninitialised until an action runs), so before deleting, a shard
    in which nothing fired gets a session-opening fact that fires a no-op rule.

Other limits
    Facts are asserted one at a time (`assert_facts` with one unmatched fact crashes later).
    Two facts with the same `id` in one session raise MessageObservedException (reproduced),
    hence the contract requires unique ids. After any error from the C core the matcher
    retires itself (`_fail`). `durable.lang` is never used (it keeps a process-global
    registry). One Host per matcher, protected by a lock; its background dispatch timers are
    not started (`_QuietHost`): every action here runs synchronously inside assert, and a
    timer thread could otherwise take a pending action of our session between the assert and
    `_run_actions` and run it outside the lock.

Actions
    durable's Python action layer (`Ruleset.do_actions`) decodes the session state, builds a
    Closure (with two `datetime.now()` calls), runs a Promise, re-encodes the state and
    decodes the next message, for every matched rule: ~100 us per match, most of a match
    call's time. `_run_actions` drives the same C calls in the same order
    (`start_action_for_state`, then per action `update_state` with the state as the C core
    gave it and `complete_and_start_action`) and only records (fact id, rule) per action. The
    rules are still registered with a `run` callable (durable requires one) that never runs.
    An exception while recording is kept, the remaining actions are completed, and it is raised
    as E-MATCHER (the session is then deleted as usual).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
import threading
from collections.abc import Mapping, Sequence
from decimal import Decimal

import durable.engine as _engine

from engine.errors import JixiaoError

from .contract import (
    MAX_RULE_FIELDS,
    ORDERING,
    CompiledRule,
    MatchRule,
    compile_rules,
    conjunctions,
    in_groups,
    leaf_fields,
    literal_typed,
    validate_facts,
)

__all__ = ["DurableMatcher", "MAX_KIND_RULES_PER_SHARD", "MAX_RULES_PER_SHARD"]

MAX_KIND_RULES_PER_SHARD = 60  # durable rules (alternatives) of one kind: one fact activates < 64
MAX_RULES_PER_SHARD = 400  # a ruleset with >= 512 rules hangs
MAX_SHARD_FIELDS = MAX_RULE_FIELDS  # 2 properties per field: 250 + kind, id, sid < 255

_DURABLE_OP = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_OPEN_FIELD = "jx:open"  # the session-opening fact's only field; no real fact has it
_OPEN_RULE = "jx_open"
_instances = itertools.count(1)


class _QuietHost(_engine.Host):
    """A Host without the background dispatch/timer threads (see the module docstring)."""

    def _run(self) -> None:
        pass


def _number_json(value: float) -> str:
    """JSON for a double that durable's parser reads back exactly: repr (shortest round trip),
    with `.0` added to a bare mantissa before an exponent (`1e-05` -> `1.0e-05`)."""
    text = repr(value)
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        if "." not in mantissa:
            text = f"{mantissa}.0e{exponent}"
    return text


@functools.lru_cache(maxsize=4096)
def _fact_number_json(value: int | Decimal) -> str:
    """`_number_json` of a fact number. Forms repeat their numbers (weights, 100, 95), and
    equal numbers (3, Decimal("3.0")) are the same double, so the text is memoized."""
    return _number_json(float(value))


def _key_json(key: str) -> str:
    return json.dumps(key, ensure_ascii=False) + ":"


def _field_encoder(field: str) -> tuple[str, str, str, str, str]:
    """The JSON text around one field's value: `,"t:x":"n","v:x":` before a number, the same
    with "s" before a string, and the whole text for true and for false."""
    tag, val = _key_json(_tag(field)), _key_json(_val(field))
    return (field, f',{tag}"n",{val}', f',{tag}"s",{val}', f',{tag}"b",{val}true', f',{tag}"b",{val}false')


_string_json = json.encoder.encode_basestring  # what json.dumps(value, ensure_ascii=False) returns for a str


# --------------------------------------------------------------------------------------------
# Translation: NNF -> durable JSON. A fact field `x` is sent as `t:x` (type tag) and `v:x`.


def _tag(field: str) -> str:
    return f"t:{field}"


def _val(field: str) -> str:
    return f"v:{field}"


def _compare(key: str, op: str, operand) -> dict:
    if op == "==":
        return {key: operand}
    return {_DURABLE_OP[op]: {key: operand}}


def _atoms(leaf: Mapping) -> list[dict]:
    """The durable expressions, to be and-ed in this order, for one NNF leaf. The order is the
    alpha chain's: each expression is only evaluated for facts that passed the ones before."""
    field, op = leaf["field"], leaf["op"]
    tag, val = _tag(field), _val(field)
    if op == "exists":
        return [{"$ex": {tag: 1}}]
    if op == "missing":
        return [{"$nex": {tag: 1}}]
    if op == "in":
        branches = []
        for t, values in in_groups(leaf["value"]).items():
            equalities = [{val: v} for v in values]
            either = equalities[0] if len(equalities) == 1 else {"$or": equalities}
            branches.append([{tag: t}, either])
        if len(branches) == 1:
            return branches[0]
        return [{"$or": [{"$and": branch} for branch in branches]}]
    if "other" in leaf:
        other = leaf["other"]
        if op in ORDERING:  # numbers only
            return [{tag: "n"}, {_tag(other): "n"}, _compare(val, op, {"$m": _val(other)})]
        # the same type on both sides ($ex first: the C core must never read a missing $m field)
        return [
            {"$ex": {_tag(other): 1}},
            {tag: {"$m": _tag(other)}},
            _compare(val, op, {"$m": _val(other)}),
        ]
    t, v = literal_typed(leaf["value"])
    return [{tag: t}, _compare(val, op, v)]


def _chain(kind: str, leaves: list[Mapping]) -> dict:
    atoms: list[dict] = [{"kind": kind}]
    for leaf in leaves:
        atoms.extend(_atoms(leaf))
    return atoms[0] if len(atoms) == 1 else {"$and": atoms}


def _content_hash(rules: Sequence[MatchRule]) -> str:
    def default(o):
        if isinstance(o, Decimal):
            return {"$decimal": str(o)}
        raise TypeError(type(o).__name__)

    data = [[r.code, r.kind, r.condition, r.priority] for r in rules]
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=default)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


class _Group:
    """Rules of one kind that go into one shard."""

    def __init__(self, kind: str):
        self.kind = kind
        self.rules: list[tuple[CompiledRule, list[list[Mapping]]]] = []
        self.chains = 0
        self.fields: set[str] = set()

    def fits(self, conjunctions: list, fields: set[str]) -> bool:
        return (
            self.chains + len(conjunctions) <= MAX_KIND_RULES_PER_SHARD
            and len(self.fields | fields) <= MAX_SHARD_FIELDS
        )

    def add(self, rule: CompiledRule, conjunctions: list, fields: set[str]) -> None:
        self.rules.append((rule, conjunctions))
        self.chains += len(conjunctions)
        self.fields |= fields


class _Shard:
    def __init__(self, index: int):
        self.index = index
        self.name = ""
        self.ruleset = None  # durable.engine.Ruleset, once registered
        self.groups: list[_Group] = []
        self.chains = 0
        # kind -> per field a fact of that kind carries: (field, then the text that goes before
        # a number, before a string, and the whole text for true and for false), see `_encode`
        self.encoders: dict[str, list[tuple[str, str, str, str, str]]] = {}
        self.actions: dict[str, int] = {}  # durable rule name -> index of the pack rule

    def room_for(self, group: _Group) -> bool:
        return self.chains + group.chains <= MAX_RULES_PER_SHARD and all(
            g.kind != group.kind for g in self.groups
        )


def _plan(compiled: list[CompiledRule]) -> list[_Shard]:
    """Split rules into per-kind groups (<= 60 durable rules, <= 250 fields), then pack the
    groups into shards (<= 400 durable rules, at most one group per kind), first fit, keeping
    pack order inside each."""
    groups: list[_Group] = []
    open_group: dict[str, _Group] = {}
    for c in compiled:
        alternatives = conjunctions(c.nnf)
        fields = {name for conj in alternatives for leaf in conj for name in leaf_fields(leaf)}
        group = open_group.get(c.rule.kind)
        if group is None or not group.fits(alternatives, fields):
            group = open_group[c.rule.kind] = _Group(c.rule.kind)
            groups.append(group)
        group.add(c, alternatives, fields)
    shards: list[_Shard] = []
    for group in groups:
        shard = next((s for s in shards if s.room_for(group)), None)
        if shard is None:
            shard = _Shard(len(shards))
            shards.append(shard)
        shard.groups.append(group)
        shard.chains += group.chains
    return shards


def _copy_tree(node):
    """A copy of a ruleset definition's mappings and lists (what register_rulesets alters); the
    leaves (text, numbers, the no-op action) are shared. copy.deepcopy did the same at several
    times the cost, a tenth of a cold `jixiao score`."""
    if type(node) is dict:
        return {key: _copy_tree(value) for key, value in node.items()}
    if type(node) is list:
        return [_copy_tree(value) for value in node]
    return node


class DurableMatcher:
    """Matches facts with durable_rules; same results as PythonMatcher (see `engine.match`)."""

    name = "durable"

    def __init__(self, rules: Sequence[MatchRule]):
        rules = list(rules)
        compiled = compile_rules(rules)
        self._codes = [c.rule.code for c in compiled]
        self._instance = next(_instances)
        self._lock = threading.Lock()
        self._sessions = itertools.count(1)
        self._host = _QuietHost()
        self._hits: list[tuple[int, int]] = []
        self._fired: set[int] = set()
        self._broken: str | None = None  # set when the C core failed: its state is unknown
        prefix = f"jixiao_{_content_hash(rules)}_{self._instance}"
        self._shards = _plan(compiled)
        self._shards_by_kind: dict[str, list[_Shard]] = {}
        for shard in self._shards:
            shard.name = f"{prefix}_{shard.index}"
            definition: dict = {}
            for group in shard.groups:
                for rule, alternatives in group.rules:
                    for j, conj in enumerate(alternatives):
                        action = f"r{rule.index}_{j}"
                        definition[action] = {"all": [{"m": _chain(group.kind, conj)}], "run": _no_op}
                        shard.actions[action] = rule.index
                shard.encoders[group.kind] = [_field_encoder(f) for f in sorted(group.fields)]
                self._shards_by_kind.setdefault(group.kind, []).append(shard)
            definition[_OPEN_RULE] = {"all": [{"m": {_OPEN_FIELD: 1}}], "run": _no_op}
            try:
                # register_rulesets deletes "run" from the definition it is given
                self._host.register_rulesets({shard.name: _copy_tree(definition)})
            except Exception as e:  # the C core reports errors as bare exceptions
                raise JixiaoError.single(
                    "E-MATCHER", f"durable_rules rejected ruleset {shard.name}: {e}", stage="match"
                ) from e
            shard.ruleset = self._host.get_ruleset(shard.name)

    @property
    def shard_sizes(self) -> list[int]:
        """Durable rules per shard (for tests and diagnostics)."""
        return [s.chains for s in self._shards]

    # -- actions ---------------------------------------------------------------------------

    def _record(self, fact_id: int, rule_index: int) -> None:
        self._hits.append((fact_id, rule_index))

    def _run_actions(self, shard: _Shard, state_offset) -> None:
        """Run the actions an assert made pending (see "Actions" in the module docstring)."""
        core = _engine.durable_rules_engine
        handle = shard.ruleset._handle
        failed: Exception | None = None
        try:
            result = core.start_action_for_state(handle, state_offset)
            if not result:
                return
            state_json, messages_json = result[0], result[1]
            while messages_json:
                action, fact_id = _first_action(messages_json)
                rule_index = shard.actions.get(action)
                if rule_index is not None:
                    self._fired.add(shard.index)  # first: the session now has had an action
                    try:
                        self._record(fact_id, rule_index)
                    except Exception as e:  # noqa: BLE001 - complete the actions, then report
                        failed = failed or e
                core.update_state(handle, state_json)
                messages_json = core.complete_and_start_action(handle, state_offset)
        except Exception as e:
            raise self._fail(f"durable_rules failed running actions in {shard.name}: {e}") from e
        if failed is not None:
            raise JixiaoError.single(
                "E-MATCHER", f"a durable_rules action failed in {shard.name}: {failed}", stage="match"
            ) from failed

    # -- matching --------------------------------------------------------------------------

    def match(self, facts: Sequence[Mapping]) -> list[tuple[str, ...]]:
        facts = list(facts)
        validate_facts(facts)
        with self._lock:
            if self._broken:
                raise JixiaoError.single(
                    "E-MATCHER",
                    f"this durable matcher failed earlier and cannot be used again "
                    f"({self._broken})",
                    stage="match",
                    hint="compile the pack again",
                )
            return self._match_locked(facts)

    def _match_locked(self, facts: list[Mapping]) -> list[tuple[str, ...]]:
        sid = f"{self._instance}.{next(self._sessions)}"
        sid_json = json.dumps(sid)
        self._hits = hits = []
        self._fired = set()
        opened: list[_Shard] = []
        try:
            for fact in facts:
                kind = fact["kind"]
                for shard in self._shards_by_kind.get(kind, ()):
                    if shard not in opened:
                        opened.append(shard)
                    self._assert(shard, self._encode(shard, kind, fact, sid_json))
            for shard in opened:
                state = self._call(shard, "get_state", self._host.get_state, shard.name, sid)
                if "exception" in state:
                    raise JixiaoError.single(
                        "E-MATCHER",
                        f"a durable_rules action failed in {shard.name}: {state['exception']}",
                        stage="match",
                    )
        finally:
            self._close(opened, sid)
        matched: dict[int, set[int]] = {}
        for fact_id, rule_index in hits:
            matched.setdefault(fact_id, set()).add(rule_index)
        return [tuple(self._codes[i] for i in sorted(matched.get(f["id"], ()))) for f in facts]

    def _encode(self, shard: _Shard, kind: str, fact: Mapping, sid_json: str) -> str:
        """The fact as durable JSON: `contract.typed` per field, written out directly."""
        parts = ['{"kind":', _string_json(kind), ',"id":', str(fact["id"]), ',"sid":', sid_json]
        append = parts.append
        get = fact.get
        for field, number, text, true, false in shard.encoders[kind]:
            value = get(field)
            if value is None:
                continue
            cls = value.__class__
            if cls is str:
                append(text)
                append(_string_json(value))
            elif cls is bool:
                append(true if value else false)
            else:
                append(number)
                append(_fact_number_json(value))
        append("}")
        return "".join(parts)

    def _assert(self, shard: _Shard, text: str) -> None:
        """Host.assert_fact, but with our own JSON text (see `_number_json`)."""
        ruleset = shard.ruleset
        try:
            result = _engine.durable_rules_engine.assert_fact(ruleset._handle, text)
            state_offset = ruleset._handle_result(result, text)
        except _engine.MessageNotHandledException:
            return  # the fact matched no rule: normal
        except Exception as e:
            raise self._fail(f"durable_rules could not assert a fact into {shard.name}: {e}") from e
        self._run_actions(shard, state_offset)

    def _call(self, shard: _Shard, what: str, fn, *args):
        try:
            return fn(*args)
        except Exception as e:
            raise self._fail(f"durable_rules {what} failed in {shard.name}: {e}") from e

    def _fail(self, message: str) -> JixiaoError:
        """A C-level failure leaves the ruleset in an unknown state; touching the session again
        (even to delete it) can crash the process, so the matcher refuses further work."""
        self._broken = self._broken or message
        return JixiaoError.single("E-MATCHER", message, stage="match")

    def _close(self, opened: list[_Shard], sid: str) -> None:
        """Delete this call's session in every shard it opened, even if one fails. A session in
        which no action ran first gets the session-opening fact: deleting it otherwise crashes
        the process."""
        if self._broken:
            return  # see _fail
        first_error: JixiaoError | None = None
        for shard in opened:
            if self._broken:
                break
            try:
                if shard.index not in self._fired:
                    opening = '{"%s":1,"id":"open","sid":%s}' % (_OPEN_FIELD, json.dumps(sid))
                    self._assert(shard, opening)
                self._call(shard, "delete_state", self._host.delete_state, shard.name, sid)
            except JixiaoError as e:
                first_error = first_error or e
        if first_error is not None:
            raise first_error


def _no_op(c) -> None:
    pass


# The C core writes a message set as {"<rule>":{"m":{<the fact as we sent it>}}}, and our facts
# start with "kind" then "id" (see `_encode`). Reading the rule and the id with this pattern saves
# decoding the whole fact; any other text is decoded in full.
_MESSAGE = re.compile(r'\{"([^"\\]+)":\{"m":\{"kind":"(?:[^"\\]|\\.)*","id":(-?[0-9]+)[,}]')


def _first_action(messages_json: str) -> tuple[str, object]:
    """(rule name, fact id) of the first action of a message set, as durable runs them."""
    found = _MESSAGE.match(messages_json)
    if found is not None:
        return found.group(1), int(found.group(2))
    for action, message in json.loads(messages_json).items():
        return action, (message.get("m") or {}).get("id") if isinstance(message, dict) else None
    return "", None
