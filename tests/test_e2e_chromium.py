"""The seed's HTML report in headless Chromium: it renders, at A4 size, with no console errors.

Marked e2e: run by `make test` when `chromium` is on PATH and skipped with a reason otherwise
(tests/conftest.py); `make e2e` installs Chromium and runs only these. Set JIXIAO_E2E_OUT=DIR to
keep the screenshot for a look.
"""

import datetime
import os
import shutil
import subprocess
from collections import Counter

import pytest

from engine.api import score_file
from engine.report import html as html_report

from .conftest import NATIONAL, SEED
from .pngread import read_png

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
SCREEN_GREY = (0xE6, 0xE8, 0xEC)  # the report's screen background around the white page


def screenshot(page, tmp_path, size=(WIDTH, HEIGHT)):
    """Render `page` (a file) to PNG; returns (png bytes, console lines from Chromium's log)."""
    png = tmp_path / (page.stem + ".png")
    command = [
        shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
        f"--screenshot={png}", f"--window-size={size[0]},{size[1]}", page.resolve().as_uri(),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert png.exists(), f"chromium wrote no screenshot (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    # Chromium logs every console message of the page as "...:CONSOLE(...)] "text", source: ..."
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    return png.read_bytes(), console


def ink(image):
    """Share of pixels that are neither the page's white nor the screen grey, and the number of
    distinct colours: text, rules, table shading and the chart all add to both."""
    counts = Counter()
    for row in image.rows:
        step = image.channels
        counts.update(row[i:i + 3] for i in range(0, len(row), step))
    total = image.width * image.height
    plain = counts[b"\xff\xff\xff"] + counts[bytes(SCREEN_GREY)]
    return (total - plain) / total, len(counts)


def test_seed_html_report_renders_in_chromium(tmp_path, in_root):
    page = tmp_path / "lukou-gsl.html"
    page.write_text(html_report.render(score_file(SEED, NATIONAL, "python"), datetime.date(2025, 1, 31)), encoding="utf-8")
    data, console = screenshot(page, tmp_path)
    if os.environ.get("JIXIAO_E2E_OUT"):
        shutil.copy(tmp_path / "lukou-gsl.png", os.environ["JIXIAO_E2E_OUT"])
    assert console == []
    image = read_png(data)
    assert (image.width, image.height) == (WIDTH, HEIGHT)
    # CSS applied: grey screen at the edges, a white A4 page in the middle.
    assert image.pixel(8, 8)[:3] == SCREEN_GREY and image.pixel(WIDTH - 8, HEIGHT // 2)[:3] == SCREEN_GREY
    assert image.pixel(WIDTH // 2, 200)[:3] == (255, 255, 255)
    share, colours = ink(image)
    assert share > 0.02 and colours > 100, (share, colours)


def test_harness_sees_console_errors_and_blank_pages(tmp_path):
    """The checks above can fail: a script error is reported and an empty page has no ink."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><body style='background:#fff'><script>throw new Error('boom')</script>"
                   "</body></html>", encoding="utf-8")
    data, console = screenshot(bad, tmp_path, size=(400, 300))
    assert any("Uncaught Error: boom" in line for line in console)
    image = read_png(data)
    assert (image.width, image.height) == (400, 300) and ink(image)[0] == 0
