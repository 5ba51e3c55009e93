"""Every reader reads the same filing as the .docx reader does: web pages, PDF, text variants,
old Office files through LibreOffice, scans through Tesseract; and what it cannot be sure of is
in the review list with where it was read and what to do."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.importers import import_file, import_filings, read_source
from tests.import_forms import P, T, variant_blocks, write_docx, write_xlsx
from tests.import_writers import write_cell_lines, write_html, write_pdf, write_pipe, write_tsv

LAYOUTS = ["national", "weight_first", "quanzhong", "nature_unit"]


def _same_reading(path: Path, reference: Path):
    got, ref = import_file(path), import_file(reference)
    se, rse = got.case["self_evaluation"], ref.case["self_evaluation"]
    assert se["indicators"] == rse["indicators"]
    assert se["budget"] == rse["budget"]
    assert se["total"] == rse["total"]
    assert se["goal"] == rse["goal"]
    assert got.case["report"]["statements"] == ref.case["report"]["statements"]
    return got, ref


@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_page_reads_like_the_docx(tmp_path, layout):
    blocks = variant_blocks(layout)
    got, ref = _same_reading(write_html(blocks, tmp_path / "page.html"), write_docx(blocks, tmp_path / "a.docx"))
    assert got.source.kind == "html" and got.found["layout"] == ref.found["layout"]


@pytest.mark.parametrize("encoding,declare", [("gb2312", True), ("gbk", False), ("utf-8", False)])
def test_html_encodings_declared_or_not(tmp_path, encoding, declare):
    blocks = variant_blocks("national")
    path = write_html(blocks, tmp_path / "page.htm", encoding=encoding, declare=declare)
    result = import_file(path)
    assert result.case["unit"] == "某某区农业农村局"
    assert result.case["self_evaluation"]["indicators"][0]["groups"][0]["rows"][0]["name"] == "培训人次"


def test_html_rowspan_gives_merged_cells_with_positions(tmp_path):
    source = read_source(write_html(variant_blocks("national"), tmp_path / "p.html"))
    merged = [c for r in source.rows for c in r.cells if c.merged]
    assert merged and all(c.pos is not None and c.pos[1] == 1 for c in merged)
    # the script's "<table>" text and the navigation line are not tables; the layout table is not one
    assert source.tables == 1
    assert any(r.text == "首页 > 信息公开" for r in source.rows if r.table is None)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_pdf_with_text_layer_reads_like_the_docx(tmp_path, layout):
    blocks = variant_blocks(layout)
    got, _ref = _same_reading(write_pdf(blocks, tmp_path / "a.pdf"), write_docx(blocks, tmp_path / "a.docx"))
    assert got.source.kind == "pdf"
    rows = [r for r in got.source.rows if r.table is not None]
    assert all(r.pos[0] == 1 for r in rows)  # page numbers kept


def test_pdf_table_continued_on_the_next_page_is_one_table(tmp_path):
    blocks = variant_blocks("quanzhong")  # level cells repeated on every row: rows can split across pages
    grid = blocks[2].grid
    # 60 more indicator rows push the table over a page break
    extra = [[*row] for row in grid[-2:-1]] * 60
    long_grid = grid[:-1] + extra + grid[-1:]
    result = import_file(write_pdf([blocks[0], blocks[1], T(long_grid)], tmp_path / "long.pdf"))
    pages = {r.pos[0] for r in result.source.rows if r.table == 0}
    assert len(pages) >= 2
    assert result.source.tables == 1
    assert result.found["self_rows"] >= 60


def test_pdf_without_text_layer_says_it_is_a_scan(tmp_path, monkeypatch):
    from reportlab.pdfgen import canvas

    import engine.importers.ocr as ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 200, 100, fill=1)  # drawn, no text
    c.showPage()
    c.save()
    result = CliRunner().invoke(main, ["import", str(path)])
    assert result.exit_code == 2
    assert "E-IMPORT-SCAN" in result.stderr and "没有文字层" in result.stderr and "tesseract-ocr" in result.stderr


@pytest.mark.parametrize("writer", [write_pipe, write_tsv, write_cell_lines], ids=["pipe", "tsv", "cell-lines"])
def test_text_variants_read_the_indicators(tmp_path, writer):
    blocks = variant_blocks("national")
    got = import_file(writer(blocks, tmp_path / "copy.txt"))
    ref = import_file(write_docx(blocks, tmp_path / "a.docx"))
    assert got.case["self_evaluation"]["indicators"] == ref.case["self_evaluation"]["indicators"]
    assert got.case["self_evaluation"]["total"] == ref.case["self_evaluation"]["total"]


def test_markdown_table_with_separator_line(tmp_path):
    text = "\n".join([
        "2023年项目支出绩效自评表",
        "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |",
        "|---|---|---|:---:|---|---|---|---|",
        "| 产出指标 | 数量指标 | 培训人次 | ≥300人次 | 320人次 | 15 | 15 | |",
        "| | 成本指标 | 培训成本 | ≤6万元 | 5.8万元 | 10 | 10 | |",
        "| 总分 | | | | | 25 | 25 | |",
    ])
    path = tmp_path / "table.md"
    path.write_text(text, encoding="utf-8")
    result = import_file(path)
    rows = [r for b in result.case["self_evaluation"]["indicators"] for g in b["groups"] for r in g["rows"]]
    assert [(r["name"], r["target"], r["actual"], str(r["weight"])) for r in rows] == [
        ("培训人次", "≥300人次", "320人次", "15"), ("培训成本", "≤6万元", "5.8万元", "10")]
    assert result.case["project"] if "project" in result.case else True


def test_run_on_text_sends_every_figure_to_review(tmp_path):
    text = ("2022年项目支出绩效自评表\n"
            "绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 "
            "产出指标(50分) 数量指标 基建工程委托业务项目数量 ≥50个 50个 8 8 无 "
            "质量指标 委托业务报告合格率 ≥100% 100% 8 8 无\n")
    path = tmp_path / "runon.txt"
    path.write_text(text, encoding="utf-8")
    result = import_file(path)
    rows = [r for b in result.case["self_evaluation"]["indicators"] for g in b["groups"] for r in g["rows"]]
    assert [r["name"] for r in rows] == ["基建工程委托业务项目数量", "委托业务报告合格率"]
    doubted = [r for r in result.review if "连写" in r["reason"]]
    fields = {r["field"] for r in doubted}
    assert any(f.endswith("rows[0].weight") for f in fields) and any(f.endswith("groups[1].rows[0].target") for f in fields)
    assert all(r["action"] and r["where"]["file"] == "runon.txt" for r in doubted)


def test_review_items_have_an_action_and_where(tmp_path):
    blocks = variant_blocks("nature_unit")
    result = import_file(write_html(blocks, tmp_path / "p.html"))
    assert result.review
    for item in result.review:
        assert item["action"]
    located = [r for r in result.review if "where" in r and "table" in r["where"]]
    assert located and all({"file", "table", "row"} <= r["where"].keys() for r in located)


def test_two_projects_in_one_file_become_two_cases(tmp_path):
    blocks = variant_blocks("national")
    second = [P("2023年项目支出绩效自评表"), P("（2023年度）"), T(blocks[2].grid)]
    path = write_html(blocks[:3] + second, tmp_path / "two.html")
    results = import_filings(path)
    assert len(results) == 2
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["import", str(path), "--out", str(out)])
    assert run.exit_code == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["two-2.yaml", "two.yaml"]


def test_layout_families_are_recognised():
    from engine.importers.common import build_case
    from engine.importers.lines import parse_lines

    def layout(header: str, row: str, title: str = "2023年项目支出绩效自评表") -> str:
        return build_case(parse_lines(f"{title}\n{header}\n{row}\n", "x.txt"), year=2023).found["layout"]

    assert layout("| 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 权重 | 实际完成值 | 得分 |",
                  "| 产出指标 | 数量指标 | 培训人次 | ≥ | 300 | 人次 | 15 | 320 | 15 |") == "sichuan"
    assert layout("| 指标名称 | 是否核心指标 | 指标值 | 调整指标值 | 完成值 | 得分系数(%) | 指标权重 | 指标得分 |",
                  "| 培训人次 | 是 | ≥300人次 | | 320人次 | 100% | 10 | 10 |") == "chongqing"
    assert layout("| 一级指标 | 二级指标 | 三级指标 | 分值 | 评分标准 | 自评得分 |",
                  "| 投入 | 预算配置 | 在职人员控制率 | 3 | ≤100%得满分 | 3 |") == "scoresheet"
    assert layout("| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 |",
                  "| 产出指标 | 数量指标 | 培训人次 | ≥300人次 | 320人次 |") == "no-scores"
    assert layout("| 一级指标 | 二级指标 | 三级指标 | 分值 | 年度指标值 | 实际完成值 | 得分 |",
                  "| 产出指标(50分) | 数量指标 | ★新建灌溉渠 | 10 | ≥2.5公里 | 2.6公里 | 10 |") == "weight-first"


# -- old Office files through LibreOffice ---------------------------------------------------------

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) not installed: `make tools` installs it")


def _to_legacy(path: Path, target: str) -> Path:
    out = path.parent / "legacy"
    profile = (path.parent / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    return out / (path.stem + "." + target)


@needs_soffice
def test_old_doc_is_converted_and_read(tmp_path):
    blocks = variant_blocks("national")
    docx_path = write_docx(blocks, tmp_path / "form.docx")
    doc = _to_legacy(docx_path, "doc")
    got = import_file(doc)
    assert got.source.via == "LibreOffice 转换"
    ref = import_file(docx_path)
    assert got.case["self_evaluation"]["indicators"] == ref.case["self_evaluation"]["indicators"]


@needs_soffice
def test_old_xls_is_converted_and_read(tmp_path):
    blocks = variant_blocks("quanzhong")
    xlsx_path = write_xlsx(blocks, tmp_path / "form.xlsx")
    xls = _to_legacy(xlsx_path, "xls")
    got = import_file(xls)
    ref = import_file(xlsx_path)
    assert got.case["self_evaluation"]["indicators"] == ref.case["self_evaluation"]["indicators"]


# -- scans through Tesseract ------------------------------------------------------------------------

def _ocr_ready() -> bool:
    from engine.importers.ocr import available

    return available() and shutil.which("pdftoppm") is not None


needs_ocr = pytest.mark.skipif(not _ocr_ready(), reason="Tesseract with chi_sim or pdftoppm not installed: "
                                                        "`make tools` installs them")
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _scan(path: Path, lines: list[list[str]]) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(CJK_FONT, 40)
    image = Image.new("L", (2400, 120 + 90 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    xs = [60, 420, 820, 1300, 1700, 2000, 2200]
    for r, cells in enumerate(lines):
        for x, text in zip(xs, cells):
            draw.text((x, 60 + 90 * r), text, fill=0, font=font)
    image.save(path)
    return path


@needs_ocr
@pytest.mark.skipif(not os.path.exists(CJK_FONT), reason="fonts-noto-cjk not installed (to draw the test scan)")
def test_scanned_image_every_cell_to_review_and_damage_flagged(tmp_path):
    path = _scan(tmp_path / "scan.png", [
        ["2023年项目支出绩效自评表"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "培训人次", "290%", "95%", "10", "10"],
    ])
    result = import_file(path, year=2023)
    assert result.source.via == "OCR"
    rows = [r for b in result.case["self_evaluation"]["indicators"] for g in b["groups"] for r in g["rows"]]
    assert rows, result.review
    ocr_items = [r for r in result.review if "OCR" in r["reason"]]
    assert any(r["field"].endswith(".weight") for r in ocr_items)
    assert any("290%" in r["reason"] and "≥90%" in r["reason"] for r in result.review)


@needs_ocr
@pytest.mark.skipif(not os.path.exists(CJK_FONT), reason="fonts-noto-cjk not installed (to draw the test scan)")
def test_scanned_pdf_goes_to_ocr(tmp_path):
    from PIL import Image

    png = _scan(tmp_path / "page.png", [
        ["2023年项目支出绩效自评表"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "培训人次", "≥300人次", "320人次", "10", "10"],
    ])
    pdf = tmp_path / "scan.pdf"
    Image.open(png).convert("RGB").save(pdf, resolution=200)
    result = import_file(pdf, year=2023)
    assert result.source.via == "OCR" and any("OCR" in r["reason"] for r in result.review)


# -- folders and the score command --------------------------------------------------------------


def test_import_folder_summary_and_a_failed_file_does_not_stop_the_rest(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    blocks = variant_blocks("national")
    write_html(blocks, src / "a.html")
    write_pipe(blocks, src / "sub" / "b.txt")
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (src / ".hidden.txt").write_text("x", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["import", str(src), "--out", str(out)])
    assert result.exit_code == 1, result.stderr
    assert (out / "a.yaml").is_file() and (out / "sub" / "b.yaml").is_file()
    assert "[3/3]" in result.stderr and "失败 1 个" in result.stderr and "读入 2 个" in result.stderr
    summary = (out / "import-summary.csv").read_text(encoding="utf-8-sig")
    assert "broken.pdf" in summary and "失败" in summary and "Traceback" not in result.stderr
    for case in ("a.yaml", "sub/b.yaml"):  # what import writes scores
        scored = CliRunner().invoke(main, ["score", str(out / case)])
        assert scored.exit_code == 0, scored.stderr


@pytest.mark.parametrize("make", ["xlsx", "docx", "html", "pdf"])
def test_score_of_a_filing_says_import_it_first(tmp_path, make):
    blocks = variant_blocks("national")
    writers = {"xlsx": write_xlsx, "docx": write_docx, "html": write_html, "pdf": write_pdf}
    path = writers[make](blocks, tmp_path / f"form.{make}")
    result = CliRunner().invoke(main, ["score", str(path)])
    assert result.exit_code == 2
    assert "E-NOT-A-CASE" in result.stderr and "jixiao import" in result.stderr
    assert "UTF-8" not in result.stderr


def test_run_on_text_of_a_document_mirror():
    """A whole project form run together with single spaces (as document-sharing mirrors give it;
    made-up figures): every row lands in its columns although blank 偏差原因 cells vanished, the
    budget row is read, 成本指标 is a level-2 group under 产出指标, and every figure is to review."""
    from tests.conftest import ROOT

    result = import_file(ROOT / "tests" / "fixtures" / "import-runon-mirror.txt")
    se = result.case["self_evaluation"]
    rows = [(b["level1"], g["level2"], r["name"], r["target"], r["actual"], str(r["weight"]), str(r["score"]))
            for b in se["indicators"] for g in b["groups"] for r in g["rows"]]
    assert rows == [
        ("产出指标", "数量指标", "维护道路长度", "≥12公里", "12.5公里", "20", "20"),
        ("产出指标", "质量指标", "验收合格率", "≥95%", "100%", "10", "10"),
        ("产出指标", "时效指标", "完成及时性", "年底前完成", "达成预期指标", "10", "10"),
        ("产出指标", "成本指标", "项目总成本", "≤60万元", "58.5万元", "10", "10"),
        ("效益指标", "社会效益指标", "群众出行便利程度", "明显改善", "达成预期指标", "30", "28"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "96%", "10", "10"),
    ]
    assert [str(se["budget"][k]) for k in ("full_year", "executed", "rate")] == ["60", "58.5", "97.5%"]
    assert [str(v) for v in se["total"].values()] == ["100", "97.75"]
    doubted = {r["field"] for r in result.review if "连写" in r["reason"]}
    assert len([f for f in doubted if f.endswith(".score") and ".rows[" in f]) == 6
    assert "self_evaluation.total.score" in doubted
    assert len([f for f in doubted if f.endswith(".weight") and ".rows[" in f]) == 6


def test_more_layout_families():
    from engine.importers.common import build_case
    from engine.importers.lines import parse_lines

    def read(text: str):
        return build_case(parse_lines(text, "x.txt"), year=2023)

    twenty = read("2023年项目支出绩效自评表\n"
                  "| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
                  "| 年度目标1:(80分) | 产出指标 | 数量指标 | 维修道路长度 | ≥3公里 | 3.2公里 | | 20 |\n")
    assert twenty.found["layout"] == "20+80"
    fujian = read("2023年项目支出绩效自评表\n"
                  "| 项目资金 | ①年初预算 | ②上年结转 | ③预算调整 | ④全年预算 | ⑤执行数 | ⑥执行率 | ⑦结余 | ⑧结余率 |\n"
                  "| 年度资金总额 | 50 | 5 | 0 | 55 | 52 | 94.55% | 3 | 5.45% |\n"
                  "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
                  "| 产出指标 | 数量指标 | 培训人次 | ≥300人次 | 320人次 | 10 | 10 |\n")
    assert fujian.found["layout"] == "fujian"
    budget = fujian.case["self_evaluation"]["budget"]
    assert str(budget["executed"]) == "52" and str(budget["full_year"]) == "55"
    unfilled = read("2023年项目支出绩效自评表\n"
                    "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
                    "| 产出指标 | 数量指标 | 结合自评情况，说明… | | | | |\n")
    assert unfilled.found["layout"] == "unfilled"
    narrative = read("某某局2023年度部门整体支出绩效自评报告\n一、基本情况\n2023年度总支出114万元。\n")
    assert narrative.found["layout"] == "narrative"


def test_pdf_table_without_ruling_lines_is_read_by_position(tmp_path):
    """Text placed in columns with no line drawn: cells by the gaps between words, a header
    written over two lines ("年度" above "指标值") merged by column."""
    blocks = variant_blocks("quanzhong")
    got = import_file(write_pdf(blocks, tmp_path / "unruled.pdf", ruled=False))
    ref = import_file(write_docx(blocks, tmp_path / "a.docx"))
    assert got.case["self_evaluation"]["indicators"] == ref.case["self_evaluation"]["indicators"]
    assert got.case["self_evaluation"]["budget"]["executed"] == ref.case["self_evaluation"]["budget"]["executed"]


def test_mirror_text_glosses_dropped_and_traditional_labels_read():
    """A mirror's traditional-character copy with pinyin glosses ("項(xiàng)目"): labels are read
    through the traditional characters, the glosses (not the filing's) are dropped from the text."""
    from engine.importers.common import build_case
    from engine.importers.lines import parse_lines

    text = ("| 2020年度項(xiàng)目支出績效自評表 |\n"
            "| 一級指標(biāo) | 二級指標(biāo) | 三級指標(biāo) | 年度指標(biāo)值 | 實(shí)際完成值 | 分值 | 得分 |\n"
            "| 產(chǎn)出指標(biāo) | 數(shù)量指標(biāo) | 項(xiàng)目驗(yàn)收合格率 | 100% | 100% | 20 | 19 |\n")
    result = build_case(parse_lines(text, "mirror.txt"))
    rows = [r for b in result.case["self_evaluation"]["indicators"] for g in b["groups"] for r in g["rows"]]
    assert [(r["name"], r["target"], str(r["weight"]), str(r["score"])) for r in rows] == [
        ("項目驗收合格率", "100%", "20", "19")]
    assert any("拼音" in note for note in result.source.notes)


def test_table_without_its_header_read_under_sichuan_columns_all_to_review():
    from engine.importers.common import build_case
    from engine.importers.lines import parse_lines

    text = ("2023年项目支出绩效自评表\n"
            "培训覆盖率 | = | 100 | % | 5 | ||||||\n"
            "成本指标 | 培训成本 | ≤ | 6 | 万元 | 10 | |||||\n")
    result = build_case(parse_lines(text, "cut.txt"), year=2023)
    rows = [r for b in result.case["self_evaluation"]["indicators"] for g in b["groups"] for r in g["rows"]]
    assert [(r["name"], r.get("nature"), r["target"], r.get("unit"), str(r["weight"])) for r in rows] == [
        ("培训覆盖率", "=", "100", "%", "5"), ("培训成本", "≤", "6", "万元", "10")]
    assert sum(1 for r in result.review if "表头不在文本中" in r["reason"]) >= 4
