"""Every XML part of an xlsx is checked before it is parsed (issue 8, finding 1), and the zip
is bounded: the scan itself, without Django."""

from __future__ import annotations

import io
import zipfile

import pytest

from taizhang.core.sheets import SheetFormatError, SheetLimitError, SheetLimits, read_workbook
from taizhang.core.sheets.package import check_package
from taizhang.core.sheets.rows import MergeFiller, fill_merged
from taizhang.core.tests.bombs import (
    BILLION_LAUGHS,
    BOMB_PARTS,
    billion_laughs,
    parts,
    rezip,
    small_workbook,
    with_doctype,
)

LIMITS = SheetLimits()


def _code(data: bytes, limits: SheetLimits = LIMITS) -> str | None:
    try:
        check_package(data, limits)
    except SheetFormatError as exc:
        return exc.code
    return None


def test_a_plain_workbook_passes():
    assert _code(small_workbook()) is None


@pytest.mark.parametrize("part", BOMB_PARTS)
def test_billion_laughs_in_each_part_is_refused_by_the_reader(part):
    with pytest.raises(SheetFormatError) as caught:
        read_workbook(billion_laughs(part), "bomb.xlsx")
    assert caught.value.code == "xml_dtd" and part in caught.value.reason


@pytest.mark.parametrize("part", [
    "[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "docProps/core.xml",
    "xl/theme/theme1.xml",
    "xl/worksheets/sheet1.bin",  # a relationship may point a reader at any name
])
def test_a_doctype_in_any_other_part_is_refused(part):
    base = small_workbook()
    content = parts(base).get(part, b"<x/>")
    assert _code(rezip(base, {part: with_doctype(content)})) == "xml_dtd"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_doctype_in_utf16_or_utf32_is_refused(encoding):
    xml = with_doctype(b"<worksheet/>").decode().encode(encoding)
    assert _code(rezip(small_workbook(), {"xl/worksheets/sheet1.xml": xml})) == "xml_dtd"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_part_in_utf16_or_utf32_is_refused_even_without_a_doctype(encoding):
    """Excel never writes one, and the sheet's extent could not be measured in it."""
    xml = '<worksheet><sheetData><row r="1"><c r="XFD1048576"/></row></sheetData>'
    data = rezip(small_workbook(), {"xl/worksheets/sheet1.xml": xml.encode(encoding)})
    assert _code(data) == "xml_encoding"
    declared = b'<?xml version="1.0" encoding="UTF-16"?><worksheet/>'
    assert _code(rezip(small_workbook(), {"xl/styles.xml": declared})) == "xml_encoding"


def test_a_binary_part_is_scanned_but_not_measured():
    image = b"\x89PNG\r\n\x1a\n<" + b"\0" * (3 << 20)  # no ">" after a "<" for 3 MB
    assert _code(rezip(small_workbook(), {"xl/media/image1.png": image}),
                 SheetLimits(max_ratio=10**6)) is None


def test_a_doctype_in_any_case_or_a_lone_entity_is_refused():
    for doctype in (b"<!doctype x>", b"<!DocType x>", b'<!ENTITY e "x">'):
        data = rezip(small_workbook(), {"xl/styles.xml": doctype + b"<styleSheet/>"})
        assert _code(data) == "xml_dtd", doctype


def test_a_doctype_across_two_pieces_of_the_scan_is_found():
    for offset in range(1, 9):
        xml = b" " * ((1 << 20) - offset) + BILLION_LAUGHS + b"<worksheet/>"
        data = rezip(small_workbook(), {"xl/worksheets/sheet1.xml": xml})
        assert _code(data, SheetLimits(max_ratio=10**6)) == "xml_dtd", offset


def test_an_encoding_that_hides_the_markers_is_refused():
    ebcdic = b'<?xml version="1.0" encoding="cp037"?>' + "<!DOCTYPE x><x/>".encode("cp037")
    assert _code(rezip(small_workbook(), {"xl/styles.xml": ebcdic})) == "xml_encoding"
    gbk = '<?xml version="1.0" encoding="GB18030"?><sst><si><t>项目</t></si></sst>'
    assert _code(rezip(small_workbook(), {"xl/sharedStrings.xml": gbk.encode("gb18030")})) is None


