"""Lint a rule pack, and the checks every command compiles a pack through.

`jixiao rules lint PACK` prints every problem as `file:line:col: code: message (field: path)`,
with a "did you mean" hint where a name looks misspelt. There is one compiler: reading and
compiling are `engine.rulepack.inspect_pack`, and the error-level checks below
(`compile_problems`) are run by `jixiao score`, `batch`, `rules test` and `rules diff` too
(`checked_pack`, through `engine.api.load_pack`): a pack with any error never scores.

Errors (the pack is refused everywhere):

    E-LINT-FIELD        a condition names a field that facts of the rule's kind do not have
    E-LINT-TYPE         an operator applied to the wrong type: such a leaf never holds
    E-LINT-VALUE        a field compared with a value it never takes (direction: positve)
    E-LINT-WEIGHTS      section weights that do not add up to the total
    E-LINT-GRADES       grade bands with gaps or overlaps, or not covering 0 to the total
    E-LINT-RESCALE      a section weighted differently from the form without `scale_rows`, so its
                        rows keep the form's weights and the total can exceed the pack's
    E-LINT-PLACEHOLDER  a message or fix template using a {placeholder} the rule does not provide
    E-LINT-METHOD       a score method whose formula uses a number the rule's facts do not have

Warnings (`rules lint` only; the pairwise analysis is what costs time on a large pack):

    E-LINT-NEVER        a rule whose condition can never hold
    E-LINT-SHADOW       a score rule that never scores because an earlier one always holds with
                        it, or two score rules of one priority that can hold for the same fact
    E-LINT-UNIT         a percent field compared with a fraction (`rate >= 0.95` for 95 %)
    E-LINT-MODELINE     a pack file without the editor's `# yaml-language-server: $schema=` line
    E-LINT-VOCAB        a rule tests a field computed from a vocabulary list the pack leaves empty
                        (the check could never find anything: no survey words, no bounded rates)

Compile problems keep their own codes (E-SCHEMA, E-PACK-*, E-COND-*, E-EXPR-*). Every code, with
its title, cause and fix, is in `engine/problemcodes.py`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .decimals import fmt
from .errors import Problem, parse_path, tr
from .facts import FACT_FIELDS, FIELD_UNITS, FIELD_VALUES, MESSAGE_PLACEHOLDERS, NUM, SCORE_PLACEHOLDERS
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

# Lint-only findings: worth a look, but the pack still scores correctly (or, for the pairwise
# analysis, too costly to run at every score). Every other problem refuses the pack.
WARNINGS = ("E-LINT-NEVER", "E-LINT-SHADOW", "E-LINT-MODELINE", "E-LINT-UNIT", "E-LINT-VOCAB")


def is_warning(problem: Problem) -> bool:
    return problem.code in WARNINGS


def _did_you_mean(guess) -> str:
    return tr(f"是不是 {guess!r}？", f"did you mean {guess!r}?")


@dataclass(frozen=True)
class LintReport:
    pack_dir: str
    problems: tuple[Problem, ...]

    @property
    def unreadable(self) -> bool:
        """The pack could not be read: no folder or pack.yaml, or a file that does not parse."""
        return any(p.code == "E-PACK" or p.code.startswith(UNREADABLE) for p in self.problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not is_warning(p))

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if is_warning(p))

    @property
    def exit_code(self) -> int:
        return 2 if self.unreadable else (1 if self.problems else 0)


def _ordered(problems: list[Problem]) -> tuple[Problem, ...]:
    unique = {(p.file, p.line, p.col, p.code, p.message): p for p in problems}
    return tuple(sorted(unique.values(), key=lambda p: (p.file or "", p.line or 0, p.col or 0, p.code, p.message)))


def lint_pack(directory: str | Path) -> LintReport:
    """Every problem of the pack in `directory`, errors and warnings, sorted by file and line."""
    chain, pack, problems = inspect_pack(directory)
    if chain:
        problems += modeline_problems(chain[-1])
    if pack is not None:
        problems += semantic_problems(pack, chain, problems)
    return LintReport(str(directory), _ordered(problems))


def checked_pack(directory: str | Path) -> tuple[Pack | None, tuple[Problem, ...]]:
    """The compiler every command uses: read and compile the pack, then run the error-level
    checks (linear in the pack's size). The pack is usable only when no problem is returned."""
    _chain, pack, problems = checked_chain(directory)
    return pack, problems


def checked_chain(directory: str | Path) -> tuple[list[PackSource], Pack | None, tuple[Problem, ...]]:
    """`checked_pack`, with the pack sources it was compiled from (what the pack cache records)."""
    chain, pack, problems = inspect_pack(directory)
    if pack is not None:
        problems += compile_problems(pack, chain, problems)
    return chain, pack, _ordered(problems)


# --------------------------------------------------------------------------- editor schema line


def modeline_problems(source: PackSource) -> list[Problem]:
    """Each of the pack's own files should name the pack schema, so editors check as you type."""
    schema = SCHEMA_DIR / "rulepack.schema.json"
    out = []
    for doc in source.rule_docs:
        folder = Path(doc.path).resolve().parent
        wanted = os.path.relpath(schema, folder).replace(os.sep, "/")
        hint = tr(f"在第一行写上 `# yaml-language-server: $schema={wanted}`",
                  f"put `# yaml-language-server: $schema={wanted}` on the first line")
        found = next((m for line in doc.text.splitlines()[:5] if (m := MODELINE.match(line.strip()))), None)
        if found is None:
            out.append(Problem("E-LINT-MODELINE", tr("没有 `# yaml-language-server: $schema=` 一行：编辑器无法边写边检查这个文件",
                                                     "no `# yaml-language-server: $schema=` line: editors cannot check "
                                                     "this file as you type"), STAGE, doc.path, 1, 1, hint=hint))
            continue
        target = found.group(1)
        is_url = target.startswith(("http://", "https://"))
        if not target.endswith(schema.name) or not is_url and not (folder / target).is_file():
            out.append(Problem("E-LINT-MODELINE", tr(f"$schema 一行指向 {target}，它不是 {schema.name} 文件",
                                                     f"the $schema line points at {target}, which is not a "
                                                     f"{schema.name} file"), STAGE, doc.path, 1, 1, hint=hint))
    return out


# --------------------------------------------------------------------------- semantics


class _Lint:
    def __init__(self, pack: Pack, chain: list[PackSource], known: list[Problem]) -> None:
        self.pack = pack
        self.chain = chain
        self.docs = {d.path: d for raw in chain for d in raw.rule_docs}
        self.out: list[Problem] = []
        self._spaces: dict[str, Space] = {}
        # Rules the compiler already complained about are not analysed further.
        self.broken = {(p.file, parse_path(p.field or "")[:2]) for p in known}

    def add(self, doc: Document, code: str, message: str, path: tuple, hint: str | None = None) -> None:
        self.out.append(doc.problem(code, message, path, STAGE, hint))

    def rule_problem(self, rule: Rule, code: str, message: str, path: tuple, hint: str | None = None) -> None:
        file, where = rule.where(*path)
        self.add(self.docs[file], code, tr(f"规则 {rule.code}：", f"rule {rule.code}: ") + message, where, hint)

    def settings_place(self, *keys: str) -> tuple[Document, tuple]:
        """Where to point for a problem between settings `keys`: the last pack.yaml in the chain
        that sets any of them, at the first of them it sets."""
        raw = next(raw for raw in reversed(self.chain) if any(k in raw.settings for k in keys))
        return raw.settings_doc, (next(k for k in keys if k in raw.settings),)

    def space(self, kind: str) -> Space:
        if kind not in self._spaces:
            values = {name: frozenset(v) for name, v in FIELD_VALUES.items()}
            values[PACK_VALUES[0]] = frozenset(s.key for s in self.pack.sections)
            values[PACK_VALUES[1]] = frozenset((self.pack.vocabulary.get("qualitative_bands") or {}).keys())
            values["kind"] = frozenset({kind})
            fields = FACT_FIELDS.get(kind, {})
            self._spaces[kind] = Space(types=fields, values={k: v for k, v in values.items() if k in fields})
        return self._spaces[kind]

    def usable_rules(self) -> list[Rule]:
        out = []
        for rule in self.pack.rules:
            amend_entry = (rule.amend_file, ("amend_rules", rule.code))
            if (rule.file, rule.path) in self.broken or amend_entry in self.broken or rule.applies_to not in FACT_FIELDS:
                continue
            out.append(rule)
        return out


def _compile_checks(lint: _Lint) -> list[Rule]:
    """The error-level checks, each linear in the pack's size; the rules fit for reasoning."""
    _weights(lint)
    _grades(lint)
    _rescale(lint)
    sound = []
    for rule in lint.usable_rules():
        _placeholders(lint, rule)
        _method(lint, rule)
        if _condition_terms(lint, rule):
            sound.append(rule)
    return sound


def compile_problems(pack: Pack, chain: list[PackSource], known: list[Problem]) -> list[Problem]:
    """What makes a pack unsafe to score: run by every command that compiles a pack."""
    lint = _Lint(pack, chain, known)
    _compile_checks(lint)
    return lint.out


def semantic_problems(pack: Pack, chain: list[PackSource], known: list[Problem]) -> list[Problem]:
    """The error-level checks plus lint's warnings (the analysis of what rules can match)."""
    lint = _Lint(pack, chain, known)
    sound = _compile_checks(lint)
    for rule in sound:
        _units(lint, rule)
    for rule in lint.usable_rules():
        _vocabulary(lint, rule)
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
        lint.add(doc, "E-LINT-WEIGHTS",
                 tr(f"各部分分值之和为 {fmt(total)}（{parts}），不等于总分 {fmt(pack.total)}",
                    f"section weights add up to {fmt(total)} ({parts}), not the total {fmt(pack.total)}"),
                 path, tr("修改某一部分的分值或 `total`，使两者相等",
                          "change a section's weight, or `total`, so that they agree"))


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
            lint.add(doc, "E-LINT-GRADES", tr(f"等级 {name(g)}：min 不小于 max，没有任何总分落在这一档",
                                              f"grade {name(g)}: min is not below max, so no total gets it"),
                     ("grades", index[id(g)]))
    if bands[0].min > 0:
        lint.add(doc, "E-LINT-GRADES", tr(f"总分 0 到 {fmt(bands[0].min)} 没有等级：最低一档 {name(bands[0])} 不从 0 开始",
                                          f"totals from 0 to {fmt(bands[0].min)} get no grade: the lowest band "
                                          f"{name(bands[0])} starts above 0"), ("grades", index[id(bands[0])]))
    for lower, upper in zip(bands, bands[1:]):
        if lower.max < upper.min:
            lint.add(doc, "E-LINT-GRADES", tr(f"总分 {fmt(lower.max)} 到 {fmt(upper.min)} 没有等级：{name(lower)} 结束处，"
                                              f"{name(upper)} 还没有开始",
                                              f"totals from {fmt(lower.max)} to {fmt(upper.min)} get no grade: "
                                              f"{name(lower)} ends where {name(upper)} does not yet start"),
                     ("grades", index[id(upper)]))
        elif lower.max > upper.min:
            lint.add(doc, "E-LINT-GRADES", tr(f"等级 {name(lower)} 与 {name(upper)} 在 {fmt(upper.min)} 到 "
                                              f"{fmt(min(lower.max, upper.max))} 之间重叠",
                                              f"grades {name(lower)} and {name(upper)} overlap from {fmt(upper.min)} "
                                              f"to {fmt(min(lower.max, upper.max))}"), ("grades", index[id(upper)]),
                     tr("各档按 min ≤ 总分 < max 读；让每一档的 max 等于上一档的 min",
                        "bands read min ≤ total < max; make each band's max the next band's min"))
    top = bands[-1]
    if top.max != pack.total:
        doc, path = lint.settings_place("grades", "total")
        if top.max < pack.total:
            where = tr(f"低于总分 {fmt(pack.total)}：总分 {fmt(top.max)} 到 {fmt(pack.total)} 没有等级",
                       f"ends below the total {fmt(pack.total)}: totals from {fmt(top.max)} to {fmt(pack.total)} "
                       "get no grade")
        else:
            where = tr(f"高于总分 {fmt(pack.total)}", f"ends above the total {fmt(pack.total)}")
        lint.add(doc, "E-LINT-GRADES", tr(f"最高一档 {name(top)} 的上限{where}", f"the top band {name(top)} {where}"),
                 ("grades", index[id(top)]) if path == ("grades",) else path,
                 tr("最高一档的 max 就是规则包的总分（含 max 本身）",
                    "the top band's max is the pack's total (it includes its max)"))


def form_weight(pack: Pack, root_sections, section) -> Decimal | None:
    """The weight the form gives the rows of `section`: the root pack's sections (which mirror the
    national form) whose level-1 names it shares. None when it shares none (a form of its own)."""
    names = set(section.level1)
    matching = [s for s in root_sections if names & set(s.level1)]
    return sum((s.weight for s in matching), Decimal(0)) if matching else None


def _rescale(lint: _Lint) -> None:
    """A section weighted differently from the form must rescale the form's rows (`scale_rows`):
    otherwise its rows keep the form's weights and the total can exceed the pack's."""
    if len(lint.chain) < 2:
        return
    root = lint.chain[0].settings.get("sections") or []
    root_sections = [type("S", (), {"level1": tuple(s.get("level1") or ()), "weight": Decimal(str(s.get("weight", 0)))})
                     for s in root if isinstance(s, dict)]
    own = next((raw.settings.get("sections") for raw in reversed(lint.chain) if raw.settings.get("sections")), [])
    declared = {s.get("key") for s in own if isinstance(s, dict) and "scale_rows" in s}
    for i, section in enumerate(lint.pack.sections):
        # `scale_rows: false` written out says the form's rows carry this section's own weights (a
        # form of its own, e.g. a criteria scoresheet): nothing to rescale.
        if section.scale_rows or not section.level1 or section.key in declared:
            continue
        form = form_weight(lint.pack, root_sections, section)
        if form is None or form == section.weight:
            continue
        doc, _path = lint.settings_place("sections")
        lint.add(doc, "E-LINT-RESCALE",
                 tr(f"部分“{section.key}”的分值 {fmt(section.weight)} 与表上的 {fmt(form)} 分（{lint.chain[0].id}）不同，"
                    f"却没有 `scale_rows: true`：表上各行仍按 {fmt(form)} 分计，总分可能超过 {fmt(lint.pack.total)}",
                    f"section {section.key!r} is worth {fmt(section.weight)}, the form gives its rows {fmt(form)} "
                    f"({lint.chain[0].id}), and it has no `scale_rows: true`: rows keep the form's weights and the "
                    f"total can exceed {fmt(lint.pack.total)}"),
                 ("sections", i, "weight"),
                 tr("在这一部分加上 `scale_rows: true`（各行分值与自评分按同一比例折算），或改回表上的分值",
                    "add `scale_rows: true` to the section (rows and self scores are rescaled alike), or keep the "
                    "form's weight"))


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
                kind = tr("计分" if rule.score else "审核", "score" if rule.score else "check")
                lint.rule_problem(
                    rule, "E-LINT-PLACEHOLDER",
                    tr(f"{key} 用了 {{{used}}}，{rule.applies_to} 事实上的{kind}规则没有这个值；它会原样显示",
                       f"{key} uses {{{used}}}, which {kind} rules on {rule.applies_to} facts do not provide; it would "
                       "be shown as written"),
                    (key,), tr(f"是不是 {{{guess}}}？", f"did you mean {{{guess}}}?") if guess
                    else tr("可用：", "available: ") + ", ".join(f"{{{p}}}" for p in sorted(allowed)))


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
            tr(f"计分方法 {method.name!r}（{method.formula.source}）用到 {', '.join(missing)}，{rule.applies_to} "
               "事实没有这些数：计分会失败",
               f"method {method.name!r} ({method.formula.source}) uses {', '.join(missing)}, which "
               f"{rule.applies_to} facts do not have: scoring would fail"), ("score", "method"),
            tr(f"{rule.applies_to} 事实有：", f"{rule.applies_to} facts have: ")
            + ", ".join(sorted(numbers | {"weight"})))


