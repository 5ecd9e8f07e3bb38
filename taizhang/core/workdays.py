"""Working days on the Chinese calendar (工作日): statutory holidays and make-up working days.

Offices state many deadlines as "within 20 working days of acceptance" (受理之日起20个工作日内):
a Spring Festival week does not count, and a make-up Saturday (调休上班) does. The calendar
comes from the maintained package ``chinesecalendar`` (import name ``chinese_calendar``),
which the State Council's yearly notice updates; it covers the years in
``COVERED_YEARS``.

Outside those years the rule falls back to Monday–Friday and logs a warning once per year
(a deadline next year is still worth showing before the State Council publishes its
holidays, usually in November). Inside them the package alone answers: no guess.

Conventions, so that ``working_days_between(d, add_working_days(d, n)) == n``:
- ``add_working_days(d, n)`` is the n-th working day after ``d`` (``d`` itself not counted;
  n < 0 counts backwards; n == 0 is ``d``);
- ``working_days_between(a, b)`` counts the working days in ``(a, b]`` (negative when b < a).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar import constants as _calendar_data

logger = logging.getLogger(__name__)

COVERED_YEARS = range(min(_calendar_data.holidays).year, max(_calendar_data.holidays).year + 1)
_warned_years: set[int] = set()
_ONE_DAY = timedelta(days=1)


def covers(year: int) -> bool:
    """Whether the package knows this year's holidays (else: Monday–Friday)."""
    return year in COVERED_YEARS


def is_working_day(day: date) -> bool:
    """A working day on the Chinese calendar; Monday–Friday for a year the package lacks."""
    if covers(day.year):
        return bool(chinese_calendar.is_workday(day))
    if day.year not in _warned_years:
        _warned_years.add(day.year)
        logger.warning(
            "No Chinese holiday calendar for %s (chinesecalendar covers %s–%s): "
            "counting Monday to Friday as working days",
            day.year,
            COVERED_YEARS.start,
            COVERED_YEARS.stop - 1,
        )
    return day.weekday() < 5


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after ``day`` (before it when n < 0); ``day`` when n == 0."""
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    left = abs(n)
    while left:
        day += step
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when end < start)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += _ONE_DAY
        count += is_working_day(day)
    return count
