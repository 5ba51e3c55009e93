"""Rows the engine reads, and rows it must not: the corpus's unscored rows, one fix each.

Each test scores a small v2 case under the national pack and looks at the row's ledger entry:
`scored` (a rule gave points) or `review` (待复核: kept out of the total, never unmet).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.api import score_file
from engine.values import notation_for, parse_value

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "rules" / "national-2020"


def _score(tmp_path: Path, rows: list[dict], pack: Path = NATIONAL, year: int = 2021, layout: str | None = None):
    case = {"format": "jixiao-case/2", "unit": "测试单位", "year": year, "form": "department",
            "self_evaluation": {"indicators": [{"level1": "产出指标", "groups": [{"level2": "质量指标", "rows": rows}]}]}}
    if layout:
        case["layout"] = layout
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    return score_file(path, pack)


def _entry(result, name: str):
    return next(e for e in result.ledger if e.item == name and e.kind == "score")


# ───────────────────────── grade words (vocabulary.qualitative_grades) ─────────────────────────

def test_the_grade_words_are_pack_vocabulary():
    from engine.api import load_pack

    grades = load_pack(NATIONAL).vocabulary["qualitative_grades"]
    assert grades["met_band"] == "达成" and "高" in grades["words"]


def test_an_actual_with_the_targets_grade_word_is_met(tmp_path):
    """chongqing-2021-kxc-rongmeiti: 管理制度健全性 高 / 高, 3 of 3. The same grade as the target
    is 达成 (JX-S05, 80–100 %, the self score 3 is in the band)."""
    result = _score(tmp_path, [{"name": "管理制度健全性", "target": "高", "actual": "高", "weight": 3, "score": 3}])
    entry = _entry(result, "管理制度健全性")
    assert entry.outcome == "scored" and entry.rule == "JX-S05" and str(entry.points) == "3.00"


@pytest.mark.parametrize("word", ["显著", "有效"])
def test_the_same_grade_of_effect_is_met(tmp_path, word):
    """national-2021-lingling-lyj: 提高就业率 显著 / 显著, 6 of 6; national-2022-yongde: 有效 / 有效."""
    result = _score(tmp_path, [{"name": "提高就业率", "target": word, "actual": word, "weight": 6, "score": 6}])
    entry = _entry(result, "提高就业率")
    assert entry.outcome == "scored" and entry.rule == "JX-S05" and str(entry.points) == "6.00"


@pytest.mark.parametrize("target, actual", [("高", "中"), ("低", "高"), ("好", "高"), ("", "高"), ("显著", "较显著")])
def test_a_grade_word_other_than_the_targets_is_not_guessed(tmp_path, target, actual):
    """"高" against "中", or against a target in other words, or alone: which is better is not
    written ("低" is good for a risk), so the row is 待复核, not met and not unmet."""
    result = _score(tmp_path, [{"name": "资产管理规范性", "target": target, "actual": actual, "weight": 3, "score": 3}])
    entry = _entry(result, "资产管理规范性")
    assert entry.outcome == "review" and entry.points == 0
    assert not [f for f in result.findings if f.rule in ("JX-A01", "JX-A02", "JX-A03")]


def test_grade_words_are_known_to_the_parser_through_the_pack():
    from engine.api import load_pack

    notation = notation_for(load_pack(NATIONAL).vocabulary)
    assert parse_value("高", notation).notes == ()
    assert parse_value("高").notes == ("未识别的定性表述",)          # without the pack: unknown words


# ───────────────────────── a stray character before the number ─────────────────────────

def test_a_damaged_target_is_not_read_as_its_number(tmp_path):
    """chongqing-2021-kxc-rongmeiti: 组织宣传活动次数 "到0次" (damaged) was read as 0次 and the row
    scored (JX-A01/A03 raised against it). Now it is 待复核 with the parser's doubt (JX-V01)."""
    result = _score(tmp_path, [{"name": "组织宣传活动次数", "target": "到0次", "actual": "15次", "weight": 10, "score": 10}])
    entry = _entry(result, "组织宣传活动次数")
    assert entry.outcome == "review" and "数值前的单字“到”" in entry.explanation
    assert [f.rule for f in result.findings if f.row == entry.row and f.severity in ("warning", "error")] == ["JX-V01"]


