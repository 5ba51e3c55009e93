"""Rule packs: policy as data, compiled once into an immutable `Pack`.

A pack is a folder under `rules/`: `pack.yaml` (metadata, sections and weights, grades, rounding,
parameters, score methods, vocabulary) plus any number of `*.yaml` files holding `rules:`.
`extends: <pack id>` names the pack this one builds on (a sibling folder, else one in rules/):

* `sections`, `grades`, `total`, `rounding`, `applies_to`: the child's value replaces the parent's;
* `params`, `methods`, `vocabulary`, `letter`: merged key by key, the child's entries win;
* rules: merged by code, a child's rule replaces the parent's rule with the same code;
  `amend_rules: {CODE: {field: value}}` changes only the named fields of an inherited rule
  (e.g. attaches a `deduct`); `remove_rules: [CODE, ...]` drops inherited rules.

This module is pure: it compiles already-loaded documents. Reading folders is `read_pack`, at
the bottom, which is the only function here that touches the file system.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from .decimals import D
from .errors import JixiaoError, Problem, parse_path, tr
from .expr import ExprError, compile_expr
from .facts import FACT_FIELDS, SCORE_VARIABLES
from .load import MAX_ABS_NUMBER, Document, load_file
from .match import MatchRule, check_condition
from .validate import closest, schema_problems

PACK_FILE = "pack.yaml"
# Where `extends` looks after the pack's own sibling folders: the repository's rules/.
RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
REPLACED_KEYS = ("sections", "grades", "total", "rounding")
_PACK_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")  # what `extends` may name (as the schema says)
MERGED_KEYS = ("params", "methods", "vocabulary", "letter")


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    weight: Decimal
    level1: tuple[str, ...]
    scale_rows: bool = False  # scale the form's row weights so they add up to `weight`


@dataclass(frozen=True)
class Grade:
    grade: str
    min: Decimal
    max: Decimal


@dataclass(frozen=True)
class Method:
    name: str
    title: str
    formula: Any  # engine.expr.Expr
    params: dict  # name -> pack param name (str) or literal Decimal


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    rationale: str
    applies_to: str
    priority: int
    when: Any
    message: str
    citation: str
    examples: tuple
    score: dict | None = None  # {method, params, outcome} or {outcome: judged, verdict}
    finding: dict | None = None  # {severity}
    deduct: dict | None = None  # {points, from}
    fix: str | None = None
    file: str = ""
    path: tuple = ()
    pack_id: str = ""
    source_when: Any = None  # `when` as written, with {param: name} references (for docs)
    # Fields a child pack changed with `amend_rules` live in that pack's pack.yaml.
    amended: frozenset = frozenset()
    amend_file: str = ""

    @property
    def is_score_rule(self) -> bool:
        return self.score is not None

    def where(self, *path) -> tuple[str, tuple]:
        """The file and JSON path of a part of this rule (e.g. "when", "examples", 0): the rule's
        own entry, or the `amend_rules` entry of the pack that changed that field."""
        if path and path[0] in self.amended:
            return self.amend_file, ("amend_rules", self.code, *path)
        return self.file, (*self.path, *path)


@dataclass(frozen=True)
class Pack:
    id: str
    title: str
    version: str
    year: int | None
    citation: str
    description: str
    applies_to: dict
    sections: tuple[Section, ...]
    total: Decimal
    grades: tuple[Grade, ...]
    places: int
    params: dict  # name -> Decimal
    methods: dict  # name -> Method
    vocabulary: dict
    rules: tuple[Rule, ...]
    sha256: str
    chain: tuple[str, ...]  # ids from the root pack to this one
    directory: str = ""
    directories: tuple[str, ...] = ()  # the folders of `chain`, root first (its tests are inherited)
    letter: dict = field(default_factory=dict)  # how the department letter groups findings (pack `letter:`)
    _by_code: dict = field(default_factory=dict, repr=False, compare=False)

    def rule(self, code: str) -> Rule:
        return self._by_code[code]

    def grade_for(self, total: Decimal) -> str:
        for band in self.grades:
            top = band.max == max(g.max for g in self.grades)
            if band.min <= total < band.max or (top and total == band.max):
                return band.grade
        return ""

    def section_for_level1(self, text: str) -> Section | None:
        cleaned = _strip_points(text)
        for section in self.sections:
            if cleaned in section.level1 or text in section.level1:
                return section
        return None

    def match_rules(self) -> list[MatchRule]:
        return [MatchRule(code=r.code, kind=r.applies_to, condition=r.when, priority=r.priority) for r in self.rules]


def _strip_points(text: str) -> str:
    """'产出指标(50分)' / '效益指标（30分）' -> the bare name."""
    import re

    return re.sub(r"[\(（]\s*[\d.]+\s*分\s*[\)）]", "", text).replace("\u3000", "").strip()


# --------------------------------------------------------------------------- compile


def _merge(parent: dict, child: dict) -> dict:
    merged = dict(parent)
    for key, value in child.items():
        if key in MERGED_KEYS and isinstance(value, dict):
            merged[key] = {**parent.get(key, {}), **value}
        elif key in ("rules", "remove_rules", "amend_rules"):
            continue
        else:
            merged[key] = value
    return merged


def resolve_param(value, params: dict) -> Decimal:
    """A method or rule parameter is a number or the name of a pack parameter."""
    if isinstance(value, str) and not _is_number_text(value):
        return params[value]
    return D(value)


# Operators typed on a Chinese keyboard, read as their ASCII spelling (the schema accepts both).
OP_ALIASES = {"≥": ">=", "≤": "<=", "≠": "!=", "＞": ">", "＜": "<"}


def normalize_ops(condition):
    """A condition with `op: "≥"` (and the other aliases) written as `op: ">="`."""
    if isinstance(condition, dict):
        out = {k: normalize_ops(v) for k, v in condition.items()}
        if isinstance(out.get("op"), str) and out["op"] in OP_ALIASES:
            out["op"] = OP_ALIASES[out["op"]]
        return out
    if isinstance(condition, list):
        return [normalize_ops(v) for v in condition]
    return condition


def substitute_params(condition, params: dict, path: tuple = ()):
    """Replace `value: {param: name}` in a condition by the parameter's number. Returns the new
    condition and the (name, path) of unknown parameters."""
    unknown: list = []

    def walk(node, where):
        if isinstance(node, dict):
            if set(node) == {"param"}:
                name = node["param"]
                if name not in params:
                    unknown.append((name, where))
                    return node
                return params[name]
            return {k: walk(v, (*where, k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, (*where, i)) for i, v in enumerate(node)]
        return node

    return walk(condition, path), unknown


def _is_number_text(text: str) -> bool:
    try:
        return D(text).is_finite()  # "NaN" and "Infinity" are not numbers a formula can use
    except (ValueError, TypeError):
        return False


@dataclass
class PackSource:
    """One pack folder's documents, before inheritance is applied."""

    id: str
    directory: str
    settings: dict  # pack.yaml data
    settings_doc: Document
    rule_docs: list[Document]
    digest: str
    # Rules left out of compiling because their own schema check failed: (file, index).
    bad_rules: frozenset = frozenset()
    # False when pack.yaml itself (outside its `rules:`) breaks the schema: nothing compiles.
    settings_ok: bool = True


