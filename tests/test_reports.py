"""The department report in Markdown, HTML and Word: content checked against the JSON result,
escaping of case text, the CLI options, and golden Markdown/HTML for review.

To change the golden reports on purpose: JIXIAO_UPDATE_GOLDEN=1 pytest tests/test_reports.py.
"""

import datetime
import html as std_html
import io
import json
import re
from html.parser import HTMLParser

import docx as python_docx
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from engine.api import score_file
from engine.cli import main
from engine.decimals import D
from engine.report import FORMATS, render
from engine.report import docx as docx_report
from engine.report import html as html_report
from engine.report import json as json_report
from engine.report import markdown as md_report
from engine.report.markdown import escape

from .conftest import NATIONAL, ROOT, SEED, update_golden

DATE = datetime.date(2025, 1, 31)
DEDUCTED_ROWS = [15, 16, 17, 18, 20, 21]  # 4 taken by the rules, 2 more by the department itself
MD = MarkdownIt("commonmark").enable("table")


@pytest.fixture(scope="module")
def seed():
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = score_file(SEED, NATIONAL, "python")
    finally:
        os.chdir(cwd)
    return result, json.loads(json_report.render(result))


# ---------------------------------------------------------------- the Result's derived numbers


def test_result_properties_behind_the_reports(seed):
    result, _ = seed
    assert [e.row for e in result.deductions] == DEDUCTED_ROWS
    assert [e.deduction for e in result.deductions] == [D(x) for x in ("0.16", "0.16", "0.26", "0.16", "0", "0")]
    assert [e.self_deduction for e in result.deductions] == [D(x) for x in ("1", "1", "2", "1", "1", "1")]
    assert [e.difference for e in result.deductions] == [D(x) for x in ("-0.84", "-0.84", "-1.74", "-0.84", "-1", "-1")]
    top = result.top_deduction
    assert (top.row, top.deduction, top.rule) == (17, D("0.26"), "JX-S02")
    assert result.finding_counts == {"error": 0, "warning": 26, "info": 2}  # + JX-A19 (93 vs 99.26), JX-C07 (a warning: no reason for the adjustment)
    assert len(result.passed_checks) == 20
    assert [s.difference for s in result.sections] == [D(0), D(0), D("-6.26"), D(0)]


# ---------------------------------------------------------------- Markdown


def _md_tables(text):
    """Every table in rendered Markdown as lists of cell texts (header row first)."""
    tokens = MD.parse(text)
    tables, rows, row, cell = [], None, None, None
    for tok in tokens:
        if tok.type == "table_open":
            rows = []
        elif tok.type == "table_close":
            tables.append(rows)
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close":
            rows.append(row)
        elif tok.type in ("th_open", "td_open"):
            cell = ""
        elif tok.type == "inline" and cell is not None:
            cell = tok.content
        elif tok.type in ("th_close", "td_close"):
            row.append(std_html.unescape(MD.renderInline(cell)))
            cell = None
    return tables


def _md_section(text, heading):
    part = text.split(f"\n## {heading}\n", 1)[1]
    return part.split("\n## ", 1)[0]


def test_markdown_tables_match_the_json(seed):
    result, data = seed
    text = md_report.render(result, DATE)
    tables = _md_tables(text)
    # summary, one table per section, then the appendix: what made it, rules per item, rules per finding
    assert len(tables) == 1 + len(data["sections"]) + 3
    assert tables[0][1:] == [["按规则计算", "99.26 / 100", "优"], ["单位自评", "93", "优"], ["自评比规则", "低 6.26 分", ""]]
    for table, section in zip(tables[1:], data["sections"]):
        entries = [e for e in data["ledger"] if e["section"] == section["key"]]
        assert table[0] == ["行", "指标", "指标值", "实际完成值", "分值", "规则得分", "自评得分", "自评比规则"]
        assert len(table) == 1 + len(entries) + 1
        for row, entry in zip(table[1:], entries):
            assert row[1] == entry["item"] and not any(cell.startswith("JX-") for cell in row)
            assert D(row[5]) == D(entry["points"]) and D(row[4]) == D(entry["weight"])
        assert table[-1][1] == "小计"
        assert D(table[-1][5]) == D(section["score"]) and D(table[-1][6]) == D(section["self_score"])
    assert sum(D(t[-1][5]) for t in tables[1:5]) == D(data["total"]["score"])
    budget = tables[1][1]
    assert budget[2:4] == ["全年预算数 160.48", "执行数 160.48"]  # amounts, labelled: not a target and an actual
    assert tables[3][3][7] == "低 1.74"  # row 17: 自评 3 against the rules' 4.74
    meta = dict(tables[5][1:])
    assert meta["评价日期"] == "2025-01-31"
    assert data["pack"]["id"] in meta["规则包"] and data["pack"]["version"] in meta["规则包"]
    assert meta["规则包哈希"] == "sha256:" + data["pack"]["sha256"]
    assert [row[2].split()[0] for row in tables[6][1:]] == [e["rule"] for e in data["ledger"]]