def test_a_zip_compressed_too_much_or_too_large_unzipped_is_refused():
    padded = rezip(small_workbook(), {"xl/worksheets/sheet1.xml": b" " * (8 << 20)})
    with pytest.raises(SheetLimitError) as caught:
        check_package(padded, SheetLimits(max_ratio=100))
    assert (caught.value.code, caught.value.limit) == ("zip_ratio", 100)
    assert _code(padded, SheetLimits(max_ratio=10**6)) is None
    with pytest.raises(SheetLimitError) as caught:
        check_package(padded, SheetLimits(max_ratio=10**6, max_unzipped=4 << 20))
    assert caught.value.code == "unzipped_too_large"


def test_a_zip_the_scan_cannot_read_is_refused_not_passed_on():
    data = small_workbook()
    damaged = data[:30] + b"\0" * 200 + data[230:]  # a local header and data destroyed
    assert _code(damaged) == "corrupt"
    assert _code(b"\xd0\xcf\x11\xe0 an .xls (not a zip) is left to calamine") is None


def test_duplicated_merges_fill_as_one_and_write_each_cell_once():
    rows = [["a", 1], [None, 2], [None, 3], ["b", 4]]
    once = fill_merged(rows, [((0, 0), (2, 0))])
    assert fill_merged(rows, [((0, 0), (2, 0))] * 1000) == once == [
        ["a", 1], ["a", 2], ["a", 3], ["b", 4]]

    writes = []

    class Row(list):
        def __setitem__(self, index, value):
            writes.append(index)
            super().__setitem__(index, value)

    filler = MergeFiller([((0, 0), (999, 1))] * 1000)
    for index in range(1000):
        filler.fill(index, Row([index, index]))
    assert len(writes) == 2 * 1000  # two cells a row, whatever the number of copies


