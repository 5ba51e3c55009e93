"""`jixiao import FILE` and `jixiao template xlsx`: filings in, blank workbooks out.

`import` reads a text copy, .docx or .xlsx filing (engine/importers), writes the case as YAML
(stdout, or --output written atomically) and prints on stderr what it read and what a person
must check. The YAML it writes is loaded and schema-validated before it is written, so a case
that `import` produces always loads with `jixiao score`.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..atomic import refuse_overwriting_input, write_atomic
from .common import handle_errors
from ..errors import JixiaoError

CASE_SCHEMA = "case.schema.json"
SCHEMA_PATH = Path(__file__).resolve().parent.parent.parent / "schemas" / CASE_SCHEMA


def _comments(source_path: str, output: str | None, kind: str) -> list[str]:
    lines = []
    if output:
        try:
            rel = os.path.relpath(SCHEMA_PATH, Path(output).resolve().parent)
            lines.append(f"yaml-language-server: $schema={Path(rel).as_posix()}")
        except ValueError:  # another drive on Windows: no relative path
            pass
    lines.append(f"由 jixiao import 从 {Path(source_path).name}（{kind}）读入。文字照表抄录；")
    lines.append("review 中列出导入时无法确定的单元格：逐条核对、改正后删除该条。")
    return lines


def _summary(result, output: str | None) -> list[str]:
    case, found = result.case, result.found
    se, tt, report = case["self_evaluation"], case["target_table"], case["report"]
    kind = {"text": "文本", "docx": "Word 文档", "xlsx": "Excel 工作簿"}[result.source.kind]
    lines = [f"读取 {result.source.path}（{kind}，{result.source.tables} 个表格）：{case['unit']} {case['year']}年"]
    if found["target_rows"]:
        lines.append(f"  绩效目标表：{found['target_rows']} 行指标，资金总额 {_n(tt['budget']['total'])} 万元")
    if found["self_rows"]:
        b = se["budget"]
        lines.append(
            f"  绩效自评表：{len(se['indicators'])} 个一级指标，{found['self_rows']} 行指标；"
            f"全年预算 {_n(b['full_year'])}，执行 {_n(b['executed'])}；总分 {_n(se['total']['weight'])} / "
            f"自评 {_n(se['total']['score'])}"
        )
    if report["title"]:
        stated = report["self_score"]["score"]
        lines.append(
            f"  自评报告：{found['sections']} 个标题，{found['statements']} 处总额及构成"
            + (f"，自评得分 {_n(stated)}" if stated is not None else "")
            + (f"，执行率 {report['execution_rate']}" if report["execution_rate"] else "")
            + (f"，日期 {'、'.join(t for t, _ in found['dates'])}（案卷格式中暂无此栏）" if found["dates"] else "")
        )
    for note in result.source.notes:
        lines.append(f"  注意：{note}")
    if found["skipped_before_title"]:
        lines.append(f"  跳过了第一个表名之前的 {found['skipped_before_title']} 行")
    if result.review:
        lines.append(f"需要核对 {len(result.review)} 处（已写入 review）：")
        for item in result.review:
            value = "" if item["value"] is None else f" = {item['value']!s}"
            lines.append(f"  - {item['field']}{value}：{item['reason']}")
    else:
        lines.append("没有需要核对的单元格。")
    if output:
        lines.append(f"已写入 {output}")
    return lines


def _n(value) -> str:
    from ..decimals import fmt

    return "—" if value is None else fmt(value)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Write the case here (atomically) instead of standard output.")
@click.option("--year", type=click.IntRange(1900, 2200), default=None,
              help="Fiscal year, when the forms do not state it.")
@click.option("--region", default=None, help="Region of the unit (not on the forms), e.g. 湖南省株洲市渌口区.")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def import_cmd(file: str, output: str | None, year: int | None, region: str | None, debug: bool) -> None:
    """Read FILE (text copied from the forms, .docx or .xlsx) into a case file for review."""
    from ..importers import dump_case, import_file
    from ..load import load_text
    from ..validate import validate

    refuse_overwriting_input(output, file)
    result = import_file(file, year=year, region=region)
    kind = {"text": "从 Word 复制的文本", "docx": "Word 文档", "xlsx": "Excel 工作簿"}[result.source.kind]
    text = dump_case(result.case, _comments(file, output, kind))
    # What we write must load and validate like a hand-made case; if not, that is our bug.
    doc = load_text(text, output or "<import>")
    try:
        validate(doc, CASE_SCHEMA)
    except JixiaoError as exc:
        raise RuntimeError(f"the imported case does not validate: {exc.render()}") from None
    if output:
        write_atomic(output, text.encode("utf-8"))
    else:
        click.echo(text, nl=False)
    click.echo("\n".join(_summary(result, output)), err=True)


@click.command("template")
@click.argument("kind", type=click.Choice(["xlsx"]))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str), required=True,
              help="Where to write the blank workbook.")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def template_cmd(kind: str, output: str, debug: bool) -> None:
    """Write a blank workbook in the national layout, to fill in and `jixiao import` back."""
    from ..importers.template import workbook_bytes

    write_atomic(output, workbook_bytes())
    click.echo(f"已写入空白模板 {output}：填写后用 jixiao import {Path(output).name} 导入。", err=True)
