"""Importers: filings as they arrive (text copied from Word, .docx, .xlsx) -> case data.

Each reader turns its format into the one intermediate representation (`grid.Source`: rows of
cells); `common.build_case` turns that into a case with a `review` list; `emit.dump_case` writes
it as YAML. `import_file` picks the reader by the file's content, not only its name.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import JixiaoError
from .common import ImportResult, build_case
from .emit import dump_case
from .grid import Source

MAX_PACKAGE_BYTES = 20 * 1024 * 1024  # a filing's .docx/.xlsx with a few tables is < 1 MiB

__all__ = ["ImportResult", "import_file", "read_source", "dump_case", "detect_kind"]


def _error(path: str, message: str, code: str = "E-IMPORT-FORMAT", hint: str | None = None) -> JixiaoError:
    return JixiaoError.single(code, message, stage="import", file=path, hint=hint)


def detect_kind(path: str, raw: bytes) -> str:
    """"docx", "xlsx" or "text", from the bytes (a zip's parts), falling back to the suffix."""
    suffix = Path(path).suffix.lower()
    if raw[:4] == b"PK\x03\x04":
        try:
            import io

            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            raise _error(path, "无法读取：文件像 zip 包（.docx/.xlsx）但已损坏 (a damaged .docx/.xlsx package)") from None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise _error(path, "无法读取：zip 包中既没有 Word 文档也没有 Excel 工作簿 (a zip that is neither .docx nor .xlsx)")
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _error(
            path, "无法读取：这是旧版 Office 文件（.doc/.xls），只支持 .docx 和 .xlsx (old binary Office format)",
            hint="在 Word/Excel/WPS 中另存为 .docx 或 .xlsx 后再导入",
        )
    if suffix in (".docx", ".xlsx", ".xlsm"):
        raise _error(path, f"无法读取：文件扩展名是 {suffix}，但内容不是 Office 文档 (not an Office package)")
    return "text"


def read_source(path: str | Path) -> Source:
    name = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise _error(name, "是目录，不是文件 (a directory, not a file)", code="E-FILE")
        size = p.stat().st_size
        if size > MAX_PACKAGE_BYTES:
            raise _error(name, f"文件有 {size} 字节，超过 20 MiB 上限 (file too large)", code="E-IMPORT-SIZE")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise _error(name, "没有这个文件 (no such file)", code="E-FILE") from None
    except PermissionError:
        raise _error(name, "没有读取权限 (permission denied)", code="E-FILE") from None
    except OSError as exc:
        raise _error(name, exc.strerror or str(exc), code="E-FILE") from None
    if not raw.strip():
        raise _error(name, "文件是空的 (the file is empty)", code="E-EMPTY")
    kind = detect_kind(name, raw)
    if kind == "docx":
        from .docx import read_docx

        return read_docx(name, raw)
    if kind == "xlsx":
        from .xlsx import read_xlsx

        return read_xlsx(name, raw)
    from .text import read_text

    return read_text(name, raw)


def import_file(path: str | Path, *, year: int | None = None, region: str | None = None) -> ImportResult:
    """Read a filing (text copy, .docx or .xlsx) into case data with its review list."""
    return build_case(read_source(path), year=year, region=region)
