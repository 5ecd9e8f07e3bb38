"""Ids, numbers, dates and periods read from a request (query string, form field, path).

One rule for all of them, so no view parses its own: ASCII digits only (`str.isdigit()` says
yes to "²", which `int()` then refuses; `int()` itself takes "٣" and "１２"), bounded so that no
database refuses the value, and a bad value gives None, never an exception: the caller ignores
it or refuses the request with a translated message.
"""

from __future__ import annotations

import re
from datetime import date

from taizhang.core.periods import Period, PeriodError

MAX_ID = 2**63 - 1  # the largest primary key (64-bit)
MAX_INT = 2**31 - 1  # the largest value of a 32-bit integer column (versions, years)
# Dates people may type: a margin around any real ledger, and every such date converts to a
# datetime and a period (core/periods.py) in any time zone without overflowing.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2199, 12, 31)

_DIGITS = re.compile(r"[0-9]{1,19}", re.ASCII)
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", re.ASCII)


def parse_int(text: object, *, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """A whole number written in ASCII digits within [minimum, maximum], else None."""
    if not isinstance(text, str | int) or isinstance(text, bool):
        return None
    raw = str(text).strip()
    negative = raw.startswith("-")
    digits = raw[1:] if negative else raw
    if not _DIGITS.fullmatch(digits):
        return None
    value = -int(digits) if negative else int(digits)
    return value if minimum <= value <= maximum else None


def parse_id(text: object) -> int | None:
    """A primary key (1 … 2⁶³−1) or None."""
    return parse_int(text, minimum=1, maximum=MAX_ID)


def parse_date(text: object) -> date | None:
    """An ISO date (YYYY-MM-DD) between FIRST_DATE and LAST_DATE, else None."""
    if not isinstance(text, str):
        return None
    found = _DATE.fullmatch(text.strip())
    if found is None:
        return None
    try:
        day = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None
    return day if FIRST_DATE <= day <= LAST_DATE else None


def parse_period(text: object) -> Period | None:
    """A reporting period (YYYY-MM, core/periods.py) or None."""
    if not isinstance(text, str):
        return None
    try:
        return Period.parse(text)
    except PeriodError:
        return None


def local_path(text: object) -> str | None:
    """A path on this site to go back to ("next"), else None.

    Only an absolute path: anything else would reach `redirect()` as a view name to reverse
    (a 500) or leave the site.
    """
    if not isinstance(text, str):
        return None
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return None
    return text
