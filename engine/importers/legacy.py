"""Old binary Office files (.doc, .xls, and WPS's .wps, .et): converted with LibreOffice.

`soffice --headless --convert-to docx|xlsx` runs in a temporary folder with its own user
profile (so it neither waits for nor disturbs a LibreOffice the user has open), in its own
process group, killed after `TIMEOUT_S`. The converted package is read by the .docx / .xlsx
reader like any other. Without LibreOffice, the message names the Debian package to install.
A password-protected file (an OLE2 container holding `EncryptedPackage`, which is also how
Office stores an encrypted .docx/.xlsx) is refused as such.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .. import external
from .grid import Format
from .safeio import error

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TIMEOUT_S = 120
SHEET_SUFFIXES = (".xls", ".et", ".ett", ".xlt")
WORD_SUFFIXES = (".doc", ".wps", ".wpt", ".dot")
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_WORKBOOK = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le") + b"\x00\x00")
_WORD = "WordDocument".encode("utf-16-le")


def sniff(head: bytes, suffix: str) -> bool:
    return head[:8] == OLE_MAGIC or (suffix in SHEET_SUFFIXES + WORD_SUFFIXES and head[:4] != b"PK\x03\x04")


def soffice() -> str | None:
    return external.which("soffice", "libreoffice")


def _target(name: str, raw: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in SHEET_SUFFIXES:
        return "xlsx"
    if suffix in WORD_SUFFIXES:
        return "docx"
    if _WORD in raw:
        return "docx"
    return "xlsx" if any(w in raw for w in _WORKBOOK) else "docx"


def convert(name: str, raw: bytes, target: str) -> bytes:
    """The bytes of the file converted to `target` ("docx" | "xlsx") by LibreOffice."""
    what = "Word" if target == "docx" else "Excel"
    package = "libreoffice-writer" if target == "docx" else "libreoffice-calc"
    program = soffice()
    if program is None:
        raise error(name, f"这是旧版 {what}/WPS 文件，需要 LibreOffice 转换，但本机没有安装 LibreOffice "
                          f"(LibreOffice is needed to read old binary Office files)", "E-IMPORT-TOOL",
                    hint=f"安装 Debian 软件包 {package}（apt-get install {package}），或在 Word/Excel/WPS 中另存为 "
                         f".{target} 后再导入")
    with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as tmp:
        suffix = Path(name).suffix.lower() or (".doc" if target == "docx" else ".xls")
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(raw)
        out = Path(tmp) / "out"
        command = [program, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless", "--norestore",
                   "--nologo", "--nodefault", "--nolockcheck", "--convert-to", target, "--outdir", str(out), str(src)]
        try:
            ran = external.run(command, timeout=TIMEOUT_S)
        except external.TimedOut:
            raise error(name, f"LibreOffice 转换超过 {TIMEOUT_S} 秒未完成，已停止 (conversion timed out)",
                        "E-IMPORT-TOOL", hint=f"在 Word/Excel/WPS 中另存为 .{target} 后再导入") from None
        except OSError as exc:
            raise error(name, f"无法启动 LibreOffice：{exc} (cannot start soffice)", "E-IMPORT-TOOL") from None
        stderr = ran.stderr
        produced = out / f"input.{target}"
        if ran.returncode != 0 or not produced.is_file():
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] if stderr else []
            raise error(name, f"LibreOffice 无法转换这个文件（文件损坏或设有密码？）"
                              f"(LibreOffice could not convert it{': ' + detail[0][:200] if detail else ''})",
                        hint=f"在 Word/Excel/WPS 中打开并另存为 .{target} 后再导入")
        return produced.read_bytes()


def read_legacy(name: str, raw: bytes):
    if _ENCRYPTED in raw:
        raise error(name, "文件设有打开密码（已加密），无法读取 (the file is password-protected)", "E-IMPORT-ENCRYPTED",
                    hint="在 Word/Excel/WPS 中取消密码并另存后再导入")
    target = _target(name, raw)
    converted = convert(name, raw, target)
    from .office import read_office

    source = read_office(name + f"（转换为 .{target}）", converted)
    source.path = name
    source.via = "LibreOffice 转换"
    return source


FORMAT = Format(kind="legacy", label="旧版 Office/WPS 文件", suffixes=WORD_SUFFIXES + SHEET_SUFFIXES, sniff=sniff,
                read=read_legacy)
