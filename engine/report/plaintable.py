"""The score table without rich, for output that is not a terminal (piped or redirected).

`jixiao score CASE` prints its report as rich tables (engine/report/table.py). Piped or
redirected, rich prints every table whole and without colour (`table.print_whole`); laying that
out is most of what a cold `jixiao score` spends beyond the json output (importing rich, measuring
every cell). This module writes the same bytes for that case without importing rich: the report
is first described as plain data (`TableSpec`, `Line`, `Styled`; one description, built once by
`table.describe`), which `table.to_rich` hands to rich and `render` here writes out directly.

`render` reproduces what rich writes for these tables (box.SIMPLE_HEAVY, padding (0, 1), title on
the left, not expanded, the console wide enough for every column's widest cell) and for the lines
(printed with soft_wrap). It returns None, so that the caller uses rich, whenever it cannot be
sure of writing the same bytes: a control character (a tab, a newline) in any text, a character
whose cell width it does not know for certain (`cell_width`), a str cell that rich would read as
markup or as an :emoji: code, a table wider than the console (rich would fold its cells), a title
wider than its table (rich would wrap it), or UNICODE_VERSION set (rich measures by another
table). `plain_stream` says whether rich's Console would treat a stream as "not a terminal" with
nothing in the environment that changes what it writes. tests/test_table_plain.py compares the
two renderers byte for byte on every corpus case and example and on generated cases.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple, Union


class Styled(NamedTuple):
    """Text shown exactly as it is (for rich: a `Text`, never read as markup), with its style on a
    terminal (piped, styles print nothing)."""

    text: str
    style: str = ""


# A table cell or title: a Styled, or a str that rich receives as a str (and reads markup and
# :emoji: codes in; the engine's own numbers and labels).
Cell = Union[str, Styled]


@dataclass(frozen=True)
class Column:
    """A column of a report table and how rich lays it out (None: rich's default)."""

    header: str
    justify: str = "left"
    no_wrap: bool | None = None
    overflow: str | None = None
    min_width: int | None = None
    ratio: int | None = None

    def rich_options(self) -> dict:
        """The keyword arguments of rich's `Table.add_column`, as given (defaults left out)."""
        options = {"justify": self.justify, "no_wrap": self.no_wrap, "overflow": self.overflow,
                   "min_width": self.min_width, "ratio": self.ratio}
        return {k: v for k, v in options.items() if v is not None and not (k == "justify" and v == "left")}


@dataclass
class TableSpec:
    """One table: box.SIMPLE_HEAVY, the title on the left, as wide as its content."""

    title: Cell
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)


@dataclass
class Line:
    """One line of text printed with soft wrap (for rich: a `Text` of `style` with the parts appended)."""

    parts: list[Styled]
    style: str = ""


Item = Union[TableSpec, Line]

# ───────────────────────────── cell widths ─────────────────────────────

# Characters whose width this module does not decide: controls, format characters (zero-width
# joiner, bidi marks, variation selectors), combining marks, unassigned and private-use code
# points, line and paragraph separators (rich's measure splits lines at them).
_UNSURE_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Mn", "Mc", "Me", "Zl", "Zp"})
# Blocks where rich's width table (a newer Unicode, with its own zero-width rules) and the East
# Asian Width of this Python's unicodedata disagree, or may after an upgrade of either: Hangul
# jamo and fillers (zero width in rich), the Yijing trigrams, monograms and hexagrams, the Tai
# Xuan Jing symbols and counting rods (wide in newer Unicode), and the emoji and pictograph
# planes (skin-tone modifiers are zero width in rich). tests/test_table_plain.py compares the
# rule with rich's on every code point.
_UNSURE_RANGES = (
    (0x1100, 0x11FF), (0x3164, 0x3164), (0xA960, 0xA97F), (0xD7B0, 0xD7FF), (0xFFA0, 0xFFA0),
    (0x2630, 0x2637), (0x268A, 0x268F), (0x4DC0, 0x4DFF), (0x1D300, 0x1D37F), (0x1F000, 0x1FBFF),
)
_widths: dict[str, int | None] = {}


def _char_width(char: str) -> int | None:
    code = ord(char)
    if 0x20 <= code < 0x7F:
        return 1
    if unicodedata.category(char) in _UNSURE_CATEGORIES:
        return None
    for low, high in _UNSURE_RANGES:
        if low <= code <= high:
            return None
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(char: str) -> int | None:
    """Cells one character takes as rich measures it, or None when not certain."""
    width = _widths.get(char, -1)
    if width == -1:
        width = _widths[char] = _char_width(char)
    return width


def cell_len(text: str) -> int | None:
    """Cells `text` takes as rich measures it (rich.cells.cell_len), or None when not certain."""
    if text.isascii():
        return len(text) if text.isprintable() else None
    total = 0
    for char in text:
        width = _widths.get(char, -1)
        if width == -1:
            width = _widths[char] = _char_width(char)
        if width is None:
            return None
        total += width
    return total


