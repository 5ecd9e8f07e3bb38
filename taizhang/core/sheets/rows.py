"""Walk the body of a ledger sheet, telling project rows from totals, sections and notes.

Totals (合计/总计), subtotals (小计), section headings ("一、续建项目") and footnotes
("填报人：…") sit between the project rows.  They must never be imported as projects, but the
caller wants the 合计 row to cross-check its sums, so they are yielded with their own ``kind``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from .headers import HeaderMap
from .normalize import clean_text, header_key, to_halfwidth
from .reader import MergedRange

RowKind = Literal["data", "total", "subtotal", "section", "note"]

_TOTAL = re.compile(r"(?:全[市县区省部]|总|共)?(?:合计|总计)")
_SUBTOTAL = re.compile(r".{0,12}?(?:小计|合计|总计)")
_BRACKET_TAIL = re.compile(r"(.+?)[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]")
_CN_NUMERAL = "一二三四五六七八九十"
#: "一", "一、基础设施", "（一）交通", and sub-sections written "——铁路" (a dash before the name).
_SECTION = re.compile(
    rf"[{_CN_NUMERAL}]+|[{_CN_NUMERAL}]+[、.].*|\([{_CN_NUMERAL}]+\).*|[—–－\-―]{{1,3}}[^—–－\-―\d].*")
_NOTE = re.compile(
    r"(?:注\d*|备注|说明|填表说明|填报说明|填报人|填表人|制表人?|审核人?|负责人|联系人|联系电话)[:].*"
)


@dataclass
class DataRow:
    """One non-blank body row; ``number`` is the 1-based row number the user sees in Excel."""

    number: int
    cells: list[object]
    kind: RowKind = "data"
    label: str = ""


def is_blank_row(row: Iterable[object]) -> bool:
    """True when every cell is empty or only whitespace."""
    return not any(clean_text(value) for value in row)


def _total_kind(value: object) -> Literal["total", "subtotal"] | None:
    if not isinstance(value, str) or "计" not in value:
        return None  # every form below ends in 合计, 总计 or 小计 (a cell of every row)
    key = header_key(value).rstrip(":")
    if match := _BRACKET_TAIL.fullmatch(key):  # "合计（30个）"
        key = match[1]
    if _TOTAL.fullmatch(key):
        return "total"
    if _SUBTOTAL.fullmatch(key):
        return "subtotal"
    return None


def is_total_row(
    row: Sequence[object], name_col: int | None = None, *, scan: int = 3
) -> Literal["total", "subtotal"] | None:
    """Return "total" for 合计/总计 ("合  计", "全市合计"), "subtotal" for 小计/"续建项目合计".

    Looks in the first ``scan`` cells and in the project-name column.
    """
    indices = list(range(min(scan, len(row))))
    if name_col is not None and name_col < len(row) and name_col not in indices:
        indices.append(name_col)
    for index in indices:
        if kind := _total_kind(row[index]):
            return kind
    return None


def _first_text(row: Sequence[object], scan: int) -> str:
    return next((text for text in map(clean_text, row[:scan]) if text), "")


def classify_row(
    row: Sequence[object], name_col: int | None = None, *, scan: int = 3
) -> tuple[RowKind, str]:
    """Kind of a non-blank body row, plus its label text for non-data rows."""
    if kind := is_total_row(row, name_col, scan=scan):
        return kind, _first_text(row, len(row))
    first = _first_text(row, scan)
    key = header_key(first)
    if _SECTION.fullmatch(key):
        texts = [text for text in map(clean_text, row[:scan]) if text]
        return "section", " ".join(texts)
    if _NOTE.fullmatch(key):
        return "note", first
    return "data", ""


_SECTION_LEVELS = (
    re.compile(rf"[{_CN_NUMERAL}]+(?:[、.\s].*)?"),  # 一、基础设施 / 一 农林水利
    re.compile(rf"\([{_CN_NUMERAL}]+\).*"),  # （一）交通
    re.compile(r"[—–－\-―]{1,3}.+"),  # ——铁路
)


def section_level(label: str) -> int | None:
    """1 for 一、, 2 for （一）, 3 for a ——sub-section: a section holds the rows up to the next
    section of its level or above.  None for a label of none of these forms."""
    key = to_halfwidth(clean_text(label)).replace("（", "(").replace("）", ")")
    for level, pattern in enumerate(_SECTION_LEVELS, start=1):
        if pattern.fullmatch(key):
            return level
    return None


def iter_data_rows(
    rows: Sequence[Sequence[object]],
    header_map: HeaderMap,
    *,
    name_field: str | None = None,
    scan: int = 3,
) -> Iterator[DataRow]:
    """Yield the non-blank rows below the header with their Excel row numbers and kinds.

    ``name_field`` names the project-name field so a 合计 typed there is recognised too.
    """
    name_col = header_map.columns.get(name_field) if name_field else None
    for index in range(header_map.data_start, len(rows)):
        row = rows[index]
        if is_blank_row(row):
            continue
        kind, label = classify_row(row, name_col, scan=scan)
        yield DataRow(number=index + 1, cells=list(row), kind=kind, label=label)


def fill_merged(
    rows: Sequence[Sequence[object]],
    merged: Iterable[MergedRange],
    *,
    min_row: int = 0,
    columns: Iterable[int] | None = None,
) -> list[list[object]]:
    """Copy each merged range's top-left value into the rest of the range.

    Ledgers often merge e.g. the 县区 or 责任单位 cell down over several projects.  Only ranges
    starting at ``min_row`` or below (e.g. ``header_map.data_start``) and, if given, starting in
    one of ``columns`` are filled; amounts should normally not be, or they would be counted
    twice.  Returns a new grid.
    """
    filler = MergeFiller(merged, min_row=min_row, columns=columns)
    grid = [list(row) for row in rows]
    for index, row in enumerate(grid):
        filler.fill(index, row)
    return grid


class MergeFiller:
    """Fills merged ranges one row at a time, in row order.

    Each row's cells are written at most once whatever the ranges: where ranges overlap (a
    duplicated or nested range, which Excel never writes) the one starting last wins.  So the
    cost is the cells plus the ranges' widths, never ranges × rows.
    """

    def __init__(self, merged: Iterable[MergedRange], *, min_row: int = 0,
                 columns: Iterable[int] | None = None) -> None:
        wanted = set(columns) if columns is not None else None
        self._starting: dict[int, list[tuple[int, int, int]]] = {}
        for (top, left), (bottom, right) in merged:
            if top >= min_row and bottom >= top and right >= left and (
                    wanted is None or left in wanted):
                self._starting.setdefault(top, []).append((left, right, bottom))
        self._cover: dict[int, tuple[int, object]] = {}  # column → (last row, value)

    def fill(self, index: int, row: list[object]) -> None:
        if not (self._starting or self._cover):
            return
        for left, right, bottom in self._starting.pop(index, ()):
            value = row[left] if left < len(row) else None
            for column in range(left, min(right, len(row) - 1) + 1):
                self._cover[column] = (bottom, value)
        ended = [column for column, (bottom, _) in self._cover.items() if bottom < index]
        for column in ended:
            del self._cover[column]
        for column, (_, value) in self._cover.items():
            if column < len(row):
                row[column] = value


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → "A", 27 → "AB") for error messages."""
    if index < 0:
        raise ValueError("column index must not be negative")
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_ref(row_number: int, col_index: int) -> str:
    """Excel-style reference such as "D7" from a 1-based row number and 0-based column."""
    return f"{column_letter(col_index)}{row_number}"
