"""HTML reporter: the department report as one self-contained file.

Inline CSS, an inline SVG bar chart (score against maximum per section), no scripts and no
external assets; a Content-Security-Policy forbids loading any. Laid out to print on A4. The
template autoescapes (Jinja2 + markupsafe): every piece of case text is shown as text.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from markupsafe import Markup, escape

from ..decimals import fmt
from ..result import Result
from .common import Explained, RowFindings, TableRow, context, environment

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


# Text blocks: how a very long table prints (the PDF letter of a case with thousands of rows).
# Chromium lays out and paints every table cell as its own box (~0.1 ms each, and one table
# of 10,000 rows held ~4 GB while printing): the 10,456-row case's letter, ~190,000 cells,
# did not print within 120 s. Past `plain_after` rows a table is printed as monospace lines,
# its columns padded to the widest cell, in blocks of BLOCK_LINES lines each headed by the
# column names: every row and every cell is still there, at the cost of a few boxes a block.
BLOCK_LINES = 50
COLUMN_MAX = 40  # display columns a padded column grows to at most; a longer cell overflows its line
GAP = "  "


def _display_width(text: str) -> int:
    """Columns of a monospace CJK font: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    room = " " * max(0, width - _display_width(text))
    return room + text if right else text + room


def _flat(text: str) -> str:
    """One line: a line break in a cell would break the line's columns."""
    return " ".join(text.split()) if ("\n" in text or "\r" in text or "\t" in text) else text


def _blocks(head: str | None, lines: Sequence[tuple[str, str]]) -> list[Markup]:
    """The <pre> contents: the column names (if any), then up to BLOCK_LINES lines (a styled
    line is a span of that class)."""
    out = []
    for start in range(0, len(lines), BLOCK_LINES):
        body = "\n".join(str(escape(line)) if not style else f'<span class="{style}">{escape(line)}</span>'
                         for line, style in lines[start:start + BLOCK_LINES])
        out.append(Markup(body if head is None else f"<b>{escape(head)}</b>\n{body}"))
    return out


def text_blocks(columns: Sequence[str], rows: Sequence[TableRow | Sequence[str]], numeric=frozenset(),
                plain_after: int | None = None) -> list[Markup] | None:
    """Layout only: the table as blocks of padded monospace lines when it has more than
    `plain_after` rows, else None (it prints as a table)."""
    if plain_after is None or len(rows) <= plain_after:
        return None
    cells = [(tuple(map(_flat, r.cells)), r.style) if isinstance(r, TableRow) else (tuple(map(_flat, r)), "")
             for r in rows]
    widths = [min(COLUMN_MAX, max([_display_width(name)] + [_display_width(c[i]) for c, _ in cells]))
              for i, name in enumerate(columns)]
    right = [name in numeric for name in columns]

    def line(values: Sequence[str]) -> str:
        return GAP.join(_pad(v, w, r) for v, w, r in zip(values, widths, right)).rstrip()

    return _blocks(line(columns), [(line(c), style) for c, style in cells])


def finding_blocks(groups: Sequence[RowFindings], plain_after: int | None = None) -> list[Markup] | None:
    """Layout only: the findings by row as blocks of lines when there are more than
    `plain_after` rows with findings, else None (they print as a list)."""
    if plain_after is None or len(groups) <= plain_after:
        return None
    lines = [(f"{_flat(g.where) if i == 0 else ''}{'：' if i == 0 else '　'}【{severity}】{_flat(heading)}：{_flat(message)}", "")
             for g in groups for i, (severity, heading, message) in enumerate(g.items)]
    return _blocks("涉及：【严重程度】问题：说明", lines)


def explanation_blocks(items: Sequence[Explained], plain_after: int | None = None) -> list[Markup] | None:
    """Layout only: the explanations of the points (得分说明) as blocks of lines when there are
    more than `plain_after` of them, else None (each prints as its own box): the numbered
    heading, then one line per label and text, as the boxes show them."""
    if plain_after is None or len(items) <= plain_after:
        return None
    lines = []
    for number, item in enumerate(items, 1):
        lines.append((f"{number}. {_flat(item.heading)}", "head"))
        lines.extend((f"　　{_flat(label)}：{_flat(text)}", "") for label, text in item.lines)
    return _blocks(None, lines)


@lru_cache(maxsize=1)
def _template():
    return environment(autoescape=True).get_template("report.html.j2")


def render(result: Result, date: datetime.date, plain_after: int | None = None) -> str:
    """The report; with `plain_after` (the PDF letter), a table or the findings by row longer
    than that many rows prints as text blocks (text_blocks)."""
    return _template().render(**context(result, date), chart=chart(result), plain_after=plain_after,
                              text_blocks=text_blocks, finding_blocks=finding_blocks,
                              explanation_blocks=explanation_blocks)