def _build_rule(data: dict, doc: Document, path: tuple, pack_id: str) -> Rule:
    return Rule(
        code=data["code"],
        title=data["title"],
        rationale=data.get("rationale", ""),
        applies_to=data["applies_to"],
        priority=int(data.get("priority", 50)),
        when=data.get("when"),
        message=data["message"],
        citation=data.get("citation", ""),
        examples=tuple(data.get("examples") or ()),
        score=data.get("score"),
        finding=data.get("finding"),
        deduct=data.get("deduct"),
        fix=data.get("fix"),
        file=doc.path,
        path=path,
        pack_id=pack_id,
        source_when=data.get("when"),
    )


def _unknown(what: str, name, known, whose: str = "the pack's") -> tuple[str, str]:
    """A message and a hint for a name that is not among `known`: "did you mean" when one is
    close, else the list of known names."""
    known = sorted(known)
    guess = closest(name, known) if isinstance(name, str) else None
    what_zh = _WHAT_ZH.get(what, what)
    listed = ", ".join(known) or tr("无", "none")
    hint = (tr(f"是不是 {guess!r}？", f"did you mean {guess!r}?") if guess
            else tr(f"已有的{what_zh}：{listed}", f"{whose} {what}s are: {listed}"))
    return tr(f"没有{what_zh} {name!r}", f"unknown {what} {name!r}"), hint


