"""The department letter as PDF (headless Chromium's print) and as the HTML's first screen.

Marked e2e: run where `chromium` is installed (`make e2e` installs it with the CJK fonts and
poppler-utils), skipped with a reason elsewhere. The PDF's text layer is read with poppler's
pdftotext, its fonts with pdffonts.
"""

import datetime
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from engine.api import score_file
from engine.cli import main
from engine.report import html as html_report
from engine.report import pdf as pdf_report

from .conftest import NATIONAL, ROOT, SEED
from .pngread import read_png
from .test_e2e_chromium import screenshot

pytestmark = pytest.mark.e2e
DATE = datetime.date(2025, 1, 31)
ACCENT = (0x1F, 0x4E, 0x8C)  # the colour of the rule under each section heading (h2)


def _poppler(tool):
    if not shutil.which(tool):
        pytest.skip(f"e2e: poppler's `{tool}` is not installed (Debian package poppler-utils; `make e2e` installs it)")
    return tool


@pytest.fixture(scope="module")
def letter(tmp_path_factory):
    result = score_file(ROOT / SEED, ROOT / NATIONAL, "python")
    path = tmp_path_factory.mktemp("pdf") / "letter.pdf"
    path.write_bytes(pdf_report.render(result, DATE))
    return result, path


def _text(path, *pages):
    first_last = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run([_poppler("pdftotext"), "-layout", *first_last, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_pdf_first_page_has_the_conclusion_then_the_actions(letter):
    result, path = letter
    assert path.read_bytes().startswith(b"%PDF-")
    first = re.sub(r"\s+", "", _text(path, 1))
    assert first.index("一、结论") < first.index("规则扣0.74分；单位自评另扣7.00分") < first.index("二、整改清单")
    assert first.index("二、整改清单") < first.index(re.sub(r"\s+", "", result.actions[0].title))
    assert "第1页/共" in first  # page numbers from the CSS page boxes
    assert result.unit in first  # the running header


def test_pdf_lists_every_action_in_order_and_embeds_its_fonts(letter):
    result, path = letter
    text = re.sub(r"\s+", "", _text(path))
    actions = text.split("二、整改清单", 1)[1].split("三、分项得分", 1)[0]
    squeeze = re.compile(r"\s+")
    places = [actions.index(f"{n}." + squeeze.sub("", a.title)) for n, a in enumerate(result.actions, 1)]
    assert len(places) == 7 and places == sorted(places)
    fonts = subprocess.run([_poppler("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("yes" in row[-5:-3] for row in rows), fonts  # every font embedded (emb column)


def test_cli_writes_a_pdf(in_root, tmp_path):
    out = tmp_path / "letter.pdf"
    res = CliRunner().invoke(main, ["score", SEED, "--format", "pdf", "--date", "2025-01-31", "-o", str(out),
                                    "--matcher", "python"])
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"%PDF-")


def test_first_screen_of_the_html_letter_shows_conclusion_and_actions(tmp_path, in_root):
    """A screenshot of the HTML letter at A4 width: the first page's height holds the section rules
    of 一、结论 and 二、整改清单 (their accent-coloured underlines) and the action list below it."""
    page = tmp_path / "letter.html"
    page.write_text(html_report.render(score_file(SEED, NATIONAL, "python"), DATE), encoding="utf-8")
    width, a4_height = 1000, 1123 + 30  # A4 at 96 CSS px per inch, plus the screen margin above the page
    image = read_png(screenshot(page, tmp_path, size=(width, a4_height))[0])
    rules = []
    for y in range(image.height):
        run = best = 0
        for x in range(image.width):
            run = run + 1 if image.pixel(x, y)[:3] == ACCENT else 0
            best = max(best, run)
        if best > 500:
            rules.append(y)
    headings = [y for i, y in enumerate(rules) if i == 0 or y - rules[i - 1] > 3]
    assert len(headings) >= 2, rules  # 一、结论 and 二、整改清单 both start on the first page

