"""The result object: what scoring produces and every reporter renders.

Plain frozen dataclasses. `to_dict` gives the JSON shape of `schemas/result.schema.json`
(decimals as strings, keys in a fixed order, no timestamps), so the same inputs always give
byte-identical output.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .decimals import fmt

SEVERITIES = ("error", "warning", "info")  # most serious first
# The verdicts of a row judged without points (outcome "judged"), in words.
VERDICT_TITLES = {"met": "达成", "partial": "部分达成", "unmet": "未达成"}
NO_POINTS = "—"  # the points and weight of a row judged without points: none, not 0
#: Rows of no section of the pack (their block matches none): judged without points, or 待复核
UNPLACED_TITLE = "未归入任何部分的指标"


def _s(value: Decimal | None, places: int | None = None) -> str | None:
    if value is None:
        return None
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    # Plain digits, never exponent notation (str() gives "1E-8" and "9E+1", which the schema's
    # decimal pattern refuses).
    return format(value, "f")


@dataclass(frozen=True)
class LedgerEntry:
    """One scored item or deduction, with everything needed to check it by hand."""

    section: str
    row: int | None  # indicator row number in the self-evaluation table; None for the budget
    item: str
    rule: str
    rule_title: str
    method: str
    weight: Decimal
    points: Decimal  # what this entry contributes to the section (negative for a deduction)
    deduction: Decimal  # weight - points for scored items; the points taken for deductions
    self_score: Decimal | None
    inputs: tuple[tuple[str, str], ...]  # (name, value as shown), in a fixed order
    formula: str  # the formula with the numbers in it, e.g. "5 × 92/95 = 4.84"
    explanation: str  # the rule's Chinese message, rendered
    citation: str
    kind: str = "score"  # "score" | "deduction" | "cap" (points above a section's weight taken off)
    # "scored" | "review" (待复核: could not be scored for sure, kept out of the total) | "judged" (a
    # row the form gives no points: met / unmet / partial by the same comparison, no points at all;
    # weight, points and deduction are 0 in sums and "—" / null when shown)
    outcome: str = "scored"
    verdict: str = ""  # judged rows: met | unmet | partial
    ratio: Decimal | None = None  # judged rows: actual / target where the values are numbers

    @property
    def judged(self) -> bool:
        return self.outcome == "judged"

    @property
    def difference(self) -> Decimal | None:
        """The department's score for this item minus the rule's (自评 − 规则); None for a row
        under review or judged without points (there is no rule score to compare with)."""
        return None if self.self_score is None or self.outcome != "scored" else self.self_score - self.points

    @property
    def self_deduction(self) -> Decimal | None:
        """What the department took off its own item (分值 − 自评得分); None without a self score
        or without points (a judged row: no points, nothing taken off)."""
        return None if self.self_score is None or self.kind != "score" or self.judged else self.weight - self.self_score

    @property
    def verdict_text(self) -> str:
        """A judged row's verdict in words, with its completion ratio ("未达成（完成比例 96.84%）")."""
        if not self.judged:
            return ""
        text = VERDICT_TITLES.get(self.verdict, self.verdict)
        if self.ratio is not None:
            share = (self.ratio * 100).quantize(Decimal("0.01"))
            label = "实际为指标值的" if self.formula.startswith("实际值为") else "完成比例"
            text += f"（{label} {fmt(share)}%）"
        return text

    @property
    def points_text(self) -> str:
        """The points as every report shows them: "—" for a row judged without points."""
        return NO_POINTS if self.judged else fmt(self.points)

    def to_dict(self, places: int) -> dict:
        judged = self.judged
        out = {
            "section": self.section,
            "row": self.row,
            "item": self.item,
            "kind": self.kind,
            "rule": self.rule,
            "rule_title": self.rule_title,
            "method": self.method,
            "weight": None if judged else _s(self.weight, places),
            "points": None if judged else _s(self.points, places),
            "deduction": None if judged else _s(self.deduction, places),
            "self_score": _s(self.self_score),
            "inputs": {k: v for k, v in self.inputs},
            "formula": self.formula,
            "explanation": self.explanation,
            "citation": self.citation,
            "outcome": self.outcome,
        }
        if judged:
            out["verdict"] = self.verdict
            out["ratio"] = _s(self.ratio)
        return out