def _vocabulary(lint: _Lint, rule: Rule) -> None:
    """A field computed from a vocabulary list (facts_checks.FIELD_VOCABULARY) that is empty."""
    for leaf, path in _leaves(rule.when, ("when",)):
        key = FIELD_VOCABULARY.get(leaf.get("field"))
        if key is not None and not lint.pack.vocabulary.get(key):
            lint.rule_problem(
                rule, "E-LINT-VOCAB",
                tr(f"字段 {leaf['field']!r} 由词表 vocabulary.{key} 得出，本规则包没有列出其中的词：这条检查永远不会发现问题",
                   f"field {leaf['field']!r} is computed from vocabulary.{key}, which this pack leaves empty: "
                   "the check can never find anything"), (*path, "field"),
                tr(f"在 pack.yaml 的 vocabulary: {key}: 下列出词语", f"list the words under vocabulary: {key}: in pack.yaml"))


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
            lint.rule_problem(rule, "E-LINT-FIELD", tr(f"{rule.applies_to} 事实没有字段 {n!r}",
                                                       f"{rule.applies_to} facts have no field {n!r}"), (*path, key),
                              _did_you_mean(guess) if guess else tr(f"{rule.applies_to} 事实的字段：",
                                                                    f"{rule.applies_to} facts have: ")
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
            lint.rule_problem(rule, "E-LINT-TYPE", tr(f"`{shown}` 比较数的大小，但 {bad!r} 是 {fields[bad]} 字段：永远不成立",
                                                      f"`{shown}` orders numbers, but {bad!r} is a {fields[bad]} field: "
                                                      "it never holds"), (*path, "op"))
        elif kind != other_kind:
            lint.rule_problem(rule, "E-LINT-TYPE", tr(f"`{shown}` 把 {kind} 字段 {name!r} 与 {other_kind} 字段 "
                                                      f"{leaf['other']!r} 比较：永远不成立",
                                                      f"`{shown}` compares the {kind} field {name!r} with the "
                                                      f"{other_kind} field {leaf['other']!r}: it never holds"),
                              (*path, "other"))
        return
    if ordering and kind != NUM:
        lint.rule_problem(rule, "E-LINT-TYPE", tr(f"`{shown}` 比较数的大小，但 {name!r} 是 {kind} 字段：永远不成立",
                                                  f"`{shown}` orders numbers, but {name!r} is a {kind} field: it never "
                                                  "holds"), (*path, "op"))
        return
    values = leaf["value"] if op == "in" else [leaf["value"]]
    for i, value in enumerate(values):
        where = (*path, "value", i) if op == "in" else (*path, "value")
        if leaf_type(value) != kind:
            lint.rule_problem(rule, "E-LINT-TYPE", tr(f"`{shown}`：{name!r} 是 {kind} 字段，{_literal(value)} 却是 "
                                                      f"{leaf_type(value)}：不同类型的值不能比较，永远不成立",
                                                      f"`{shown}`: {name!r} is a {kind} field, but {_literal(value)} "
                                                      f"is a {leaf_type(value)}: values of different types never "
                                                      "compare, so this never holds"), where)
        elif name in space.values and value not in space.values[name]:
            domain = sorted(space.values[name])
            guess = closest(value, domain)
            scope = tr(f"（规则包 {lint.pack.id}）", f" under pack {lint.pack.id}") if name in PACK_VALUES else ""
            lint.rule_problem(rule, "E-LINT-VALUE", tr(f"{name} 永远不会是 {_literal(value)}{scope}；它的取值有：",
                                                       f"{name} is never {_literal(value)}{scope}; its values are: ")
                              + ", ".join(domain), where, _did_you_mean(guess) if guess else None)


def _literal(value) -> str:
    return repr(value) if isinstance(value, str) else value_text(value)


def _units(lint: _Lint, rule: Rule) -> None:
    """A percent field (95 % is 95) compared with a number that looks like a fraction (0.95)."""
    units = FIELD_UNITS.get(rule.applies_to, {})
    for leaf, path in _leaves(rule.when, ("when",)):
        if units.get(leaf.get("field")) != "percent" or leaf.get("op") not in ("<", "<=", ">", ">=", "==", "!="):
            continue
        value = leaf.get("value")
        if isinstance(value, Decimal) and 0 < abs(value) <= 1 and value != value.to_integral_value():
            where = (*path, "value")
            source = _source_leaf(rule, path)
            shown = fmt(value)
            if isinstance(source, dict) and isinstance(source.get("value"), dict) and "param" in source["value"]:
                shown += tr(f"（参数 {source['value']['param']}）", f" (parameter {source['value']['param']})")
            lint.rule_problem(rule, "E-LINT-UNIT",
                              tr(f"{leaf['field']} 以百分数计（95% 记为 95），却与 {shown} 比较：看起来是小数写法，"
                                 "条件几乎不会成立",
                                 f"{leaf['field']} is a percentage (95 % is 95) but is compared with {shown}, which "
                                 "looks like a fraction: the condition would almost never hold"),
                              where, tr(f"写成 {fmt(value * 100)}", f"write {fmt(value * 100)}"))


def _source_leaf(rule: Rule, path: tuple):
    node = rule.source_when
    for key in path[1:]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _never(lint: _Lint, rule: Rule) -> bool:
    reason = never_reason(rule.when, lint.space(rule.applies_to))
    if reason is None:
        return False
    lint.rule_problem(rule, "E-LINT-NEVER", tr(f"条件永远不会成立：{reason}", f"the condition can never hold: {reason}"),
                      ("when",))
    return True


def _shadows(lint: _Lint, rules: list[Rule]) -> None:
    order = {r.code: i for i, r in enumerate(lint.pack.rules)}
    scoring = sorted((r for r in rules if r.score is not None), key=lambda r: (r.priority, order[r.code]))
    for i, later in enumerate(scoring):
        space = lint.space(later.applies_to)
        earlier = [r for r in scoring[:i] if r.applies_to == later.applies_to]
        winner = next((r for r in earlier if implies(later.when, r.when, space)), None)
        if winner is not None:
            lint.rule_problem(later, "E-LINT-SHADOW",
                              tr(f"永远不会计分：它成立时，{winner.code}（优先级 {winner.priority}）也成立，且先被选用",
                                 f"never scores: whenever it holds, {winner.code} (priority {winner.priority}) holds "
                                 "too and is chosen first"), ("priority",),
                              tr(f"把它的优先级数字改得比 {winner.code} 小，或收窄 {winner.code} 的条件",
                                 f"give it a lower priority number than {winner.code}, or narrow {winner.code}'s "
                                 "condition"))
            continue
        tie = next((r for r in earlier if r.priority == later.priority and overlaps(r.when, later.when, space)), None)
        if tie is not None:
            lint.rule_problem(later, "E-LINT-SHADOW",
                              tr(f"与 {tie.code} 优先级相同（{later.priority}），两者可能对同一事实成立：那时选用 "
                                 f"{tie.code} 只因为它写在前面",
                                 f"has the same priority ({later.priority}) as {tie.code}, and both can hold for one "
                                 f"fact: then {tie.code} is chosen only because it comes first"), ("priority",),
                              tr("给两条规则不同的优先级，或让它们的条件互斥",
                                 "give the two rules different priorities, or make their conditions exclusive"))