def test_letter_starts_with_the_conclusion_and_the_actions(seed):
    """The seed's letter: conclusion first, saying what the rules and the department each took
    off, then the seven actions a reviewer would write, then the tables; rule codes, hashes and the
    matcher only in the appendix."""
    result, _ = seed
    text = md_report.render(result, DATE)
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings == ["一、结论", "二、整改清单", "三、分项得分", "四、得分说明", "五、问题明细（按行）", "附录：评分依据"]
    conclusion = _md_section(text, "一、结论")
    assert "规则扣 0.74 分；单位自评另扣 7.00 分。" in conclusion
    assert "自评比规则计算低 6.26 分" in conclusion and "需要整改的问题 7 项" in conclusion
    actions = _md_section(text, "二、整改清单")
    titles = re.findall(r"^\d+\. \*\*(.+?)\*\*", actions, flags=re.MULTILINE)
    assert sorted(titles) == sorted(["实际完成值写成了表达式", "扣分却没有写偏差原因", "自评表指标值与绩效目标表不一致",
                                     "绩效目标表的预算数与年初预算数不一致", "绩效目标表填报日期不在预算年度开始之前",
                                     "预算调整幅度较大", "预算有调整却没有说明原因"])  # JX-A19 (自评总分与规则总分相差较大) is about self-scoring: not an action
    assert titles[:2] == ["实际完成值写成了表达式", "扣分却没有写偏差原因"]  # 7 points at stake each, before the rest
    assert actions.count("涉及：第 15、16、17、18、20、21 行") == 2
    assert "涉及：第 7 行：做好非公经济人士参政议政、建言献策" in actions
    body = text.split("\n## 附录：评分依据\n")[0]
    for word in ("JX-", "sha256", "匹配器", "durable", "national-2020", "_threshold", "差 -"):
        assert word not in body, word
    assert "JX-S02" in text.split("\n## 附录：评分依据\n")[1]


def test_markdown_explains_the_six_deductions(seed):
    result, data = seed
    part = _md_section(md_report.render(result, DATE), "四、得分说明")
    rules_part, self_part = part.split("### （二）单位自评另扣或多给")
    headings = re.findall(r"^#### (\d+)\. 第 (\d+) 行 (.+)（效益指标）$", rules_part, flags=re.MULTILINE)
    assert [int(row) for _, row, _ in headings] == [15, 16, 17, 18]  # the rules took points from these
    by_row = {e["row"]: e for e in data["ledger"]}
    blocks = re.split(r"^#### ", rules_part, flags=re.MULTILINE)[1:]
    for block, (_, row, _) in zip(blocks, headings):
        entry = by_row[int(row)]
        assert entry["item"] in block.splitlines()[0]
        assert f"- 说明：{entry['explanation']}" in block
        assert f"- 计算：{entry['formula']}" in block
        assert f"- 依据：{entry['citation']}" in block
        assert f"- 适用规则：{entry['rule_title']}" in block and entry["rule"] not in block
        assert "- 偏差原因分析及改进措施：（未填写）" in block
    assert "- 规则得分：4.74 分（分值 5 分，扣 0.26 分）" in blocks[2]
    assert "- 单位自评：3 分，自行扣 2 分，比规则得分低 1.74 分" in blocks[2]
    own = re.findall(r"^#### (\d+)\. 第 (\d+) 行", self_part, flags=re.MULTILINE)
    assert [int(row) for _, row in own] == DEDUCTED_ROWS
    own_blocks = re.split(r"^#### ", self_part, flags=re.MULTILINE)[1:]
    assert "- 差别：单位自评另扣 1.74 分" in own_blocks[2]
    assert "- 差别：单位自评另扣 1 分" in own_blocks[4] and "- 规则得分：5 分（分值 5 分）" in own_blocks[4]
    assert "- 审核意见：" in own_blocks[4]  # JX-A02: a met row was deducted, said here, not as an action


