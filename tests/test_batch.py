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
        assert Decimal(row["规则总分"]) == Decimal(data["total"]["score"])
        assert row["规则等级"] == data["total"]["grade"]
        open_findings = [f for f in data["findings"] if not f["passed"]]
        assert int(row["错误"]) == sum(f["severity"] == "error" for f in open_findings)
        assert int(row["警告"]) == sum(f["severity"] == "warning" for f in open_findings)
        assert int(row["提示"]) == sum(f["severity"] == "info" for f in open_findings)
        assert sum(f["案例文件"] == row["案例文件"] for f in findings) == len(data["findings"])

    seed_row = next(c for c in cases if c["案例文件"].endswith("2022/lukou-gsl.yaml"))
    assert (seed_row["规则总分"], seed_row["规则等级"], seed_row["自评总分"], seed_row["差异（自评−规则）"]) == ("99.26", "优", "93", "-6.26")
    assert (seed_row["错误"], seed_row["警告"], seed_row["提示"]) == ("0", "24", "2")
    assert seed_row["最大扣分项"] == "第 17 行 营造我区良好的营商环境（JX-S02，扣 0.26 分）" and seed_row["最大扣分"] == "0.26"
    assert seed_row["结果文件"] == "results/2022/lukou-gsl.json"
    res = invoke("score", root / "2022" / "lukou-gsl.yaml", "--format", "json", "--matcher", "python")
    assert (out / "results" / "2022" / "lukou-gsl.json").read_text(encoding="utf-8") == res.stdout

    xcases = xlsx_rows(out / "summary.xlsx", "案例")
    assert len(xcases) == n and sum(r["状态"] == "失败" for r in xcases) == 1
    xseed = next(r for r in xcases if r["案例文件"].endswith("2022/lukou-gsl.yaml"))
    assert (xseed["规则总分"], xseed["自评总分"], xseed["差异（自评−规则）"], xseed["年度"]) == (99.26, 93, -6.26, 2022)
    actions = xlsx_rows(out / "summary.xlsx", "整改")
    assert len(actions) == sum(int(c["整改事项"]) for c in scored) and int(seed_row["整改事项"]) == 6
    assert len(xlsx_rows(out / "summary.xlsx", "已通过")) == sum(f["已通过"] == "是" for f in findings)
    seed_actions = [r for r in actions if r["案例文件"].endswith("2022/lukou-gsl.yaml")]
    assert [r["序号"] for r in seed_actions] == [1, 2, 3, 4, 5, 6]
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
    assert (actions.freeze_panes, actions.auto_filter.ref) == ("A2", f"A1:{letter(len(summary.ACTION_COLUMNS))}{6 + 1}")
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
    assert [len(rows) for rows in sheets] == [10, 2]  # 2 x 6 actions
    assert [r["案例文件"] for rows in sheets for r in rows] == [str(tmp_path / "a.yaml")] * 6 + [str(tmp_path / "b.yaml")] * 6
    passed = [xlsx_rows(tmp_path / "out" / "summary.xlsx", f"已通过{n or ''}") for n in (0, 2, 3, 4)]
    assert [len(rows) for rows in passed] == [10, 10, 10, 10]  # 2 x 20 passed checks
    assert [r["规则"] for rows in passed for r in rows] == [
        r["规则"] for r in read_csv(tmp_path / "out" / "findings.csv") if r["已通过"] == "是"]
    overview = list(book["概况"].iter_rows(values_only=True))
    assert len(overview) == 11 and overview[-1] == ("…", "其余失败的文件见 summary.csv")
    assert dict(overview)["整改"] == "共 12 行，超过 Excel 每表 11 行的上限，依次写在 整改、整改2 表中（每表第 1 行为表头）"


def crash_on_b(index, path, *args):
    """A scorer whose worker process dies on b.yaml, as if killed (module-level: workers import it)."""
    if path.endswith("b.yaml"):
        os._exit(3)
    return batch_module.score_one(index, path, *args)


def test_a_killed_worker_fails_every_unfinished_case_and_drops_none(tmp_path):
    names = ["a", "b", "c", "d", "e", "f"]
    for name in names:
        shutil.copy(ROOT / SEED, tmp_path / f"{name}.yaml")
    out = tmp_path / "out"
    run = run_batch([str(tmp_path)], out, str(ROOT / NATIONAL), "python", jobs=2, scorer=crash_on_b)
    failed = dict(run.failures)
    assert (run.inputs, run.scored + run.failed) == (6, 6)
    assert str(tmp_path / "b.yaml") in failed
    for file, error in failed.items():
        assert "E-WORKER: not scored: a worker process stopped" in error and "BrokenProcessPool" in error, error
    cases = read_csv(out / "summary.csv")
    assert [c["案例文件"] for c in cases] == [str(tmp_path / f"{n}.yaml") for n in names]
    assert {c["案例文件"] for c in cases if c["状态"] == "失败"} == set(failed)
    assert sorted(p.name for p in (out / "results").iterdir()) == sorted(
        Path(c["结果文件"]).name for c in cases if c["状态"] == "已评分")


