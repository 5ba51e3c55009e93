"""Word reporter: the department report as a .docx (python-docx), with real headings and tables.

Same content and wording as the Markdown and HTML reports (engine/report/common.py). python-docx
writes text as XML text, so markup in case text stays text; characters XML cannot hold at all
(control characters a YAML "\\v" escape can produce) are shown as U+FFFD (common.xml_safe).
"""

from __future__ import annotations

import datetime
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..result import Result
from .common import context, xml_safe

BODY_FONT = "宋体"  # East Asian fonts Word substitutes sensibly where missing
HEADING_FONT = "黑体"
NUMERIC = {"行", "分值", "规则得分", "自评得分", "差异"}
SECTION_WIDTHS_MM = (10, 44, 20, 20, 11, 15, 15, 15, 20)  # SECTION_COLUMNS; 170 mm of A4 text width
TABLE_FONT = Pt(9)
SHADE_HEAD = "E8ECF2"
SHADE_LOST = "FCEDEA"
SHADE_SUBTOTAL = "F2F3F5"

def _east_asian(style, font: str) -> None:
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def _setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(18), Mm(18)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    _east_asian(normal, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        _east_asian(doc.styles[name], HEADING_FONT)


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat_header(row) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _cell(cell, text: str, bold: bool = False, right: bool = False, fill: str | None = None) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(xml_safe(text))
    run.bold = bold
    run.font.size = TABLE_FONT
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if fill:
        _shade(cell, fill)


def _table(doc, header: tuple[str, ...] | None, rows, widths_mm=None, numeric=frozenset()):
    """A Word table with an optional shaded header row (repeated on each page); `rows` are
    (cells, style) pairs, style "lost" or "subtotal" shading the row."""
    table = doc.add_table(rows=0, cols=len(header) if header else len(rows[0][0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    names = header or ("",) * len(rows[0][0])
    if header:
        cells = table.add_row().cells
        for cell, name in zip(cells, header):
            _cell(cell, name, bold=True, right=name in numeric, fill=SHADE_HEAD)
        _repeat_header(table.rows[0])
    for values, style in rows:
        cells = table.add_row().cells
        fill = {"lost": SHADE_LOST, "subtotal": SHADE_SUBTOTAL}.get(style)
        for i, (cell, value) in enumerate(zip(cells, values)):
            label_column = header is None and i == 0
            _cell(cell, value, bold=style == "subtotal" or label_column, right=names[i] in numeric,
                  fill=fill or (SHADE_HEAD if label_column else None))
    if widths_mm:
        table.autofit = False
        for column, width in zip(table.columns, widths_mm):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)
    return table


def _labelled(doc, label: str, text: str, indent_mm: float = 0):
    paragraph = doc.add_paragraph()
    if indent_mm:
        paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.add_run(xml_safe(label) + "：").bold = True
    paragraph.add_run(xml_safe(text))
    return paragraph


def render(result: Result, date: datetime.date) -> bytes:
    ctx = context(result, date)
    doc = Document()
    _setup(doc)
    props = doc.core_properties
    props.title, props.subject, props.author = xml_safe(ctx["title"]), xml_safe(result.unit), "jixiao"
    props.keywords = xml_safe(f"{result.pack_id} {result.pack_version}")
    props.created = props.modified = datetime.datetime.combine(date, datetime.time())
    props.last_modified_by = "jixiao"
    props.revision = 1

    doc.add_heading(xml_safe(ctx["title"]), level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph().add_run(xml_safe(ctx["status"])).bold = True
    for line in ctx["status_lines"]:
        doc.add_paragraph(xml_safe(line), style="List Bullet")
    unit = doc.add_paragraph()
    unit.alignment = WD_ALIGN_PARAGRAPH.CENTER
    unit.add_run(xml_safe(result.unit)).bold = True
    _table(doc, None, [((label, value), "") for label, value in ctx["title_block"]], widths_mm=(28, 142))

    doc.add_heading("一、评分结论", level=1)
    _table(doc, ("", "总分", "等级"), [(row, "") for row in ctx["summary_rows"]], widths_mm=(50, 40, 20),
           numeric={"总分"})
    doc.add_paragraph(xml_safe(ctx["summary_sentence"]))

    doc.add_heading("二、分项得分", level=1)
    for section in ctx["sections"]:
        doc.add_heading(xml_safe(section.title), level=2)
        _table(doc, ctx["columns"], [(row.cells, row.style) for row in section.rows],
               widths_mm=SECTION_WIDTHS_MM, numeric=NUMERIC)

    doc.add_heading("三、扣分说明", level=1)
    if not ctx["explanations"]:
        doc.add_paragraph("没有扣分项。")
    for number, item in enumerate(ctx["explanations"], 1):
        doc.add_heading(xml_safe(f"{number}. {item.heading}"), level=2)
        for label, text in item.lines:
            _labelled(doc, label, text)

    doc.add_heading("四、审核发现的问题", level=1)
    for severity, label, found in ctx["findings"]:
        heading = doc.add_heading(f"{label}（{len(found)} 项）", level=2)
        heading.runs[0].font.color.rgb = RGBColor.from_string(
            {"error": "B3261E", "warning": "8A5300", "info": "1F5F7A"}[severity])
        if not found:
            doc.add_paragraph("无。")
        for number, f in enumerate(found, 1):
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.space_before = Pt(4)
            paragraph.add_run(xml_safe(f"{number}. {f.rule} {f.title}")).bold = True
            paragraph.add_run(xml_safe(f"——{ctx['where'](f)}"))
            _labelled(doc, "说明", f.message, indent_mm=6)
            if f.fix:
                _labelled(doc, "修改建议", f.fix, indent_mm=6)
            if f.citation:
                _labelled(doc, "依据", f.citation, indent_mm=6)
    if ctx["passed"]:
        doc.add_heading(f"已通过的核对（{len(ctx['passed'])} 项）", level=2)
        for f in ctx["passed"]:
            doc.add_paragraph(xml_safe(f"{f.rule} {f.message}"), style="List Bullet")

    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = xml_safe(f"{result.unit} · {result.year} 年度 · 规则包 {result.pack_id} v{result.pack_version}"
                        f"（sha256:{result.pack_sha256[:12]}）· 评价日期 {date.isoformat()}")
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

