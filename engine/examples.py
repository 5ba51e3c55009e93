"""Rule examples: each rule carries `examples` (a case fragment and what it should give).

An example is run by building a one-row case from `given`, scoring it with the whole pack, and
comparing what this rule did with `expect`:
* `score: "4.84"`   - this rule scored the fragment, giving these points;
* `not_applied: true` - this rule did not score it (its condition failed or a rule of higher
  priority won);
* `finding: true|false` - a check rule reported (or did not report) a finding;
* `deduction: "2.00"` - a check rule with `deduct` took these points ("0": none);
* `verdict: met|unmet|partial` - this rule judged the fragment without points (outcome judged).
Used by the pack's own tests and by `jixiao rules test`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .case import build_case
from .decimals import D, fmt
from .errors import tr
from .rulepack import Pack, Rule
from .score import score_case

INDICATOR_KEYS = ("name", "target", "actual", "weight", "score", "reason", "criteria", "unit", "completion",
                  "nature")


@dataclass(frozen=True)
class ExampleOutcome:
    rule: str
    index: int
    passed: bool
    expected: str
    got: str


ROW_KINDS = ("indicator", "scored_row")
BUDGET_KEYS = ("initial", "full_year", "executed", "weight", "rate", "self_score")
_PART_KEYS = {"self_evaluation", "target_table", "report"}  # a budget example naming these is a case fragment


def _deep_merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def minimal_case_data() -> dict:
    """The smallest case a fragment is merged over: one unit, 2022, no indicator rows."""
    return {
        "unit": "示例单位",
        "year": 2022,
        "form": "department",
        "self_evaluation": {"budget": {"full_year": 1, "executed": 1}, "indicators": []},
    }


def case_from_fragment(given: dict, name: str):
    """A case from a fragment of a case file, merged over the minimal case (pack test files)."""
    return build_case(_deep_merge(minimal_case_data(), given), name, "0" * 64)


def fragment_case(pack: Pack, rule: Rule, given: dict):
    """A minimal case around one example fragment. For rules on rows (`indicator`,
    `scored_row`) `given` is one row (plus optional level1/level2); for `budget` it is the
    budget block, or a piece of a case file (when it names a part: its funding rows, a report);
    for other kinds it is a piece of a case file, merged over a minimal case."""
    given = dict(given)
    data = minimal_case_data()
    if rule.applies_to == "budget" and not _PART_KEYS & set(given):
        data["self_evaluation"]["budget"] = {k: given[k] for k in BUDGET_KEYS if k in given}
    elif rule.applies_to in ROW_KINDS:
        section = next((s for s in pack.sections if s.level1), None)
        level1 = given.pop("level1", section.level1[0] if section else "产出指标")
        level2 = given.pop("level2", "数量指标")
        row = {"name": "示例指标", "target": "", "actual": "", "weight": None, "score": None, "reason": ""}
        row.update({k: given[k] for k in INDICATOR_KEYS if k in given})
        data["self_evaluation"]["indicators"] = [{"level1": level1, "groups": [{"level2": level2, "rows": [row]}]}]
    else:
        data = _deep_merge(data, given)
    return build_case(data, f"<example {rule.code}>", "0" * 64)


def weights_as_written(pack: Pack) -> Pack:
    """The pack with every row weight used as written. An example's `weight` is the weight the
    rule works with; a section's `scale_rows` (fitting a whole form's row weights to the
    section's weight) would turn a one-row fragment's 5 into the whole section's weight."""
    if not any(s.scale_rows for s in pack.sections):
        return pack
    return replace(pack, sections=tuple(replace(s, scale_rows=False) for s in pack.sections))


def run_example(pack: Pack, rule: Rule, index: int, matcher) -> ExampleOutcome:
    example = rule.examples[index]
    expect = example["expect"]
    case = fragment_case(pack, rule, example["given"])
    result = score_case(case, weights_as_written(pack), matcher)
    kind_entries = [e for e in result.ledger if (e.row is None) == (rule.applies_to == "budget")]
    entry = kind_entries[0] if kind_entries else None
    applied = entry is not None and entry.rule == rule.code
    got = (tr(f"{entry.rule} 计 {fmt(entry.points)} 分", f"{entry.rule} gave {fmt(entry.points)}") if entry
           else tr("没有计分", "nothing scored"))
    if "score" in expect:
        want = D(expect["score"])
        passed = applied and entry.points == want
        return ExampleOutcome(rule.code, index, passed, tr(f"{rule.code} 计 {expect['score']} 分", f"{rule.code} gives {expect['score']}"), got)
    if "verdict" in expect:  # a row judged without points (outcome judged): met / unmet / partial
        want = expect["verdict"]
        passed = applied and entry.outcome == "judged" and entry.verdict == want
        got = (tr(f"{entry.rule} 判为 {entry.verdict or entry.outcome}", f"{entry.rule} judged {entry.verdict or entry.outcome}")
               if entry else got)
        return ExampleOutcome(rule.code, index, passed, tr(f"{rule.code} 判为 {want}", f"{rule.code} judges {want}"), got)
    if expect.get("not_applied"):
        return ExampleOutcome(rule.code, index, not applied, tr(f"{rule.code} 不适用", f"{rule.code} not applied"), got)
    if "deduction" in expect:
        want = D(expect["deduction"])
        took = sum((e.deduction for e in result.ledger if e.kind == "deduction" and e.rule == rule.code), D(0))
        return ExampleOutcome(rule.code, index, took == want, tr(f"{rule.code} 扣 {fmt(want)} 分", f"{rule.code} deducts {fmt(want)}"),
                              tr(f"{rule.code} 扣了 {fmt(took)} 分", f"{rule.code} deducted {fmt(took)}"))
    if "finding" in expect:
        found = any(f.rule == rule.code for f in result.findings)
        return ExampleOutcome(rule.code, index, found == bool(expect["finding"]),
                              tr("报告问题" if expect["finding"] else "不报告问题",
                                 f"finding {'reported' if expect['finding'] else 'not reported'}"),
                              tr("报告问题" if found else "没有报告问题", "finding reported" if found else "no finding"))
    return ExampleOutcome(rule.code, index, False, str(expect), tr("不支持的预期", "unsupported expectation"))


def run_all(pack: Pack, matcher, inherited: bool = False) -> list[ExampleOutcome]:
    """Run the examples of the pack's own rules (and of inherited ones when asked: a child pack
    that changes policy may legitimately break its parent's examples)."""
    return [
        run_example(pack, rule, i, matcher)
        for rule in pack.rules
        if inherited or rule.pack_id == pack.id
        for i in range(len(rule.examples))
    ]


__all__ = ["ExampleOutcome", "run_example", "run_all", "fragment_case", "case_from_fragment", "minimal_case_data"]
