"""The one place jixiao starts another program: a fixed list of arguments (never a shell, never
text from input as the program), no standard input, a timeout, and the output captured.

External programs are real components users have (headless Chromium for PDF, LibreOffice for old
Office files, Tesseract for scans); everything else in the engine is forbidden to start processes
(tests/test_no_code_execution.py allows this module only).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: bytes
    stderr: bytes


class TimedOut(Exception):
    """The program did not finish within its timeout (it has been killed)."""


def which(*names: str) -> str | None:
    """The first of `names` found on PATH, as a full path; None when none is."""
    return next((path for name in names if (path := shutil.which(name))), None)


def run(argv: list[str], timeout: float, cwd: str | None = None, env: dict[str, str] | None = None) -> Ran:
    """Run `argv` (argv[0] an executable path found by `which` or configured by the user).

    The program runs in a process group of its own; on timeout (or an interrupt) the whole group
    is killed, so what it forked (LibreOffice's soffice.bin) does not outlive it. `env`: extra
    environment variables (OMP_THREAD_LIMIT for Tesseract)."""
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=cwd, env={**os.environ, **env} if env else None,
                            start_new_session=hasattr(os, "killpg"))
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise TimedOut(argv[0]) from None
    except BaseException:
        _kill(proc)
        raise
    return Ran(proc.returncode, stdout, stderr)


def _kill(proc: subprocess.Popen) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    proc.communicate()
