"""A streaming XLSX writer for the batch summary: rows go to the file as they come, nothing is
kept per row.

Rows are rendered to SpreadsheetML text by `row` (in batch's worker processes, in parallel) with
a placeholder for the row number; a sheet fills the number in and appends the text. One sheet at a
time is written straight into the zip (the big one, 发现); the others are spooled to a temporary
file and copied in when the workbook closes, so sheets can be appended to in any interleaving.

Only what the summary needs: text (inline strings: no shared-string table growing in memory),
numbers, four cell styles (default, bold shaded header, "0.00", bold label), a frozen header row,
column widths, an auto filter, conditional fills (`Sheet.highlight`) and bar charts
(`StreamingWorkbook.bar_chart`). Text is always a string cell, so "=HYPERLINK(…)" stays text.

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
from pathlib import Path
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
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="3">'
    '<dxf><font><color rgb="FF9C0006"/></font><fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf>'
    '<dxf><font><color rgb="FF9C5700"/></font><fill><patternFill><bgColor rgb="FFFFEB9C"/></patternFill></fill></dxf>'
    '<dxf><font><color rgb="FF006100"/></font><fill><patternFill><bgColor rgb="FFC6EFCE"/></patternFill></fill></dxf>'
    '</dxfs></styleSheet>'
)
BAD, WARN, GOOD = range(3)  # conditional fills (dxfs in STYLES): red, amber, green
_DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
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
        self._rules: list[str] = []  # <conditionalFormatting> elements
        self.charts: list[str] = []  # chart part names drawn on this sheet

    def highlight(self, column: int, operator: str, value: str, fill: int) -> None:
        """Fill the cells of `column` (1-based, below the header) whose value is `operator`
        (equal, greaterThan, lessThan …) `value` (a formula: '"差"', '5', '-5') with `fill`
        (BAD, WARN, GOOD): conditional formatting, so it follows edits in Excel."""
        letter = column_letter(column)
        self._rules.append(
            f'<conditionalFormatting sqref="{letter}2:{letter}{MAX_ROWS}"><cfRule type="cellIs" dxfId="{fill}" '
            f'priority="{len(self._rules) + 1}" operator="{operator}"><formula>{_escape(value)}</formula></cfRule>'
            "</conditionalFormatting>")

    def _open(self, out: BinaryIO) -> None:
        self._out = out
        view = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if self.frozen else ""
        selected = ' tabSelected="1"' if self.number == 1 else ""
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(self.widths, 1))
        self._write(f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews><sheetView workbookViewId="0"{selected}>{view}'
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
        drawing = '<drawing r:id="rId1"/>' if self.charts else ""
        self._write("</sheetData>" + (f'<autoFilter ref="{ref}"/>' if ref else "") + "".join(self._rules)
                    + drawing + "</worksheet>")


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
        self._charts: list[tuple[Sheet, str]] = []  # (sheet, chart XML)

    def bar_chart(self, sheet: Sheet, title: str, categories: tuple[int, int, int], values: tuple[int, int, int],
                  anchor: tuple[int, int], size: tuple[int, int] = (8, 16)) -> None:
        """A bar chart on `sheet` of the cells `values` (column, first row, last row; 1-based)
        named by `categories`, its top-left corner at `anchor` (column, row; 0-based) spanning
        `size` (columns, rows). Call before the sheet is closed."""
        def ref(column, first, last):
            letter = column_letter(column)
            return _escape(f"'{sheet.title}'!${letter}${first}:${letter}${last}")
        number = len(self._charts) + 1
        xml = (f'{_HEAD}<c:chartSpace xmlns:c="{_CHART_NS}" xmlns:a="{_A_NS}" xmlns:r="{_REL}"><c:chart>'
               f'<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>{_escape(xml_safe(title))}</a:t></a:r></a:p></c:rich></c:tx>'
               '<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
               '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
               f'<c:ser><c:idx val="0"/><c:order val="0"/><c:cat><c:strRef><c:f>{ref(*categories)}</c:f></c:strRef></c:cat>'
               f'<c:val><c:numRef><c:f>{ref(*values)}</c:f></c:numRef></c:val></c:ser>'
               '<c:axId val="10"/><c:axId val="20"/></c:barChart>'
               '<c:catAx><c:axId val="10"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
               '<c:axPos val="b"/><c:crossAx val="20"/></c:catAx>'
               '<c:valAx><c:axId val="20"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
               '<c:axPos val="l"/><c:majorGridlines/><c:crossAx val="10"/></c:valAx></c:plotArea>'
               '<c:plotVisOnly val="1"/></c:chart></c:chartSpace>')
        anchor_xml = (f'<xdr:twoCellAnchor><xdr:from><xdr:col>{anchor[0]}</xdr:col><xdr:colOff>0</xdr:colOff>'
                      f'<xdr:row>{anchor[1]}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to>'
                      f'<xdr:col>{anchor[0] + size[0]}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{anchor[1] + size[1]}'
                      f'</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro="">'
                      f'<xdr:nvGraphicFramePr><xdr:cNvPr id="{number + 1}" name="图表 {number}"/><xdr:cNvGraphicFramePr/>'
                      '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
                      f'<a:graphic><a:graphicData uri="{_CHART_NS}"><c:chart xmlns:c="{_CHART_NS}" '
                      f'r:id="rId{len(sheet.charts) + 1}"/></a:graphicData></a:graphic></xdr:graphicFrame>'
                      '<xdr:clientData/></xdr:twoCellAnchor>')
        sheet.charts.append(f"xl/charts/chart{number}.xml")
        self._charts.append((sheet, xml, anchor_xml))

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

    def _write_charts(self) -> str:
        """The drawing and chart parts; returns their content-type overrides."""
        ml = "application/vnd.openxmlformats-officedocument"
        overrides = []
        for number, (sheet, xml, _) in enumerate(self._charts, 1):
            self.zip.writestr(f"xl/charts/chart{number}.xml", xml)
            overrides.append(f'<Override PartName="/xl/charts/chart{number}.xml" ContentType="{ml}.drawingml.chart+xml"/>')
        drawn = [s for s in self.sheets if s.charts]
        for number, sheet in enumerate(drawn, 1):
            anchors = "".join(a for s, _, a in self._charts if s is sheet)
            self.zip.writestr(f"xl/drawings/drawing{number}.xml", (
                f'{_HEAD}<xdr:wsDr xmlns:xdr="{_DRAWING_NS}" xmlns:a="{_A_NS}" xmlns:r="{_REL}">{anchors}</xdr:wsDr>'))
            rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/chart" Target="../charts/{Path(name).name}"/>'
                           for i, name in enumerate(sheet.charts, 1))
            self.zip.writestr(f"xl/drawings/_rels/drawing{number}.xml.rels",
                              f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>')
            self.zip.writestr(f"xl/worksheets/_rels/sheet{sheet.number}.xml.rels", (
                f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/drawing" '
                f'Target="../drawings/drawing{number}.xml"/></Relationships>'))
            overrides.append(f'<Override PartName="/xl/drawings/drawing{number}.xml" ContentType="{ml}.drawing+xml"/>')
        return "".join(overrides)

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
        overrides += self._write_charts()
        self.zip.writestr("[Content_Types].xml", (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ml}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ml}.styles+xml"/>{overrides}</Types>'))


def _absolute(ref: str) -> str:
    """'A1:L37' -> '$A$1:$L$37'."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in ref.split(":"))
