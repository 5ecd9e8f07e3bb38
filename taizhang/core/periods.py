"""Reporting periods (YYYY-MM) and the time-progress rule every bulletin uses."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

_PERIOD_RE = re.compile(r"^([0-9]{4})-([0-9]{1,2})$", re.ASCII)  # not "２０２２-０７"
# Periods people type: ledgers in this system start in 2000; a margin of a year each side
# keeps previous()/next() of any parsed period valid.
PARSE_YEARS = range(2000, 2100)


class PeriodError(ValueError):
    """Not a YYYY-MM period."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not (1 <= self.month <= 12) or not (1900 <= self.year <= 2200):
            raise PeriodError(f"not a valid period: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.match(text.strip())
        if not match or int(match[1]) not in PARSE_YEARS:
            raise PeriodError(f"period must look like YYYY-MM (2000–2099), got {text!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def year_start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def time_progress(self) -> Decimal:
        """序时进度 = months elapsed ÷ 12 (after March: 0.25)."""
        return (Decimal(self.month) / 12).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    def clamp(self, day: date) -> date:
        """``day`` if it falls in this month, else the month's first or last day: a date
        field's default for the month being reported, whatever the machine's date is."""
        return min(max(day, self.first_day), self.last_day)

    def has_begun(self, today: date | None = None) -> bool:
        """Whether the month has begun: its first day is `today` or earlier (local time)."""
        if today is None:
            from django.utils import timezone

            today = timezone.localdate()
        return self.first_day <= today

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
