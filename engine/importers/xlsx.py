"""An .xlsx filing (openpyxl) -> Source.

Each visible worksheet is one table, its rows in order; a sheet named like the instructions
sheet of `jixiao template xlsx` is skipped. A merged range is one cell (its top-left value,
with the range's width as span); the rows below its top row get an empty cell flagged
`merged`. Values are shown as a person sees them: numbers without float noise
(Decimal(repr(x))), percent-formatted numbers as "95%", dates by their format, text as typed
(Alt+Enter line breaks are paragraphs). A formula without a cached value (a workbook written
by a program and never opened in Excel) is read as empty, with a note.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from ..decimals import D, fmt
from ..errors import JixiaoError
from .grid import Cell, Row, Source, split_paras

MAX_ROWS = 5000
MAX_COLUMNS = 100
SKIPPED_SHEETS = frozenset({"填表说明", "说明", "使用说明"})


def _open(name: str, raw: bytes, data_only: bool):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(io.BytesIO(raw), data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, IndexError) as exc:
        raise JixiaoError.single(
            "E-IMPORT-FORMAT", f"无法读取 Excel 工作簿 (cannot read the .xlsx: {type(exc).__name__}: {exc})",
            stage="import", file=name, hint="在 Excel/WPS 中打开并另存为 .xlsx 后再试",
        ) from None
    except Exception as exc:
        if type(exc).__module__.startswith(("lxml", "xml")):
            raise JixiaoError.single(
                "E-IMPORT-FORMAT", f"无法读取 Excel 工作簿：XML 损坏 (damaged .xlsx: {exc})",
                stage="import", file=name,
            ) from None
        raise


def render(value, number_format: str = "General") -> str:
    """A cell value as the text a person reads in it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        number = D(value)
        if "%" in (number_format or ""):
            return fmt(number * 100) + "%"
        return fmt(number)
    if isinstance(value, (dt.datetime, dt.date)):
        f = number_format or ""
        if "年" in f:
            return f"{value.year}年{value.month}月{value.day}日"
        if "/" in f:
            return f"{value.year}/{value.month}/{value.day}"
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    return str(value)


def read_xlsx(name: str, raw: bytes) -> Source:
    from openpyxl.utils import get_column_letter

    workbook = _open(name, raw, data_only=True)
    formulas = _open(name, raw, data_only=False)
    source = Source(path=name, kind="xlsx")
    table = -1
    for sheet in workbook.worksheets:
        if sheet.title in SKIPPED_SHEETS:
            continue
        if sheet.sheet_state != "visible":
            source.notes.append(f"隐藏的工作表“{sheet.title}”未读入")
            continue
        table += 1
        formula_sheet = formulas[sheet.title]
        rows = min(sheet.max_row, MAX_ROWS)
        columns = min(sheet.max_column, MAX_COLUMNS)
        if sheet.max_row > MAX_ROWS or sheet.max_column > MAX_COLUMNS:
            source.notes.append(f"工作表“{sheet.title}”超过 {MAX_ROWS} 行或 {MAX_COLUMNS} 列，只读入前面部分")
        # (row, col) -> ("top", width) for a range's top row, ("below", width) under it
        merged: dict[tuple[int, int], tuple[str, int]] = {}
        covered: set[tuple[int, int]] = set()
        for rng in sheet.merged_cells.ranges:
            width = rng.max_col - rng.min_col + 1
            merged[(rng.min_row, rng.min_col)] = ("top", width)
            for r in range(rng.min_row + 1, rng.max_row + 1):
                merged[(r, rng.min_col)] = ("below", width)
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col + 1, rng.max_col + 1):
                    covered.add((r, c))
        for r in range(1, rows + 1):
            cells: list[Cell] = []
            c = 1
            while c <= columns:
                if (r, c) in covered:
                    c += 1
                    continue
                kind, width = merged.get((r, c), ("", 1))
                where = f"{sheet.title}!{get_column_letter(c)}{r}"
                if kind == "below":
                    cells.append(Cell(paras=(), merged=True, col=c - 1, span=width, where=where,
                                      pos=(None, table + 1, r, c)))
                else:
                    cell = sheet.cell(row=r, column=c)
                    text = render(cell.value, cell.number_format)
                    if cell.value is None:
                        original = formula_sheet.cell(row=r, column=c).value
                        if isinstance(original, str) and original.startswith("="):
                            source.notes.append(f"{where} 是公式“{original}”但没有计算结果，按空白读入")
                    cells.append(Cell(paras=split_paras(text), col=c - 1, span=width, where=where,
                                      pos=(None, table + 1, r, c)))
                c += width
            source.rows.append(Row(cells=tuple(cells), table=table, where=f"{sheet.title}!{r}",
                                   pos=(None, table + 1, r, None)))
    return source
