"""A streaming XLSX writer for the batch summary: rows go to the file as they come, nothing is
kept per row.

Rows are rendered to SpreadsheetML text by `row` (in batch's worker processes, in parallel) with
a placeholder for the row number; a sheet fills the number in and appends the text. One sheet at a
time is written straight into the zip (the big one, 发现); the others are spooled to a temporary
file and copied in when the workbook closes, so sheets can be appended to in any interleaving.

Only what the summary needs: text (inline strings: no shared-string table growing in memory),
numbers, four cell styles (default, bold shaded header, "0.00", bold label), a frozen header row,
column widths and an auto filter. Text is always a string cell, so "=HYPERLINK(…)" stays text.

Why not openpyxl here (it reads and writes XLSX everywhere else): in normal mode it keeps every
cell in memory until saved; in write-only mode it costs ~15 µs per cell (an lxml element per
cell), 6–8 ms for a case's ~440 summary cells, against ~0.3 ms here plus rendering in the workers.
Read back with openpyxl in tests/test_batch.py.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from decimal import Decimal
from typing import BinaryIO
from xml.sax.saxutils import quoteattr

from ..decimals import fmt
from .common import xml_safe

MAX_ROWS = 1_048_576  # Excel's rows per sheet, header included
MAX_TEXT = 32_767  # Excel's characters per cell; longer text is cut (Excel would call the file damaged)
ROW_NUMBER = "\x00"  # placeholder in rendered rows; xml_safe turns any NUL in text into U+FFFD

PLAIN, HEADER, SCORE, LABEL = range(4)  # cell styles (cellXfs in STYLES)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.00"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE8ECF2"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="center"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_ESCAPE = re.compile("[&<>\r]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}


def column_letter(number: int) -> str:
    """1 -> 'A', 27 -> 'AA'. openpyxl.utils.get_column_letter does the same, but importing
    openpyxl costs ~0.25 s in every batch worker, which otherwise never needs it."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_LETTERS = [column_letter(i) for i in range(1, 65)]


def _escape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _ENTITIES[m.group()], text) if _ESCAPE.search(text) else text


def row(values, styles=None) -> str:
    """One row as SpreadsheetML, its number left as ROW_NUMBER (a sheet fills it in). Text is
    a string cell whatever it looks like, ints and Decimals are numbers, None and "" are left
    out, except an empty last column: the row still spans every column for readers that go by
    the cells (openpyxl's read-only mode; the sheets have no <dimension>). `styles` gives a
    style per column (PLAIN by default). A case renders ~40 rows: one loop, no call per cell."""
    cells = []
    for column, value in enumerate(values):
        if value is None or value == "":
            continue
        style = styles[column] if styles else PLAIN
        ref = f'r="{_LETTERS[column]}{ROW_NUMBER}"' + (f' s="{style}"' if style else "")
        if value.__class__ is str:
            text = _escape(xml_safe(value if len(value) <= MAX_TEXT else value[:MAX_TEXT - 1] + "…"))
            space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
            cells.append(f'<c {ref} t="inlineStr"><is><t{space}>{text}</t></is></c>')
        elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            cells.append(f"<c {ref}><v>{fmt(value)}</v></c>")
        else:
            raise TypeError(f"no XLSX cell for {type(value).__name__}")
    if values and (values[-1] is None or values[-1] == ""):
        cells.append(f'<c r="{_LETTERS[len(values) - 1]}{ROW_NUMBER}"/>')
    return f'<row r="{ROW_NUMBER}">{"".join(cells)}</row>'


