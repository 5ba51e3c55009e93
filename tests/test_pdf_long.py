"""The PDF letter of a very long case (issue 18.8): past `pdf.PLAIN_AFTER` rows a table, and the
findings by row, print as blocks of monospace lines (html.text_blocks / finding_blocks), because
Chromium lays out every table cell as a box of its own (the 10,456-row case did not print within
its 120 s). Every row and every cell must still be there, in order and aligned; an ordinary letter
is unchanged. The e2e tests print real PDFs and read them back with poppler's pdftotext; the time
is measured in benchmarks/largest_case.py, not here."""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from markupsafe import Markup

from engine.api import score_file
from engine.report import common, pdf
from engine.report import html as html_report

from .conftest import NATIONAL, ROOT, SEED

DATE = datetime.date(2025, 1, 31)
BASE = ROOT / "tests" / "bad_inputs" / "base-case.yaml"
ROW = '            - {name: 服务人数, target: 10人, actual: 10人, weight: 25, score: 25, reason: ""}\n'


@pytest.fixture(scope="module")
def seed():
    return score_file(ROOT / SEED, ROOT / NATIONAL, "python")


def _lines(blocks):
    """The text lines of text blocks (tags removed, entities decoded), block by block."""
    import html

    return [[html.unescape(re.sub(r"<[^>]+>", "", line)) for line in str(b).split("\n")] for b in blocks]


def _width(text):
    return html_report._display_width(text)


def _slice(line, start, end):
    """The characters of `line` between two display columns."""
    out, at = [], 0
    for ch in line:
        if start <= at < end:
            out.append(ch)
        at += _width(ch)
    return "".join(out)


def test_an_ordinary_letter_prints_its_tables_as_tables(seed):
    """The seed case is far below PLAIN_AFTER: the PDF's page is the HTML report, byte for byte
    outside the <style> element (which carries the unused text-block rules)."""
    plain = html_report.render(seed, DATE)
    for_pdf = html_report.render(seed, DATE, plain_after=pdf.PLAIN_AFTER)
    strip = re.compile(r"<style>.*?</style>", re.S)
    assert strip.sub("", for_pdf) == strip.sub("", plain)
    assert "<pre" not in for_pdf and for_pdf.count('<table class="section">') == len(seed.sections)
    assert "pre.rows" in for_pdf and "pre.rows" not in plain


