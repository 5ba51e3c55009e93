"""Markdown reporter: the department report (说明函) as CommonMark with GFM tables.

Every value the template prints goes through `escape` (the environment's `finalize`), so case text
such as a unit named `<script>` or a cell holding `|` shows as written and cannot add markup.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

from ..result import Result
from .common import context, environment

# ASCII punctuation that can start markup anywhere in a line (emphasis, code, links and images,
# raw HTML, entities, table cells, strikethrough, a heading's closing #): escaped wherever it is.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
# Markup that only counts at the start of a line: a bullet ("- x", "+ x"), an ordered-list number
# ("1. x", "1) x"), a thematic break or setext underline ("---", "==="). Numbers such as "-6.26"
# or "4.84" start nothing and are left alone.
_LINE_START = re.compile(r"^(?:[-+](?=\s|$)|[-=]+$|\d{1,9}(?=[.)](?:\s|$)))")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")


def escape(text: object) -> str:
    """Make any text print literally in Markdown, in a paragraph, a heading or a table cell.

    Line breaks become spaces and surrounding whitespace is dropped (the result is one line, so it
    cannot end a table row or open a block); markup characters get a backslash; at the start of
    the line a list marker, thematic break or setext underline is escaped too.
    """
    line = _LINE_BREAKS.sub(" ", "" if text is None else str(text)).strip()
    line = _SPECIAL.sub(r"\\\1", line)
    match = _LINE_START.match(line)
    if match:
        at = match.end() if line[0].isdigit() else 0  # "1\. x" keeps its digits; "\- x"
        line = line[:at] + "\\" + line[at:]
    return line


@lru_cache(maxsize=1)
def _template():
    return environment(autoescape=False, finalize=escape).get_template("report.md.j2")


def render(result: Result, date: datetime.date) -> str:
    return _template().render(**context(result, date))
