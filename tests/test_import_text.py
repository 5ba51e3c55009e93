"""`jixiao import` on text copied out of Word: the seed form must come back as the hand-made case.

The comparison is on loaded data (engine/load.py: Decimal numbers), not on YAML text. Only the
keys in EXCLUDED differ, for the reasons given there.
"""

from __future__ import annotations

import copy
import importlib.util
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.case import build_case as build_case_model
from engine.cli import main
from engine.importers import dump_case, import_file
from engine.importers.text import parse_text
from engine.importers.common import build_case
from engine.load import load_file, load_text
from engine.validate import validate

ROOT = Path(__file__).resolve().parent.parent
SEED_CASE = ROOT / "cases" / "2022" / "lukou-gsl.yaml"
from tests.import_forms import EXCLUDED, SEED_TEXT, without  # noqa: E402

# Top-level keys that cannot be derived from the form, and why. Nothing else is excluded.

SEED_REVIEW = [
    {"field": "self_evaluation.indicators[0].groups[1].rows[2].target", "value": "2编",
     "reason": "单位“编”不在已知单位表中（第 348 行）"},
    {"field": "self_evaluation.indicators[0].groups[1].rows[2].actual", "value": "2编",
     "reason": "单位“编”不在已知单位表中（第 349 行）"},
    {"field": "report.sections[5].subsections[0].heading", "value": "评价结果应用10分",
     "reason": "未编号的短行，按下级标题读入（第 570 行）"},
]



@pytest.fixture(scope="module")
def imported():
    return import_file(SEED_TEXT)


@pytest.fixture(scope="module")
def imported_doc(imported):
    """The importer's YAML, loaded back the way `jixiao score` loads a case."""
    doc = load_text(dump_case(imported.case), "imported.yaml")
    validate(doc, "case.schema.json")
    return doc


@pytest.fixture(scope="module")
def seed_doc():
    return load_file(SEED_CASE)


# ── the seed round trip ─────────────────────────────────────────────────────────────────


def test_seed_text_imports_to_the_hand_made_case(imported_doc, seed_doc):
    assert without(imported_doc.data, EXCLUDED) == without(seed_doc.data, EXCLUDED)


def test_exclusions_are_exactly_the_keys_that_differ(imported_doc, seed_doc):
    differing = {
        k for k in set(imported_doc.data) | set(seed_doc.data)
        if imported_doc.data.get(k) != seed_doc.data.get(k)
    }
    assert differing == set(EXCLUDED)


def test_region_comes_from_the_option(tmp_path):
    result = import_file(SEED_TEXT, region="湖南省株洲市渌口区")
    seed = load_file(SEED_CASE).data
    assert result.case["region"] == seed["region"]


def test_numbers_are_decimals_and_texts_as_written(imported_doc):
    se = imported_doc.data["self_evaluation"]
    assert se["budget"]["full_year"] == Decimal("160.48")
    assert isinstance(se["budget"]["full_year"], Decimal)
    row = se["indicators"][0]["groups"][0]["rows"][0]
    assert isinstance(row["weight"], Decimal) and row["weight"] == Decimal("2.5")
    assert imported_doc.data["target_table"]["phone"] == "27615141"


def _core(items: list[dict]) -> list[dict]:
    return [{k: item[k] for k in ("field", "value", "reason")} for item in items]


def test_seed_review_list(imported):
    assert _core(imported.review) == SEED_REVIEW
    assert _core(imported.case["review"]) == SEED_REVIEW
    # each item says what to do and in which file (a text copy has lines, not pages or tables)
    assert all(item["action"] for item in imported.review)
    located = [item for item in imported.review if "where" in item]
    assert len(located) >= len(imported.review) // 2
    assert all(item["where"]["file"] == "2022-lukou-gsl.txt" for item in located)
    assert next(i for i in imported.review if i["value"] == "2编")["action"].startswith("核对单位")


def test_case_models_are_identical(imported_doc, seed_doc):
    """What the scoring pipeline sees (engine.case.Case) is the same for both files."""
    a = build_case_model(imported_doc.data, "imported.yaml", "x")
    b = build_case_model(seed_doc.data, "seed.yaml", "y")
    ignore = {"file", "sha256", "data", "region", "review", "format", "layout"}  # see EXCLUDED; review: the import's own list
    assert without(asdict(a), ignore) == without(asdict(b), ignore)
    assert len(a.rows) == 23 and len(a.target_rows) == 23


