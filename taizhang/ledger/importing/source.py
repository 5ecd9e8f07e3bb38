"""The sheets of an upload, read lazily: the first rows for the header, then one row at a time.

``taizhang.core.sheets.read_workbook`` turns a whole workbook into Python lists; for a
100,000-row ledger that grid alone is several hundred MB.  Here an Excel sheet stays in
calamine's compact form and its rows become Python lists only as the parser reaches them
(CSV files are small and are read whole).  Row index 0 is spreadsheet row 1, empty cells are
None, as in ``RawSheet``.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from os import PathLike
from pathlib import PurePath
from typing import Any, BinaryIO

from python_calamine import (
    CalamineError,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from taizhang.core.sheets import MergedRange, RawSheet, SheetFormatError, read_workbook
from taizhang.core.sheets.reader import EXCEL_EXTENSIONS, _looks_like_html, _read_bytes

#: Rows read ahead for the header: ``locate_header`` scans 15, plus a column-number row.
HEAD_ROWS = 24

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

    def __init__(self, workbook: CalamineWorkbook, name: str, hidden: bool) -> None:
        self.name, self.hidden = name, hidden
        with calamine_errors():
            self._sheet: Any = workbook.get_sheet_by_name(name)
            self.merged = list(self._sheet.merged_cell_ranges or [])
            self._iter = self._all_rows()
            self.head = [row for _, row in zip(range(HEAD_ROWS), self._iter, strict=False)]

    def _all_rows(self) -> Iterator[Row]:
        top, left = self._sheet.start or (0, 0)
        for _ in range(top):
            yield []
        pad = [None] * left
        for cells in self._sheet.iter_rows():
            yield [*pad, *(None if cell == "" else cell for cell in cells)]
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
    except (KeyboardInterrupt, SystemExit, MemoryError, GeneratorExit):
        raise
    except BaseException as exc:  # a Rust panic surfaces as pyo3's PanicException
        raise SheetFormatError(
            f"The file is not a readable Excel workbook ({type(exc).__name__}).", code="corrupt"
        ) from exc


def open_sheets(
    source: str | PathLike[str] | bytes | BinaryIO, filename: str
) -> list[SheetSource]:
    """Every worksheet of an upload (SheetFormatError as ``read_workbook`` raises it)."""
    if PurePath(filename).suffix.lower() not in EXCEL_EXTENSIONS:
        return [ListSheet(raw) for raw in read_workbook(source, filename)]
    data = _read_bytes(source)
    if not data.strip():
        raise SheetFormatError("The file is empty.", code="empty")
    if _looks_like_html(data):
        raise SheetFormatError(
            "This file is a web page saved with an Excel extension; "
            "open it in Excel or WPS and save it as .xlsx.",
            code="html_disguised",
        )
    with calamine_errors():
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = [meta for meta in workbook.sheets_metadata
                 if meta.typ == SheetTypeEnum.WorkSheet]
    return [ExcelSheet(workbook, meta.name, meta.visible != SheetVisibleEnum.Visible)
            for meta in metas]
