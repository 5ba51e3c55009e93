"""PDF attachments -> Source, with pdfplumber (pdfminer.six's text layer).

* Ruled tables (cell borders drawn as lines) are found by pdfplumber's line strategy; each row
  becomes its logical cells: a cell spanning columns is one cell with that span, a cell spanning
  rows leaves an empty `merged` cell in the rows below (as .docx and .html do).
* Text outside ruled tables is read by position (`positioned.py`): lines cut into cells at wide
  gaps, so tables drawn without lines and the report's paragraphs are both read.
* A table that runs on from one page to the next (the page starts with a ruled table of the same
  number of columns as the one that ended the previous page) keeps one table number; a header
  repeated on the new page is skipped by the grid reader.
* Pages without any text (scans) go to OCR (`ocr.py`) when Tesseract is installed; a PDF with no
  text layer at all and no Tesseract is refused with a message saying so.
"""

from __future__ import annotations

import io

from .grid import Cell, Format, Row, Source, clean, split_paras
from .positioned import Word, rows_from_words
from .safeio import error

MAX_PAGES = 100  # a filing with its report is 3-30 pages; a 500-page PDF is not one filing
MAX_CHARS_PER_PAGE = 50_000
PDF_MAGIC = b"%PDF-"


def sniff(head: bytes, suffix: str) -> bool:
    return head[:1024].lstrip().startswith(PDF_MAGIC) or suffix == ".pdf"


def _open(name: str, raw: bytes):
    import pdfplumber

    if not raw.lstrip()[:5] == PDF_MAGIC:
        raise error(name, "无法读取：文件扩展名是 .pdf，但内容不是 PDF (not a PDF)")
    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
        pages = pdf.pages
    except Exception as exc:  # pdfminer raises many kinds, all meaning "cannot read this PDF"
        kind = type(exc).__name__
        inner = [type(x).__name__ for x in (exc.__cause__, exc.__context__, *exc.args) if x is not None]
        if any("Password" in k or "Encrypt" in k for k in [kind, *inner]) or "password" in str(exc).lower():
            raise error(name, "PDF 设有打开密码（已加密），无法读取 (the PDF is password-protected)",
                        "E-IMPORT-ENCRYPTED", hint="取消密码后另存为 PDF 再导入") from None
        raise error(name, f"无法读取 PDF：文件损坏 (cannot read the PDF: {kind}: {str(exc)[:200]})") from None
    return pdf, pages


def read_pdf(name: str, raw: bytes) -> Source:
    pdf, pages = _open(name, raw)
    with pdf:
        if len(pages) > MAX_PAGES:
            raise error(name, f"PDF 有 {len(pages)} 页，超过 {MAX_PAGES} 页上限；一份自评材料通常不到 30 页 "
                              "(too many pages)", "E-IMPORT-SIZE", hint="只导出含自评表和自评报告的页再导入")
        source = Source(path=name, kind="pdf")
        scanned: list[int] = []
        table = 0  # the number of the next new table
        last_ruled: tuple[int, int] | None = None  # (table number, columns) of a ruled table ending a page
        for number, page in enumerate(pages, start=1):
            try:
                chars = page.chars
            except Exception as exc:
                raise error(name, f"无法读取 PDF 第 {number} 页 (cannot read page {number}: {type(exc).__name__})") from None
            if not chars:
                scanned.append(number)
                continue
            if len(chars) > MAX_CHARS_PER_PAGE:
                raise error(name, f"PDF 第 {number} 页有 {len(chars)} 个字符，不像表格页 (page too dense)",
                            "E-IMPORT-SIZE")
            rows, table, last_ruled = _page(page, number, table, last_ruled, source)
            source.rows.extend(rows)
        if scanned:
            from .ocr import available, ocr_pdf_pages

            if len(scanned) == len(pages):
                if not available():
                    raise error(name, "PDF 没有文字层（是扫描件），本机没有安装 OCR (Tesseract)，无法读取 "
                                      "(the PDF has no text layer: it is a scan)", "E-IMPORT-SCAN",
                                hint="安装 tesseract-ocr、tesseract-ocr-chi-sim 和 poppler-utils 后重试，"
                                     "或向发布单位索取 Word/Excel 原件")
                ocr_source = ocr_pdf_pages(name, raw, scanned)
                ocr_source.notes.insert(0, "PDF 没有文字层（扫描件），全部内容经 OCR 识别，每个数字都需核对")
                return ocr_source
            if available():
                extra = ocr_pdf_pages(name, raw, scanned, first_table=table)
                source.rows.extend(extra.rows)
                source.notes.append(f"第 {_pages(scanned)} 页没有文字层，经 OCR 识别")
            else:
                source.notes.append(f"第 {_pages(scanned)} 页没有文字层（扫描页），未读入：本机没有 OCR")
        return source


