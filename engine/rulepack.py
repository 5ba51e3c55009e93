"""Rule packs: policy as data, compiled once into an immutable `Pack`.

A pack is a folder under `rules/`: `pack.yaml` (metadata, sections and weights, grades, rounding,
parameters, score methods, vocabulary) plus any number of `*.yaml` files holding `rules:`.
`extends: <pack id>` names the pack this one builds on (a sibling folder, else one in rules/):

* `sections`, `grades`, `total`, `rounding`, `applies_to`: the child's value replaces the parent's;
* `params`, `methods`, `vocabulary`: merged key by key, the child's entries win;
* rules: merged by code, a child's rule replaces the parent's rule with the same code;
  `amend_rules: {CODE: {field: value}}` changes only the named fields of an inherited rule
  (e.g. attaches a `deduct`); `remove_rules: [CODE, ...]` drops inherited rules.

This module is pure: it compiles already-loaded documents. Reading folders is `read_pack`, at
the bottom, which is the only function here that touches the file system.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from .decimals import D
from .errors import JixiaoError, Problem, parse_path
from .expr import ExprError, compile_expr
from .facts import FACT_FIELDS, SCORE_VARIABLES
from .load import Document, load_file
from .match import MatchRule, check_condition
from .validate import schema_problems

PACK_FILE = "pack.yaml"
# Where `extends` looks after the pack's own sibling folders: the repository's rules/.
RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
REPLACED_KEYS = ("sections", "grades", "total", "rounding")
MERGED_KEYS = ("params", "methods", "vocabulary")


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
    score: dict | None = None  # {method, params}
    finding: dict | None = None  # {severity}
    deduct: dict | None = None  # {points, from}
    fix: str | None = None
    file: str = ""
    path: tuple = ()
    pack_id: str = ""

    @property
    def is_score_rule(self) -> bool:
        return self.score is not None


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


def _field_path(problem: Problem, rule: Rule) -> tuple:
    return parse_path(problem.field) if problem.field else (*rule.path, "when")


def _is_number_text(text: str) -> bool:
    try:
        D(text)
        return True
    except (ValueError, TypeError):
        return False


@dataclass
class _RawPack:
    """One pack folder's documents, before inheritance is applied."""

    id: str
    directory: str
    settings: dict  # pack.yaml data
    settings_doc: Document
    rule_docs: list[Document]
    digest: str


def compile_pack(chain: list[_RawPack]) -> Pack:
    """Compile a chain of raw packs (root first) into one Pack."""
    problems: list[Problem] = []
    settings: dict = {}
    rules: dict[str, Rule] = {}
    for raw in chain:
        settings = _merge(settings, raw.settings)
        for code in raw.settings.get("remove_rules") or []:
            if code not in rules:
                problems.append(raw.settings_doc.problem("E-PACK-REMOVE", f"remove_rules names {code!r}, which no parent pack defines", ("remove_rules",), "compile"))
            rules.pop(code, None)
        own_codes: dict[str, str] = {}
        for doc in raw.rule_docs:
            for i, data in enumerate(doc.data.get("rules") or []):
                path = ("rules", i)
                code = data["code"]
                if code in own_codes:
                    problems.append(doc.problem("E-PACK-DUPCODE", f"rule code {code!r} is defined twice in this pack (also in {own_codes[code]})", (*path, "code"), "compile"))
                    continue
                own_codes[code] = doc.path
                rules[code] = Rule(
                    code=code,
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
                    pack_id=raw.id,
                )
        for code, changes in (raw.settings.get("amend_rules") or {}).items():
            if code not in rules:
                problems.append(raw.settings_doc.problem("E-PACK-AMEND", f"amend_rules names {code!r}, which no parent pack defines", ("amend_rules", code), "compile"))
                continue
            rules[code] = replace(rules[code], pack_id=raw.id, **{k: (tuple(v) if k == "examples" else v) for k, v in changes.items()})
    top = chain[-1]
    docs = {d.path: d for raw in chain for d in raw.rule_docs}
    method_docs = {name: raw.settings_doc for raw in chain for name in (raw.settings.get("methods") or {})}

    params = {name: D(value) for name, value in (settings.get("params") or {}).items()}
    section_keys = [s["key"] for s in settings.get("sections") or ()]
    methods: dict[str, Method] = {}
    for name, spec in (settings.get("methods") or {}).items():
        mparams = dict(spec.get("params") or {})
        try:
            expr = compile_expr(str(spec["formula"]), allowed_names=set(SCORE_VARIABLES) | set(mparams))
        except ExprError as exc:
            problems.append(method_docs[name].problem(exc.code, f"method {name!r}: {exc.message}", ("methods", name, "formula"), "compile"))
            continue
        methods[name] = Method(name=name, title=spec.get("title", name), formula=expr, params=mparams)

    for code, rule in list(rules.items()):
        doc = docs[rule.file]
        if rule.when is not None:
            when, unknown = substitute_params(rule.when, params)
            for name, path in unknown:
                problems.append(doc.problem("E-PACK-PARAM", f"rule {rule.code}: unknown parameter {name!r}; the pack's params are: {', '.join(sorted(params))}", (*rule.path, "when", *path), "compile"))
            rule = rules[code] = replace(rule, when=when)
            for p in check_condition(rule.when, (*rule.path, "when")):
                problems.append(doc.problem(p.code, f"rule {rule.code}: {p.message}", _field_path(p, rule), "compile"))
        if rule.applies_to not in FACT_FIELDS:
            problems.append(doc.problem("E-PACK-KIND", f"rule {rule.code}: applies_to {rule.applies_to!r} is not a fact kind ({', '.join(sorted(FACT_FIELDS))})", (*rule.path, "applies_to"), "compile"))
        if rule.deduct is not None and isinstance(rule.deduct.get("points"), str) and rule.deduct["points"] not in params:
            problems.append(doc.problem("E-PACK-PARAM", f"rule {rule.code}: unknown parameter {rule.deduct['points']!r}; the pack's params are: {', '.join(sorted(params))}", (*rule.path, "deduct", "points"), "compile"))
        if rule.deduct is not None and rule.deduct.get("from") not in section_keys:
            problems.append(doc.problem("E-PACK-SECTION", f"rule {rule.code}: deduct.from {rule.deduct.get('from')!r} is not a section ({', '.join(section_keys)})", (*rule.path, "deduct", "from"), "compile"))
        if rule.score is not None:
            method = rule.score.get("method")
            if method not in methods:
                problems.append(doc.problem("E-PACK-METHOD", f"rule {rule.code}: unknown score method {method!r}; the pack's methods are: {', '.join(sorted(methods))}", (*rule.path, "score", "method"), "compile"))
                continue
            unknown = set(rule.score.get("params") or {}) - set(methods[method].params)
            for pname in sorted(unknown):
                problems.append(doc.problem("E-PACK-PARAM", f"rule {rule.code}: method {method!r} has no parameter {pname!r} (it has: {', '.join(sorted(methods[method].params)) or 'none'})", (*rule.path, "score", "params", pname), "compile"))
            for pname, pvalue in {**methods[method].params, **(rule.score.get("params") or {})}.items():
                if isinstance(pvalue, str) and not _is_number_text(pvalue) and pvalue not in params:
                    problems.append(doc.problem("E-PACK-PARAM", f"rule {rule.code}: unknown parameter {pvalue!r}; the pack's params are: {', '.join(sorted(params))}", (*rule.path, "score", "params", pname), "compile"))
    if problems:
        raise JixiaoError(problems)

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
        applies_to=settings.get("pack", {}).get("applies_to") or {},
        sections=sections,
        total=D(settings.get("total", sum((s.weight for s in sections), Decimal(0)))),
        grades=grades,
        places=int(rounding.get("places", 2)),
        params=params,
        methods=methods,
        vocabulary=settings.get("vocabulary") or {},
        rules=ordered,
        sha256=digest,
        chain=tuple(r.id for r in chain),
        directory=top.directory,
    )
    pack._by_code.update({r.code: r for r in ordered})
    return pack


