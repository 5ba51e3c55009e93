"""`jixiao batch`: every case found is scored or listed as failed, results and summaries agree,
and the exit code says whether anything failed."""

import csv
import json
from collections import Counter
import os
import shutil
import stat
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from engine import batch as batch_module
from engine.atomic import leftovers, write_atomic
from engine.batch import discover, result_names, run_batch
from engine.cli import main
from engine.errors import JixiaoError
from engine.report import json as json_report
from engine.report import summary, xlsx_stream

from .conftest import NATIONAL, ROOT, SEED

REAL_CASES = sorted(p for p in (ROOT / "cases").rglob("*.y*ml") if not any(part.startswith(".") for part in p.parts))


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def xlsx_rows(path, sheet):
    rows = list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


@pytest.fixture
def district(tmp_path):
    """Copies of every real case, in subfolders, plus one deliberately broken file."""
    root = tmp_path / "district"
    for case in REAL_CASES:
        target = root / case.relative_to(ROOT / "cases")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(case, target)
    broken = root / "2023" / "broken.yaml"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("format: jixiao-case/1\nunit: [unclosed\n", encoding="utf-8")
    return root, broken


def test_batch_scores_every_case_and_names_the_broken_one(district, tmp_path):
    root, broken = district
    out = tmp_path / "out"
    res = invoke("batch", root, "--out", out, "--jobs", 2, "--matcher", "python")
    assert res.exit_code == 1, res.output
    n = len(REAL_CASES) + 1
    assert f"输入文件 {n}，已评分 {n - 1}，失败 1" in res.output
    assert f"失败 {broken}：{broken}:3:1: E-YAML-SYNTAX" in res.output

    cases = read_csv(out / "summary.csv")
    assert len(cases) == n
    assert [c["案例文件"] for c in cases] == sorted((c["案例文件"] for c in cases), key=lambda f: Path(f).parts)
    failed = [c for c in cases if c["状态"] == "失败"]
    assert [c["案例文件"] for c in failed] == [str(broken)]
    assert "E-YAML-SYNTAX" in failed[0]["失败原因"] and failed[0]["规则总分"] == ""
    scored = [c for c in cases if c["状态"] == "已评分"]
    assert len(scored) == len(REAL_CASES)

    findings = read_csv(out / "findings.csv")
    for row in scored:
        data = json.loads((out / row["结果文件"]).read_text(encoding="utf-8"))
        assert row["单位"] == data["case"]["unit"] and (int(row["年度"]) if row["年度"] else None) == data["case"]["year"]
        if data["total"].get("nothing_scored"):  # a narrative report: no verdict in the summary
            assert (row["规则总分"], row["规则等级"]) == ("", "未评分")
        else:
            assert Decimal(row["规则总分"]) == Decimal(data["total"]["score"])
            # a grade over too few scorable points is withheld in the summary (JSON keeps it, marked)
            expected = "暂不定级" if data["total"].get("grade_withheld") else data["total"]["grade"]
            assert row["规则等级"] == expected
        open_findings = [f for f in data["findings"] if not f["passed"]]
        assert int(row["错误"]) == sum(f["severity"] == "error" for f in open_findings)
        assert int(row["警告"]) == sum(f["severity"] == "warning" for f in open_findings)
        assert int(row["提示"]) == sum(f["severity"] == "info" for f in open_findings)
        assert sum(f["案例文件"] == row["案例文件"] for f in findings) == len(data["findings"])

    seed_row = next(c for c in cases if c["案例文件"].endswith("2022/lukou-gsl.yaml"))
    assert (seed_row["规则总分"], seed_row["规则等级"], seed_row["自评总分"], seed_row["差异（自评−规则）"]) == ("99.26", "优", "93", "-6.26")
    assert (seed_row["错误"], seed_row["警告"], seed_row["提示"]) == ("0", "26", "2")
    assert seed_row["最大扣分项"] == "第 17 行 营造我区良好的营商环境（JX-S02，扣 0.26 分）" and seed_row["最大扣分"] == "0.26"
    assert seed_row["结果文件"] == "results/2022/lukou-gsl.json"
    res = invoke("score", root / "2022" / "lukou-gsl.yaml", "--format", "json", "--matcher", "python")
    assert (out / "results" / "2022" / "lukou-gsl.json").read_text(encoding="utf-8") == res.stdout

    xcases = xlsx_rows(out / "summary.xlsx", "案例")
    assert len(xcases) == n and sum(r["状态"] == "失败" for r in xcases) == 1
    xseed = next(r for r in xcases if r["案例文件"].endswith("2022/lukou-gsl.yaml"))
    assert (xseed["规则总分"], xseed["自评总分"], xseed["差异（自评−规则）"], xseed["年度"]) == (99.26, 93, -6.26, 2022)
    actions = xlsx_rows(out / "summary.xlsx", "整改")
    assert len(actions) == sum(int(c["整改事项"]) for c in scored) and int(seed_row["整改事项"]) == 7
    assert len(xlsx_rows(out / "summary.xlsx", "已通过")) == sum(f["已通过"] == "是" for f in findings)
    seed_actions = [r for r in actions if r["案例文件"].endswith("2022/lukou-gsl.yaml")]
    assert [r["序号"] for r in seed_actions] == [1, 2, 3, 4, 5, 6, 7]
    assert seed_actions[0]["涉及行"] == "15、16、17、18、20、21" and seed_actions[0]["涉及分值"] == 7
    book = openpyxl.load_workbook(out / "summary.xlsx")
    overview = list(book["概况"].iter_rows(values_only=True))
    assert dict(overview[:3]) == {"输入文件": n, "已评分": n - 1, "失败": 1}
    grades = overview[overview.index(("等级", "案例数")) + 1:]
    grades = dict(grades[:grades.index((None, None))])
    assert grades == dict(Counter(c["规则等级"] for c in scored))  # no --rules: the grades seen, first seen first
    common = overview[overview.index(("最常见的问题", "案例数")) + 1:]
    assert common[0][1] == max(v for _, v in common if isinstance(v, int))
    chart = book["概况"]._charts[0]
    assert chart.tagname == "barChart" and chart.series[0].val.numRef.f.startswith("'概况'!$B$")


