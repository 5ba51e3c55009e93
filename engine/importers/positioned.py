"""Words with positions on a page (a PDF's text layer, OCR output) -> rows of cells.

Used where a page has text but no ruling lines to say where the cells are. Words are grouped
into lines by their vertical position; a line is cut into cells where the gap between two words
is wider than `GAP` times the line's character height (columns of a table are far apart, words
of one cell close together). Consecutive lines of two or more cells form a table; a line of one
cell is a paragraph. Cells carry their page, table, row and column for the review list.
"""

from __future__ import annotations

import re
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


def cells_of(line: list[Word]) -> list[tuple[str, float, float]]:
    """(text, x0, x1) of each cell of a line."""
    height = sorted(w.bottom - w.top for w in line)[len(line) // 2] or 1.0
    cells: list[list[Word]] = []
    for w in line:
        if cells and w.x0 - cells[-1][-1].x1 <= GAP * height:
            cells[-1].append(w)
        else:
            cells.append([w])
    return [("".join(_join(c)), c[0].x0, c[-1].x1) for c in cells]


_DIGIT = re.compile(r"[0-9０-９]")
HEADER_CELL_CHARS = 12


def _headerish(cells: list[tuple[str, float, float]]) -> bool:
    return all(not _DIGIT.search(t) and len(t) <= HEADER_CELL_CHARS for t, _a, _b in cells)


def merge_stacked(rows: list[list[tuple[str, float, float]]], tops: list[float]):
    """Header cells written over two or three lines ("年度" above "指标值") merged by column: runs
    of consecutive lines without digits whose cells overlap horizontally become one line, each
    column's text top to bottom. Lines of figures are never merged."""
    out: list[list[tuple[str, float, float]]] = []
    out_tops: list[float] = []
    k = 0
    while k < len(rows):
        run = [rows[k]]
        while k + len(run) < len(rows) and len(run) < 3 and _headerish(rows[k + len(run)]) and _headerish(run[0]) \
                and len(rows[k + len(run)]) >= 1 and len(run[0]) >= 2:
            run.append(rows[k + len(run)])
        if len(run) == 1 or not _overlapping(run):
            out.append(rows[k])
            out_tops.append(tops[k])
            k += 1
            continue
        columns: list[list] = []  # [x0, x1, texts]
        for line in run:
            for text, x0, x1 in line:
                for col in columns:
                    if x0 < col[1] and x1 > col[0]:
                        col[2].append(text)
                        col[0], col[1] = min(col[0], x0), max(col[1], x1)
                        break
                else:
                    columns.append([x0, x1, [text]])
        columns.sort(key=lambda c: c[0])
        out.append([("".join(c[2]), c[0], c[1]) for c in columns])
        out_tops.append(tops[k])
        k += len(run)
    return out, out_tops


def _overlapping(run) -> bool:
    """Whether some cell of a later line lies under a cell of an earlier one."""
    first = run[0]
    return any(x0 < b and x1 > a for line in run[1:] for _t, x0, x1 in line for _u, a, b in first)


def _join(words: list[Word]):
    """Words of one cell: CJK words run together, Latin words and numbers keep one space."""
    prev = None
    for w in words:
        if prev is not None and prev.text[-1:].isascii() and w.text[:1].isascii() and w.x0 - prev.x1 > 1:
            yield " "
        yield w.text
        prev = w


def rows_from_words(words: list[Word], page: int, first_table: int, doubt: str = "", with_tops: bool = False):
    """Rows of a page and the number of the next table. Tables are numbered from `first_table`."""
    rows: list[Row] = []
    table = first_table - 1
    in_table = False
    row_in_table = 0
    all_lines = lines(words)
    merged, tops = merge_stacked([cells_of(line) for line in all_lines], [line[0].top for line in all_lines])
    for cells in merged:
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
                for i, (text, _x0, _x1) in enumerate(cells)
            )
            rows.append(Row(cells=out, table=table, where=f"第 {page} 页 表 {table + 1} 第 {row_in_table} 行",
                            pos=(page, table + 1, row_in_table, None)))
        else:
            in_table = False
            text = cells[0][0]
            where = f"第 {page} 页"
            rows.append(Row(cells=(Cell(paras=(text,), where=where, pos=(page, None, None, None), doubt=doubt),),
                            table=None, where=where, pos=(page, None, None, None)))
    return (rows, table + 1, tops) if with_tops else (rows, table + 1)