# ───────────────────────────── rendering ─────────────────────────────

# In a line: control characters (rich expands a tab) and lone surrogates (rich's write fails with
# a message of its own).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
HEAD_RULE = "━"  # box.SIMPLE_HEAVY's line under the header; every other edge and divider is a space


def _cell_text(cell: Cell) -> str | None:
    """The text rich shows for a cell, or None when a str would be read as markup or emoji codes."""
    if isinstance(cell, Styled):
        return cell.text
    if "[" in cell or ":" in cell:
        return None
    return cell


def _table(spec: TableSpec, max_width: int) -> str | None:
    columns = spec.columns
    grid = [[_cell_text(column.header) for column in columns]]
    grid += [[_cell_text(cell) for cell in row] for row in spec.rows]
    sizes = []
    for row in grid:
        row_sizes = []
        for text in row:
            size = None if text is None else cell_len(text)
            if size is None:
                return None
            row_sizes.append(size)
        sizes.append(row_sizes)
    widths = []  # each column's width with its padding of one cell either side
    for index, column in enumerate(columns):
        width = max(row_sizes[index] for row_sizes in sizes) + 2
        if column.min_width is not None:
            width = max(width, column.min_width + 2)
        widths.append(width)
    extra = 2 + len(columns) - 1  # the edges and the dividers
    if sum(widths) > max_width - extra:
        return None  # rich folds the widest cells
    table_width = sum(widths) + extra
    out = []
    title = _cell_text(spec.title) if spec.title is not None else ""
    if title is None:
        return None
    if title:
        size = cell_len(title)
        if size is None or size > table_width:
            return None  # rich wraps a title wider than its table
        out.append(title + " " * (table_width - size))
    blank = " " * table_width
    out.append(blank)
    rights = [column.justify == "right" for column in columns]
    if any(column.justify not in ("left", "right") for column in columns):
        return None
    for number, (row, row_sizes) in enumerate(zip(grid, sizes)):
        cells = []
        for text, size, width, right in zip(row, row_sizes, widths, rights):
            if right:  # rich strips the end of a right-justified cell, then pads on the left
                text = text.rstrip()
                size = cell_len(text)
                cells.append(" " * (width - 1 - size) + text + " ")
            else:
                cells.append(" " + text + " " * (width - 1 - size))
        out.append(" " + " ".join(cells) + " ")
        if number == 0:
            out.append(" " + HEAD_RULE * (table_width - 2) + " ")
    out.append(blank)
    out.append("")
    return "\n".join(out)


def _line(line: Line) -> str | None:
    text = "".join(part.text for part in line.parts)
    if _CONTROL.search(text):
        return None
    return text + "\n"


def render(items: list[Item], max_width: int) -> list[str] | None:
    """The text rich prints for `items` on a console that is not a terminal (tables whole, up to
    `max_width` cells; lines with soft wrap), one string per item; None when it cannot be sure
    of writing rich's bytes (see the module's docstring)."""
    if "UNICODE_VERSION" in os.environ:
        return None
    out = []
    for item in items:
        text = _line(item) if isinstance(item, Line) else _table(item, max_width)
        if text is None:
            return None
        out.append(text)
    return out


# Environment variables that change what rich's Console writes or whether it takes a stream for
# a terminal (FORCE_COLOR, TTY_COMPATIBLE), or how it measures (UNICODE_VERSION), or that put it
# in Jupyter's mode. NO_COLOR, COLUMNS and TTY_INTERACTIVE change nothing piped (tested).
_RICH_ENVIRONMENT = ("FORCE_COLOR", "TTY_COMPATIBLE", "UNICODE_VERSION", "JUPYTER_COLUMNS", "JUPYTER_LINES")


def plain_stream(stream) -> bool:
    """Whether rich's `Console()` would write to `stream` as to a file (no terminal, no colour)
    and this module can write the same: not a terminal, UTF-8, not Windows, none of
    _RICH_ENVIRONMENT set."""
    if sys.platform == "win32" or any(name in os.environ for name in _RICH_ENVIRONMENT):
        return False
    if getattr(sys.stdin, "__module__", "").startswith("idlelib"):
        return False
    if not (getattr(stream, "encoding", None) or "utf-8").lower().startswith("utf"):
        return False  # rich draws ASCII boxes
    isatty = getattr(stream, "isatty", None)
    if isatty is None:
        return False
    try:
        return not isatty()
    except ValueError:  # closed
        return False


def write(chunks: list[str], stream) -> None:
    """Write and flush each chunk, as rich's Console does for each print; a closed pipe ends the
    process with exit 1, standard output pointed at /dev/null (rich's Console.on_broken_pipe)."""
    try:
        for chunk in chunks:
            stream.write(chunk)
            stream.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None
