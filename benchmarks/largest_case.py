"""The largest accepted case in every output format (issue 18: "finishes in seconds in every
output format"), run by `make bench`.

    python benchmarks/largest_case.py             # json, markdown, html, docx, pdf, piped table, --why
    python benchmarks/largest_case.py --no-pdf    # without the PDF letter (headless Chromium)

The case is tests/bad_inputs/README.md's worst accepted input: base-case.yaml with one indicator
row repeated up to the 1 MiB file limit (10,456 rows), written to benchmarks/.data/ (ignored by
git). Each command runs in a fresh process; wall and CPU seconds (user + system of the child) and
the exit status are printed. Nothing is asserted: a shared machine's timings vary. The PDF
letter is printed by headless Chromium (CPU counts only the processes it waited for, so Chromium's
renderer may be missing from it; the wall time is the one to read); without Chromium that
line says it was skipped. The PDF's text is then read back with pdftotext (poppler-utils) and
the rows of its score table counted: a fast PDF that lost rows would not be a result.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bigpacks import timed  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
BASE = ROOT / "tests" / "bad_inputs" / "base-case.yaml"
ROW = '            - {name: 服务人数, target: 10人, actual: 10人, weight: 25, score: 25, reason: ""}\n'
from engine.load import MAX_FILE_BYTES as LIMIT  # noqa: E402  (the loader's file-size limit)


def write_case(path: Path) -> int:
    """The base case with its 服务人数 row repeated to just under the size limit; returns the rows."""
    base = BASE.read_text(encoding="utf-8")
    if ROW not in base:
        raise SystemExit(f"{BASE}: the row to repeat is no longer in the base case")
    room = LIMIT - len(base.encode()) - 200
    copies = room // len(ROW.encode())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(base.replace(ROW, ROW * copies, 1), encoding="utf-8")
    return copies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pdf", action="store_true", help="skip --format pdf (headless Chromium)")
    args = parser.parse_args(argv)
    case = DATA / "max-rows.yaml"
    rows = write_case(case)
    out = DATA / "largest-out"
    jixiao = [sys.executable, "-m", "engine.cli", "score", str(case)]
    runs = [(f"--format {fmt}", ["--format", fmt, "-o", str(out.with_suffix("." + fmt))])
            for fmt in ("json", "markdown", "html", "docx")]
    runs += [("table (piped)", ["-o", str(out.with_suffix(".txt"))]),
             ("--why 5000 (a row)", ["--why", "5000", "-o", str(out.with_suffix(".why-row.txt"))]),
             ("--why 服务人数 (every row)", ["--why", "服务人数", "-o", str(out.with_suffix(".why-name.txt"))])]
    from engine.report.pdf import browser

    pdf = not args.no_pdf and browser() is not None
    if pdf:
        runs.append(("--format pdf", ["--format", "pdf", "-o", str(out.with_suffix(".pdf"))]))
    print(f"largest accepted case: {rows} indicator rows, {case.stat().st_size} bytes; "
          f"machine load (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; seconds are wall / CPU")
    for label, extra in runs:
        wall, cpu, rc, err = timed([*jixiao, *extra])
        print(f"{label:<28}: {wall:7.2f} / {cpu:7.2f} s  exit {rc}" + (f"  {err}" if rc else ""))
    if not pdf:
        print(f"{'--format pdf':<28}: skipped ({'--no-pdf' if args.no_pdf else 'no headless Chromium'})")
    elif shutil.which("pdftotext") and shutil.which("pdfinfo") and out.with_suffix(".pdf").is_file():
        print("PDF: " + pdf_rows(out.with_suffix(".pdf"), rows))
    return 0


def pdf_rows(path: Path, rows: int) -> str:
    """Pages and size of the PDF, and how many of the repeated rows its score table shows."""
    pages = re.search(r"^Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout, re.M)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    table = text.split("三、分项得分", 1)[-1].split("四、得分说明", 1)[0]
    shown = len(set(re.findall(r"^\s*(\d+)\s+服务人数\s+10人\s+10人\s+25", table, re.M)))
    return (f"{pages.group(1) if pages else '?'} pages, {path.stat().st_size / 1e6:.1f} MB; "
            f"score table shows {shown} of the {rows} repeated rows")


if __name__ == "__main__":
    sys.exit(main())
