"""The benchmark's synthetic cases: valid, deterministic, covering every notation of the domain
guide §5 and the defects the checks look for; and the hand-written baseline agrees with the
engine on them (otherwise the benchmark's engine/baseline ratio would compare unequal work)."""

import re
from collections import Counter

import pytest

from benchmarks import baseline
from benchmarks.generate import case_text, generate
from benchmarks.padded import write_padded_pack
from engine.api import load_case, load_pack, matcher_for
from engine.load import load_text
from engine.score import score_case

from .conftest import NATIONAL, SEED

CASES = 40

# Domain guide §5, as written in the cells.
NOTATIONS = [
    # comparators
    "≥", "≧", ">=", "＞=", "不低于", "不少于", "以上", "至少", "达到", "＞", "高于", "≤", "≦", "<=", "＜=",
    "不超过", "不高于", "以内", "以下", "控制在", "＜", "＝", "﹦", "等于",
    # numbers and percent
    "０", ",", "％", "百分比", "百分之",
    # compound values, qualitative words, dates and periods, damaged text
    "家企业帮扶", "只羊、", "\"好\"", "完成情况好", "达成预期指标", "效果明显", "显著提升", "\"完成\"",
    "月前", "12月底之前完成", "1-12月", "天以内", "W100%",
]
UNITS = ["万元", "元", "人", "人次", "个", "家", "户", "次", "批次", "篇", "份", "天", "月", "亩", "吨", "米"]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench-cases")
    return [load_case(p) for p in generate(folder, CASES, seed=7)]


def test_generation_is_deterministic():
    assert case_text(1, 3) == case_text(1, 3)
    assert case_text(1, 3) != case_text(2, 3)
    assert case_text(1, 3) != case_text(1, 4)


def test_cases_are_valid_and_have_20_to_40_indicators(cases):
    assert len(cases) == CASES  # load_case validates against schemas/case.schema.json
    assert all(20 <= len(c.rows) <= 40 for c in cases)
    for c in cases:  # narrative claims: amounts with their shares, quoted from the report
        shares = [i["share"] for s in c.data["report"]["statements"] for i in s["items"] if "share" in i]
        assert shares and "占总支出的" in c.data["report"]["statements"][1]["quote"]


def test_every_notation_of_the_domain_guide_is_used():
    text = "".join(case_text(7, i) for i in range(200))
    missing = [n for n in NOTATIONS if n not in text]
    missing += [u for u in UNITS if not re.search(f"[0-9０-９]{u}\"", text)]  # a number, then the unit
    assert missing == []
    assert "290%" in text or any(f"\"2{p}%\"" in text for p in (80, 85, 90, 92, 95, 98))  # OCR: "≥90%" as "290%"


def test_cases_score_and_carry_the_deliberate_defects(cases):
    pack = load_pack(NATIONAL)
    matcher = matcher_for(pack, "python")
    codes = Counter()
    skipped = 0
    for case in cases:
        result = score_case(case, pack, matcher)
        codes.update(f.rule for f in result.findings if not f.passed)
        codes.update(e.rule for e in result.ledger)
        skipped += len(result.skipped_rows)
    defects = {"JX-R01", "JX-R03", "JX-R07", "JX-C01", "JX-C02", "JX-C04", "JX-C05", "JX-A01", "JX-A02", "JX-A03",
               "JX-A04", "JX-A05", "JX-A07", "JX-A09", "JX-A10", "JX-A11"}
    assert defects - set(codes) == set()
    # the generator's "无" rows carry no weight: placeholder rows, skipped (JX-S00 scores only a
    # not-applicable row that carries a weight)
    scoring = {"JX-E01", "JX-S01", "JX-S02", "JX-S03", "JX-S04", "JX-S05", "JX-S06", "JX-S90"}
    assert scoring - set(codes) == set() and skipped > 0


@pytest.mark.parametrize("matcher", ["python", "durable"])
def test_baseline_agrees_with_the_engine(cases, matcher):
    from engine.match import durable_available

    if matcher == "durable" and not durable_available():
        pytest.skip("durable_rules is not importable on this Python")
    pack = load_pack(NATIONAL)
    compiled = matcher_for(pack, matcher)
    for case in cases:
        assert baseline.same_as_engine(baseline.score(case.data), score_case(case, pack, compiled)) is None, case.file


def test_baseline_agrees_on_the_seed_case(in_root):
    case = load_case(SEED)
    mine = baseline.score(case.data)
    assert mine["total"] == score_case(case, load_pack(NATIONAL), matcher_for(load_pack(NATIONAL), "python")).total
    assert str(mine["total"]) == "99.26"


def test_baseline_notices_a_different_engine_result(cases):
    pack = load_pack(NATIONAL)
    result = score_case(cases[0], pack, matcher_for(pack, "python"))
    mine = baseline.score(cases[0].data)
    mine["findings"] = mine["findings"][1:]
    assert "findings differ" in baseline.same_as_engine(mine, result)
    mine = baseline.score(cases[0].data)
    mine["total"] += 1
    assert baseline.same_as_engine(mine, result).startswith("total")


def test_padded_pack_adds_ten_times_the_rules_and_they_never_match(tmp_path, cases):
    folder, added = write_padded_pack(tmp_path)
    national, padded = load_pack(NATIONAL), load_pack(folder)
    assert added == 10 * len(national.rules)
    assert len(padded.rules) == len(national.rules) + added
    matcher = matcher_for(padded, "python")
    for case in cases[:10]:
        assert [f.rule for f in score_case(case, padded, matcher).findings] == \
               [f.rule for f in score_case(case, national, matcher_for(national, "python")).findings]


def test_generated_text_is_plain_yaml():
    doc = load_text(case_text(7, 0), "case.yaml")
    assert doc.data["format"] == "jixiao-case/1"
