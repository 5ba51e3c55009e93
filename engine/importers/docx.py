"""A .docx filing (python-docx) -> Source.

Body paragraphs and tables are read in document order. A table row becomes its logical cells:
a horizontally merged cell (w:gridSpan, or the old w:hMerge) is one cell with its grid column
and span; the cells below the first of a vertical merge (w:vMerge continue) are empty cells
flagged `merged`. A cell's paragraphs (and line breaks inside them) stay separate paragraphs;
a table nested in a cell is read as more paragraphs of that cell, with a note.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import JixiaoError
from .grid import Cell, Row, Source, clean, split_paras

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _open(name: str, raw: bytes):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise JixiaoError.single(
            "E-IMPORT-FORMAT", f"无法读取 Word 文档 (cannot read the .docx: {type(exc).__name__}: {exc})",
            stage="import", file=name, hint="在 Word/WPS 中打开并另存为 .docx 后再试",
        ) from None
    except Exception as exc:  # lxml.etree.XMLSyntaxError and friends: a damaged package
        if type(exc).__module__.startswith("lxml"):
            raise JixiaoError.single(
                "E-IMPORT-FORMAT", f"无法读取 Word 文档：XML 损坏 (damaged .docx: {exc})",
                stage="import", file=name,
            ) from None
        raise


def _cell_paras(tc, table, source: Source, where: str) -> tuple[str, ...]:
    from docx.table import _Cell

    cell = _Cell(tc, table)
    paras: list[str] = []
    for p in cell.paragraphs:
        paras.extend(split_paras(p.text))
    for nested in cell.tables:
        source.notes.append(f"{where} 中有嵌套表格，按文字读入")
        for row in nested.rows:
            for c in row.cells:
                paras.extend(split_paras(c.text))
    return tuple(paras) or ("",)


def _h_merge_continues(tc) -> bool:
    pr = tc.tcPr
    if pr is None:
        return False
    h = pr.find(f"{_W}hMerge")
    return h is not None and h.get(f"{_W}val", "continue") == "continue"


def read_docx(name: str, raw: bytes) -> Source:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = _open(name, raw)
    source = Source(path=name, kind="docx")
    table_no = -1
    para_no = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            para_no += 1
            for line in split_paras(block.text):
                if clean(line):
                    where = f"第 {para_no} 段"
                    source.rows.append(Row(cells=(Cell(paras=(line,), where=where),), table=None, where=where))
            continue
        if not isinstance(block, Table):  # pragma: no cover - iter_inner_content yields only these
            continue
        table_no += 1
        for r, tr in enumerate(block._tbl.tr_lst, start=1):
            col = tr.grid_before
            cells: list[Cell] = []
            for tc in tr.tc_lst:
                span = tc.grid_span
                where = f"表 {table_no + 1} 第 {r} 行第 {col + 1} 列"
                if _h_merge_continues(tc) and cells:
                    last = cells[-1]
                    cells[-1] = Cell(paras=last.paras, merged=last.merged, col=last.col, span=last.span + span,
                                     where=last.where)
                elif tc.vMerge == "continue":
                    cells.append(Cell(paras=(), merged=True, col=col, span=span, where=where,
                                      pos=(None, table_no + 1, r, col + 1)))
                else:
                    cells.append(Cell(paras=_cell_paras(tc, block, source, where), col=col, span=span, where=where,
                                      pos=(None, table_no + 1, r, col + 1)))
                col += span
            source.rows.append(Row(cells=tuple(cells), table=table_no, where=f"表 {table_no + 1} 第 {r} 行",
                                   pos=(None, table_no + 1, r, None)))
    return source
