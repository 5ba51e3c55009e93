"""A report's body without its title (a web page's text, or an excerpt that starts below the
title) is read as the report, with the missing title in review; a text that is not a report is
still refused (vocabulary.yaml `titles.untitled_report`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import JixiaoError
from engine.importers import import_file

CORPUS = Path(__file__).resolve().parent / "corpus"

BODY = """一、基本情况
(一)项目概况
2022年预算安排资金120万元,其中,设备购置80万元,运行维护40万元。
(二)项目绩效目标
完成排水管网改造12公里。
二、绩效自评结论
项目自评得分92分,等级为优。
三、存在的问题
部分工程进度滞后。
"""


def _import(tmp_path, text):
    path = tmp_path / "body.txt"
    path.write_text(text, encoding="utf-8")
    return import_file(path)


def test_a_report_body_without_its_title_is_read_as_the_report(tmp_path):
    result = _import(tmp_path, BODY)
    case = result.case
    assert case["layout"] == "narrative"
    headings = [s["heading"] for s in case["report"]["sections"]]
    assert headings[:3] == ["一、基本情况", "二、绩效自评结论", "三、存在的问题"]
    assert case["report"]["statements"][0]["total"] is not None
    title = [i for i in case["review"] if i["field"] == "report.title"]
    assert len(title) == 1 and "没有找到自评报告的标题" in title[0]["reason"]


def test_rows_the_untitled_report_states_are_read_too(tmp_path):
    text = BODY + ("四、绩效指标完成情况\n"
                   "1、产出数量指标:第一,改造管网长度年初指标值为不低于12公里,全年实际完成值12.5公里。"
                   "第二,新建泵站年初指标值为2座,全年实际完成值2座。\n")
    case = _import(tmp_path, text).case
    names = [r["name"] for b in case["self_evaluation"]["indicators"] for g in b["groups"] for r in g["rows"]]
    assert names == ["改造管网长度", "新建泵站"]


@pytest.mark.parametrize("text", [
    # outline headings, but nothing says it is about performance (绩效 / 自评)
    "一、工作总结\n(一)全年工作\n今年共完成道路维修5公里。\n二、明年计划\n继续维修道路。\n",
    # one heading only
    "一、绩效情况\n全年完成道路维修5公里。\n",
])
def test_a_text_that_is_not_a_report_is_still_refused(tmp_path, text):
    with pytest.raises(JixiaoError) as caught:
        _import(tmp_path, text)
    assert "E-IMPORT-EMPTY" in caught.value.render()


def test_the_corpus_excerpts_without_a_title(tmp_path):
    """The stored texts of three corpus narratives start below their titles; each is read."""
    for folder in ("narrative-2021-guangxi-nyscfz", "narrative-2022-ouhai-psgw", "narrative-2024-tengchong-lcj"):
        case = import_file(CORPUS / folder / "source.txt").case
        assert case["layout"] == "narrative", folder
        assert any(s["heading"].startswith("一、") for s in case["report"]["sections"]), folder
        assert any(i["field"] == "report.title" for i in case["review"]), folder