def _pages(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers[:10]) + ("…" if len(numbers) > 10 else "")


def _page(page, number: int, table: int, last_ruled, source: Source):
    """Rows of one page, tables and text in reading order."""
    found = page.find_tables()
    items: list[tuple[float, list[Row]]] = []
    boxes = [t.bbox for t in found]
    first_top = min((b[1] for b in boxes), default=None)

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    words = [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"])
             for w in page.filter(outside).extract_words(keep_blank_chars=False, use_text_flow=False)]
    text_before_first = any(w.bottom <= first_top for w in words) if first_top is not None else True
    ruled_end = None
    for k, t in enumerate(sorted(found, key=lambda t: t.bbox[1])):
        ncols = len(t.columns)
        continues = (k == 0 and last_ruled is not None and not text_before_first and last_ruled[1] == ncols)
        number_t = last_ruled[0] if continues else table
        if not continues:
            table += 1
        items.append((t.bbox[1], _ruled(t, number, number_t)))
        ruled_end = (number_t, ncols, t.bbox[3])
    # Text by position: tables without lines become tables of their own numbers.
    text_rows, table_after, tops = rows_from_words(words, number, table, with_tops=True)
    table = table_after
    # Order the text rows among the tables by their vertical position.
    for row, top in zip(text_rows, tops):
        items.append((top, [row]))
    items.sort(key=lambda item: item[0])
    rows = [r for _top, rs in items for r in rs]
    # The page ends with a ruled table when no text line lies below it.
    if ruled_end is not None and not any(top > ruled_end[2] for top in tops):
        last = (ruled_end[0], ruled_end[1])
    else:
        last = None
    return rows, table, last


def _ruled(t, page: int, table: int) -> list[Row]:
    """A pdfplumber table as rows of logical cells."""
    texts = t.extract()
    col_x0 = []
    for col in t.columns:
        xs = [c[0] for c in col.cells if c is not None]
        col_x0.append(min(xs) if xs else None)
    out: list[Row] = []
    for r, (row, row_texts) in enumerate(zip(t.rows, texts)):
        cells: list[Cell] = []
        covered_until = -1
        for c, bbox in enumerate(row.cells):
            if c <= covered_until:
                continue
            where = f"第 {page} 页 表 {table + 1} 第 {r + 1} 行第 {c + 1} 列"
            pos = (page, table + 1, r + 1, c + 1)
            if bbox is None:
                cells.append(Cell(paras=(), merged=True, col=c, span=1, where=where, pos=pos))
                continue
            span = 1
            while c + span < len(col_x0) and col_x0[c + span] is not None and col_x0[c + span] < bbox[2] - 1:
                span += 1
            covered_until = c + span - 1
            text = row_texts[c] if c < len(row_texts) and row_texts[c] is not None else ""
            cells.append(Cell(paras=tuple(clean(p) for p in split_paras(text)), col=c, span=span, where=where, pos=pos))
        out.append(Row(cells=tuple(cells), table=table, where=f"第 {page} 页 表 {table + 1} 第 {r + 1} 行",
                       pos=(page, table + 1, r + 1, None)))
    return out


FORMAT = Format(kind="pdf", label="PDF", suffixes=(".pdf",), sniff=sniff, read=read_pdf)
