"""Sheet → typed row records and cell errors.  Reads only: never touches the database."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from taizhang.accounts.models import Division, Organization
from taizhang.core.codes import PROJECT_CODE_RE
from taizhang.core.limits import first_too_long
from taizhang.core.money import CENT, MAX_WAN, ZERO
from taizhang.core.sheets import (
    CellError,
    DataRow,
    HeaderMap,
    MergedRange,
    classify_row,
    clean_text,
    column_letter,
    header_key,
    is_blank_row,
    locate_header,
    parse_date,
    parse_decimal,
    to_halfwidth,
)
from taizhang.core.sheets.normalize import is_blank_text
from taizhang.ledger.importing import columns as C
from taizhang.ledger.importing.result import ImportTotals, RowError, SheetTotals
from taizhang.ledger.importing.source import SheetSource
from taizhang.ledger.models import MonthlyReport, Project

#: Texts typed in a date column meaning "not known yet".
_NO_DATE = frozenset({"待定", "未定", "暂定", "暂无", "无", "未开工"})
# The column each single-line cell ends up in: its limit is that column's (core/limits.py).
_STORED_IN: dict[str, tuple[type[Model], str]] = {
    "code": (Project, "code"), "name": (Project, "name"), "address": (Project, "address"),
    "contact_name": (Project, "contact_name"), "contact_phone": (Project, "contact_phone"),
    "owner": (Organization, "name"), "unit": (Organization, "name"),
    "township": (Division, "name"),
}
_PHONE = re.compile(r"(?:\+?86[- ]?)?(1\d{10}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|\d{7,8})")
_LEADER_BRACKET = re.compile(r"(.+?)\s*\((.*?)\)")
_LEADER_SPACE = re.compile(r"(\S+)\s+(.+)")
_LIST_SPLIT_OR_BRACKET = re.compile(r"[、,，;；/]+|[()]")
_YEAR_MONTH = re.compile(r"(\d{4})年(\d{1,2})月(?!\d{1,2}[日号])")
_YEAR = re.compile(r"((?:19|20)\d{2})年")


@dataclass
class RowRecord:
    """One project row: parsed values (only non-blank cells) and where each came from."""

    sheet: str
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, object] = field(default_factory=dict)
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)  # field → (label, letter)
    failed: set[str] = field(default_factory=set)
    filled: set[str] = field(default_factory=set)  # fields with a value (not blank, not ignored)

    def error(self, name: str | None, reason: str, value: object = None) -> RowError:
        label, letter = self.columns.get(name, ("", "")) if name else ("", "")
        shown = self.raw.get(name) if value is None and name else value
        return RowError(self.sheet, self.row, label, letter, _shown(shown), str(reason))

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


@dataclass
class DetectedPeriod:
    year: int | None = None
    month: int | None = None
    ambiguous: bool = False


@dataclass
class ParsedLedger:
    """The sheets with a ledger header; their rows are read by ``records()``, once."""

    sheets: list[LedgerSheet] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    totals: ImportTotals = field(default_factory=ImportTotals)
    detected: DetectedPeriod = field(default_factory=DetectedPeriod)
    fields: set[str] = field(default_factory=set)

    def records(self) -> Iterator[RowRecord]:
        for sheet in self.sheets:
            yield from sheet_records(sheet, self)


def _shown(value: object) -> str:
    if value is None:
        return ""
    text = clean_text(value)
    return text if len(text) <= 80 else text[:77] + "…"


def cell_reason(exc: CellError) -> str:
    """The translated reason for a cell the sheets package could not read."""
    reasons = {
        "not_a_number": _("Not a number."),
        "too_large": _("The number is too large."),
        "negative": _("Amounts cannot be negative."),
        "bad_date": _("Not a recognised date (write e.g. 2022-03-15, 2022.3 or 2022年3月)."),
        "bad_month": _("No such month."),
    }
    return reasons.get(exc.code, exc.reason)


# ------------------------------------------------------------------ single cells


def parse_money(value: object, unit: Decimal) -> Decimal | None:
    """An amount in the column's unit → 万元 with two places; CellError if unreadable."""
    number = parse_decimal(value, allow_negative=False)
    if number is None:
        return None
    amount = (number * unit).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount > MAX_WAN:
        raise CellError("too large", code="too_large", value=value)
    return amount


