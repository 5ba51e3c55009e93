"""The one intermediate representation every importer produces: rows of cells.

A filing, whatever it arrived as (text copied out of Word, a .docx, an .xlsx), becomes a
`Source`: a flat list of `Row`s in reading order. A paragraph outside any table is a row of one
cell with `table=None`; a table row is a row of its *logical* cells:

* a horizontally merged cell is ONE cell (with `span` > 1 when the source knows the grid);
* a vertically merged cell keeps its text in its first row; the rows below get an empty cell
  with `merged=True` (a text copy cannot tell merged from blank: there it is just empty);
* the paragraphs of a cell are kept apart (`paras`), so "年度/指标值" header cells and long
  narrative cells can be joined the way each field needs.

`engine/importers/common.py` turns a Source into a case; it never looks at the file format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

# Whitespace Python's str.strip() does not remove but Word and Excel text is full of.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_ALL_SPACE = re.compile(r"[\s" + _INVISIBLE + r"]+")


def clean(text: str) -> str:
    """Strip surrounding whitespace, incl. U+3000, U+00A0 and zero-width characters."""
    previous = None
    while previous != text:
        previous = text
        text = text.strip().strip(_INVISIBLE)
    return text


_GLOSS = re.compile(r"[（(][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]+[)）]")
_TRADITIONAL: dict[int, str] | None = None


def _traditional() -> dict[int, str]:
    global _TRADITIONAL
    if _TRADITIONAL is None:
        from .vocabulary import vocabulary

        _TRADITIONAL = {ord(pair[0]): pair[1] for pair in vocabulary().get("traditional", "").split() if len(pair) == 2}
    return _TRADITIONAL


def squeeze(text: str) -> str:
    """Text without any whitespace: the key labels are matched on ("预算部 门名称"); traditional
    characters of labels mapped to simplified and a mirror's pinyin glosses ("項(xiàng)目") dropped."""
    key = _ALL_SPACE.sub("", text)
    if "(" in key or "（" in key:
        key = _GLOSS.sub("", key)
    return key.translate(_traditional())


def split_paras(text: str) -> tuple[str, ...]:
    """A cell's text into paragraphs at any line break (\\n, \\r, \\v, U+2028 ...)."""
    return tuple(text.splitlines()) or ("",)


@dataclass(frozen=True)
class Cell:
    paras: tuple[str, ...] = ()
    merged: bool = False  # continuation of a vertically merged cell: its text is above
    col: int | None = None  # first grid column, when the source has a grid (docx, xlsx)
    span: int = 1  # grid columns covered
    where: str = ""  # where a person finds it: "第 348 行", "表 2 第 5 行第 3 列", "绩效自评表!C7"
    # The same, as data for the case's review items: (page, table, row, col), 1-based, None where
    # the source has no such thing (a text copy has no page; a paragraph no table).
    pos: tuple[int | None, int | None, int | None, int | None] | None = None
    # Why this cell's text is not certain ("OCR 识别", "从连写文本拆分"): every figure read from it
    # goes to review with this reason, never as a clean number.
    doubt: str = ""

    @property
    def text(self) -> str:
        """One-line text: each paragraph stripped, joined without a separator ("数量/指标")."""
        return clean("".join(clean(p) for p in self.paras))

    @property
    def block(self) -> str:
        """Narrative text: paragraphs stripped, empty ones dropped, joined by line breaks."""
        return "\n".join(c for c in (clean(p) for p in self.paras) if c)

    @property
    def key(self) -> str:
        """The text without any whitespace, for matching labels."""
        return squeeze(self.text)

    @property
    def empty(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    table: int | None  # which table of the source; None for a paragraph outside tables
    where: str = ""
    pos: tuple[int | None, int | None, int | None, int | None] | None = None  # as Cell.pos, col None

    @property
    def blank(self) -> bool:
        return all(c.empty for c in self.cells)

    @property
    def filled(self) -> list[Cell]:
        return [c for c in self.cells if not c.empty]

    @property
    def has_grid(self) -> bool:
        return bool(self.cells) and all(c.col is not None for c in self.cells)

    @property
    def text(self) -> str:
        """The row's non-empty cells joined by one space (for label: value lines)."""
        return " ".join(c.text for c in self.filled)


@dataclass
class Source:
    path: str
    kind: str  # a format's kind in engine/importers/formats.py: "text", "docx", "xlsx", "html", "pdf" ...
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader skipped, for the summary
    via: str = ""  # how it was obtained when not read directly: "LibreOffice 转换", "OCR"
    ocr: bool = False  # every cell was read by OCR

    @property
    def tables(self) -> int:
        return len({r.table for r in self.rows if r.table is not None})


@dataclass(frozen=True)
class Format:
    """An input format: registered in `formats.READERS` (see there)."""

    kind: str
    label: str  # in Chinese, for the summary: "网页", "PDF" ...
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes, str], bool]
    read: Callable[[str, bytes], Source]
