"""One cell per paragraph (lines.py): a level heading a narrow column wrapped over two cells
("可持续影响" / "指标") is one heading, not a heading and a row named "指标"."""

from __future__ import annotations

from decimal import Decimal

from engine.importers import import_file

CELLS = ["项目支出绩效自评表", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
         "产出指标", "数量指标", "培训人数", "100", "100", "10", "10",
         "效益指标", "可持续影响", "指标", "指标1长期使用性", "100", "100", "10", "10",
         "总分", "20", "20"]


def test_wrapped_level_heading_of_five_characters(tmp_path):
    path = tmp_path / "filing.txt"
    path.write_text("\n\n".join(CELLS) + "\n", encoding="utf-8")
    case = import_file(path).case
    blocks = case["self_evaluation"]["indicators"]
    assert [(b["level1"], [(g["level2"], [r["name"] for r in g["rows"]]) for g in b["groups"]]) for b in blocks] == [
        ("产出指标", [("数量指标", ["培训人数"])]),
        ("效益指标", [("可持续影响指标", ["指标1长期使用性"])]),
    ]
    row = blocks[1]["groups"][0]["rows"][0]
    assert (row["target"], row["actual"], row["weight"], row["score"]) == ("100", "100", Decimal(10), Decimal(10))


def test_a_long_cell_before_a_level_word_is_not_joined(tmp_path):
    # "运营维护长期" + "指标" is no heading: the two cells stay apart
    cells = [c if c != "可持续影响" else "运营维护长期" for c in CELLS]
    path = tmp_path / "filing.txt"
    path.write_text("\n\n".join(cells) + "\n", encoding="utf-8")
    case = import_file(path).case
    names = [g["level2"] for b in case["self_evaluation"]["indicators"] for g in b["groups"]]
    assert "运营维护长期指标" not in names


SPACED = """项目支出绩效自评表(2022年度)
项目名称 市级文物保护专项经费
绩效指标 一级指标 二级指标 三级指标 年度 实际 分值 得分 偏差原因分析及改进措施
指标值 完成值
产出指标 数量指标 指标1:修缮建筑面积 6000平方米 6000平方米 7 7
质量指标 指标1:验收通过率 100% 95% 6 5
指标2:工程质量管理 ≥95% 98% 6 6
总分 19 18
"""


def test_space_separated_header_over_two_lines(tmp_path):
    # "年度 实际" above "指标值 完成值": one header (年度指标值, 实际完成值), not a row named "指标值"
    path = tmp_path / "page.txt"
    path.write_text(SPACED, encoding="utf-8")
    case = import_file(path).case
    rows = [r for b in case["self_evaluation"]["indicators"] for g in b["groups"] for r in g["rows"]]
    assert [(r["name"], r["target"], r["actual"], r["weight"], r["score"]) for r in rows] == [
        ("指标1:修缮建筑面积", "6000平方米", "6000平方米", Decimal(7), Decimal(7)),
        ("指标1:验收通过率", "100%", "95%", Decimal(6), Decimal(5)),
        ("指标2:工程质量管理", "≥95%", "98%", Decimal(6), Decimal(6)),
    ]


