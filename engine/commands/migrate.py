"""`jixiao migrate CASE [-o OUT]`: rewrite a jixiao-case/1 file as jixiao-case/2."""

from __future__ import annotations

import os

import click

from ..errors import JixiaoError
from .common import err_console, handle_errors, write_output


@click.command("migrate")
@click.argument("case", type=click.Path(dir_okay=False, path_type=str))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Write the migrated case here (default: standard output). Never the input file.")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def migrate_cmd(case: str, output: str | None, debug: bool) -> None:
    """Rewrite CASE (jixiao-case/1) as jixiao-case/2: only the format line changes."""
    from ..load import load_file
    from ..migrate import migrate_document

    if output and os.path.exists(output) and os.path.exists(case) and os.path.samefile(output, case):
        raise JixiaoError.single("E-OUTPUT", "输出文件与输入文件相同，迁移不会覆盖原文件；请用 -o 指定另一个文件 "
                                 "(the output is the input file: give another file)", stage="migrate", file=output)
    text = migrate_document(load_file(case))
    write_output(text, output)
    if output:
        err_console().print(f"已写入 {output}（jixiao-case/2）", highlight=False, markup=False)
