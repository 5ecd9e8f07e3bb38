"""Turn one hand-typed ledger cell into a clean Python value.

Ledgers are typed in Excel/WPS by many people: full-width digits, ideographic spaces,
thousands separators and half a dozen date spellings all occur.  Every parser returns None
for a blank cell and raises :class:`CellError` (with a ``code``) for anything it cannot read,
so the importer can report the exact cell instead of silently storing a wrong number.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from .errors import CellError

# U+FF01..U+FF5E are the full-width twins of ASCII 0x21..0x7E; U+3000 is the ideographic space.
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20

# \s already covers NBSP, U+3000 and the other Unicode spaces; add the zero-width ones and BOM.
_WS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_WS_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[\s\u200b\u200c\u200d\u2060\ufeff]+(?=[{_CJK}])")
_MINUS = str.maketrans({"\u2212": "-", "\ufe63": "-"})
# Control characters other than whitespace: invisible, and illegal in an xlsx cell.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: Cell texts that people type to mean "nothing here".
BLANK_MARKERS = frozenset({"", "-", "--", "—", "——", "/", "\\", "无"})

_NUMBER = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?|[+-]?\.\d+")
#: Anything this large is a typo (or 元 typed into a 万元 column), not a project amount.
MAX_ABS = Decimal("1e15")

#: Excel serial numbers we accept as dates: 1954-10-03 .. 2119-01-08.
SERIAL_MIN, SERIAL_MAX = 20000, 80000
_EPOCHS = {0: date(1899, 12, 30), 1: date(1904, 1, 1)}
YEAR_MIN, YEAR_MAX = 1900, 2100

_TRAILING_TIME = re.compile(r"(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_DATE_CN = re.compile(r"(\d{4})年(\d{1,2})月(?:份|(\d{1,2})[日号]?)?")
_DATE_SEP = re.compile(r"(\d{4})([-./])(\d{1,2})(?:\2(\d{1,2}))?")
_DATE_COMPACT = re.compile(r"((?:19|20)\d{2})(\d{2})(\d{2})?")
_DATE_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")


def to_halfwidth(s: str) -> str:
    """Map full-width ASCII (１２３．４５, （万元）) and U+3000 to their half-width forms."""
    return s.translate(_HALFWIDTH)


# What `clean_text` removes or rewrites: whitespace (\s is what str.strip() strips too),
# the zero-width characters and the controls.
_UNCLEAN = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ONLY_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]*")


def is_blank_text(value: str) -> bool:
    """True when ``clean_text`` would leave nothing (a fast test for the importer's hot path)."""
    return _ONLY_INVISIBLE.fullmatch(value) is not None


def clean_text(value: object) -> str:
    """Render a cell as display text with stray whitespace removed.

    Spaces between two CJK characters are padding ("合  计", "迁安 钢铁") and are dropped;
    other runs of whitespace (NBSP, U+3000, newlines) collapse to one space.  Width is kept.
    """
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if _UNCLEAN.search(text) is None:
        return text  # most cells: nothing for the three substitutions or strip() to do
    text = _WS_BETWEEN_CJK.sub("", _CONTROL.sub("", text))
    return _WS.sub(" ", text).strip()


def header_key(value: object) -> str:
    """Comparison key for header and label text: half-width, no whitespace, case-folded."""
    return _WS.sub("", to_halfwidth(clean_text(value))).casefold()


def _compact(text: str) -> str:
    return _WS.sub("", to_halfwidth(text)).translate(_MINUS)


def _fail_number(value: object) -> CellError:
    return CellError(f"Not a number: {clean_text(value)!r}.", code="not_a_number", value=value)


def _float_to_decimal(value: float) -> Decimal:
    # repr() gives the shortest text that round-trips, so 1234.56 stays 1234.56.
    if not math.isfinite(value):
        raise _fail_number(value)
    return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))


