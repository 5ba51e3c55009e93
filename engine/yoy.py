"""Year over year: this year's result beside last year's for the same unit (and project).

Pure: compares a Result with the plain data of an earlier result (its JSON, as `jixiao score
--format json` or `jixiao batch` wrote it); reading the folder of earlier results is
`engine/previous.py`'s. A problem "recurs" when an action of this year's 整改清单 has the title of
one of last year's (results written before actions existed: last year's open warnings and errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class YearOverYear:
    year: int  # the earlier result's fiscal year
    total: Decimal  # its rule total
    grade: str
    self_total: Decimal | None
    change: Decimal  # this year's rule total minus the earlier one
    recurring: tuple[str, ...]  # this year's action titles that were problems then too
    resolved: tuple[str, ...]  # the earlier problems not among this year's
    source: str  # the earlier result's file, as given

    def to_dict(self, places: int) -> dict:
        q = Decimal(1).scaleb(-places)
        return {
            "year": self.year, "total": str(self.total.quantize(q)), "grade": self.grade,
            "self_total": None if self.self_total is None else str(self.self_total),
            "change": str(self.change.quantize(q)), "recurring": list(self.recurring),
            "resolved": list(self.resolved), "source": self.source,
        }


def earlier_problems(data: dict) -> tuple[str, ...]:
    """The problem titles of an earlier result: its actions, or its open warnings and errors."""
    if "actions" in data:
        return tuple(dict.fromkeys(a["title"] for a in data["actions"]))
    return tuple(dict.fromkeys(f["title"] for f in data.get("findings", ())
                               if not f.get("passed") and f.get("severity") in ("error", "warning")))


def compare(titles: tuple[str, ...], total: Decimal, earlier: dict, source: str) -> YearOverYear:
    """This year's action titles and rule total against an earlier result's data."""
    before = earlier_problems(earlier)
    then = Decimal(earlier["total"]["score"])
    stated = earlier.get("self_assessed", {}).get("total")
    return YearOverYear(
        year=int(earlier["case"]["year"]), total=then, grade=earlier["total"]["grade"],
        self_total=None if stated is None else Decimal(stated), change=total - then,
        recurring=tuple(t for t in titles if t in before), resolved=tuple(t for t in before if t not in titles),
        source=source,
    )
