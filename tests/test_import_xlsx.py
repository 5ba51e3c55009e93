"""`jixiao import` on Excel workbooks built here with openpyxl, and `jixiao template xlsx`:
the blank workbook, filled in with the seed case, imports back to that case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.importers import import_file, read_source
from engine.importers.template import LEVEL1_CHOICES, LEVEL2_CHOICES, SELF, TARGET
from engine.importers.xlsx import render
from engine.load import load_file, load_text
from tests.import_forms import (
    folded,
    EXCLUDED, loaded, without,
    EXPECTED_SELF_EVALUATION, LAYOUTS, SEED_CASE, SEED_TEXT, fill_template, put_blocks, review_reasons, seed_blocks,
    variant_blocks, write_xlsx,
)



needs_seed = pytest.mark.skipif(not SEED_TEXT.exists(), reason=f"seed form not found at {SEED_TEXT}")


@needs_seed
def test_seed_as_a_worksheet_imports_to_the_hand_made_case(tmp_path):
    path = write_xlsx(seed_blocks(), tmp_path / "lukou.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert len(ws.merged_cells.ranges) > 30
    values = [c.value for row in ws.iter_rows() for c in row]
    assert 2.5 in values and 160.48 in values and "2.5" not in values  # figures typed as numbers
    assert any(c.value == 1 and c.number_format == "0%" for row in ws.iter_rows() for c in row)  # 100%
    result = import_file(path)
    assert result.source.kind == "xlsx"
    assert without(loaded(result), EXCLUDED) == without(load_file(SEED_CASE).data, EXCLUDED)
    assert review_reasons(result.review) == review_reasons(import_file(SEED_TEXT).review)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_column_layouts_import_to_the_same_self_evaluation(tmp_path, layout):
    result = import_file(write_xlsx(variant_blocks(layout), tmp_path / f"{layout}.xlsx"))
    assert folded(loaded(result)["self_evaluation"]) == EXPECTED_SELF_EVALUATION
    extra = [("self_evaluation.indicators[1].groups[0].rows[0].target", "指标性质“正向”按“≥”读入")] \
        if layout == "nature_unit" else []
    assert review_reasons(result.review) == extra + [("target_table", "文件中没有找到绩效目标表，该部分不可核对，案卷中已略去")]


def test_parts_on_separate_sheets(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "自评表"
    put_blocks(wb.active, variant_blocks("national")[:3], 1)
    report = wb.create_sheet("报告")
    put_blocks(report, variant_blocks("national")[3:], 1)
    hidden = wb.create_sheet("底稿")
    hidden["A1"] = "部门整体支出绩效目标表"
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "sheets.xlsx")
    result = import_file(tmp_path / "sheets.xlsx")
    assert result.case["self_evaluation"] == EXPECTED_SELF_EVALUATION
    assert result.case["report"]["self_score"]["score"] == Decimal("98.87")
    assert result.source.notes == ["隐藏的工作表“底稿”未读入"]


def test_formula_without_a_cached_value_is_empty_and_noted(tmp_path):
    path = write_xlsx(variant_blocks("quanzhong"), tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == 98.87)
    cell.value = "=SUM(G12:G17)"  # openpyxl stores no result: Excel never computed it
    wb.save(path)
    result = import_file(path)
    assert result.case["self_evaluation"]["total"] == {"weight": Decimal(100), "score": None}
    assert result.source.notes == [f"Sheet1!{cell.coordinate} 是公式“=SUM(G12:G17)”但没有计算结果，按空白读入"]


@pytest.mark.parametrize("value, number_format, shown", [
    (2.5, "General", "2.5"),
    (160.48, "0.00", "160.48"),
    (0.95, "0%", "95%"),
    (1, "0.00%", "100%"),
    (0.9512, "0.00%", "95.12%"),
    (27615141, "General", "27615141"),
    (dt.datetime(2022, 12, 27), 'yyyy"年"m"月"d"日"', "2022年12月27日"),
    (dt.datetime(2022, 12, 27), "yyyy-mm-dd", "2022-12-27"),
    (dt.date(2022, 1, 2), "yyyy/m/d", "2022/1/2"),
    (True, "General", "是"),
    (None, "General", ""),
    ("≥95%", "@", "≥95%"),
])
def test_cells_read_as_shown(value, number_format, shown):
    assert render(value, number_format) == shown


# ── the template ────────────────────────────────────────────────────────────────────────


@pytest.fixture()
def template(tmp_path):
    path = tmp_path / "模板.xlsx"
    result = CliRunner().invoke(main, ["template", "xlsx", "--output", str(path)])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["模板.xlsx"]
    return path


def _validations(ws) -> dict[str, list[str]]:
    """cell range -> validation types, e.g. {"B14:B53": ["list"], "G14:H53": ["decimal"]}."""
    out: dict[str, list[str]] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out.setdefault(rng, []).append(dv.type)
    return out


def test_template_layout_and_validation(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["绩效目标表", "绩效自评表", "自评报告", "填表说明"]
    ws = wb["绩效自评表"]
    header = [ws[f"{c}{SELF['grid_header_row']}"].value for c in SELF["grid_columns"]]
    assert header == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    first, last = SELF["grid_first_row"], SELF["total_row"] - 1
    v = _validations(ws)
    assert v[f"B{first}:B{last}"] == ["list"] and v[f"C{first}:C{last}"] == ["list"]
    assert v[f"G{first}:H{last}"] == ["decimal"]
    assert v["B2"] == ["whole"]
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists == {'"' + ",".join(LEVEL1_CHOICES) + '"', '"' + ",".join(LEVEL2_CHOICES) + '"'}
    # the drop-downs suggest the national names but accept a local form's own words
    assert all(not dv.showErrorMessage for dv in ws.data_validations.dataValidation if dv.type == "list")
    assert all(dv.showErrorMessage for dv in ws.data_validations.dataValidation if dv.type != "list")
    assert ws[f"A{SELF['total_row']}"].value == "总分"
    target = _validations(wb["绩效目标表"])
    assert target[TARGET["total"]] == ["decimal"]


def test_blank_template_needs_a_year_and_lists_what_is_missing(template):
    result = CliRunner().invoke(main, ["import", str(template)])
    assert result.exit_code == 0, result.stderr  # jixiao-case/2: the year is a review item, not a refusal
    case = load_text(result.stdout, "blank.yaml").data
    assert "year" not in case and any(r["field"] == "year" and "--year" in r["action"] for r in case["review"])
    result = CliRunner().invoke(main, ["import", str(template), "--year", "2023"])
    assert result.exit_code == 0, result.stderr
    case = load_text(result.stdout, "blank.yaml").data
    fields = {r["field"] for r in case["review"]}
    assert {"unit", "target_table.indicators", "self_evaluation.indicators", "self_evaluation.goal"} <= fields


@needs_seed
def test_template_round_trip(template):
    seed = load_file(SEED_CASE).data
    fill_template(template, seed)
    source = read_source(template)
    assert {r.where.split("!")[0] for r in source.rows} == {"绩效目标表", "绩效自评表", "自评报告"}  # 填表说明 skipped
    result = import_file(template)
    assert without(loaded(result), EXCLUDED) == without(seed, EXCLUDED)
    assert [(r["field"], r["value"]) for r in result.review] == [
        (r["field"], r["value"]) for r in import_file(SEED_TEXT).review]


@needs_seed
def test_template_round_trip_through_the_cli(template, tmp_path):
    fill_template(template, load_file(SEED_CASE).data)
    out = tmp_path / "back.yaml"
    result = CliRunner().invoke(main, ["import", str(template), "--output", str(out),
                                       "--region", "湖南省株洲市渌口区"])
    assert result.exit_code == 0, result.stderr
    assert "Excel 工作簿" in result.stderr
    back = load_file(out).data
    skip = ("source", "review", "format", "layout")  # format, layout: see EXCLUDED
    assert without(back, skip) == without(load_file(SEED_CASE).data, skip)


def test_template_output_into_a_missing_folder_is_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["template", "xlsx", "-o", str(tmp_path / "no" / "t.xlsx")])
    assert result.exit_code == 2 and "E-OUTPUT" in result.stderr and "Traceback" not in result.stderr
