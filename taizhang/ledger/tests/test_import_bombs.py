"""Hostile workbooks (issue 8, findings 1 and 3): XML entity bombs in every part, a 70 MB
padded sheet, a million rows.  Each is read in a child process under a memory limit and a
timeout, so a regression fails the test instead of taking the machine down."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl.xml
import pytest

from taizhang.core.tests.bombs import BOMB_PARTS, billion_laughs, parts, rezip, small_workbook

#: The child's address space: Python, Django and calamine fit with room to spare; a bomb
#: expanding does not.
MEMORY_LIMIT = 1536 << 20
#: Generous: each file is refused in well under a second; a bomb expanding takes minutes.
TIMEOUT = 120

_CHILD = r"""
import os, resource, sys
limit = int(os.environ["BOMB_MEMORY_LIMIT"])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
django.setup()
from taizhang.core.sheets import SheetFormatError
from taizhang.ledger.importing import source
if os.environ.get("BOMB_STREAM_ABOVE"):
    source.STREAM_ABOVE = int(os.environ["BOMB_STREAM_ABOVE"])
if os.environ.get("BOMB_NO_SCAN"):  # only to show the second guard, defusedxml, alone
    source.check_package = lambda *args, **kwargs: None
for path in sys.argv[1:]:
    try:
        rows = 0
        for sheet in source.open_sheets(path, os.path.basename(path)):
            rows += sum(1 for _ in sheet.rows())
        print("read", rows, flush=True)
    except SheetFormatError as exc:
        print(exc.code, flush=True)
"""


def read_in_child(paths: list[Path], **env: str) -> list[str]:
    """What reading each file ends with in a child process: a refusal's code or "read N"."""
    child_env = {**os.environ, "BOMB_MEMORY_LIMIT": str(MEMORY_LIMIT), **env}
    child_env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[3]), child_env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", _CHILD, *map(str, paths)], env=child_env,
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.split("\n")[:-1]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("stream_above", ["", "0"], ids=["calamine", "streamed"])
def test_billion_laughs_in_any_part_is_refused_on_both_paths(tmp_path, stream_above):
    bombs = [_write(tmp_path, f"{i}.xlsx", billion_laughs(part))
             for i, part in enumerate(BOMB_PARTS)]
    plain = _write(tmp_path, "plain.xlsx", small_workbook())
    results = read_in_child([*bombs, plain], BOMB_STREAM_ABOVE=stream_above)
    assert dict(zip(BOMB_PARTS, results, strict=False)) == dict.fromkeys(BOMB_PARTS, "xml_dtd")
    assert results[-1] == "read 2"  # the same workbook without the DTD is read


def test_the_issue_bomb_70_mb_of_padding_zipped_small_is_refused(tmp_path):
    """The issue's file: nested entities in sheet1.xml and 70 MB of spaces, which sends the
    sheet to openpyxl's streamed path and once raised the parser's expansion allowance."""
    data = billion_laughs(padding=70 << 20)
    assert len(data) < 200_000
    with zipfile.ZipFile(_write(tmp_path, "bomb.xlsx", data)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 70 << 20
    path = tmp_path / "bomb.xlsx"
    assert read_in_child([path]) == ["zip_ratio"]  # first guard: compressed 900 times
    # With the ratio allowed, the scan of the part (in pieces, as streamed) refuses the DTD.
    assert read_in_child([path], TAIZHANG_IMPORT_MAX_ZIP_RATIO="100000") == ["xml_dtd"]


def test_defusedxml_guards_openpyxl_even_without_the_scan(tmp_path):
    """The second guard: openpyxl parses with defusedxml, which refuses any DTD."""
    assert openpyxl.xml.DEFUSEDXML is True
    paths = [_write(tmp_path, f"{i}.xlsx", billion_laughs(part))
             for i, part in enumerate(BOMB_PARTS)]
    results = read_in_child(paths, BOMB_STREAM_ABOVE="0", BOMB_NO_SCAN="1")
    assert results == ["corrupt"] * len(paths)


def test_a_million_row_csv_stops_at_the_default_row_limit(tmp_path, settings):
    """The issue's 1,000,000-row CSV, at the default limit: refused once the limit is passed,
    within the child's memory limit (the rows after it are never made into lists)."""
    assert settings.TAIZHANG_IMPORT_MAX_ROWS == 200_000
    header = "项目名称,建设单位,总投资（万元）,年度计划投资,所属区域\n"
    body = "".join(f"项目{i},公司{i % 97},1000,100,迁安镇\n" for i in range(1_000_000))
    path = _write(tmp_path, "million.csv", (header + body).encode())
    assert read_in_child([path]) == ["too_many_rows"]


def test_an_xlsx_just_over_the_default_row_limit_is_refused_without_reading_on(
        tmp_path, settings):
    """One row over the limit and then XML that cannot be read: the streamed reader stops at
    the limit (it would say "corrupt" had it read on); for calamine the sheet is measured
    before it is parsed at all."""
    last = settings.TAIZHANG_IMPORT_MAX_ROWS + 1
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, last + 1))
    base = small_workbook()
    sheet = parts(base)["xl/worksheets/sheet1.xml"]
    head, _, rest = sheet.partition(b"<sheetData>")
    _, _, tail = rest.partition(b"</sheetData>")
    over = head + b"<sheetData>" + rows.encode() + b"</sheetData>" + tail
    broken = head + b"<sheetData>" + rows.encode() + b"<row r=<<<" + b"</sheetData>" + tail
    paths = [_write(tmp_path, "over.xlsx", rezip(base, {"xl/worksheets/sheet1.xml": over})),
             _write(tmp_path, "broken.xlsx",
                    rezip(base, {"xl/worksheets/sheet1.xml": broken}))]
    assert read_in_child(paths) == ["too_many_rows", "too_many_rows"]
    assert read_in_child(paths[1:], BOMB_STREAM_ABOVE="0") == ["too_many_rows"]