def test_batch_over_the_real_cases_folder(in_root, tmp_path):
    out = tmp_path / "x"
    res = invoke("batch", "cases", "--out", out, "--matcher", "python")
    assert res.exit_code == 0, res.output
    assert f"输入文件 {len(REAL_CASES)}，已评分 {len(REAL_CASES)}，失败 0" in res.output
    assert len(read_csv(out / "summary.csv")) == len(REAL_CASES)
    assert len(list((out / "results").rglob("*.json"))) == len(REAL_CASES)


def test_one_process_and_many_give_the_same_summary(district, tmp_path):
    root, _ = district
    invoke("batch", root, "--out", tmp_path / "one", "--jobs", 1, "--matcher", "python")
    invoke("batch", root, "--out", tmp_path / "many", "--jobs", 3, "--matcher", "python")
    for name in ("summary.csv", "findings.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "many" / name).read_bytes()
    one, many = (openpyxl.load_workbook(tmp_path / run / "summary.xlsx") for run in ("one", "many"))
    assert one.sheetnames == many.sheetnames == ["案例", "整改", "已通过", "概况"]
    for name in one.sheetnames:
        assert list(one[name].iter_rows(values_only=True)) == list(many[name].iter_rows(values_only=True))
    assert len(list(one["已通过"].iter_rows())) == sum(
        f["已通过"] == "是" for f in read_csv(tmp_path / "one" / "findings.csv")) + 1


def test_the_xlsx_summary_keeps_numbers_styles_and_the_header(in_root, tmp_path):
    run_batch([SEED], tmp_path / "out", str(ROOT / NATIONAL), "python", jobs=1)
    book = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")
    cases, actions = book["案例"], book["整改"]
    assert [c.value for c in cases[1]] == [title for _, title in summary.CASE_COLUMNS]
    assert cases["A1"].font.b and cases["A1"].fill.fgColor.rgb == "FFE8ECF2"
    total = cases.cell(2, 1 + [key for key, _ in summary.CASE_COLUMNS].index("total"))
    assert (total.value, total.number_format, total.data_type) == (99.26, "0.00", "n")
    letter = openpyxl.utils.get_column_letter
    assert (cases.freeze_panes, cases.auto_filter.ref) == ("A2", f"A1:{letter(len(summary.CASE_COLUMNS))}2")
    assert (actions.freeze_panes, actions.auto_filter.ref) == ("A2", f"A1:{letter(len(summary.ACTION_COLUMNS))}{7 + 1}")  # the seed's seven actions
    fixes = letter(1 + [key for key, _ in summary.ACTION_COLUMNS].index("fixes"))
    assert cases.column_dimensions["A"].width == 36 and actions.column_dimensions[fixes].width == 60
    rules = {rng.sqref: [(r.operator, r.formula) for r in rules] for rng, rules in cases.conditional_formatting._cf_rules.items()}
    grade = [key for key, _ in summary.CASE_COLUMNS].index("grade") + 1
    assert [("equal", ['"差"']), ("equal", ['"中"'])] == next(v for k, v in rules.items() if str(k).startswith(
        openpyxl.utils.get_column_letter(grade) + "2"))
    assert book["概况"]["A1"].font.b and book["概况"].column_dimensions["B"].width == 80
    overview = list(book["概况"].iter_rows(values_only=True))
    at = overview.index(("等级", "案例数"))
    assert overview[at + 1:at + 5] == [("优", 1), ("良", 0), ("中", 0), ("差", 0)]  # --rules: the pack's grades, all


def test_rows_past_the_sheet_limit_continue_on_another_sheet(tmp_path, monkeypatch):
    for name in ("a", "b"):
        shutil.copy(ROOT / SEED, tmp_path / f"{name}.yaml")
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 11)  # a header and 10 rows per sheet
    run_batch([str(tmp_path)], tmp_path / "out", str(ROOT / NATIONAL), "python", jobs=1)
    book = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")
    assert book.sheetnames == ["案例", "整改", "已通过", "已通过2", "整改2", "已通过3", "已通过4", "概况"]  # as they filled
    sheets = [xlsx_rows(tmp_path / "out" / "summary.xlsx", name) for name in ("整改", "整改2")]
    assert [len(rows) for rows in sheets] == [10, 4]  # 2 x 7 actions
    assert [r["案例文件"] for rows in sheets for r in rows] == [str(tmp_path / "a.yaml")] * 7 + [str(tmp_path / "b.yaml")] * 7
    passed = [xlsx_rows(tmp_path / "out" / "summary.xlsx", f"已通过{n or ''}") for n in (0, 2, 3, 4)]
    assert [len(rows) for rows in passed] == [10, 10, 10, 10]  # 2 x 20 passed checks
    assert [r["规则"] for rows in passed for r in rows] == [
        r["规则"] for r in read_csv(tmp_path / "out" / "findings.csv") if r["已通过"] == "是"]
    overview = list(book["概况"].iter_rows(values_only=True))
    assert len(overview) == 11 and overview[-1] == ("…", "其余失败的文件见 summary.csv")
    assert dict(overview)["整改"] == "共 14 行，超过 Excel 每表 11 行的上限，依次写在 整改、整改2 表中（每表第 1 行为表头）"


