"""`jixiao rules ...`: tools for the people who write the policy.

    lint PACK              every schema, compile and semantic problem, as file:line:col: code: message
    test PACK              run the rules' examples and the pack's test files: PASS/FAIL per test
    explain CODE           a rule's documentation: what, why, parameters, examples, citation, overrides
    diff OLD NEW           rules added, removed and changed; with --cases, every case under both packs
    doc PACK --output DIR  a Markdown page per rule, generated from the pack
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console

from ..cli import handle_errors
from ..errors import Problem


def shown_path(path: str | None) -> str | None:
    """A path as the user would type it: relative to the working folder when under it."""
    if not path:
        return path
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if rel.startswith("..") else rel


def render_problem(problem: Problem) -> str:
    return replace(problem, file=shown_path(problem.file)).render()


@click.group("rules")
def rules() -> None:
    """Check, test, explain, compare and document rule packs."""


@rules.command("lint")
@click.argument("pack", type=click.Path(path_type=str))
@handle_errors
def lint_cmd(pack: str) -> None:
    """Check PACK (a rule pack folder) for schema, compile and semantic problems, all at once.

    Exit status: 0 clean, 1 problems found, 2 the pack cannot be read."""
    from ..lint import lint_pack

    report = lint_pack(pack)
    for problem in report.problems:
        click.echo(render_problem(problem))
    count = len(report.problems)
    summary = f"{pack}: no problems" if not count else f"{pack}: {count} problem{'s' if count > 1 else ''}"
    click.echo(summary, err=True)
    sys.exit(report.exit_code)
