"""The three formats of a bulletin, each writing a Content (never the database)."""

from __future__ import annotations

from os import PathLike
from typing import IO

from taizhang.bulletin.content import Content

FORMATS = ("docx", "pdf", "xlsx")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def write(content: Content, fmt: str, target: str | PathLike[str] | IO[bytes]) -> None:
    if fmt == "docx":
        from taizhang.bulletin.writers.docx import write_docx

        write_docx(content, target)
    elif fmt == "pdf":
        from taizhang.bulletin.writers.pdf import write_pdf

        write_pdf(content, target)
    elif fmt == "xlsx":
        from taizhang.bulletin.writers.xlsx import write_xlsx

        write_xlsx(content, target)
    else:
        raise ValueError(f"unknown format {fmt}")
