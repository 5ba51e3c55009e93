"""The one place jixiao starts another program: a fixed list of arguments (never a shell, never
text from input as the program), no standard input, a timeout, and the output captured.

External programs are real components users have (headless Chromium for PDF, LibreOffice for old
Office files, Tesseract for scans); everything else in the engine is forbidden to start processes
(tests/test_no_code_execution.py allows this module only).
"""

from __future__ import annotations

import shutil
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


def run(argv: list[str], timeout: float, cwd: str | None = None) -> Ran:
    """Run `argv` (argv[0] an executable path found by `which` or configured by the user)."""
    try:
        done = subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, cwd=cwd,
                              check=False)
    except subprocess.TimeoutExpired:
        raise TimedOut(argv[0]) from None
    return Ran(done.returncode, done.stdout, done.stderr)
