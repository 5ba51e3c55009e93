"""Tests for engine.values: every notation of the domain guide §5 and every cell of the seed form.

Each row states the whole expected Value (kind, comparator, quantities, label, notes), so a
change in any field, including the wording of a note, fails the row.
"""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.decimals import D, fmt
from engine.values import (
    KNOWN_UNITS,
    QUALITATIVE_PHRASES,
    Quantity,
    Value,
    ValueParseError,
    notation_for,
    parse_value,
)
from engine.importers.vocabulary import cell_notation

#: The cells below are read as the importer reads them: the parser's tables plus the root pack's
#: filler words (rules/national-2020 `filler_words`; the parser alone knows none).
FILLERS = cell_notation()


def q(number: str, unit: str, written: str | None = None, known: bool = True) -> Quantity:
    return Quantity(D(number), unit, known, unit if written is None else written)


def row(text, kind, comparator=None, quantities=(), label=None, notes=(), id=None, doubts=()):
    expected = Value(text, kind, comparator, tuple(quantities), label, tuple(notes), tuple(doubts))
    return pytest.param(text, expected, id=id)


PCT = "%"
WAN = "万元"

SEED_CELLS = [
    row("7人", "quantity", None, [q("7", "人")], id="seed-7ren"),
    row("5人", "quantity", None, [q("5", "人")], id="seed-5ren"),
    row("58人", "quantity", None, [q("58", "人")], id="seed-58ren"),
    row("100%", "quantity", None, [q("100", PCT)], id="seed-100pct"),
    row("　100%", "quantity", None, [q("100", PCT)], id="seed-ideographic-space-100pct"),
    row("6批次", "quantity", None, [q("6", "批次")], id="seed-6pici"),
    row("2篇", "quantity", None, [q("2", "篇")], id="seed-2pian"),
    row("2编", "quantity", None, [q("2", "编", known=False)],
        notes=["单位“编”不在已知单位表中"], id="seed-2bian-typo"),
    row("28家企业帮扶28个村", "compound", None, [q("28", "家"), q("28", "个")],
        id="seed-compound-qiye-cun"),
    row("107.57万元", "quantity", None, [q("107.57", WAN)], id="seed-107.57wan"),
    row("39.23万元", "quantity", None, [q("39.23", WAN)], id="seed-39.23wan"),
    row("2.29万元", "quantity", None, [q("2.29", WAN)], id="seed-2.29wan"),
    row("5.92万元", "quantity", None, [q("5.92", WAN)], id="seed-5.92wan"),
    row("5.47万元", "quantity", None, [q("5.47", WAN)], id="seed-5.47wan"),
    row("≧95%", "quantity", ">=", [q("95", PCT)], id="seed-geq95"),
    row("≧92%", "quantity", ">=", [q("92", PCT)], id="seed-geq92-as-actual"),
    row("≧90%", "quantity", ">=", [q("90", PCT)], id="seed-geq90-as-actual"),
    row("98%", "quantity", None, [q("98", PCT)], id="seed-98pct"),
    row("无", "na", id="seed-wu"),
    row("", "empty", id="seed-blank"),
    row("完成情况好", "qualitative", label="完成情况好", id="seed-wanchengqingkuanghao"),
]

EMPTY_AND_NA = [
    row("   ", "empty", id="spaces"),
    row("\u3000\u00a0\t\n", "empty", id="fullwidth-space-nbsp-tab-newline"),
    row("。", "empty", notes=["单元格只有标点“。”"], id="only-punctuation"),
    row("\u200b。\u3000", "empty", notes=["单元格只有标点“。”"], id="only-punctuation-and-zero-width"),
    row("- -", "na", id="spaced-dashes"),
    row("/", "na", id="slash"),
    row("／", "na", id="fullwidth-slash"),
    row("—", "na", id="em-dash"),
    row("——", "na", id="double-em-dash"),
    row("-", "na", id="hyphen"),
    row("--", "na", id="double-hyphen"),
    row("不适用", "na", id="bushiyong"),
    row(" 无。", "na", id="wu-with-noise"),
    row("N/A", "na", id="n/a"),
]