_WHAT_ZH = {"parameter": "参数", "fact kind": "事实类别", "score method": "计分方法", "section": "部分"}


def _merge_rules(chain: list[PackSource], problems: list[Problem]) -> tuple[dict, dict[str, Rule]]:
    settings: dict = {}
    rules: dict[str, Rule] = {}
    for raw in chain:
        settings = _merge(settings, raw.settings)
        for code in raw.settings.get("remove_rules") or []:
            if code not in rules:
                problems.append(raw.settings_doc.problem("E-PACK-REMOVE", tr(f"remove_rules 列出的 {code!r} 在上级规则包中没有定义", f"remove_rules names {code!r}, which no parent pack defines"), ("remove_rules",), "compile"))
            rules.pop(code, None)
        own_codes: dict[str, str] = {}
        for doc in raw.rule_docs:
            items = doc.data.get("rules")
            for i, data in enumerate(items if isinstance(items, list) else []):
                if (doc.path, i) in raw.bad_rules or not isinstance(data, dict):
                    continue
                path = ("rules", i)
                code = data["code"]
                if code in own_codes:
                    problems.append(doc.problem("E-PACK-DUPCODE", tr(f"规则编号 {code!r} 在这个规则包里定义了两次（另一处在 {own_codes[code]}）", f"rule code {code!r} is defined twice in this pack (also in {own_codes[code]})"), (*path, "code"), "compile"))
                    continue
                own_codes[code] = doc.path
                rules[code] = _build_rule(data, doc, path, raw.id)
        for code, changes in (raw.settings.get("amend_rules") or {}).items():
            if code not in rules:
                problems.append(raw.settings_doc.problem("E-PACK-AMEND", tr(f"amend_rules 列出的 {code!r} 在上级规则包中没有定义", f"amend_rules names {code!r}, which no parent pack defines"), ("amend_rules", code), "compile"))
                continue
            amended = {k: (tuple(v) if k == "examples" else v) for k, v in changes.items()}
            if "when" in amended:
                amended["source_when"] = amended["when"]
            rules[code] = replace(rules[code], pack_id=raw.id, amended=rules[code].amended | set(changes),
                                  amend_file=raw.settings_doc.path, **amended)
    return settings, rules


def _param_problem(value, params: dict) -> tuple[str, str | None] | None:
    """A method or rule parameter is a number, a number written as text (finite, within the
    loader's range), or the name of a pack parameter: (message, hint) when it is none of these."""
    if not isinstance(value, str) or value in params:
        return None
    try:
        number = D(value)
    except (ValueError, TypeError):
        return _unknown("parameter", value, params)
    if not number.is_finite() or abs(number) > MAX_ABS_NUMBER:
        return tr(f"{value!r} 不是可用的数（须为有限数，|x| ≤ 1e15）", f"{value!r} is not a usable number (finite, |x| ≤ 1e15)"), None
    return None


def _compile_methods(settings: dict, chain: list[PackSource], params: dict,
                     problems: list[Problem]) -> tuple[dict[str, Method], set[str]]:
    """The pack's methods, and the names of those with problems (already reported, so that the
    rules using them are not reported again)."""
    method_docs = {name: raw.settings_doc for raw in chain for name in (raw.settings.get("methods") or {})}
    methods: dict[str, Method] = {}
    broken: set[str] = set()
    for name, spec in (settings.get("methods") or {}).items():
        mparams = dict(spec.get("params") or {})
        for pname, value in mparams.items():  # checked here, once, not in every rule using the method
            wrong = _param_problem(value, params)
            if wrong:
                problems.append(method_docs[name].problem("E-PACK-PARAM", tr(f"计分方法 {name!r}：{wrong[0]}", f"method {name!r}: {wrong[0]}"),
                                                          ("methods", name, "params", pname), "compile", wrong[1]))
                broken.add(name)
        try:
            expr = compile_expr(str(spec["formula"]), allowed_names=set(SCORE_VARIABLES) | set(mparams))
        except ExprError as exc:
            problems.append(method_docs[name].problem(exc.code, tr(f"计分方法 {name!r}：{exc.message}", f"method {name!r}: {exc.message}"), ("methods", name, "formula"), "compile"))
            broken.add(name)
        if name not in broken:
            methods[name] = Method(name=name, title=spec.get("title", name), formula=expr, params=mparams)
    return methods, broken