def test_markdown_findings_grouped_by_row_each_said_once(seed):
    result, data = seed
    part = _md_section(md_report.render(result, DATE), "五、问题明细（按行）")
    groups = re.findall(r"^- \*\*(.+)\*\*$", part, flags=re.MULTILINE)
    rows = [int(m.group(1)) for g in groups if (m := re.match(r"第 (\d+) 行", g))]
    assert rows == sorted(rows) and len(rows) == len(set(rows))
    assert 7 in rows and 15 in rows
    items = re.findall(r"^  - 【(.+?)】", part, flags=re.MULTILINE)
    open_findings = [f for f in data["findings"] if not f["passed"]]
    assert len(items) == len({(f["row"], f["subject"] if f["row"] is None else "", f["severity"], f["title"], f["message"]) for f in open_findings})
    assert "第 7 行“做好非公经济人士参政议政、建言献策”：自评表指标值“2编”与绩效目标表“2篇”不一致。" in part


def test_a_deduction_taken_by_a_check_is_explained(in_root):
    """A pack whose check deducts (province-test: 0.5 per row without a 偏差原因) adds a
    deduction entry; the report explains it with the findings behind it."""
    result = score_file(SEED, "tests/fixtures/packs/province-test", "python")
    entry = result.ledger[-1]
    assert (entry.kind, entry.rule, entry.deduction) == ("deduction", "JX-A04", D("3"))
    assert result.deductions[-1] is entry
    part = _md_section(md_report.render(result, DATE), "四、得分说明").split("### （二）")[0]
    block = part.split("#### 5. ", 1)[1]
    assert block.startswith("扣分却没有写偏差原因（从“效益指标”扣分）\n")
    assert "- 适用规则：扣分却没有写偏差原因\n" in block
    assert "- 涉及的问题：（1）第 15 行“服务好全区民营经济人士和民营企业”自评 4 分（分值 5），但没有填写偏差原因分析及改进措施。（2）第 16 行" in block
    assert "（6）第 21 行" in block and "（7）" not in block
    assert "- 计算：0.5 × 6 = 3\n- 扣分：3 分\n" in block
    assert "- 依据：测试用省级规则包 第八条" in block


# ---------------------------------------------------------------- HTML


