"""Read an uploaded ledger file (xlsx/xlsm/xls/csv) into plain rows of cell values.

Everything downstream works on ``RawSheet.rows`` so header detection and parsing never care
which format the office happened to export.  Row index 0 is always spreadsheet row 1.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path, PurePath
from typing import BinaryIO

from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from .errors import SheetError, SheetFormatError
from .limits import (
    RowCounter,
    SheetCount,
    SheetLimits,
    check_bytes,
    check_merged,
    too_many_cells,
)
from .package import check_package

EXCEL_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls"})
CSV_EXTENSIONS = frozenset({".csv"})
SUPPORTED_EXTENSIONS = EXCEL_EXTENSIONS | CSV_EXTENSIONS

#: ((first_row, first_col), (last_row, last_col)), 0-based and inclusive, as calamine reports.
MergedRange = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class RawSheet:
    """One worksheet as a grid: ``rows[i][j]`` is the cell at spreadsheet row i+1, column j+1.

    Empty cells are None.  Merged ranges keep the value in the top-left cell only; ``merged``
    lists them (xlsx/xls only) for callers that want to fill them (see ``fill_merged``).
    """

    name: str
    rows: list[list[object]]
    merged: list[MergedRange] = field(default_factory=list)
    hidden: bool = False


def read_workbook(source: str | PathLike[str] | bytes | BinaryIO, filename: str,
                  limits: SheetLimits | None = None) -> list[RawSheet]:
    """Read every worksheet of an upload; the format comes from ``filename``'s extension.

    ``source`` is a path, the raw bytes or a binary file object (e.g. a Django upload).
    Raises SheetFormatError for an unsupported extension or a file that cannot be read, and
    SheetLimitError for one larger than ``limits`` (the defaults of SheetLimits if not given).
    """
    limits = limits or SheetLimits()
    extension = PurePath(filename).suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise SheetFormatError(
            f"Unsupported file type {extension or '(no extension)'!r}; "
            "upload an .xlsx, .xls or .csv file.",
            code="unsupported_type",
        )
    data = _read_bytes(source, limits.max_bytes)
    check_bytes(len(data), limits)
    if not data.strip():
        raise SheetFormatError("The file is empty.", code="empty")
    if extension in CSV_EXTENSIONS:
        return [_read_csv(data, PurePath(filename).stem, RowCounter(limits).sheet())]
    return _read_excel(data, limits)


def _read_bytes(source: str | PathLike[str] | bytes | BinaryIO, limit: int | None = None) -> bytes:
    """The file's bytes; with ``limit``, at most one byte more than it (enough to refuse)."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | PathLike):
        with Path(source).open("rb") as file:
            return _read_bytes(file, limit)
    if getattr(source, "seekable", lambda: False)():
        source.seek(0)  # an upload may already have been read once (e.g. sniffed)
    data = source.read() if limit is None else source.read(limit + 1)
    if not isinstance(data, bytes):
        raise TypeError("read_workbook needs a binary file object")
    return data


def _tidy_rows(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    """'' → None, and drop the blank rows Excel keeps after the data."""
    grid = [[None if cell == "" else cell for cell in row] for row in rows]
    while grid and all(cell is None for cell in grid[-1]):
        grid.pop()
    return grid


def _looks_like_html(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<"))


@contextlib.contextmanager
def calamine_errors() -> Iterator[None]:
    """calamine's failures → SheetFormatError, as ``read_workbook`` reports them."""
    try:
        yield
    except PasswordError as exc:
        raise SheetFormatError(
            "The workbook is password-protected; remove the password and upload it again.",
            code="encrypted",
        ) from exc
    except CalamineError as exc:
        raise SheetFormatError(
            f"The file is not a readable Excel workbook ({exc}).", code="corrupt"
        ) from exc
    except (KeyboardInterrupt, SystemExit, MemoryError, GeneratorExit, SheetError):
        raise  # a limit reached while calamine's rows are read is said as such
    except BaseException as exc:  # a Rust panic surfaces as pyo3's PanicException
        raise SheetFormatError(
            f"The file is not a readable Excel workbook ({type(exc).__name__}).", code="corrupt"
        ) from exc


def _read_excel(data: bytes, limits: SheetLimits) -> list[RawSheet]:
    if _looks_like_html(data):
        # Many government systems export an HTML table with an .xls name.
        raise SheetFormatError(
            "This file is a web page saved with an Excel extension; "
            "open it in Excel or WPS and save it as .xlsx.",
            code="html_disguised",
        )
    check_package(data, limits)
    counter = RowCounter(limits)
    with calamine_errors():
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            check_sheet_size(sheet, counter)
            sheets.append(
                RawSheet(
                    name=meta.name,
                    rows=_tidy_rows(sheet.to_python(skip_empty_area=False)),
                    merged=list(sheet.merged_cell_ranges or []),
                    hidden=meta.visible != SheetVisibleEnum.Visible,
                )
            )
    return sheets


def check_sheet_size(sheet: CalamineSheet, counter: RowCounter) -> None:
    """The limits on a sheet calamine has read, before a row of it becomes Python lists."""
    check_merged(len(sheet.merged_cell_ranges or []), counter.limits)
    end = sheet.end
    if end is not None:
        counter.whole_sheet(end[0] + 1, end[1] + 1)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK) as WPS/Excel save."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetFormatError(
        "The CSV file is neither UTF-8 nor GBK text; save it again as CSV (UTF-8).",
        code="encoding",
    )


def _delimiter(text: str) -> str:
    """Tab or comma, whichever the first lines (at most 8 KB of them: a copy) have more of."""
    sample = "\n".join(text[:8192].splitlines()[:20])
    return "\t" if sample.count("\t") > sample.count(",") else ","


_LINE = re.compile(r"[^\r\n]+")
#: A line with its end, as StringIO(newline="") gives them, without StringIO's copy of the
#: text (four bytes a character).
_LINE_WITH_END = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    return (match[0] for match in _LINE_WITH_END.finditer(text))


def _check_csv_extent(text: str, delimiter: str, limits: SheetLimits) -> None:
    """Refuse a CSV whose lines × widest line (in separators) are over the limit on cells,
    before csv.reader builds a row: one line of 16 million "ab," would be a list of 16 million
    strings (1.5 GB) before the row counter saw it.  An upper bound (a quoted separator or
    line end counts too), read without a copy of the text."""
    lines = widest = 0
    for line in _LINE.finditer(text):
        lines += 1
        widest = max(widest, text.count(delimiter, line.start(), line.end()) + 1)
        if lines * widest > limits.max_cells:
            raise too_many_cells(limits.max_cells)


def _read_csv(data: bytes, name: str, counter: SheetCount) -> RawSheet:
    text = _decode(data)
    delimiter = _delimiter(text)
    _check_csv_extent(text, delimiter, counter.limits)
    rows: list[list[object]] = []
    try:
        for line in csv.reader(_lines(text), delimiter=delimiter):
            counter.row(len(line))  # stops at the first row over a limit
            rows.append(list(line))
    except csv.Error as exc:
        raise SheetFormatError(f"The CSV file is malformed ({exc}).", code="corrupt") from exc
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        row.extend([None] * (width - len(row)))
    return RawSheet(name=name, rows=_tidy_rows(rows))