def line_text(value: object) -> str:
    """Single-line text: stray, doubled and padding whitespace removed."""
    return clean_text(value)


def block_text(value: object) -> str:
    """Long text: line breaks kept, each line trimmed, blank edges dropped."""
    if value is None:
        return ""
    if isinstance(value, float | int):
        return clean_text(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def parse_code(value: object) -> str:
    text = re.sub(r"\s+", "", to_halfwidth(clean_text(value)))
    return re.sub(r"[—–－‐]", "-", text).upper()


def parse_leader(value: object) -> tuple[str, str, int]:
    """"王建国（副市长）" / "王建国 副市长" → ("王建国", "副市长", number of other names)."""
    text = re.sub(r"\s+", " ", to_halfwidth(str(value))).strip()
    parts = [part.strip() for part in _split_outside_brackets(text) if part.strip()]
    first = parts[0] if parts else ""
    if match := _LEADER_BRACKET.fullmatch(first):
        name, title = match[1], match[2]
    elif match := _LEADER_SPACE.fullmatch(first):
        name, title = match[1], match[2]
    else:
        name, title = first, ""
    return clean_text(name), clean_text(title), max(len(parts) - 1, 0)


def _split_outside_brackets(text: str) -> list[str]:
    """Split a list of names on 、,;/ but not inside brackets: "严立新(市委常委、宣传部部长)"
    is one leader whose title has a 、 (the exporter writes titles like that)."""
    parts, depth, start = [], 0, 0
    for match in _LIST_SPLIT_OR_BRACKET.finditer(text):
        token = match[0]
        if token == "(":
            depth += 1
        elif token == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def parse_contact(value: object) -> tuple[str, str]:
    """"张三 13800000000" → ("张三", "13800000000")."""
    text = to_halfwidth(clean_text(value))
    match = _PHONE.search(text)
    if not match:
        return clean_text(text), ""
    name = (text[: match.start()] + text[match.end():]).strip(" ,，;；:：/、()（）")
    return clean_text(name), match[0].strip()


def _choice(index: dict[str, object], value: object) -> object | None:
    return index.get(C.word_key(value))


def parse_industry(value: object) -> str | None:
    key = C.word_key(value)
    if len(key) >= 1 and "a" <= key[0] <= "t" and (len(key) == 1 or not key[1].isascii()):
        return key[0].upper()
    found = C.INDUSTRY_INDEX.get(key) or C.INDUSTRY_INDEX.get(key.removesuffix("业"))
    return str(found) if found else None


def parse_levels(value: object) -> list[tuple[str, str]] | None:
    """"省重点、市重点" → [(province, key), (prefecture, key)]; None if any word is unknown."""
    found: list[tuple[str, str]] = []
    for word in C.LEVEL_SEPARATORS.split(to_halfwidth(clean_text(value))):
        if not word:
            continue
        level = C.LEVEL_INDEX.get(C.word_key(word))
        if level is None:
            return None
        if level not in found:
            found.append(level)  # type: ignore[arg-type]
    return found


# ------------------------------------------------------------------ rows


def _parse_cell(record: RowRecord, name: str, raw: object, hmap: HeaderMap) -> list[RowError]:
    """Store the parsed value of one cell in ``record.values``; return its errors."""
    values = record.values
    try:
        if name in C.MONEY_FIELDS:
            values[name] = parse_money(raw, hmap.units.get(name, Decimal(1)))
        elif name in C.DATE_FIELDS:
            if clean_text(raw) in _NO_DATE:
                return []
            values[name] = parse_date(raw)
        elif name in C.BLOCK_FIELDS:
            text = block_text(raw)
            over = first_too_long(Project if name == "scale_content" else MonthlyReport,
                                  {name: text})
            if over:
                return [record.error(name, over[1])]
            values[name] = text
        elif name == "code":
            code = parse_code(raw)
            if not PROJECT_CODE_RE.match(code):
                return [record.error(name, _(
                    "Not a national project code of the form YYYY-AAAAAA-DD-TT-RRRRRC."))]
            values[name] = code
        elif name == "leader":
            person, title, others = parse_leader(raw)
            if len(person) > 64 or len(title) > 64:
                return [record.error(name, _("The leader's name or title is too long."))]
            if person:
                values[name] = (person, title, others)
        elif name == "contact":
            person, phone = parse_contact(raw)
            if person and "contact_name" not in values:
                values["contact_name"] = person
            if phone and "contact_phone" not in values:
                values["contact_phone"] = phone
        elif name in _CHOICE_PARSERS:
            choice = _CHOICE_PARSERS[name](raw)
            if choice is None:
                raise _Unknown
            values[name] = choice
        else:
            text = line_text(raw)
            if name in _STORED_IN:
                model, column = _STORED_IN[name]
                over = first_too_long(model, {column: text})
                if over:
                    return [record.error(name, over[1])]
            values[name] = text
    except CellError as exc:
        values.pop(name, None)
        record.failed.add(name)
        return [record.error(name, cell_reason(exc))]
    except _Unknown:
        values.pop(name, None)
        record.failed.add(name)
        return [record.error(name, _UNKNOWN_REASONS[name]())]
    return []


class _Unknown(Exception):
    """A word in a choice column that is none of the known ones."""


_CHOICE_PARSERS: dict[str, Any] = {
    "nature": lambda raw: _choice(C.NATURE_INDEX, raw),
    "stage": lambda raw: _choice(C.STAGE_INDEX, raw),
    "project_type": lambda raw: _choice(C.TYPE_INDEX, raw),
    "industry": parse_industry,
    "level": parse_levels,
}

_UNKNOWN_REASONS = {
    "nature": lambda: _("Unknown nature of construction (use 新建, 扩建, 改建, 迁建, 恢复, "
                        "单纯购置 or 技术改造)."),
    "stage": lambda: _("Unknown stage (use 谋划, 前期, 在建, 竣工投产, 暂缓 or 终止)."),
    "project_type": lambda: _("Unknown project type (use 产业, 基础设施, 社会事业, 房地产, "
                              "现代服务业, 农业 or 其他)."),
    "industry": lambda: _("Unknown industry (use a GB/T 4754 section letter A–T or its name)."),
    "level": lambda: _("Unknown project level (use 省重点, 省重点前期, 市重点, 县重点…)."),
}


def _record(sheet: str, hmap: HeaderMap, number: int, cells: list[object],
            columns: dict[str, tuple[str, str]]) -> tuple[RowRecord, list[RowError]]:
    record = RowRecord(sheet, number, columns=columns)
    errors: list[RowError] = []
    # "contact" is read last so separate 联系人/电话 columns win over a combined one.
    order = sorted(hmap.columns, key=lambda name: name == "contact")
    for name in order:
        raw = hmap.cell(cells, name)
        record.raw[name] = raw
        if raw is None or name in C.IGNORED_FIELDS or (
                type(raw) is str and is_blank_text(raw)):
            continue  # blank as clean_text sees it (a number or date never is)
        record.filled.add(name)
        errors += _parse_cell(record, name, raw, hmap)
    return record, errors


def _total_values(
    record: RowRecord, cells: list[object], hmap: HeaderMap
) -> tuple[dict[str, Decimal], list[RowError]]:
    values: dict[str, Decimal] = {}
    errors = []
    for name in C.MONEY_FIELDS:
        if name not in hmap.columns:
            continue
        raw = hmap.cell(cells, name)
        record.raw[name] = raw
        try:
            amount = parse_money(raw, hmap.units.get(name, Decimal(1)))
        except CellError as exc:
            errors.append(record.error(name, cell_reason(exc)))
            continue
        if amount is not None:
            values[name] = amount
    return values, errors


def _check_totals(sheet_totals: SheetTotals, total: RowRecord, values: dict[str, Decimal],
                  counts: dict[str, int], failed: set[str], hmap: HeaderMap) -> list[RowError]:
    errors = []
    for name in C.TOTAL_CHECKED:
        if name not in values or name in failed:
            continue
        summed = sheet_totals.sums.get(name, ZERO)
        unit = hmap.units.get(name, Decimal(1))
        tolerance = CENT * unit * max(counts.get(name, 0), 1)
        if abs(values[name] - summed) > tolerance:
            errors.append(total.error(name, _(
                "The total %(total)s does not match the sum of the project rows %(sum)s "
                "(万元).") % {"total": values[name], "sum": summed}))
    return errors


@dataclass
class LedgerSheet:
    """A sheet with a ledger header, its rows still to be read."""

    source: SheetSource
    hmap: HeaderMap
    columns: dict[str, tuple[str, str]]  # field → (label, letter), shared by its records


def read_header(sheet: SheetSource, ledger: ParsedLedger) -> LedgerSheet | None:
    """Find the ledger header of a sheet (None if it has none); note its column warnings and
    the period it names."""
    hmap = locate_header(sheet.head, C.FIELDS, required=C.REQUIRED)
    if not hmap.ok or len(hmap.columns) < 3:
        return None
    columns = {name: (hmap.labels[name], column_letter(index))
               for name, index in hmap.columns.items()}
    for label in hmap.unmatched:
        ledger.warnings.append(RowError(sheet.name, None, label, "", "",
                                        _("This column is not imported.")))
    for name, indices in hmap.duplicates.items():
        for index in indices:
            ledger.warnings.append(RowError(
                sheet.name, None, clean_text(_header_text(sheet, hmap, index)),
                column_letter(index), "",
                _("A second “%(label)s” column; only the first is read.")
                % {"label": hmap.labels[name]}))
    ledger.fields |= set(hmap.columns)
    _detect_period(sheet, hmap, ledger.detected)
    return LedgerSheet(sheet, hmap, columns)


def _body(sheet: LedgerSheet) -> Iterator[DataRow]:
    """The non-blank rows under the header, the merged cells of the fill-down columns filled
    (the same as ``fill_merged`` + ``iter_data_rows``, one row at a time)."""
    hmap = sheet.hmap
    fill = {hmap.columns[name] for name in C.FILL_DOWN if name in hmap.columns}
    starting: dict[int, list[MergedRange]] = {}
    for merged in sheet.source.merged:
        (top, left), _end = merged
        if top >= hmap.data_start and left in fill:
            starting.setdefault(top, []).append(merged)
    active: list[tuple[int, int, int, object]] = []  # (left, right, bottom, value)
    name_col = hmap.columns.get("name")
    for index, row in sheet.source.rows(hmap.data_start):
        if starting or active:
            for (_top, left), (bottom, right) in starting.pop(index, []):
                active.append((left, right, bottom, row[left] if left < len(row) else None))
            active = [span for span in active if span[2] >= index]
            for left, right, _bottom, value in active:
                for c in range(left, min(right, len(row) - 1) + 1):
                    row[c] = value
        if is_blank_row(row):
            continue
        kind, label = classify_row(row, name_col)
        yield DataRow(number=index + 1, cells=row, kind=kind, label=label)


def sheet_records(sheet: LedgerSheet, ledger: ParsedLedger) -> Iterator[RowRecord]:
    """The project rows of one sheet, parsed; their errors and the sheet's totals (checked
    against its 合计 row at the end) go to ``ledger``."""
    source, hmap, columns = sheet.source, sheet.hmap, sheet.columns
    totals = SheetTotals(source.name)
    counts: dict[str, int] = {}
    failed: set[str] = set()
    total_rows: list[tuple[RowRecord, list[object]]] = []
    for data_row in _body(sheet):
        if data_row.kind == "total":
            total_rows.append((RowRecord(source.name, data_row.number, columns=columns),
                               data_row.cells))
            continue
        if data_row.kind != "data":
            continue
        record, errors = _record(source.name, hmap, data_row.number, data_row.cells, columns)
        meaningful = record.filled
        if not meaningful:
            continue
        if meaningful <= {"name"}:
            ledger.warnings.append(record.error("name", _(
                "Skipped: a row with only a name looks like a heading, not a project.")))
            continue
        ledger.errors += errors
        totals.projects += 1
        failed |= record.failed
        for name in C.MONEY_FIELDS:
            if record.values.get(name) is not None:
                totals.sums[name] = totals.sums.get(name, ZERO) + record.values[name]
                counts[name] = counts.get(name, 0) + 1
        yield record
    for name in C.MONEY_FIELDS:
        if name in hmap.columns:
            totals.sums.setdefault(name, ZERO)
    for total, cells in total_rows:
        values, errors = _total_values(total, cells, hmap)
        ledger.errors += errors
        ledger.errors += _check_totals(totals, total, values, counts, failed, hmap)
        totals.total_row, totals.total_row_values = total.row, values
    ledger.totals.add(totals)


def _header_text(sheet: SheetSource, hmap: HeaderMap, index: int) -> object:
    for r in reversed(hmap.header_rows):
        row = sheet.head[r]
        if index < len(row) and clean_text(row[index]):
            return row[index]
    return ""


def _detect_period(sheet: SheetSource, hmap: HeaderMap, detected: DetectedPeriod) -> None:
    """Year and month of the sheet from "2022年1-7月", "1-7月累计完成", "2022年7月"…"""
    titles = [sheet.name] + [
        text for row in sheet.head[: hmap.header_rows[0]] for v in row if (text := clean_text(v))
    ]
    keys = [header_key(text) for text in titles]
    ytd_label = header_key(hmap.labels.get("ytd", ""))
    year = month = None
    for text in [ytd_label, *keys]:
        if match := C.YTD_RANGE.search(text):
            month = int(match[2])
            year = int(match[1]) if match[1] else None
            break
    if month is None:
        for text in keys:
            if match := _YEAR_MONTH.search(text):
                year, month = int(match[1]), int(match[2])
                break
    if year is None:
        for text in [*keys, header_key(hmap.labels.get("annual_plan", "")), ytd_label]:
            if match := _YEAR.search(text):
                year = int(match[1])
                break
    for attr, value in (("year", year), ("month", month)):
        if value is None:
            continue
        known = getattr(detected, attr)
        if known is not None and known != value:
            detected.ambiguous = True
        elif known is None:
            setattr(detected, attr, value)


def parse_ledger(sheets: Iterable[SheetSource]) -> ParsedLedger:
    """Every visible sheet that has a ledger header → one ParsedLedger.

    Only the headers are read here; ``ParsedLedger.records()`` then reads the rows.
    """
    ledger = ParsedLedger()
    for sheet in sheets:
        if sheet.hidden or sheet.empty:
            continue
        found = read_header(sheet, ledger)
        if found is not None:
            ledger.sheets.append(found)
        else:
            ledger.warnings.append(RowError(sheet.name, None, "", "", "", _(
                "Skipped: no ledger header (a 项目名称 column) in the first rows.")))
    if not ledger.sheets:
        ledger.errors.append(RowError("", None, "", "", "", _(
            "No sheet has a ledger header: a row naming at least 项目名称 and two other "
            "columns (建设单位, 总投资, …).")))
    return ledger


def period_of(detected: DetectedPeriod) -> tuple[int | None, int | None]:
    if detected.ambiguous:
        return None, None
    return detected.year, detected.month

