"""`jixiao rules test PACK`: a pack's tests, run and reported one by one.

Two sources of tests:
* every rule's `examples` (see `engine.examples`): the pack's own rules, and with `inherited`
  also the rules it takes from its parents (a pack that changes policy may break those on
  purpose);
* the pack's test files, `<pack>/tests/*.yaml` (schema: schemas/packtest.schema.json). Each test
  names a case file or gives a case fragment, and says what scoring it under the pack gives:
  total, grade, section scores, a row's score and rule, findings present or absent, deductions.

Every test is a list of checks, each with what was expected and what came out, so a failure
shows the difference. Reading test files is I/O: this is an edge module like `engine.api`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .api import load_case
from .decimals import D, fmt
from .errors import JixiaoError
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


def example_outcomes(pack: Pack, matcher, inherited: bool = False) -> list[TestOutcome]:
    out = []
    docs: dict[str, Document] = {}
    for rule in pack.rules:
        if not inherited and rule.pack_id != pack.id:
            continue
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


def test_files(pack: Pack) -> list[Path]:
    return sorted((Path(pack.directory) / TEST_DIR).glob("*.yaml"))


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
    for key, what in (("rule", "的计分规则"), ("score", "的得分"), ("outcome", "的结果"), ("weight", "的分值")):
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
                raise JixiaoError([doc.problem("E-TEST-CASE", f"test {test['name']!r}: the case file {test['case']} "
                                               "cannot be read", ("tests", i, "case")), *exc.problems]) from None
        else:
            case = case_from_fragment(test["given"], f"<test {test['name']}>")
        result = score_case(case, pack, matcher)
        out.append(TestOutcome(test["name"], "test", str(path), line, tuple(expectation_checks(result, test["expect"]))))
    return out


def run_pack_tests(pack: Pack, matcher, inherited: bool = False) -> list[TestOutcome]:
    """Every example of the pack's rules, then every test of its test files."""
    outcomes = example_outcomes(pack, matcher, inherited)
    for path in test_files(pack):
        outcomes.extend(file_outcomes(pack, matcher, path))
    return outcomes