def _check_rule(rule: Rule, docs: dict, params: dict, methods: dict, broken: set, section_keys: list,
                problems: list[Problem]) -> Rule:
    """Substitute the rule's parameters and append every compile problem it has."""
    def add(code: str, message: str, path: tuple, hint: str | None = None) -> None:
        file, where = rule.where(*path)
        problems.append(docs[file].problem(code, tr(f"规则 {rule.code}：{message}", f"rule {rule.code}: {message}"), where, "compile", hint))

    if rule.when is not None:
        when, unknown = substitute_params(normalize_ops(rule.when), params)
        for name, path in unknown:
            message, hint = _unknown("parameter", name, params)
            add("E-PACK-PARAM", message, ("when", *path), hint)
        rule = replace(rule, when=when)
        reported = {("when", *path) for _name, path in unknown}
        for p in check_condition(rule.when, ("when",)):
            inside = parse_path(p.field) if p.field else ("when",)
            if inside not in reported:  # an unknown parameter is reported once
                add(p.code, p.message, inside, p.hint)
    if rule.applies_to not in FACT_FIELDS:
        message, hint = _unknown("fact kind", rule.applies_to, FACT_FIELDS, "the")
        add("E-PACK-KIND", f"applies_to：{message}", ("applies_to",), hint)
    if rule.deduct is not None and isinstance(rule.deduct.get("points"), str) and rule.deduct["points"] not in params:
        message, hint = _unknown("parameter", rule.deduct["points"], params)
        add("E-PACK-PARAM", message, ("deduct", "points"), hint)
    if rule.deduct is not None and rule.deduct.get("from") not in section_keys:
        message, hint = _unknown("section", rule.deduct.get("from"), section_keys)
        add("E-PACK-SECTION", f"deduct.from：{message}", ("deduct", "from"), hint)
    if rule.score is not None and rule.score.get("outcome") == "judged":
        # a judged rule gives no points: a verdict, no method (JX-S60…)
        if "verdict" not in rule.score:
            add("E-PACK-METHOD", tr("outcome: judged 须写 verdict（met / unmet / partial）",
                                    "outcome: judged needs a verdict (met / unmet / partial)"), ("score",))
        for key in ("method", "params"):
            if key in rule.score:
                add("E-PACK-METHOD", tr(f"outcome: judged 不计分，不能写 {key}", f"outcome: judged gives no points: no {key}"),
                    ("score", key))
        return rule
    if rule.score is not None and "verdict" in rule.score:
        add("E-PACK-METHOD", tr("verdict 只用于 outcome: judged", "a verdict belongs to outcome: judged only"),
            ("score", "verdict"))
    if rule.score is not None:
        method = rule.score.get("method")
        if method not in methods:
            if method not in broken:
                message, hint = _unknown("score method", method, methods)
                add("E-PACK-METHOD", message, ("score", "method"), hint)
            return rule
        own = methods[method].params
        for pname in sorted(set(rule.score.get("params") or {}) - set(own)):
            guess = closest(pname, own)
            add("E-PACK-PARAM", tr(f"计分方法 {method!r} 没有参数 {pname!r}（它有：{', '.join(sorted(own)) or '无'}）",
                   f"method {method!r} has no parameter {pname!r} (it has: {', '.join(sorted(own)) or 'none'})"),
                ("score", "params", pname), tr(f"是不是 {guess!r}？", f"did you mean {guess!r}?") if guess else None)
        for pname, pvalue in (rule.score.get("params") or {}).items():
            wrong = _param_problem(pvalue, params)
            if wrong:
                add("E-PACK-PARAM", wrong[0], ("score", "params", pname), wrong[1])
    return rule