def test_a_count_with_a_filler_word_is_still_read(tmp_path):
    result = _score(tmp_path, [{"name": "组织宣传活动次数", "target": "≥12次", "actual": "共15次", "weight": 10, "score": 10}])
    assert _entry(result, "组织宣传活动次数").outcome == "scored"


# ───────────────────────── 2013–2018 scoresheets (rules/scoresheet-2013) ─────────────────────────

def _scoresheet(tmp_path: Path, year: int) -> Path:
    case = {"format": "jixiao-case/2", "unit": "", "year": year, "form": "department", "layout": "scoresheet",
            "self_evaluation": {"indicators": [{"level1": "投入", "label": "投入 16", "points": 16, "groups": [
                {"level2": "预算配置", "points": 16, "rows": [
                    {"name": "在职人员控制率", "weight": 8, "score": 8},
                    {"name": "三公经费变动率", "weight": 8, "score": 0}]}]}]}}
    path = tmp_path / f"scoresheet-{year}.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    return path


def test_a_2018_scoresheet_is_scored_under_the_2013_framework(tmp_path):
    """scoresheet-2018-jichushuju was refused (no pack for 2018). The 2013 framework (财预〔2013〕53号)
    pack scores it by the stated scores, and cites 53号, not the 2020 办法."""
    chosen = []
    result = score_file(_scoresheet(tmp_path, 2018), None, announce=chosen.append)
    assert result.pack_id == "scoresheet-2013" and "scoresheet-2013" in chosen[0]
    assert str(result.total) == "8.00"
    scored = [e for e in result.ledger if e.kind == "score"]
    assert {e.rule for e in scored} == {"JX-S50"}
    assert all("财预〔2013〕53号" in e.citation for e in scored)
    assert not [f for f in result.findings if "2020" in f.citation]


@pytest.mark.parametrize("year, pack", [(2019, "scoresheet"), (2013, "scoresheet-2013")])
def test_the_2013_pack_covers_only_its_years(tmp_path, year, pack):
    assert score_file(_scoresheet(tmp_path, year), None).pack_id == pack


def test_a_2012_scoresheet_is_still_refused(tmp_path):
    from engine.errors import JixiaoError

    with pytest.raises(JixiaoError, match="E-PACK-SELECT"):
        score_file(_scoresheet(tmp_path, 2012), None)


def test_a_scoresheet_without_a_year_is_read_under_the_current_pack(tmp_path):
    """scoresheet-nd-yueyang-glj states no year: scoresheet (2019–2030) and scoresheet-2013
    (2013–2018) both admit it. Not a tie: the current rules apply, the year stays a review item."""
    case = yaml.safe_load(_scoresheet(tmp_path, 2018).read_text(encoding="utf-8"))
    del case["year"]
    path = tmp_path / "no-year.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    result = score_file(path, None)
    assert result.pack_id == "scoresheet" and result.status == "provisional"
    assert any(item.source == "year" for item in result.review_items)


def test_packs_of_one_span_without_a_year_still_tie():
    from engine.errors import JixiaoError
    from engine.packselect import Candidate, choose

    a = Candidate(Path("a"), "a", "1", {"years": {"from": 2019}, "layouts": ["x"]})
    b = Candidate(Path("b"), "b", "1", {"years": {"from": 2020}, "layouts": ["x"]})
    with pytest.raises(JixiaoError, match="E-PACK-SELECT.*(同样适用|apply equally)"):
        choose(None, "project", None, [a, b], "x")
    older = Candidate(Path("c"), "c", "1", {"years": {"from": 2013, "to": 2018}, "layouts": ["x"]})
    assert choose(None, "project", None, [a, older], "x").candidate.id == "a"
    assert choose(2018, "project", None, [a, older], "x").candidate.id == "c"
    # an older pack naming the layout does not beat the current national one for a case without a year
    national = Candidate(Path("n"), "n", "1", {"years": {"from": 2020, "to": 2030}})
    older_narrative = Candidate(Path("o"), "o", "1", {"years": {"from": 2013, "to": 2018}, "layouts": ["narrative"]})
    assert choose(None, "department", None, [national, older_narrative], "narrative").candidate.id == "n"
    assert choose(2018, "department", None, [national, older_narrative], "narrative").candidate.id == "o"


