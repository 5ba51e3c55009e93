"""The case-file format: schema hygiene, the seed case pinned against the paper form, and
the schema's errors on broken copies.

The seed is 渌口区工商联 2022 (cases/2022/lukou-gsl.yaml), transcribed from the Word copy of
its 绩效目标表, 绩效自评表 and 自评报告. Expected values below were read off that form.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schemas" / "case.schema.json"
CASE_PATH = ROOT / "cases" / "2022" / "lukou-gsl.yaml"


# ── helpers ──────────────────────────────────────────────────────────────────────────────


def dec(x) -> Decimal | None:
    """Decimal from what yaml.safe_load gives (int or float), through str: 160.48 -> Decimal('160.48')."""
    if x is None:
        return None
    assert not isinstance(x, bool)
    assert isinstance(x, (int, float)), f"not a number: {x!r}"
    return Decimal(str(x))


def decsum(values) -> Decimal:
    return sum((dec(v) for v in values if v is not None), Decimal(0))


def to_decimals(node):
    """What the loader does before validation: every float becomes a Decimal (through str)."""
    if isinstance(node, dict):
        return {k: to_decimals(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_decimals(v) for v in node]
    if isinstance(node, float):
        return Decimal(str(node))
    return node


def rows_of(level1: dict) -> list[dict]:
    return [row for group in level1["groups"] for row in group["rows"]]


def level1_named(indicators: list[dict], name: str) -> dict:
    (found,) = [block for block in indicators if block["level1"] == name]
    return found


def group_named(level1: dict, name: str) -> dict:
    (found,) = [group for group in level1["groups"] if group["level2"] == name]
    return found


def errors_of(validator, instance) -> list:
    return sorted(validator.iter_errors(instance), key=lambda e: e.json_path)


# ── fixtures ─────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def raw_text() -> str:
    return CASE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def case(raw_text) -> dict:
    return yaml.safe_load(raw_text)


@pytest.fixture()
def broken(case) -> dict:
    """A fresh deep copy for a negative test to damage."""
    return copy.deepcopy(case)


@pytest.fixture(scope="module")
def se(case) -> dict:
    return case["self_evaluation"]


@pytest.fixture(scope="module")
def tt(case) -> dict:
    return case["target_table"]


@pytest.fixture(scope="module")
def report(case) -> dict:
    return case["report"]


# ── schema hygiene ───────────────────────────────────────────────────────────────────────


def _walk_schema(node, path="#"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk_schema(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk_schema(value, f"{path}/{i}")


def test_schema_is_valid_draft_2020_12(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "schemas").glob("*.schema.json")))
def test_every_schema_is_valid(name):
    """engine.validate does not check its schemas on each start; this does, for every one."""
    import jsonschema

    document = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(document, default=None)
    assert cls is not None, f"{name}: $schema names no known draft"
    cls.check_schema(document)


def test_every_object_forbids_unknown_keys(schema):
    objects = [(p, n) for p, n in _walk_schema(schema) if n.get("type") == "object"]
    assert len(objects) > 10
    for path, node in objects:
        if path == "#":  # the root picks the version; each version's own object forbids unknown keys
            assert node["then"] == {"$ref": "#/$defs/case_v1"} and node["else"] == {"$ref": "#/$defs/case_v2"}
            continue
        if "properties" not in node:  # a map of names to checked values (v2 `allocation`)
            assert isinstance(node.get("additionalProperties"), dict), path
            continue
        assert node.get("additionalProperties") is False, path
        assert set(node.get("required", [])) <= set(node["properties"]), path


def test_every_property_has_bilingual_title_and_description(schema):
    props = [
        (f"{path}/properties/{name}", sub)
        for path, node in _walk_schema(schema)
        if isinstance(node.get("properties"), dict) and node.get("type") == "object"
        for name, sub in node["properties"].items()
    ]
    assert len(props) > 60
    for path, sub in props:
        for key in ("title", "description"):
            text = sub.get(key, "")
            assert text, f"{path} has no {key}"
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), f"{path} {key} has no Chinese"
            assert any("a" <= ch.lower() <= "z" for ch in text), f"{path} {key} has no English"


def test_numeric_cells_are_number_or_null(schema):
    defs = schema["$defs"]
    numeric = {
        "money_row": ["amount"],
        "target_budget": ["total"],
        "evaluation_budget": ["initial", "full_year", "executed", "weight", "self_score"],
        "evaluated_row": ["weight", "score"],
        "evaluated_level1": ["points"],
        "evaluation_total": ["weight", "score"],
        "statement": ["total"],
        "statement_item": ["amount"],
        "scored_item": ["weight", "score"],
    }
    for name, fields in numeric.items():
        for field in fields:
            assert defs[name]["properties"][field]["type"] == ["number", "null"], (name, field)


def test_cell_pattern_strips_only_surrounding_whitespace(validator, schema):
    cell = Draft202012Validator({**schema["$defs"]["cell"], "$defs": schema["$defs"]})
    for good in ["", "7人", "≧95%", "2编", "青春渌口 创业新城", "无"]:
        assert cell.is_valid(good), good
    for bad in [" 7人", "7人 ", "\u3000100%", "100%\u3000", "\u00a0无", "a\nb", "7人\n"]:
        assert not cell.is_valid(bad), repr(bad)


# ── the seed case: file, header, validity ────────────────────────────────────────────────


def test_first_line_points_the_editor_at_the_schema(raw_text):
    assert raw_text.splitlines()[0] == "# yaml-language-server: $schema=../../schemas/case.schema.json"


def test_case_validates(validator, case):
    assert errors_of(validator, case) == []


def test_case_validates_after_decimal_conversion(validator, case):
    converted = to_decimals(case)
    assert errors_of(validator, converted) == []
    assert converted["self_evaluation"]["budget"]["full_year"] == Decimal("160.48")


def test_every_number_survives_the_trip_through_str(case):
    """No figure on the form has more than 2 decimals, so str(float) gives back the form's text."""
    numbers = []

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            numbers.append(node)

    walk(case)
    # year 1 + target budget 3 + budget row 5 + funding 2 + 22 rows x (weight, score) 44
    # + points 3 + total 2 + report totals/parts 14 + self score 1 + other scores 5 + staffing 2
    assert len(numbers) == 82
    for x in numbers:
        assert dec(x).as_tuple().exponent >= -2, x