def compile_checked(chain: list[PackSource]) -> tuple[Pack | None, list[Problem]]:
    """Compile a chain of pack sources (root first), collecting every problem instead of
    stopping at the first. The Pack is built whenever the pack's settings are usable, even when
    some rules have problems (lint reads it further); it is None when they are not."""
    problems: list[Problem] = []
    if not chain or not all(raw.settings_ok for raw in chain):
        return None, problems
    settings, rules = _merge_rules(chain, problems)
    docs = {d.path: d for raw in chain for d in raw.rule_docs}
    params = {name: D(value) for name, value in (settings.get("params") or {}).items()}
    section_keys = [s["key"] for s in settings.get("sections") or ()]
    methods, broken = _compile_methods(settings, chain, params, problems)
    _check_sections(settings, chain, problems)
    _check_divisors(settings, chain, params, methods, problems)
    for code, rule in list(rules.items()):
        rules[code] = _check_rule(rule, docs, params, methods, broken, section_keys, problems)
    _check_letter(chain, settings, rules, problems)
    return _assemble(chain, settings, rules, params, methods), problems


def _defining(chain: list[PackSource], *path) -> Document:
    """The pack.yaml of the nearest pack in the chain (child first) that sets `path`."""
    for raw in reversed(chain):
        node = raw.settings
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            return raw.settings_doc
    return chain[-1].settings_doc


def _check_sections(settings: dict, chain: list[PackSource], problems: list[Problem]) -> None:
    """Sections and grades a pack cannot be scored without, and sections that contradict each
    other: a negative weight, a key twice, a level-1 name in two sections (a row would belong to
    whichever comes first)."""
    for key, what in (("sections", "一级指标及分值 (sections)"), ("grades", "等级 (grades)")):
        if not settings.get(key):
            problems.append(chain[-1].settings_doc.problem(
                "E-PACK-INCOMPLETE", f"规则包没有 {what}，它继承的规则包也没有：无法评分", ("pack",), "compile",
                hint=f"写 {key}:，或用 extends: 继承一个有 {key} 的规则包"))
    sections = settings.get("sections") or []
    doc = _defining(chain, "sections")
    keys: dict[str, int] = {}
    names: dict[str, tuple[int, str]] = {}
    for i, section in enumerate(sections):
        if not isinstance(section, dict):
            continue
        weight, key = section.get("weight"), section.get("key")
        if isinstance(weight, (int, Decimal)) and not isinstance(weight, bool) and weight < 0:
            problems.append(doc.problem("E-PACK-WEIGHT", f"一级指标 {key!r} 的分值 {weight} 为负数", ("sections", i, "weight"),
                                        "compile"))
        if isinstance(key, str):
            if key in keys:
                problems.append(doc.problem("E-PACK-SECTION", f"一级指标 key {key!r} 重复（另见 sections[{keys[key]}]）",
                                            ("sections", i, "key"), "compile"))
            keys.setdefault(key, i)
        for j, name in enumerate(section.get("level1") or []):
            if not isinstance(name, str):
                continue
            bare = _strip_points(name)
            if bare in names and names[bare][0] != i:
                first, first_key = names[bare]
                problems.append(doc.problem(
                    "E-PACK-SECTION", f"一级指标名称 {name!r} 同时出现在 {first_key!r}（sections[{first}]）和 {key!r} 中："
                    "表上的这一行不知该归入哪一部分", ("sections", i, "level1", j), "compile"))
            names.setdefault(bare, (i, key))


# Values of a formula's case variables for the divisor check below: "generic" numbers (no two
# equal, none 0 or 1, actual above and below target), so that only the pack's own parameters
# can make a divisor zero.
_PROBES = (
    {"actual": Decimal("0.7318"), "target": Decimal("0.9127")},
    {"actual": Decimal("1.3751"), "target": Decimal("0.8413")},
)


def _check_divisors(settings: dict, chain: list[PackSource], params: dict, methods: dict,
                    problems: list[Problem]) -> None:
    """A method whose formula divides by zero for every row, because of the pack's parameters
    (`reverse_k: 1` in (k - 1) * target), is refused here, naming the file that set the
    parameter, instead of failing on the rows that reach it. The formula is evaluated with
    generic values for the case's numbers, so a zero can only come from the parameters."""

    for name, method in methods.items():
        values = {var: Decimal("1.2345") + Decimal(n) / 7 for n, var in enumerate(sorted(SCORE_VARIABLES))}
        bound = {}
        try:
            for pname, pvalue in method.params.items():
                bound[pname] = resolve_param(pvalue, params)
        except (KeyError, ValueError, TypeError):
            continue  # an unknown parameter: reported elsewhere
        for probe in _PROBES:
            try:
                method.formula.evaluate({**values, **probe, **bound})
            except ExprError as exc:
                if "division by zero" not in exc.message:
                    continue
            else:
                continue
            named = [(p, v) for p, v in method.params.items() if isinstance(v, str) and v in params]
            if named:  # the pack parameter behind it, where it was last set
                pname, param = named[-1]
                doc, path = _defining(chain, "params", param), ("params", param)
                shown = ", ".join(f"{p} = {v} = {bound[p]}" for p, v in named)
            else:
                doc, path = _defining(chain, "methods", name), ("methods", name, "formula")
                shown = ", ".join(f"{p} = {v}" for p, v in bound.items()) or "无参数"
            problems.append(doc.problem(
                "E-PACK-PARAM", f"计分方法 {name!r} 的公式 {method.formula.source} 在这些参数下除以零（{shown}）：每一行都无法计分",
                path, "compile"))
            break