COMPARATORS = [
    # >= spellings, prefix and suffix
    row("≥95%", "quantity", ">=", [q("95", PCT)], id="ge-symbol"),
    row("≧95%", "quantity", ">=", [q("95", PCT)], id="ge-variant-symbol"),
    row("⩾95%", "quantity", ">=", [q("95", PCT)], id="ge-slanted-symbol"),
    row(">=95%", "quantity", ">=", [q("95", PCT)], id="ge-ascii"),
    row("＞=95%", "quantity", ">=", [q("95", PCT)], id="ge-fullwidth-gt-ascii-eq"),
    row("＞＝95%", "quantity", ">=", [q("95", PCT)], id="ge-fullwidth"),
    row("不低于95%", "quantity", ">=", [q("95", PCT)], id="ge-budiyu"),
    row("不少于3次", "quantity", ">=", [q("3", "次")], id="ge-bushaoyu"),
    row("至少3次", "quantity", ">=", [q("3", "次")], id="ge-zhishao"),
    row("达到95%", "quantity", ">=", [q("95", PCT)], id="ge-dadao"),
    row("95%以上", "quantity", ">=", [q("95", PCT)], id="ge-yishang-suffix"),
    row("95%及以上", "quantity", ">=", [q("95", PCT)], id="ge-jiyishang-suffix"),
    row("大于等于95%", "quantity", ">=", [q("95", PCT)], id="ge-dayudengyu"),
    row("不低于95%以上", "quantity", ">=", [q("95", PCT)], id="ge-prefix-and-suffix-agree"),
    row("≥ 95 %", "quantity", ">=", [q("95", PCT)], id="ge-with-spaces"),
    # >
    row("＞95%", "quantity", ">", [q("95", PCT)], id="gt-fullwidth"),
    row(">95%", "quantity", ">", [q("95", PCT)], id="gt-ascii"),
    row("高于95%", "quantity", ">", [q("95", PCT)], id="gt-gaoyu"),
    row("大于95%", "quantity", ">", [q("95", PCT)], id="gt-dayu"),
    row("超过95%", "quantity", ">", [q("95", PCT)], id="gt-chaoguo"),
    # <=
    row("≤100%", "quantity", "<=", [q("100", PCT)], id="le-symbol"),
    row("≦100%", "quantity", "<=", [q("100", PCT)], id="le-variant-symbol"),
    row("<=5%", "quantity", "<=", [q("5", PCT)], id="le-ascii"),
    row("＜=5%", "quantity", "<=", [q("5", PCT)], id="le-fullwidth-lt-ascii-eq"),
    row("＜＝5%", "quantity", "<=", [q("5", PCT)], id="le-fullwidth"),
    row("不超过5%", "quantity", "<=", [q("5", PCT)], id="le-buchaoguo"),
    row("不高于5%", "quantity", "<=", [q("5", PCT)], id="le-bugaoyu"),
    row("不大于5%", "quantity", "<=", [q("5", PCT)], id="le-budayu"),
    row("小于等于5%", "quantity", "<=", [q("5", PCT)], id="le-xiaoyudengyu"),
    row("5%以内", "quantity", "<=", [q("5", PCT)], id="le-yinei-suffix"),
    row("5%以下", "quantity", "<=", [q("5", PCT)], id="le-yixia-suffix"),
    row("控制在5%以内", "quantity", "<=", [q("5", PCT)], id="le-kongzhizai-yinei"),
    row("控制在5%内", "quantity", "<=", [q("5", PCT)], id="le-kongzhizai-nei"),
    row("控制在5%", "quantity", "<=", [q("5", PCT)], id="le-kongzhizai-alone"),
    row("≯5%", "quantity", "<=", [q("5", PCT)], id="le-not-greater-symbol"),
    # <
    row("＜5%", "quantity", "<", [q("5", PCT)], id="lt-fullwidth"),
    row("<5%", "quantity", "<", [q("5", PCT)], id="lt-ascii"),
    row("低于5%", "quantity", "<", [q("5", PCT)], id="lt-diyu"),
    row("小于5%", "quantity", "<", [q("5", PCT)], id="lt-xiaoyu"),
    # ==
    row("＝100%", "quantity", "==", [q("100", PCT)], id="eq-fullwidth"),
    row("=100%", "quantity", "==", [q("100", PCT)], id="eq-ascii"),
    row("﹦100%", "quantity", "==", [q("100", PCT)], id="eq-small-form"),
    row("等于100%", "quantity", "==", [q("100", PCT)], id="eq-dengyu"),
    # comparators that do not fit
    row("≥95%以下", "unparsed", notes=["比较符相互矛盾：“≥”与“以下”"], id="conflicting-comparators"),
    row("≥≥95%", "unparsed", notes=["比较符“≥”后面没有数值"], id="doubled-symbol"),
    row("95%≥", "unparsed", notes=["比较符“≥”后面没有数值"], id="symbol-after-number"),
]