@pytest.mark.skipif(
    importlib.util.find_spec("engine.match") is None or importlib.util.find_spec("engine.expr") is None,
    reason="engine/match and engine/expr are being written on main; scoring is not on this branch yet",
)
def test_scores_are_identical(tmp_path, imported):  # pragma: no cover - runs once the modules land
    """The whole result (total, sections, ledger, findings) is the same; only the case file's
    name and hash differ."""
    import json

    from engine.api import score_file
    from engine.report import json as json_report

    out = tmp_path / "imported.yaml"
    out.write_text(dump_case(imported.case), encoding="utf-8")
    # The import's own review list makes its result provisional until a person has checked it, and
    # a review item on a row's cell (here the unit "编" of row 7, read from the text as written)
    # makes that row 待复核: not readable for sure is not unmet.
    reviewed = score_file(out)
    assert reviewed.status == "provisional"
    assert [i.field for i in reviewed.review_items if i.source == "case"] == [r["field"] for r in imported.review]
    assert [e.row for e in reviewed.ledger if e.outcome == "review"] == [7]
    # Once a person has checked those cells (the review list emptied), the result is the seed's.
    checked = tmp_path / "checked.yaml"
    checked.write_text(dump_case({k: v for k, v in imported.case.items() if k != "review"}), encoding="utf-8")
    results = []
    for path in (checked, SEED_CASE):
        data = json.loads(json_report.render(score_file(path)))
        del data["case"]["file"], data["case"]["sha256"]
        results.append(data)
    assert results[0] == results[1]
    assert results[0]["total"]["score"] == "99.26"  # docs/domain-guide.md §6


# ── the YAML written ────────────────────────────────────────────────────────────────────


def test_yaml_is_in_the_hand_made_style(imported):
    text = dump_case(imported.case)
    assert "      - {name: 人员保障, target: 7人, actual: 7人, weight: 2.5, score: 2.5, reason: ''}\n" in text
    assert "    - {name: 一般公共预算, amount: 160.48}\n" in text
    assert "includes: [办公经费, 联系非公人士及招商引资, 乡村振兴工作]" in text
    assert "    text: |-\n      一是完善绩效评价工作制度。\n" in text
    assert text.index("review:") < text.index("target_table:") < text.index("self_evaluation:") < text.index("report:")


# ── the text reader on its own ──────────────────────────────────────────────────────────


def test_text_reader_rows_cells_and_wrapped_headers():
    text = (
        "标题\n\n\n"
        "\t年度\n\n指标值\n\t实际\n\n完成值\n\n"
        "\t7人\n\t　\n\n"
        "\t总分\t100\n\n\n"
        "尾注\n"
    )
    source = parse_text(text)
    shape = [(r.table, [c.text for c in r.cells]) for r in source.rows]
    assert shape == [
        (None, ["标题"]),
        (0, ["年度指标值", "实际完成值"]),
        (0, ["7人", ""]),
        (0, ["总分", "100"]),
        (None, ["尾注"]),
    ]
    assert source.rows[1].cells[0].block == "年度\n指标值"
    assert source.rows[1].cells[1].where == "第 7 行"


VARIANT_TEXT = """2023年部门整体支出绩效自评表

（2023年度）

\t预算部门名称
\t某某局

\t年度预算申请
（万元）
\t
\t年初预算数
\t调整后预算数
\t全年执行数
\t权重
\t执行率
\t得分

\t
\t年度资金总额
\t100
\t120
\t108
\t10
\t90%
\t9

\t一级指标
\t二级指标
\t三级指标
\t权重
\t年度指标值
\t实际完成值
\t得分

\t产出指标（60分）
\t数量指标
\t培训人次
\t30
\t≥500人次
\t520人次
\t30

\t
\t
\t培训满意度
\t
\t≥90%
\t93%
\t28

\t
\t质量指标
\t合格率
\t30
\t100%
\t98编
\t29

\t总分
\t100
\t96



部门整体支出绩效自评报告

一、基本情况
本年度预算执行率为90%，自评得分96分。
"""


def test_text_variant_weight_before_target_and_adjusted_budget():
    result = build_case(parse_text(VARIANT_TEXT, "variant.txt"))
    se = result.case["self_evaluation"]
    assert se["budget"] == {"label": "年度资金总额", "initial": 100, "full_year": 120, "executed": 108,
                            "weight": 10, "rate": "90%", "self_score": 9}
    (block,) = se["indicators"]
    assert (block["level1"], block["label"], block["points"]) == ("产出指标", "产出指标（60分）", 60)
    rows = [(g["level2"], r["name"], r["target"], r["actual"], r["weight"], r["score"])
            for g in block["groups"] for r in g["rows"]]
    assert rows == [
        ("数量指标", "培训人次", "≥500人次", "520人次", 30, 30),
        ("数量指标", "培训满意度", "≥90%", "93%", None, 28),
        ("质量指标", "合格率", "100%", "98编", 30, 29),
    ]
    assert se["total"] == {"weight": 100, "score": 96}
    assert result.case["report"]["execution_rate"] == "90%"
    assert result.case["report"]["self_score"]["score"] == 96
    reasons = {(r["field"], r["reason"]) for r in result.review}
    assert ("self_evaluation.indicators[0].groups[0].rows[1].weight", "本行没有分值（第 46 行）") in reasons
    assert any(f.endswith("rows[0].actual") and "编" in why for f, why in reasons)
    assert any(f == "target_table" and "没有找到绩效目标表" in why for f, why in reasons)
    # The stubbed parts still make a valid case.
    validate(load_text(dump_case(result.case), "variant.yaml"), "case.schema.json")