def test_header(case):
    assert case["format"] == "jixiao-case/1"
    assert case["unit"] == "株洲市渌口区工商业联合会"
    assert case["year"] == 2022
    assert case["form"] == "department"
    assert case["target_table"]["unit"] == case["unit"]
    assert case["target_table"]["filing_unit"] == case["unit"]
    assert case["self_evaluation"]["unit"] == case["unit"]


def test_every_string_is_stripped(case):
    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{path}[{i}]")
        elif isinstance(node, str):
            yield path, node

    strings = list(walk(case, "$"))
    assert len(strings) > 150
    for path, s in strings:
        assert s == s.strip(" \t\r\n\u3000\u00a0"), path


# ── 绩效目标表 ───────────────────────────────────────────────────────────────────────────


def test_target_table_header_and_footer(tt):
    assert tt["title"] == "2022年部门整体支出绩效目标表"
    assert tt["filled_by"] == "刘水良"
    assert tt["phone"] == "27615141"
    assert tt["date"] == "2022年12月27日"
    assert tt["head_signature"] == ""
    assert tt["goal"] == "保机关人员工资及机关正常运转，联络民营经济人士。"
    assert tt["functions"].startswith("根据中共株洲县办公室县办发通知【2002】72号文件规定")
    assert "促进非公有制经济人士健康发展”；" in tt["functions"]  # stray closing quote, as on the form
    assert tt["functions"].endswith("(八)完成区委、区政府交办的其他工作。")


def test_target_table_budget(tt):
    budget = tt["budget"]
    assert dec(budget["total"]) == Decimal("160.48")
    assert [(r["name"], dec(r["amount"])) for r in budget["by_income"]] == [
        ("一般公共预算", Decimal("160.48")),
        ("政府性基金拨款", None),
        ("纳入专户管理的非税收入拨款", None),
        ("其他资金", None),
    ]
    assert [(r["name"], dec(r["amount"])) for r in budget["by_spending"]] == [
        ("基本支出", Decimal("160.48")),
        ("项目支出", None),
    ]