NUMBERS_AND_UNITS = [
    row("９５％", "quantity", None, [q("95", PCT, "％")], id="fullwidth-digits-and-percent"),
    row("１０７．５７万元", "quantity", None, [q("107.57", WAN)], id="fullwidth-decimal-point"),
    row("95％", "quantity", None, [q("95", PCT, "％")], id="fullwidth-percent-kept-as-written"),
    row("95百分比", "quantity", None, [q("95", PCT, "百分比")], id="percent-baifenbi-suffix"),
    row("百分之95", "quantity", None, [q("95", PCT, "百分之")], id="percent-baifenzhi-prefix"),
    row("不低于百分之95", "quantity", ">=", [q("95", PCT, "百分之")], id="percent-prefix-comparator"),
    row("1,234.5", "quantity", None, [q("1234.5", "")], id="thousands-ascii-no-unit"),
    row("1，234人", "quantity", None, [q("1234", "人")], id="thousands-fullwidth-comma"),
    row("12,000元", "quantity", None, [q("1.2", WAN, "元")], id="yuan-to-wan-thousands"),
    row("１２，０００元", "quantity", None, [q("1.2", WAN, "元")], id="yuan-to-wan-fullwidth"),
    row("3千元", "quantity", None, [q("0.3", WAN, "千元")], id="qianyuan-to-wan"),
    row("1.5亿元", "quantity", None, [q("15000", WAN, "亿元")], id="yiyuan-to-wan"),
    row("0元", "quantity", None, [q("0", WAN, "元")], id="zero-yuan"),
    row("2.5人", "quantity", None, [q("2.5", "人")], id="decimal-count"),
    row("0.5", "quantity", None, [q("0.5", "")], id="bare-decimal"),
    row("3 个", "quantity", None, [q("3", "个")], id="space-before-known-unit"),
    row("10万人次", "quantity", None, [q("10", "万人次")], id="longest-unit-wanrenci"),
    row("50人次", "quantity", None, [q("50", "人次")], id="longest-unit-renci"),
    row("3万亩", "quantity", None, [q("3", "万亩")], id="multiplier-before-known-unit"),
    row("3个月", "quantity", None, [q("3", "个月")], id="duration-geyue"),
    row("12月份", "quantity", None, [q("12", "月", "月份")], id="alias-yuefen"),
    row("2022年度", "quantity", None, [q("2022", "年", "年度")], id="alias-niandu"),
    row("100%完成", "quantity", None, [q("100", PCT)], id="filler-word-after"),
    row("完成100%", "quantity", None, [q("100", PCT)], id="filler-word-before"),
    row("95%。", "quantity", None, [q("95", PCT)], id="trailing-full-stop"),
    row("\u200b95%\ufeff", "quantity", None, [q("95", PCT)], id="zero-width-characters"),
    row("95\u00a0%", "quantity", None, [q("95", PCT)], id="nbsp-before-unit"),
]

