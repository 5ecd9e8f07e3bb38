"""Sheet → typed row records and cell errors.  Reads only: never touches the database."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.signals import setting_changed
from django.db.models import Model
from django.dispatch import receiver
from django.utils.translation import gettext as _

from taizhang.accounts.models import Division, Organization, Person
from taizhang.core.codes import PROJECT_CODE_RE
from taizhang.core.limits import first_too_long, text_limit
from taizhang.core.money import (
    CENT,
    MAX_TOTAL_WAN,
    MAX_WAN,
    ZERO,
    exceeds_cap,
    too_large_message,
)
from taizhang.core.sheets import (
    CellError,
    DataRow,
    HeaderMap,
    classify_row,
    clean_text,
    column_letter,
    header_key,
    is_blank_row,
    locate_header,
    parse_date,
    parse_decimal,
    section_level,
    to_halfwidth,
)
from taizhang.core.sheets.normalize import is_blank_text
from taizhang.core.sheets.rows import MergeFiller
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
        "amount_too_large": too_large_message(MAX_WAN),
        "total_too_large": too_large_message(MAX_TOTAL_WAN),
        "negative": _("Amounts cannot be negative."),
        "bad_date": _("Not a recognised date (write e.g. 2022-03-15, 2022.3 or 2022年3月)."),
        "bad_month": _("No such month."),
    }
    return reasons.get(exc.code, exc.reason)


# ------------------------------------------------------------------ single cells


def parse_money(value: object, unit: Decimal, *, total: bool = False) -> Decimal | None:
    """An amount in the column's unit → 万元 with two places; CellError if unreadable.

    A project's amount is capped at MAX_WAN; a 合计 row's value is a sum, not an amount to
    store, and is capped at MAX_TOTAL_WAN (a million amounts at the cap).
    """
    # The cap in 万元 is the bound here, whatever the column's unit (a total in 元 passes
    # the reader's general bound on numbers).
    number = parse_decimal(value, allow_negative=False, max_abs=None)
    if number is None:
        return None
    cap, code = (MAX_TOTAL_WAN, "total_too_large") if total else (MAX_WAN, "amount_too_large")
    amount = number * unit
    if amount.adjusted() <= cap.adjusted():  # only a number of the cap's size is rounded
        amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if exceeds_cap(amount, cap):
        raise CellError("too large", code=code, value=value)
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


class UnclearLeaders(ValueError):
    """A leader cell that cannot be split into names unambiguously."""


def parse_leaders(value: object) -> list[tuple[str, str]]:
    """The leaders of one cell as (name, title): "王建国（副市长）", "王建国 副市长", several
    separated by line breaks, 、,; or runs of spaces ("张捍声    黄朝军"), two-character names
    padded to line up ("任  远" is 任远).  UnclearLeaders when a part reads two ways."""
    text = to_halfwidth(str(value)).replace("\r", "\n")
    text = re.sub(r"[\u3000\xa0\t]", " ", text)
    leaders: list[tuple[str, str]] = []
    for line in text.split("\n"):
        for part in _split_outside_brackets(line):
            leaders += _leaders_of(part.strip())
    return leaders


_CJK_NAME = re.compile(r"[\u4e00-\u9fff·]{2,4}")
#: A title after a name ("副市长", "市委书记"): a 长 only after the body it heads, so a
#: two-character name ending in 长 stays a name.
_TITLE_WORD = re.compile(
    r".*(?:[市县区镇乡局部处科所院校委厅组队社站行司挥书事]长|书记|主任|委员|常委|主席|巡视员"
    r"|调研员|秘书|干部|经理)")


def _leaders_of(part: str) -> list[tuple[str, str]]:
    if not part:
        return []
    if match := _LEADER_BRACKET.fullmatch(part):
        return [(clean_text(match[1]).replace(" ", ""), clean_text(match[2]))]
    tokens = part.split()
    if not any("\u4e00" <= ch <= "\u9fff" for ch in part):
        return [(clean_text(part), "")]  # a name in Latin letters keeps its spaces
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if len(token) == 1:  # a padded name: "任  远", "欧 阳 明"
            run = [token]
            while i + len(run) < len(tokens) and len(tokens[i + len(run)]) == 1:
                run.append(tokens[i + len(run)])
            if len(run) not in (2, 3):
                raise UnclearLeaders(part)
            found.append(("".join(run), ""))
            i += len(run)
        elif found and _TITLE_WORD.fullmatch(token) and not found[-1][1]:
            found[-1] = (found[-1][0], token)
            i += 1
        elif _CJK_NAME.fullmatch(token) and not _TITLE_WORD.fullmatch(token):
            found.append((token, ""))
            i += 1
        else:
            raise UnclearLeaders(part)
    return found


def parse_leader(value: object) -> tuple[str, str, int]:
    """"王建国（副市长）" / "王建国 副市长" → ("王建国", "副市长", number of other names)."""
    leaders = parse_leaders(value)
    if not leaders:
        return "", "", 0
    name, title = leaders[0]
    return name, title, len(leaders) - 1


def parse_organizations(value: object) -> list[str]:
    """An owner or unit cell → its names: "待定" and the like are none, "A、B" are two."""
    text = line_text(value)
    if text in C.PLACEHOLDERS:
        return []
    names = [name.strip() for name in _split_outside_brackets(text.replace("/", "、"))]
    return [name for name in names if name and name not in C.PLACEHOLDERS]


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
            over = _too_long(Project if name == "scale_content" else MonthlyReport, name, text)
            if over:
                return [record.error(name, over)]
            values[name] = text
        elif name == "code":
            code = parse_code(raw)
            if not PROJECT_CODE_RE.match(code):
                return [record.error(name, _(
                    "Not a national project code of the form YYYY-AAAAAA-DD-TT-RRRRRC."))]
            values[name] = code
        elif name == "leader":
            try:
                leaders = parse_leaders(raw)
            except UnclearLeaders:
                record.failed.add(name)
                return [record.error(name, _(
                    "The leaders in this cell cannot be told apart: write one name per line or "
                    "separate them with 、."))]
            for person, title in leaders:
                over = _too_long(Person, "name", person) or _too_long(Person, "title", title)
                if over:
                    return [record.error(name, over)]
            if leaders:
                person, title = leaders[0]
                values[name] = (person, title, len(leaders) - 1)
                values["leader_others"] = [other for other, _title in leaders[1:]]
        elif name in ("owner", "unit"):
            names = parse_organizations(raw)
            model, column = _STORED_IN[name]
            for text in names:
                over = _too_long(model, column, text)
                if over:
                    return [record.error(name, over)]
            if names:
                values[name] = names[0]
                values[f"{name}_others"] = names[1:]
        elif name == "nature" and C.word_key(raw) in C.NATURE_STAGE_WORDS:
            nature, stage = C.NATURE_STAGE_WORDS[C.word_key(raw)]
            if nature:
                values["nature"] = nature
            values["stage_from_nature"] = stage
        elif name == "started":
            word = C.word_key(raw).casefold()
            if word in C.YES_WORDS:
                values[name] = True
            elif word in C.NO_WORDS:
                values[name] = False
            else:
                raise _Unknown
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
                over = _too_long(model, column, text)
                if over:
                    return [record.error(name, over)]
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


def _too_long(model: type[Model], column: str, text: str) -> str | None:
    """The error for a text over its column's limit (core/limits.py), else None."""
    limit = _text_limit(model, column)
    if limit is None or len(text) <= limit:
        return None
    over = first_too_long(model, {column: text})
    return over[1] if over else None