@dataclass(frozen=True)
class ReviewEntry:
    """Something a person must check before the result is final (待复核)."""

    source: str  # case (the case's review: list) | row (a row that could not be read) | year | part
    subject: str  # the row name, the field, or what is missing
    reason: str  # why, in Chinese
    row: int | None = None
    field: str = ""
    value: str = ""

    def to_dict(self) -> dict:
        return {"source": self.source, "subject": self.subject, "row": self.row, "field": self.field,
                "value": self.value, "reason": self.reason}


@dataclass(frozen=True)
class NotCheckable:
    """A part the filing lacks, and the pack's checks that therefore could not run."""

    part: str  # target_table | budget | indicators | total | report
    title: str  # the part in Chinese
    checks: tuple[str, ...]  # rule codes it disables

    def to_dict(self) -> dict:
        return {"part": self.part, "title": self.title, "checks": list(self.checks)}


@dataclass(frozen=True)
class Skipped:
    """A blank or placeholder row, not scored."""

    row: int
    name: str
    reason: str

    def to_dict(self) -> dict:
        return {"row": self.row, "name": self.name, "reason": self.reason}


@dataclass(frozen=True)
class Finding:
    """A check's verdict on the case (reconciliation, consistency, audit signal)."""

    rule: str
    severity: str  # error | warning | info
    title: str
    message: str
    subject: str  # what it is about: a row, a statement, the budget block
    row: int | None
    numbers: tuple[tuple[str, str], ...]
    citation: str
    fix: str | None = None
    passed: bool = False  # a check reported as passed (e.g. shares reconcile)

    def to_dict(self) -> dict:
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "passed": self.passed,
            "title": self.title,
            "subject": self.subject,
            "row": self.row,
            "numbers": {k: v for k, v in self.numbers},
            "message": self.message,
            "citation": self.citation,
        }
        if self.fix:
            out["fix"] = self.fix
        return out


@dataclass(frozen=True)
class SectionScore:
    key: str
    title: str
    weight: Decimal
    score: Decimal  # sum of the ledger's points in this section
    self_score: Decimal | None  # sum of the department's own scores in this section

    @property
    def difference(self) -> Decimal | None:
        """自评 − 规则 for the section."""
        return None if self.self_score is None else self.self_score - self.score