class Sheet:
    """Rows appended to one sheet; `rows` counts them (header included)."""

    def __init__(self, book: "StreamingWorkbook", title: str, widths: list[float], frozen: bool, filtered: bool):
        self.book, self.title, self.frozen, self.filtered = book, title, frozen, filtered
        self.widths = widths
        self.rows = 0
        self.columns = 0
        self.number = len(book.sheets) + 1
        self.name = f"xl/worksheets/sheet{self.number}.xml"
        self._out: BinaryIO | None = None  # the zip member or the spool file
        self._spool: BinaryIO | None = None

    def _open(self, out: BinaryIO) -> None:
        self._out = out
        view = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if self.frozen else ""
        selected = ' tabSelected="1"' if self.number == 1 else ""
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(self.widths, 1))
        self._write(f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0"{selected}>{view}'
                    f'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                    f'{f"<cols>{cols}</cols>" if cols else ""}<sheetData>')

    def _write(self, text: str) -> None:
        self._out.write(text.encode("utf-8"))

    def append(self, rendered: str, columns: int) -> None:
        """Append a row rendered by `row` with `columns` columns."""
        if self.rows >= MAX_ROWS:
            raise ValueError(f"sheet {self.title} is full ({MAX_ROWS} rows)")
        self.rows += 1
        self.columns = max(self.columns, columns)
        self._write(rendered.replace(ROW_NUMBER, str(self.rows)))

    @property
    def filter_ref(self) -> str | None:
        if not self.filtered or not self.columns:
            return None
        return f"A1:{column_letter(self.columns)}{max(self.rows, 1)}"

    def _close(self) -> None:
        ref = self.filter_ref
        self._write("</sheetData>" + (f'<autoFilter ref="{ref}"/>' if ref else "") + "</worksheet>")


class StreamingWorkbook:
    """An XLSX file written to the binary file `out` (seekable), sheet by sheet. `sheet()` makes
    a sheet that is spooled to a temporary file; `streamed_sheet()` one written straight into
    the file (closing the streamed sheet before it). `close()` writes everything else; `out` is
    the caller's (engine.atomic.open_atomic makes it whole or nothing)."""

    def __init__(self, out: BinaryIO, compresslevel: int = 1):
        # Level 1: a third of level 6's cost for a fifth more bytes (the text repeats a lot).
        self.zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self.sheets: list[Sheet] = []
        self._streamed: Sheet | None = None
        self._spools: list[Sheet] = []

    def sheet(self, title: str, widths: list[float] = (), frozen: bool = False, filtered: bool = False) -> Sheet:
        sheet = Sheet(self, title, list(widths), frozen, filtered)
        self.sheets.append(sheet)
        sheet._spool = tempfile.TemporaryFile()  # removed when closed, or when the process ends
        sheet._open(sheet._spool)
        self._spools.append(sheet)
        return sheet

    def streamed_sheet(self, title: str, widths: list[float] = (), frozen: bool = False,
                       filtered: bool = False) -> Sheet:
        self._close_streamed()
        sheet = Sheet(self, title, list(widths), frozen, filtered)
        self.sheets.append(sheet)
        sheet._open(self.zip.open(sheet.name, "w", force_zip64=True))
        self._streamed = sheet
        return sheet

    def _close_streamed(self) -> None:
        if self._streamed is not None:
            self._streamed._close()
            self._streamed._out.close()
            self._streamed = None

    def close(self) -> None:
        self._close_streamed()
        for sheet in self._spools:
            sheet._close()
            sheet._spool.seek(0)
            with self.zip.open(sheet.name, "w", force_zip64=True) as member:
                shutil.copyfileobj(sheet._spool, member, 1 << 20)
            sheet._spool.close()
        self._spools = []
        self._write_parts()
        self.zip.close()

    def discard(self) -> None:
        """Give up the workbook (an interrupted run): close the spool files, and the zip while
        `out` is still open (the caller then throws `out` away). Does nothing after close()."""
        for sheet in self._spools:
            sheet._spool.close()
        self._spools = []
        streamed, self._streamed = self._streamed, None
        for close in ((streamed._out.close,) if streamed is not None else ()) + (self.zip.close,):
            try:
                close()
            except Exception:  # noqa: BLE001 - interrupted mid-write (a full disk): the file is thrown away anyway
                pass
        # A close that failed half-way leaves the zip open; its __del__ would try again on a
        # closed file and print "Exception ignored ... seek of closed file".
        self.zip.fp = None

    def _write_parts(self) -> None:
        sheets = "".join(f'<sheet name={quoteattr(s.title)} sheetId="{s.number}" r:id="rId{s.number}"/>'
                         for s in self.sheets)
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"'{s.title}'!{_absolute(s.filter_ref)}</definedName>"
            for i, s in enumerate(self.sheets) if s.filter_ref)
        self.zip.writestr("xl/workbook.xml", (
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView activeTab="0"/></bookViews>'
            f'<sheets>{sheets}</sheets>{f"<definedNames>{names}</definedNames>" if names else ""}</workbook>'))
        rels = "".join(f'<Relationship Id="rId{s.number}" Type="{_REL}/worksheet" Target="worksheets/sheet{s.number}.xml"/>'
                       for s in self.sheets)
        styles_id = len(self.sheets) + 1
        self.zip.writestr("xl/_rels/workbook.xml.rels", (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}'
            f'<Relationship Id="rId{styles_id}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'))
        self.zip.writestr("xl/styles.xml", STYLES)
        self.zip.writestr("_rels/.rels", (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        overrides = "".join(f'<Override PartName="/{s.name}" ContentType="{ml}.worksheet+xml"/>' for s in self.sheets)
        self.zip.writestr("[Content_Types].xml", (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ml}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ml}.styles+xml"/>{overrides}</Types>'))


def _absolute(ref: str) -> str:
    """'A1:L37' -> '$A$1:$L$37'."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))