def crash_on_b(index, path, *args):
    """A scorer whose worker process dies on b.yaml, as if killed (module-level: workers import it)."""
    if path.endswith("b.yaml"):
        os._exit(3)
    return batch_module.score_one(index, path, *args)


def test_a_killed_worker_fails_only_the_case_it_was_scoring_and_the_pool_goes_on(tmp_path):
    """b.yaml kills every worker that scores it: the pool is replaced, the unfinished cases are
    tried again one by one, and b.yaml alone fails (E-WORKER); every other case is scored."""
    names = [f"{c}{i}" for i in range(4) for c in "acdef"] + ["b"]
    for name in names:
        shutil.copy(ROOT / SEED, tmp_path / f"{name}.yaml")
    out = tmp_path / "out"
    run = run_batch([str(tmp_path)], out, str(ROOT / NATIONAL), "python", jobs=2, scorer=crash_on_b)
    assert (run.inputs, run.scored, run.failed) == (21, 20, 1)
    [(file, error)] = run.failures
    assert file == str(tmp_path / "b.yaml")
    assert "E-WORKER: 未评分：评分这份文件的工作进程中止了" in error and "BrokenProcessPool" in error
    cases = read_csv(out / "summary.csv")
    assert [c["案例文件"] for c in cases] == sorted(str(tmp_path / f"{n}.yaml") for n in names)
    assert {c["案例文件"] for c in cases if c["状态"] == "失败"} == {file}
    assert sorted(p.name for p in (out / "results").iterdir()) == sorted(
        Path(c["结果文件"]).name for c in cases if c["状态"] == "已评分")
    assert len(list((out / "results").iterdir())) == 20