def _check_letter(chain: list[PackSource], settings: dict, rules: dict, problems: list[Problem]) -> None:
    """`letter:` may only name check rules the pack has (a typo would silently drop an action)."""
    letter = settings.get("letter") or {}
    named = [(("letter", "self_scoring_rules", i), code) for i, code in enumerate(letter.get("self_scoring_rules") or ())]
    named += [(("letter", "actions", i, "rules", j), code)
              for i, action in enumerate(letter.get("actions") or ()) for j, code in enumerate(action.get("rules") or ())]
    doc = next((raw.settings_doc for raw in reversed(chain) if "letter" in raw.settings), chain[-1].settings_doc)
    for path, code in named:
        if code not in rules:
            problems.append(doc.problem("E-PACK-LETTER", tr(f"letter 中写的 {code} 不是这个规则包的规则",
                                                           f"letter names {code!r}, which the pack does not define"), path, "compile"))


def compile_pack(chain: list[PackSource]) -> Pack:
    """Compile a chain of pack sources (root first) into one Pack; raise on any problem."""
    pack, problems = compile_checked(chain)
    if problems or pack is None:
        raise JixiaoError(problems or [Problem("E-PACK", tr("无法编译这个规则包", "the pack cannot be compiled"), "compile")])
    return pack


def _assemble(chain: list[PackSource], settings: dict, rules: dict[str, Rule], params: dict, methods: dict) -> Pack:
    top = chain[-1]
    sections = tuple(
        Section(key=s["key"], title=s.get("title", s["key"]), weight=D(s["weight"]), level1=tuple(s.get("level1") or ()),
                scale_rows=bool(s.get("scale_rows", False)))
        for s in settings.get("sections") or ()
    )
    grades = tuple(Grade(grade=g["grade"], min=D(g["min"]), max=D(g["max"])) for g in settings.get("grades") or ())
    rounding = settings.get("rounding") or {}
    meta = top.settings.get("pack") or {}
    ordered = tuple(rules.values())
    digest = hashlib.sha256("".join(r.digest for r in chain).encode()).hexdigest()
    pack = Pack(
        id=meta["id"],
        title=meta.get("title", ""),
        version=str(meta.get("version", "")),
        year=meta.get("year"),
        citation=meta.get("citation", ""),
        description=meta.get("description", ""),
        applies_to=meta.get("applies_to") or {},
        sections=sections,
        total=D(settings.get("total", sum((s.weight for s in sections), Decimal(0)))),
        grades=grades,
        places=int(rounding.get("places", 2)),
        params=params,
        methods=methods,
        vocabulary=settings.get("vocabulary") or {},
        letter=settings.get("letter") or {},
        rules=ordered,
        sha256=digest,
        chain=tuple(r.id for r in chain),
        directory=top.directory,
        directories=tuple(r.directory for r in chain),
    )
    pack._by_code.update({r.code: r for r in ordered})
    return pack


# --------------------------------------------------------------------------- read (edge)


def _load(path: Path, problems: list[Problem]) -> Document | None:
    try:
        return load_file(path)
    except JixiaoError as exc:
        problems.extend(exc.problems)
        return None


def _rule_file_problems(doc: Document) -> tuple[list[Problem], set]:
    """Schema problems of a file holding rules, and the indices of the rules they concern."""
    problems = schema_problems(doc, "rulepack.schema.json")
    bad = set()
    for p in problems:
        path = parse_path(p.field or "")
        if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
            bad.add((doc.path, path[1]))
    return problems, bad


