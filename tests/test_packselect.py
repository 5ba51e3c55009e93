"""Pack selection by fiscal year, form and region, when `jixiao score` is given no --rules."""

from pathlib import Path

import pytest

from engine.errors import JixiaoError
from engine.packselect import Candidate, choose, read_candidates, select_pack

from .conftest import ROOT

NATIONAL = Candidate(Path("rules/national-2020"), "national-2020", "2020.1",
                     {"years": {"from": 2020, "to": 2030}, "forms": ["department", "project"]})
HUBEI = Candidate(Path("rules/hubei-2023"), "hubei-2023", "2023.1", {"years": {"from": 2023}, "regions": ["湖北省"]})
WUHAN = Candidate(Path("rules/wuhan-2024"), "wuhan-2024", "1", {"years": {"from": 2024, "to": 2024}, "regions": ["湖北省武汉市"]})
DRAFT = Candidate(Path("rules/draft"), "draft", "0", {})
ALL = [NATIONAL, HUBEI, WUHAN, DRAFT]


@pytest.mark.parametrize("year, form, region, chosen", [
    (2022, "department", "湖南省株洲市渌口区", "national-2020"),
    (2022, "department", "湖北省武汉市", "national-2020"),      # hubei-2023 starts in 2023
    (2023, "project", "湖北省武汉市江岸区", "hubei-2023"),       # region beats national
    (2024, "department", "湖北省武汉市江岸区", "wuhan-2024"),     # the longer region wins
    (2025, "department", "湖北省武汉市", "hubei-2023"),         # wuhan-2024 ended
    (2023, "department", None, "national-2020"),              # no region: only packs without regions
])
def test_the_most_specific_pack_is_chosen(year, form, region, chosen):
    assert choose(year, form, region, ALL).candidate.id == chosen


def test_no_pack_applies():
    with pytest.raises(JixiaoError) as err:
        choose(2035, "department", "湖南省", ALL)
    p = err.value.problems[0]
    assert p.code == "E-PACK-SELECT"
    assert p.message == (
        "没有适用于这份案卷（2035 年度 department、地区 湖南省）的规则包；现有规则包："
        "national-2020（2020–2030 年，department/project，全国）; hubei-2023（2023–… 年，各类表式，湖北省）; "
        "wuhan-2024（2024 年，各类表式，湖北省武汉市）; draft（未声明 applies_to，不自动选用）")
    assert "--rules" in p.hint


def test_form_kind_restricts():
    only_projects = Candidate(Path("rules/p"), "p", "1", {"forms": ["project"]})
    with pytest.raises(JixiaoError):
        choose(2022, "department", None, [only_projects])
    assert choose(2022, "project", None, [only_projects]).candidate.id == "p"


def test_two_equally_specific_packs_are_an_error_naming_both():
    other = Candidate(Path("rules/hubei-alt"), "hubei-alt", "1", {"years": {"from": 2020}, "regions": ["湖北省"]})
    with pytest.raises(JixiaoError) as err:
        choose(2023, "department", "湖北省宜昌市", [NATIONAL, HUBEI, other])
    message = err.value.problems[0].message
    assert message.startswith("有 2 个规则包同样适用于这份案卷（2023 年度 department、地区 湖北省宜昌市）：")
    assert "hubei-2023（rules/hubei-2023，2023–… 年，各类表式，湖北省）" in message and "hubei-alt（rules/hubei-alt" in message


def test_the_repository_packs_select_national_for_the_seed(in_root):
    from engine.api import load_case

    ids = [c.id for c in read_candidates()]
    assert "national-2020" in ids and not any(i.startswith("_") for i in ids)
    selection = select_pack(load_case("cases/2022/lukou-gsl.yaml"))
    assert selection.candidate.id == "national-2020"
    assert selection.describe() == (
        "按案卷年度 2022、表式 department、地区 湖南省株洲市渌口区，选用规则包 national-2020 v2020.1"
        "（rules/national-2020，适用 2020–2030 年，department/project，全国）")


def test_selection_reads_a_rules_folder(tmp_path):
    for name, applies in (("a", "{years: {from: 2020, to: 2021}}"), ("b", "{years: {from: 2022}}"), ("_draft", "{}")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pack.yaml").write_text(
            f"pack: {{id: {name.strip('_')}, title: t, version: '1', applies_to: {applies}}}\n", encoding="utf-8")
    assert [c.id for c in read_candidates(tmp_path)] == ["a", "b"]
    assert choose(2023, "department", None, read_candidates(tmp_path)).candidate.id == "b"


def test_a_hubei_case_gets_the_hubei_pack_and_says_so(in_root, tmp_path):
    from click.testing import CliRunner

    from engine.cli import main

    text = (ROOT / "cases/2022/lukou-gsl.yaml").read_text(encoding="utf-8")
    case = tmp_path / "hubei.yaml"
    case.write_text(text.replace("year: 2022", "year: 2023", 1).replace("region: 湖南省株洲市渌口区", "region: 湖北省武汉市", 1),
                    encoding="utf-8")
    res = CliRunner().invoke(main, ["score", str(case), "--format", "json", "--matcher", "python"])
    assert res.exit_code == 0, res.output
    assert '"id": "hubei-2023"' in res.stdout
    assert "按案卷年度 2023、表式 department、地区 湖北省武汉市，选用规则包 hubei-2023 v2023.1（rules/hubei-2023，" in res.stderr
