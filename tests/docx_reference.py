"""The Word report as python-docx builds it through its object API, element by element: the
reference the fast writer (engine/report/docx.py) is compared with in tests/test_docx_fast.py.
It is the former engine/report/docx.py, kept unchanged apart from its imports.
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
from docx.shared import Mm, Pt

from engine.result import Result
from engine.report.common import context, xml_safe

BODY_FONT = "宋体"  # East Asian fonts Word substitutes sensibly where missing
HEADING_FONT = "黑体"
SECTION_WIDTHS_MM = (10, 54, 22, 22, 12, 15, 15, 20)  # SECTION_COLUMNS; 170 mm of A4 text width
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
    props.title, props.subject, props.author = xml_safe(ctx["title"]), xml_safe(ctx["subtitle"]), "jixiao"
    props.keywords = xml_safe(f"{result.pack_id} {result.pack_version}")
    props.created = props.modified = datetime.datetime.combine(date, datetime.time())
    props.last_modified_by = "jixiao"
    props.revision = 1

    doc.add_heading(xml_safe(ctx["title"]), level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    unit = doc.add_paragraph()
    unit.alignment = WD_ALIGN_PARAGRAPH.CENTER
    unit.add_run(xml_safe(f"{ctx['subtitle']}　评价日期：{ctx['date']}")).bold = True
    doc.add_paragraph().add_run(xml_safe(ctx["status"])).bold = True
    for line in ctx["status_lines"]:
        doc.add_paragraph(xml_safe(line), style="List Bullet")

    doc.add_heading("一、结论", level=1)
    _table(doc, ("", "总分", "等级"), [(row, "") for row in ctx["summary_rows"]], widths_mm=(50, 40, 20),
           numeric={"总分"})
    doc.add_paragraph(xml_safe(ctx["summary_sentence"]))
    if ctx["previous_sentence"]:
        doc.add_paragraph(xml_safe(ctx["previous_sentence"]))

    doc.add_heading("二、整改清单", level=1)
    if not ctx["actions"]:
        doc.add_paragraph("没有需要整改的问题。")
    for a in ctx["actions"]:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(4)
        paragraph.add_run(xml_safe(f"{a.number}. {a.title}")).bold = True
        paragraph.add_run(xml_safe(f"（{a.severity}{'，' + a.points if a.points else ''}{'，上年也有' if a.recurring else ''}）"))
        _labelled(doc, "涉及", a.where, indent_mm=6)
        if a.todo:
            _labelled(doc, "怎么改", a.todo, indent_mm=6)

    doc.add_heading("三、分项得分", level=1)
    for section in ctx["sections"]:
        doc.add_heading(xml_safe(section.title), level=2)
        _table(doc, ctx["columns"], [(row.cells, row.style) for row in section.rows],
               widths_mm=SECTION_WIDTHS_MM, numeric=ctx["numeric"])

    doc.add_heading("四、得分说明", level=1)
    for heading, items, empty in (("（一）规则扣分", ctx["explanations"], "规则没有扣分。"),
                                  ("（二）单位自评另扣或多给", ctx["self_explanations"], "单位自评与规则得分一致。")):
        doc.add_heading(heading, level=2)
        if not items:
            doc.add_paragraph(empty)
        for number, item in enumerate(items, 1):
            doc.add_heading(xml_safe(f"{number}. {item.heading}"), level=3)
            for label, text in item.lines:
                _labelled(doc, label, text)

    doc.add_heading("五、问题明细（按行）", level=1)
    if not ctx["row_findings"]:
        doc.add_paragraph("未发现问题。")
    for group in ctx["row_findings"]:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(4)
        paragraph.add_run(xml_safe(group.where)).bold = True
        for severity, heading, message in group.items:
            _labelled(doc, f"【{severity}】{heading}", message, indent_mm=6)

    doc.add_heading("附录：评分依据", level=1)
    _table(doc, None, [((label, value), "") for label, value in ctx["appendix"]], widths_mm=(28, 142))
    doc.add_heading("各项得分所用规则", level=2)
    _table(doc, ("行", "指标", "规则", "依据"), [(row, "") for row in ctx["rule_codes"]], widths_mm=(10, 50, 60, 50),
           numeric={"行"})
    if ctx["not_checkable_codes"]:
        doc.add_heading("因材料缺项未进行的核对", level=2)
        _table(doc, ("缺少", "未进行的核对（规则）"), [(row, "") for row in ctx["not_checkable_codes"]], widths_mm=(50, 120))
    if ctx["finding_codes"]:
        doc.add_heading("审核发现所依据的规则", level=2)
        _table(doc, ("涉及", "规则", "严重程度"), [(row, "") for row in ctx["finding_codes"]], widths_mm=(70, 80, 20))
    if ctx["passed"]:
        doc.add_heading(f"已通过的核对（{len(ctx['passed'])} 项）", level=2)
        for f in ctx["passed"]:
            doc.add_paragraph(xml_safe(f"{f.rule} {f.message}"), style="List Bullet")

    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = xml_safe(f"{result.unit} · {result.year} 年度 · 评价日期 {ctx['date']}")
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

