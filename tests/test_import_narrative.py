"""The report's figures: totals and their parts, shares, 执行率, stated score, staffing, dates,
and the heading outline. Expected values are read off the sentences by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.importers.narrative import Line, heading_level, parse_date, read_report, sentences, to_wan


def report_of(*texts: str, known=frozenset()):
    lines = [Line(t, f"第 {i} 行") for i, t in enumerate(texts, start=1)]
    return read_report("自评报告", lines, frozenset(known))


def test_amounts_with_shares_and_bracketed_parts():
    text = ("2022年度总支出160.48万元；其中：工资福利支出107.57万元，占总支出的67.03%，商品和服务支出"
            "（办公经费和联系非公人士及招商引资、乡村振兴工作）50.62万元，占总支出的31.54%，对个人和家庭的"
            "补助支出2.29万元，占总支出的1.43%；项目支出0万元，占总支出的0%，完内成了各项工作任务。")
    report, figures, notes = report_of("一、绩效情况", text,
                                       known={"办公经费", "联系非公人士及招商引资", "乡村振兴工作"})
    assert figures.statements == report["statements"]
    (statement,) = report["statements"]
    assert statement["topic"] == "总支出"
    assert statement["total"] == Decimal("160.48")
    assert statement["quote"] == text
    assert statement["items"] == [
        {"name": "工资福利支出", "amount": Decimal("107.57"), "share": "67.03%"},
        {"name": "商品和服务支出", "amount": Decimal("50.62"), "share": "31.54%",
         "includes": ["办公经费", "联系非公人士及招商引资", "乡村振兴工作"]},
        {"name": "对个人和家庭的补助支出", "amount": Decimal("2.29"), "share": "1.43%"},
        {"name": "项目支出", "amount": Decimal("0"), "share": "0%"},
    ]
    assert notes == []


def test_and_inside_a_name_is_not_split_without_the_tables():
    text = "总支出100万元，其中：商品和服务支出（办公经费和会议费）60万元，工资福利支出40万元。"
    report, _figures, notes = report_of("一、情况", text)
    items = report["statements"][0]["items"]
    assert items[0]["name"] == "商品和服务支出"  # "和" inside a name stays
    assert items[0]["includes"] == ["办公经费和会议费"]
    assert [(n.value, n.reason) for n in notes] == [("办公经费和会议费", "“办公经费和会议费”可能是几项的合称，未拆分，请核对")]


def test_total_in_the_sentence_before_qizhong():
    text = ("2022年年终一般公共财政预算财政拨款支出160.48万元。其中工资福利支出107.57万元，"
            "商品和服务支出50.62万元，对个人和家庭的补助支出2.29万元。")
    report, _f, _n = report_of("一、情况", "前一句与此无关。" + text)
    (statement,) = report["statements"]
    assert statement["topic"] == "年终一般公共财政预算财政拨款支出"
    assert statement["quote"] == text
    assert statement["total"] == Decimal("160.48")
    assert [i["name"] for i in statement["items"]] == ["工资福利支出", "商品和服务支出", "对个人和家庭的补助支出"]


def test_amounts_in_yuan_become_wan_exactly():
    report, _f, _n = report_of("一、情况", "全年支出1,250,000元，其中人员经费1,000,000元，公用经费250,000元。")
    (statement,) = report["statements"]
    assert statement["total"] == Decimal("125")
    assert [i["amount"] for i in statement["items"]] == [Decimal("100"), Decimal("25")]
    assert to_wan("12000", "元") == Decimal("1.2")
    assert to_wan("1.5", "亿元") == Decimal("15000")


def test_qizhong_without_a_total_goes_to_review():
    report, _f, notes = report_of("一、情况", "其中人员经费80万元，公用经费20万元。")
    assert report["statements"] == []
    assert [n.reason for n in notes] == ["“其中”前没有找到总额，此句未读入（第 2 行）"]


def test_execution_rate_and_stated_score():
    report, figures, _n = report_of(
        "一、总体情况",
        "本年度预算执行率为98.5%，较上年提高2个百分点。",
        "二、自评结论",
        "对照评分标准，我单位自评得分为91.5分，等级为优。",
    )
    assert report["execution_rate"] == "98.5%"
    assert report["self_score"] == {"score": Decimal("91.5"), "quote": "对照评分标准，我单位自评得分为91.5分，等级为优。"}
    assert figures.execution_rate == "98.5%"


def test_no_stated_score_or_rate_is_null():
    report, _f, _n = report_of("一、情况", "工作开展顺利。")
    assert report["execution_rate"] is None
    assert report["self_score"] == {"score": None, "quote": ""}
    assert "other_scores" not in report and "staffing" not in report


def test_other_scores_and_their_items_are_not_the_stated_score():
    report, _f, _n = report_of(
        "六、绩效自评结果拟应用和公开情况",
        "评价结果应用10分",
        "1、整改落实5分。针对存在的问题和建议，我会及时进行了整改，自评得5分。",
        "2、结果公开5分。在网站公开部门整体绩效，自评得4分。",
    )
    assert report["other_scores"] == [{
        "name": "评价结果应用", "weight": Decimal(10), "score": None, "quote": "评价结果应用10分",
        "items": [
            {"name": "整改落实", "weight": Decimal(5), "score": Decimal(5),
             "quote": "1、整改落实5分。针对存在的问题和建议，我会及时进行了整改，自评得5分。"},
            {"name": "结果公开", "weight": Decimal(5), "score": Decimal(4),
             "quote": "2、结果公开5分。在网站公开部门整体绩效，自评得4分。"},
        ],
    }]
    assert report["self_score"]["score"] is None


def test_staffing():
    report, _f, _n = report_of("一、基本情况", "本单位共有编制人数5人，实有人数7人。内设办公室。")
    assert report["staffing"] == {"authorized": 5, "actual": 7, "quote": "本单位共有编制人数5人，实有人数7人。"}


def test_dates_are_found_and_normalized():
    _r, figures, _n = report_of("一、情况", "本报告于2023年3月5日完成，2023-03-20公开。")
    assert figures.dates == [("2023年3月5日", "2023-03-05"), ("2023-03-20", "2023-03-20")]
    assert parse_date("2022年12月27日") == "2022-12-27"
    assert parse_date("2022/1/2") == "2022-01-02"
    assert parse_date("2022年13月1日") is None
    assert parse_date("年底") is None


@pytest.mark.parametrize("text, expected", [
    ("二、一般公共预算支出情况", (1, False)),
    ("（一）基本支出情况", (2, False)),
    ("1.绩效目标的实现情况。", (2, False)),
    ("下一步改进措施", (1, False)),          # national outline title without its number
    ("预算单位基本情况", (1, False)),
    ("评价结果应用10分", (2, True)),          # short and unpunctuated: a guess
    ("1、整改落实5分。针对存在的问题和建议，我会及时进行了整改，自评得5分。", None),
    ("一是完善绩效评价工作制度。", None),
    ("本单位无项目支出。", None),
    ("2022年度总支出160.48万元；其中：工资福利支出107.57万元", None),
])
def test_heading_levels(text, expected):
    assert heading_level(text) == expected


def test_sections_nest_and_keep_text_lines():
    report, _f, notes = report_of(
        "预算单位基本情况", "正文一。",
        "二、支出情况", "（一）基本支出", "正文二。", "（二）项目支出", "正文三。",
        "下一步改进措施", "一是甲。", "二是乙。",
    )
    assert report["sections"] == [
        {"heading": "预算单位基本情况", "text": "正文一。"},
        {"heading": "二、支出情况", "text": "", "subsections": [
            {"heading": "（一）基本支出", "text": "正文二。"},
            {"heading": "（二）项目支出", "text": "正文三。"},
        ]},
        {"heading": "下一步改进措施", "text": "一是甲。\n二是乙。"},
    ]
    assert notes == []


def test_text_before_any_heading_is_kept_and_flagged():
    report, _f, notes = report_of("开头没有标题的一段话。", "一、情况", "正文。")
    assert report["sections"][0] == {"heading": "", "text": "开头没有标题的一段话。"}
    assert notes[0].reason == "报告正文前没有标题，标题留空（第 1 行）"


def test_sentences_concatenate_back():
    text = "甲。乙！丙？丁"
    assert sentences(text) == ["甲。", "乙！", "丙？", "丁"]
    assert "".join(sentences(text)) == text
