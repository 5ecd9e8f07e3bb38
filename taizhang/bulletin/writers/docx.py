"""The bulletin as a Word file (python-docx), laid out as GB/T 9704 has a 简报 laid out.

A4; margins 37 mm top, 28 mm left, 26 mm right, 35 mm bottom (the 156 × 225 mm text
block); title 小标宋 2号 (22 pt), body 仿宋 3号 (16 pt) at 22 lines a page, headings 黑体 and
楷体 3号; the page number "— 1 —" (宋体 4号) at the outer edge: right on odd pages, left on even.
"""

from __future__ import annotations

import io
import re
from os import PathLike
from typing import IO, Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from taizhang.bulletin import document as doc
from taizhang.bulletin import fonts
from taizhang.bulletin.content import Content, Masthead

BODY_PT, TITLE_PT, TABLE_PT, PAGE_NUMBER_PT = 16, 22, 10.5, 14
LINE_PT = 28.9  # 225 mm ÷ 22 lines
RED = RGBColor(0xC0, 0x00, 0x00)
TEXT_WIDTH_MM = 156
TEXT_WIDTH_TWIPS = 156 * 1440 * 10 // 254  # 156 mm in twentieths of a point
TABLE_BODY, TABLE_HEAD = "BulletinTable", "BulletinTableHeading"  # names are the ids
# Characters XML 1.0 cannot hold (a ledger cell may carry one): dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _font(run: Any, role: str, size: float, *, bold: bool = False,
          color: RGBColor | None = None) -> None:
    name = fonts.DOCX[role]
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts_el = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts_el.set(qn(attr), name)


def _paragraph(document: Any, text: str, role: str = "body", size: float = BODY_PT, *,
               align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False,
               bold: bool = False, color: RGBColor | None = None) -> Any:
    paragraph = document.add_paragraph()
    form = paragraph.paragraph_format
    form.alignment = align
    form.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    form.line_spacing = Pt(max(LINE_PT, size * 1.25))
    form.space_before = form.space_after = Pt(0)
    if indent:
        form.first_line_indent = Pt(2 * size)
    _font(paragraph.add_run(text), role, size, bold=bold, color=color)
    return paragraph


def _red_rule(paragraph: Any) -> None:
    """The masthead's red line under the issuing office (a bottom border)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"),
                       ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    # Where the schema puts it: before the spacing and the alignment already set.
    paragraph._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")


def _masthead(document: Any, m: Masthead) -> None:
    _paragraph(document, m.title, "title", 36, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    _paragraph(document, m.number, "body", BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    line = _paragraph(document, f"{m.office}\u3000\u3000\u3000\u3000{m.date}", "body",
                      BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _red_rule(line)
    _paragraph(document, "", "body")


def _cell(text: str, width: int, style: str, size: str, align: str) -> str:
    text = escape(_NOT_XML.sub("", text))
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/>'
            f'</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="{align}"/></w:pPr>'
            f'<w:r>{size}<w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>')


def _table(document: Any, table: doc.Table) -> None:
    """The table as one piece of WordprocessingML, parsed once: python-docx's cell by cell
    API costs a tree walk per cell, and a red list of a big county has thousands of rows.
    Fonts come from two paragraph styles (_styles); the heading row repeats on every page."""
    caption = _paragraph(document, table.caption, "heading2", 12,
                         align=WD_ALIGN_PARAGRAPH.CENTER)
    caption.paragraph_format.keep_with_next = True
    weights = table.widths or [1.0] * len(table.header)
    widths = [int(TEXT_WIDTH_TWIPS * w / sum(weights)) for w in weights]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    # 小五 (9 pt, in half points) for the eight columns of a project table.
    size = '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>' if table.small else ""

    def row(values: list[str], style: str, head: bool = False) -> str:
        props = "<w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if head else "") + "</w:trPr>"
        cells = "".join(_cell(v, widths[c], style, size,
                              "left" if c and len(v) > 12 else "center")
                        for c, v in enumerate(values))
        return f"<w:tr>{props}{cells}</w:tr>"

    rows = [row(table.header, TABLE_HEAD, head=True), *(row(r, TABLE_BODY) for r in table.rows),
            *([row(table.total, TABLE_HEAD)] if table.total else [])]
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    # Children in the schema's order (tblW, jc, tblBorders, tblLayout): Word is strict.
    xml = (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
           f'<w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders>'
           f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
           + "".join(rows) + "</w:tbl>")
    document.element.body.sectPr.addprevious(parse_xml(xml))
    _paragraph(document, "", "body", TABLE_PT)


def _styles(document: Any) -> None:
    """The tables' paragraph styles: 仿宋 (body) and 黑体 (heading row, 合计), 五号, single."""
    for name, role in ((TABLE_BODY, "body"), (TABLE_HEAD, "heading1")):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.font.size = Pt(TABLE_PT)
        style.font.name = fonts.DOCX[role]
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"),
                                                              fonts.DOCX[role])
        form = style.paragraph_format
        form.space_before = form.space_after = Pt(0)
        form.line_spacing = 1.0
        form.first_line_indent = Pt(0)


def _page_number(footer: Any, align: Any) -> None:
    """"— N —" with a PAGE field."""
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    _font(paragraph.add_run("— "), "body", PAGE_NUMBER_PT)
    run = paragraph.add_run()
    _font(run, "body", PAGE_NUMBER_PT)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _font(paragraph.add_run(" —"), "body", PAGE_NUMBER_PT)


def _setup(document: Any) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)  # the number sits 7 mm below the text block
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    normal = document.styles["Normal"]
    normal.font.name = fonts.DOCX["body"]
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"),
                                                             fonts.DOCX["body"])


def write_docx(content: Content, target: str | PathLike[str] | IO[bytes], *,
               with_charts: bool = True) -> None:
    document = Document()
    _setup(document)
    _styles(document)
    for block in doc.blocks(content, with_charts=with_charts):
        if isinstance(block, Masthead):
            _masthead(document, block)
        elif isinstance(block, doc.Title):
            _paragraph(document, block.text, "title", TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
            _paragraph(document, "", "body")
        elif isinstance(block, doc.Heading):
            heading = _paragraph(document, block.text,
                                 "heading1" if block.level == 1 else "heading2", BODY_PT,
                                 indent=True)
            heading.paragraph_format.keep_with_next = True  # never alone at a page's foot
        elif isinstance(block, doc.Paragraph | doc.Note):
            _paragraph(document, block.text, indent=True)
        elif isinstance(block, doc.Table):
            _table(document, block)
        elif isinstance(block, doc.Image):
            document.add_picture(io.BytesIO(block.png), width=Mm(150))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _paragraph(document, block.caption, "heading2", 12, align=WD_ALIGN_PARAGRAPH.CENTER)
    document.save(target if not isinstance(target, PathLike) else str(target))
