"""Hostile workbooks built in the test (nothing of megabytes is committed): XML entity bombs in
any part of an xlsx, padded parts, lying sizes."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl

#: The classic nested entities: &lol9; is 10⁹ × "lol" (3 GB) once expanded.
BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10))
    + b"]>\n"
)

#: Where each part can carry the reference to the last entity.
_REFERENCE_AT = {
    "xl/worksheets/sheet1.xml": (b"<v>", b"<v>&lol9;"),
    "xl/sharedStrings.xml": (b"<t>", b"<t>&lol9;"),
    "xl/workbook.xml": (b'name="', b'name="&lol9;'),
    "xl/styles.xml": (b'<cellStyle name="', b'<cellStyle name="&lol9;'),
}
BOMB_PARTS = tuple(_REFERENCE_AT)


_SST = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def small_workbook() -> bytes:
    """A valid one-sheet xlsx with a shared string (as Excel writes them; openpyxl writes
    inline strings), a number and a cell style."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "台账"
    sheet.append(["项目名称", "建设单位", "总投资"])
    sheet.append(["项目一", "公司一", 1000])
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    old = parts(data)
    # openpyxl writes the text as characters, or as character references when lxml is
    # installed (python-docx brings it): match either.
    inline = re.compile(rb'<c r="A2" t="inlineStr"><is><t>[^<]*</t></is></c>')
    sheet, replaced = inline.subn(b'<c r="A2" t="s"><v>0</v></c>', old["xl/worksheets/sheet1.xml"])
    assert replaced == 1
    return rezip(data, {
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
            'schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            "<si><t>项目一</t></si></sst>").encode(),
        "xl/_rels/workbook.xml.rels": old["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            f'<Relationship Id="rIdSst" Type="{_SST}" Target="sharedStrings.xml"/>'
            "</Relationships>".encode()),
        "[Content_Types].xml": old["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'),
    })


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(data: bytes, changed: dict[str, bytes]) -> bytes:
    """The same package with some parts replaced or added (deflated, as Excel writes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in {**parts(data), **changed}.items():
            archive.writestr(name, content)
    return out.getvalue()


def with_doctype(xml: bytes, doctype: bytes = BILLION_LAUGHS) -> bytes:
    """The part with a DOCTYPE after its XML declaration."""
    head, sep, rest = xml.partition(b"?>")
    if not sep:
        return doctype + xml
    return head + sep + b"\n" + doctype + rest.lstrip(b"\r\n")


def billion_laughs(part: str = "xl/worksheets/sheet1.xml", *, base: bytes | None = None,
                   padding: int = 0) -> bytes:
    """An xlsx whose ``part`` declares the nested entities and uses the last one; ``padding``
    bytes of spaces inside the sheet data (the issue's 70 MB sheet zips to some 80 KB)."""
    base = base or small_workbook()
    xml = parts(base)[part]
    old, new = _REFERENCE_AT[part]
    assert old in xml, f"{part} has no {old!r}"
    xml = with_doctype(xml.replace(old, new, 1))
    if padding:
        xml = xml.replace(b"<sheetData>", b"<sheetData>" + b" " * padding, 1)
    return rezip(base, {part: xml})
