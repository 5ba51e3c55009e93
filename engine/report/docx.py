"""Word reporter: the department report as a .docx, with real headings and tables.

Same content and wording as the Markdown and HTML reports (engine/report/common.py). The page,
styles, document properties and footer are set through python-docx on its default template; the
body (headings, paragraphs, tables) is written as WordprocessingML text in one pass and parsed
once, because building it through python-docx's object API (a style lookup by name per paragraph,
the cell grid rebuilt on each access) cost ~300 ms per report. The XML is the same python-docx
wrote: tests/test_docx_fast.py compares it, element for element, with tests/docx_reference.py,
the former API-built writer. Case text is XML-escaped here, so markup in it stays text;
characters XML cannot hold at all (control characters a YAML "\\v" escape can produce) are shown
as U+FFFD (common.xml_safe).
"""

from __future__ import annotations

import datetime
import io
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..result import Result
from .common import context, xml_safe

BODY_FONT = "宋体"  # East Asian fonts Word substitutes sensibly where missing
HEADING_FONT = "黑体"
SECTION_WIDTHS_MM = (10, 54, 22, 22, 12, 15, 15, 20)  # SECTION_COLUMNS; 170 mm of A4 text width
TABLE_FONT_HALF_POINTS = 18  # 9 pt
SHADE_HEAD = "E8ECF2"
SHADE_LOST = "FCEDEA"
SHADE_SUBTOTAL = "F2F3F5"
# Style ids of the default template's styles (python-docx's names "Title", "Heading 1", "List Bullet")
HEADING_STYLES = ("Title", "Heading1", "Heading2", "Heading3")
LIST_BULLET = "ListBullet"
SPACE_2PT, SPACE_4PT = Pt(2).twips, Pt(4).twips
INDENT_6MM = Mm(6).twips

TABLE_PROPERTIES = (
    '<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
    '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
    'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>')
RUN_BOLD = "<w:rPr><w:b/></w:rPr>"


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


def _run_content(text: str) -> str:
    """A run's content as python-docx writes it: text in <w:t> (space-preserving when it begins
    or ends with white space), a tab as <w:tab/>, a line break (\\n or \\r) as <w:br/>."""
    text = xml_safe(text)
    if "\t" not in text and "\n" not in text and "\r" not in text:
        return _t(text) if text else ""
    parts, buffer = [], []
    for char in text:
        if char == "\t" or char in "\r\n":
            if buffer:
                parts.append(_t("".join(buffer)))
                buffer.clear()
            parts.append("<w:tab/>" if char == "\t" else "<w:br/>")
        else:
            buffer.append(char)
    if buffer:
        parts.append(_t("".join(buffer)))
    return "".join(parts)


def _t(text: str) -> str:
    if len(text.strip()) < len(text):
        return f'<w:t xml:space="preserve">{escape(text)}</w:t>'
    return f"<w:t>{escape(text)}</w:t>"


def _run(text: str, properties: str = "") -> str:
    return f"<w:r>{properties}{_run_content(text)}</w:r>"


