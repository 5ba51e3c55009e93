"""A saved web page (.html/.htm, as government disclosure pages publish filings) -> Source.

Parsed with lxml's HTML parser (libxml2: tolerant of the broken markup such pages have). Every
`<table>` that holds no other table is a data table: its rows become rows of logical cells, a
`colspan` one cell with that span, the rows under a `rowspan` an empty cell flagged `merged` (as
the .docx reader does). A table that holds tables is page layout: its content is walked like the
rest of the page. Text outside data tables (headings, paragraphs, line breaks) becomes rows of
one cell, so the report's stated figures around the tables are read too.

Encoding: a BOM, else the `<meta charset>` / `http-equiv` declaration (GB2312 and GBK are read as
their superset GB18030), else UTF-8 if the bytes are valid UTF-8, else GB18030.
"""

from __future__ import annotations

import re

from .grid import Cell, Format, Row, Source, clean
from .safeio import error

MAX_HTML_BYTES = 20 * 1024 * 1024  # a disclosure page with a few tables: < 1 MiB of markup
MAX_CELLS = 200_000
MAX_COLSPAN, MAX_ROWSPAN = 100, 1000

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030",
            "utf8": "utf-8", "big5": "big5hkscs"}
_SKIP = frozenset({"script", "style", "noscript", "head", "title", "template", "iframe", "object", "svg", "select",
                   "button", "input", "textarea"})
_BLOCK = frozenset({"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "section",
                    "article", "header", "footer", "blockquote", "pre", "hr", "dt", "dd", "dl", "center", "caption",
                    "table", "tbody", "thead", "tfoot", "form", "nav", "aside", "main", "figure", "figcaption",
                    "address"})


def decode_html(raw: bytes, name: str) -> tuple[str, str]:
    """(text, encoding)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    m = _META.search(raw[:8192])
    if m:
        declared = m.group(1).decode("ascii").lower()
        encoding = _ALIASES.get(declared, declared)
        try:
            return raw.decode(encoding), encoding
        except LookupError:
            pass  # an unknown name: guess as if undeclared
        except UnicodeDecodeError:
            pass  # declared wrong (a page saved as UTF-8 that still says gb2312): guess
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace"), "gb18030"


def sniff(head: bytes, suffix: str) -> bool:
    if suffix in (".html", ".htm", ".shtml", ".xhtml", ".mht"):
        return True
    start = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head[:4096].lower()


class _Walker:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.buffer: list[str] = []
        self.table = -1
        self.para = 0
        self.cells = 0

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        for line in text.splitlines():
            if clean(line):
                self.para += 1
                where = f"正文第 {self.para} 段"
                cell = Cell(paras=(clean(line),), where=where)
                self.source.rows.append(Row(cells=(cell,), table=None, where=where))

    def walk(self, el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _SKIP or not tag:  # scripts, styles ... (and any comment left): only the tail is text
            if el.tail:
                self.buffer.append(el.tail)
            return
        if tag == "table" and not el.xpath(".//table"):
            self.flush()
            self.data_table(el)
        else:
            if tag in _BLOCK:
                self.flush()
            if tag in ("td", "th"):
                self.buffer.append(" ")
            if el.text:
                self.buffer.append(el.text)
            for child in el:
                self.walk(child)
            if tag in _BLOCK:
                self.flush()
        if el.tail:
            self.buffer.append(el.tail)

    def data_table(self, table) -> None:
        self.table += 1
        t = self.table
        rows = [tr for tr in table.iter("tr")]
        # (row index, grid col) taken by a rowspan from above -> (span, first row's cell)
        taken: dict[tuple[int, int], int] = {}
        for r, tr in enumerate(rows):
            cells: list[Cell] = []
            col = 0
            for td in tr:
                tag = td.tag.lower() if isinstance(td.tag, str) else ""
                if tag not in ("td", "th"):
                    continue
                while (r, col) in taken:
                    span = taken.pop((r, col))
                    cells.append(self.cell((), t, r, col, span, merged=True))
                    col += span
                colspan = _int(td.get("colspan"), MAX_COLSPAN)
                rowspan = min(_int(td.get("rowspan"), MAX_ROWSPAN), len(rows) - r)
                cells.append(self.cell(_paras(td), t, r, col, colspan))
                for below in range(r + 1, r + rowspan):
                    taken[(below, col)] = colspan
                col += colspan
            while any(key[0] == r and key[1] >= col for key in taken):
                nxt = min(c for (rr, c) in taken if rr == r and c >= col)
                span = taken.pop((r, nxt))
                cells.append(self.cell((), t, r, nxt, span, merged=True))
                col = nxt + span
            self.source.rows.append(Row(cells=tuple(cells), table=t, where=f"表 {t + 1} 第 {r + 1} 行",
                                        pos=(None, t + 1, r + 1, None)))
        caption = table.find("caption")
        if caption is not None and clean(caption.text_content()):
            self.source.notes.append(f"表 {t + 1} 的标题“{clean(caption.text_content())[:40]}”")

    def cell(self, paras, t: int, r: int, col: int, span: int, merged: bool = False) -> Cell:
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise error(self.source.path, f"网页中的表格单元格超过 {MAX_CELLS} 个，不是一份自评材料 (too many cells)",
                        "E-IMPORT-SIZE")
        where = f"表 {t + 1} 第 {r + 1} 行第 {col + 1} 列"
        return Cell(paras=tuple(paras), merged=merged, col=col, span=span, where=where, pos=(None, t + 1, r + 1, col + 1))


def _int(value, cap: int) -> int:
    try:
        n = int(str(value).strip().rstrip(";"))
    except (TypeError, ValueError):
        return 1
    return max(1, min(n, cap))


def _paras(el) -> list[str]:
    """A cell's text as paragraphs: <br>, <p>, <div> and <li> start a new one."""
    parts: list[str] = []

    def visit(node) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in _SKIP:
            pass
        else:
            if tag in ("br", "p", "div", "li") and parts:
                parts.append("\n")
            if isinstance(node.tag, str) and node.text:
                parts.append(node.text)
            for child in node:
                visit(child)
            if tag in ("p", "div", "li"):
                parts.append("\n")
        if node is not el and node.tail:
            parts.append(node.tail)

    visit(el)
    text = "".join(parts).replace("\xa0", " ")
    lines = [clean(x) for x in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines or [""]


def read_html(name: str, raw: bytes) -> Source:
    import lxml.etree
    import lxml.html

    if len(raw) > MAX_HTML_BYTES:
        raise error(name, f"网页有 {len(raw)} 字节，超过 {MAX_HTML_BYTES // (1024 * 1024)} MiB 上限；"
                          "自评材料的网页通常不到 1 MiB (web page too large)", "E-IMPORT-SIZE",
                    hint="只保存含表格的那一页，或把表格复制为文本后导入")
    text, _encoding = decode_html(raw, name)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses str input with an encoding declaration
    if not text.strip():
        raise error(name, "网页是空的 (empty page)", "E-EMPTY")
    try:
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=False)
        doc = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as exc:
        raise error(name, f"无法解析网页 (cannot parse the HTML: {exc})") from None
    source = Source(path=name, kind="html")
    walker = _Walker(source)
    body = doc.find("body")
    walker.walk(body if body is not None else doc)
    walker.flush()
    return source


FORMAT = Format(kind="html", label="网页", suffixes=(".html", ".htm", ".shtml", ".xhtml"), sniff=sniff, read=read_html)
