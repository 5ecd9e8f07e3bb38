"""The sheets of an upload, read lazily: the first rows for the header, then one row at a time.

``taizhang.core.sheets.read_workbook`` turns a whole workbook into Python lists; for a
100,000-row ledger that grid alone is several hundred MB.  Here an Excel sheet stays in
calamine's compact form and its rows become Python lists only as the parser reaches them; a
very large xlsx sheet, which even calamine's form would make costly, is streamed by openpyxl
(CSV files are small and are read whole).  Row index 0 is spreadsheet row 1, empty cells are
None, as in ``RawSheet``.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Iterator
from os import PathLike
from pathlib import PurePath
from typing import Any, BinaryIO

import openpyxl
from openpyxl.utils.cell import range_boundaries
from python_calamine import (
    CalamineWorkbook,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from taizhang.core.sheets import (
    MergedRange,
    RawSheet,
    SheetError,
    SheetFormatError,
    SheetLimits,
    read_workbook,
)
from taizhang.core.sheets.limits import RowCounter, SheetCount, check_bytes, check_merged
from taizhang.core.sheets.package import check_package
from taizhang.core.sheets.reader import (
    EXCEL_EXTENSIONS,
    _looks_like_html,
    _read_bytes,
    calamine_errors,
    check_sheet_size,
)
from taizhang.ledger.importing.limits import import_limits

#: Rows read ahead for the header: ``locate_header`` scans 15, plus a column-number row.
HEAD_ROWS = 24
#: calamine holds a whole sheet, at its peak about twice the size of the sheet's XML: a
#: sheet with more XML than this (some 40,000 ledger rows) is streamed instead.
STREAM_ABOVE = 64 << 20
_ZIPPED = frozenset({".xlsx", ".xlsm"})

Row = list[object]


class SheetSource:
    """One worksheet: ``head`` (its first rows) at once, every row on demand."""

    name: str
    hidden: bool
    merged: list[MergedRange]
    head: list[Row]

    def rows(self, start: int = 0) -> Iterator[tuple[int, Row]]:
        """(0-based index, cells) of each row from ``start`` on; a sheet is read once."""
        raise NotImplementedError

    @property
    def empty(self) -> bool:
        """No cell has a value (such a sheet is skipped without a word)."""
        if any(cell is not None for row in self.head for cell in row):
            return False
        return not any(any(cell is not None for cell in row)
                       for _, row in self.rows(len(self.head)))


class ListSheet(SheetSource):
    """A sheet already read into lists (CSV)."""

    def __init__(self, raw: RawSheet) -> None:
        self.name, self.hidden, self.merged = raw.name, raw.hidden, raw.merged
        self._rows = raw.rows
        self.head = raw.rows[:HEAD_ROWS]

    def rows(self, start: int = 0) -> Iterator[tuple[int, Row]]:
        for index in range(start, len(self._rows)):
            yield index, self._rows[index]


class ExcelSheet(SheetSource):
    """A sheet of an xlsx/xls workbook, kept by calamine until its rows are read."""

    def __init__(self, workbook: CalamineWorkbook, name: str, hidden: bool,
                 counter: RowCounter) -> None:
        self.name, self.hidden = name, hidden
        self._count = counter.sheet()
        with calamine_errors():
            self._sheet: Any = workbook.get_sheet_by_name(name)
            check_sheet_size(self._sheet, counter)
            self.merged = list(self._sheet.merged_cell_ranges or [])
            self._iter = self._all_rows()
            self.head = [row for _, row in zip(range(HEAD_ROWS), self._iter, strict=False)]

    def _all_rows(self) -> Iterator[Row]:
        top, left = self._sheet.start or (0, 0)
        for _ in range(top):
            self._count.row(0)
            yield []
        pad = [None] * left
        for cells in self._sheet.iter_rows():
            row = [*pad, *(None if cell == "" else cell for cell in cells)]
            self._count.row(len(row))
            yield row
        self._sheet = None  # calamine's copy of the sheet is no longer needed

    def rows(self, start: int = 0) -> Iterator[tuple[int, Row]]:
        for index in range(start, len(self.head)):
            yield index, self.head[index]
        index = len(self.head)
        with calamine_errors():
            for row in self._iter:
                if index >= start:
                    yield index, row
                index += 1


class StreamedSheet(SheetSource):
    """A very large xlsx sheet, read as a stream by openpyxl (read-only mode): several times
    slower than calamine, but its memory does not grow with the sheet.

    The size the sheet declares (its ``<dimension>``) is ignored: openpyxl would stop at the
    last row it names and cut the columns after its last one; every row is read instead, and
    counted against the limits."""

    def __init__(self, archive: zipfile.ZipFile, sheet: Any, counter: RowCounter) -> None:
        self.name, self.hidden = sheet.title, sheet.sheet_state != "visible"
        self.merged = _merged_ranges(archive, sheet._worksheet_path, counter.limits)
        sheet.reset_dimensions()
        self._iter = self._all_rows(sheet, counter.sheet())
        self.head = [row for _, row in zip(range(HEAD_ROWS), self._iter, strict=False)]

    @staticmethod
    def _all_rows(sheet: Any, count: SheetCount) -> Iterator[Row]:
        with _openpyxl_errors():
            for cells in sheet.iter_rows(values_only=True):
                count.row(len(cells))
                yield [None if cell == "" else cell for cell in cells]

    def rows(self, start: int = 0) -> Iterator[tuple[int, Row]]:
        for index in range(start, len(self.head)):
            yield index, self.head[index]
        for index, row in enumerate(self._iter, start=len(self.head)):
            if index >= start:
                yield index, row


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


def _merged_ranges(archive: zipfile.ZipFile, path: str, limits: SheetLimits
                   ) -> list[MergedRange]:
    """The merged ranges of a sheet (listed after its rows, so the part is scanned once in
    pieces first), 0-based as calamine gives them; refused past the limit on their number."""
    found: list[MergedRange] = []
    tail = b""
    with archive.open(path) as part:
        while piece := part.read(1 << 20):
            text = tail + piece
            # A tag may straddle two pieces: keep one still open at the end for the next
            # (only that: 70 MB of padding after a "<…>" must not be carried piece to piece).
            start = text.rfind(b"<")
            cut = start if start != -1 and text.find(b">", start) == -1 else len(text)
            if len(text) - cut > 1 << 20:
                raise SheetFormatError("A tag longer than 1 MB.", code="corrupt")
            for match in _MERGE_CELL.finditer(text, 0, cut):
                min_col, min_row, max_col, max_row = range_boundaries(match[1].decode())
                found.append(((min_row - 1, min_col - 1), (max_row - 1, max_col - 1)))
            check_merged(len(found), limits)
            tail = text[cut:]
    for match in _MERGE_CELL.finditer(tail):
        min_col, min_row, max_col, max_row = range_boundaries(match[1].decode())
        found.append(((min_row - 1, min_col - 1), (max_row - 1, max_col - 1)))
    check_merged(len(found), limits)
    return found


def _is_large(data: bytes) -> bool:
    """Whether a part of this xlsx (a sheet may have any name) holds more than STREAM_ABOVE
    bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(info.file_size > STREAM_ABOVE for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # calamine says what is wrong with it


@contextlib.contextmanager
def _openpyxl_errors() -> Iterator[None]:
    """openpyxl's failures (defusedxml's refusals among them) → SheetFormatError."""
    try:
        yield
    except (KeyboardInterrupt, SystemExit, MemoryError, GeneratorExit, SheetError):
        raise
    except Exception as exc:
        raise SheetFormatError(
            f"The file is not a readable Excel workbook ({type(exc).__name__}).", code="corrupt"
        ) from exc


def _streamed_sheets(data: bytes, counter: RowCounter) -> list[SheetSource]:
    """openpyxl parses with defusedxml (a dependency) as a second guard behind
    ``check_package``, which has refused any DTD already."""
    with _openpyxl_errors():
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        archive = workbook._archive
        return [StreamedSheet(archive, sheet, counter) for sheet in workbook.worksheets
                if hasattr(sheet, "_worksheet_path")]


def open_sheets(
    source: str | PathLike[str] | bytes | BinaryIO, filename: str,
    limits: SheetLimits | None = None,
) -> list[SheetSource]:
    """Every worksheet of an upload (SheetFormatError as ``read_workbook`` raises it).

    ``limits`` (default: the settings') are checked as the rows are read: a SheetLimitError
    may come from ``rows()`` too."""
    limits = limits or import_limits()
    if PurePath(filename).suffix.lower() not in EXCEL_EXTENSIONS:
        return [ListSheet(raw) for raw in read_workbook(source, filename, limits)]
    data = _read_bytes(source, limits.max_bytes)
    check_bytes(len(data), limits)
    if not data.strip():
        raise SheetFormatError("The file is empty.", code="empty")
    if _looks_like_html(data):
        raise SheetFormatError(
            "This file is a web page saved with an Excel extension; "
            "open it in Excel or WPS and save it as .xlsx.",
            code="html_disguised",
        )
    large = PurePath(filename).suffix.lower() in _ZIPPED and _is_large(data)
    # Before any XML of it is parsed, whatever the extension; calamine's extent is measured.
    check_package(data, limits, measure=not large)
    counter = RowCounter(limits)
    if large:
        return _streamed_sheets(data, counter)
    with calamine_errors():
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = [meta for meta in workbook.sheets_metadata
                 if meta.typ == SheetTypeEnum.WorkSheet]
    return [ExcelSheet(workbook, meta.name, meta.visible != SheetVisibleEnum.Visible, counter)
            for meta in metas]