@functools.lru_cache(maxsize=64)
def _text_limit(model: type[Model], column: str) -> int | None:
    """``text_limit`` worked out once per column, not once per cell."""
    return text_limit(model, column)


@receiver(setting_changed)
def _limits_changed(**kwargs: Any) -> None:
    _text_limit.cache_clear()


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
    "started": lambda: _("Write 是 or 否."),
}


def _record(sheet: str, hmap: HeaderMap, number: int, cells: list[object],
            columns: dict[str, tuple[str, str]]) -> tuple[RowRecord, list[RowError]]:
    record = RowRecord(sheet, number, columns=columns)
    errors: list[RowError] = []
    width = len(cells)
    for name, index in _reading_order(tuple(hmap.columns.items())):
        raw = cells[index] if index < width else None  # hmap.cell, without a call per cell
        record.raw[name] = raw
        if raw is None or name in C.IGNORED_FIELDS or (
                type(raw) is str and is_blank_text(raw)):
            continue  # blank as clean_text sees it (a number or date never is)
        record.filled.add(name)
        errors += _parse_cell(record, name, raw, hmap)
    return record, errors


@functools.lru_cache(maxsize=16)
def _reading_order(columns: tuple[tuple[str, int], ...]) -> list[tuple[str, int]]:
    # "contact" is read last so separate 联系人/电话 columns win over a combined one.
    return sorted(columns, key=lambda column: column[0] == "contact")


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
            amount = parse_money(raw, hmap.units.get(name, Decimal(1)), total=True)
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
class _Section:
    """A section row with its subtotals (一、… / （一）… / ——…), and the project rows so far
    below it."""

    level: int
    record: RowRecord
    values: dict[str, Decimal]
    count: int | None
    label: str = ""
    projects: int = 0
    sums: dict[str, Decimal] = field(default_factory=dict)


