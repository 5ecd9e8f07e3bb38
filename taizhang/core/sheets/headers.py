"""Find the header of a ledger sheet and map its columns to fields.

Real sheets put title rows above the header, merge header cells over two rows, and state the
money unit (万元/亿元) in a column header, in a merged group header above it, or in a
"单位：万元" line under the title.  ``locate_header`` copes with all of these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import SheetFormatError
from .normalize import clean_text, header_key

Synonym = str | re.Pattern[str]

#: Multiplier that converts an amount in the given unit to 万元.
UNIT_TO_WAN: dict[str, Decimal] = {
    "元": Decimal("0.0001"),
    "万元": Decimal(1),
    "亿元": Decimal(10000),
}
_UNIT = r"(万元|亿元|元)"
_BRACKET_TAIL = re.compile(r"(.*?)[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]")
_SLASH_UNIT = re.compile(rf"(.+?)/{_UNIT}")
_BRACKET_UNIT = re.compile(rf"(?:单位:?)?{_UNIT}")
_SHEET_UNIT = re.compile(rf"单位:?{_UNIT}")
_DECORATION = "*★☆※:"


@dataclass
class HeaderMap:
    """Where each field's column is, and how to read it.

    ``columns``/``labels``/``units`` only hold fields that were found.  ``units`` are
    multipliers to 万元 (亿元 → 10000).  Row indices are 0-based like ``RawSheet.rows``.
    """

    columns: dict[str, int]
    units: dict[str, Decimal]
    header_rows: tuple[int, ...]
    data_start: int
    labels: dict[str, str]
    missing: list[str]
    unmatched: list[str]
    duplicates: dict[str, list[int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when a header was found and every required field has a column."""
        return bool(self.header_rows) and not self.missing

    def cell(self, row: Sequence[object], name: str) -> object:
        """The value of field ``name`` in ``row`` (None if the field or cell is absent)."""
        index = self.columns.get(name)
        if index is None or index >= len(row):
            return None
        return row[index]

    def require(self) -> HeaderMap:
        """Return self, or raise SheetFormatError naming the missing required fields."""
        if self.missing:
            raise SheetFormatError(
                "Required columns not found: " + ", ".join(self.missing) + ".",
                code="missing_columns",
            )
        return self


def split_unit(text: object) -> tuple[list[str], Decimal | None]:
    """Header text → (match keys, multiplier to 万元 or None).

    "总投资（亿元）" → (["总投资"], 10000); "完成率(%)" → (["完成率(%)", "完成率"], None).
    """
    key = header_key(text).strip(_DECORATION)
    if match := _SLASH_UNIT.fullmatch(key):
        return [match[1]], UNIT_TO_WAN[match[2]]
    if match := _BRACKET_TAIL.fullmatch(key):
        base, inner = match[1], match[2]
        if unit := _BRACKET_UNIT.fullmatch(inner):
            return [base], UNIT_TO_WAN[unit[1]]
        return [key, base], None
    return [key], None


def _unit_of_text(text: str) -> Decimal | None:
    """Unit stated anywhere in a group header or title line ("投资情况（单位：亿元）")."""
    unit = split_unit(text)[1]
    if unit is None and (match := _SHEET_UNIT.search(header_key(text))):
        unit = UNIT_TO_WAN[match[1]]
    return unit


@dataclass
class _Column:
    index: int
    label: str
    group: str = ""


class _Matcher:
    def __init__(self, fields: Mapping[str, Sequence[Synonym]]) -> None:
        self.exact: dict[str, set[str]] = {}
        self.patterns: dict[str, list[re.Pattern[str]]] = {}
        for name, synonyms in fields.items():
            self.exact[name] = set()
            self.patterns[name] = []
            for synonym in synonyms:
                if isinstance(synonym, re.Pattern):
                    self.patterns[name].append(synonym)
                else:
                    self.exact[name].update(split_unit(synonym)[0])

    def fields_for(self, keys: list[str]) -> list[str]:
        """Fields (in declaration order) that any of ``keys`` names."""
        return [
            name
            for name in self.exact
            if any(key in self.exact[name] for key in keys)
            or any(p.fullmatch(key) for p in self.patterns[name] for key in keys)
        ]


@dataclass
class _Layout:
    header_rows: tuple[int, ...]
    columns: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    own_units: dict[str, Decimal | None] = field(default_factory=dict)
    group_units: dict[str, Decimal | None] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    duplicates: dict[str, list[int]] = field(default_factory=dict)