def crash_always(index, path, *args):
    os._exit(3)


def test_after_too_many_dead_workers_the_rest_is_not_tried(tmp_path, monkeypatch):
    monkeypatch.setattr(batch_module, "MAX_WORKER_DEATHS", 2)
    for name in "abcdef":
        shutil.copy(ROOT / SEED, tmp_path / f"{name}.yaml")
    run = run_batch([str(tmp_path)], tmp_path / "out", str(ROOT / NATIONAL), "python", jobs=2, scorer=crash_always)
    assert (run.scored, run.failed) == (0, 6)
    errors = [error for _, error in run.failures]
    assert sum("BrokenProcessPool" in e for e in errors) == 2
    assert sum("not tried: 2 files stopped their worker already" in e for e in errors) == 4


def test_a_result_that_cannot_be_written_is_that_cases_failure(tmp_path):
    for name in ("a", "b"):
        shutil.copy(ROOT / SEED, tmp_path / f"{name}.yaml")
    (tmp_path / "out" / "results" / "b.json").mkdir(parents=True)  # a folder where the result goes
    run = run_batch([str(tmp_path)], tmp_path / "out", str(ROOT / NATIONAL), "python", jobs=2)
    assert (run.scored, run.failed) == (1, 1)
    assert run.failures[0][0] == str(tmp_path / "b.yaml") and "E-OUTPUT" in run.failures[0][1]
    assert [p.name for p in (tmp_path / "out" / "results").iterdir() if p.is_file()] == ["a.json"]


def test_a_run_removes_the_previous_summary_so_an_interrupted_one_leaves_none(tmp_path, monkeypatch):
    """A summary describes one whole run: a re-run removes the old one when it starts, so an
    interrupted re-run leaves its new results and no summary, never an old summary beside them."""
    for name in ("a", "b"):
        shutil.copy(ROOT / SEED, tmp_path / f"{name}.yaml")
    out = tmp_path / "out"
    run_batch([str(tmp_path / "a.yaml")], out, str(ROOT / NATIONAL), "python", jobs=1)
    assert len(read_csv(out / "summary.csv")) == 1
    run_batch([str(tmp_path)], out, str(ROOT / NATIONAL), "python", jobs=1)
    assert len(read_csv(out / "summary.csv")) == 2
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv", "results", "summary.csv", "summary.xlsx"]

    def interrupted(index, path, *args):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_module, "score_one", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_batch([str(tmp_path)], out, str(ROOT / NATIONAL), "python", jobs=1)
    assert sorted(p.name for p in out.iterdir()) == ["results"]  # no summary, no lock file


