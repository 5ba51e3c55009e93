"""Lint a rule pack: every schema, compile and semantic problem at once, each with its place.

`jixiao rules lint PACK` prints them as `file:line:col: code: message (field: path)`, with a
"did you mean" hint where a name looks misspelt. Reading and compiling are the pack compiler's
own (`engine.rulepack.inspect_pack`), so lint and `jixiao score` can never disagree about what
is an error; lint only keeps going where the compiler would stop, and adds the semantic checks:

    E-LINT-FIELD        a condition names a field that facts of the rule's kind do not have
    E-LINT-TYPE         an operator applied to the wrong type (ordering a string field, comparing
                        a bool field with text, ...): such a leaf never holds
    E-LINT-VALUE        a field compared with a value it never takes (direction: positve)
    E-LINT-WEIGHTS      section weights that do not add up to the total
    E-LINT-GRADES       grade bands with gaps or overlaps, or not covering 0 to the total
    E-LINT-NEVER        a rule whose condition can never hold
    E-LINT-SHADOW       a score rule that never scores because an earlier one always holds with
                        it, or two score rules of one priority that can hold for the same fact
    E-LINT-PLACEHOLDER  a message or fix template using a {placeholder} the rule does not provide
    E-LINT-METHOD       a score method whose formula uses a number the rule's facts do not have
    E-LINT-MODELINE     a pack file without the editor's `# yaml-language-server: $schema=` line
    E-LINT-VOCAB        a rule tests a field computed from a vocabulary list the pack leaves empty
                        (the check could never find anything: no survey words, no bounded rates)

Compile problems keep their own codes (E-SCHEMA, E-PACK-*, E-COND-*, E-EXPR-*): unknown
`extends`, methods and parameters, duplicate codes, expressions over the size bounds.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .decimals import fmt
from .errors import Problem, parse_path
from .facts import FACT_FIELDS, FIELD_VALUES, MESSAGE_PLACEHOLDERS, NUM, SCORE_PLACEHOLDERS
from .facts_checks import FIELD_VOCABULARY
from .load import Document
from .match.explain import leaf_text, value_text
from .match.reason import Space, implies, leaf_type, never_reason, overlaps
from .rulepack import Pack, PackSource, Rule, inspect_pack
from .validate import SCHEMA_DIR, closest

STAGE = "lint"
UNREADABLE = ("E-FILE", "E-YAML", "E-ENCODING", "E-EMPTY")
MODELINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
PACK_VALUES = ("section", "qual_band")  # fields whose values the pack defines (sections, vocabulary)


# Problems that make a rule silently never apply: `jixiao score` refuses a pack that has them.
UNUSABLE = ("E-LINT-FIELD", "E-LINT-TYPE", "E-LINT-VALUE")


@dataclass(frozen=True)
class LintReport:
    pack_dir: str
    problems: tuple[Problem, ...]

    @property
    def unreadable(self) -> bool:
        """The pack could not be read: no folder or pack.yaml, or a file that does not parse."""
        return any(p.code == "E-PACK" or p.code.startswith(UNREADABLE) for p in self.problems)

    @property
    def exit_code(self) -> int:
        return 2 if self.unreadable else (1 if self.problems else 0)


def lint_pack(directory: str | Path) -> LintReport:
    """Every problem of the pack in `directory`, sorted by file and line."""
    chain, pack, problems = inspect_pack(directory)
    if chain:
        problems += modeline_problems(chain[-1])
    if pack is not None:
        problems += semantic_problems(pack, chain, problems)
    unique = {(p.file, p.line, p.col, p.code, p.message): p for p in problems}
    ordered = sorted(unique.values(), key=lambda p: (p.file or "", p.line or 0, p.col or 0, p.code, p.message))
    return LintReport(str(directory), tuple(ordered))


# --------------------------------------------------------------------------- editor schema line


def modeline_problems(source: PackSource) -> list[Problem]:
    """Each of the pack's own files should name the pack schema, so editors check as you type."""
    schema = SCHEMA_DIR / "rulepack.schema.json"
    out = []
    for doc in source.rule_docs:
        folder = Path(doc.path).resolve().parent
        wanted = os.path.relpath(schema, folder).replace(os.sep, "/")
        hint = f"put `# yaml-language-server: $schema={wanted}` on the first line"
        found = next((m for line in doc.text.splitlines()[:5] if (m := MODELINE.match(line.strip()))), None)
        if found is None:
            out.append(Problem("E-LINT-MODELINE", "no `# yaml-language-server: $schema=` line: editors cannot check "
                               "this file as you type", STAGE, doc.path, 1, 1, hint=hint))
            continue
        target = found.group(1)
        is_url = target.startswith(("http://", "https://"))
        if not target.endswith(schema.name) or not is_url and not (folder / target).is_file():
            out.append(Problem("E-LINT-MODELINE", f"the $schema line points at {target}, which is not a "
                               f"{schema.name} file", STAGE, doc.path, 1, 1, hint=hint))
    return out