UNKNOWN_UNITS = [
    row("2编", "quantity", None, [q("2", "编", known=False)],
        notes=["单位“编”不在已知单位表中"], id="unknown-bian"),
    row("２编", "quantity", None, [q("2", "编", known=False)],
        notes=["单位“编”不在已知单位表中"], id="unknown-bian-fullwidth-digit"),
    row("5km", "quantity", None, [q("5", "km", known=False)],
        notes=["单位“km”不在已知单位表中"], id="unknown-latin-unit"),
    row("36℃", "quantity", None, [q("36", "℃", known=False)],
        notes=["单位“℃”不在已知单位表中"], id="unknown-symbol-unit"),
    row("5万", "quantity", None, [q("5", "万", known=False)],
        notes=["单位“万”不在已知单位表中"], id="bare-multiplier"),
    row("500元/人", "quantity", None, [q("500", "元/人", known=False)],
        notes=["单位“元/人”不在已知单位表中"], id="rate-unit-not-converted"),
]

COMPOUNDS = [
    row("180只羊、12头猪", "compound", None, [q("180", "只"), q("12", "头")], id="sheep-and-pigs"),
    row("≥95%、≥90%", "compound", ">=", [q("95", PCT), q("90", PCT)],
        id="two-targets-same-comparator"),
    row("2编3篇", "compound", None, [q("2", "编", known=False), q("3", "篇")],
        notes=["单位“编”不在已知单位表中"], id="compound-with-unknown-unit"),
    row("2022年12月31日前", "compound", "<=", [q("2022", "年"), q("12", "月"), q("31", "日")],
        id="date-deadline"),
    row("3、5", "unparsed", notes=["复合值中的数字“3”没有单位"], id="compound-without-units"),
]

RANGES_AND_PERIODS = [
    row("1-12月", "range", None, [q("1", "月"), q("12", "月")], id="range-hyphen"),
    row("1～12月", "range", None, [q("1", "月"), q("12", "月")], id="range-fullwidth-wave"),
    row("1—12月", "range", None, [q("1", "月"), q("12", "月")], id="range-em-dash"),
    row("1至12月", "range", None, [q("1", "月"), q("12", "月")], id="range-zhi"),
    row("90%-95%", "range", None, [q("90", PCT), q("95", PCT)], id="range-percent-both-ends"),
    row("1-2万元", "range", None, [q("1", WAN), q("2", WAN)], id="range-money"),
    row("1000-2000元", "range", None, [q("0.1", WAN, "元"), q("0.2", WAN, "元")],
        id="range-yuan-converted"),
    row("12-1月", "range", None, [q("12", "月"), q("1", "月")],
        notes=["区间下限大于上限"], id="range-reversed"),
    row("1天-2月", "range", None, [q("1", "天"), q("2", "月")],
        notes=["区间两端单位不一致"], id="range-units-differ"),
    row("≥1-12月", "unparsed", notes=["区间不能同时带比较符"], id="range-with-comparator"),
    row("2022-12-31", "unparsed", notes=["“-”的用法无法理解（只能连接两个数值组成区间）"],
        id="dashed-date"),
    row("9月前", "quantity", "<=", [q("9", "月")], id="period-yueqian"),
    row("12月底之前完成", "quantity", "<=", [q("12", "月")], id="period-yuedizhiqian-wancheng"),
    row("12月底前", "quantity", "<=", [q("12", "月")], id="period-yuediqian"),
    row("3月底", "quantity", "<=", [q("3", "月")], id="period-yuedi"),
    row("2天以内", "quantity", "<=", [q("2", "天")], id="period-tianyinei"),
    row("3天内", "quantity", "<=", [q("3", "天")], id="period-tiannei"),
]

