"""Text -> Source: text copied out of Word (the seed's layout), or out of a browser, or tables
converted to Markdown, or text extracted from web pages and PDFs with one cell per line.

`read_text` picks the style (`style()`): Word's copy (cells led by tabs, below) or the line styles
of `lines.py` (tab-separated rows, pipe tables, " |"-terminated or bare one-cell-per-line
streams cut into rows by the header's width and the row-start labels, run-on text as a last
resort). Word's copy:

What Word puts on the clipboard for a table, and how it is read here:

* every cell starts on a new line with a tab: ``\\t部门名称``; more tabs on the line start more
  cells;
* a line that does not start with a tab continues the current cell (its next paragraph); a
  single empty line before it is a paragraph break inside the cell ("年度", "", "指标值");
* an empty line followed by a tab line ends the row; the tab line starts the next one;
* two or more empty lines followed by a line without a tab end the table: that line is a
  paragraph of running text again (the footer "填表人：…", the report);
* merged cells come out empty, and a horizontally merged cell is one cell, so rows may be
  shorter than the header (the "总分" row).

Only a line that is exactly empty separates rows; a line of spaces (or U+3000) right after a
cell is that cell's next (blank) paragraph, as Word wrote it.

Known limit: text that follows a table after only ONE empty line is read as the last cell's
next paragraph; Word's copies put at least two empty lines there.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import JixiaoError, tr
from ..load import decode
from .grid import Cell, Format, Row, Source, clean

MAX_TEXT_BYTES = 5 * 1024 * 1024


def read_text(path: str | Path, raw: bytes | None = None) -> Source:
    name = str(path)
    if raw is None:
        raw = Path(path).read_bytes()
    if len(raw) > MAX_TEXT_BYTES:
        raise JixiaoError.single(
            "E-IMPORT-SIZE", tr(f"文件有 {len(raw)} 字节；一份材料的文本副本远小于 5 MiB",
                                f"the file is {len(raw)} bytes; a text copy of a filing is far below 5 MiB"),
            stage="import", file=name,
        )
    if b"\x00" in raw:
        raise JixiaoError.single(
            "E-IMPORT-FORMAT",
            "无法读取：文件含 NUL 字节，是二进制文件，不是从表格复制的文本 "
            "(binary file: expected text copied from the forms, a .docx or an .xlsx)",
            stage="import", file=name, line=1,
        )
    text, _encoding = decode(raw, name)
    if style(text) == "word":
        return parse_text(text, name)
    from .lines import parse_lines

    return parse_lines(text, name)


def style(text: str) -> str:
    """"word" when cells are led by tabs (Word's copy), else "lines"."""
    led = other = 0
    for line in text.splitlines():
        if line.startswith("\t"):
            led += 1
        elif "\t" in line.strip():
            other += 1
    # Word leads every cell, the first included, with a tab: its rows never hold a tab inside.
    return "word" if led and other * 10 <= led else "lines"


def sniff(head: bytes, suffix: str) -> bool:
    return True


FORMAT = Format(kind="text", label="文本", suffixes=(".txt", ".md", ".text", ".tsv", ".csv"), sniff=sniff,
                read=lambda name, raw: read_text(name, raw))


def parse_text(text: str, name: str = "<text>") -> Source:
    source = Source(path=name, kind="text")
    rows = source.rows
    table = -1
    in_table = False
    blanks = 0
    row: list[list] = []  # cells as [paras list, first line number]
    row_line = 0

    def close_row() -> None:
        nonlocal row
        if row:
            n = sum(1 for r in rows if r.table == table) + 1
            cells = tuple(Cell(paras=tuple(paras), where=f"第 {line} 行", pos=(None, table + 1, n, c + 1))
                          for c, (paras, line) in enumerate(row))
            rows.append(Row(cells=cells, table=table, where=f"第 {row_line} 行", pos=(None, table + 1, n, None)))
        row = []

    for number, line in enumerate(text.splitlines(), start=1):
        if line == "":
            blanks += 1
            continue
        if line.startswith("\t"):
            if not in_table:
                table += 1
                in_table = True
            elif blanks:
                close_row()
            if not row:
                row_line = number
            for part in line.split("\t")[1:]:
                row.append([[part], number])
        elif in_table and blanks <= 1:
            paras = row[-1][0]
            if blanks:
                paras.append("")
            paras.append(line)
        else:
            if in_table:
                close_row()
                in_table = False
            if clean(line):
                rows.append(Row(cells=(Cell(paras=(line,), where=f"第 {number} 行"),), table=None,
                                where=f"第 {number} 行"))
        blanks = 0
    close_row()
    return source
