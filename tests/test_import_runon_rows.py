"""Rows recovered from text whose table lost its layout (runon.py, lines.py):

* run-on text (one long line of words): rows found by the shape the header gives them, names
  given before their cells paired in order, words that fit no row kept as text for review;
* a row of cells holding the header in its middle, cut into the text before, the header's
  tiers and the first data row;
* a row whose cells a page spread over several lines, joined;
* every figure so read goes to review.
"""

from __future__ import annotations

from decimal import Decimal

from engine.importers import import_file
from engine.importers.runon import find_rows, shape


def _rows(case):
    return [r for b in case["self_evaluation"]["indicators"] for g in b["groups"] for r in g["rows"]]


def _fields(case):
    return [(r["name"], r["target"], r["actual"], r["weight"], r["score"]) for r in _rows(case)]


RUN_ON = ("项目支出绩效自评表 (2021年度) 项目名称 公共卫生服务 主管部门 某某县卫生健康局 实施单位 某某镇卫生院 "
          "年度总体目标 实际完成情况 完成全年任务 绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 "
          "产出指标 数量指标 指标1:建立健康档案 38508人 37442人 3 2.9 "
          "指标2:举办宣传活动 不少于12 次 96次 1 1 质量指标 指标3:疫苗接种率 100.00% 97.30% 2 1.9 "
          "指标4:传染病报告 数 指标5:家庭医生签约数 14例 14例 2 2 24694人 22584人 2 1.7 "
          "指标6:经费支出合规性 严格执行相关制度规定 达成预期指标 2 2 总分 100 98")


def test_shape_from_the_header_words_not_from_a_lone_label():
    words = RUN_ON.split()
    start, cols = shape(words)
    # 实际完成情况 of the goal stands alone: the header starts at 绩效指标
    assert words[start] == "绩效指标"
    assert [r for r, _w in cols] == ["target", "actual", "weight", "score"]