QUALITATIVE = [
    row("好", "qualitative", label="好", id="q-hao"),
    row("较好", "qualitative", label="较好", id="q-jiaohao"),
    row("达成预期指标", "qualitative", label="达成预期指标", id="q-dachengyuqi"),
    row("达成年度指标", "qualitative", label="达成年度指标", id="q-dachengniandu"),
    row("效果明显", "qualitative", label="效果明显", id="q-xiaoguomingxian"),
    row("显著提升", "qualitative", label="显著提升", id="q-xianzhutisheng"),
    row("完成", "qualitative", label="完成", id="q-wancheng"),
    row(" “基本满意”。", "qualitative", label="基本满意", id="q-stripped-quotes"),
    row("效益可观", "qualitative", label="效益可观", notes=["未识别的定性表述"], id="q-unknown"),
    row("年底前完成", "qualitative", label="年底前完成", notes=["未识别的定性表述"],
        id="q-deadline-without-number"),
    row("三个", "qualitative", label="三个",
        notes=["未识别的定性表述", "可能含中文数字“三个”，未按数值解析"], id="q-chinese-numeral"),
    row("百分之九十五", "unparsed", notes=["“百分之”后不是阿拉伯数字（中文数字未解析）"],
        id="chinese-numeral-percent"),
]

DAMAGED = [
    row("290%", "quantity", None, [q("290", PCT)],
        notes=["“290%”可能是“≥90%”的OCR误读，请核对"], id="ocr-290"),
    row("2100%", "quantity", None, [q("2100", PCT)],
        notes=["“2100%”可能是“≥100%”的OCR误读，请核对"], id="ocr-2100"),
    row("２９０％", "quantity", None, [q("290", PCT, "％")],
        notes=["“２９０％”可能是“≥90％”的OCR误读，请核对"], id="ocr-290-fullwidth"),
    row("205%", "quantity", None, [q("205", PCT)], id="not-ocr-205"),
    row("190%", "quantity", None, [q("190", PCT)], id="not-ocr-below-200"),
    row("≥290%", "quantity", ">=", [q("290", PCT)], id="not-ocr-comparator-present"),
    row("百分之290", "quantity", None, [q("290", PCT, "百分之")], id="not-ocr-percent-prefix"),
    row("W100%", "unparsed", notes=["“W100%”可能是“≤100%”的OCR误读，请核对"], id="ocr-W100"),
    row("w95%", "unparsed", notes=["“w95%”可能是“≤95%”的OCR误读，请核对"], id="ocr-w95"),
    row("KPI 95%", "unparsed", notes=["“KPI 95%”中数字前的字母“KPI”无法理解"], id="letters-before"),
    row("1e5", "unparsed", notes=["“1e5”中字母与数字相连，无法理解"], id="exponent-notation"),
    row("1,23", "unparsed", notes=["数字“1,23”格式无法识别"], id="bad-thousands"),
    row("1.2.3", "unparsed", notes=["数字“1.2.3”格式无法识别"], id="two-decimal-points"),
    row("1 234", "unparsed", notes=["“1 234”数字之间只有空格，无法判断"], id="space-in-number"),
    row("-5%", "unparsed", notes=["无法理解的符号“-”"], id="negative"),
    row("95%+", "unparsed", notes=["无法理解的符号“+”"], id="plus"),
    row("百分之95%", "unparsed", notes=["“百分之”后的数字又带了单位“%”"], id="percent-twice"),
    row("约95%", "unparsed", notes=["含约数表述“约”，无法精确比较"], id="approx-yue"),
    row("10余人", "unparsed", notes=["含约数表述“余”，无法精确比较"], id="approx-yu"),
    row("95%左右", "unparsed", notes=["含约数表述“左右”，无法精确比较"], id="approx-zuoyou"),
    row("٣", "unparsed", notes=["含无法识别的数字字符“٣”"], id="arabic-indic-digit"),
    row("1" * 31, "unparsed", notes=[f"数值“{'1' * 31}”位数过多（超过30位），不予解析"],
        id="too-many-digits"),
    row("9" * 16, "unparsed", notes=[f"数值“{'9' * 16}”过大（超过10的15次方），不予解析"],
        id="too-large"),
    row("999999999999亿元", "unparsed", notes=["数值“999999999999亿元”过大，不予解析"],
        id="too-large-after-conversion"),
]

