"""Glued tables (engine/importers/glued.py): text whose table cells lost every separator, as document
mirrors give it. Each shape is made here as a small text; the reading is checked cell by cell, and
that every cell so read is in `review:`. Negative cases: text that is not glued is left to
lines.py, and what cannot be read is not invented."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.importers import dump_case, import_file
from engine.importers.glued import parse_glued
from engine.load import load_text
from engine.validate import validate


def rows_of(case: dict) -> list[dict]:
    out = []
    for block in case["self_evaluation"].get("indicators", []):
        for group in block["groups"]:
            for row in group["rows"]:
                out.append(row)
    return out


def imported(tmp_path, text: str):
    path = tmp_path / "filing.txt"
    path.write_text(text, encoding="utf-8")
    result = import_file(path)
    doc = load_text(dump_case(result.case), "imported.yaml")
    validate(doc, "case.schema.json")
    return result


WEIGHT_FIRST = (
    "2022年度某某项目绩效自评表项目名称某某项目主管部门某某局"
    "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及改进措施"
    "产出指标(60分)数量指标安装水位标尺20≥120米≥120米20培训人次10≥300人次320人次10"
    "质量指标验收合格率20100%100%20时效指标及时完工率10≥90%80%8进度滞后"
    "效益指标(30分)社会效益指标群众生活条件改善状况30显著提升显著提升30"
    "满意度指标(10分)服务对象满意度指标受益群众满意度10≥95%96%10总分10098"
    "注:1.一级指标分值统一设置。"
)


def test_weight_first_rows_levels_and_total(tmp_path):
    result = imported(tmp_path, WEIGHT_FIRST)
    case = result.case
    got = [(r["name"], r["weight"], r["target"], r["actual"], r["score"], r.get("reason", "")) for r in rows_of(case)]
    assert got == [
        ("安装水位标尺", Decimal(20), "≥120米", "≥120米", Decimal(20), ""),
        ("培训人次", Decimal(10), "≥300人次", "320人次", Decimal(10), ""),
        ("验收合格率", Decimal(20), "100%", "100%", Decimal(20), ""),
        ("及时完工率", Decimal(10), "≥90%", "80%", Decimal(8), "进度滞后"),
        ("群众生活条件改善状况", Decimal(30), "显著提升", "显著提升", Decimal(30), ""),
        ("受益群众满意度", Decimal(10), "≥95%", "96%", Decimal(10), ""),
    ]
    blocks = case["self_evaluation"]["indicators"]
    assert [(b["level1"], b["points"]) for b in blocks] == [
        ("产出指标", Decimal(60)), ("效益指标", Decimal(30)), ("满意度指标", Decimal(10))]
    assert [g["level2"] for g in blocks[0]["groups"]] == ["数量指标", "质量指标", "时效指标"]
    assert case["self_evaluation"]["total"] == {"weight": Decimal(100), "score": Decimal(98)}
    assert case["layout"] == "weight-first"
    # every figure read from glued text is a review item saying so
    flagged = {item["field"] for item in case["review"] if "连写" in item["reason"]}
    for k, row in enumerate(blocks[0]["groups"][0]["rows"]):
        for field in ("weight", "target", "actual", "score"):
            assert f"self_evaluation.indicators[0].groups[0].rows[{k}].{field}" in flagged
    assert "self_evaluation.total.score" in flagged


MIRROR_PAGES = (
    "2020年度专项资金绩效目标自评表.docx\n"
    "1、2020年度专项资金绩效目标自评表专项资金名称储备粮绩 效 指 标一级 指标二级 指标三级指标年度指标 值全年 完成值"
    "未完成原因和 改进措施产 出 指 标数量 指标5000吨稻谷、500吨成 品粮储备到位率100%100%库存数量真实率10\n"
    "2、0%100%质量 指标库存粮 食明显变质比例00效益 指标经济 效益 指标挂账利息补 贴保障率100%无没有轮换、动用库存"
    "绩效 指标满意 度指 标服务 对象 满意 度指 标安全事件 发生数0起0起\n"
    "3、市民满意度调查290%100%说明无"
)


def test_mirror_page_marks_spaces_and_reason_before_heading(tmp_path):
    case = imported(tmp_path, MIRROR_PAGES).case
    got = [(r["name"], r["target"], r["actual"], r.get("reason", "")) for r in rows_of(case)]
    assert got == [
        ("5000吨稻谷、500吨成品粮储备到位率", "100%", "100%", ""),   # a name may hold figures
        ("库存数量真实率", "100%", "100%", ""),                       # "10\n2、0%": the page mark dropped
        ("库存粮食明显变质比例", "0", "0", ""),
        ("挂账利息补贴保障率", "100%", "无", "没有轮换、动用库存"),   # text before a heading: the reason
        ("安全事件发生数", "0起", "0起", ""),
        ("市民满意度调查", "290%", "100%", ""),
    ]
    assert case["layout"] == "no-scores"
    damaged = [i for i in case["review"] if i["value"] == "290%"]
    assert any("OCR" in i["reason"] for i in damaged) and any("连写" in i["reason"] for i in damaged)


CHONGQING = (
    "部门整体绩效自评表指标名称计量单位指标性质年初指标值调整指标值全年完成值得分系数(%)指标权重(分)指标得分(分)"
    "是否核心指标财政供养人员控制率%定量指标100%92%100%22否三公经费变动率%100%22否"
    "预算调整率%3%0100%33是管理制度健全性性标定指高高100%55否培训次数次26次12次50%105是"
    "宣传活动次数次至0次43次100%1010是"
)


def test_unit_nature_coefficient_core_and_vanished_cells(tmp_path):
    case = imported(tmp_path, CHONGQING).case
    got = [(r["name"], r.get("unit", ""), r["target"], r.get("adjusted_target", ""), r["actual"], r.get("coefficient"),
            r["weight"], r["score"], r.get("core")) for r in rows_of(case)]
    assert got == [
        ("财政供养人员控制率", "%", "100%", "", "92%", "100%", Decimal(2), Decimal(2), False),
        # no value cells: the tail (系数, 权重, 得分, 核心) is always filled, so 100% is the coefficient
        ("三公经费变动率", "%", "", "", "", "100%", Decimal(2), Decimal(2), False),
        ("预算调整率", "%", "3%", "", "0", "100%", Decimal(3), Decimal(3), True),
        ("管理制度健全性", "", "高", "", "高", "100%", Decimal(5), Decimal(5), False),
        # 得分 = 权重 × 系数 decides "105": 10 | 5, not 1 | 05 nor 105
        ("培训次数", "次", "26次", "", "12次", "50%", Decimal(10), Decimal(5), True),
        ("宣传活动次数", "次", "至0次", "", "43次", "100%", Decimal(10), Decimal(10), True),
    ]
    assert case["layout"] == "chongqing"
    reasons = " ".join(i["reason"] for i in case["review"])
    assert "定性指标" in reasons          # the scrambled 指标性质 cell, named
    assert "疑为比较符的 OCR 误读" in reasons   # 至0次


def test_digits_that_split_more_than_one_way_say_so(tmp_path):
    text = ("项目自评表二级指标三级指标年初目标值(A)实际完成值(B)得分出标产指数量指标补贴渔船数6620"
            "质量指标发放率100%100%10总分30")
    case = imported(tmp_path, text).case
    rows = rows_of(case)
    assert rows[0]["name"] == "补贴渔船数"
    alternatives = [i for i in case["review"] if i["field"].startswith("self_evaluation.indicators[0].groups[0].rows[0]")
                    and "也可拆作" in i["reason"]]
    assert alternatives, "an ambiguous cut of 6620 must be named in review"
    assert "66 | 2 | 0" in alternatives[0]["reason"]
    # the scrambled heading is read as the level-1 heading it spells, and said so
    assert any("产出指标" in i["reason"] and "字序错乱" in i["reason"] for i in case["review"])


def test_traditional_characters_and_a_second_table(tmp_path):
    text = ("年度績效目標1(40分)一級指標二級指標三級指標年初目標值(A)實際完成值(B)得分產出指標質量指標"
            "監測數據必須合格100%100%10進度指標取得2018-2022監測資料100%100%10"
            "年度績效目標2(40分)一級指標二級指標三級指標年初目標值(A)實際完成值(B)得分產出指標質量指標"
            "完成年度資料上報100%100%20總分40")
    case = imported(tmp_path, text).case
    assert [(r["name"], r["score"]) for r in rows_of(case)] == [
        ("監測數據必須合格", Decimal(10)), ("取得2018-2022監測資料", Decimal(10)), ("完成年度資料上報", Decimal(20))]


# ───────────────────────── negative cases ─────────────────────────

def test_space_separated_header_is_left_to_the_line_reader():
    text = ("项目支出绩效自评表 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n"
            "产出指标 数量指标 培训人数 100人 100人 10 10\n")
    assert parse_glued(text) is None


def test_header_on_lines_of_its_own_is_left_to_the_line_reader():
    text = "一级指标\n二级指标\n三级指标\n年度指标值\n实际完成值\n分值\n得分\n产出指标\n数量指标\n培训人数\n100人\n100人\n10\n10\n"
    assert parse_glued(text) is None


def test_glued_header_followed_by_prose_invents_no_rows():
    text = "一级指标二级指标三级指标年度指标值实际完成值分值得分。本项目总体完成情况良好，详见报告。"
    assert parse_glued(text) is None


def test_a_row_without_figures_is_not_made_up(tmp_path):
    # the last "row" was cut off by the mirror: it has a name and nothing else
    text = ("项目自评表一级指标二级指标三级指标分值年度指标值全年实际值得分产出指标数量指标"
            "培训人数10100人100人10公共服务")
    case = imported(tmp_path, text).case
    assert [r["name"] for r in rows_of(case)] == ["培训人数"]
    assert rows_of(case)[0]["target"] == "100人" and rows_of(case)[0]["weight"] == Decimal(10)


def test_weight_over_the_block_points_is_not_taken():
    # "5050%" under a block of 20 points: 50 | 50% would be a weight over the block; 5 | 050% is no number;
    # the reading leaves the weight empty rather than invent one (and the name keeps no cut digits)
    text = ("项目自评表一级指标二级指标三级指标分值年度指标值全年实际值得分产出指标(20分)数量指标"
            "覆盖率5050%50%5")
    source = parse_glued(text)
    assert source is not None
    cells = [[c.text for c in row.cells] for row in source.rows if row.table is not None]
    row = next(r for r in cells if r[2] == "覆盖率")
    assert row[3] == "" and row[4] == "5050%"
    assert all(c.doubt for r in source.rows if r.table is not None for c in r.cells[2:] if c.text
               and r.cells[2].text == "覆盖率")


@pytest.mark.parametrize("text", ["", "绩效自评表", "三级指标" * 5000])
def test_odd_inputs_do_not_fail(text):
    parse_glued(text)


def test_top_labels_before_a_glued_table_are_read_as_pairs(tmp_path):
    case = imported(tmp_path, WEIGHT_FIRST).case
    assert (case["project"], case["supervisor"]) == ("某某项目", "某某局")


def test_a_line_with_one_label_stays_a_paragraph():
    from engine.importers.glued import _label_pairs

    assert _label_pairs("本项目由主管部门统一安排，资金按时拨付。") is None
    assert _label_pairs("項目名稱水土保持監測主管部門黃岡市水利和湖泊局項目類別1、上級專項") == [
        ("項目名稱", "水土保持監測", 0), ("主管部門", "黃岡市水利和湖泊局", 10), ("項目類別", "1、上級專項", 23)]


def test_a_long_glued_table_is_read_whole():
    head = "项目自评表一级指标二级指标三级指标分值年度指标值全年实际值得分产出指标数量指标"
    body = "".join(f"培训班次{k}期10{k % 9 + 1}00人{k % 9 + 1}00人10" for k in range(150))
    source = parse_glued(head + body)
    rows = [[c.text for c in r.cells] for r in source.rows if r.table is not None and r.cells[2].text]
    assert len(rows) == 1 + 150  # the header and every row
    assert rows[1][2:] == ["培训班次0期", "10", "100人", "100人", "10"]
    assert rows[150][2:] == ["培训班次149期", "10", "600人", "600人", "10"]


@pytest.mark.parametrize("body", ["1" * 20000, "是否高好次个人数" * 2500, "1%≥2次" * 4000])
def test_glued_nonsense_is_bounded_and_reads_no_rows(body):
    head = "项目自评表一级指标二级指标三级指标分值年度指标值全年实际值得分"
    source = parse_glued(head + body)
    assert source is None or not any(r.cells[2].text for r in source.rows if r.table is not None and len(r.cells) > 2
                                     and r.cells[2].text != "三级指标")


def test_a_header_ending_in_a_remarks_column():
    # 说明 as the last column heading is part of the header, not the end of the table
    text = ("部门整体绩效自评表绩效指标指标名称计量单位指标性质指标值指标权重(分)全年完成值指标得分(分)说明"
            "森林火灾受害率%≤0.9%10 0.1%10公益林管护面积万亩≥28万亩10 28万亩10")
    source = parse_glued(text)
    assert source is not None
    rows = [[c.text for c in r.cells] for r in source.rows if r.table is not None]
    assert rows[0][-1] == "说明"
    assert [r[2] for r in rows[1:]] == ["森林火灾受害率", "公益林管护面积"]


BARE_DIGITS = (
    "部门整体绩效自评表绩效指标指标名称计量单位指标性质指标值指标权重(分)全年完成值指标得分(分)说明"
    "管护任务完成率%901010010公益林管护面积万亩2810810森林抚育面积万亩2110110"
    "天保工程区管护面积万亩250105010有害生物成灾率%0.4100.110"
)


def test_bare_values_glued_into_one_run_of_digits(tmp_path):
    # the values carry no unit (计量单位 is its own column) and each row's figures are one run of
    # digits: cut so that 分值 and 得分 are not 0 and a target and its actual are not ten times apart,
    # the 计量单位 is not read into the name, and a value never takes the next name's first
    # character as a unit other than its row's (天 of 天保工程区 under 万亩)
    case = imported(tmp_path, BARE_DIGITS).case
    got = [(r["name"], r.get("unit", ""), r["target"], r["actual"], r["weight"], r["score"]) for r in rows_of(case)]
    assert got == [
        ("管护任务完成率", "%", "90", "100", Decimal(10), Decimal(10)),
        ("公益林管护面积", "万亩", "28", "8", Decimal(10), Decimal(10)),
        ("森林抚育面积", "万亩", "21", "1", Decimal(10), Decimal(10)),
        ("天保工程区管护面积", "万亩", "250", "50", Decimal(10), Decimal(10)),
        ("有害生物成灾率", "%", "0.4", "0.1", Decimal(10), Decimal(10)),
    ]
    # every figure so read is in review, the other cuts of the same digits named
    review = case["review"]
    for k in range(5):
        assert any(i["field"] == f"self_evaluation.indicators[0].groups[0].rows[{k}].score" and "连写" in i["reason"]
                   for i in review)
    assert any("也可拆作" in i["reason"] for i in review)


SCORESHEET = (
    "部门项目支出绩效自评表一级指标二级指标三级指标参考分值指标值(A)全年实际值(B)得分未完成原因分析及改进措施"
    "项目决策(10分)项目目标完整性4一目标明确、内容细化4项目立项相关性2一按照标准进行管理2可行性2实际工作需求2"
    "项目管理(25分)投入管理预算执行率10一100%9财务管理财务管理制度有效性7一会计核算规范7"
    "项目产出(30分)数量指标(10分)保障人数102370人2370人IO指标2:质量指标(5分)公用经费标准5符合相关文件要求符合相关文件要求5"
    "时效指标(5分)完成时间52021年12月完成2021年12月完成4指标2:"
)


def test_scoresheet_values_written_in_words(tmp_path):
    # a scoresheet's 指标值 / 完成值 are words between the 分值 and the 得分: a dash is an empty
    # 指标值, a text written twice is both, one text alone is the 完成值 and says so; a name may
    # begin with a heading's word (预算执行率, 财务管理制度有效性); a figure between two texts is
    # no part of a name; "指标2:" template rows are skipped; "IO" for 10 is read and flagged
    case = imported(tmp_path, SCORESHEET).case
    got = [(r["name"], r["target"], r["actual"], r["weight"], r["score"]) for r in rows_of(case)]
    assert got == [
        ("完整性", "一", "目标明确、内容细化", Decimal(4), Decimal(4)),
        ("相关性", "一", "按照标准进行管理", Decimal(2), Decimal(2)),
        ("可行性", "", "实际工作需求", Decimal(2), Decimal(2)),
        ("预算执行率", "一", "100%", Decimal(10), Decimal(9)),
        ("财务管理制度有效性", "一", "会计核算规范", Decimal(7), Decimal(7)),
        ("保障人数", "2370人", "2370人", Decimal(10), Decimal(10)),
        ("公用经费标准", "符合相关文件要求", "符合相关文件要求", Decimal(5), Decimal(5)),
        ("完成时间", "2021年12月完成", "2021年12月完成", Decimal(5), Decimal(4)),
    ]
    groups = [g["level2"] for b in case["self_evaluation"]["indicators"] for g in b["groups"]]
    assert groups[:4] == ["项目目标", "项目立项", "投入管理", "财务管理"]
    review = case["review"]
    assert any("未能分出指标值与完成值" in i["reason"] for i in review)  # 可行性: one text, read as 完成值
    assert any("“IO”疑为“10”的 OCR 误读" in i["reason"] for i in review)
    assert all(any(i["field"].endswith(f"rows[{k}].score") for i in review) for k in range(1))