# --------------------------------------------------------------------------- semantics


class _Lint:
    def __init__(self, pack: Pack, chain: list[PackSource], known: list[Problem]) -> None:
        self.pack = pack
        self.chain = chain
        self.docs = {d.path: d for raw in chain for d in raw.rule_docs}
        self.out: list[Problem] = []
        # Rules the compiler already complained about are not analysed further.
        self.broken = {(p.file, parse_path(p.field or "")[:2]) for p in known}

    def add(self, doc: Document, code: str, message: str, path: tuple, hint: str | None = None) -> None:
        self.out.append(doc.problem(code, message, path, STAGE, hint))

    def rule_problem(self, rule: Rule, code: str, message: str, path: tuple, hint: str | None = None) -> None:
        file, where = rule.where(*path)
        self.add(self.docs[file], code, f"rule {rule.code}: {message}", where, hint)

    def settings_place(self, *keys: str) -> tuple[Document, tuple]:
        """Where to point for a problem between settings `keys`: the last pack.yaml in the chain
        that sets any of them, at the first of them it sets."""
        raw = next(raw for raw in reversed(self.chain) if any(k in raw.settings for k in keys))
        return raw.settings_doc, (next(k for k in keys if k in raw.settings),)

    def space(self, kind: str) -> Space:
        values = {name: frozenset(v) for name, v in FIELD_VALUES.items()}
        values[PACK_VALUES[0]] = frozenset(s.key for s in self.pack.sections)
        values[PACK_VALUES[1]] = frozenset((self.pack.vocabulary.get("qualitative_bands") or {}).keys())
        values["kind"] = frozenset({kind})
        fields = FACT_FIELDS.get(kind, {})
        return Space(types=fields, values={k: v for k, v in values.items() if k in fields})


def semantic_problems(pack: Pack, chain: list[PackSource], known: list[Problem]) -> list[Problem]:
    lint = _Lint(pack, chain, known)
    _weights(lint)
    _grades(lint)
    sound = []
    for rule in pack.rules:
        amend_entry = (rule.amend_file, ("amend_rules", rule.code))
        if (rule.file, rule.path) in lint.broken or amend_entry in lint.broken or rule.applies_to not in FACT_FIELDS:
            continue
        _placeholders(lint, rule)
        _method(lint, rule)
        _vocabulary(lint, rule)
        if _condition_terms(lint, rule):
            sound.append(rule)
    never = {r.code for r in sound if _never(lint, r)}
    _shadows(lint, [r for r in sound if r.code not in never])
    return lint.out


def _weights(lint: _Lint) -> None:
    pack = lint.pack
    if not pack.sections:
        return
    total = sum((s.weight for s in pack.sections), Decimal(0))
    if total != pack.total:
        parts = " + ".join(f"{s.key} {fmt(s.weight)}" for s in pack.sections)
        doc, path = lint.settings_place("sections", "total")
        lint.add(doc, "E-LINT-WEIGHTS", f"section weights add up to {fmt(total)} ({parts}), not the total "
                 f"{fmt(pack.total)}", path, "change a section's weight, or `total`, so that they agree")


