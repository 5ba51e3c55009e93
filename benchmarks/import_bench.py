"""Import time of a typical 3-page filing, per input format.

    make bench                                  # runs this after benchmarks/run.py
    python benchmarks/import_bench.py [--repeat 5] [--slow]

One filing (a self-evaluation table of 25 indicator rows with its budget block, and a two-page
report of 60 paragraphs stating figures) is written as a web page, a PDF with a text layer, a
.docx, an .xlsx, a pipe-table text, a tab-separated text and a one-cell-per-line text (the
writers of tests/import_writers.py), and with --slow also as an old .doc / .xls (LibreOffice)
and a scanned page (Tesseract), where those are installed. For each: the in-process time of
`engine.importers.import_file` (best and median of --repeat runs, after one warm-up run that
pays the library imports), and the time of the first run (imports included). Targets (issue
13): under 1 s for HTML, text, docx, xlsx; under 5 s for a PDF with a text layer.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGETS = {"html": 1.0, "text": 1.0, "docx": 1.0, "xlsx": 1.0, "pdf": 5.0}


def filing():
    from tests.import_forms import REPORT_LINES, P, T, variant_blocks

    blocks = variant_blocks("quanzhong")
    grid = blocks[2].grid
    body = grid[-2:-1] * 21  # 4 rows + 21 = 25 indicator rows
    grid = grid[:-1] + body + grid[-1:]
    report = [P(line) for line in REPORT_LINES]
    for k in range(60):
        report.append(P(f"（{k + 1}）本年度完成培训{500 + k}人次，支出{12 + k}.5万元，占总支出的{k % 9 + 1}.2%，"
                        f"较上年增长{k % 7}.1%，群众满意度{90 + k % 9}%。"))
    return [blocks[0], blocks[1], T(grid), *report]


def write_all(folder: Path, slow: bool) -> dict[str, Path]:
    from tests.import_forms import write_docx, write_xlsx
    from tests.import_writers import write_cell_lines, write_html, write_pdf, write_pipe, write_tsv

    blocks = filing()
    files = {
        "html": write_html(blocks, folder / "filing.html"),
        "pdf": write_pdf(blocks, folder / "filing.pdf"),
        "docx": write_docx(blocks, folder / "filing.docx"),
        "xlsx": write_xlsx(blocks, folder / "filing.xlsx"),
        "text (pipe)": write_pipe(blocks, folder / "pipe.txt"),
        "text (tabs)": write_tsv(blocks, folder / "tabs.txt"),
        "text (cell per line)": write_cell_lines(blocks, folder / "cells.txt"),
        "text (glued)": write_glued(blocks, folder / "glued.txt"),
    }
    if slow and shutil.which("soffice"):
        for kind, source in (("doc", files["docx"]), ("xls", files["xlsx"])):
            subprocess.run(["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                            "--convert-to", kind, "--outdir", str(folder / "legacy"), str(source)],
                           check=True, capture_output=True, timeout=300)
            files[f"{kind} (LibreOffice)"] = folder / "legacy" / f"filing.{kind}"
    font = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if slow and font.exists():
        from engine.importers.ocr import available

        if available():
            files["scan page (OCR)"] = scan(blocks, folder / "scan.png", font)
    return files


def write_glued(blocks, path: Path) -> Path:
    """A table's cells run together without any separator, empty and merged cells vanished (what
    a document mirror's text gives); paragraphs on lines of their own."""
    from tests.import_forms import LEFT, UP, P

    lines = []
    for block in blocks:
        if isinstance(block, P):
            lines.append(block.text)
            continue
        lines.append("".join(t.replace("\n", "") for row in block.grid for t in row if t not in (LEFT, UP)))
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def scan(blocks, path: Path, font_path: Path) -> Path:
    """One A4 page at 200 dpi: the title and the indicator grid's logical rows, drawn as text."""
    from PIL import Image, ImageDraw, ImageFont

    from tests.import_forms import LEFT, UP, T

    font = ImageFont.truetype(str(font_path), 26)
    image = Image.new("L", (2339, 1654), 255)
    draw = ImageDraw.Draw(image)
    draw.text((80, 40), blocks[0].text, fill=0, font=font)
    grid = next(b for b in blocks if isinstance(b, T)).grid
    y = 110
    for row in grid[8:34]:
        x = 80
        for cell in row:
            if cell not in (LEFT, UP):
                draw.text((x, y), cell.replace("\n", ""), fill=0, font=font)
            x += 240
        y += 55
    image.save(path)
    return path


def pages(path: Path) -> str:
    if path.suffix != ".pdf":
        return ""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return f"{len(pdf.pages)} pages"


def measure(path: Path, repeat: int) -> tuple[float, list[float], int]:
    from engine.importers import import_file

    start = time.perf_counter()
    result = import_file(path, year=2023)
    first = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        import_file(path, year=2023)
        times.append(time.perf_counter() - start)
    return first, times, result.found["self_rows"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slow", action="store_true", help="also old Office files (LibreOffice) and a scan (OCR)")
    args = parser.parse_args()
    print("import of a typical 3-page filing (25 indicator rows, 60 report paragraphs), in process")
    print(f"{'format':24} {'first run':>10} {'best':>8} {'median':>8} {'rows':>5}  target")
    with tempfile.TemporaryDirectory(prefix="jixiao-import-bench-") as tmp:
        files = write_all(Path(tmp), args.slow)
        for name, path in files.items():
            repeat = args.repeat if "LibreOffice" not in name and "OCR" not in name else 1
            try:
                first, times, rows = measure(path, repeat)
            except Exception as exc:  # noqa: BLE001 - report and go on
                print(f"{name:24} failed: {exc}")
                continue
            key = name.split(" ")[0]
            target = TARGETS.get(key)
            best, median = min(times), statistics.median(times)
            verdict = "" if target is None else (f"< {target:g} s: {'met' if median < target else 'NOT met'}")
            extra = pages(path)
            print(f"{name:24} {first:9.3f}s {best:7.3f}s {median:7.3f}s {rows:5d}  {verdict} {extra}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