def test_a_line_below_the_header_that_completes_nothing_stays_a_row():
    from engine.importers.lines import _complete_header, _header_words

    grid, budget = _header_words()
    words = ["一级指标", "二级指标", "三级指标", "年度", "实际", "分值", "得分"]
    assert _complete_header(words, ["指标值", "完成值"], grid, budget) == [
        "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    assert _complete_header(words, ["产出指标", "数量指标"], grid, budget) is None
    assert _complete_header(words, ["指标值", "完成值", "其他"], grid, budget) is None


PER_LINE = ["项目支出绩效自评表", "一级指标", "二级指标", "三级指标", "年度", "指标值", "实际", "完成值", "分值", "得分",
            "偏差原因", "分析及", "改进措施",
            "产出指标", "数量指标", "造林面积", "1.2万亩", "1.2万亩", "10", "10", " ",
            "病虫害防治面积", "3.45万亩", "3.45万亩", "7", "7",
            "森林经营面积", "16.3万亩", "16.3万亩", "7", "6", "进度滞后"]


def test_header_cell_over_three_lines_and_a_dropped_blank_reason(tmp_path):
    # "偏差原因" / "分析及" / "改进措施" is one header cell; the row 病虫害防治面积 lost its blank
    # 偏差原因 line, so 森林经营面积 (followed by two values and two numbers) starts the next row
    # instead of being read as that reason
    path = tmp_path / "filing.txt"
    path.write_text("\n".join(PER_LINE) + "\n", encoding="utf-8")
    case = import_file(path).case
    rows = [r for b in case["self_evaluation"]["indicators"] for g in b["groups"] for r in g["rows"]]
    assert [(r["name"], r["target"], r["weight"], r["score"], r["reason"]) for r in rows] == [
        ("造林面积", "1.2万亩", Decimal(10), Decimal(10), ""),
        ("病虫害防治面积", "3.45万亩", Decimal(7), Decimal(7), ""),
        ("森林经营面积", "16.3万亩", Decimal(7), Decimal(6), "进度滞后"),
    ]
    assert not any("分析及" in str(i.get("value")) for i in case["review"])


def test_bar_cells_padded_by_a_varying_number_of_empty_cells(tmp_path):
    # a page ends each cell with " |" and pads rows with empty cells whose number varies (3 after
    # one row, 5 after another): the padding is the merged level cells, not the next row's cells
    cells = ["项目支出绩效自评表", "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分",
             "未完成原因及拟采取的改进措施", "", "产出指标(50分)", "数量指标", "发放人数", "5", ">=21933人", "21980人", "5",
             "", "", "", "", "救助人数", "5", ">=4754人", "4604人", "4", "动态管理", "", "", "", "", "",
             "临时救助人数", "10", ">=7人", "7人", "10", "", "", ""]
    path = tmp_path / "page.txt"
    path.write_text("".join(f"{c} |\n" if c else "|\n" for c in cells), encoding="utf-8")
    case = import_file(path).case
    rows = [r for b in case["self_evaluation"]["indicators"] for g in b["groups"] for r in g["rows"]]
    assert [(r["name"], r["weight"], r["target"], r["actual"], r["score"]) for r in rows] == [
        ("发放人数", Decimal(5), ">=21933人", "21980人", Decimal(5)),
        ("救助人数", Decimal(5), ">=4754人", "4604人", Decimal(4)),
        ("临时救助人数", Decimal(10), ">=7人", "7人", Decimal(10)),
    ]


def test_a_bar_cell_of_many_lines_is_one_cell(tmp_path):
    # a criteria cell of six numbered lines between two bars is one cell, not running text
    criteria = ["①支出符合财经法规;", "②资金拨付有审批手续;", "③项目支出经过论证;", "④支出符合批复用途;",
                "⑤资金使用无截留。", "以上每出现一例扣1分。"]
    lines = ["部门整体支出绩效评价评分表", "一级指标 |", "三级指标 |", "评分标准 |", "分值 |", "得分 |", "|",
             "预算管理", "(15分)", "|", "管理制度", "健全性", "|", "①已制定管理办法,1分;", "|", "3", "|", "3", "|", "|",
             "资金使用", "合规性", "|", *criteria, "|", "3", "|", "2", "|", "|"]
    path = tmp_path / "sheet.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    case = import_file(path).case
    rows = [r for b in case["self_evaluation"]["indicators"] for g in b["groups"] for r in g["rows"]]
    assert [(r["name"], r["weight"], r["score"]) for r in rows] == [
        ("管理制度健全性", Decimal(3), Decimal(3)), ("资金使用合规性", Decimal(3), Decimal(2))]
    assert rows[1]["criteria"].startswith("①支出符合财经法规;") and rows[1]["criteria"].endswith("扣1分。")
