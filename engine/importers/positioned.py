"""Words with positions on a page (a PDF's text layer, OCR output) -> rows of cells.

Used where a page has text but no ruling lines to say where the cells are. Words are grouped
into lines by their vertical position; a line is cut into cells where the gap between two words
is wider than `GAP` times the line's character height (columns of a table are far apart, words
of one cell close together). Consecutive lines of two or more cells form a table; a line of one
cell is a paragraph. Cells carry their page, table, row and column for the review list.
"""

from __future__ import annotations

from dataclasses import dataclass

from .grid import Cell, Row

GAP = 1.6  # a gap wider than this many character heights separates two cells


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines (top to bottom), each line left to right."""
    out: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if out:
            line = out[-1]
            ref = line[0]
            height = max(ref.bottom - ref.top, 1.0)
            if abs(w.top - ref.top) <= 0.5 * height:
                line.append(w)
                continue
        out.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in out]


def cells_of(line: list[Word]) -> list[tuple[str, float]]:
    """(text, x0) of each cell of a line."""
    height = sorted(w.bottom - w.top for w in line)[len(line) // 2] or 1.0
    cells: list[list[Word]] = []
    for w in line:
        if cells and w.x0 - cells[-1][-1].x1 <= GAP * height:
            cells[-1].append(w)
        else:
            cells.append([w])
    return [("".join(_join(c)), c[0].x0) for c in cells]


def _join(words: list[Word]):
    """Words of one cell: CJK words run together, Latin words and numbers keep one space."""
    prev = None
    for w in words:
        if prev is not None and prev.text[-1:].isascii() and w.text[:1].isascii() and w.x0 - prev.x1 > 1:
            yield " "
        yield w.text
        prev = w


def rows_from_words(words: list[Word], page: int, first_table: int, doubt: str = "") -> tuple[list[Row], int]:
    """Rows of a page and the number of the next table. Tables are numbered from `first_table`."""
    rows: list[Row] = []
    table = first_table - 1
    in_table = False
    row_in_table = 0
    for line in lines(words):
        cells = cells_of(line)
        if len(cells) >= 2:
            if not in_table:
                table += 1
                in_table = True
                row_in_table = 0
            row_in_table += 1
            # Columns are numbered by position among the line's cells; x positions vary by row.
            out = tuple(
                Cell(paras=(text,), where=f"第 {page} 页 表 {table + 1} 第 {row_in_table} 行第 {i + 1} 格",
                     pos=(page, table + 1, row_in_table, i + 1), doubt=doubt)
                for i, (text, _x) in enumerate(cells)
            )
            rows.append(Row(cells=out, table=table, where=f"第 {page} 页 表 {table + 1} 第 {row_in_table} 行",
                            pos=(page, table + 1, row_in_table, None)))
        else:
            in_table = False
            text = cells[0][0]
            where = f"第 {page} 页"
            rows.append(Row(cells=(Cell(paras=(text,), where=where, pos=(page, None, None, None), doubt=doubt),),
                            table=None, where=where, pos=(page, None, None, None)))
    return rows, table + 1
