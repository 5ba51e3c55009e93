"""`jixiao rules explain` and `jixiao rules doc`: documentation generated from the pack."""

from click.testing import CliRunner

from engine.api import load_pack
from engine.cli import main
from engine.ruledoc import overrides_of, pack_pages

from .conftest import NATIONAL, ROOT, update_golden

PROVINCE = "tests/fixtures/packs/province-test"
HEADINGS = ("## 检查什么", "## 为什么", "## 参数", "## 说明模板", "## 例子", "## 依据")


def run(*args):
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "200"})


def test_explain_prints_what_why_parameters_examples_citation(in_root):
    res = run("rules", "explain", "jx-s04")
    assert res.exit_code == 0, res.output
    out = res.stdout
    for text in ("JX-S04 超出指标值的反向指标按超出比例扣分", "检查什么",
                 "条件：`direction = reverse 且 actual > target 且 target > 0`",  # piped: the page's Markdown
                 "公式 `weight * (1 - (actual - target) / ((k - 1) * target))`",
                 "为什么", "达到 k 倍指标值时得0分", "参数", "计分方法 reverse 的默认值，即规则包参数 reverse_k",
                 "target: ≤100万元, actual: 110万元, weight: 4", "按本规则计 3.60 分",
                 "依据", "财预〔2020〕10号 附件2 评分说明（反向指标，实践口径 k=2）", "在其他规则包中"):
        assert text in out, text


def test_explain_from_a_given_pack(in_root):
    res = run("rules", "explain", "JX-S02", "--rules", PROVINCE)
    assert res.exit_code == 0
    assert "未完成的正向指标按差距分档扣分" in res.stdout and "step_points" in res.stdout


def test_explain_unknown_code_suggests(in_root, monkeypatch):
    # (JX-S2 is now one edit from both JX-S02 and the scoresheet's JX-S52: use an unambiguous slip)
    monkeypatch.setenv("JIXIAO_LANG", "zh")  # first, so that the value `--lang en` sets is undone after
    res = run("rules", "explain", "JX-V1")
    assert res.exit_code == 2
    assert "E-RULE-CODE: rules/ 下的任何规则包中没有规则 JX-V1" in res.output and "是不是 JX-V01？" in res.output
    english = run("--lang", "en", "rules", "explain", "JX-V1")
    assert "E-RULE-CODE: no rule JX-V1 in any pack under rules/" in english.output and "did you mean JX-V01?" in english.output


def test_overrides_are_found_among_packs(in_root):
    packs = {p.id: p for p in (load_pack(NATIONAL), load_pack(PROVINCE))}
    assert overrides_of("JX-S02", packs) == [("province-test", "覆盖为“未完成的正向指标按差距分档扣分”")]
    assert overrides_of("JX-A12", packs) == [("province-test", "删除（remove_rules）")]
    assert overrides_of("JX-S01", packs) == []


def test_doc_writes_a_page_per_rule(in_root, tmp_path):
    out = tmp_path / "catalog"
    res = run("rules", "doc", NATIONAL, "--output", str(out))
    assert res.exit_code == 0, res.output
    pack = load_pack(NATIONAL)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["index.md", "fields.md", *(f"{r.code}.md" for r in pack.rules)])
    for rule in pack.rules:
        page = (out / f"{rule.code}.md").read_text(encoding="utf-8")
        assert page.startswith(f"# {rule.code} {rule.title}\n")
        assert all(h in page for h in HEADINGS), rule.code
    index = (out / "index.md").read_text(encoding="utf-8")
    assert all(f"[{r.code}]({r.code}.md)" in index for r in pack.rules)
    golden = ROOT / "tests" / "golden" / "doc-JX-S02.md"
    if update_golden():
        golden.write_text((out / "JX-S02.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert (out / "JX-S02.md").read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")


def test_doc_removes_pages_of_rules_that_are_gone(in_root, tmp_path):
    out = tmp_path / "catalog"
    out.mkdir()
    (out / "JX-Z99.md").write_text("old", encoding="utf-8")
    (out / "notes.md").write_text("mine", encoding="utf-8")
    assert run("rules", "doc", PROVINCE, "-o", str(out)).exit_code == 0
    assert not (out / "JX-Z99.md").exists() and (out / "notes.md").exists() and not (out / "JX-A12.md").exists()
    assert "继承 national-2020" in (out / "index.md").read_text(encoding="utf-8")


def test_pages_are_generated_from_the_pack(in_root):
    pages = pack_pages(load_pack(PROVINCE))
    assert "deduct" not in pages["JX-A04.md"] and "扣分：从“效益”部分扣 0.5 分，每个问题扣一次，扣完为止。" in pages["JX-A04.md"]
    assert "| `reverse_k` | 3 |" in pages["index.md"]


def test_amendments_are_listed_as_such(in_root):
    packs = {p.id: p for p in (load_pack(NATIONAL), load_pack("rules/hubei-2023"))}
    assert overrides_of("JX-R01", packs) == [("hubei-2023", "修改 deduct（amend_rules）")]
    assert overrides_of("JX-S02", packs) == [
        ("hubei-2023", "修改 citation, examples, message, rationale, score, title（amend_rules）")]
