"""Office Open XML packages: .docx (docx.py) and .xlsx (xlsx.py), told apart by their parts.

The package is checked before any library inflates it (`safeio.zip_names`: entry count,
inflated sizes, encryption), so a zip bomb is refused before python-docx or openpyxl sees it.
"""

from __future__ import annotations

from .grid import Format
from .safeio import error, zip_names

ZIP_MAGIC = b"PK\x03\x04"
SUFFIXES = (".docx", ".xlsx", ".xlsm", ".docm")


def sniff(head: bytes, suffix: str) -> bool:
    # An encrypted .docx/.xlsx is an OLE2 container, not a zip: legacy.py refuses it as such.
    return head[:4] == ZIP_MAGIC or (suffix in SUFFIXES and not head.startswith(b"\xd0\xcf\x11\xe0"))


def read_office(name: str, raw: bytes):
    if raw[:4] != ZIP_MAGIC:
        suffix = name[name.rfind("."):].lower() if "." in name else ""
        raise error(name, f"无法读取：文件扩展名是 {suffix}，但内容不是 Office 文档 (not an Office package)")
    names = zip_names(name, raw)
    if "word/document.xml" in names:
        from .docx import read_docx

        return read_docx(name, raw)
    if "xl/workbook.xml" in names:
        from .xlsx import read_xlsx

        return read_xlsx(name, raw)
    raise error(name, "无法读取：zip 包中既没有 Word 文档也没有 Excel 工作簿 (a zip that is neither .docx nor .xlsx)")


FORMAT = Format(kind="office", label="Word/Excel 文档", suffixes=SUFFIXES, sniff=sniff, read=read_office)