# Characters no pack text may hold, as the case schema's cells: C0 controls but tab and line
# breaks, DEL, C1, and the bidirectional overrides. The YAML reader refuses them written raw;
# these come from escapes ("\e[31m", "\u202e") and would reach the terminal, HTML and Markdown.
# Compiled on first use (a pack compiled from its YAML), not at import: a cached pack skips it.
@lru_cache(maxsize=None)
def _control() -> re.Pattern:
    return re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _control_characters(doc: Document) -> list[Problem]:
    """A problem for each text of a pack file (key or value) holding a control character."""
    found: list[Problem] = []
    control = _control()

    def walk(node, path) -> None:
        if isinstance(node, str):
            hit = control.search(node)
            if hit:
                found.append(doc.problem(
                    "E-PACK-CHAR", f"文字中有控制字符 U+{ord(hit.group()):04X}（可能来自转义写法，如 \\e 或 \\u202e），"
                    "不允许出现在规则包中 (a control character in pack text)", path, "load"))
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and control.search(key):
                    walk(key, path)
                else:
                    walk(value, (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*path, i))

    walk(doc.data, ())
    return found


def _inside(path: Path, directory: Path, problems: list[Problem]) -> bool:
    """Whether a pack file is really in its pack folder: a symlink to a file elsewhere (another
    pack's file is fine only beside it, /etc/passwd never) is refused before it is read, so
    nothing of what it points at appears in any message."""
    if not path.is_symlink():
        return True
    try:
        inside = path.resolve(strict=True).parent == directory.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling, or a loop
        inside = False
    if not inside:
        problems.append(Problem(
            "E-PACK-LINK", "规则包文件是指向包文件夹之外的符号链接，不读取 "
            "(a symbolic link to a file outside the pack folder is not read)", "load", file=str(path),
            hint="把文件本身复制到规则包文件夹中"))
    return inside


def read_source(directory: Path, problems: list[Problem]) -> PackSource | None:
    """Read one pack folder (not its parents), appending every problem found. None when the
    folder has no readable pack.yaml with a `pack:` block."""
    pack_file = directory / PACK_FILE
    if not directory.is_dir():
        problems.append(Problem("E-PACK", tr("没有这个规则包文件夹", "no such rule pack folder"), "load", file=str(directory)))
        return None
    if not pack_file.is_file():
        problems.append(Problem("E-PACK", tr(f"{directory} 里没有 {PACK_FILE}", f"no {PACK_FILE} in {directory}"), "load", file=str(directory)))
        return None
    settings_doc = _load(pack_file, problems) if _inside(pack_file, directory, problems) else None
    if settings_doc is None:
        return None
    problems.extend(_control_characters(settings_doc))
    if not isinstance(settings_doc.data, dict) or not isinstance(settings_doc.data.get("pack"), dict):
        problems.append(settings_doc.problem("E-SCHEMA", tr("pack.yaml 须以 `pack:` 块开头（id、title、version）", "pack.yaml must start with a `pack:` block (id, title, version)"), ()))
        return None
    own, bad = _rule_file_problems(settings_doc)
    problems.extend(own)
    settings_ok = all(parse_path(p.field or "")[:1] == ("rules",) for p in own)
    if not isinstance(settings_doc.data["pack"].get("id"), str):
        return None
    rule_docs = [settings_doc]
    hasher = hashlib.sha256()
    hasher.update(settings_doc.text.encode("utf-8"))
    for path in sorted(directory.glob("*.yaml")):
        if path.name == PACK_FILE or path.name.startswith("_"):
            continue
        if not _inside(path, directory, problems):
            settings_ok = False
            continue
        doc = _load(path, problems)
        if doc is None:
            continue
        problems.extend(_control_characters(doc))
        own, more = _rule_file_problems(doc)
        problems.extend(own)
        bad |= more
        if not isinstance(doc.data, dict):
            settings_ok = False
            continue
        if set(doc.data) - {"rules"}:
            extra = sorted(set(doc.data) - {"rules"})
            problems.append(doc.problem("E-SCHEMA", tr(f"规则文件只能有 `rules:`；把 {', '.join(extra)} 移到 pack.yaml", f"a rule file holds only `rules:`; move {', '.join(extra)} to pack.yaml"), (extra[0],)))
        rule_docs.append(doc)
        hasher.update(path.name.encode("utf-8") + b"\0" + doc.text.encode("utf-8"))
    return PackSource(
        id=settings_doc.data["pack"]["id"],
        directory=str(directory),
        settings=settings_doc.data,
        settings_doc=settings_doc,
        rule_docs=rule_docs,
        digest=hasher.hexdigest(),
        bad_rules=frozenset(bad),
        settings_ok=settings_ok,
    )