def test_a_result_that_cannot_be_written_is_that_cases_failure(tmp_path):
    for name in ("a", "b"):
        shutil.copy(ROOT / SEED, tmp_path / f"{name}.yaml")
    (tmp_path / "out" / "results" / "b.json").mkdir(parents=True)  # a folder where the result goes
    run = run_batch([str(tmp_path)], tmp_path / "out", str(ROOT / NATIONAL), "python", jobs=2)
    assert (run.scored, run.failed) == (1, 1)
    assert run.failures[0][0] == str(tmp_path / "b.yaml") and "E-OUTPUT" in run.failures[0][1]
    assert [p.name for p in (tmp_path / "out" / "results").iterdir() if p.is_file()] == ["a.json"]


def test_a_finished_run_replaces_the_summary_an_interrupted_one_leaves_it(tmp_path, monkeypatch):
    for name in ("a", "b"):
        shutil.copy(ROOT / SEED, tmp_path / f"{name}.yaml")
    out = tmp_path / "out"
    run_batch([str(tmp_path / "a.yaml")], out, str(ROOT / NATIONAL), "python", jobs=1)
    assert len(read_csv(out / "summary.csv")) == 1
    run_batch([str(tmp_path)], out, str(ROOT / NATIONAL), "python", jobs=1)
    before = {name: (out / name).read_bytes() for name in ("summary.csv", "findings.csv", "summary.xlsx")}
    assert len(read_csv(out / "summary.csv")) == 2

    def interrupted(index, path, *args):
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_module, "score_one", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_batch([str(tmp_path)], out, str(ROOT / NATIONAL), "python", jobs=1)
    assert {name: (out / name).read_bytes() for name in before} == before
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv", "results", "summary.csv", "summary.xlsx"]


def test_other_yaml_is_a_failure_with_a_clear_error(tmp_path):
    (tmp_path / "in").mkdir()
    shutil.copy(ROOT / NATIONAL / "pack.yaml", tmp_path / "in" / "pack.yaml")
    (tmp_path / "in" / "v2.yaml").write_text(
        (ROOT / SEED).read_text(encoding="utf-8").replace("format: jixiao-case/1", "format: jixiao-case/3"), encoding="utf-8")
    (tmp_path / "in" / "empty.yaml").write_text("", encoding="utf-8")
    run = run_batch([str(tmp_path / "in")], tmp_path / "out", str(ROOT / NATIONAL), "python", jobs=1)
    errors = dict(run.failures)
    assert (run.inputs, run.scored, run.failed) == (3, 0, 3)
    assert "E-NOT-CASE: not a case file: it has no top-level format, expected 'jixiao-case/1' or 'jixiao-case/2'" in errors[str(tmp_path / "in" / "pack.yaml")]
    assert "E-NOT-CASE: not a case file: its top-level format is 'jixiao-case/3'" in errors[str(tmp_path / "in" / "v2.yaml")]
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
    import tempfile

    made = []
    real = tempfile.mkstemp

    def keep_name(**kwargs):  # the name open_atomic's temporary gets, made by the real mkstemp
        fd, name = real(**kwargs)
        made.append(Path(name).name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", keep_name)
    write_atomic(tmp_path / "a[1].json", "x")
    (tmp_path / made[0]).write_text("half", encoding="utf-8")  # as a killed writer leaves it
    for other in (".a[1].json.x", ".b.json.q1.tmp", "a[1].json.tmp"):
        (tmp_path / other).write_text("", encoding="utf-8")
    assert [p.name for p in leftovers(tmp_path / "a[1].json")] == [made[0]]


def _umask():
    current = os.umask(0)
    os.umask(current)
    return current


def test_summary_rows_come_from_result_properties(in_root):
    from engine.api import score_file

    result = score_file(SEED, NATIONAL, "python")
    row = summary.case_row(result, SEED, "results/x.json")
    assert (row["total"], row["self_total"], row["difference"]) == (result.total, result.self_total, result.difference)
    assert (row["errors"], row["warnings"], row["infos"]) == (0, 24, 2)
    assert len(summary.finding_rows(result, SEED)) == len(result.findings) == 46
    assert json.loads(json_report.render(result))["total"]["score"] == "99.26"