def test_a_long_table_becomes_aligned_lines_with_every_cell(seed, monkeypatch):
    monkeypatch.setattr(html_report, "BLOCK_LINES", 4)
    table = max(common.section_tables(seed), key=lambda t: len(t.rows))
    assert len(table.rows) > 5
    assert html_report.text_blocks(common.SECTION_COLUMNS, table.rows, common.NUMERIC_COLUMNS, len(table.rows)) is None
    blocks = html_report.text_blocks(common.SECTION_COLUMNS, table.rows, common.NUMERIC_COLUMNS, len(table.rows) - 1)
    assert blocks and all(isinstance(b, Markup) for b in blocks)
    lines = _lines(blocks)
    assert len(lines) == -(-len(table.rows) // 4)  # blocks of BLOCK_LINES rows
    head = lines[0][0]
    assert all(block[0] == head for block in lines)  # the column names head every block
    assert head.split() == list(common.SECTION_COLUMNS)
    body = [line for block in lines for line in block[1:]]
    assert len(body) == len(table.rows)
    for row, line in zip(table.rows, body):
        at = 0
        for cell in row.cells:  # every cell, in column order
            if cell:
                at = line.index(cell, at) + len(cell)
    # Aligned: each column starts at the same display column on every line (the cells here are
    # narrower than COLUMN_MAX), numbers end at the same one.
    widths = [max(_width(c) for c in [name, *(r.cells[i] for r in table.rows)])
              for i, name in enumerate(common.SECTION_COLUMNS)]
    assert max(widths) <= html_report.COLUMN_MAX
    starts = [sum(widths[:i]) + len(html_report.GAP) * i for i in range(len(widths))]
    for row, line in zip(table.rows, body):
        for i, cell in enumerate(row.cells):
            field = _slice(line, starts[i], starts[i] + widths[i])
            assert field.strip() == cell, (line, i)
            if common.SECTION_COLUMNS[i] in common.NUMERIC_COLUMNS:
                assert field == field.strip().rjust(len(field)) or not cell, line  # right-aligned
    styled = [r.style for r in table.rows if r.style]  # lost points, the subtotal: a span of that class
    assert "subtotal" in styled
    assert [m for b in blocks for m in re.findall(r'<span class="(\w+)">', str(b))] == styled


def test_text_blocks_escape_and_keep_a_cell_on_its_line():
    rows = [("1", "<script>alert(1)</script>", "a\nb"), ("2", "甲&乙", "")] * 3
    blocks = html_report.text_blocks(("行", "指标", "备注"), rows, ("行",), 1)
    text = "".join(map(str, blocks))
    assert "<script>" not in text and "&lt;script&gt;" in text and "甲&amp;乙" in text
    body = [line for block in _lines(blocks) for line in block[1:]]
    assert len(body) == 6 and body[0].endswith("a b")  # the line break became a space: one line a row


def test_long_findings_by_row_become_one_line_per_finding(seed):
    groups = common.findings_by_row(seed)
    assert len(groups) > 2
    assert html_report.finding_blocks(groups, len(groups)) is None
    lines = [line for block in _lines(html_report.finding_blocks(groups, 1)) for line in block[1:]]
    assert len(lines) == sum(len(g.items) for g in groups)
    expected = [(g.where if i == 0 else "", severity, heading, message)
                for g in groups for i, (severity, heading, message) in enumerate(g.items)]
    squeeze = re.compile(r"\s+")
    for (where, severity, heading, message), line in zip(expected, lines):
        assert line.startswith(where) and f"【{severity}】" in line
        assert squeeze.sub(" ", heading) in line and squeeze.sub(" ", message) in line


def test_long_explanations_become_a_heading_and_a_line_per_label(seed):
    for items in (common.explanations(seed), common.self_explanations(seed)):
        assert len(items) > 1
        assert html_report.explanation_blocks(items, len(items)) is None
        lines = [line for block in _lines(html_report.explanation_blocks(items, 1)) for line in block]
        expected = []
        for number, item in enumerate(items, 1):
            expected.append(f"{number}. {item.heading}")
            expected.extend(f"　　{label}：{' '.join(text.split()) if chr(10) in text else text}" for label, text in item.lines)
        assert lines == expected
    block = str(html_report.explanation_blocks(common.explanations(seed), 1)[0])
    assert block.startswith('<span class="head">1. ')


def test_the_self_score_notes_are_each_rows_open_self_scoring_findings(seed):
    """explain_self takes the notes from an index by row (a case of thousands of rows took
    minutes when each row looked through every finding): the same notes, in the same order."""
    explained = common.self_explanations(seed)
    assert len(explained) == len(seed.self_differs) > 1
    with_notes = 0
    for entry, item in zip(seed.self_differs, explained):
        notes = [f.message for f in seed.findings if f.row == entry.row and entry.row is not None and not f.passed
                 and f.rule in seed.self_scoring_rules]
        assert dict(item.lines).get("审核意见", "") == "".join(notes)
        with_notes += bool(notes)
        assert common.explain_self(entry, seed) == item  # without the index: the same
    assert with_notes


# ---------------------------------------------------------------- printed (headless Chromium)


def _pdftotext(path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("e2e: poppler's `pdftotext` is not installed (Debian package poppler-utils)")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


@pytest.mark.e2e
def test_a_long_case_prints_every_row_in_its_pdf(tmp_path, monkeypatch):
    """A case of 700 rows (past PLAIN_AFTER, blocks of 50 lines over several pages): every row
    number of the table, of the appendix's rule table and of the findings is in the PDF's text."""
    base = BASE.read_text(encoding="utf-8")
    assert ROW in base
    case = tmp_path / "long.yaml"
    case.write_text(base.replace(ROW, ROW * 700, 1), encoding="utf-8")
    result = score_file(case, ROOT / NATIONAL, "python")
    rows = [e.row for e in result.ledger if e.item == "服务人数"]
    assert len(rows) == 700 > pdf.PLAIN_AFTER
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf.render(result, DATE))
    text = _pdftotext(path)
    table = _between(text, "三、分项得分", "四、得分说明")
    found = [int(n) for n in re.findall(r"^\s*(\d+)\s+服务人数\s+10人\s+10人\s+25\s+25\s+25\s+相同\s*$", table, re.M)]
    assert found == rows
    assert table.count("指标值") >= 700 // html_report.BLOCK_LINES  # the column names head each block
    codes = _between(text, "各项得分所用规则", "审核发现所依据的规则")
    assert [int(n) for n in re.findall(r"^\s*(\d+)\s+服务人数\s+JX-", codes, re.M)] == rows
    findings = _between(text, "五、问题明细（按行）", "附录：评分依据")
    with_findings = [int(n) for n in re.findall(r"第 (\d+) 行 服务人数：【", findings)]
    expected = [g.where for g in common.findings_by_row(result) if g.where.endswith("行 服务人数")]
    assert len(expected) > pdf.PLAIN_AFTER
    assert with_findings == [int(re.search(r"\d+", w).group()) for w in expected]
    assert re.search(r"第 1 页 / 共 (\d+) 页", text)


@pytest.mark.e2e
def test_the_seed_case_printed_as_text_blocks_keeps_every_cell(tmp_path, monkeypatch):
    """The real case, forced into text blocks (PLAIN_AFTER 2): every item, target, actual and
    rule of its tables is in the PDF's text, as it is in the HTML table version."""
    monkeypatch.setattr(pdf, "PLAIN_AFTER", 2)
    result = score_file(ROOT / SEED, ROOT / NATIONAL, "python")
    path = tmp_path / "seed.pdf"
    path.write_bytes(pdf.render(result, DATE))
    text = _pdftotext(path)
    squeeze = re.compile(r"\s+")
    tables = squeeze.sub("", _between(text, "三、分项得分", "四、得分说明"))
    at = 0
    for table in common.section_tables(result):
        for row in table.rows:
            for cell in row.cells:
                cell = squeeze.sub("", cell)
                if cell:
                    at = tables.index(cell, at) + len(cell)
    codes = squeeze.sub("", _between(text, "各项得分所用规则", "审核发现所依据的规则"))
    at = 0
    for row, item, rule, _ in common.rule_codes(result):
        for cell in (row, item, rule):
            at = codes.index(squeeze.sub("", cell), at)


FAKE_CHROMIUM = """#!/bin/sh
# Prints nothing for 2 s, then writes a stand-in PDF where --print-to-pdf= says.
for arg in "$@"; do case "$arg" in --print-to-pdf=*) out="${arg#--print-to-pdf=}";; esac; done
sleep 2
printf '%%PDF-1.4 stand-in' > "$out"
"""


def test_chromium_has_more_time_for_a_bigger_page(tmp_path, monkeypatch, seed):
    """The timeout grows with the page (the letter of thousands of rows that all lose points is
    an 11 MB page): a small page that takes too long is the clear error, a big one is waited for."""
    fake = tmp_path / "chromium"
    fake.write_text(FAKE_CHROMIUM, encoding="ascii")
    fake.chmod(0o755)
    monkeypatch.setenv("JIXIAO_CHROMIUM", str(fake))
    monkeypatch.setattr(pdf, "TIMEOUT_S", 1)
    monkeypatch.setattr(pdf, "TIMEOUT_PER_MIB", 4)
    from engine.errors import JixiaoError

    with pytest.raises(JixiaoError) as err:
        pdf.render(seed, DATE)
    assert err.value.problems[0].code == "E-PDF-RENDERER" and "1 秒内没有生成 PDF" in err.value.problems[0].message
    real = html_report.render
    monkeypatch.setattr(html_report, "render", lambda *a, **k: real(*a, **k).replace(
        "</body>", "<!--" + "x" * (1 << 20) + "--></body>"))  # a page past 1 MiB: 1 + 4 s
    assert pdf.render(seed, DATE) == b"%PDF-1.4 stand-in"
    assert pdf.timeout_for("x" * (1 << 20)) == 1 and pdf.timeout_for("x" * ((1 << 20) + 1)) == 5
