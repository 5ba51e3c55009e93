"""Write the test filings of `import_forms` (paragraphs `P` and merged grids `T`) as the other
formats people have: a saved web page, a PDF with a text layer, pipe / tab / one-cell-per-line
text. Each writer renders the same blocks, so each reader can be compared with the .docx one."""

from __future__ import annotations

import html
from pathlib import Path

from tests.import_forms import LEFT, UP, P, _rectangles


def write_html(blocks, path: Path, encoding: str = "gb2312", declare: bool = True) -> Path:
    parts = ["<html><head>"]
    if declare:
        parts.append(f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">')
    parts.append("<title>自评</title><style>td{border:1px solid}</style><script>var x='<table>';</script>")
    parts.append("</head><body><div class='nav'>首页 &gt; 信息公开</div>")
    for block in blocks:
        if isinstance(block, P):
            parts.append(f"<p>{html.escape(block.text)}</p>")
            continue
        # page layout around the data table: a table holding the table, as such pages do
        parts.append("<table class='layout'><tr><td><table border=1>")
        grid = block.grid
        spans = {(r, c): (h, w, t) for r, c, h, w, t in _rectangles(grid)}
        for r, row in enumerate(grid):
            parts.append("<tr>")
            for c in range(len(row)):
                if (r, c) not in spans:
                    continue
                h, w, text = spans[(r, c)]
                attrs = (f" rowspan={h}" if h > 1 else "") + (f" colspan='{w}'" if w > 1 else "")
                body = "<br>".join(html.escape(x) for x in text.split("\n")) or "&nbsp;"
                parts.append(f"<td{attrs}><span>{body}</span></td>")
            parts.append("</tr>")
        parts.append("</table></td></tr></table>")
    parts.append("</body></html>")
    path.write_bytes("".join(parts).encode("gb18030" if encoding.lower() in ("gb2312", "gbk") else encoding))
    return path


def cjk_font() -> str | None:
    """Register reportlab's built-in Chinese CID font (no font file needed) and return its name."""
    try:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    except ImportError:
        return None
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def write_pdf(blocks, path: Path, pages_of_padding: int = 0, ruled: bool = True) -> Path:
    """A PDF with a text layer: paragraphs, and grids drawn as ruled tables (SPAN for merges), or
    with `ruled=False` as text placed in columns without any line."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    font = cjk_font()
    style = ParagraphStyle("cjk", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    story = []
    for _ in range(pages_of_padding):
        story += [Paragraph("附页", style), PageBreak()]
    for block in blocks:
        if isinstance(block, P):
            story.append(Paragraph(html.escape(block.text), style))
            continue
        grid = block.grid
        data = [["" if t in (LEFT, UP) else t for t in row] for row in grid]
        commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)] if ruled else []
        commands += [("FONTNAME", (0, 0), (-1, -1), font),
                    ("FONTSIZE", (0, 0), (-1, -1), 7), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        for r, c, h, w, _text in _rectangles(grid):
            if h > 1 or w > 1:
                commands.append(("SPAN", (c, r), (c + w - 1, r + h - 1)))
        table = Table(data, style=TableStyle(commands), repeatRows=0)
        story.append(table)
    SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=20, rightMargin=20).build(story)
    return path


def _logical_rows(grid):
    """Each row's cells as text with merged continuations dropped (what a text copy shows)."""
    for row in grid:
        yield [("" if t == UP else t.replace("\n", "")) for t in row if t != LEFT]


def write_pipe(blocks, path: Path) -> Path:
    lines = []
    for block in blocks:
        if isinstance(block, P):
            lines += [block.text, ""]
            continue
        for cells in _logical_rows(block.grid):
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_tsv(blocks, path: Path) -> Path:
    lines = []
    for block in blocks:
        if isinstance(block, P):
            lines.append(block.text)
            continue
        for cells in _logical_rows(block.grid):
            lines.append("\t".join(cells))
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_cell_lines(blocks, path: Path, terminator: str = " |") -> Path:
    """One cell per line (as text extracted from a disclosure page): merged cells vanish."""
    lines = []
    for block in blocks:
        if isinstance(block, P):
            lines.append(block.text)
            continue
        for row in block.grid:
            for t in row:
                if t in (LEFT, UP):
                    continue
                lines.append(t.replace("\n", "") + terminator)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