def parse_decimal(value: object, *, allow_negative: bool = True,
                  max_abs: Decimal | None = MAX_ABS) -> Decimal | None:
    """Parse an amount exactly; strings never pass through float.

    Accepts numbers from Excel and text such as "１２３．４５", "1,234.56", "1，234.56",
    " 12 ".  Dash/slash placeholders count as blank.  Scientific notation in text is refused:
    it is what Excel writes when it has already rounded the number away.  ``max_abs=None``
    lifts the bound on size, for a caller that applies its own before any arithmetic.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise _fail_number(value)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = _float_to_decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = _compact(value)
        if text in BLANK_MARKERS:
            return None
        if not _NUMBER.fullmatch(text):
            raise _fail_number(value)
        number = Decimal(text.replace(",", ""))
    else:
        raise _fail_number(value)
    if not number.is_finite():
        raise _fail_number(value)
    if max_abs is not None and abs(number) >= max_abs:
        raise CellError(f"Number is too large: {clean_text(value)}.", code="too_large", value=value)
    if number < 0 and not allow_negative:
        raise CellError(
            f"Number must not be negative: {clean_text(value)}.", code="negative", value=value
        )
    return number


def _tidy(number: Decimal) -> Decimal:
    """Drop exponent noise from arithmetic (0.452 × 100 → 45.2, not 45.200)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def parse_percent(value: object, *, bare_is_fraction: bool = True) -> Decimal | None:
    """Parse a share as a fraction (45.2% → 0.452), the form the ledger stores.

    Text with a % sign is always percent points.  A bare number is taken as a fraction by
    default because Excel stores %-formatted cells that way (0.452); pass
    ``bare_is_fraction=False`` for columns where people type 45.2 meaning 45.2%.
    """
    if isinstance(value, str):
        text = _compact(value)
        if text.endswith("%"):
            points = parse_decimal(text[:-1])
            if points is None:
                raise _fail_number(value)
            return _tidy(points / 100)
        value = text
    number = parse_decimal(value)
    if number is None or bare_is_fraction:
        return number
    return _tidy(number / 100)


def _bad_date(value: object, why: str = "Not a recognised date") -> CellError:
    return CellError(f"{why}: {clean_text(value)!r}.", code="bad_date", value=value)


def _make_date(value: object, year: int, month: int, day: int | None) -> date:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise _bad_date(value, "Year out of range")
    if not 1 <= month <= 12:
        raise CellError(f"No such month: {clean_text(value)!r}.", code="bad_month", value=value)
    try:
        return date(year, month, day or 1)
    except ValueError:
        raise _bad_date(value, "No such day") from None


def _date_from_text(text: str, value: object, datemode: int) -> date:
    for pattern in (_DATE_CN, _DATE_COMPACT):
        if match := pattern.fullmatch(text):
            day = match[3]
            return _make_date(value, int(match[1]), int(match[2]), int(day) if day else None)
    if match := _DATE_SEP.fullmatch(text):
        day = match[4]
        return _make_date(value, int(match[1]), int(match[3]), int(day) if day else None)
    if match := _DATE_SERIAL.fullmatch(text):
        serial = int(match[1])
        if not SERIAL_MIN <= serial <= SERIAL_MAX:
            raise _bad_date(value, "Not a plausible Excel date number")
        return _EPOCHS[datemode] + timedelta(days=serial)
    raise _bad_date(value)


def parse_date(value: object, *, datemode: int = 0) -> date | None:
    """Parse the date spellings found in ledgers; the day defaults to 1 for year+month.

    Handles date/datetime cells, Excel serials (44621; ``datemode`` 1 for the 1904 system),
    2022.3 / 2022.03 (also as a number cell, where 2022.1 can only mean January),
    2022年3月[15日], 2022-03[-15], 2022/3/15 and 20220315.
    """
    if datemode not in _EPOCHS:
        raise ValueError(f"datemode must be 0 or 1, not {datemode!r}")
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise _bad_date(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _bad_date(value)
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, int | Decimal | str):
        text = _TRAILING_TIME.sub("", to_halfwidth(str(value)).strip())
        text = _WS.sub("", text)
        if text in BLANK_MARKERS:
            return None
    else:
        raise _bad_date(value)
    return _date_from_text(text, value, datemode)