class _Page(HTMLParser):
    """Collects tags, attributes, and the text of a few elements of the report."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.stack, self.text = [], [], [], {}
        self.articles, self.tables = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        self.stack.append(tag)
        if tag == "article":
            self.articles.append("")
        if tag == "table":
            self.tables.append([])
        if tag == "tr" and self.tables:
            self.tables[-1].append([])
        if tag in ("td", "th") and self.tables:
            self.tables[-1][-1].append("")

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if "article" in self.stack:
            self.articles[-1] += data
        if ("td" in self.stack or "th" in self.stack) and self.tables:
            self.tables[-1][-1][-1] += data
        for tag in ("title", "h1"):
            if self.stack and self.stack[-1] == tag and (tag != "title" or "head" in self.stack):
                self.text[tag] = self.text.get(tag, "") + data


def _page(text):
    page = _Page()
    page.feed(text)
    page.close()
    return page


def test_html_is_self_contained_and_matches_the_json(seed):
    result, data = seed
    text = html_report.render(result, DATE)
    page = _page(text)
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert not [v for k, v in page.attrs if k in ("src", "href")]
    assert not re.search(r"url\(|@import|https?://(?!www\.w3\.org/2000/svg)", text)
    assert "default-src 'none'" in text and "<style>" in text
    assert page.text["h1"] == "2022 年度部门整体支出绩效自评评分意见"
    assert page.tables[0][1:] == [["按规则计算", "99.26 / 100", "优"], ["单位自评", "93", "优"], ["自评比规则", "低 6.26 分", ""]]
    sections = page.tables[1:5]
    assert [t[-1][5] for t in sections] == ["10", "50", "29.26", "10"]
    assert [t[-1][6] for t in sections] == ["10", "50", "23", "10"]
    assert len(page.articles) == 4 + 6  # rule deductions, then the department's own
    by_row = {e["row"]: e for e in data["ledger"]}
    for article, row in zip(page.articles, [15, 16, 17, 18]):
        assert f"第 {row} 行 {by_row[row]['item']}" in article
        assert by_row[row]["explanation"] in article and by_row[row]["formula"] in article


def test_html_chart_has_one_bar_per_section_scaled_to_its_maximum(seed):
    result, _ = seed
    chart = html_report.chart(result)
    track = html_report.CHART_WIDTH - html_report.LABEL_WIDTH - html_report.VALUE_WIDTH
    assert [(b.label, str(b.score), str(b.self_score), b.value, b.lost) for b in chart["bars"]] == [
        ("预算执行率", f"{track}.0", f"{track}.0", "10 / 10", False),
        ("产出指标", f"{track}.0", f"{track}.0", "50 / 50", False),
        ("效益指标", "360.9", "283.7", "29.26 / 30", True),  # 370 × 29.26/30, 370 × 23/30
        ("满意度指标", f"{track}.0", f"{track}.0", "10 / 10", False),
    ]
    svg = html_report.render(result, DATE).split("<svg", 1)[1].split("</svg>", 1)[0]
    assert svg.count('width="360.9"') == 1 and svg.count("<text") == 3 + 3 * 4  # legend, then label, score, self per bar


# ---------------------------------------------------------------- Word


def _docx(data: bytes):
    return python_docx.Document(io.BytesIO(data))


def test_docx_opens_and_has_real_tables_and_headings(seed):
    result, data = seed
    doc = _docx(docx_report.render(result, DATE))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    assert len(tables) == 1 + 4 + 3
    assert {r[0]: r[1] for r in tables[5]}["评价日期"] == "2025-01-31"
    assert tables[0][1:] == [["按规则计算", "99.26 / 100", "优"], ["单位自评", "93", "优"], ["自评比规则", "低 6.26 分", ""]]
    for table, section in zip(tables[1:5], data["sections"]):
        assert table[0] == ["行", "指标", "指标值", "实际完成值", "分值", "规则得分", "自评得分", "自评比规则"]
        assert table[-1][1] == "小计" and D(table[-1][5]) == D(section["score"])
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", "2022 年度部门整体支出绩效自评评分意见")
    assert [t for s, t in headings if s == "Heading 1"] == ["一、结论", "二、整改清单", "三、分项得分", "四、得分说明",
                                                           "五、问题明细（按行）", "附录：评分依据"]
    deductions = [t for s, t in headings if s == "Heading 3" and re.match(r"\d+\. 第", t)]
    assert [int(re.search(r"第 (\d+) 行", t).group(1)) for t in deductions] == [15, 16, 17, 18] + DEDUCTED_ROWS
    body = "\n".join(p.text for p in doc.paragraphs)
    for row in [15, 16, 17, 18]:
        entry = next(e for e in data["ledger"] if e["row"] == row)
        assert f"说明：{entry['explanation']}" in body and f"计算：{entry['formula']}" in body
    assert "怎么改：" in body and "规则扣 0.74 分；单位自评另扣 7.00 分。" in body
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


# ---------------------------------------------------------------- escaping

NASTY_UNIT = "<script>alert('x')</script> & | *粗* _斜_ [链接](http://evil.example) `code` # 1. <b>"


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    """The seed with a unit name and an indicator name full of markup."""
    text = (ROOT / SEED).read_text(encoding="utf-8")
    assert text.count("\nunit: 株洲市渌口区工商业联合会\n") == 1
    text = text.replace("\nunit: 株洲市渌口区工商业联合会\n", "\nunit: " + json.dumps(NASTY_UNIT, ensure_ascii=False) + "\n")
    text = text.replace("name: 营造我区良好的营商环境,", "name: \"营造<i>良好</i>|营商环境 ![x](y)\",")
    path = tmp_path_factory.mktemp("nasty") / "nasty.yaml"
    path.write_text(text, encoding="utf-8")
    return score_file(path, ROOT / NATIONAL, "python")


def test_html_escapes_case_text(nasty):
    assert nasty.unit == NASTY_UNIT
    text = html_report.render(nasty, DATE)
    page = _page(text)
    assert "script" not in page.tags and "b" not in page.tags and "i" not in page.tags and "a" not in page.tags
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text
    from markupsafe import escape as html_escape

    assert f'<p class="subtitle">{html_escape(NASTY_UNIT)}　评价日期' in text
    assert page.text["title"].endswith(NASTY_UNIT)
    assert any("营造<i>良好</i>|营商环境 ![x](y)" == row[1] for row in page.tables[3])


def test_markdown_escapes_case_text(nasty):
    text = md_report.render(nasty, DATE)
    rendered = MD.render(text)
    for tag in ("<script", "<b>", "<i>", "<a ", "<em>", "<code>", "<img"):  # <strong>, <ol>: the letter's own
        assert tag not in rendered.split("五、问题明细")[0], tag
    tables = _md_tables(text)
    assert NASTY_UNIT in std_html.unescape(MD.render(text.split("\n")[2]))  # the unit line under the title
    assert tables[3][3][1] == "营造<i>良好</i>|营商环境 ![x](y)"  # 效益 table, row 17
    assert all(len(row) == 8 for table in tables[1:5] for row in table)  # the | did not add a column


def test_docx_keeps_case_text_as_text(nasty):
    import dataclasses

    weird = dataclasses.replace(nasty, unit=NASTY_UNIT + "\x0b\x01end")
    doc = _docx(docx_report.render(weird, DATE))
    assert doc.paragraphs[1].text.startswith(NASTY_UNIT + "\ufffd\ufffdend")
    assert doc.core_properties.subject == NASTY_UNIT + "\ufffd\ufffdend"


@pytest.mark.parametrize("text, expected", [
    ("<script>", r"\<script\>"),
    ("a|b", r"a\|b"),
    ("*x* _y_ `z` ~~s~~", r"\*x\* \_y\_ \`z\` \~\~s\~\~"),
    ("[t](http://u)", r"\[t\](http://u)"),
    ("&amp; #1", r"\&amp; \#1"),
    ("back\\slash", "back\\\\slash"),
    ("- item", r"\- item"),
    ("+ item", r"\+ item"),
    ("1. item", r"1\. item"),
    ("12) item", r"12\) item"),
    ("---", r"\---"),
    ("===", r"\==="),
    ("-6.26", "-6.26"),
    ("4.84 / 100", "4.84 / 100"),
    ("≧92%（2022-12-27）", "≧92%（2022-12-27）"),
    ("two\nlines\r\nhere", "two lines here"),
    ("  padded  ", "padded"),
    (None, ""),
    (93, "93"),
])
def test_markdown_escape_table(text, expected):
    assert escape(text) == expected


_collapse = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")
markdownish = st.text(alphabet=st.sampled_from(list("\\`*_[]<>()|~&#!-+=.):;/ 0123456789aZ\n\t中文\u3000")), max_size=40)


@settings(max_examples=400, deadline=None)
@given(markdownish)
def test_escaped_text_renders_literally_anywhere(text):
    expected = _collapse.sub(" ", text).strip()
    escaped = escape(text)
    assert "\n" not in escaped
    # at the start of a line, inside a paragraph, and in a table cell
    for source, wrap in ((escaped, "p"), ("x " + escaped, "p")):
        out = MD.render(source)
        if not expected:
            continue
        assert out.startswith(f"<{wrap}>") and out.endswith(f"</{wrap}>\n"), out
        inner = out[len(f"<{wrap}>"):-len(f"</{wrap}>\n")]
        assert "<" not in inner
        assert std_html.unescape(inner) == (expected if source == escaped else "x " + expected)
    table = MD.render(f"| h | k |\n| --- | --- |\n| {escaped} | z |\n")
    cell = table.split("<tbody>\n<tr>\n<td>", 1)[1].split("</td>", 1)[0]
    assert "<" not in cell and std_html.unescape(cell) == expected
    assert table.count("<td>") == 2


# ---------------------------------------------------------------- CLI and dispatch


def test_render_dispatch_checks_format_and_date(seed):
    result, _ = seed
    assert FORMATS == ("table", "json", "markdown", "html", "docx", "pdf")
    with pytest.raises(ValueError, match="date of evaluation"):
        render(result, "html")
    with pytest.raises(ValueError, match="unknown report format"):
        render(result, "rtf", DATE)
    assert isinstance(render(result, "docx", DATE), bytes)
    assert render(result, "json") == json_report.render(result)


def test_cli_writes_every_document_format(in_root, tmp_path):
    runner = CliRunner()
    for fmt in ("markdown", "html", "docx"):
        out = tmp_path / f"r.{fmt}"
        res = runner.invoke(main, ["score", SEED, "--format", fmt, "--date", "2024-06-30", "-o", str(out), "--matcher", "python"])
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 2000
    assert "| 评价日期 | 2024-06-30 |" in (tmp_path / "r.markdown").read_text(encoding="utf-8")
    assert "<td>2024-06-30</td>" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "评价日期：2024-06-30" in _docx((tmp_path / "r.docx").read_bytes()).paragraphs[1].text


def test_pdf_without_chromium_is_a_clear_error(monkeypatch, in_root):
    monkeypatch.setenv("JIXIAO_CHROMIUM", "/nonexistent/chromium")
    res = CliRunner().invoke(main, ["score", SEED, "--format", "pdf", "-o", "/tmp/never.pdf", "--matcher", "python"])
    assert res.exit_code == 2 and "chromium" in res.output and "fonts-noto-cjk" in res.output


def test_cli_date_defaults_to_today(in_root):
    res = CliRunner().invoke(main, ["score", SEED, "--format", "markdown", "--matcher", "python"])
    assert res.exit_code == 0
    assert f"| 评价日期 | {datetime.date.today().isoformat()} |" in res.output


def test_cli_docx_needs_output(in_root):
    res = CliRunner().invoke(main, ["score", SEED, "--format", "docx"])
    assert res.exit_code == 2 and "--output" in res.output


def test_cli_rejects_a_bad_date(in_root):
    res = CliRunner().invoke(main, ["score", SEED, "--format", "html", "--date", "2025-02-30"])
    assert res.exit_code == 2 and "--date" in res.output


# ---------------------------------------------------------------- golden reports


@pytest.mark.parametrize("fmt, name", [("markdown", "lukou-gsl.report.md"), ("html", "lukou-gsl.report.html")])
def test_seed_report_golden(in_root, fmt, name):
    text = render(score_file(SEED, NATIONAL, "python"), fmt, DATE)
    path = ROOT / "tests" / "golden" / name
    if update_golden():
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} differs from the golden file"


# Two real filings of other layouts (tests/corpus): a Sichuan 权重/指标性质/度量单位 form and a
# 衔接资金 weight-first form, each in the three document formats. The docx golden is its text
# (paragraphs, then table cells row by row), since the file itself is a zip.
CORPUS_LETTERS = ("sichuan-2020-lijiang-gucheng-zrzy", "weight-first-2022-zhongjiang-slj-biaochi")


def docx_text(data: bytes) -> str:
    doc = _docx(data)
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        lines.append("")
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("case", CORPUS_LETTERS)
@pytest.mark.parametrize("fmt, suffix", [("markdown", "md"), ("html", "html"), ("docx", "docx.txt")])
def test_corpus_letters_golden(in_root, case, fmt, suffix):
    result = score_file(f"tests/corpus/{case}/case.yaml", None, "python")
    body = render(result, fmt, DATE)
    text = docx_text(body) if fmt == "docx" else body
    path = ROOT / "tests" / "golden" / "letters" / f"{case}.{suffix}"
    if update_golden():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{path.name} differs from the golden file"


def test_a_filing_with_nothing_to_score_gets_no_total_and_no_grade(in_root):
    """A narrative report (no budget row, no indicator table): the letter and the summary row give
    no "0.00 差" verdict; they say nothing could be scored and list what was checked."""
    from engine.report import summary

    result = score_file("cases/examples/v2-narrative.yaml", None, "python")
    assert result.nothing_scored
    text = md_report.render(result, DATE)
    conclusion = _md_section(text, "一、结论")
    assert "| 按规则计算 | 未评分 |  |" in conclusion and "本函不给出得分和等级" in conclusion
    assert " 差" not in conclusion and "0 / 100" not in conclusion
    row = summary.case_row(result, "x.yaml", "x.json")
    assert (row["total"], row["grade"], row["difference"]) == (None, "未评分", None)
    seed = score_file(SEED, NATIONAL, "python")
    assert not seed.nothing_scored and summary.case_row(seed, "s", "r")["grade"] == "优"
