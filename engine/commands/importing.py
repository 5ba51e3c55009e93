"""`jixiao import FILE` and `jixiao template xlsx`: filings in, blank workbooks out.

`import` reads a text copy, .docx or .xlsx filing (engine/importers), writes the case as YAML
(stdout, or --output written atomically) and prints on stderr what it read and what a person
must check. The YAML it writes is loaded and schema-validated before it is written, so a case
that `import` produces always loads with `jixiao score`.
"""

from __future__ import annotations

import os
import sys
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
    lines.append("review 中列出导入时无法确定的单元格：逐条核对、按 action 处理后删除该条。")
    return lines


def _kind(source) -> str:
    from ..importers.formats import label

    return label(source.kind) + (f"，{source.via}" if source.via else "")


def _summary(result, output: str | None) -> list[str]:
    case, found = result.case, result.found
    se, tt, report = case["self_evaluation"], case.get("target_table"), case.get("report")
    year = f" {case['year']}年" if case.get("year") is not None else "（年度未读到）"
    lines = [f"读取 {result.source.path}（{_kind(result.source)}，{result.source.tables} 个表格）：{case['unit']}{year}"
             + (f"，版式 {found['layout']}" if found.get("layout") else "")]
    if found["target_rows"] and tt:
        lines.append(f"  绩效目标表：{found['target_rows']} 行指标，资金总额 {_n(tt['budget']['total'])} 万元")
    if found["self_rows"]:
        b = se["budget"]
        lines.append(
            f"  绩效自评表：{len(se['indicators'])} 个一级指标，{found['self_rows']} 行指标；"
            f"全年预算 {_n(b['full_year'])}，执行 {_n(b['executed'])}；总分 {_n(se['total']['weight'])} / "
            f"自评 {_n(se['total']['score'])}"
        )
    if report and report["title"]:
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
            action = f" → {item['action']}" if item.get("action") else ""
            lines.append(f"  - {item['field']}{value}：{item['reason']}{action}")
    else:
        lines.append("没有需要核对的单元格。")
    if output:
        lines.append(f"已写入 {output}")
    return lines


def _n(value) -> str:
    from ..decimals import fmt

    return "—" if value is None else fmt(value)


def _render(result, source_path: str, output: str | None) -> str:
    """The case as YAML, loaded and schema-validated like a hand-made case (else: our bug)."""
    from ..importers import dump_case
    from ..load import load_text
    from ..validate import validate

    text = dump_case(result.case, _comments(source_path, output, _kind(result.source)))
    doc = load_text(text, output or "<import>")
    try:
        validate(doc, CASE_SCHEMA)
    except JixiaoError as exc:
        raise RuntimeError(f"the imported case does not validate: {exc.render()}") from None
    return text


def _outputs(base: Path, n: int) -> list[Path]:
    """Where the cases of a file holding n filings go: base, base-2, base-3 ..."""
    if n == 1:
        return [base]
    return [base] + [base.with_name(f"{base.stem}-{k}{base.suffix}") for k in range(2, n + 1)]


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=True, path_type=str))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Write the case here (atomically) instead of standard output; a file holding several "
                   "filings gives FILE, FILE-2 ...")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Folder for the cases (one per filing); required when PATH is a folder.")
@click.option("--year", type=click.IntRange(1900, 2200), default=None,
              help="Fiscal year, when the forms do not state it.")
@click.option("--region", default=None, help="Region of the unit (not on the forms), e.g. 湖南省株洲市渌口区.")
@click.option("--form", "form", type=click.Choice(["department", "project"]), default=None,
              help="The form of the filing (部门整体支出 / 项目支出), when the titles do not tell it or tell it wrong "
                   "(default: as the titles say).")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def import_cmd(path: str, output: str | None, out_dir: str | None, year: int | None, region: str | None,
               form: str | None, debug: bool) -> None:
    """Read PATH (a filing: web page, PDF, scan, .docx/.xlsx, old .doc/.xls/.wps/.et, or text) into
    case files for review; PATH may be a folder of filings (then give --out DIR)."""
    from ..importers import import_filings

    if os.path.isdir(path):
        if not out_dir:
            raise click.UsageError("导入文件夹时请用 --out DIR 指定输出文件夹 (give --out DIR for a folder)")
        sys.exit(_import_folder(path, out_dir, year, region, form))
    refuse_overwriting_input(output, path)
    results = import_filings(path, year=year, region=region, form=form)
    if out_dir and not output:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        output = str(Path(out_dir) / (Path(path).stem + ".yaml"))
    if len(results) > 1 and not output:
        raise JixiaoError.single(
            "E-IMPORT-MULTI", f"文件中有 {len(results)} 份填报，请用 -o FILE 或 --out DIR 写成 {len(results)} 个案卷 "
                              "(several filings in one file: give an output)", stage="import", file=path)
    targets = _outputs(Path(output), len(results)) if output else [None]
    for result, target in zip(results, targets):
        text = _render(result, path, str(target) if target else None)
        if target:
            write_atomic(str(target), text.encode("utf-8"))
        else:
            click.echo(text, nl=False)
        click.echo("\n".join(_summary(result, str(target) if target else None)), err=True)


