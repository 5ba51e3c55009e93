"""Scanned pages (a PDF without a text layer, or an image) -> Source, through Tesseract.

Pages are rendered with `pdftoppm` (poppler-utils) at `DPI`, recognised by `tesseract` with the
simplified-Chinese model (`tesseract-ocr-chi-sim`) into TSV (one word per line with its box), and
the words are laid out into rows of cells by position (`positioned.py`). Every cell is flagged
`ocr`: the case reader sends each figure read from it to review, and flags OCR damage (`290%`
for `≥90%`, `W100%` for `≤100%`, `至0` ...) by the patterns in `vocabulary.yaml`. Both programs
run in a temporary folder, in their own process group, with a timeout per page.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .. import external
from .grid import Source
from .positioned import Word, rows_from_words
from .safeio import error

DPI = 300
TIMEOUT_PER_PAGE_S = 60
MAX_OCR_PAGES = 30
LANGUAGES = "chi_sim"  # its model reads digits and Latin letters too; +eng doubles the time
OCR_DOUBT = "OCR 识别"
MIN_CONFIDENCE = 0  # words tesseract gives -1 (layout rows) are dropped; low ones are kept, all go to review


def available() -> bool:
    return bool(external.which("tesseract")) and _has_chinese()


def missing_message() -> str:
    return "本机没有安装 OCR（tesseract-ocr 与 tesseract-ocr-chi-sim），无法识别扫描件"


def _has_chinese() -> bool:
    program = external.which("tesseract")
    try:
        out = external.run([program, "--list-langs"], timeout=20).stdout if program else b""
    except (OSError, external.TimedOut):
        return False
    return b"chi_sim" in out


def _run(command: list[str], timeout: float, name: str, what: str) -> bytes:
    program = external.which(command[0])
    if program is None:
        raise error(name, f"本机没有 {command[0]}，无法识别扫描件 ({command[0]} missing)", "E-IMPORT-TOOL")
    try:
        # One OpenMP thread: tesseract's threads slow it down 4x on a busy machine (measured 44 s -> 11 s a page).
        ran = external.run([program, *command[1:]], timeout=timeout, env={"OMP_THREAD_LIMIT": "1"})
    except external.TimedOut:
        raise error(name, f"{what} 超过 {timeout:.0f} 秒未完成，已停止 (timed out)", "E-IMPORT-TOOL") from None
    except OSError as exc:
        raise error(name, f"无法启动 {what}：{exc}", "E-IMPORT-TOOL") from None
    if ran.returncode != 0:
        detail = ran.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] if ran.stderr else []
        raise error(name, f"{what} 失败 ({what} failed{': ' + detail[0][:200] if detail else ''})", "E-IMPORT-TOOL")
    return ran.stdout


def _words(tsv: bytes) -> list[Word]:
    words = []
    lines = tsv.decode("utf-8", "replace").splitlines()
    for line in lines[1:]:
        parts = line.split("\t")
        if len(parts) < 12 or not parts[11].strip():
            continue
        try:
            left, top, width, height = (int(parts[i]) for i in (6, 7, 8, 9))
            conf = float(parts[10])
        except ValueError:
            continue
        if conf < MIN_CONFIDENCE:
            continue
        words.append(Word(parts[11].strip(), left, left + width, top, top + height))
    return words


def ocr_image(name: str, image: str, page: int, first_table: int, source: Source) -> int:
    tsv = _run(["tesseract", image, "stdout", "-l", LANGUAGES, "--psm", "6", "tsv"], TIMEOUT_PER_PAGE_S, name,
               "Tesseract OCR")
    rows, next_table = rows_from_words(_words(tsv), page, first_table, doubt=OCR_DOUBT)
    source.rows.extend(rows)
    return next_table


def ocr_pdf_pages(name: str, raw: bytes, pages: list[int], first_table: int = 0) -> Source:
    if not external.which("pdftoppm"):
        raise error(name, "需要 pdftoppm 把扫描页转为图片，但本机没有安装 (poppler-utils missing)", "E-IMPORT-TOOL",
                    hint="安装 Debian 软件包 poppler-utils")
    if len(pages) > MAX_OCR_PAGES:
        raise error(name, f"有 {len(pages)} 页扫描页，超过 OCR 上限 {MAX_OCR_PAGES} 页 (too many scanned pages)",
                    "E-IMPORT-SIZE", hint="只导出含自评表的页再导入")
    source = Source(path=name, kind="pdf", via="OCR", ocr=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-ocr-") as tmp:
        pdf = Path(tmp, "in.pdf")
        pdf.write_bytes(raw)
        table = first_table
        for page in pages:
            prefix = Path(tmp, f"p{page}")
            _run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-singlefile", "-f", str(page), "-l", str(page),
                  str(pdf), str(prefix)], TIMEOUT_PER_PAGE_S, name, "pdftoppm")
            table = ocr_image(name, str(prefix) + ".png", page, table, source)
    return source


def read_image(name: str, raw: bytes) -> Source:
    if not available():
        raise error(name, f"这是图片（扫描件），{missing_message()} (OCR is not installed)", "E-IMPORT-TOOL",
                    hint="安装 Debian 软件包 tesseract-ocr 和 tesseract-ocr-chi-sim 后重试，或向发布单位索取 Word/Excel 原件")
    source = Source(path=name, kind="image", via="OCR", ocr=True)
    suffix = Path(name).suffix.lower() or ".png"
    with tempfile.TemporaryDirectory(prefix="jixiao-ocr-") as tmp:
        image = Path(tmp, "in" + suffix)
        image.write_bytes(raw)
        ocr_image(name, str(image), 1, 0, source)
    source.notes.append("图片经 OCR 识别，每个数字都需核对")
    return source