def _grades(lint: _Lint) -> None:
    pack = lint.pack
    if not pack.grades:
        return
    doc, _path = lint.settings_place("grades")
    index = {id(g): i for i, g in enumerate(pack.grades)}
    bands = sorted(pack.grades, key=lambda g: (g.min, g.max))

    def name(g) -> str:
        return f"{g.grade} ({fmt(g.min)}–{fmt(g.max)})"

    for g in bands:
        if g.min >= g.max:
            lint.add(doc, "E-LINT-GRADES", f"grade {name(g)}: min is not below max, so no total gets it",
                     ("grades", index[id(g)]))
    if bands[0].min > 0:
        lint.add(doc, "E-LINT-GRADES", f"totals from 0 to {fmt(bands[0].min)} get no grade: the lowest band "
                 f"{name(bands[0])} starts above 0", ("grades", index[id(bands[0])]))
    for lower, upper in zip(bands, bands[1:]):
        if lower.max < upper.min:
            lint.add(doc, "E-LINT-GRADES", f"totals from {fmt(lower.max)} to {fmt(upper.min)} get no grade: "
                     f"{name(lower)} ends where {name(upper)} does not yet start", ("grades", index[id(upper)]))
        elif lower.max > upper.min:
            lint.add(doc, "E-LINT-GRADES", f"grades {name(lower)} and {name(upper)} overlap from {fmt(upper.min)} "
                     f"to {fmt(min(lower.max, upper.max))}", ("grades", index[id(upper)]),
                     "bands read min ≤ total < max; make each band's max the next band's min")
    top = bands[-1]
    if top.max != pack.total:
        doc, path = lint.settings_place("grades", "total")
        where = (f"ends below the total {fmt(pack.total)}: totals from {fmt(top.max)} to {fmt(pack.total)} get no grade"
                 if top.max < pack.total else f"ends above the total {fmt(pack.total)}")
        lint.add(doc, "E-LINT-GRADES", f"the top band {name(top)} {where}",
                 ("grades", index[id(top)]) if path == ("grades",) else path,
                 "the top band's max is the pack's total (it includes its max)")


def _placeholders(lint: _Lint, rule: Rule) -> None:
    allowed = set(MESSAGE_PLACEHOLDERS.get(rule.applies_to, ()))
    if rule.score is not None:
        allowed |= set(SCORE_PLACEHOLDERS) | set(rule.score.get("params") or {})
        method = lint.pack.methods.get(rule.score.get("method"))
        allowed |= set(method.params) if method else set()
    for key in ("message", "fix"):
        template = getattr(rule, key) or ""
        for used in dict.fromkeys(PLACEHOLDER.findall(template)):
            if used not in allowed:
                guess = closest(used, allowed)
                lint.rule_problem(
                    rule, "E-LINT-PLACEHOLDER",
                    f"{key} uses {{{used}}}, which {'score' if rule.score else 'check'} rules on {rule.applies_to} "
                    f"facts do not provide; it would be shown as written",
                    (key,), f"did you mean {{{guess}}}?" if guess else "available: "
                    + ", ".join(f"{{{p}}}" for p in sorted(allowed)))


def _method(lint: _Lint, rule: Rule) -> None:
    if rule.score is None or rule.score.get("method") not in lint.pack.methods:
        return
    method = lint.pack.methods[rule.score["method"]]
    numbers = {f for f, t in FACT_FIELDS[rule.applies_to].items() if t == NUM and f != "id"}
    provided = numbers | {"weight"} | set(method.params) | set(rule.score.get("params") or {})
    missing = sorted(set(method.formula.names) - provided)
    if missing:
        lint.rule_problem(
            rule, "E-LINT-METHOD",
            f"method {method.name!r} ({method.formula.source}) uses {', '.join(missing)}, which {rule.applies_to} "
            "facts do not have: scoring would fail", ("score", "method"),
            f"{rule.applies_to} facts have: {', '.join(sorted(numbers | {'weight'}))}")


def _vocabulary(lint: _Lint, rule: Rule) -> None:
    """A field computed from a vocabulary list (facts_checks.FIELD_VOCABULARY) that is empty."""
    for leaf, path in _leaves(rule.when, ("when",)):
        key = FIELD_VOCABULARY.get(leaf.get("field"))
        if key is not None and not lint.pack.vocabulary.get(key):
            lint.rule_problem(rule, "E-LINT-VOCAB", f"field {leaf['field']!r} is computed from vocabulary.{key}, "
                              "which this pack leaves empty: the check can never find anything", (*path, "field"),
                              f"list the words under vocabulary: {key}: in pack.yaml")


def _leaves(node, path: tuple):
    """Every leaf of a condition as written, with its path."""
    if not isinstance(node, dict) or not node:
        return
    for key in ("all", "any"):
        if key in node:
            for i, child in enumerate(node[key]):
                yield from _leaves(child, (*path, key, i))
            return
    if "not" in node:
        yield from _leaves(node["not"], (*path, "not"))
        return
    yield node, path