def pack_folders(*places: Path) -> list[Path]:
    """The pack folders directly under `places` (folders with a pack.yaml, not starting with _)."""
    found: dict[str, Path] = {}
    for place in places:
        if place.is_dir():
            for p in sorted(place.iterdir()):
                if not p.name.startswith("_") and (p / PACK_FILE).is_file():
                    found.setdefault(p.name, p)
    return list(found.values())


def read_sources(directory: str | Path) -> tuple[list[PackSource], list[Problem]]:
    """A pack folder and the packs it extends, root first, with every problem found reading
    them (files, schema, `extends`). An unresolved parent ends the chain early."""
    problems: list[Problem] = []
    chain: list[PackSource] = []
    seen: set[str] = set()
    current = Path(directory)
    while True:
        raw = read_source(current, problems)
        if raw is None:
            return chain, problems
        if raw.id in seen:
            # Reported where the pack that led back here names its parent.
            problems.append(chain[0].settings_doc.problem(
                "E-PACK-EXTENDS", tr(f"extends 经过 {raw.id!r} 形成了循环", f"extends forms a cycle through {raw.id!r}"), ("pack", "extends"), "load"))
            return chain, problems
        seen.add(raw.id)
        chain.insert(0, raw)
        parent = raw.settings["pack"].get("extends")
        if parent is None:
            return chain, problems
        if not isinstance(parent, str) or not _PACK_NAME.fullmatch(parent):
            # The schema check reported it; only a plain folder name is looked for.
            if not any(p.field == "pack.extends" for p in problems):
                problems.append(raw.settings_doc.problem(
                    "E-PACK-EXTENDS", tr("extends 须写一个规则包文件夹的名称（小写字母、数字、连字符）",
                                         "extends names one pack folder (lowercase letters, digits, '-')"),
                    ("pack", "extends"), "load"))
            chain[0] = replace(chain[0], settings_ok=False)
            return chain, problems
        places = [current.parent, RULES_DIR]
        found = [p / parent for p in places if (p / parent / PACK_FILE).is_file()]
        if not found:
            known = [p.name for p in pack_folders(*places)]
            guess = closest(parent, known)
            problems.append(raw.settings_doc.problem(
                "E-PACK-EXTENDS", tr(f"extends {parent!r}，但这个规则包旁边和 rules/ 里都没有这个名字的规则包文件夹", f"extends {parent!r}, but no pack folder of that name is beside this pack or in rules/"),
                ("pack", "extends"), "load",
                hint=tr(f"是不是 {guess!r}？", f"did you mean {guess!r}?") if guess else tr(f"已有的规则包：{', '.join(known) or '无'}", f"known packs: {', '.join(known) or 'none'}"),
            ))
            # The chain is incomplete: compiling it would only report what the parent provides.
            chain[0] = replace(chain[0], settings_ok=False)
            return chain, problems
        current = found[0]


def inspect_pack(directory: str | Path) -> tuple[list[PackSource], Pack | None, list[Problem]]:
    """Read and compile a pack, collecting every problem (what `jixiao rules lint` starts from)."""
    chain, problems = read_sources(directory)
    pack, more = compile_checked(chain) if chain and not problems_block(problems) else (None, [])
    return chain, pack, problems + more


def problems_block(problems: list[Problem]) -> bool:
    """Whether problems found reading a pack stop it from compiling: a file that did not load."""
    return any(p.stage == "load" for p in problems)


def read_pack(directory: str | Path) -> Pack:
    """Read a pack folder (and the packs it extends) and compile it; raise on any problem."""
    _chain, pack, problems = inspect_pack(directory)
    if problems or pack is None:
        raise JixiaoError(problems or [Problem("E-PACK", tr("无法编译这个规则包", "the pack cannot be compiled"), "compile", file=str(directory))])
    return pack