@pytest.mark.parametrize(("last", "code"), [
    ("CV1000000", "too_many_rows"), ("XFD1048576", "too_many_rows"),
    ("XFD1000", "too_many_cells")])
def test_two_cells_far_apart_do_not_make_calamine_allocate_the_grid_between(
        tmp_path, last, code):
    """calamine holds a sheet as a dense grid: A1 and CV1000000 in a 7 KB file would take
    3 GB, XFD1048576 would abort the process.  Measured from the XML first, refused."""
    base = small_workbook()
    sheet = parts(base)["xl/worksheets/sheet1.xml"]
    far = f'<row r="9"><c r="{last}"><v>1</v></c></row></sheetData>'.encode()
    data = rezip(base, {"xl/worksheets/sheet1.xml": sheet.replace(b"</sheetData>", far)})
    assert len(data) < 10_000
    assert read_in_child([_write(tmp_path, "far.xlsx", data)]) == [code]


_SHEET_START = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
_FAR_ROWS = (b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
             b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
_LONG_PREFIX = re.sub(  # every tag as <abcdefghijklmnopqrstuvwxyz:row …>
    rb"<(/?)(\w+)", rb"<\1abcdefghijklmnopqrstuvwxyz:\2",
    b'<worksheet xmlns:abcdefghijklmnopqrstuvwxyz='
    b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + _FAR_ROWS
    + b"</worksheet>")
_NO_ROW = (_SHEET_START + b'<sheetData><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c>'
           b"</sheetData></worksheet>")
_TEXT_FIRST = b"x" + _SHEET_START + _FAR_ROWS + b"</worksheet>"


@pytest.mark.parametrize(("sheet", "code"), [
    (_LONG_PREFIX, "too_many_rows"), (_NO_ROW, "too_many_rows"), (_TEXT_FIRST, "corrupt")],
    ids=["long-prefix", "cells-without-rows", "text-before-xml"])
def test_a_far_cell_calamine_reads_but_the_scan_once_missed_is_refused(tmp_path, sheet, code):
    """A 5 KB xlsx made calamine ask for a 512 GB grid (a Rust abort, which kills the
    process): a namespace prefix over 20 characters, cells outside any row, or text before
    "<?xml" hid XFD1048576 from the measure."""
    data = rezip(small_workbook(), {"xl/worksheets/sheet1.xml": sheet})
    assert len(data) < 10_000
    assert read_in_child([_write(tmp_path, "far.xlsx", data)]) == [code]


def _shared_strings_bomb(path: Path, count: int) -> None:
    """``count`` (rounded up to 40,000s) tiny shared strings, every 40th of them random enough
    that the part stays within the default ratio (a bomb keeps under every other limit)."""
    tiny = b"<si><t>ab</t></si>" * 39
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in parts(small_workbook()).items():
            if name != "xl/sharedStrings.xml":
                archive.writestr(name, content)
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                       b' uniqueCount="%d">' % count)
            for _ in range(-(-count // 40_000)):
                part.write(b"".join(tiny + b"<si><t>%s</t></si>" % os.urandom(12).hex().encode()
                                    for _ in range(1000)))
            part.write(b"</sst>")


@pytest.mark.parametrize("stream_above", ["", "0"], ids=["calamine", "streamed"])
def test_a_shared_string_table_over_the_cells_limit_is_refused_before_it_is_loaded(
        tmp_path, stream_above):
    """Every reader loads the shared strings whole before a row: 27 million tiny ones made
    openpyxl grow past 1.7 GB.  Counted in the scan, refused over the limit on cells (here
    lowered in proportion)."""
    path = tmp_path / "strings.xlsx"
    _shared_strings_bomb(path, 40_000)
    assert read_in_child([path], TAIZHANG_IMPORT_MAX_CELLS="30000",
                         BOMB_STREAM_ABOVE=stream_above) == ["too_many_strings"]
    assert read_in_child([path], TAIZHANG_IMPORT_MAX_CELLS="50000",
                         BOMB_STREAM_ABOVE=stream_above) == ["read 2"]


def test_the_shared_string_bomb_at_the_default_limits_is_refused(tmp_path, settings):
    """The review's file, cut to just over the default limit on cells (10 million strings,
    190 MB unzipped, a few MB zipped): its sheet is streamed (a part over 64 MB)."""
    path = tmp_path / "strings.xlsx"
    _shared_strings_bomb(path, settings.TAIZHANG_IMPORT_MAX_CELLS + 40_000)
    assert path.stat().st_size < settings.TAIZHANG_MAX_IMPORT_BYTES
    assert read_in_child([path]) == ["too_many_strings"]


def test_a_csv_of_one_huge_line_is_refused_before_it_is_split(tmp_path, settings):
    """48 MB of "ab," (16 million cells on one line) grew to 1.57 GB before the row counter
    saw the row: refused before csv parses it, within 600 MB of address space."""
    path = _write(tmp_path, "line.csv", b"ab," * 16_000_000)
    assert path.stat().st_size < settings.TAIZHANG_MAX_IMPORT_BYTES
    assert read_in_child([path], BOMB_MEMORY_LIMIT=str(600 << 20)) == ["too_many_cells"]
