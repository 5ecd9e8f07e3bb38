"""The bulletin as a PDF (WeasyPrint: an HTML template and its CSS), GB/T 9704's layout.

The page: A4, margins 37 / 26 / 35 / 28 mm (top, right, bottom, left: the 156 × 225 mm text
block), 22 lines of 仿宋 3号; the page number "— N —" outside the text block, right on odd
pages and left on even. Fonts: the standard's where installed, else Noto CJK (fonts.py),
embedded by WeasyPrint (subsets of the glyphs used).
"""

from __future__ import annotations

import base64
from os import PathLike
from typing import IO, Any

from django.template.loader import render_to_string

from taizhang.bulletin import document as doc
from taizhang.bulletin import fonts
from taizhang.bulletin.content import Content, Masthead


def _block(block: doc.Block) -> dict[str, Any]:
    kind = type(block).__name__.lower()
    if isinstance(block, doc.Image):
        return {"kind": kind, "caption": block.caption,
                "src": "data:image/png;base64," + base64.b64encode(block.png).decode()}
    if isinstance(block, doc.Table):
        total = sum(block.widths) or 1
        return {"kind": kind, "table": block, "small": block.small,
                "widths": [f"{100 * w / total:.1f}%" for w in block.widths]}
    return {"kind": kind, "block": block}


def html_of(content: Content, *, with_charts: bool = True) -> str:
    items = [_block(b) for b in doc.blocks(content, with_charts=with_charts)]
    masthead = next(i["block"] for i in items if i["kind"] == "masthead")
    assert isinstance(masthead, Masthead)
    return render_to_string("bulletin/print/document.html", {
        "items": [i for i in items if i["kind"] != "masthead"], "masthead": masthead,
        "fonts": {role: fonts.pdf_family(role) for role in fonts.ROLES},
        "title": doc.title_of(content)})


def write_pdf(content: Content, target: str | PathLike[str] | IO[bytes], *,
              with_charts: bool = True) -> None:
    from weasyprint import HTML

    HTML(string=html_of(content, with_charts=with_charts)).write_pdf(target)
