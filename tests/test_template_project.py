"""`jixiao template xlsx --form project`: a blank 项目支出绩效自评表 that, filled in, imports back
into a jixiao-case/2 project case (项目名称, 主管部门, 实施单位, 项目类别, the sources of funds)
and scores; and `jixiao import --form` overrides the form the titles tell."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from engine.api import score_file
from engine.cli import main
from engine.importers import import_file
from engine.importers.template import PROJECT, PROJECT_FUNDING_ROWS
from engine.load import load_file
from tests.import_forms import PROJECT_FILING, fill_project_template, seed_blocks, write_docx


@pytest.fixture()
def project_template(tmp_path):
    path = tmp_path / "项目模板.xlsx"
    result = CliRunner().invoke(main, ["template", "xlsx", "--form", "project", "--output", str(path)])
    assert result.exit_code == 0, result.stderr
    return path


def test_project_template_layout(project_template):
    wb = openpyxl.load_workbook(project_template)
    assert wb.sheetnames == ["项目支出绩效自评表", "填表说明"]
    ws = wb["项目支出绩效自评表"]
    assert ws["A1"].value == "项目支出绩效自评表"
    labels = {ws[f"{c}{r}"].value for r in range(2, 5) for c in "AE"}
    assert {"预算年度", "项目名称", "主管部门", "实施单位", "项目类别"} <= labels
    header = PROJECT["budget_header_row"]
    assert [ws[f"{c}{header}"].value for c in PROJECT["budget_columns"]] == [
        "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    first = PROJECT["funding_first_row"]
    assert tuple(ws[f"B{first + i}"].value for i in range(4)) == PROJECT_FUNDING_ROWS == (
        "年度资金总额", "其中：财政拨款", "上年结转", "其他资金")
    goal = PROJECT["grid_header_row"] - 2
    assert (ws[f"A{goal}"].value, ws[f"B{goal}"].value, ws[f"F{goal}"].value) == ("年度总体目标", "预期目标", "实际完成情况")
    grid = PROJECT["grid_header_row"]
    assert [ws[f"{c}{grid}"].value for c in PROJECT["grid_columns"]] == [
        "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    assert ws[f"A{PROJECT['total_row']}"].value == "总分"


def test_the_department_template_is_still_the_default(tmp_path):
    path = tmp_path / "t.xlsx"
    assert CliRunner().invoke(main, ["template", "xlsx", "-o", str(path)]).exit_code == 0
    assert openpyxl.load_workbook(path).sheetnames == ["绩效目标表", "绩效自评表", "自评报告", "填表说明"]


def test_filled_project_template_imports_as_a_project_case_and_scores(project_template, tmp_path):
    fill_project_template(project_template)
    out = tmp_path / "project.yaml"
    result = CliRunner().invoke(main, ["import", str(project_template), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    case = load_file(str(out)).data
    f = PROJECT_FILING
    assert case["format"] == "jixiao-case/2" and case["form"] == "project" and case["year"] == 2023
    assert (case["project"], case["supervisor"], case["implementer"], case["project_category"]) == (
        f["project"], f["supervisor"], f["implementer"], f["project_category"])
    assert case["unit"] == f["implementer"]  # the form names no 预算部门: the unit is the 实施单位
    se = case["self_evaluation"]
    assert se["budget"]["label"] == "年度资金总额"
    assert [se["budget"][k] for k in ("initial", "full_year", "executed", "weight", "self_score")] == [100, 120, 114, 10, Decimal("9.5")]
    rows = se["funding"]["rows"]
    assert [r["name"] for r in rows] == list(PROJECT_FUNDING_ROWS[1:])
    assert [(r["initial"], r["full_year"], r["executed"], r["rate"]) for r in rows] == [
        (80, 100, 96, "96%"), (20, 20, 18, "90%"), (None, None, None, "")]
    assert se["goal"] == {"expected": f["goal"][0], "actual": f["goal"][1]}
    names = [r["name"] for b in se["indicators"] for g in b["groups"] for r in g["rows"]]
    assert names == [r[2] for r in f["rows"]]
    assert (se["total"]["weight"], se["total"]["score"]) == (100, Decimal("97.5"))
    # what is on the form is read; only the parts a project form lacks are left for review
    assert {r["field"] for r in case.get("review", [])} <= {"target_table", "report"}

    scored = score_file(str(out), matcher="python")
    assert scored.form == "project" and scored.project == f["project"] and scored.supervisor == f["supervisor"]
    assert scored.total is not None and Decimal("90") < scored.total <= Decimal("100")
    assert scored.self_total == Decimal("97.5")


def test_import_form_option_overrides_the_titles(tmp_path):
    path = write_docx(seed_blocks(), tmp_path / "seed.docx")
    assert import_file(path).case["form"] == "department"
    assert import_file(path, form="project").case["form"] == "project"
    out = tmp_path / "p.yaml"
    result = CliRunner().invoke(main, ["import", str(path), "--form", "project", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert load_file(str(out)).data["form"] == "project"
    bad = CliRunner().invoke(main, ["import", str(path), "--form", "province"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_project_template_without_a_form_word_is_read_as_a_project_with_form_option(project_template, tmp_path):
    fill_project_template(project_template)
    wb = openpyxl.load_workbook(project_template)
    wb["项目支出绩效自评表"]["A1"] = "绩效自评表"  # a local form whose title does not say
    wb.save(project_template)
    told = import_file(project_template)
    assert told.case["form"] == "department" and any(r["field"] == "form" for r in told.review)
    forced = import_file(project_template, form="project")
    assert forced.case["form"] == "project" and not any(r["field"] == "form" for r in forced.review)


def test_funding_rows_that_do_not_fit_the_header_are_left_for_review():
    """Run-on text whose 其中 rows lost their blank cells: no figure is put in a guessed column;
    every such row is a review item and funding.rows is not written (a partial list would not add up)."""
    from tests.conftest import ROOT

    result = import_file(ROOT / "tests" / "fixtures" / "import-runon-mirror.txt")
    assert "rows" not in result.case["self_evaluation"].get("funding", {})
    left = [r["value"] for r in result.review if r["field"] == "self_evaluation.budget" and "其他行未读入" in r["reason"]]
    assert left and left[0].startswith("其中:本年财政拨款")
