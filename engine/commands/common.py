"""What every command shares: error handling (exit codes, no tracebacks) and atomic output."""

from __future__ import annotations

import functools
import sys

from typing import TYPE_CHECKING

import click

from ..errors import JixiaoError
from ..report.terminal import printable

if TYPE_CHECKING:
    from rich.console import Console

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def err_console() -> Console:
    """The console for messages to standard error (errors, and notes such as the pack chosen)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_error(label: str, text: str) -> None:
    """`label` (bold red on a terminal) followed by `text`, a line on standard error as
    err_console() prints it; when standard error is not a terminal, written without importing
    rich (engine/report/plaintable.py: the same bytes, or rich whenever it cannot be sure)."""
    from ..report import plaintable

    if plaintable.plain_stream(sys.stderr):
        chunks = plaintable.render([plaintable.Line([plaintable.Styled(label, "bold red"), plaintable.Styled(text)])], 0)
        if chunks is not None:
            plaintable.write(chunks, sys.stderr)
            return
    from rich.text import Text

    err_console().print(Text.assemble((label, "bold red"), text), highlight=False)


def handle_errors(func):
    """Turn JixiaoError into exit 2 with its problems listed; never show a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except JixiaoError as exc:
            for problem in exc.problems:  # messages quote the input: never read them as markup
                print_error("error", ": " + printable(problem.render()))
            sys.exit(EXIT_BAD_INPUT)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
            if kwargs.get("debug") or "--debug" in sys.argv:
                raise
            print_error("internal error", printable(
                f": {type(exc).__name__}: {exc}\n"
                "This is a bug in jixiao, not in your input; run again with --debug for details."))
            sys.exit(EXIT_INTERNAL)

    return wrapper


def note(text: str) -> None:
    """A plain line on standard error (such as the pack chosen), as err_console().print(plain(text))
    writes it, without importing rich: no markup, no wrapping, control characters made visible."""
    click.echo(printable(text), err=True)


def write_output(data: str | bytes, output: str | None) -> None:
    """Text or bytes to `output` (atomically) or text to standard output."""
    if output:
        from ..atomic import write_atomic  # not on the standard-output path: it imports tempfile and glob

        write_atomic(output, data)
    else:
        click.echo(data, nl=False)