def _condition_terms(lint: _Lint, rule: Rule) -> bool:
    """Fields, types and values of every leaf; True when the condition is fit for reasoning."""
    fields = FACT_FIELDS[rule.applies_to]
    space = lint.space(rule.applies_to)
    before = len(lint.out)
    for leaf, path in _leaves(rule.when, ("when",)):
        names = [("field", leaf["field"]), *([("other", leaf["other"])] if "other" in leaf else [])]
        unknown = [(key, n) for key, n in names if n not in fields]
        for key, n in unknown:
            guess = closest(n, fields)
            lint.rule_problem(rule, "E-LINT-FIELD", f"{rule.applies_to} facts have no field {n!r}", (*path, key),
                              f"did you mean {guess!r}?" if guess else f"{rule.applies_to} facts have: "
                              + ", ".join(sorted(fields)))
        if unknown:
            continue
        _leaf_types(lint, rule, leaf, path, fields, space)
    return len(lint.out) == before


def _leaf_types(lint: _Lint, rule: Rule, leaf: dict, path: tuple, fields: dict, space: Space) -> None:
    op, name = leaf["op"], leaf["field"]
    kind = fields[name]
    ordering = op in ("<", "<=", ">", ">=")
    shown = leaf_text(leaf)
    if op in ("exists", "missing"):
        return
    if "other" in leaf:
        other_kind = fields[leaf["other"]]
        if ordering and (kind != NUM or other_kind != NUM):
            bad = name if kind != NUM else leaf["other"]
            lint.rule_problem(rule, "E-LINT-TYPE", f"`{shown}` orders numbers, but {bad!r} is a {fields[bad]} field: "
                              "it never holds", (*path, "op"))
        elif kind != other_kind:
            lint.rule_problem(rule, "E-LINT-TYPE", f"`{shown}` compares the {kind} field {name!r} with the "
                              f"{other_kind} field {leaf['other']!r}: it never holds", (*path, "other"))
        return
    if ordering and kind != NUM:
        lint.rule_problem(rule, "E-LINT-TYPE", f"`{shown}` orders numbers, but {name!r} is a {kind} field: it never "
                          "holds", (*path, "op"))
        return
    values = leaf["value"] if op == "in" else [leaf["value"]]
    for i, value in enumerate(values):
        where = (*path, "value", i) if op == "in" else (*path, "value")
        if leaf_type(value) != kind:
            lint.rule_problem(rule, "E-LINT-TYPE", f"`{shown}`: {name!r} is a {kind} field, but {_literal(value)} "
                              f"is a {leaf_type(value)}: values of different types never compare, so this never holds",
                              where)
        elif name in space.values and value not in space.values[name]:
            domain = sorted(space.values[name])
            guess = closest(value, domain)
            scope = f" under pack {lint.pack.id}" if name in PACK_VALUES else ""
            lint.rule_problem(rule, "E-LINT-VALUE", f"{name} is never {_literal(value)}{scope}; its values are: "
                              + ", ".join(domain), where, f"did you mean {guess!r}?" if guess else None)


def _literal(value) -> str:
    return repr(value) if isinstance(value, str) else value_text(value)


def _never(lint: _Lint, rule: Rule) -> bool:
    reason = never_reason(rule.when, lint.space(rule.applies_to))
    if reason is None:
        return False
    lint.rule_problem(rule, "E-LINT-NEVER", f"the condition can never hold: {reason}", ("when",))
    return True


def _shadows(lint: _Lint, rules: list[Rule]) -> None:
    order = {r.code: i for i, r in enumerate(lint.pack.rules)}
    scoring = sorted((r for r in rules if r.score is not None), key=lambda r: (r.priority, order[r.code]))
    for i, later in enumerate(scoring):
        space = lint.space(later.applies_to)
        earlier = [r for r in scoring[:i] if r.applies_to == later.applies_to]
        winner = next((r for r in earlier if implies(later.when, r.when, space)), None)
        if winner is not None:
            lint.rule_problem(later, "E-LINT-SHADOW", f"never scores: whenever it holds, {winner.code} (priority "
                              f"{winner.priority}) holds too and is chosen first", ("priority",),
                              f"give it a lower priority number than {winner.code}, or narrow {winner.code}'s condition")
            continue
        tie = next((r for r in earlier if r.priority == later.priority and overlaps(r.when, later.when, space)), None)
        if tie is not None:
            lint.rule_problem(later, "E-LINT-SHADOW", f"has the same priority ({later.priority}) as {tie.code}, and both "
                              f"can hold for one fact: then {tie.code} is chosen only because it comes first",
                              ("priority",), "give the two rules different priorities, or make their conditions exclusive")
