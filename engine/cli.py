"""Command line: `jixiao score CASE ...`. An edge: parses options, calls the pipeline, renders.

Exit codes: 0 success; 1 findings/failures where a command defines them; 2 bad input (case, pack,
options) with file:line:field messages; 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import datetime

import click

from . import __version__
from .errors import tr
from .commands.common import handle_errors, note, write_output
from .report import BINARY_FORMATS, FORMATS

# The other commands, imported only when run or listed (`jixiao --help` imports them all to show
# their help lines): each pulls in its own dependencies (rich progress bars, the importers, flask),
# which `jixiao score` does not need. Plain import statements, no import by name
# (tests/test_no_code_execution.py).
def _load_command(name: str) -> click.Command:
    if name == "batch":
        from .commands.batch import batch as command
    elif name == "import":
        from .commands.importing import import_cmd as command
    elif name == "template":
        from .commands.importing import template_cmd as command
    elif name == "rules":
        from .commands.rules import rules as command
    elif name == "migrate":
        from .commands.migrate import migrate_cmd as command
    else:
        from .commands.serve import serve as command
    return command


LAZY_COMMANDS = ("batch", "import", "template", "rules", "migrate", "serve")


class LazyGroup(click.Group):
    """A click group whose LAZY_COMMANDS are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in LAZY_COMMANDS:
            self.add_command(_load_command(name), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="jixiao")  # the version results carry; works uninstalled
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of messages: zh (default) or en; also JIXIAO_LANG.")
def main(lang: str | None) -> None:
    """jixiao (绩效): score performance self-evaluations from editable rule packs."""
    if lang:  # the environment, so that batch workers and every module see it
        import os

        from .errors import LANG_ENV

        os.environ[LANG_ENV] = lang


@main.command()
@click.argument("case", type=click.Path(dir_okay=False, path_type=str))
@click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Rule pack folder (default: the pack under rules/ that applies to the case).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="markdown, html, docx: the report for the department (docx needs --output).")
@click.option("--date", "report_date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date of evaluation printed on markdown/html/docx reports (default: today).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Write to this file instead of standard output.")
@click.option("--matcher", type=click.Choice(["durable", "python"]), default=None,
              help="Rule matcher (default: durable when importable, else python).")
@click.option("--why", "why", metavar="ROW", default=None,
              help="Explain which rules could apply to ROW (a row number, an indicator name or a rule code) "
                   "and why each held or not.")
@click.option("--year", "year", type=click.IntRange(1900, 2200), default=None,
              help="Fiscal year for a case that states none (a year in the case file wins).")
@click.option("--strict", is_flag=True, default=False,
              help="Exit 1 when the result is provisional (items to review remain).")
@click.option("--previous", "previous_dir", type=click.Path(path_type=str), default=None,
              help="Folder of last year's results (a `jixiao batch --out` folder): the report shows the change in "
                   "score and which problems recur.")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def score(case: str, rules_dir: str | None, fmt: str, output: str | None, matcher: str | None, why: str | None,
          report_date: datetime.datetime | None, year: int | None, strict: bool, previous_dir: str | None,
          debug: bool) -> None:
    """Score CASE (a case YAML file) and explain every point. Without --rules, the pack under
    rules/ that applies to the case's year, form, layout and region is used, and named on stderr.
    A result with items to review is provisional (待复核); --strict makes that exit 1."""
    from .importers.guard import refuse_filing

    refuse_filing(case)  # a .xlsx/.docx/.pdf/.html filing: say to import it first
    from .api import score_file

    if output:  # engine.atomic (tempfile, glob) only when a file is written
        from .atomic import refuse_overwriting_input

        refuse_overwriting_input(output, case, *_pack_files(rules_dir))
    if why is not None:
        if fmt != "table":
            raise click.UsageError(tr("--why 输出给人读的说明，不能与 --format 同用", "--why prints a report for people; use it without --format"))
        from .commands.why import print_why_for

        print_why_for(case, rules_dir, matcher, why, output, year=year)
        return
    if fmt in BINARY_FORMATS and not output:
        raise click.UsageError(tr(f"--format {fmt} 写的是二进制文件：请用 --output 文件.{fmt} 指定输出文件",
                                     f"--format {fmt} writes a binary file: give --output FILE.{fmt}"))
    result = score_file(case, rules_dir, matcher, announce=note, year=year)
    if previous_dir is not None:
        from .previous import Previous

        result = Previous.load(previous_dir).attach(result)
    if fmt == "table" and not output:
        from .report import table

        table.print_result(result)  # piped or redirected: without importing rich
    else:
        from .report import render

        write_output(render(result, fmt, (report_date or datetime.datetime.now()).date()), output)
    if strict and result.status != "final":
        note(f"结果为暂定（{len(result.review_items)} 项待复核），--strict：退出码 1")
        raise SystemExit(1)


def _pack_files(rules_dir: str | None) -> list[str]:
    """The YAML files of a pack folder given with --rules (an --output must not be one of them)."""
    import glob
    import os

    return glob.glob(os.path.join(glob.escape(rules_dir), "*.yaml")) if rules_dir else []


if __name__ == "__main__":  # pragma: no cover
    main()
