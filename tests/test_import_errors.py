"""Files `jixiao import` cannot read: exit 2, a clear message naming the file, no traceback."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from click.testing import CliRunner

from engine.cli import main
from tests.import_forms import SEED_TEXT, variant_blocks, write_docx, write_xlsx


def run(*args):
    return CliRunner().invoke(main, ["import", *map(str, args)])


def assert_refused(result, code: str, *words: str):
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert f"E-{code}" in result.stderr
    for word in words:
        assert word in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert result.stdout == ""


def test_binary_garbage(tmp_path):
    path = tmp_path / "garbage.txt"
    path.write_bytes(os.urandom(2000) + b"\x00")
    assert_refused(run(path), "IMPORT-FORMAT", "garbage.txt", "二进制")


def test_random_bytes_named_docx(tmp_path):
    path = tmp_path / "form.docx"
    path.write_bytes(b"this is not a word document\n" * 10)
    assert_refused(run(path), "IMPORT-FORMAT", "form.docx", "不是 Office 文档")


def test_zip_that_is_neither_docx_nor_xlsx(tmp_path):
    path = tmp_path / "form.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    assert_refused(run(path), "IMPORT-FORMAT", "既没有 Word 文档也没有 Excel 工作簿")


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_truncated_office_file(tmp_path, kind):
    path = tmp_path / f"whole.{kind}"
    (write_docx if kind == "docx" else write_xlsx)(variant_blocks("national"), path)
    broken = tmp_path / f"broken.{kind}"
    broken.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert_refused(run(broken), "IMPORT-FORMAT", f"broken.{kind}")


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_office_package_with_a_damaged_part(tmp_path, kind):
    path = tmp_path / f"whole.{kind}"
    (write_docx if kind == "docx" else write_xlsx)(variant_blocks("national"), path)
    part = "word/document.xml" if kind == "docx" else "xl/worksheets/sheet1.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, b"<not xml" if item.filename == part else data)
    broken = tmp_path / f"damaged.{kind}"
    broken.write_bytes(out.getvalue())
    assert_refused(run(broken), "IMPORT-FORMAT", f"damaged.{kind}")


def test_old_binary_office_format_without_libreoffice(tmp_path, monkeypatch):
    import engine.importers.legacy as legacy

    monkeypatch.setattr(legacy, "soffice", lambda: None)
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert_refused(run(path), "IMPORT-TOOL", "旧版 Excel", "libreoffice-calc", "另存为")
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert_refused(run(doc), "IMPORT-TOOL", "旧版 Word", "libreoffice-writer")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("\n\n", encoding="utf-8")
    assert_refused(run(path), "EMPTY", "empty.txt")


def test_missing_file_and_directory(tmp_path):
    assert_refused(run(tmp_path / "nope.txt"), "FILE", "nope.txt", "没有这个文件")
    result = run(tmp_path)  # a folder is imported only into a folder
    assert result.exit_code == 2 and "--out DIR" in result.stderr and "Traceback" not in result.stderr


def test_text_that_is_not_a_filing(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("明天上午开会。\n\t甲\t乙\n", encoding="utf-8")
    assert_refused(run(path), "IMPORT-EMPTY", "notes.txt")


def test_undecodable_text(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes("绩效自评表".encode("utf-8") + b"\xff\xfe\xfa\x81\x30")
    assert_refused(run(path), "ENCODING", "bad.txt")



def test_gbk_text_is_read(tmp_path):
    path = tmp_path / "gbk.txt"
    text = SEED_TEXT.read_text(encoding="utf-8").replace("≧", "≥")  # ≧ is not in GBK
    path.write_bytes(text.encode("gb18030"))
    result = run(path)
    assert result.exit_code == 0, result.stderr
    assert "株洲市渌口区工商业联合会" in result.stdout