def test_target_table_grid_shape(tt):
    shape = [
        (block["level1"], [(g["level2"], len(g["rows"])) for g in block["groups"]])
        for block in tt["indicators"]
    ]
    assert shape == [
        ("产出指标", [("数量指标", 4), ("质量指标", 4), ("成本指标", 5), ("时效指标", 1)]),
        # 满意度 sits under 效益指标 on this table: its 一级 cell is merged with 效益指标.
        ("效益指标", [("经济效益指标", 2), ("社会效益指标", 2), ("生态效益指标", 1),
                      ("可持续影响指标", 2), ("社会公众或服务对象满意度", 2)]),
    ]
    assert sum(len(rows_of(b)) for b in tt["indicators"]) == 23


def test_target_table_rows(tt):
    output = level1_named(tt["indicators"], "产出指标")
    assert [(r["name"], r["target"]) for r in rows_of(output)] == [
        ("人员保障", "7人"),
        ("办公经费", "7人"),
        ("对退休人员的补助", "5人"),
        ("联系非公人士及招商引资", "58人"),
        ("上级安排的工作任务完成率", "100%"),
        ("做好非公企业的各项服务", "6批次"),
        ("做好非公经济人士参政议政、建言献策", "2篇"),
        ("助力乡村振兴开展“万企帮万村”行动", "28家企业帮扶28个村"),
        ("人员保障", "107.57万元"),
        ("办公经费", "39.23万元"),
        ("对退休人员的补助", "2.29万元"),
        ("联系非公人士及招商引资", "5.92万元"),
        ("乡村振兴工作", "5.47万元"),
        ("年内完成各项工作", "100%"),
    ]
    benefit = level1_named(tt["indicators"], "效益指标")
    assert [(r["name"], r["target"]) for r in rows_of(benefit)] == [
        ("服务好全区民营经济人士和民营企业", "≧95%"),
        ("促进我区民营经济健康发展", "≧95%"),
        ("营造我区良好的营商环境", "≧95%"),
        ("促进我区民营经济人士和民营企业更好发展", "≧95%"),
        ("无", ""),
        ("引导民营经济人士自觉把自身企业的发展与国家的发展结合起来", "≧92%"),
        ("引导非公有制经济人士承担社会责任", "≧95%"),
        ("各基层商会对工商联工作的认可度", "98%"),
        ("工商联执常委对工商联工作认可度", "98%"),
    ]


# ── 绩效自评表 ───────────────────────────────────────────────────────────────────────────


def test_self_evaluation_header(se):
    assert se["title"] == "部门整体支出绩效自评表"
    assert se["period"] == "2022年度"
    assert se["goal"] == {"expected": "维护日常工作开支及联系企业、服务好企业", "actual": "完成情况好"}


def test_budget_block(se):
    b = se["budget"]
    assert b["label"] == "年度资金总额"
    assert dec(b["initial"]) == Decimal("116.41")
    assert dec(b["full_year"]) == Decimal("160.48")
    assert dec(b["executed"]) == Decimal("160.48")
    assert dec(b["weight"]) == Decimal("10")
    assert b["rate"] == "100%"
    assert dec(b["self_score"]) == Decimal("10")


def test_funding_rows(se, tt):
    assert se["funding"]["by_income"] == tt["budget"]["by_income"]
    assert se["funding"]["by_spending"] == tt["budget"]["by_spending"]


def test_self_evaluation_grid_shape(se):
    shape = [
        (block["level1"], block["label"], dec(block["points"]),
         [(g["level2"], len(g["rows"])) for g in block["groups"]])
        for block in se["indicators"]
    ]
    assert shape == [
        ("产出指标", "产出指标(50分)", Decimal(50),
         [("数量指标", 4), ("质量指标", 4), ("时效指标", 1), ("成本指标", 5)]),
        ("效益指标", "效益指标（30分）", Decimal(30),
         [("经济效益指标", 2), ("社会效益指标", 2), ("生态效益指标", 1), ("可持续影响指标", 2)]),
        ("满意度指标", "满意度指标（10分）", Decimal(10), [("服务对象满意度指标", 2)]),
    ]


def test_row_counts(se):
    output, benefit, satisfaction = se["indicators"]
    # 产出: 4 数量 + 4 质量 + 1 时效 + 5 成本 = 14 rows on the form (the brief said 13).
    assert len(rows_of(output)) == 14
    benefit_rows = rows_of(benefit)
    assert len([r for r in benefit_rows if r["name"] != "无"]) == 6
    assert len([r for r in benefit_rows if r["name"] == "无"]) == 1
    assert len(rows_of(satisfaction)) == 2


