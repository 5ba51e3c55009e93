"""A stored result read back: the JSON `jixiao score --format json` wrote (the shape of
`schemas/result.schema.json`, `Result.to_dict`) as the `Result` the reporters render, so a letter
is rendered from what was scored, not by scoring again (the web workbench's letters).

What the JSON does not carry is named by the caller: the pack's `self_scoring_rules` (its
`letter:` settings, read from the pack whose content hash the result names). An action's
findings are not in the JSON either; no report reads them. Decimals come back from their
strings as written (quantized to the pack's places), which is what the reports print.
"""

from __future__ import annotations

from decimal import Decimal

from .actions import Action
from .result import Finding, LedgerEntry, NotCheckable, Result, ReviewEntry, SectionScore, Skipped
from .yoy import YearOverYear


def _d(text) -> Decimal | None:
    return None if text is None else Decimal(text)


def _ledger(e: dict) -> LedgerEntry:
    # a row judged without points has none (null): 0 in sums, "—" when shown
    def points(key: str) -> Decimal:
        return Decimal(0) if e[key] is None else Decimal(e[key])

    return LedgerEntry(
        section=e["section"], row=e["row"], item=e["item"], rule=e["rule"], rule_title=e["rule_title"],
        method=e["method"], weight=points("weight"), points=points("points"), deduction=points("deduction"),
        self_score=_d(e["self_score"]), inputs=tuple(e["inputs"].items()), formula=e["formula"],
        explanation=e["explanation"], citation=e["citation"], kind=e["kind"], outcome=e["outcome"],
        verdict=e.get("verdict", ""), ratio=_d(e.get("ratio")))


def _finding(f: dict) -> Finding:
    return Finding(rule=f["rule"], severity=f["severity"], title=f["title"], message=f["message"], subject=f["subject"],
                   row=f["row"], numbers=tuple(f["numbers"].items()), citation=f["citation"], fix=f.get("fix"),
                   passed=f["passed"])


def _action(a: dict) -> Action:
    return Action(title=a["title"], severity=a["severity"], rules=tuple(a["rules"]), rows=tuple(a["rows"]),
                  subjects=tuple(a["subjects"]), fixes=tuple(a["fixes"]), points=Decimal(a["points"]), findings=())


def _previous(p: dict) -> YearOverYear:
    return YearOverYear(year=p["year"], total=Decimal(p["total"]), grade=p["grade"], self_total=_d(p["self_total"]),
                        change=Decimal(p["change"]), recurring=tuple(p["recurring"]), resolved=tuple(p["resolved"]),
                        source=p["source"])


def result_from_dict(data: dict, self_scoring_rules: tuple[str, ...] = ()) -> Result:
    """The Result a stored result JSON was written from. KeyError/TypeError/ValueError (decimal
    included) on data that is not such a result."""
    total = Decimal(data["total"]["score"])
    case, pack, own = data["case"], data["pack"], data["self_assessed"]
    return Result(
        engine_version=data["engine"]["version"], matcher=data["engine"]["matcher"],
        case_file=case["file"], case_sha256=case["sha256"], unit=case["unit"], year=case["year"], form=case["form"],
        project=case.get("project", ""), supervisor=case.get("supervisor", ""),
        implementer=case.get("implementer", ""), project_category=case.get("project_category", ""),
        pack_id=pack["id"], pack_title=pack["title"], pack_version=pack["version"], pack_sha256=pack["sha256"],
        pack_chain=tuple(pack["chain"]),
        places=max(0, -total.as_tuple().exponent),
        sections=tuple(SectionScore(key=s["key"], title=s["title"], weight=Decimal(s["weight"]),
                                    score=Decimal(s["score"]), self_score=_d(s["self_score"]))
                       for s in data["sections"]),
        total=total, max_total=Decimal(data["total"]["max"]), grade=data["total"]["grade"],
        self_total=_d(own["total"]), self_grade=own["grade"], self_items_sum=_d(own["items_sum"]),
        self_total_source=own.get("source", ""),
        scored_max=_d(data["total"].get("scored_max")), grade_withheld=bool(data["total"].get("grade_withheld")),
        grade_withheld_reason=data["total"].get("grade_withheld_reason", ""),
        ledger=tuple(_ledger(e) for e in data["ledger"]),
        findings=tuple(_finding(f) for f in data["findings"]),
        actions=tuple(_action(a) for a in data.get("actions", ())),
        self_scoring_rules=tuple(self_scoring_rules),
        previous=_previous(data["previous"]) if "previous" in data else None,
        review_items=tuple(ReviewEntry(source=r["source"], subject=r["subject"], reason=r["reason"], row=r["row"],
                                       field=r["field"], value=r["value"]) for r in data["review_items"]),
        not_checkable=tuple(NotCheckable(part=n["part"], title=n["title"], checks=tuple(n["checks"]))
                            for n in data["not_checkable"]),
        skipped_rows=tuple(Skipped(row=s["row"], name=s["name"], reason=s["reason"]) for s in data["skipped_rows"]),
    )
