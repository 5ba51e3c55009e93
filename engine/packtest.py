"""`jixiao rules test PACK`: a pack's tests, run and reported one by one.

Two sources of tests, both tested as the pack will be used, inherited ones included:
* every rule's `examples` (see `engine.examples`), those of the rules the pack takes from its
  parents too: a change of policy that breaks an inherited example fails until the child pack
  gives the rule examples of its own (`amend_rules: {CODE: {examples: [...]}}`);
* the test files `tests/*.yaml` of the pack and of its parents (schema:
  schemas/packtest.schema.json); a child's file replaces the parent's file of the same name.
  Each test names a case file or gives a case fragment, and says what scoring it under the pack
  gives: total, grade, section scores, a row's score and rule, findings present or absent,
  deductions.
`own=True` (`jixiao rules test --own`) limits both to the pack's own rules and files.

Every test is a list of checks, each with what was expected and what came out, so a failure
shows the difference. Reading test files is I/O: this is an edge module like `engine.api`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .api import load_case
from .decimals import D, fmt
from .errors import JixiaoError, tr
from .examples import case_from_fragment, run_example
from .load import Document, load_file
from .result import Result
from .rulepack import Pack
from .score import score_case
from .validate import validate

TEST_SCHEMA = "packtest.schema.json"
TEST_DIR = "tests"


@dataclass(frozen=True)
class Check:
    what: str
    expected: str
    got: str

    @property
    def passed(self) -> bool:
        return self.expected == self.got


@dataclass(frozen=True)
class TestOutcome:
    id: str
    kind: str  # "example" | "test"
    file: str
    line: int | None
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "file": self.file, "line": self.line, "passed": self.passed,
                "checks": [{"what": c.what, "expected": c.expected, "got": c.got, "passed": c.passed}
                           for c in self.checks]}


def _in_scope(pack: Pack, own: bool):
    return [r for r in pack.rules if not own or r.pack_id == pack.id]


def example_outcomes(pack: Pack, matcher, own: bool = False) -> list[TestOutcome]:
    out = []
    docs: dict[str, Document] = {}
    for rule in _in_scope(pack, own):
        for i in range(len(rule.examples)):
            result = run_example(pack, rule, i, matcher)
            file, path = rule.where("examples", i)
            doc = docs.get(file) or docs.setdefault(file, load_file(file))
            line, _col = doc.locate(path)
            # An example's "expected" and "got" are phrased differently; equal when it passed.
            got = result.expected if result.passed else result.got
            out.append(TestOutcome(f"{rule.code} 例 {i + 1}", "example", file, line,
                                   (Check(f"规则 {rule.code} 的例子", result.expected, got),)))
    return out


def test_files(pack: Pack, own: bool = False) -> list[Path]:
    """The test files to run: the pack's, and unless `own` its parents' (root first); a child's
    file replaces the parent's file of the same name."""
    folders = [pack.directory] if own or not pack.directories else list(pack.directories)
    chosen: dict[str, Path] = {}
    for folder in folders:
        for path in sorted((Path(folder) / TEST_DIR).glob("*.yaml")):
            chosen.pop(path.name, None)
            chosen[path.name] = path
    return list(chosen.values())


@dataclass(frozen=True)
class Coverage:
    rules: int  # rules in scope
    without_examples: tuple[str, ...]  # their codes

    def line(self) -> str:
        from .errors import tr

        done = self.rules - len(self.without_examples)
        text = tr(f"覆盖：{self.rules} 条规则中 {done} 条有例子", f"coverage: {done} of {self.rules} rules have examples")
        if self.without_examples:
            text += tr("；没有例子的：", "; without: ") + ", ".join(self.without_examples)
        return text


def coverage(pack: Pack, own: bool = False) -> Coverage:
    scope = _in_scope(pack, own)
    return Coverage(len(scope), tuple(r.code for r in scope if not r.examples))


def _points(value) -> str:
    return fmt(D(value))


