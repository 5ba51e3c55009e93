"""Writing output files whole or not at all: a temporary file in the same folder, then a rename.

An interrupted run (Ctrl-C, a full disk) leaves either the previous file or the new one, never a
half-written one. Used by the CLI's --output and by batch runs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import JixiaoError


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write `data` (text as UTF-8) to `path` atomically; errors become E-OUTPUT problems."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it 0600; give it an ordinary file's mode
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise JixiaoError.single("E-OUTPUT", exc.strerror or str(exc), stage="report", file=str(path)) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
