"""The registry of input formats: adding a format is one module (with a `FORMAT`) + its name in
the import and in `READERS` below.

A reader module defines `FORMAT = grid.Format(kind, label, suffixes, sniff, read)`:
`sniff(head, suffix)` says from the first bytes (and the lowercase suffix) whether the file is of
its format, `read(path, raw)` returns the file as a `grid.Source`. The first format in `READERS`
whose sniff accepts the file reads it; `text` accepts anything and comes last. Heavy libraries
(lxml, pdfplumber, openpyxl ...) are imported inside `read`, so looking formats up costs nothing.
"""

from __future__ import annotations

from . import html, image, legacy, office, pdf, text
from .grid import Format

#: In sniffing order: binary signatures first, then markup, then text (which takes anything).
READERS: tuple[Format, ...] = tuple(m.FORMAT for m in (
    office,   # .docx / .xlsx (zip packages)
    legacy,   # .doc / .xls / .wps / .et (OLE2), converted with LibreOffice
    pdf,      # PDF with a text layer; scans go to OCR
    image,    # scanned pages as images, through OCR
    html,     # saved web pages
    text,     # text copies: Word, browser (tabs), Markdown / pipe tables, one cell per line, run-on
))


def formats() -> tuple[Format, ...]:
    return READERS


def label(kind: str) -> str:
    for f in READERS:
        if f.kind == kind:
            return f.label
    return {"docx": "Word 文档", "xlsx": "Excel 工作簿"}.get(kind, kind)


def suffixes() -> frozenset[str]:
    """Every suffix some reader claims (for picking files out of a folder)."""
    return frozenset(s for f in READERS for s in f.suffixes)


def pick(head: bytes, suffix: str) -> Format:
    for f in READERS:
        if f.sniff(head, suffix):
            return f
    raise AssertionError("the text format accepts every file")  # pragma: no cover
