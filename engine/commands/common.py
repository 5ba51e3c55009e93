"""What every command shares: error handling (exit codes, no tracebacks) and atomic output."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from pathlib import Path

import click
from rich.console import Console

from ..errors import JixiaoError

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def err_console() -> Console:
    """The console for messages to standard error (errors, and notes such as the pack chosen)."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def handle_errors(func):
    """Turn JixiaoError into exit 2 with its problems listed; never show a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except JixiaoError as exc:
            console = err_console()
            for problem in exc.problems:
                console.print(f"[bold red]error[/]: {problem.render()}", markup=True, highlight=False)
            sys.exit(EXIT_BAD_INPUT)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
            if kwargs.get("debug") or "--debug" in sys.argv:
                raise
            err_console().print(
                f"[bold red]internal error[/]: {type(exc).__name__}: {exc}\n"
                "This is a bug in jixiao, not in your input; run again with --debug for details.",
                markup=True, highlight=False,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper


def write_atomic(target: str, data: bytes) -> None:
    """Write to a temporary file next to `target`, then rename it over `target`."""
    path = Path(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent or "."))
    except OSError as exc:
        raise JixiaoError.single("E-OUTPUT", exc.strerror or str(exc), stage="output", file=target) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise JixiaoError.single("E-OUTPUT", exc.strerror or str(exc), stage="output", file=target) from None


def write_output(text: str, output: str | None) -> None:
    """Text to `output` (atomically, UTF-8) or to standard output."""
    if output:
        write_atomic(output, text.encode("utf-8"))
    else:
        click.echo(text, nl=False)
