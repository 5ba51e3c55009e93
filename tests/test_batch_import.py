"""`jixiao batch` given filings (.docx, .xlsx, .html, text ...) directly: each filing is imported
as by `jixiao import`, its case written to OUT/cases/, scored, and its row says it was imported
and how many items wait for review; a file that cannot be imported is a failed row."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from engine.batch import discover, is_filing, result_names, run_batch
from engine.cli import main
from engine.importers import import_filings
from engine.load import load_file
from tests.import_forms import P, T, seed_blocks, variant_blocks, write_docx, write_xlsx
from tests.import_writers import write_html

from .conftest import SEED


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _two_projects(path: Path) -> Path:
    blocks = variant_blocks("national")
    second = [P("2023年项目支出绩效自评表"), P("（2023年度）"), T(blocks[2].grid)]
    return write_html(blocks[:3] + second, path)


def test_a_folder_of_filings_and_cases_is_imported_and_scored(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    shutil.copy(SEED, root / "a-seed.yaml")
    write_docx(seed_blocks(), root / "b-seed.docx")
    write_xlsx(seed_blocks(), root / "c-seed.xlsx")
    _two_projects(root / "d-two.html")
    (root / "e-broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (root / "notes.txt").write_text("会议记录：周三交表", encoding="utf-8")  # not a filing: not taken
    out = tmp_path / "out"

    res = invoke("batch", root, "--out", out, "--jobs", 2, "--matcher", "python")
    assert res.exit_code == 1, res.output  # the broken file failed
    assert "输入文件 5，已评分 5，失败 1" in res.output
    assert "其中 4 份由填报导入" in res.output

    rows = read_csv(out / "summary.csv")
    assert [r["案例文件"] for r in rows] == [
        str(root / "a-seed.yaml"), str(root / "b-seed.docx"), str(root / "c-seed.xlsx"),
        f"{root / 'd-two.html'}（第 1 份填报，共 2 份）", f"{root / 'd-two.html'}（第 2 份填报，共 2 份）",
        str(root / "e-broken.docx")]
    by_name = {Path(r["案例文件"].split("（")[0]).name + r["案例文件"][len(r["案例文件"].split("（")[0]):]: r for r in rows}

    plain = by_name["a-seed.yaml"]
    assert plain["导入"] == "" and plain["结果文件"] == "results/a-seed.json"

    docx = by_name["b-seed.docx"]
    assert docx["状态"] == "已评分" and docx["结果文件"] == "results/b-seed.docx.json"
    assert "导入" in docx["导入"] and "cases/b-seed.docx.yaml" in docx["导入"]
    case = out / "cases" / "b-seed.docx.yaml"
    data = load_file(str(case)).data
    assert data["unit"] == load_file(str(SEED)).data["unit"]
    # the review count in the row is the case's review list, and its status follows it
    review = len(data.get("review", []))
    assert int(docx["待复核"]) >= review
    assert (f"待核对 {review} 处" in docx["导入"]) if review else ("无待核对项" in docx["导入"])
    result = json.loads((out / docx["结果文件"]).read_text(encoding="utf-8"))
    assert result["case"]["unit"] == data["unit"]
    assert docx["结果"] == ("暂定" if result["status"] == "provisional" else "正式")

    # the same filing as .docx and .xlsx reads to the same scores
    assert by_name["c-seed.xlsx"]["规则总分"] == docx["规则总分"] != ""

    # a file holding two filings: two rows, two cases, two results
    first, second = by_name["d-two.html（第 1 份填报，共 2 份）"], by_name["d-two.html（第 2 份填报，共 2 份）"]
    assert (first["结果文件"], second["结果文件"]) == ("results/d-two.html.json", "results/d-two.html-2.json")
    assert (out / "cases" / "d-two.html.yaml").is_file() and (out / "cases" / "d-two.html-2.yaml").is_file()
    assert len(import_filings(root / "d-two.html")) == 2
    for row in (first, second):
        assert row["状态"] == "已评分" and "导入" in row["导入"]
        assert (out / row["结果文件"]).is_file()

    broken = by_name["e-broken.docx"]
    assert broken["状态"] == "失败" and broken["导入"] == "导入失败" and broken["失败原因"]
    assert not (out / "results" / "e-broken.docx.json").exists()
    assert not (out / "cases" / "e-broken.docx.yaml").exists()
    assert f"失败 {root / 'e-broken.docx'}：" in res.output

    book = openpyxl.load_workbook(out / "summary.xlsx")
    facts = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True)} if "说明" in book.sheetnames else None
    header = [c.value for c in book[book.sheetnames[0]][1]]
    assert "导入" in header or facts is not None


def test_a_second_run_does_not_import_its_own_output(tmp_path):
    """OUT inside the folder scored: its cases/ and summary.xlsx are not taken for inputs."""
    root = tmp_path / "in"
    root.mkdir()
    write_docx(seed_blocks(), root / "seed.docx")
    out = root / "out"
    for _ in range(2):
        run = run_batch([str(root)], out, matcher="python", jobs=1)
        assert (run.inputs, run.scored, run.failed, run.imported) == (1, 1, 0, 1)
    assert discover([root], skip=out) == [str(root / "seed.docx")]
    # OUT the very folder scored: the cases it imported are not scored again
    alone = tmp_path / "alone"
    alone.mkdir()
    write_docx(seed_blocks(), alone / "seed.docx")
    for _ in range(2):
        run = run_batch([str(alone)], alone, matcher="python", jobs=1)
        assert (run.inputs, run.scored, run.imported) == (1, 1, 1)


def test_a_text_file_that_is_a_case_is_scored_as_a_case(tmp_path):
    case = tmp_path / "seed.txt"
    case.write_text(Path(SEED).read_text(encoding="utf-8"), encoding="utf-8")
    text_filing = tmp_path / "filing.txt"
    text_filing.write_text("部门整体支出绩效自评表\n", encoding="utf-8")
    assert not is_filing(str(case)) and is_filing(str(text_filing))
    assert not is_filing(str(SEED))
    run = run_batch([str(case)], tmp_path / "out", matcher="python", jobs=1)
    assert (run.scored, run.imported) == (1, 0)


def test_text_files_in_a_folder_are_taken_when_they_speak_of_jixiao(tmp_path):
    (tmp_path / "notes.md").write_text("# 说明\n本文件夹存放填报。\n", encoding="utf-8")
    (tmp_path / "filing.txt").write_text("部门整体支出绩效自评表\n", encoding="gb18030")
    (tmp_path / "copied.md").write_text("| 项目支出绩效自评表 |\n", encoding="utf-8")
    assert discover([tmp_path]) == [str(tmp_path / "copied.md"), str(tmp_path / "filing.txt")]
    assert discover([tmp_path / "notes.md"]) == [str(tmp_path / "notes.md")]  # named: taken


def test_result_names_keep_a_filings_suffix(tmp_path):
    for name in ("a.yaml", "a.docx", "a.docx.yaml"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    files = [str(tmp_path / n) for n in ("a.docx", "a.docx.yaml", "a.yaml")]
    names = result_names(files, [tmp_path])
    assert names[0] != names[1] and len(set(names)) == 3
    assert names[2] == "a.json" and names[0].startswith("a.docx")


def test_an_unreadable_filing_does_not_stop_the_run(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / "empty.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    shutil.copy(SEED, root / "seed.yaml")
    run = run_batch([str(root)], tmp_path / "out", matcher="python", jobs=1)
    assert (run.inputs, run.scored, run.failed) == (2, 1, 1)
    assert run.failures[0][0] == str(root / "empty.pdf")


def test_an_imported_filing_is_compared_with_last_year_too(tmp_path):
    """`--previous DIR` puts an imported filing beside its unit's result of last year, as a case."""
    text = Path(SEED).read_text(encoding="utf-8").replace("\nyear: 2022\n", "\nyear: 2021\n")
    last = tmp_path / "2021.yaml"
    last.write_text(text, encoding="utf-8")
    previous = tmp_path / "previous"
    assert run_batch([str(last)], previous, matcher="python", jobs=1).scored == 1
    filing = write_docx(seed_blocks(), tmp_path / "in" / "seed.docx") if (tmp_path / "in").mkdir() is None else None
    out = tmp_path / "out"
    res = invoke("batch", filing, "--out", out, "--previous", previous, "--matcher", "python", "--jobs", 1)
    assert res.exit_code == 0, res.output
    row = read_csv(out / "summary.csv")[0]
    assert row["导入"].startswith("由") and row["上年规则总分"] != "" and row["较上年"] != ""