def test_run_on_rows_by_their_shape(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(RUN_ON + "\n", encoding="utf-8")
    case = import_file(path).case
    assert _fields(case) == [
        ("指标1:建立健康档案", "38508人", "37442人", Decimal(3), Decimal("2.9")),
        ("指标2:举办宣传活动", "不少于12次", "96次", Decimal(1), Decimal(1)),  # the unit written apart joined
        ("指标3:疫苗接种率", "100.00%", "97.30%", Decimal(2), Decimal("1.9")),
        ("指标4:传染病报告数", "14例", "14例", Decimal(2), Decimal(2)),  # names first, cells after: paired
        ("指标5:家庭医生签约数", "24694人", "22584人", Decimal(2), Decimal("1.7")),
        ("指标6:经费支出合规性", "严格执行相关制度规定", "达成预期指标", Decimal(2), Decimal(2)),
    ]
    blocks = case["self_evaluation"]["indicators"]
    assert [(b["level1"], [g["level2"] for g in b["groups"]]) for b in blocks] == [("产出指标", ["数量指标", "质量指标"])]
    assert case["self_evaluation"]["total"] == {"weight": Decimal(100), "score": Decimal(98)}
    # every figure read so is put to a person, the paired names saying how they were paired
    review = case["review"]
    for k, row in enumerate(_rows(case)):
        for field in ("target", "actual", "weight", "score"):
            path_ = f"self_evaluation.indicators[0].groups[{0 if k < 2 else 1}].rows[{k if k < 2 else k - 2}].{field}"
            assert any(item["field"] == path_ for item in review), path_
    assert any("交错" in item["reason"] for item in review)


def test_words_that_fit_no_row_are_kept_for_review(tmp_path):
    text = RUN_ON.replace("指标1:建立健康档案 38508人 37442人 3 2.9", "指标1:建立健康档案 38508人 二级指标 37442人 3 2.9")
    path = tmp_path / "page.txt"
    path.write_text(text + "\n", encoding="utf-8")
    case = import_file(path).case
    names = [r[0] for r in _fields(case)]
    assert "指标1:建立健康档案" not in names and "指标2:举办宣传活动" in names
    assert any("38508人" in str(item.get("value")) for item in case["review"])


def test_a_name_never_runs_over_a_value_or_heading():
    words = "三级指标 指标值 完成值 分值 得分 数量指标 甲乙丙 100 90 10 9 质量指标 丁戊 95% 95% 10 10".split()
    found = find_rows(words)
    rows = [it for it in found["items"] if it[0] == "row"]
    assert [(name, cells) for _k, name, cells, _d in rows] == [
        ("甲乙丙", ["100", "90", "10", "9"]), ("丁戊", ["95%", "95%", "10", "10"])]
    assert [it[2] for it in found["items"] if it[0] == "heading"] == ["数量指标", "质量指标"]


def test_score_over_weight_is_no_row():
    # "10 90" cannot be 分值 10 and 得分 90: the words are no row
    words = "三级指标 指标值 完成值 分值 得分 甲 100 90 10 90 乙 100 100 10 10 丙 5 5 5 5".split()
    rows = [it[1] for it in find_rows(words)["items"] if it[0] == "row"]
    assert "甲" not in rows and rows == ["乙", "丙"]


CUT = """2022年度项目支出绩效自评表 | 部门:某某中学 |
| 项目名称 | 营养改善计划 | 主管部门 | 某某县教育局 |
| 年度总体目标 | 预期目标 | 实际完成情况 | 改善学生体质 | 改善学生体质 | 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 产出指标 | 数量指标 | 学生受资助人数 | ≥ | 735 | 人次 | 735 | 10 | 10 |
| 质量指标 | 营养改善计划覆盖率 | ≥ | 100 | % | 100% | 10 | 9 |
| 效益指标 | 经济效益指标 | 减轻贫困学生家庭经济负担 |
| 有效 |
| 有效 | 10 | 10 |
| 其他需要说明事项 | 无 | 总分 | 30 | 29 | 优 |
"""


def test_header_inside_a_row_and_a_row_over_three_lines(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(CUT, encoding="utf-8")
    case = import_file(path).case
    rows = _rows(case)
    assert [(r["name"], r["actual"], r["weight"], r["score"]) for r in rows][:3] == [
        ("学生受资助人数", "735", Decimal(10), Decimal(10)),
        ("营养改善计划覆盖率", "100%", Decimal(10), Decimal(9)),
        ("减轻贫困学生家庭经济负担", "有效", Decimal(10), Decimal(10)),  # 有效 is a value, not a 度量单位
    ]
    assert rows[2]["target"] == "有效"
    assert case["self_evaluation"]["total"] == {"weight": Decimal(30), "score": Decimal(29)}
    review = case["review"]
    # the first data row was cut out of the header's row, the third joined from three lines: both said
    assert any("按表头切分" in item["reason"] and item["field"].startswith("self_evaluation.indicators[0].groups[0].rows[0]")
               for item in review)
    assert any("并为一行" in item["reason"] and item["field"].startswith("self_evaluation.indicators[1].groups[0].rows[0]")
               for item in review)


def test_a_row_ending_in_its_scores_takes_no_following_line(tmp_path):
    text = CUT.replace("| 减轻贫困学生家庭经济负担 |\n| 有效 |\n| 有效 | 10 | 10 |",
                       "| 减轻贫困学生家庭经济负担 | 有效 | 有效 | 10 | 10 |\n| 有效 |")
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    case = import_file(path).case
    row = _rows(case)[2]
    assert (row["name"], row["weight"], row["score"]) == ("减轻贫困学生家庭经济负担", Decimal(10), Decimal(10))
    assert not any("并为一行" in item["reason"] for item in case["review"])


NUMBERED = """2023年度部门整体支出绩效评价自评表
序号 | 一级 指标 |
二级 指标 |
三级 指标 |
指标分值 | 指标解释 | 评分标准 | 自评得分 |
1 | 规划 (15分) |
基础信息 (3分) | 基础信息 完整性 | 3 | 信息资料是否真实、完整。 | 1、是否真实(1分); 2、是否完整(2分)。 |
3 |
2 | 工作计划 (6分) | 计划完整性 | 3 | 年度工作计划是否完整可行。 | 完整可行(3分) | 2 | |
3 | 计划明确性 | 3 | 年度工作计划是否明确可操作。 | 明确可操作(3分) | 3 | ||
4 | 执行 (35分) |
预算执行 (18分) | 预算执行率 | 5 | 预算执行数与预算数的比率。 |
1、年度无预算追加(1分)
"""


def test_rows_numbered_over_several_lines(tmp_path):
    # a row starts at the line with the next 序号 ("3 |" right after row 1 is its 得分, not row 3)
    path = tmp_path / "sheet.txt"
    path.write_text(NUMBERED, encoding="utf-8")
    case = import_file(path).case
    got = [(r["name"], r["weight"], r["score"]) for r in _rows(case)]
    assert got == [("基础信息 完整性", Decimal(3), Decimal(3)), ("计划完整性", Decimal(3), Decimal(2)),
                   ("计划明确性", Decimal(3), Decimal(3)), ("预算执行率", Decimal(5), None)]
    blocks = case["self_evaluation"]["indicators"]
    assert [(b["level1"], [g["level2"] for g in b["groups"]]) for b in blocks] == [
        ("规划", ["基础信息 (3分)", "工作计划 (6分)"]), ("执行", ["预算执行 (18分)"])]
    # a line without "|" after a cell ended by one is the next cell (评分标准)
    assert _rows(case)[3]["criteria"].endswith("年度无预算追加(1分)")
    assert any("按序号并为一行" in i["reason"] and i["field"].endswith("rows[0].score") for i in case["review"])


def test_a_row_after_one_with_a_long_reason_is_not_joined_to_it(tmp_path):
    # the row before ends in a 偏差原因 text, not in its scores: the next line is a row of its own
    # (it has a name), never joined to it
    text = """2023年项目支出绩效自评表
| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |
| 产出指标 | 数量指标 | 培训人次 | 300人次 | 280人次 | 10 | 9 | 部分学员因疫情未能按期参训 |
| 合格率 | 100% | 100% | 10 | 10 |
"""
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    case = import_file(path).case
    assert [(r["name"], r["score"]) for r in _rows(case)] == [("培训人次", Decimal(9)), ("合格率", Decimal(10))]
    assert not any("并为一行" in i["reason"] for i in case["review"])


def test_a_header_with_words_it_does_not_know_is_not_cut(tmp_path):
    # the header's last cells are no column words the vocabulary knows: they hold no figure, so
    # they are not a data row cut out of the header (its columns stay as written)
    from engine.importers.lines import _cut_at_headers, _Item

    header = ["三级指标", "指标权重", "计量单位", "指标值", "某某完成数", "某某说明"]
    items = _cut_at_headers([_Item("row", 1, cells=list(header))])
    assert [it.cells for it in items] == [header]
    data = header[:4] + ["产出指标", "培训人次", "10", "人次", "300"]
    items = _cut_at_headers([_Item("row", 1, cells=data)])
    assert [it.cells for it in items] == [header[:4], ["产出指标", "培训人次", "10", "人次", "300"]]
