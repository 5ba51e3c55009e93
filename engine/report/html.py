"""HTML reporter: the department report as one self-contained file.

Inline CSS, an inline SVG bar chart (score against maximum per section), no scripts and no
external assets; a Content-Security-Policy forbids loading any. Laid out to print on A4. The
template autoescapes (Jinja2 + markupsafe): every piece of case text is shown as text.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from ..decimals import fmt
from ..result import Result
from .common import context, environment

# Chart geometry, in SVG user units (1 unit = 1 CSS px at 100%).
CHART_WIDTH = 640
LABEL_WIDTH = 120
VALUE_WIDTH = 150
BAR_HEIGHT = 16
SELF_HEIGHT = 6
ROW_HEIGHT = 40
TOP = 28


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    track: Decimal  # width of the maximum
    score: Decimal  # width of the rule score
    self_score: Decimal | None  # width of the department's own score
    value: str  # "29.26 / 30"
    self_value: str  # "自评 23"
    lost: bool


def _width(part: Decimal | None, whole: Decimal, track: int) -> Decimal | None:
    """Layout only: a length proportional to part/whole on a track of `track` units, 0.1 units."""
    if part is None:
        return None
    if whole <= 0:
        return Decimal(0)
    share = min(max(part / whole, Decimal(0)), Decimal(1))
    return (share * track).quantize(Decimal("0.1"))


def chart(result: Result) -> dict:
    track = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for i, s in enumerate(result.sections):
        bars.append(Bar(
            label=s.title, y=TOP + i * ROW_HEIGHT, track=Decimal(track),
            score=_width(s.score, s.weight, track), self_score=_width(s.self_score, s.weight, track),
            value=f"{fmt(s.score)} / {fmt(s.weight)}", self_value="" if s.self_score is None else f"自评 {fmt(s.self_score)}",
            lost=s.score < s.weight,
        ))
    return {
        "width": CHART_WIDTH, "height": TOP + len(bars) * ROW_HEIGHT + 8, "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT, "self_height": SELF_HEIGHT, "bars": bars,
    }


@lru_cache(maxsize=1)
def _template():
    return environment(autoescape=True).get_template("report.html.j2")


def render(result: Result, date: datetime.date) -> str:
    return _template().render(**context(result, date), chart=chart(result))
