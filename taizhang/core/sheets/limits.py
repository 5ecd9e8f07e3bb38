"""How much of an upload the readers accept before refusing it, and the counting that enforces it.

Reading stops at the first row, cell or merged range over a limit: the cost of a refused
file is the cost of the rows up to the limit, never of the whole file.  The values come from
settings (``taizhang.ledger.importing.limits``); this package has no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SheetLimitError


@dataclass(frozen=True)
class SheetLimits:
    #: Spreadsheet rows read in one import, all sheets together (blank rows count).
    max_rows: int = 200_000
    #: Merged ranges in one sheet.
    max_merged: int = 50_000
    #: Bytes of the uploaded file.
    max_bytes: int = 50 << 20
    #: Rows × columns of one sheet.
    max_cells: int = 10_000_000
    #: Bytes of an xlsx package once unzipped, all its parts together.
    max_unzipped: int = 512 << 20
    #: Unzipped size over zipped size of one part (a part under 1 MB is not checked).
    max_ratio: int = 100


def too_many_rows(limit: int) -> SheetLimitError:
    return SheetLimitError(f"More than {limit} rows.", code="too_many_rows", limit=limit)


def too_many_cells(limit: int) -> SheetLimitError:
    return SheetLimitError(f"More than {limit} cells in a sheet.", code="too_many_cells",
                           limit=limit)


def check_bytes(size: int, limits: SheetLimits) -> None:
    if size > limits.max_bytes:
        raise SheetLimitError(f"The file is larger than {limits.max_bytes} bytes.",
                              code="too_large", limit=limits.max_bytes)


def check_merged(count: int, limits: SheetLimits) -> None:
    if count > limits.max_merged:
        raise SheetLimitError(f"More than {limits.max_merged} merged ranges in a sheet.",
                              code="too_many_merged", limit=limits.max_merged)


class RowCounter:
    """Counts the rows of one import as they are read and refuses the one over a limit.

    ``sheet()`` gives each sheet its own count, whose ``row(width)`` is called for each of its
    rows in order (the sheets' rows may be read interleaved).
    """

    def __init__(self, limits: SheetLimits) -> None:
        self.limits = limits
        self.rows = 0  # all sheets
        self._known = 0  # the rows of the sheets calamine has measured

    def sheet(self) -> SheetCount:
        return SheetCount(self)

    def whole_sheet(self, rows: int, width: int) -> None:
        """A sheet whose size is known before its rows are read (calamine has read it)."""
        self._known += rows
        if self._known > self.limits.max_rows:
            raise too_many_rows(self.limits.max_rows)
        if rows * width > self.limits.max_cells:
            raise too_many_cells(self.limits.max_cells)


class SheetCount:
    def __init__(self, counter: RowCounter) -> None:
        self._counter = counter
        self._rows = self._width = 0

    @property
    def limits(self) -> SheetLimits:
        return self._counter.limits

    def row(self, width: int) -> None:
        counter, limits = self._counter, self._counter.limits
        counter.rows += 1
        self._rows += 1
        self._width = max(self._width, width)
        if counter.rows > limits.max_rows:
            raise too_many_rows(limits.max_rows)
        if self._rows * self._width > limits.max_cells:
            raise too_many_cells(limits.max_cells)
