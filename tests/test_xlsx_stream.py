"""engine/report/xlsx_stream.py: rows rendered as SpreadsheetML and read back by openpyxl."""

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from engine.report import xlsx_stream
from engine.report.xlsx_stream import HEADER, ROW_NUMBER, SCORE, StreamingWorkbook, column_letter, row


def test_row_text_is_escaped_and_a_string_whatever_it_looks_like():
    assert row(["a<b & c>", " x", None, "", 7, Decimal("-6.260")], [0, 0, 0, 0, 0, SCORE]) == (
        f'<row r="{ROW_NUMBER}">'
        f'<c r="A{ROW_NUMBER}" t="inlineStr"><is><t>a&lt;b &amp; c&gt;</t></is></c>'
        f'<c r="B{ROW_NUMBER}" t="inlineStr"><is><t xml:space="preserve"> x</t></is></c>'
        f'<c r="E{ROW_NUMBER}"><v>7</v></c>'
        f'<c r="F{ROW_NUMBER}" s="2"><v>-6.26</v></c></row>')
    assert row(["a", None]) == f'<row r="{ROW_NUMBER}"><c r="A{ROW_NUMBER}" t="inlineStr"><is><t>a</t></is></c><c r="B{ROW_NUMBER}"/></row>'
    with pytest.raises(TypeError):
        row([1.5])


def test_column_letters():
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def test_sheets_appended_in_any_interleaving_read_back_whole(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_TEXT", 8)
    out = BytesIO()
    book = StreamingWorkbook(out)
    first = book.sheet("一", [20], frozen=True, filtered=True)
    streamed = book.streamed_sheet("二")
    first.append(row(["标题", "列"], [HEADER, HEADER]), 2)
    for n in range(3):
        streamed.append(row([f"=SUM(A{n})", n]), 2)
        first.append(row(["x\x0by\r", Decimal("99.26")], [0, SCORE]), 2)
    third = book.streamed_sheet("三")  # closes 二
    third.append(row(["abcdefghij"]), 1)
    book.close()
    wb = openpyxl.load_workbook(BytesIO(out.getvalue()))
    assert wb.sheetnames == ["一", "二", "三"]
    assert list(wb["一"].iter_rows(values_only=True)) == [("标题", "列")] + [("x\ufffdy\r", 99.26)] * 3
    assert (wb["一"].freeze_panes, wb["一"].auto_filter.ref, wb["一"].column_dimensions["A"].width) == ("A2", "A1:B4", 20)
    assert wb["一"]["A1"].font.b and wb["一"]["B2"].number_format == "0.00"
    cells = [r for r in wb["二"].iter_rows()]
    assert [(c[0].value, c[0].data_type, c[1].value) for c in cells] == [(f"=SUM(A{n})", "s", n) for n in range(3)]
    assert wb["二"].freeze_panes is None and wb["三"]["A1"].value == "abcdefg…"


def test_a_full_sheet_refuses_more_rows(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 2)
    book = StreamingWorkbook(BytesIO())
    sheet = book.streamed_sheet("s")
    sheet.append(row(["a"]), 1)
    sheet.append(row(["b"]), 1)
    with pytest.raises(ValueError):
        sheet.append(row(["c"]), 1)
    book.discard()
