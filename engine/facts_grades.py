"""Grades a report gives its scored items (`item_grade` facts): "过程 | 55.00 | 49.04 | 优" rates a
level-1 block by its share of its points. The band is the pack's grade bands applied to the share
(score / weight × the pack's total): a block worth 55 scored 49.04 is 89.16 of 100, 良 under the
national bands. What counts as a defect is the pack's (JX-A65)."""

from __future__ import annotations

from typing import Callable

from .case import Case
from .decimals import D, fmt, round_half_up
from .facts import Fact

HUNDRED = D(100)


def item_grade_facts(case: Case, ids: Callable[[], int], pack) -> list[Fact]:
    """One fact per report score item (`report.score_items`, `report.criteria_scores`) that states
    a grade, a weight above 0 and a score. `grade_matches`: the stated grade is the band of the
    item's share; left out when the pack has no bands (nothing to compare with)."""
    report = case.data.get("report") or {}
    out: list[Fact] = []
    if not pack.grades:
        return out
    for item in [*(report.get("score_items") or []), *(report.get("criteria_scores") or [])]:
        grade = str(item.get("grade") or "").strip()
        if not grade or item.get("score") is None or not item.get("weight"):
            continue
        score, weight = D(item["score"]), D(item["weight"])
        share = score / weight * HUNDRED
        band = pack.grade_for(score / weight * D(pack.total))
        if not band:
            continue
        fid = ids()
        name = str(item.get("name", "")).strip()
        out.append(Fact(kind="item_grade", id=fid, section="", item=name,
                        fields={"kind": "item_grade", "id": fid, "share": share, "grade_matches": grade == band},
                        describe={"name": name, "score": fmt(score), "weight": fmt(weight),
                                  "share": f"{fmt(round_half_up(share, 2))}%", "grade": grade, "band": band}))
    return out
