"""Bad inputs for `jixiao import`: every row of the "Import inputs" table in
tests/bad_inputs/README.md is refused with exit 2 and exactly its message, quickly, with nothing
on standard output; in a folder import each is a failed row and the rest is still imported."""

from __future__ import annotations

import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main

from .conftest import ROOT

HERE = ROOT / "tests" / "bad_inputs"
README = HERE / "README.md"


def _rows() -> list[list[str]]:
    lines = README.read_text(encoding="utf-8").splitlines()
    rows = []
    for line in lines[lines.index("## Import inputs") + 1:]:
        if line.startswith("#"):
            break
        if line.startswith("| `"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows.append([c[1:-1] if c[:1] == c[-1:] == "`" else c for c in cells])
    return rows


ROWS = _rows()


def _bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b"0" * 150_000_000 + b"</w:document>")


def _entries(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<x/>")
        for i in range(3000):
            z.writestr(f"xl/p{i}.xml", "")


def _inflated(path: Path) -> None:
    part = (os.urandom(5 * 1024).hex()[:10 * 1024] * 103)[:1024 * 1024].encode()  # ~100x compressible
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<x/>")
        for i in range(150):
            z.writestr(f"xl/media/p{i}.bin", part)


def _html(path: Path) -> None:
    body = b"<p>x</p>" * (50 * 1024 * 1024 // 8)
    path.write_bytes(body[: 50 * 1024 * 1024])


def _pages(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i in range(500):
        c.drawString(100, 100, f"page {i}")
        c.showPage()
    c.save()


def _scan(path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.rect(50, 50, 200, 100, fill=1)
    c.showPage()
    c.save()


def _old_doc(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 600)


MAKERS = {
    "gen/fifo.txt": lambda p: os.mkfifo(p),
    "gen/zero": lambda p: os.symlink("/dev/zero", p),
    "gen/bomb.docx": _bomb,
    "gen/entries.xlsx": _entries,
    "gen/inflated.xlsx": _inflated,
    "gen/page-50mb.html": _html,
    "gen/pages-500.pdf": _pages,
    "gen/scan.pdf": _scan,
    "gen/old.doc": _old_doc,
}


@pytest.fixture
def no_tools(monkeypatch):
    """Without Tesseract and LibreOffice, whatever is installed here."""
    import engine.importers.legacy as legacy
    import engine.importers.ocr as ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    monkeypatch.setattr(legacy, "soffice", lambda: None)


def _path(name: str, tmp_path: Path) -> Path:
    if name.startswith("import/"):
        return HERE / name
    if not hasattr(os, "mkfifo") and name == "gen/fifo.txt":  # pragma: no cover - Windows
        pytest.skip("no FIFOs on this system")
    path = tmp_path / name.removeprefix("gen/")
    MAKERS[name](path)
    return path


@pytest.mark.parametrize("name, what, expected", ROWS, ids=[r[0] for r in ROWS])
def test_import_refuses_bad_input(tmp_path, no_tools, name, what, expected):
    path = _path(name, tmp_path)
    start = time.monotonic()
    result = CliRunner().invoke(main, ["import", str(path)])
    elapsed = time.monotonic() - start
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first == f"error: {path}: {expected}", first
    assert elapsed < 120  # not a timing assertion: a hang guard (FIFO, /dev/zero)


def test_every_generated_input_is_listed():
    assert sorted(MAKERS) == sorted(r[0] for r in ROWS if r[0].startswith("gen/"))
    committed = {f"import/{p.name}" for p in (HERE / "import").iterdir()}
    assert committed == {r[0] for r in ROWS if r[0].startswith("import/")}


def test_a_folder_of_bad_inputs_is_failed_rows(tmp_path, no_tools):
    folder = tmp_path / "in"
    shutil.copytree(HERE / "import", folder)
    (folder / "good.txt").write_text((ROOT / "tests" / "fixtures" / "seed" / "2022-lukou-gsl.txt")
                                     .read_text(encoding="utf-8"), encoding="utf-8")
    _bomb(folder / "bomb.docx")
    os.mkfifo(folder / "fifo.txt")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["import", str(folder), "--out", str(out)])
    assert result.exit_code == 1
    assert (out / "good.yaml").is_file()
    summary = (out / "import-summary.csv").read_text(encoding="utf-8-sig").splitlines()
    failed = [line for line in summary[1:] if ",失败," in line]
    # every committed bad file, the bomb; the FIFO is not a regular file and is not picked up
    assert len(failed) == len(list((HERE / "import").iterdir())) + 1
    assert "Traceback" not in result.stderr
