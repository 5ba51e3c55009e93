"""PDF reporter: the department letter printed by headless Chromium from the HTML report.

Chromium lays the page out exactly as the HTML prints (A4, the report's own CSS); the CSS page
margin boxes add a running header (unit, year) and page numbers, and Chromium embeds the fonts it
used (Debian's fonts-noto-cjk for Chinese). A real renderer, not a re-implementation: where
Chromium is missing the error names the Debian packages to install.

A case of thousands of rows: past PLAIN_AFTER rows a table (and the findings by row) prints as
padded monospace lines in blocks headed by the column names (html.text_blocks), because Chromium
spends time and memory on every table cell; every row and cell is still printed. The largest
accepted case (10,456 rows) is timed in benchmarks/largest_case.py (benchmarks/README.md).
"""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path

from .. import external
from ..errors import JixiaoError
from ..result import Result
from . import html

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_S = 120  # seconds Chromium has to print a page of up to 1 MiB of HTML
TIMEOUT_PER_MIB = 30  # and for each further MiB: a case of 9,420 rows that all lose points makes
# an 11 MB page (3,752 pages printed; Chromium ~80 s CPU, 221 s wall at load 10), bounded by the
# text itself (~0.2 ms a line), where 120 s made it an error
# Flags for a headless print on a machine without a display or network: no sandbox (root in CI),
# no GPU, no background connections, a throwaway profile.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-pdf-header-footer")
# A table (or the findings by row) longer than this prints as monospace text blocks, not a
# table (html.text_blocks): Chromium's time and memory grow with every table cell it lays out
# (benchmarks/README.md, the largest case). Real filings have at most a few hundred rows.
PLAIN_AFTER = 500


def browser() -> str | None:
    """The Chromium executable to print with (JIXIAO_CHROMIUM overrides), or None."""
    chosen = os.environ.get("JIXIAO_CHROMIUM")
    if chosen:
        return external.which(chosen) or (chosen if Path(chosen).is_file() else None)
    return external.which(*BROWSERS)


def timeout_for(page: str) -> int:
    """Seconds Chromium has to print this page: TIMEOUT_S, plus TIMEOUT_PER_MIB a MiB past the first."""
    size = len(page.encode("utf-8"))
    return TIMEOUT_S + TIMEOUT_PER_MIB * max(0, -(-size // (1 << 20)) - 1)


def _page_boxes(result: Result) -> str:
    """CSS margin boxes: a running header and 'page N / M' at the foot of every printed page."""
    head = f"{result.unit} · {result.year} 年度绩效自评评分意见".replace("\\", "\\\\").replace('"', '\\"')
    head = "".join(ch for ch in head if ch.isprintable())
    return ("<style>@page { @top-center { content: \"" + head + "\"; font-size: 8pt; color: #5c6470; }"
            " @bottom-center { content: \"第 \" counter(page) \" 页 / 共 \" counter(pages) \" 页\";"
            " font-size: 8pt; color: #5c6470; } }</style>")


def render(result: Result, date: datetime.date) -> bytes:
    exe = browser()
    if exe is None:
        raise JixiaoError.single(
            "E-PDF-RENDERER",
            "生成 PDF 需要无界面的 Chromium，本机没有找到。",
            hint="安装 Debian 软件包 chromium 和 fonts-noto-cjk（make e2e 会安装），或改用 --format html / docx。",
        )
    page = html.render(result, date, plain_after=PLAIN_AFTER).replace("</head>", _page_boxes(result) + "\n</head>", 1)
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        source, target = Path(tmp) / "letter.html", Path(tmp) / "letter.pdf"
        source.write_text(page, encoding="utf-8")
        command = [exe, *FLAGS, f"--user-data-dir={tmp}/profile", f"--print-to-pdf={target}", source.as_uri()]
        timeout = timeout_for(page)
        try:
            done = external.run(command, timeout=timeout)
        except external.TimedOut:
            raise JixiaoError.single("E-PDF-RENDERER", f"Chromium 在 {timeout} 秒内没有生成 PDF。") from None
        if not target.is_file() or target.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise JixiaoError.single("E-PDF-RENDERER", "Chromium 没有生成 PDF：" + " / ".join(tail)[:300])
        return target.read_bytes()
