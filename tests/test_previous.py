"""Year over year (`--previous DIR`): last year's result for the same unit beside this year's,
in the JSON result, the letter and the summary row."""

import json

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from engine.api import score_file
from engine.cli import main
from engine.errors import JixiaoError
from engine.previous import Previous
from engine.report import summary

from .conftest import NATIONAL, ROOT, SEED


@pytest.fixture()
def last_year(tmp_path):
    """A results folder holding the seed's unit scored for 2021 (row 17 met that year: 95%), a
    result of another unit, and a JSON file that is not a result."""
    text = (ROOT / SEED).read_text(encoding="utf-8")
    text = text.replace("\nyear: 2022\n", "\nyear: 2021\n").replace(
        "target: ≧95%, actual: ≧90%, weight: 5, score: 3", "target: ≧95%, actual: 95%, weight: 5, score: 5")
    case = tmp_path / "2021.yaml"
    case.write_text(text, encoding="utf-8")
    folder = tmp_path / "previous" / "results"
    folder.mkdir(parents=True)
    res = CliRunner().invoke(main, ["score", str(case), "--rules", str(ROOT / NATIONAL), "--format", "json",
                                    "-o", str(folder / "gsl.json"), "--matcher", "python"])
    assert res.exit_code == 0, res.output
    other = json.loads((folder / "gsl.json").read_text(encoding="utf-8"))
    other["case"]["unit"] = "别的单位"
    other["total"]["score"] = "50.00"
    (folder / "other.json").write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    (folder / "notes.json").write_text('{"hello": 1}', encoding="utf-8")
    return tmp_path / "previous"


def test_the_same_units_earlier_result_is_attached(last_year, in_root):
    before = Previous.load(last_year)
    assert [why for _, why in before.skipped] == ["不是 jixiao 评分结果"]
    result = before.attach(score_file(SEED, NATIONAL, "python"))
    p = result.previous
    assert (p.year, str(p.total), p.grade, str(p.change)) == (2021, "99.52", "优", "-0.26")  # row 17: 5 then, 4.74 now
    titles = [a.title for a in result.actions]
    # 2021 had the same seven problems (row 17 met, the others still "≧", self 93 vs rule 99.52),
    # so all seven recur; its self scores (row 17 raised to 5) no longer added up to the stated 93:
    # a problem gone in 2022
    assert p.recurring == tuple(titles) and len(titles) == 7 and p.resolved == ("各项之和与合计不符",)
    data = json.loads((ROOT / "schemas" / "result.schema.json").read_text(encoding="utf-8"))
    from engine.report import json as json_report

    out = json.loads(json_report.render(result))
    Draft202012Validator(data).validate(out)
    assert out["previous"]["change"] == "-0.26" and out["previous"]["source"].endswith("gsl.json")


def test_no_earlier_result_leaves_the_result_as_it_is(last_year, in_root):
    result = score_file(SEED, NATIONAL, "python")
    import dataclasses

    later = dataclasses.replace(result, year=2021)  # nothing before 2021 in the folder
    assert Previous.load(last_year).attach(later).previous is None
    from engine.report import json as json_report

    assert "previous" not in json.loads(json_report.render(result))


def test_the_letter_and_the_summary_show_the_change_and_recurring_problems(last_year, in_root):
    res = CliRunner().invoke(main, ["score", SEED, "--format", "markdown", "--previous", str(last_year),
                                    "--date", "2025-01-31", "--matcher", "python"])
    assert res.exit_code == 0, res.output
    assert "与 2021 年度相比：规则得分由 99.52 分（优）变为 99.26 分（优），降低 0.26 分。" in res.output
    assert "上年已有、本年仍存在的问题" in res.output and "，上年也有）" in res.output
    result = Previous.load(last_year).attach(score_file(SEED, NATIONAL, "python"))
    row = summary.case_row(result, SEED, "r.json")
    assert (str(row["previous_total"]), str(row["change"]), row["recurring"]) == ("99.52", "-0.26", len(result.previous.recurring))


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(JixiaoError) as caught:
        Previous.load(tmp_path / "nope")
    assert caught.value.problems[0].code == "E-PREVIOUS"
    res = CliRunner().invoke(main, ["score", str(ROOT / SEED), "--previous", str(tmp_path / "nope")])
    assert res.exit_code == 2 and "上年结果目录" in res.output


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_batch_compares_every_case_with_last_years_results(last_year, tmp_path, jobs):
    """`jixiao batch --previous DIR`: each result and summary row carries the change and the
    recurring problems, in one process and in workers alike; this run's own --out is refused."""
    import csv

    out = tmp_path / f"out{jobs}"
    res = CliRunner().invoke(main, ["batch", str(ROOT / SEED), "--out", str(out), "--rules", str(ROOT / NATIONAL),
                                    "--previous", str(last_year), "--jobs", str(jobs), "--matcher", "python"])
    assert res.exit_code == 0, res.output
    with open(out / "summary.csv", encoding="utf-8-sig") as handle:
        row = next(csv.DictReader(handle))
    assert (row["上年规则总分"], row["较上年"], row["上年已有的问题"]) == ("99.52", "-0.26", "7")  # the seven actions of the seed letter, all recurring
    result = json.loads(next((out / "results").rglob("*.json")).read_text(encoding="utf-8"))
    assert result["previous"]["year"] == 2021 and result["previous"]["change"] == "-0.26"
    again = CliRunner().invoke(main, ["batch", str(ROOT / SEED), "--out", str(last_year), "--previous", str(last_year)])
    assert again.exit_code == 2 and "上年结果目录不能是本次的 --out 目录" in again.output