def _row_checks(result: Result, want: dict) -> list[Check]:
    if "row" in want:
        label = f"第 {want['row']} 行"
        entries = [e for e in result.ledger if e.kind == "score" and e.row == want["row"]]
    else:
        label = f"“{want['name']}”"
        entries = [e for e in result.ledger if e.kind == "score" and e.item.strip() == want["name"]]
    checks = []
    for key, what in (("rule", "的计分规则"), ("score", "的得分"), ("outcome", "的结果"), ("weight", "的分值"),
                      ("verdict", "的判断（没有分值的行）")):
        if key not in want:
            continue
        expected = _points(want[key]) if key in ("score", "weight") else want[key]
        if not entries:
            got = "没有这一行"
        elif len(entries) > 1:
            got = "有 {} 行同名（第 {} 行），请写行号".format(len(entries), "、".join(str(e.row) for e in entries))
        else:
            got = fmt(getattr(entries[0], "points" if key == "score" else key)) if key in ("score", "weight") \
                else getattr(entries[0], key)
        checks.append(Check(label + what, expected, got))
    return checks


def expectation_checks(result: Result, expect: dict) -> list[Check]:
    """What scoring gave, against each expectation of a test."""
    checks = []
    if "total" in expect:
        checks.append(Check("总分", _points(expect["total"]), fmt(result.total)))
    if "grade" in expect:
        checks.append(Check("等级", expect["grade"], result.grade))
    if "status" in expect:
        checks.append(Check("结果状态", expect["status"], result.status))
    if "skipped" in expect:
        checks.append(Check("跳过的行", "、".join(map(str, expect["skipped"])) or "无",
                            "、".join(str(r.row) for r in result.skipped_rows) or "无"))
    if "not_checkable" in expect:
        checks.append(Check("无法核对的部分", "、".join(sorted(expect["not_checkable"])) or "无",
                            "、".join(sorted(n.part for n in result.not_checkable)) or "无"))
    sections = {s.key: s.score for s in result.sections}
    for key, value in (expect.get("sections") or {}).items():
        checks.append(Check(f"“{key}”得分", _points(value), fmt(sections[key]) if key in sections else "没有这个部分"))
    for want in expect.get("rows") or []:
        checks.extend(_row_checks(result, want))
    reported = {f.rule for f in result.findings}
    findings = expect.get("findings") or {}
    for code in findings.get("present") or []:
        checks.append(Check(f"{code} 报告问题", "报告", "报告" if code in reported else "未报告"))
    for code in findings.get("absent") or []:
        checks.append(Check(f"{code} 不报告问题", "未报告", "报告" if code in reported else "未报告"))
    for want in expect.get("deductions") or []:
        took = sum((e.deduction for e in result.ledger if e.kind == "deduction" and e.rule == want["rule"]), Decimal(0))
        checks.append(Check(f"{want['rule']} 扣分", _points(want["points"]), fmt(took)))
    return checks


def file_outcomes(pack: Pack, matcher, path: Path) -> list[TestOutcome]:
    doc = load_file(path)
    validate(doc, TEST_SCHEMA)
    out = []
    for i, test in enumerate(doc.data["tests"]):
        line, _col = doc.locate(("tests", i))
        if "case" in test:
            case_path = path.parent / test["case"]
            try:
                case = load_case(case_path)
            except JixiaoError as exc:
                raise JixiaoError([doc.problem("E-TEST-CASE", tr(f"测试“{test['name']}”：读不了案卷文件 {test['case']}",
                                                                 f"test {test['name']!r}: the case file {test['case']} "
                                                                 "cannot be read"), ("tests", i, "case")), *exc.problems]) from None
        else:
            case = case_from_fragment(test["given"], f"<test {test['name']}>")
        result = score_case(case, pack, matcher)
        out.append(TestOutcome(test["name"], "test", str(path), line, tuple(expectation_checks(result, test["expect"]))))
    return out


def run_pack_tests(pack: Pack, matcher, own: bool = False) -> list[TestOutcome]:
    """Every example of the pack's rules, then every test of its test files (inherited ones
    included unless `own`)."""
    outcomes = example_outcomes(pack, matcher, own)
    for path in test_files(pack, own):
        outcomes.extend(file_outcomes(pack, matcher, path))
    return outcomes