def test_other_yaml_is_a_failure_with_a_clear_error(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(ROOT / NATIONAL / "pack.yaml", tmp_path / "in" / "pack.yaml")
    (tmp_path / "in" / "v2.yaml").write_text(
        (ROOT / SEED).read_text(encoding="utf-8").replace("format: jixiao-case/1", "format: jixiao-case/3"), encoding="utf-8")
    (tmp_path / "in" / "empty.yaml").write_text("", encoding="utf-8")
    run = run_batch([str(tmp_path / "in")], tmp_path / "out", str(ROOT / NATIONAL), "python", jobs=1)
    errors = dict(run.failures)
    assert (run.inputs, run.scored, run.failed) == (3, 0, 3)
    assert "E-NOT-CASE: 不是案卷文件：顶层没有 format，应为 jixiao-case/1 或 jixiao-case/2" in errors[str(tmp_path / "in" / "pack.yaml")]
    assert "E-NOT-CASE: 不是案卷文件：顶层 format 是 'jixiao-case/3'" in errors[str(tmp_path / "in" / "v2.yaml")]
    assert "E-EMPTY" in errors[str(tmp_path / "in" / "empty.yaml")]


def test_internal_error_in_one_case_does_not_stop_the_run(tmp_path, monkeypatch):
    for name in ("a", "b", "c"):
        shutil.copy(ROOT / SEED, tmp_path / f"{name}.yaml")
    real = batch_module.score_file

    def flaky(path, *args):
        if path.endswith("b.yaml"):
            raise RuntimeError("boom")
        return real(path, *args)

    monkeypatch.setattr(batch_module, "score_file", flaky)
    run = run_batch([str(tmp_path)], tmp_path / "out", str(ROOT / NATIONAL), "python", jobs=1)
    assert (run.inputs, run.scored, run.failed) == (3, 2, 1)
    assert run.failures[0][0].endswith("b.yaml") and "E-INTERNAL" in run.failures[0][1] and "RuntimeError: boom" in run.failures[0][1]


def test_failed_case_removes_its_stale_result(tmp_path):
    case = tmp_path / "in" / "a.yaml"
    case.parent.mkdir()
    shutil.copy(ROOT / SEED, case)
    out = tmp_path / "out"
    assert run_batch([str(case.parent)], out, str(ROOT / NATIONAL), "python", jobs=1).scored == 1
    assert (out / "results" / "a.json").exists()
    case.write_text("format: [", encoding="utf-8")
    assert run_batch([str(case.parent)], out, str(ROOT / NATIONAL), "python", jobs=1).failed == 1
    assert not (out / "results" / "a.json").exists()


def test_bad_pack_or_nothing_to_score_is_exit_2_without_a_summary(tmp_path, in_root):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text("pack: {id: x}\n", encoding="utf-8")
    res = invoke("batch", SEED, "--rules", pack, "--out", tmp_path / "o1")
    assert res.exit_code == 2 and "E-" in res.output and not (tmp_path / "o1" / "summary.csv").exists()
    (tmp_path / "none").mkdir()
    (tmp_path / "none" / "notes.txt").write_text("x", encoding="utf-8")
    res = invoke("batch", tmp_path / "none", "--out", tmp_path / "o2")
    assert res.exit_code == 2 and "E-BATCH-EMPTY" in res.output
    res = invoke("batch", tmp_path / "missing", "--out", tmp_path / "o3")
    assert res.exit_code == 2 and "does not exist" in res.output


def test_ctrl_c_stops_without_a_summary_and_leaves_whole_results(tmp_path, monkeypatch, in_root):
    for name in ("a", "b", "c"):
        shutil.copy(ROOT / SEED, tmp_path / f"{name}.yaml")
    real = batch_module.score_one

    def interrupted(index, path, *args):
        if path.endswith("b.yaml"):
            raise KeyboardInterrupt
        return real(index, path, *args)

    monkeypatch.setattr(batch_module, "score_one", interrupted)
    res = invoke("batch", tmp_path, "--out", tmp_path / "out", "--jobs", 1, "--matcher", "python")
    assert res.exit_code == 130 and "interrupted: 1 of 3" in res.output
    assert sorted(p.name for p in (tmp_path / "out").rglob("*") if p.is_file()) == ["a.json"]
    json.loads((tmp_path / "out" / "results" / "a.json").read_text(encoding="utf-8"))


def test_formula_like_text_stays_text_in_the_summaries(tmp_path):
    text = (ROOT / SEED).read_text(encoding="utf-8").replace("\nunit: 株洲市渌口区工商业联合会\n", '\nunit: "=HYPERLINK(\\"http://x\\")"\n')
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    run_batch([str(tmp_path / "a.yaml")], tmp_path / "out", str(ROOT / NATIONAL), "python", jobs=1)
    assert read_csv(tmp_path / "out" / "summary.csv")[0]["单位"] == "'=HYPERLINK(\"http://x\")"
    unit_column = "ABCDEFGHIJKLMNOPQRST"[[key for key, _ in summary.CASE_COLUMNS].index("unit")]
    cell = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")["案例"][f"{unit_column}2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


# ---------------------------------------------------------------- discovery and naming


def test_discover_finds_yaml_sorted_skips_hidden_and_duplicates(tmp_path):
    for rel in ("b/2.yaml", "b/1.yml", "a.yaml", "notes.txt", ".hidden/x.yaml", "c/.y.yaml", "c/UP.YAML"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    found = discover([tmp_path, tmp_path / "a.yaml", tmp_path / "notes.txt"])
    assert [Path(p).relative_to(tmp_path).as_posix() for p in found] == ["a.yaml", "b/1.yml", "b/2.yaml", "c/UP.YAML", "notes.txt"]
    with pytest.raises(JixiaoError) as err:
        discover([tmp_path / "nope"])
    assert err.value.problems[0].code == "E-FILE"


def test_discover_orders_by_components_and_scores_a_linked_file_once(tmp_path, monkeypatch):
    for rel in ("a/z.yaml", "a.yaml", "a-b.yaml", "real/r.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "a.yaml")  # the same file as a.yaml
    os.link(tmp_path / "a-b.yaml", tmp_path / "hard.yaml")  # the same file as a-b.yaml
    (tmp_path / "linked-folder").symlink_to(tmp_path / "real", target_is_directory=True)  # not searched
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "missing.yaml")  # kept: scoring says what is wrong
    found = [Path(p).relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    # sorted by components: "a" < "a-b.yaml" < "a.yaml" (a folder's files and sub-folders together)
    assert found == ["a/z.yaml", "a-b.yaml", "a.yaml", "dangling.yaml", "real/r.yaml"]
    monkeypatch.chdir(tmp_path)
    assert discover(["."])[:2] == [os.path.join("a", "z.yaml"), "a-b.yaml"]  # spelt as Path(".") / name
    assert discover(["real/", "./real/r.yaml"]) == [os.path.join("real", "r.yaml")]


def test_result_names_mirror_the_folders_and_never_collide(tmp_path):
    for rel in ("d/2022/a.yaml", "d/2022/a.yml", "d/b.yaml", "e/c.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    files = discover([tmp_path / "d"])
    assert result_names(files, [tmp_path / "d"]) == ["2022/a.json", "2022/a.yml.json", "b.json"]
    files = discover([tmp_path / "d" / "b.yaml", tmp_path / "e"])
    assert result_names(files, [tmp_path / "d" / "b.yaml", tmp_path / "e"]) == ["d/b.json", "e/c.json"]


def test_result_names_of_colliding_inputs_are_distinct_and_deterministic(tmp_path):
    """a.yml.yaml, a.yaml and a.yml would all want a.json or a.yml.json: each gets its own name,
    the same on every run, and a batch over them keeps three results."""
    for name in ("a.yml.yaml", "a.yaml", "a.yml", "a.yaml.yaml", "b.yaml", "b~2.yaml"):
        shutil.copy(ROOT / SEED, tmp_path / name)
    files = discover([tmp_path])
    names = result_names(files, [tmp_path])
    assert dict(zip((Path(f).name for f in files), names)) == {
        "a.yaml": "a.json", "a.yaml.yaml": "a.yaml.json", "a.yml": "a.yml~2.json",
        "a.yml.yaml": "a.yml.json", "b.yaml": "b.json", "b~2.yaml": "b~2.json"}
    assert result_names(discover([tmp_path]), [tmp_path]) == names
    run = run_batch([str(tmp_path)], tmp_path / "out", str(ROOT / NATIONAL), "python", jobs=2)
    assert (run.scored, run.failed) == (6, 0)
    assert sorted(p.name for p in (tmp_path / "out" / "results").iterdir()) == sorted(names)


def test_a_one_process_run_tunes_the_collector_only_while_it_scores(tmp_path):
    """jobs=1 scores in the calling process (the CLI, the web workbench's threads): the collector
    is frozen and collects less often while the cases are scored, and is as it was afterwards."""
    import gc

    shutil.copy(SEED, tmp_path / "a.yaml")
    shutil.copy(SEED, tmp_path / "b.yaml")
    before = gc.get_threshold(), gc.get_freeze_count()
    seen = []

    def on_done(path, ok):
        seen.append((gc.get_threshold(), gc.get_freeze_count() > 0))

    run = run_batch([str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")], tmp_path / "out", str(ROOT / NATIONAL),
                    "python", jobs=1, on_done=on_done)
    assert (run.scored, run.failed) == (2, 0)
    assert seen == [(batch_module.GC_THRESHOLD, True)] * 2
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_write_atomic_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "r.json"
    write_atomic(target, "一")
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()
    with pytest.raises(JixiaoError) as err:
        write_atomic(tmp_path / "no" / "such" / "dir.json", "x")
    assert err.value.problems[0].code == "E-OUTPUT"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_leftovers_are_the_temporaries_of_that_file_only(tmp_path, monkeypatch):
    """Both writers' temporary names are found: write_atomic's own (.NAME.PID-N.tmp) and
    open_atomic's (mkstemp's), each left behind as a killed writer leaves it."""
    import tempfile

    from engine.atomic import open_atomic

    made = []
    real_mkstemp, real_replace = tempfile.mkstemp, os.replace

    def keep_name(**kwargs):  # the name open_atomic's temporary gets, made by the real mkstemp
        fd, name = real_mkstemp(**kwargs)
        made.append(Path(name).name)
        return fd, name

    def keep_renamed(src, dst):  # the temporary each writer renames into place
        made.append(Path(src).name)
        return real_replace(src, dst)

    monkeypatch.setattr(tempfile, "mkstemp", keep_name)
    monkeypatch.setattr(os, "replace", keep_renamed)
    write_atomic(tmp_path / "a[1].json", "x")
    with open_atomic(tmp_path / "a[1].json") as handle:
        handle.write(b"y")
    names = sorted(set(made))
    assert len(names) == 2
    for name in names:
        (tmp_path / name).write_text("half", encoding="utf-8")  # as a killed writer leaves it
    for other in (".a[1].json.x", ".b.json.q1.tmp", "a[1].json.tmp"):
        (tmp_path / other).write_text("", encoding="utf-8")
    assert [p.name for p in leftovers(tmp_path / "a[1].json")] == names


def test_write_atomic_falls_back_when_its_temporary_name_is_taken(tmp_path, monkeypatch):
    """A temporary of a killed process that had the same id is neither overwritten nor a reason
    to fail: open_atomic's random name is used instead."""
    from engine import atomic

    monkeypatch.setattr(atomic, "_names", iter([7, 8]))
    squatter = tmp_path / f".r.json.{os.getpid()}-7.tmp"
    squatter.write_text("half", encoding="utf-8")
    write_atomic(tmp_path / "r.json", "一")
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == "一"
    assert squatter.read_text(encoding="utf-8") == "half"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["r.json", squatter.name])


def _umask():
    current = os.umask(0)
    os.umask(current)
    return current


def test_summary_rows_come_from_result_properties(in_root):
    from engine.api import score_file

    result = score_file(SEED, NATIONAL, "python")
    row = summary.case_row(result, SEED, "results/x.json")
    assert (row["total"], row["self_total"], row["difference"]) == (result.total, result.self_total, result.difference)
    assert (row["errors"], row["warnings"], row["infos"]) == (0, 26, 2)
    assert len(summary.finding_rows(result, SEED)) == len(result.findings) == 48
    assert json.loads(json_report.render(result))["total"]["score"] == "99.26"


# ---------------------------------------------------------------- one run per output folder


def test_a_second_batch_into_the_same_folder_is_refused(tmp_path):
    """While one run holds OUT/.jixiao-batch.lock (a kernel lock), another into OUT is exit 2
    with a clear message, and touches nothing there."""
    import fcntl

    shutil.copy(ROOT / SEED, tmp_path / "a.yaml")
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.csv").write_text("earlier run\n", encoding="utf-8")
    with open(out / ".jixiao-batch.lock", "w") as held:
        held.write("4242\n")
        held.flush()
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        res = invoke("batch", tmp_path / "a.yaml", "--out", out, "--jobs", 1, "--matcher", "python")
    assert res.exit_code == 2, res.output
    assert "E-BATCH-LOCKED: 另一个 jixiao batch（进程 4242）正在向这个文件夹写结果" in res.output
    assert (out / "summary.csv").read_text(encoding="utf-8") == "earlier run\n"
    assert not (out / "results").exists()


def test_a_lock_file_left_by_a_dead_run_is_taken_over(tmp_path):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    shutil.copy(ROOT / SEED, tmp_path / "a.yaml")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".jixiao-batch.lock").write_text(dead.stdout, encoding="utf-8")  # the file, no lock held
    res = invoke("batch", tmp_path / "a.yaml", "--out", out, "--jobs", 1, "--matcher", "python")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv", "results", "summary.csv", "summary.xlsx"]


def test_a_summary_file_that_is_an_input_is_refused(tmp_path):
    """Files named on the command line are scored whatever their suffix: one that is where the
    summary goes would be replaced (same file by device and inode, here through a hard link)."""
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(ROOT / SEED, tmp_path / "a.yaml")
    os.link(tmp_path / "a.yaml", out / "summary.csv")
    before = (tmp_path / "a.yaml").read_bytes()
    res = invoke("batch", tmp_path / "a.yaml", "--out", out, "--jobs", 1, "--matcher", "python")
    assert res.exit_code == 2 and "E-OUTPUT-IS-INPUT" in res.output, res.output
    assert (tmp_path / "a.yaml").read_bytes() == before


# ---------------------------------------------------------------- a full disk


def test_a_full_disk_while_writing_the_summary_is_exit_2_with_a_clear_message(tmp_path, monkeypatch):
    """ENOSPC from the summary writer (simulated: every write past the first 4 KiB fails)."""
    import contextlib
    import errno

    from engine.report import summary as summary_module

    real = summary_module.open_atomic

    class Filling:
        def __init__(self, handle):
            self.handle, self.written = handle, 0

        def write(self, data):
            self.written += len(data)
            if self.written > 4096:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.handle.write(data)

        def __getattr__(self, name):
            return getattr(self.handle, name)

    @contextlib.contextmanager
    def filling(path):
        with real(path) as handle:
            yield Filling(handle)

    monkeypatch.setattr(summary_module, "open_atomic", filling)
    for name in ("a", "b", "c"):
        shutil.copy(ROOT / SEED, tmp_path / f"{name}.yaml")
    res = invoke("batch", tmp_path, "--out", tmp_path / "out", "--jobs", 1, "--matcher", "python")
    assert res.exit_code == 2, res.output
    assert "E-OUTPUT: 磁盘空间不足，文件未写出 (No space left on device)" in res.output
    assert "Traceback" not in res.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["results"]  # no half summary, no lock


def _tiny_tmpfs(path):
    """A 300 KiB tmpfs at `path` (root only); None where it cannot be mounted."""
    import subprocess

    if os.geteuid() != 0 or not shutil.which("mount"):
        return None
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(path)], capture_output=True)
    return path if done.returncode == 0 else None


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_really_full_disk_during_a_batch(tmp_path, jobs):
    """A real full file system (a tiny tmpfs): results that do not fit fail as cases, with the
    message; the summary is written (exit 1) or cannot be (exit 2, the message); never a
    traceback, never a temporary file left."""
    import subprocess
    import sys

    disk = _tiny_tmpfs(tmp_path / "disk")
    if disk is None:
        pytest.skip("needs root to mount a tiny tmpfs")
    try:
        cases = tmp_path / "cases"
        cases.mkdir()
        for i in range(30 if jobs == 1 else 60):
            shutil.copy(ROOT / SEED, cases / f"c{i:02d}.yaml")
        proc = subprocess.run([sys.executable, "-m", "engine.cli", "batch", str(cases), "--out", str(disk / "out"),
                               "--rules", NATIONAL, "--matcher", "python", "--jobs", str(jobs)],
                              capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                              timeout=600)
        if proc.returncode == 1:  # the summary fitted: every case whose result did not is listed
            failed = [line for line in proc.stdout.splitlines() if line.startswith("失败 ")]
            assert failed and all("E-OUTPUT: 磁盘空间不足，文件未写出" in line for line in failed), proc.stdout
            assert (disk / "out" / "summary.csv").is_file()
        else:  # the summary did not fit
            assert proc.returncode == 2, proc.stdout + proc.stderr
            assert "磁盘空间不足，文件未写出" in proc.stderr
        assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr
        left = [p.name for p in (disk / "out").rglob("*")]
        assert not [name for name in left if name.startswith(".")], left  # no temporary file, no lock
        for path in (disk / "out" / "results").iterdir():
            json.loads(path.read_text(encoding="utf-8"))  # whole
    finally:
        subprocess.run(["umount", str(disk)], check=False)