def test_weights_per_level1(se):
    weights = {b["level1"]: decsum(r["weight"] for r in rows_of(b)) for b in se["indicators"]}
    assert weights == {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
    for block in se["indicators"]:
        assert weights[block["level1"]] == dec(block["points"])
        assert f"{block['points']}分" in block["label"]


def test_self_scores_add_up_to_the_total(se):
    scores = {b["level1"]: decsum(r["score"] for r in rows_of(b)) for b in se["indicators"]}
    assert scores == {"产出指标": Decimal(50), "效益指标": Decimal(23), "满意度指标": Decimal(10)}
    budget = dec(se["budget"]["self_score"])
    assert budget + sum(scores.values()) == Decimal(93) == dec(se["total"]["score"])
    weights = dec(se["budget"]["weight"]) + decsum(
        r["weight"] for b in se["indicators"] for r in rows_of(b)
    )
    assert weights == Decimal(100) == dec(se["total"]["weight"])


def test_output_rows(se):
    output = level1_named(se["indicators"], "产出指标")
    assert [
        (r["name"], r["target"], r["actual"], dec(r["weight"]), dec(r["score"]), r["reason"])
        for r in rows_of(output)
    ] == [
        ("人员保障", "7人", "7人", Decimal("2.5"), Decimal("2.5"), ""),
        ("办公经费", "7人", "7人", Decimal("2.5"), Decimal("2.5"), ""),
        ("对退休人员的补助", "5人", "5人", Decimal("2.5"), Decimal("2.5"), ""),
        ("联系非公人士及招商引资", "58人", "58人", Decimal("2.5"), Decimal("2.5"), ""),
        ("上级安排的工作任务完成率", "100%", "100%", Decimal(3), Decimal(3), ""),
        ("做好非公企业的各项服务", "6批次", "6批次", Decimal(3), Decimal(3), ""),
        ("做好非公经济人士参政议政、建言献策", "2编", "2编", Decimal(5), Decimal(5), ""),
        ("助力乡村振兴开展“万企帮万村”行动", "28家企业帮扶28个村", "28家企业帮扶28个村",
         Decimal(3), Decimal(3), ""),
        ("年内完成各项工作", "100%", "100%", Decimal(2), Decimal(2), ""),
        ("人员保障", "107.57万元", "107.57万元", Decimal(4), Decimal(4), ""),
        ("办公经费", "39.23万元", "39.23万元", Decimal(5), Decimal(5), ""),
        ("对退休人员的补助", "2.29万元", "2.29万元", Decimal(5), Decimal(5), ""),
        ("联系非公人士及招商引资", "5.92万元", "5.92万元", Decimal(5), Decimal(5), ""),
        ("乡村振兴工作", "5.47万元", "5.47万元", Decimal(5), Decimal(5), ""),
    ]


def test_benefit_rows(se):
    benefit = level1_named(se["indicators"], "效益指标")
    assert [
        (g["level2"], r["name"], r["target"], r["actual"], dec(r["weight"]), dec(r["score"]))
        for g in benefit["groups"]
        for r in g["rows"]
    ] == [
        ("经济效益指标", "服务好全区民营经济人士和民营企业", "≧95%", "≧92%", Decimal(5), Decimal(4)),
        ("经济效益指标", "促进我区民营经济健康发展", "≧95%", "≧92%", Decimal(5), Decimal(4)),
        ("社会效益指标", "营造我区良好的营商环境", "≧95%", "≧90%", Decimal(5), Decimal(3)),
        ("社会效益指标", "促进我区民营经济人士和民营企业更好发展", "≧95%", "≧92%", Decimal(5), Decimal(4)),
        ("生态效益指标", "无", "", "", None, None),
        ("可持续影响指标", "引导民营经济人士自觉把自身企业的发展与国家的发展结合起来",
         "≧92%", "≧92%", Decimal(5), Decimal(4)),
        ("可持续影响指标", "引导非公有制经济人士承担社会责任", "≧95%", "≧95%", Decimal(5), Decimal(4)),
    ]


def test_not_applicable_row_is_kept_blank(se):
    benefit = level1_named(se["indicators"], "效益指标")
    assert group_named(benefit, "生态效益指标")["rows"] == [
        {"name": "无", "target": "", "actual": "", "weight": None, "score": None, "reason": ""}
    ]


def test_satisfaction_rows(se):
    satisfaction = level1_named(se["indicators"], "满意度指标")
    assert [
        (r["name"], r["target"], r["actual"], dec(r["weight"]), dec(r["score"]))
        for r in rows_of(satisfaction)
    ] == [
        ("各基层商会对工商联工作的认可度", "98%", "98%", Decimal(5), Decimal(5)),
        ("工商联执常委对工商联工作认可度", "98%", "98%", Decimal(5), Decimal(5)),
    ]


def test_no_deviation_reason_anywhere(se):
    assert {r["reason"] for b in se["indicators"] for r in rows_of(b)} == {""}


def test_targets_match_the_target_table_except_the_typo(se, tt):
    """Same rows in both tables (order of 时效/成本 differs); only 2篇 became 2编."""
    ours = Counter((r["name"], r["target"]) for b in se["indicators"] for r in rows_of(b))
    theirs = Counter((r["name"], r["target"]) for b in tt["indicators"] for r in rows_of(b))
    assert ours - theirs == Counter({("做好非公经济人士参政议政、建言献策", "2编"): 1})
    assert theirs - ours == Counter({("做好非公经济人士参政议政、建言献策", "2篇"): 1})


# ── 自评报告 ─────────────────────────────────────────────────────────────────────────────


def test_report_statements(report):
    got = [
        (s["topic"], dec(s["total"]),
         [(i["name"], dec(i["amount"]), i.get("share"), i.get("includes")) for i in s["items"]])
        for s in report["statements"]
    ]
    assert got == [
        ("年初预算", Decimal("116.41"), [
            ("一般公共服务支出", Decimal("95.04"), None, None),
            ("社会保障和就业支出", Decimal("13.25"), None, None),
            ("住房保障支出", Decimal("8.12"), None, None),
            ("项目支出", Decimal(0), None, None),
        ]),
        ("年终一般公共财政预算财政拨款支出", Decimal("160.48"), [
            ("工资福利支出", Decimal("107.57"), None, None),
            ("商品和服务支出", Decimal("50.62"), None, None),
            ("对个人和家庭的补助支出", Decimal("2.29"), None, None),
        ]),
        ("总支出", Decimal("160.48"), [
            ("工资福利支出", Decimal("107.57"), "67.03%", None),
            ("商品和服务支出", Decimal("50.62"), "31.54%", ["办公经费", "联系非公人士及招商引资", "乡村振兴工作"]),
            ("对个人和家庭的补助支出", Decimal("2.29"), "1.43%", None),
            ("项目支出", Decimal(0), "0%", None),
        ]),
    ]


def test_report_quotes_contain_their_figures(report):
    for s in report["statements"]:
        quote = s["quote"]
        assert f"{dec(s['total'])}万元" in quote, s["topic"]
        for item in s["items"]:
            assert f"{item['name']}" in quote
            assert f"{dec(item['amount'])}万元" in quote, item["name"]
            if "share" in item:
                assert f"占总支出的{item['share']}" in quote
    assert report["statements"][2]["quote"].endswith("完内成了各项工作任务。")  # typo kept


def test_report_figures_reconcile(report):
    """The transcription adds up the way the form does (parts = total, shares = amount/total)."""
    for s in report["statements"]:
        assert decsum(i["amount"] for i in s["items"]) == dec(s["total"]), s["topic"]
    spending = report["statements"][2]
    for item in spending["items"]:
        computed = (dec(item["amount"]) / dec(spending["total"]) * 100).quantize(Decimal("0.01"))
        assert Decimal(item["share"].rstrip("%")) == computed, item["name"]


def test_report_scores(report):
    assert report["execution_rate"] is None
    assert dec(report["self_score"]["score"]) == Decimal(93)
    assert report["self_score"]["quote"].endswith("区工商联逐项进行自评，得93分。")
    (group,) = report["other_scores"]
    assert (group["name"], dec(group["weight"]), group["score"]) == ("评价结果应用", Decimal(10), None)
    assert [(i["name"], dec(i["weight"]), dec(i["score"])) for i in group["items"]] == [
        ("整改落实", Decimal(5), Decimal(5)),
        ("结果公开", Decimal(5), Decimal(5)),
    ]
    assert decsum(i["weight"] for i in group["items"]) == dec(group["weight"])
    staffing = report["staffing"]
    assert (dec(staffing["authorized"]), dec(staffing["actual"])) == (Decimal(5), Decimal(7))


def test_report_sections(report):
    def headings(sections, depth=0):
        for s in sections:
            yield depth, s["heading"]
            yield from headings(s.get("subsections", []), depth + 1)

    assert list(headings(report["sections"])) == [
        (0, "预算单位基本情况"),
        (0, "二、一般公共预算支出情况"),
        (1, "（一）基本支出情况"),
        (1, "（二）项目支出情况"),
        (0, "三、部门整体支出绩效情况"),
        (1, "1.绩效目标的实现情况。"),
        (1, "2.经济效益。"),
        (1, "3.社会效益。"),
        (1, "4.行政效能。"),
        (0, "四、存在的问题及原因分析"),
        (0, "下一步改进措施"),
        (0, "六、绩效自评结果拟应用和公开情况"),
        (1, "评价结果应用10分"),
    ]
    first = report["sections"][0]["text"]
    assert "经费。\u00a0\u00a0纳入" in first and first.endswith("只有本级.")
    assert report["sections"][2]["subsections"][0]["text"] == report["statements"][2]["quote"]


def test_quotes_are_verbatim_in_the_sections(report):
    def texts(sections):
        for s in sections:
            yield s["heading"]
            yield s["text"]
            yield from texts(s.get("subsections", []))

    blob = "\n".join(texts(report["sections"]))
    quotes = [s["quote"] for s in report["statements"]]
    quotes.append(report["self_score"]["quote"])
    quotes.append(report["staffing"]["quote"])
    for group in report["other_scores"]:
        quotes.append(group["quote"])
        quotes.extend(i["quote"] for i in group["items"])
    for quote in quotes:
        assert quote in blob, quote


# ── negative: the schema catches broken copies, at the field's path ──────────────────────


def test_unknown_key_is_rejected(validator, broken):
    broken["self_evaluation"]["budget"]["inital"] = 116.41  # typo of "initial"
    (error,) = errors_of(validator, broken)
    assert error.validator == "additionalProperties"
    assert error.json_path == "$.self_evaluation.budget"
    assert "'inital'" in error.message


def test_unknown_key_in_an_indicator_row_is_rejected(validator, broken):
    broken["self_evaluation"]["indicators"][1]["groups"][0]["rows"][1]["scroe"] = 4
    (error,) = errors_of(validator, broken)
    assert error.validator == "additionalProperties"
    assert error.json_path == "$.self_evaluation.indicators[1].groups[0].rows[1]"
    assert "'scroe'" in error.message


def test_missing_required_field_is_rejected(validator, broken):
    del broken["self_evaluation"]["budget"]["full_year"]
    (error,) = errors_of(validator, broken)
    assert error.validator == "required"
    assert error.json_path == "$.self_evaluation.budget"
    assert "'full_year'" in error.message


def test_missing_reason_cell_is_rejected(validator, broken):
    del broken["self_evaluation"]["indicators"][2]["groups"][0]["rows"][0]["reason"]
    (error,) = errors_of(validator, broken)
    assert error.validator == "required"
    assert error.json_path == "$.self_evaluation.indicators[2].groups[0].rows[0]"
    assert "'reason'" in error.message


def test_string_weight_is_rejected(validator, broken):
    broken["self_evaluation"]["indicators"][0]["groups"][0]["rows"][0]["weight"] = "2.5"
    (error,) = errors_of(validator, broken)
    assert error.validator == "type"
    assert error.json_path == "$.self_evaluation.indicators[0].groups[0].rows[0].weight"


def test_number_where_text_is_expected_is_rejected(validator, broken):
    """An unquoted 27615141 would load as an int: the phone must stay a string."""
    broken["target_table"]["phone"] = 27615141
    (error,) = errors_of(validator, broken)
    assert error.validator == "type"
    assert error.json_path == "$.target_table.phone"


def test_unstripped_cell_is_rejected(validator, broken):
    broken["self_evaluation"]["indicators"][0]["groups"][2]["rows"][0]["actual"] = "\u3000100%"
    (error,) = errors_of(validator, broken)
    assert error.validator == "pattern"
    assert error.json_path == "$.self_evaluation.indicators[0].groups[2].rows[0].actual"


def test_wrong_format_version_is_rejected(validator, broken):
    broken["format"] = "jixiao-case/3"
    (error,) = errors_of(validator, broken)
    assert error.validator == "enum"
    assert error.json_path == "$.format"