def test_a_stored_part_is_scanned_too():
    """The scan reads the parts Python's zipfile reads; a stored (not deflated) part too."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, content in parts(billion_laughs()).items():
            archive.writestr(name, content)
    assert _code(out.getvalue()) == "xml_dtd"


def _extent(xml: bytes, max_rows: int = 10**9, max_cells: int = 10**12) -> str | None:
    data = rezip(small_workbook(), {"xl/worksheets/sheet1.xml": xml})
    return _code(data, SheetLimits(max_rows=max_rows, max_cells=max_cells, max_ratio=10**6))


@pytest.mark.parametrize("cell", [
    b'<c r="CV1000000"/>', b'<c s="1" r="CV1000000"/>', b"<c r = 'CV1000000'/>",
    b'<x:c r="$CV$1000000"/>', b'<c\nr="cv1000000"/>'])
def test_a_far_cell_is_measured_however_its_reference_is_written(cell):
    xml = b'<worksheet><sheetData><row r="1"><c r="A1"/>' + cell + b"</row></sheetData>"
    assert _extent(xml, max_rows=999_999) == "too_many_rows"
    assert _extent(xml, max_rows=1_000_000, max_cells=99_999_999) == "too_many_cells"
    assert _extent(xml, max_rows=1_000_000, max_cells=102_000_000) is None  # a bound


def test_rows_and_cells_without_references_count_where_the_readers_put_them():
    row = b"<row>" + b"<c><v>1</v></c>" * 30 + b"</row>"
    xml = b"<worksheet><sheetData>" + row * 40 + b"</sheetData></worksheet>"
    assert _extent(xml, max_rows=40, max_cells=1200) is None
    assert _extent(xml, max_rows=39) == "too_many_rows"
    assert _extent(xml, max_cells=1199) == "too_many_cells"


def test_a_reference_split_between_two_pieces_of_the_scan_is_read_whole():
    for offset in (1, 5, 12, 23):
        xml = (b'<worksheet><sheetData><row r="1"><c r="A1"/></row>'
               + b" " * ((1 << 20) - 51 - offset)
               + b'<row r="2000000" spans="1:1"><c r="A2000000"/></row></sheetData>')
        assert _extent(xml, max_rows=1_999_999) == "too_many_rows", offset


def test_a_part_without_rows_reaches_nowhere_and_a_tag_over_a_piece_is_refused():
    theme = b'<a:theme><a:fillToRect l="50000" t="-80000" r="50000" b="180000"/></a:theme>'
    assert _code(rezip(small_workbook(), {"xl/theme/theme1.xml": theme}),
                 SheetLimits(max_rows=10)) is None
    xml = b"<worksheet><sheetData><row " + b" " * (2 << 20) + b'r="1"/></sheetData>'
    assert _extent(xml) == "corrupt"


def test_a_streamed_package_is_not_measured():
    xml = b'<worksheet><sheetData><row r="1"><c r="XFD1048576"/></row></sheetData>'
    data = rezip(small_workbook(), {"xl/worksheets/sheet1.xml": xml})
    check_package(data, LIMITS, measure=False)  # the streamed reader counts the rows it reads
    assert _code(data) == "too_many_rows"


@pytest.mark.parametrize("prefix", [
    b"abcdefghijklmnopqrstuvwxyz:", "表格:".encode(), b"s-m.l:", b"x:"])
def test_a_tag_is_known_by_its_local_name_whatever_its_prefix(prefix):
    xml = (b"<" + prefix + b"worksheet><" + prefix + b"sheetData><" + prefix + b'row r="1"><'
           + prefix + b'c r="A1"/></' + prefix + b"row><" + prefix + b'row r="5000"><' + prefix
           + b'c r="Z5000"/></' + prefix + b"row></" + prefix + b"sheetData>")
    assert _extent(xml, max_rows=4999) == "too_many_rows"
    assert _extent(xml, max_cells=5000 * 26 - 1) == "too_many_cells"
    assert _extent(xml, max_rows=5000, max_cells=5000 * 26) is None


def test_cells_outside_any_row_are_measured():
    xml = b'<worksheet><sheetData><c r="A1"/><c r="C7"/></sheetData></worksheet>'
    assert _extent(xml, max_rows=6) == "too_many_rows"
    assert _extent(xml, max_cells=20) == "too_many_cells"
    assert _extent(b"<worksheet><sheetData>" + b"<c><v>1</v></c>" * 30 + b"</sheetData>",
                   max_cells=29) == "too_many_cells"


def test_a_reference_past_the_sheets_last_column_or_row_is_refused():
    for far, code in ((b"XFE1", "too_many_cells"), (b"AAAAAAA1", "too_many_cells"),
                      (b"A" + b"9" * 30, "too_many_rows")):
        xml = b'<worksheet><sheetData><row r="1"><c r="' + far + b'"/></row></sheetData>'
        assert _extent(xml) == code, far


@pytest.mark.parametrize("head", [b"x", b"\xef\xbb\xbfx ", b" " * (2 << 20) + b"x"])
def test_an_xml_part_with_text_before_its_first_tag_is_refused(head):
    xml = head + b'<?xml version="1.0"?><worksheet><sheetData/></worksheet>'
    assert _extent(xml) == "corrupt"
    assert _extent(b"\xef\xbb\xbf \r\n" + xml.removeprefix(head)) is None


def test_shared_strings_over_the_cells_limit_are_refused_on_both_paths():
    strings = b"<sst>" + b"<si><t>ab</t></si>" * 101 + b"</sst>"
    data = rezip(small_workbook(), {"xl/sharedStrings.xml": strings})
    for measure in (True, False):
        with pytest.raises(SheetLimitError) as caught:
            check_package(data, SheetLimits(max_cells=100), measure=measure)
        assert (caught.value.code, caught.value.limit) == ("too_many_strings", 100)
        check_package(data, SheetLimits(max_cells=101), measure=measure)


def test_a_sheet_under_any_name_is_measured_even_with_text_before_its_first_tag():
    """calamine reads the sheet the workbook names, "sheet1.bin" too, "x<?xml" first or not."""
    xml = (b'x<?xml version="1.0"?><worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c>'
           b'</row><row r="300"><c r="C300"><v>1</v></c></row></sheetData></worksheet>')
    renamed = {name.replace("sheet1.xml", "sheet1.bin"): content.replace(b"sheet1.xml",
                                                                         b"sheet1.bin")
               for name, content in parts(small_workbook()).items()}
    renamed["xl/worksheets/sheet1.bin"] = xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in renamed.items():
            archive.writestr(name, content)
    assert len(read_workbook(out.getvalue(), "bin.xlsx", SheetLimits(max_rows=301))[0].rows
               ) == 300
    assert _code(out.getvalue(), SheetLimits(max_rows=299)) == "too_many_rows"
    long_cell = b"x<worksheet><sheetData><c" + b" " * (2 << 20) + b'r="A1"/></sheetData>'
    assert _code(rezip(small_workbook(), {"xl/media/image1.png": long_cell}),
                 SheetLimits(max_ratio=10**6)) == "corrupt"