def _open_section(data_row: DataRow, columns: dict[str, tuple[str, str]], sheet: str,
                  hmap: HeaderMap, ledger: ParsedLedger) -> _Section | None:
    """A section row that names its level; its amounts and count ("——铁路 | 2 | 402600": the
    count sits in another column, the first whole number outside the money columns)."""
    cells = data_row.cells
    first = next((text for text in map(clean_text, cells[:3]) if text), "")
    level = section_level(first)
    if level is None:
        return None
    record = RowRecord(sheet, data_row.number, columns=columns)
    values, errors = _total_values(record, cells, hmap)
    ledger.errors += errors
    money = {hmap.columns[name] for name in C.MONEY_FIELDS if name in hmap.columns}
    count = None
    for index, cell in enumerate(cells):
        text = clean_text(cell)
        whole = re.fullmatch(r"\d{1,6}", text) is not None
        if index in money or not text or (index < 3 and not whole):
            continue  # an amount, an empty cell, or the label ("（一） | 水利")
        if whole:
            count = int(text)
        break  # only the first value after the label may be the count
    return _Section(level, record, values, count, label=data_row.label)


def _close_sections(sections: list[_Section], level: int, hmap: HeaderMap,
                    ledger: ParsedLedger, failed: set[str]) -> None:
    """Check and drop the open sections of ``level`` or below (a new one at ``level`` starts)."""
    while sections and sections[-1].level >= level:
        section = sections.pop()
        if not section.values:
            continue  # a heading only, nothing to check
        for name in C.TOTAL_CHECKED:
            if name not in section.values or name in failed:
                continue
            summed = section.sums.get(name, ZERO)
            tolerance = CENT * hmap.units.get(name, Decimal(1)) * max(section.projects, 1)
            if abs(section.values[name] - summed) > tolerance:
                ledger.errors.append(section.record.error(name, _(
                    "The subtotal %(total)s of this section does not match the sum of its "
                    "project rows %(sum)s (万元).") % {"total": section.values[name],
                                                     "sum": summed}))
        if section.count is not None and section.count != section.projects:
            ledger.errors.append(section.record.error(None, _(
                "This section says %(count)d projects but %(found)d project rows follow it.")
                % {"count": section.count, "found": section.projects}, value=section.label))


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
    for index in _unlabelled_columns(sheet, hmap):
        ledger.warnings.append(RowError(
            sheet.name, None, column_letter(index), column_letter(index), "",
            _("A column without a header; it is not imported.")))
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


def _unlabelled_columns(sheet: SheetSource, hmap: HeaderMap) -> list[int]:
    """Columns with values under the header (in the rows read ahead) but no header text: a
    helper column, whatever it holds (numbers, #REF!), is said to be left out, not read."""
    labelled = {index for r in hmap.header_rows for index, value in enumerate(sheet.head[r])
                if clean_text(value)}
    labelled |= set(hmap.columns.values())
    for (top, left), (bottom, right) in sheet.merged:  # under a merged group header
        if any(top <= r <= bottom for r in hmap.header_rows):
            labelled.update(range(left, right + 1))
    found: set[int] = set()
    for row in sheet.head[hmap.data_start:]:
        found.update(index for index, value in enumerate(row)
                     if index not in labelled and clean_text(value))
    return sorted(found)


def _body(sheet: LedgerSheet) -> Iterator[DataRow]:
    """The non-blank rows under the header, the merged cells of the fill-down columns filled
    (the same as ``fill_merged`` + ``iter_data_rows``, one row at a time: linear in the rows
    and the merged ranges, however many ranges cover a row)."""
    hmap = sheet.hmap
    fill = {hmap.columns[name] for name in C.FILL_DOWN if name in hmap.columns}
    filler = MergeFiller(sheet.source.merged, min_row=hmap.data_start, columns=fill)
    name_col = hmap.columns.get("name")
    for index, row in sheet.source.rows(hmap.data_start):
        filler.fill(index, row)
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
    sections: list[_Section] = []  # the open ones, outermost first
    for data_row in _body(sheet):
        if data_row.kind == "section":
            section = _open_section(data_row, columns, source.name, hmap, ledger)
            if section is not None:
                _close_sections(sections, section.level, hmap, ledger, failed)
                sections.append(section)
            continue
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
                for section in sections:
                    section.sums[name] = section.sums.get(name, ZERO) + record.values[name]
        for section in sections:
            section.projects += 1
        yield record
    _close_sections(sections, 1, hmap, ledger, failed)
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