def _import_folder(folder: str, out_dir: str, year: int | None, region: str | None, form: str | None = None) -> int:
    """Import every filing under `folder` into `out_dir`; a failed file does not stop the rest.
    Progress and the summary on stderr, one row per input file in out_dir/import-summary.csv.
    Exit status: 0 all read, 1 some failed."""
    import csv
    import io

    from ..importers import import_filings
    from ..importers.formats import suffixes

    known = suffixes()
    root = Path(folder)
    out = Path(out_dir)
    files = sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in known
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and not (out.resolve() in p.resolve().parents)
    )
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    counts = {"read": 0, "review": 0, "failed": 0, "cases": 0}
    for n, file in enumerate(files, start=1):
        rel = file.relative_to(root)
        try:
            results = import_filings(str(file), year=year, region=region, form=form)
            written = []
            for result, target in zip(results, _outputs(out / rel.with_suffix(".yaml"), len(results))):
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(str(target), _render(result, str(file), str(target)).encode("utf-8"))
                written.append((target, result))
            review = sum(len(r.review) for _t, r in written)
            counts["read"] += 1
            counts["cases"] += len(written)
            counts["review"] += 1 if review else 0
            status = "需核对" if review else "已读入"
            for target, result in written:
                rows.append([str(rel), str(target.relative_to(out)), status, len(result.review),
                             result.found.get("layout", ""), ""])
            click.echo(f"[{n}/{len(files)}] {rel}: {len(written)} 份填报，待核对 {review} 处", err=True)
        except JixiaoError as exc:
            counts["failed"] += 1
            message = "; ".join(p.render() for p in exc.problems)
            rows.append([str(rel), "", "失败", "", "", message])
            click.echo(f"[{n}/{len(files)}] {rel}: 失败：{message}", err=True)
        except Exception as exc:  # noqa: BLE001 - one file's bug must not stop the folder
            counts["failed"] += 1
            message = f"内部错误 (internal error): {type(exc).__name__}: {exc}"
            rows.append([str(rel), "", "失败", "", "", message])
            click.echo(f"[{n}/{len(files)}] {rel}: 失败：{message}", err=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["文件", "案卷", "状态", "待核对", "版式", "错误"])
    writer.writerows(rows)
    write_atomic(str(out / "import-summary.csv"), buffer.getvalue().encode("utf-8-sig"))
    click.echo(
        f"共 {len(files)} 个文件：读入 {counts['read']} 个（{counts['cases']} 份案卷，其中 {counts['review']} 个需核对），"
        f"失败 {counts['failed']} 个。明细见 {out / 'import-summary.csv'}", err=True)
    return 1 if counts["failed"] else 0


@click.command("template")
@click.argument("kind", type=click.Choice(["xlsx"]))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str), required=True,
              help="Where to write the blank workbook.")
@click.option("--form", "form", type=click.Choice(["department", "project"]), default="department", show_default=True,
              help="部门整体支出 (target table, self-evaluation, report) or 项目支出 (项目支出绩效自评表).")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def template_cmd(kind: str, output: str, form: str, debug: bool) -> None:
    """Write a blank workbook in the national layout, to fill in and `jixiao import` back."""
    from ..importers.template import workbook_bytes

    write_atomic(output, workbook_bytes(form))
    click.echo(f"已写入空白模板 {output}：填写后用 jixiao import {Path(output).name} 导入。", err=True)