# --------------------------------------------------------------------------- read (edge)


def _read_raw(directory: Path) -> _RawPack:
    pack_file = directory / PACK_FILE
    if not pack_file.is_file():
        raise JixiaoError.single("E-PACK", f"no {PACK_FILE} in {directory}", stage="load", file=str(directory))
    settings_doc = load_file(pack_file)
    problems = schema_problems(settings_doc, "rulepack.schema.json")
    if not isinstance(settings_doc.data, dict) or "pack" not in settings_doc.data:
        problems.append(settings_doc.problem("E-SCHEMA", "pack.yaml must start with a `pack:` block (id, title, version)", ()))
    rule_docs = []
    hasher = hashlib.sha256()
    hasher.update(settings_doc.text.encode("utf-8"))
    for path in sorted(directory.glob("*.yaml")):
        if path.name == PACK_FILE or path.name.startswith("_"):
            continue
        doc = load_file(path)
        problems.extend(schema_problems(doc, "rulepack.schema.json"))
        if isinstance(doc.data, dict) and set(doc.data) - {"rules"}:
            extra = sorted(set(doc.data) - {"rules"})
            problems.append(doc.problem("E-SCHEMA", f"a rule file holds only `rules:`; move {', '.join(extra)} to pack.yaml", (extra[0],)))
        rule_docs.append(doc)
        hasher.update(path.name.encode("utf-8") + b"\0" + doc.text.encode("utf-8"))
    if problems:
        raise JixiaoError(problems)
    return _RawPack(
        id=settings_doc.data["pack"]["id"],
        directory=str(directory),
        settings=settings_doc.data,
        settings_doc=settings_doc,
        rule_docs=rule_docs,
        digest=hasher.hexdigest(),
    )


def read_pack(directory: str | Path) -> Pack:
    """Read a pack folder (and the packs it extends) and compile it."""
    chain: list[_RawPack] = []
    seen: set[str] = set()
    current = Path(directory)
    while True:
        if not current.is_dir():
            raise JixiaoError.single("E-PACK", "no such rule pack folder", stage="load", file=str(current))
        raw = _read_raw(current)
        if raw.id in seen:
            raise JixiaoError.single("E-PACK-EXTENDS", f"extends forms a cycle through {raw.id!r}", stage="load", file=str(current / PACK_FILE))
        seen.add(raw.id)
        chain.insert(0, raw)
        parent = raw.settings["pack"].get("extends")
        if not parent:
            break
        places = [current.parent, RULES_DIR]
        found = [p / parent for p in places if (p / parent / PACK_FILE).is_file()]
        if not found:
            line, col = raw.settings_doc.locate(("pack", "extends"))
            known = sorted({p.name for d in places if d.is_dir() for p in d.iterdir() if (p / PACK_FILE).is_file()})
            raise JixiaoError.single(
                "E-PACK-EXTENDS", f"extends {parent!r}, but no pack folder of that name is beside this pack or in rules/",
                stage="load", file=raw.settings_doc.path, line=line, col=col, field="pack.extends",
                hint=f"known packs: {', '.join(known)}",
            )
        current = found[0]
    return compile_pack(chain)