WORDS_AROUND_A_NUMBER = [
    row("帮扶28个村", "quantity", None, [q("28", "个")],
        notes=["忽略了数值以外的文字“帮扶”“村”，请核对"], id="words-around-one-quantity"),
    row("满意度达95%", "quantity", ">=", [q("95", PCT)],
        notes=["忽略了数值以外的文字“满意度”，请核对"], id="words-before-comparator"),
    row("节约5万元", "quantity", None, [q("5", WAN)],
        notes=["忽略了数值以外的文字“节约”，请核对"], id="jieyue-is-not-approx"),
    row("年内完成100%", "quantity", None, [q("100", PCT)],
        notes=["忽略了数值以外的文字“年内完成”，请核对"], id="nei-only-after-a-number"),
]

# One ideograph opening the cell right before the number, known to no table: a misread comparator
# or a lost word (the corpus's "到0次", chongqing-2021-kxc-rongmeiti). Not read as the value: a doubt.
STRAY_LEADING = [
    row("到0次", "quantity", None, [q("0", "次")],
        notes=["忽略了数值以外的文字“到”，请核对", "数值前的单字“到”无法理解（可能是识别错误的比较符或缺字），需人工复核"],
        doubts=["数值前的单字“到”无法理解（可能是识别错误的比较符或缺字），需人工复核"], id="stray-dao-before-number"),
    row("每5天", "quantity", None, [q("5", "天")],
        notes=["忽略了数值以外的文字“每”，请核对", "数值前的单字“每”无法理解（可能是识别错误的比较符或缺字），需人工复核"],
        doubts=["数值前的单字“每”无法理解（可能是识别错误的比较符或缺字），需人工复核"], id="stray-mei-changes-meaning"),
    row("共5次", "quantity", None, [q("5", "次")], id="filler-gong-is-not-stray"),
    row("达95%", "quantity", ">=", [q("95", PCT)], id="comparator-da-is-not-stray"),
    row("到 0次", "quantity", None, [q("0", "次")],
        notes=["忽略了数值以外的文字“到”，请核对", "数值前的单字“到”无法理解（可能是识别错误的比较符或缺字），需人工复核"],
        doubts=["数值前的单字“到”无法理解（可能是识别错误的比较符或缺字），需人工复核"], id="stray-also-after-a-space"),
    row("帮扶28个村", "quantity", None, [q("28", "个")],
        notes=["忽略了数值以外的文字“帮扶”“村”，请核对"], id="two-ideographs-are-a-word-not-stray"),
]


@pytest.mark.parametrize(
    "text, expected",
    SEED_CELLS + EMPTY_AND_NA + COMPARATORS + NUMBERS_AND_UNITS + UNKNOWN_UNITS + COMPOUNDS
    + RANGES_AND_PERIODS + QUALITATIVE + DAMAGED + WORDS_AROUND_A_NUMBER + STRAY_LEADING,
)
def test_parse_value(text: str, expected: Value) -> None:
    assert parse_value(text, FILLERS) == expected


# ---- precision, conversion and the convenience properties ------------------------------------


@pytest.mark.parametrize(
    "text, written_precision",
    [
        ("107.57万元", "107.57"),
        ("2.5人", "2.5"),
        ("2.50人", "2.50"),
        ("12,000元", "1.2000"),  # exact to the 元: four places of 万元
        ("1.5亿元", "15000"),  # plain notation, not 1.5E+4
        ("999999999999999元", "99999999999.9999"),
    ],
)
def test_numbers_keep_their_written_precision(text: str, written_precision: str) -> None:
    assert str(parse_value(text).number) == written_precision


def test_number_and_unit_properties() -> None:
    assert parse_value("28家企业帮扶28个村").number == Decimal(28)
    assert parse_value("28家企业帮扶28个村").unit == "家"
    assert parse_value("12,000元").unit == "万元"
    assert parse_value("完成情况好").number is None
    assert parse_value("完成情况好").unit is None
    assert parse_value("W100%").number is None