@pytest.mark.parametrize("year, pack", [(2018, "scoresheet-2013"), (2021, "national-2020"), (None, "national-2020")])
def test_a_report_without_a_table_of_2013_to_2018_is_read_under_the_2013_framework(tmp_path, year, pack):
    """narrative-2018-danzhou-fy (a 2018 report, 投入/过程/效果 scored under the 2013 framework) was
    refused; a report of a later year, or of no stated year, is read under the national pack."""
    case = {"format": "jixiao-case/2", "unit": "儋州市人民法院", "form": "department", "layout": "narrative",
            "report": {"statements": [{"topic": "支出", "quote": "支出5560.46万元,其中:基本支出2956.36万元,项目支出2604.1万元。",
                                       "total": 5560.46, "items": [{"name": "基本支出", "amount": 2956.36},
                                                                   {"name": "项目支出", "amount": 2604.1}]}]}}
    if year:
        case["year"] = year
    path = tmp_path / "report.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    assert score_file(path, None).pack_id == pack


# ───────────────────────── scoresheets with targets and actuals (scoresheet-2021-yinchuan) ─────────────────────────

SCORESHEET = ROOT / "rules" / "scoresheet"


def _sheet_case(tmp_path: Path, level1: str, rows: list[dict]) -> Path:
    case = {"format": "jixiao-case/2", "unit": "银川市第六中学", "year": 2021, "form": "project", "layout": "scoresheet",
            "self_evaluation": {"indicators": [{"level1": level1, "groups": [{"level2": "项目管理", "rows": rows}]}]}}
    path = tmp_path / "sheet.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("level1, section", [("项目决策", "投入"), ("项目管理", "过程"), ("项目产出", "产出"),
                                             ("项目效益", "效益")])
def test_project_level1_names_map_to_the_scoresheet_sections(tmp_path, level1, section):
    path = _sheet_case(tmp_path, level1, [{"name": "完整性", "target": "", "actual": "", "weight": 4, "score": 4}])
    entry = _entry(score_file(path, SCORESHEET), "完整性")
    assert entry.outcome == "scored" and entry.section == section


def test_a_scoresheet_scores_the_stated_score_whatever_the_actual_says(tmp_path):
    """The scoresheet pack scores the stated 自评得分 and compares nothing (compare_values: false):
    an actual in words ("持续有效") does not hold the row up; a damaged cell ("M.8万元") still does."""
    path = _sheet_case(tmp_path, "项目管理", [
        {"name": "绩效监控有效性", "target": "", "actual": "持续有效", "weight": 2, "score": 2},
        {"name": "绿化、水电费等成本", "target": "M.8万元", "actual": "14.8万元", "weight": 3, "score": 3}])
    result = score_file(path, SCORESHEET)
    words = _entry(result, "绩效监控有效性")
    assert words.outcome == "scored" and words.rule == "JX-S50" and str(words.points) == "2.00"
    damaged = _entry(result, "绿化、水电费等成本")
    assert damaged.outcome == "review" and "M.8万元" in damaged.explanation


def test_the_national_pack_still_compares_values(tmp_path):
    result = _score(tmp_path, [{"name": "绩效监控有效性", "target": "有效", "actual": "持续有效", "weight": 2, "score": 2}])
    assert _entry(result, "绩效监控有效性").outcome == "review"


# ───────────────────────── template rows "指标2:" (placeholder_names) ─────────────────────────

def test_an_unfilled_numbered_template_row_is_skipped_not_reviewed(tmp_path):
    result = _score(tmp_path, [{"name": "合格率", "target": "≥95%", "actual": "96%", "weight": 5, "score": 5},
                               {"name": "指标2:"}, {"name": "指标2：", "target": "", "actual": ""}])
    assert [s.name for s in result.skipped_rows] == ["指标2:", "指标2："]
    assert not [e for e in result.ledger if e.item.startswith("指标2")]
    assert not [i for i in result.review_items if i.source == "row"]


def test_a_numbered_row_with_points_is_never_skipped(tmp_path):
    result = _score(tmp_path, [{"name": "指标1:", "target": "", "actual": "", "weight": 5, "score": 5}])
    assert not result.skipped_rows and _entry(result, "指标1:").outcome == "review"