# ── the command ─────────────────────────────────────────────────────────────────────────


def test_cli_writes_the_case_and_a_summary(tmp_path):
    out = tmp_path / "case.yaml"
    out.write_text("old content", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(SEED_TEXT), "--output", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "需要核对 3 处" in result.stderr
    assert "绩效自评表：3 个一级指标，23 行指标" in result.stderr
    assert "单位“编”不在已知单位表中" in result.stderr
    doc = load_file(out)
    validate(doc, "case.schema.json")
    assert doc.data["self_evaluation"]["total"] == {"weight": 100, "score": 93}
    assert doc.text.splitlines()[0].startswith("# yaml-language-server: $schema=")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.yaml"]  # no temporary file left


def test_cli_without_output_prints_yaml_to_stdout():
    result = CliRunner().invoke(main, ["import", str(SEED_TEXT)])
    assert result.exit_code == 0, result.stderr
    doc = load_text(result.stdout, "<stdout>")
    assert doc.data["unit"] == "株洲市渌口区工商业联合会"
    assert "format: jixiao-case/1" not in result.stderr


def test_cli_output_into_a_missing_folder_is_exit_2(tmp_path):
    result = CliRunner().invoke(
        main, ["import", str(SEED_TEXT), "--output", str(tmp_path / "no" / "case.yaml")])
    assert result.exit_code == 2
    assert "E-OUTPUT" in result.stderr and "Traceback" not in result.stderr


def test_year_missing_is_a_review_item_unless_given(tmp_path):
    """jixiao-case/2: a filing without a fiscal year is imported with the year left out and a
    review item saying how to supply it (`--year` here, or `jixiao score --year`)."""
    text = copy.copy(VARIANT_TEXT).replace("2023年", "").replace("（2023年度）", "")
    path = tmp_path / "noyear.txt"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 0, result.stderr
    data = load_text(result.stdout, "x").data
    assert "year" not in data
    item = next(r for r in data["review"] if r["field"] == "year")
    assert item["value"] is None and "--year" in item["action"]
    result = CliRunner().invoke(main, ["import", str(path), "--year", "2023"])
    assert result.exit_code == 0, result.stderr
    data = load_text(result.stdout, "x").data
    assert data["year"] == 2023 and not any(r["field"] == "year" for r in data.get("review", []))


def test_units_and_years_that_disagree_go_to_review():
    text = SEED_TEXT.read_text(encoding="utf-8")
    text = text.replace("\t株洲市渌口区工商业联合会　\n", "\t株洲市渌口区工商联　\n", 1)  # the self-evaluation's unit cell
    text = text.replace("（2022年度）", "（2023年度）")
    result = build_case(parse_text(text, "changed.txt"))
    assert result.case["unit"] == "株洲市渌口区工商联"
    assert result.case["year"] == 2023  # the self-evaluation's period wins, and says so
    reasons = {(r["field"], r["reason"]) for r in result.review}
    assert ("unit", "各表中的单位名称不一致：株洲市渌口区工商联、株洲市渌口区工商业联合会") in reasons
    assert ("year", "各表名中的年度不一致：2022、2023") in reasons


# ── never a traceback: any text either imports to a valid case or is refused ───────────

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from engine.errors import JixiaoError  # noqa: E402

_PIECES = st.sampled_from([
    "\t", "\n", "\n\n", "\n\n\n", "　", " ", "2022年部门整体支出绩效目标表", "部门整体支出绩效自评表", "（2022年度）",
    "部门整体支出绩效自评报告", "部门名称", "预算部门名称", "资金总额：", "按收入性质分：", "按支出性质分：", "其中：",
    "一般公共预算：", "160.48", "年初预算数", "全年预算数", "调整后预算数", "全年执行数", "分值", "权重", "执行率", "得分",
    "年度总体目标", "预期目标", "实际完成情况", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
    "指标性质", "度量单位", "偏差原因", "产出指标(50分)", "数量指标", "≥", "95", "%", "2编", "无", "总分", "100",
    "填表人：张三", "填报日期：2022年1月1日", "一、", "（一）", "1.", "其中", "万元", "，", "。", "占总支出的", "得", "分",
    "预算年度", "abc", "\x0b", "\u2028",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=80).map("".join))
def test_any_text_imports_to_a_valid_case_or_is_refused(text):
    try:
        result = build_case(parse_text(text, "random.txt"), year=None)
    except JixiaoError as exc:
        assert exc.problems and exc.problems[0].code.startswith("E-IMPORT")
        return
    validate(load_text(dump_case(result.case), "random.yaml"), "case.schema.json")
