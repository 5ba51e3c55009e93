"""`jixiao import` on Word documents built here with python-docx: the seed with real merged
cells, and one self-evaluation in each column layout seen on real forms."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.importers import import_file, read_source
from engine.load import load_file
from tests.import_forms import (
    folded,
    EXCLUDED, loaded, without,
    EXPECTED_SELF_EVALUATION, LAYOUTS, SEED_CASE, SEED_TEXT, P, T, review_reasons, seed_blocks, variant_blocks,
    variant_grid, write_docx,
)




def test_seed_as_word_tables_imports_to_the_hand_made_case(tmp_path):
    path = write_docx(seed_blocks(), tmp_path / "lukou.docx")
    source = read_source(path)
    assert source.kind == "docx"
    # the fixture really has merged cells: level-1 cells merged down, 总分 merged across
    assert sum(c.merged for r in source.rows for c in r.cells) > 50
    total = next(r for r in source.rows if r.cells and r.cells[0].text == "总分")
    assert (total.cells[0].span, [c.text for c in total.cells[1:]]) == (6, ["100", "93", ""])
    result = import_file(path)
    assert without(loaded(result), EXCLUDED) == without(load_file(SEED_CASE).data, EXCLUDED)
    text_review = import_file(SEED_TEXT).review
    assert [(r["field"], r["value"]) for r in result.review] == [(r["field"], r["value"]) for r in text_review]
    assert review_reasons(result.review) == review_reasons(text_review)
    assert result.review[0]["reason"] == "单位“编”不在已知单位表中（表 2 第 19 行第 5 列）"


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_column_layouts_import_to_the_same_self_evaluation(tmp_path, layout):
    path = write_docx(variant_blocks(layout), tmp_path / f"{layout}.docx")
    result = import_file(path)
    case = loaded(result)
    assert folded(case["self_evaluation"]) == EXPECTED_SELF_EVALUATION
    assert case["year"] == 2023 and case["unit"] == "某某区农业农村局" and case["form"] == "department"
    expected_review = [("target_table", "文件中没有找到绩效目标表，该部分不可核对，案卷中已略去")]
    if layout == "nature_unit":
        expected_review.insert(0, ("self_evaluation.indicators[1].groups[0].rows[0].target", "指标性质“正向”按“≥”读入"))
    assert review_reasons(result.review) == expected_review
    report = case["report"]
    assert report["execution_rate"] == "95%"
    assert report["self_score"]["score"] == Decimal("98.87")
    assert [(i["name"], i["amount"], i["share"]) for i in report["statements"][0]["items"]] == [
        ("基本支出", 76, "66.67%"), ("项目支出", 38, "33.33%")]


def test_the_layouts_really_differ(tmp_path):
    """Guard for the test above: each layout's header row is what its name says."""
    headers = {}
    for layout in LAYOUTS:
        grid = variant_grid(layout)
        headers[layout] = next(row for row in grid if "三级指标" in row)
    assert headers["national"][0] == "绩效指标"
    assert headers["weight_first"][3] == "分值" and headers["weight_first"][4] == "年度"
    assert "权重" in headers["quanzhong"] and "分值" not in headers["quanzhong"]
    assert "指标性质" in headers["nature_unit"] and "度量单位" in headers["nature_unit"]
    assert any("调整后预算数" in row for row in variant_grid("quanzhong"))


def _one_grid(rows: list[list[str]]) -> list:
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    return [P("2023年部门整体支出绩效自评表"), T([header, *rows, ["总分", "<", "<", "<", "<", "20", "18", ""]])]


def test_vertically_merged_value_cells_are_left_empty_and_flagged(tmp_path):
    rows = [
        ["产出指标（20分）", "数量指标", "甲", "10个", "10个", "10", "10", "受天气影响"],
        ["^", "^", "乙", "5个", "4个", "^", "8", "^"],
    ]
    result = import_file(write_docx(_one_grid(rows), tmp_path / "merged.docx"))
    (group,) = result.case["self_evaluation"]["indicators"][0]["groups"]
    assert [(r["name"], r["weight"], r["reason"]) for r in group["rows"]] == [("甲", 10, "受天气影响"), ("乙", None, "")]
    reasons = review_reasons(result.review)
    path = "self_evaluation.indicators[0].groups[0].rows[1]"
    assert (f"{path}.weight", "与上方单元格合并，未读入数值") in reasons
    assert (f"{path}.reason", "与上方单元格合并，留空") in reasons


def test_rows_without_weight_or_score_and_bad_numbers_are_flagged(tmp_path):
    rows = [
        ["产出指标（20分）", "数量指标", "甲", "10个", "10个", "", "", ""],
        ["^", "^", "乙", "5个", "4个", "五", "8分", ""],
        ["^", "^", "无", "", "", "", "", ""],
    ]
    result = import_file(write_docx(_one_grid(rows), tmp_path / "gaps.docx"))
    rows_read = result.case["self_evaluation"]["indicators"][0]["groups"][0]["rows"]
    assert [(r["weight"], r["score"]) for r in rows_read] == [(None, None), (None, 8), (None, None)]
    path = "self_evaluation.indicators[0].groups[0].rows"
    assert review_reasons(result.review)[:3] == [
        (f"{path}[0].weight", "本行没有分值"),
        (f"{path}[0].score", "本行没有得分"),
        (f"{path}[1].weight", "“五”不是数字，未读入"),
    ]
    assert not any(f.startswith(f"{path}[2]") for f, _ in review_reasons(result.review))  # 无: not applicable


def test_unknown_columns_and_rows_are_reported(tmp_path):
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "佐证材料"]
    blocks = [P("2023年部门整体支出绩效自评表"),
              T([header, ["产出指标（10分）", "数量指标", "甲", "1次", "1次", "10", "10", "见附件"],
                 ["总分", "<", "<", "<", "<", "10", "10", ""]]),
              P("部门整体支出绩效自评报告"), P("一、情况"), P("正文。")]
    result = import_file(write_docx(blocks, tmp_path / "extra.docx"))
    assert ("self_evaluation.indicators", "列“佐证材料”未识别，未读入") in review_reasons(result.review)
    assert result.case["self_evaluation"]["total"] == {"weight": 10, "score": 10}


def test_cli_reads_docx(tmp_path):
    path = write_docx(variant_blocks("national"), tmp_path / "national.docx")
    out = tmp_path / "case.yaml"
    result = CliRunner().invoke(main, ["import", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "Word 文档" in result.stderr and "需要核对 1 处" in result.stderr
    assert load_file(out).data["self_evaluation"] == EXPECTED_SELF_EVALUATION


def test_docx_without_a_form_is_exit_2(tmp_path):
    path = write_docx([P("会议通知"), P("请各单位准时参加。")], tmp_path / "memo.docx")
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 2
    assert "E-IMPORT-EMPTY" in result.stderr and "Traceback" not in result.stderr


def test_paths_are_strings(tmp_path):
    # import_file accepts str and Path alike
    path = write_docx(variant_blocks("national"), tmp_path / "n.docx")
    assert import_file(str(path)).case == import_file(Path(path)).case