@pytest.mark.parametrize("not_text", [None, 95, Decimal("95"), b"95%", ["95%"]])
def test_non_str_input_raises_value_parse_error(not_text) -> None:
    with pytest.raises(ValueParseError):
        parse_value(not_text)


def test_value_parse_error_is_a_value_error() -> None:
    assert issubclass(ValueParseError, ValueError)


# ---- the vocabulary tables -------------------------------------------------------------------

SPEC_UNITS = (
    "万元 元 千元 亿元 % 人 人次 万人 万人次 个 家 户 次 批次 篇 份 天 日 月 年 季度 周 小时 学时 亩 吨 米 "
    "公里 千米 平方米 立方米 只 头 项 场 件 台 套 所 村 期 本 册 条 辆 座 处 名 位 批 轮 张 栋 间 株 棵 公顷"
).split()


@pytest.mark.parametrize("unit", SPEC_UNITS)
def test_every_listed_unit_is_known(unit: str) -> None:
    assert unit in KNOWN_UNITS
    value = parse_value(f"3{unit}")
    assert (value.kind, value.quantities[0].unit_known, value.quantities[0].written_unit) == (
        "quantity",
        True,
        unit,
    )


SPEC_PHRASES = (
    "好 较好 良好 完成 已完成 完成情况好 达成预期指标 达成年度指标 效果明显 显著提升 有所提升 不断提升 "
    "逐步提升 部分达成 未达成 基本完成 满意 基本满意"
).split()


@pytest.mark.parametrize("phrase", SPEC_PHRASES)
def test_every_listed_phrase_is_qualitative_without_notes(phrase: str) -> None:
    assert phrase in QUALITATIVE_PHRASES
    assert parse_value(phrase) == Value(phrase, "qualitative", label=phrase)


def test_source_uses_no_float_and_no_eval() -> None:
    source = Path(__file__).resolve().parents[1] / "engine" / "values.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        assert not (isinstance(node, ast.Constant) and isinstance(node.value, float))
        assert not (isinstance(node, ast.Name) and node.id in {"float", "eval", "exec"})


# ---- properties ------------------------------------------------------------------------------

KINDS = {"quantity", "compound", "range", "qualitative", "na", "empty", "unparsed"}
QUANTITY_COUNTS = {"quantity": {1}, "range": {2}, "unparsed": {0}, "qualitative": {0}, "na": {0},
                   "empty": {0}}


@settings(max_examples=600, deadline=None)
@given(st.text())
def test_any_text_gives_a_value_with_finite_decimals(text: str) -> None:
    value = parse_value(text)
    assert isinstance(value, Value)
    assert value.text == text
    assert value.kind in KINDS
    if value.kind == "compound":
        assert len(value.quantities) >= 2
    else:
        assert len(value.quantities) in QUANTITY_COUNTS[value.kind]
    if value.kind == "unparsed":
        assert value.notes
    for quantity in value.quantities:
        assert type(quantity.number) is Decimal
        assert quantity.number.is_finite()
        assert abs(quantity.number) <= Decimal("1E+15")


VALUE_ALPHABET = st.sampled_from(
    list("0123456789０１２９.,，．%％-～≥≧≤<>＝ 　元万亿人次月底前以上内Ww百分之约编家个村、/完成好")
)


@settings(max_examples=600, deadline=None)
@given(st.text(VALUE_ALPHABET, max_size=12))
def test_value_like_text_never_raises(text: str) -> None:
    value = parse_value(text)
    assert value.kind in KINDS
    for quantity in value.quantities:
        assert type(quantity.number) is Decimal and quantity.number.is_finite()


