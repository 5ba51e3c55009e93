"""Indicator rows a report states in its sentences (stated.py), for a filing without a table:
read by the words of vocabulary.yaml's `stated:`, every cell in review quoting its sentence, and
never when the filing has an indicator table of its own or states fewer than two rows."""

from __future__ import annotations

from engine.importers import import_file

REPORT = """某某区残联2023年度绩效自评报告(残疾人事业发展补助资金)
一、绩效目标分解下达情况
2023年下达资金29.6万元,用于残疾人基本康复。
二、绩效情况分析
(一)绩效目标完成情况
(二)绩效指标完成情况分析。
1、产出数量指标:第一,基本康复服务比例年初指标值为不低于85%,全年实际完成值100%。第二,托养服务人次数年初指标值为不低于105人,全年实际完成值116人。
2、产出时效指标:项目完成时间年初指标值为2023年12月底,实际在规定时间内完成。
3、社会效益指标:残疾人康复服务水平有所提高;社会氛围有所改善。
4、满意度指标完成情况
读者满意度调查好评率90%,指标完成率99.14%。
三、存在的问题
预算执行率100%,资金到位及时。
"""


def _rows(case):
    return [(b["level1"], g["level2"], r["name"], r["target"], r["actual"])
            for b in case["self_evaluation"]["indicators"] for g in b["groups"] for r in g["rows"]]


def test_rows_stated_in_the_report(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    case = import_file(path).case
    assert _rows(case) == [
        ("产出指标", "数量指标", "基本康复服务比例", "不低于85%", "100%"),
        ("产出指标", "数量指标", "托养服务人次数", "不低于105人", "116人"),
        ("产出指标", "时效指标", "项目完成时间", "2023年12月底", "实际在规定时间内完成"),
        # a level-2 heading stated alone goes to its block; "有所提高" only under a heading
        ("效益指标", "社会效益指标", "残疾人康复服务水平", "", "有所提高"),
        ("效益指标", "社会效益指标", "社会氛围", "", "有所改善"),
        ("满意度指标", "", "读者满意度调查好评率", "", "90%"),
    ]
    # the report is still read as the report
    assert case["report"]["title"].startswith("某某区残联")
    # every value so read is in review, quoting its sentence
    actuals = [i for i in case["review"] if i["field"].endswith(".actual") and "从自评报告的文字中读出" in i["reason"]]
    assert len(actuals) == 6
    assert any("托养服务人次数年初指标值为不低于105人" in i["reason"] for i in actuals)


def test_a_filing_with_a_table_is_not_read_from_its_sentences(tmp_path):
    text = ("2023年项目支出绩效自评表\n"
            "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
            "| 产出指标 | 数量指标 | 培训人次 | ≥300人次 | 320人次 | 15 | 15 |\n" + REPORT)
    path = tmp_path / "both.txt"
    path.write_text(text, encoding="utf-8")
    case = import_file(path).case
    assert [r[2] for r in _rows(case)] == ["培训人次"]


def test_one_stated_row_is_not_a_table(tmp_path):
    text = "\n".join(line for line in REPORT.splitlines()
                     if not line.startswith(("1、", "2、", "3、", "读者")))
    text += "\n数量指标:基本康复服务比例年初指标值为不低于85%,全年实际完成值100%。\n"
    path = tmp_path / "one.txt"
    path.write_text(text, encoding="utf-8")
    case = import_file(path).case
    assert [r[2] for r in _rows(case) if r[2]] == []
