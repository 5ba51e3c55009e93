"""Reading an input file for `jixiao import` without trusting it.

* The file is opened with O_NONBLOCK and checked with fstat on the open descriptor: a FIFO, a
  device (/dev/zero) or a socket is refused before a byte is read (no blocking open, no endless
  read), and the check and the read are on the same file (no is_file/open race).
* Never more than the size limit is read, even when the file grows meanwhile.
* An Office package (.docx/.xlsx, a zip) is checked before any library inflates it: the number of
  entries and the sum of their declared inflated sizes are bounded. Python's zipfile stops every
  entry at its declared size (and checks the CRC there), so the declared sizes bound what
  python-docx / openpyxl can ever inflate: a zip bomb is refused in milliseconds.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile

from ..errors import JixiaoError

MAX_INPUT_BYTES = 50 * 1024 * 1024  # a web page with its inline images, a scanned PDF: well below
MAX_ZIP_ENTRIES = 2000  # a .docx/.xlsx of a filing has 10-40 parts
MAX_ZIP_INFLATED = 100 * 1024 * 1024  # inflated parts together; a filing's document.xml is < 2 MiB
MAX_ZIP_RATIO = 200  # one part's declared inflated size / its compressed size (XML compresses ~10x)
MAX_ZIP_RATIO_FLOOR = 1024 * 1024  # parts smaller than this are never refused for their ratio


def error(path: str, message: str, code: str = "E-IMPORT-FORMAT", hint: str | None = None) -> JixiaoError:
    return JixiaoError.single(code, message, stage="import", file=path, hint=hint)


def read_input(path: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file, at most `limit`; refuses directories, FIFOs and devices."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise error(path, "没有这个文件 (no such file)", "E-FILE") from None
    except IsADirectoryError:
        raise error(path, "是目录，不是文件 (a directory, not a file)", "E-FILE") from None
    except PermissionError:
        raise error(path, "没有读取权限 (permission denied)", "E-FILE") from None
    except OSError as exc:  # ENXIO: a FIFO with no writer opened O_NONBLOCK for writing, sockets ...
        raise error(path, f"无法打开：{exc.strerror or exc} (cannot open)", "E-FILE") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise error(path, "是目录，不是文件 (a directory, not a file)", "E-FILE")
        if not stat.S_ISREG(st.st_mode):
            raise error(path, "不是普通文件（是设备、管道或套接字），不读取 (not a regular file: a device, pipe or socket)",
                        "E-FILE")
        if st.st_size > limit:
            raise error(path, f"文件有 {st.st_size} 字节，超过 {limit // (1024 * 1024)} MiB 上限 (file too large)",
                        "E-IMPORT-SIZE")
        # A regular file: switch back to blocking reads (O_NONBLOCK has no effect on them anyway).
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise error(path, f"文件超过 {limit // (1024 * 1024)} MiB 上限 (file too large)", "E-IMPORT-SIZE")
        return b"".join(chunks)
    except PermissionError:
        raise error(path, "没有读取权限 (permission denied)", "E-FILE") from None
    except IsADirectoryError:
        raise error(path, "是目录，不是文件 (a directory, not a file)", "E-FILE") from None
    except OSError as exc:
        raise error(path, f"无法读取：{exc.strerror or exc} (read error)", "E-FILE") from None
    finally:
        os.close(fd)


def zip_names(path: str, raw: bytes) -> set[str]:
    """The part names of an Office package, after checking its entry count and inflated sizes."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise error(path, "无法读取：文件像 zip 包（.docx/.xlsx）但已损坏 (a damaged .docx/.xlsx package)") from None
    check_zip(path, infos)
    return {i.filename for i in infos}


def check_zip(path: str, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ZIP_ENTRIES:
        raise error(path, f"zip 包有 {len(infos)} 个部件，超过 {MAX_ZIP_ENTRIES} 个上限，疑为压缩炸弹，不读取 "
                          "(too many entries in the package)", "E-IMPORT-SIZE")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise error(path, "文件已加密（设有打开密码），无法读取 (the package is encrypted)", "E-IMPORT-ENCRYPTED",
                        hint="在 Word/Excel/WPS 中取消密码并另存后再导入")
        total += info.file_size
        if info.file_size > MAX_ZIP_RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise error(path, f"部件 {info.filename} 解压后 {info.file_size} 字节，是压缩后的 "
                              f"{info.file_size // max(info.compress_size, 1)} 倍，疑为压缩炸弹，不读取 "
                              "(inflation ratio too high)", "E-IMPORT-SIZE")
    if total > MAX_ZIP_INFLATED:
        raise error(path, f"zip 包解压后共 {total} 字节，超过 {MAX_ZIP_INFLATED // (1024 * 1024)} MiB 上限，"
                          "疑为压缩炸弹，不读取 (inflated size too large)", "E-IMPORT-SIZE")