PLAIN_DECIMALS = st.integers(min_value=0, max_value=6).flatmap(
    lambda places: st.decimals(
        min_value=0, max_value=10**15, places=places, allow_nan=False, allow_infinity=False
    )
)
COMPARATOR_SPELLINGS = {
    "≥": ">=", "≧": ">=", "不低于": ">=", "＞": ">", "高于": ">", "≤": "<=", "不超过": "<=",
    "＜": "<", "低于": "<", "＝": "==", "": None,
}
FULL_WIDTH_DIGITS = str.maketrans("0123456789.", "０１２３４５６７８９．")


@settings(max_examples=300, deadline=None)
@given(PLAIN_DECIMALS, st.sampled_from(sorted(COMPARATOR_SPELLINGS)), st.booleans())
def test_formatted_percent_round_trips(number: Decimal, spelling: str, full_width: bool) -> None:
    written = fmt(number)
    if full_width:
        written = written.translate(FULL_WIDTH_DIGITS)
    value = parse_value(f"{spelling}{written}%")
    assert (value.kind, value.comparator, value.number, value.unit) == (
        "quantity",
        COMPARATOR_SPELLINGS[spelling],
        number,
        "%",
    )


@settings(max_examples=300, deadline=None)
@given(PLAIN_DECIMALS)
def test_yuan_with_thousands_separators_converts_exactly(number: Decimal) -> None:
    value = parse_value(format(number, ",f") + "元")
    assert (value.kind, value.number, value.unit) == ("quantity", number.scaleb(-4), "万元")
    assert value.quantities[0].written_unit == "元"


# --------------------------------------------------------------------------------------------
# Memoization (parse_value is pure: the same text gives the same, immutable Value)


def test_parse_value_is_memoized_and_bounded() -> None:
    from engine import values

    first = parse_value("≧95%")
    assert parse_value("≧95%") is first
    assert values._parse_cached.cache_info().maxsize == values.PARSE_CACHE_SIZE


def test_memoized_value_equals_a_fresh_parse() -> None:
    from engine import values

    for text in ["≧95%", "28家企业帮扶28个村", "12月底之前完成", "W100%", "290%", "", "无", "完成情况好"]:
        assert parse_value(text) == values._parse(text, values.DEFAULT_NOTATION, None)


def test_str_subclass_is_parsed_but_not_cached() -> None:
    class Cell(str):
        pass

    value = parse_value(Cell("95%"))
    assert value == parse_value("95%") and type(value.text) is Cell


# ---- filler words are the pack's (vocabulary.filler_words), one list ------------------------


def _national_vocabulary() -> dict:
    import yaml

    pack = Path(__file__).resolve().parent.parent / "rules" / "national-2020" / "pack.yaml"
    return yaml.safe_load(pack.read_text(encoding="utf-8"))["vocabulary"]


def test_the_parser_alone_knows_no_filler_words() -> None:
    # without a pack nothing around a number is silently dropped
    assert parse_value("已完成98%").notes == ("忽略了数值以外的文字“已完成”，请核对",)
    assert parse_value("共5次").doubts  # a lone ideograph before the number is a doubt


def test_national_filler_words_read_a_number_without_a_note() -> None:
    national = notation_for(_national_vocabulary())
    assert "已完成" in _national_vocabulary()["filler_words"]
    value = parse_value("已完成98%", national)
    assert (value.number, value.unit, value.notes, value.doubts) == (D("98"), PCT, (), ())
    assert parse_value("累计完成3次", national).notes == ("忽略了数值以外的文字“累计完成”，请核对",)


def test_a_pack_list_replaces_the_defaults() -> None:
    # a pack that does not take 已完成 as filler: "已完成98%" is read with a note for a person to check
    vocabulary = {**_national_vocabulary(), "filler_words": ["完成", "累计"]}
    value = parse_value("已完成98%", notation_for(vocabulary))
    assert value.number == D("98")
    assert value.notes == ("忽略了数值以外的文字“已完成”，请核对",)
    assert parse_value("完成98%", notation_for(vocabulary)).notes == ()
    assert parse_value("完成98%", notation_for({**vocabulary, "filler_words": []})).notes == (
        "忽略了数值以外的文字“完成”，请核对",)
