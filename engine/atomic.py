"""Writing output files whole or not at all: a temporary file in the same folder, then a rename.

An interrupted run (Ctrl-C, a full disk) leaves either the previous file or the new one, never a
half-written one. Used by the CLI's --output and by batch runs (each result file, and the summary
files, which are written row by row over the whole run through `open_atomic`).
"""

from __future__ import annotations

import errno
import glob
import itertools
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import JixiaoError


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


_SUFFIX = ".tmp"


def _prefix(target: Path) -> str:
    return f".{target.name}."


def leftovers(path: str | Path) -> list[Path]:
    """Temporary files that a writer of `path` left behind when its process was killed
    mid-write (`open_atomic` removes its own on any error it sees)."""
    target = Path(path)
    return sorted(target.parent.glob(glob.escape(_prefix(target)) + "*" + _SUFFIX))


@contextmanager
def open_atomic(path: str | Path) -> Iterator[BinaryIO]:
    """A binary file that replaces `path` when the with-block ends normally; when it raises
    (Ctrl-C included), the temporary file is removed and `path` is left as it was. OS errors
    become E-OUTPUT problems."""
    target = Path(path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_prefix(target), suffix=_SUFFIX)
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it 0600; give it an ordinary file's mode
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise output_error(exc, path) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def output_error(exc: OSError, path: str | Path) -> JixiaoError:
    """An OS error writing `path` as the E-OUTPUT problem the user sees (a full disk said plainly)."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return JixiaoError.single(
            "E-OUTPUT", f"磁盘空间不足，文件未写出 ({exc.strerror or 'No space left on device'})", stage="report",
            file=str(path), hint="释放磁盘空间（或换一个输出位置）后重新运行；已有的同名文件未被改动")
    return JixiaoError.single("E-OUTPUT", exc.strerror or str(exc), stage="report", file=str(path))


_names = itertools.count()  # temporary names of this process: .NAME.PID-N.tmp


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write `data` (text as UTF-8) to `path` atomically; errors become E-OUTPUT problems.

    As open_atomic, with fewer steps (a batch writes one result per case): the temporary file is
    named by the process id and a counter instead of tempfile's random name, and created with
    an ordinary file's mode (0666 less the umask, which the kernel applies) instead of mkstemp's
    0600 changed afterwards. A name already taken (a process with the same id killed mid-write)
    falls back to open_atomic."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target = Path(path)
    tmp = os.path.join(target.parent, f"{_prefix(target)}{os.getpid()}-{next(_names)}{_SUFFIX}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    except FileExistsError:
        with open_atomic(path) as handle:
            handle.write(payload)
        return
    except OSError as exc:
        raise output_error(exc, path) from None
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(tmp, target)
        except OSError as exc:
            raise output_error(exc, path) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def refuse_overwriting_input(output: str | Path | None, *inputs: str | Path) -> None:
    """Refuse an --output that is one of the command's input files: the same file by device and
    inode (a hard link, a symlink, "./case.yaml" for "case.yaml"), not by name. Writing it would
    replace the input with the output (E-OUTPUT-IS-INPUT, before anything is done)."""
    if not output:
        return
    try:
        target = os.stat(output)
    except OSError:
        return  # does not exist yet: it cannot be an input
    for given in inputs:
        try:
            same = os.path.samestat(target, os.stat(given))
        except OSError:
            continue
        if same:
            raise JixiaoError.single(
                "E-OUTPUT-IS-INPUT", f"输出文件就是输入文件 {given}，写入会覆盖它 (the output is the input file)",
                stage="output", file=str(output), hint="用 -o/--output 指定另一个文件")