@dataclass(frozen=True)
class Result:
    engine_version: str
    matcher: str
    case_file: str
    case_sha256: str
    unit: str
    year: int
    form: str
    pack_id: str
    pack_title: str
    pack_version: str
    pack_sha256: str
    pack_chain: tuple[str, ...]
    places: int
    sections: tuple[SectionScore, ...]
    total: Decimal
    max_total: Decimal
    grade: str
    self_total: Decimal | None  # the stated 总分
    self_grade: str | None
    self_items_sum: Decimal | None  # the sum of the department's item scores
    ledger: tuple[LedgerEntry, ...]
    findings: tuple[Finding, ...] = ()
    actions: tuple = ()  # engine.actions.Action: the 整改清单, most important first
    self_scoring_rules: tuple[str, ...] = ()  # checks about the department's own scores (pack `letter:`)
    previous: object = None  # engine.yoy.YearOverYear: last year's result beside this one (--previous)
    review_items: tuple[ReviewEntry, ...] = ()
    not_checkable: tuple[NotCheckable, ...] = ()
    skipped_rows: tuple[Skipped, ...] = ()
    project: str = ""  # 项目名称 (project forms)
    supervisor: str = ""  # 主管部门
    implementer: str = ""  # 实施单位, when it differs from the unit
    project_category: str = ""  # 项目类别
    self_total_source: str = ""  # "report": self_total is the total the report states (no 总分 row)
    scored_max: Decimal | None = None  # the points the rules could score (rows and budget not in review)
    grade_withheld: bool = False  # too few points scorable (pack `grade_min_scored_share`), or an unknown share: grade provisional
    grade_withheld_reason: str = ""  # why, in Chinese

    @property
    def status(self) -> str:
        """final, or provisional while items remain to review (待复核)."""
        return "provisional" if self.review_items else "final"

    @property
    def status_text(self) -> str:
        """The status in words, for the first line of every report."""
        withheld = "，等级暂不评定" if self.grade_withheld and not self.nothing_scored else ""
        judged = f"，{len(self.judged_rows)} 行没有分值、只判断完成情况" if self.judged_rows else ""
        if self.status == "final":
            return "结果：正式（无待复核项" + judged + withheld + "）"
        return f"结果：暂定（{len(self.review_items)} 项待复核{judged}{withheld}）"

    @property
    def grade_text(self) -> str:
        """The grade as a one-cell summary shows it: "未评分" when nothing could be scored,
        "暂不定级" while the grade is withheld, else the grade."""
        return "未评分" if self.nothing_scored else "暂不定级" if self.grade_withheld else self.grade

    @property
    def review_rows(self) -> tuple[LedgerEntry, ...]:
        return tuple(e for e in self.ledger if e.outcome == "review")

    @property
    def judged_rows(self) -> tuple[LedgerEntry, ...]:
        """Rows judged met / unmet / partial without points (the form gives them none)."""
        return tuple(e for e in self.ledger if e.outcome == "judged")

    @property
    def verdict_counts(self) -> dict[str, int]:
        """Judged rows per verdict: {"met": n, "partial": n, "unmet": n}."""
        return {v: sum(1 for e in self.judged_rows if e.verdict == v) for v in VERDICT_TITLES}

    @property
    def outcome_counts(self) -> dict[str, int]:
        """Indicator rows per outcome: {"scored": n, "judged": n, "review": n}."""
        rows = [e for e in self.ledger if e.kind == "score" and e.row is not None]
        return {o: sum(1 for e in rows if e.outcome == o) for o in ("scored", "judged", "review")}

    @property
    def nothing_scored(self) -> bool:
        """No budget row and no indicator row could be scored with points (a narrative report, a
        form with every row to review or judged without points): the total and grade mean nothing
        yet and are not shown as a verdict."""
        return not any(e.kind == "score" and e.outcome == "scored" for e in self.ledger)

    @property
    def review_points(self) -> Decimal:
        """The points of the rows waiting for review, kept out of the total until checked."""
        return sum((e.weight for e in self.review_rows), Decimal(0))

    @property
    def difference(self) -> Decimal | None:
        """The stated self total minus the rule total (自评 − 规则; positive: the department
        scored itself higher than the rules give)."""
        if self.self_total is None or self.nothing_scored:  # no rule total to compare with
            return None
        return self.self_total - self.total

    @property
    def unplaced(self) -> tuple[LedgerEntry, ...]:
        """Row entries of no section (a block the pack cannot place): a row the form gives no
        points judged as any, or a row with points 待复核. Reports list them apart."""
        keys = {s.key for s in self.sections}
        return tuple(e for e in self.ledger if e.row is not None and e.section not in keys)

    @property
    def deductions(self) -> tuple[LedgerEntry, ...]:
        """Every entry where points were lost, by the rules or by the department's own score, in
        ledger order: what a report must explain one by one."""
        return tuple(e for e in self.ledger if e.outcome != "review" and (e.deduction > 0 or (e.self_deduction or 0) > 0))

    @property
    def rule_deduction_total(self) -> Decimal:
        """Every point the rules took off (scored items and deductions): 规则扣分."""
        return sum((e.deduction for e in self.ledger), Decimal(0))

    @property
    def self_deduction_total(self) -> Decimal | None:
        """Every point the department took off its own items (分值 − 自评得分 summed); None when it
        scored no item."""
        own = [e.self_deduction for e in self.ledger if e.self_deduction is not None]
        return sum(own, Decimal(0)) if own else None

    @property
    def rule_deducted(self) -> tuple[LedgerEntry, ...]:
        """Entries the rules took points from, in ledger order."""
        return tuple(e for e in self.ledger if e.deduction > 0)

    @property
    def self_differs(self) -> tuple[LedgerEntry, ...]:
        """Scored entries where the department's own score differs from the rule's, in ledger order:
        what it took off beyond the rules, or gave itself beyond them."""
        return tuple(e for e in self.ledger if e.kind == "score" and e.difference)

    @property
    def top_deduction(self) -> LedgerEntry | None:
        """The entry the rules took the most points from (the first one on a tie); None if none."""
        lost = [e for e in self.ledger if e.deduction > 0 and e.kind != "cap"]
        return max(lost, key=lambda e: e.deduction) if lost else None

    @property
    def findings_by_severity(self) -> tuple[tuple[str, tuple[Finding, ...]], ...]:
        """Open (not passed) findings grouped by severity, most serious first; every severity is
        listed, possibly with no findings. Passed checks are in `passed_checks`."""
        return tuple(
            (sev, tuple(f for f in self.findings if f.severity == sev and not f.passed)) for sev in SEVERITIES
        )

    @property
    def finding_counts(self) -> dict[str, int]:
        """Open findings per severity: {"error": n, "warning": n, "info": n}."""
        return {sev: len(found) for sev, found in self.findings_by_severity}

    @property
    def passed_checks(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.passed)

    def to_dict(self) -> dict:
        p = self.places
        return self.shaped([e.to_dict(p) for e in self.ledger], [f.to_dict() for f in self.findings])

    def shaped(self, ledger: list, findings: list) -> dict:
        """`to_dict` with the ledger and findings lists given: the JSON reporter writes the
        entries of those two (most of a result) as text itself (`engine/report/json.py`)."""
        p = self.places
        return {
            "format": "jixiao-result/1",
            "engine": {"name": "jixiao", "version": self.engine_version, "matcher": self.matcher},
            "case": {
                "file": self.case_file,
                "sha256": self.case_sha256,
                "unit": self.unit,
                "year": self.year,
                "form": self.form,
                **{key: value for key, value in (("project", self.project), ("supervisor", self.supervisor),
                                                 ("implementer", self.implementer),
                                                 ("project_category", self.project_category)) if value},
            },
            "pack": {
                "id": self.pack_id,
                "title": self.pack_title,
                "version": self.pack_version,
                "sha256": self.pack_sha256,
                "chain": list(self.pack_chain),
            },
            "status": self.status,
            "total": {"score": _s(self.total, p), "max": _s(self.max_total, p), "grade": self.grade,
                      **({"nothing_scored": True} if self.nothing_scored else {}),
                      **({"grade_withheld": True, "scored_max": _s(self.scored_max, p),
                          "grade_withheld_reason": self.grade_withheld_reason}
                         if self.grade_withheld and not self.nothing_scored else {}),
                      **({"judged_rows": len(self.judged_rows), "verdicts": self.verdict_counts}
                         if self.judged_rows else {})},
            "self_assessed": {
                "total": _s(self.self_total),
                **({"source": "report"} if self.self_total_source == "report" else {}),
                "grade": self.self_grade,
                "items_sum": _s(self.self_items_sum, p),
            },
            "difference": _s(self.difference, p),
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "weight": _s(s.weight, p),
                    "score": _s(s.score, p),
                    "self_score": _s(s.self_score, p),
                }
                for s in self.sections
            ],
            "ledger": ledger,
            "findings": findings,
            "review_items": [r.to_dict() for r in self.review_items],
            "not_checkable": [n.to_dict() for n in self.not_checkable],
            "skipped_rows": [r.to_dict() for r in self.skipped_rows],
            "actions": [a.to_dict(p) for a in self.actions],
            **({"previous": self.previous.to_dict(p)} if self.previous is not None else {}),
        }