class _Body:
    """The document body as WordprocessingML text, in the order python-docx would append it."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def paragraph(self, runs: str = "", properties: str = "") -> None:
        self.parts.append(f"<w:p>{'<w:pPr>' + properties + '</w:pPr>' if properties else ''}{runs}</w:p>")

    def text(self, text: str, style: str | None = None) -> None:
        """doc.add_paragraph(text, style): one run when there is text."""
        self.paragraph(_run(text) if text else "", f'<w:pStyle w:val="{style}"/>' if style else "")

    def heading(self, text: str, level: int) -> None:
        self.text(text, HEADING_STYLES[level])

    def labelled(self, label: str, text: str, indent: bool = False) -> None:
        spacing = f'<w:spacing w:after="{SPACE_2PT}"/>' + (f'<w:ind w:left="{INDENT_6MM}"/>' if indent else "")
        self.paragraph(_run(label + "：", RUN_BOLD) + _run(text), spacing)

    def table(self, header: tuple[str, ...] | None, rows, widths_mm, numeric=frozenset()) -> None:
        """A Word table with an optional shaded header row (repeated on each page); `rows` are
        (cells, style) pairs, style "lost" or "subtotal" shading the row."""
        twips = [Mm(width).twips for width in widths_mm]
        names = header or ("",) * len(widths_mm)
        right = [name in numeric for name in names]
        out = [f"<w:tbl>{TABLE_PROPERTIES}<w:tblGrid>",
               "".join(f'<w:gridCol w:w="{w}"/>' for w in twips), "</w:tblGrid>"]
        if header:
            out.append('<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>')
            out.extend(_cell(name, twips[i], True, right[i], SHADE_HEAD) for i, name in enumerate(header))
            out.append("</w:tr>")
        for values, style in rows:
            fill = {"lost": SHADE_LOST, "subtotal": SHADE_SUBTOTAL}.get(style)
            out.append("<w:tr>")
            for i, (width, value) in enumerate(zip(twips, values)):
                label_column = header is None and i == 0
                out.append(_cell(value, width, style == "subtotal" or label_column, right[i],
                                 fill or (SHADE_HEAD if label_column else None)))
            out.append("</w:tr>")
        out.append("</w:tbl>")
        self.parts.append("".join(out))


def _cell(text: str, width: int, bold: bool, right: bool, fill: str | None) -> str:
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    align = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right else ""
    weight = "<w:b/>" if bold else '<w:b w:val="0"/>'
    return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{shade}</w:tcPr><w:p>{align}'
            f'<w:r><w:rPr>{weight}<w:sz w:val="{TABLE_FONT_HALF_POINTS}"/></w:rPr>{_run_content(text)}</w:r></w:p></w:tc>')


def _body(result: Result, ctx: dict) -> str:
    body = _Body()
    title = ctx["title"]  # doc.add_heading(title, level=0) with alignment: no run when there is no text
    body.paragraph(_run(title) if title else "", f'<w:pStyle w:val="{HEADING_STYLES[0]}"/><w:jc w:val="center"/>')
    body.paragraph(_run(f"{ctx['subtitle']}　评价日期：{ctx['date']}", RUN_BOLD), '<w:jc w:val="center"/>')
    body.paragraph(_run(ctx["status"], RUN_BOLD))
    for line in ctx["status_lines"]:
        body.text(line, LIST_BULLET)

    body.heading("一、结论", 1)
    body.table(("", "总分", "等级"), [(row, "") for row in ctx["summary_rows"]], (50, 40, 20), numeric={"总分"})
    body.text(ctx["summary_sentence"])
    if ctx["previous_sentence"]:
        body.text(ctx["previous_sentence"])

    body.heading("二、整改清单", 1)
    if not ctx["actions"]:
        body.text("没有需要整改的问题。")
    before = f'<w:spacing w:before="{SPACE_4PT}"/>'
    for a in ctx["actions"]:
        body.paragraph(_run(f"{a.number}. {a.title}", RUN_BOLD)
                       + _run(f"（{a.severity}{'，' + a.points if a.points else ''}{'，上年也有' if a.recurring else ''}）"),
                       before)
        body.labelled("涉及", a.where, indent=True)
        if a.todo:
            body.labelled("怎么改", a.todo, indent=True)

    body.heading("三、分项得分", 1)
    for section in ctx["sections"]:
        body.heading(section.title, 2)
        body.table(ctx["columns"], [(row.cells, row.style) for row in section.rows], SECTION_WIDTHS_MM,
                   numeric=ctx["numeric"])

    body.heading("四、得分说明", 1)
    for heading, items, empty in (("（一）规则扣分", ctx["explanations"], "规则没有扣分。"),
                                  ("（二）单位自评另扣或多给", ctx["self_explanations"], "单位自评与规则得分一致。")):
        body.heading(heading, 2)
        if not items:
            body.text(empty)
        for number, item in enumerate(items, 1):
            body.heading(f"{number}. {item.heading}", 3)
            for label, text in item.lines:
                body.labelled(label, text)
    if ctx["judged"]:
        body.heading("（三）没有分值的指标（只判断完成情况，不计分）", 2)
        for number, item in enumerate(ctx["judged_explanations"], 1):
            body.heading(f"{number}. {item.heading}", 3)
            for label, text in item.lines:
                body.labelled(label, text)
        if ctx["judged_met"]:
            body.text(ctx["judged_met"])

    body.heading("五、问题明细（按行）", 1)
    if not ctx["row_findings"]:
        body.text("未发现问题。")
    for group in ctx["row_findings"]:
        body.paragraph(_run(group.where, RUN_BOLD), before)
        for severity, heading, message in group.items:
            body.labelled(f"【{severity}】{heading}", message, indent=True)

    body.heading("附录：评分依据", 1)
    body.table(None, [((label, value), "") for label, value in ctx["appendix"]], (28, 142))
    body.heading("各项得分所用规则", 2)
    body.table(("行", "指标", "规则", "依据"), [(row, "") for row in ctx["rule_codes"]], (10, 50, 60, 50),
               numeric={"行"})
    if ctx["not_checkable_codes"]:
        body.heading("因材料缺项未进行的核对", 2)
        body.table(("缺少", "未进行的核对（规则）"), [(row, "") for row in ctx["not_checkable_codes"]], (50, 120))
    if ctx["finding_codes"]:
        body.heading("审核发现所依据的规则", 2)
        body.table(("涉及", "规则", "严重程度"), [(row, "") for row in ctx["finding_codes"]], (70, 80, 20))
    if ctx["passed"]:
        body.heading(f"已通过的核对（{len(ctx['passed'])} 项）", 2)
        for f in ctx["passed"]:
            body.text(f"{f.rule} {f.message}", LIST_BULLET)
    return "".join(body.parts)


def _insert_body(doc, body: str) -> None:
    """Put the body's XML before the body's section properties by parsing the whole main part
    once more with it spliced in. Parsing the body on its own and moving its elements into the
    document (what this did first) costs time quadratic in the size of each moved element in
    lxml: 2.5 s for one 1,000-row table, minutes for the largest accepted case."""
    from lxml import etree

    text = etree.tostring(doc.element, encoding="unicode")
    at = text.rfind("<w:sectPr")  # the body's own section properties: its last child
    if at < 0 or "</w:body>" not in text[at:]:
        raise ValueError("the template's document has no body-level w:sectPr")
    doc.part._element = parse_xml(text[:at] + body + text[at:])


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

    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = xml_safe(f"{result.unit} · {result.year} 年度 · 评价日期 {ctx['date']}")
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER

    _insert_body(doc, _body(result, ctx))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