def _single_row(rows: Sequence[Sequence[object]], r: int) -> list[_Column]:
    return [_Column(c, clean_text(value)) for c, value in enumerate(rows[r])]


def _two_rows(rows: Sequence[Sequence[object]], r: int) -> list[_Column]:
    """Lower text wins; an empty lower cell means the upper cell is merged down over it.

    An upper cell with text over a non-empty lower cell starts a group header that is carried
    right until the next non-empty upper cell (merged cells only keep the top-left value).
    """
    upper, lower = rows[r], rows[r + 1]
    columns, group = [], ""
    for c in range(max(len(upper), len(lower))):
        top = clean_text(upper[c]) if c < len(upper) else ""
        bottom = clean_text(lower[c]) if c < len(lower) else ""
        if top:
            group = top if bottom else ""
        elif not bottom:
            group = ""
        columns.append(_Column(c, bottom or top, group if bottom else ""))
    return columns


def _assign(columns: list[_Column], matcher: _Matcher, header_rows: tuple[int, ...]) -> _Layout:
    layout = _Layout(header_rows)
    for column in columns:
        if not column.label:
            continue
        keys, unit = split_unit(column.label)
        names = matcher.fields_for(keys)
        if not names:
            layout.unmatched.append(column.label)
            continue
        free = [name for name in names if name not in layout.columns]
        if not free:
            layout.duplicates.setdefault(names[0], []).append(column.index)
            continue
        name = free[0]
        layout.columns[name] = column.index
        layout.labels[name] = column.label
        layout.own_units[name] = unit
        layout.group_units[name] = _unit_of_text(column.group) if column.group else None
    return layout


def _is_column_number_row(row: Sequence[object]) -> bool:
    """The "1 2 3 4 …" row some templates put under the header to number the columns."""
    texts = [text for text in map(clean_text, row) if text]
    if len(texts) < 3 or not all(text.isdigit() for text in texts):
        return False
    return [int(text) for text in texts] == list(range(1, len(texts) + 1))


def locate_header(
    rows: Sequence[Sequence[object]],
    fields: Mapping[str, Sequence[Synonym]],
    *,
    required: Iterable[str],
    max_scan: int = 15,
) -> HeaderMap:
    """Pick the one- or two-row header within the first ``max_scan`` rows naming most fields.

    Synonyms are compared after normalisation (half-width, no whitespace, trailing unit such as
    "（万元）" removed); ``re.Pattern`` synonyms must fullmatch.  The best candidate matches the
    most required fields, then the most fields; ties prefer one header row, then the earliest.
    Never raises for a poor sheet: check ``HeaderMap.ok`` / ``missing`` or call ``require()``.
    """
    required = list(required)
    unknown = [name for name in required if name not in fields]
    if unknown:
        raise ValueError(f"required fields not declared in fields: {unknown}")
    matcher = _Matcher(fields)
    best: _Layout | None = None
    best_score: tuple[int, ...] = (0, 0)
    limit = min(max_scan, len(rows))
    for r in range(limit):
        candidates = [_assign(_single_row(rows, r), matcher, (r,))]
        if r + 1 < limit:
            candidates.append(_assign(_two_rows(rows, r), matcher, (r, r + 1)))
        for layout in candidates:
            found = sum(name in layout.columns for name in required)
            score = (found, len(layout.columns), -len(layout.header_rows), -r)
            if len(layout.columns) and score > best_score:
                best, best_score = layout, score
    if best is None:
        return HeaderMap({}, {}, (), 0, {}, list(required), [])
    return _finish(rows, best, required)


def _finish(rows: Sequence[Sequence[object]], layout: _Layout, required: list[str]) -> HeaderMap:
    first = layout.header_rows[0]
    sheet_unit = next(
        (
            unit
            for row in rows[:first]
            for value in row
            if (text := clean_text(value)) and (unit := _unit_of_text(text)) is not None
        ),
        None,
    )
    units = {
        name: layout.own_units[name] or layout.group_units[name] or sheet_unit or Decimal(1)
        for name in layout.columns
    }
    data_start = layout.header_rows[-1] + 1
    if data_start < len(rows) and _is_column_number_row(rows[data_start]):
        data_start += 1
    return HeaderMap(
        columns=dict(layout.columns),
        units=units,
        header_rows=layout.header_rows,
        data_start=data_start,
        labels=dict(layout.labels),
        missing=[name for name in required if name not in layout.columns],
        unmatched=list(layout.unmatched),
        duplicates={name: list(idx) for name, idx in layout.duplicates.items()},
    )
