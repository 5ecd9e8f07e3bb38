"""Completion rate, time progress, points against it and the behind-schedule flag."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from taizhang.accounts.models import OfficeSettings
from taizhang.core.money import ratio
from taizhang.core.periods import Period

PERCENT = Decimal(100)
POINTS = Decimal("0.01")


def completion_rate(ytd_completed: Decimal, annual_plan: Decimal) -> Decimal | None:
    """占年度计划: year to date ÷ the plan of the year (None without a plan)."""
    return ratio(ytd_completed, annual_plan)


def time_progress(period: Period) -> Decimal:
    """序时进度: months elapsed ÷ 12."""
    return period.time_progress


def points_vs_time(rate: Decimal | None, period: Period) -> Decimal | None:
    """超/慢序时进度 in percentage points (positive = ahead; None without a rate)."""
    if rate is None:
        return None
    points = (rate - time_progress(period)) * PERCENT
    return points.quantize(POINTS, rounding=ROUND_HALF_UP)


def behind_threshold(office: OfficeSettings | None = None) -> Decimal:
    """滞后: more than this many points behind time progress, as the office set it
    (``OfficeSettings.behind_points``; without an office, the field's default). The one
    place the figures read it: callers pass the result on as ``threshold``."""
    if office is None:
        office = OfficeSettings()
    return Decimal(office.behind_points)


def behind_factor(period: Period, threshold: Decimal | None = None) -> Decimal:
    """100 × month − 12 × N: see ``is_behind``."""
    limit = behind_threshold() if threshold is None else threshold
    return 100 * period.month - 12 * limit


def is_behind(ytd_completed: Decimal, annual_plan: Decimal | None, period: Period,
              threshold: Decimal | None = None) -> bool:
    """滞后: the completion rate is more than N points (``threshold``, default
    ``behind_threshold()``) below time progress; never without a plan of the year.

    Exact, on the amounts themselves (not the rounded rate): ytd/plan − month/12 < −N/100,
    i.e. 1200 × ytd < (100 × month − 12 × N) × plan. per_project.py asks SQL the same.
    """
    if not annual_plan or annual_plan <= 0:
        return False
    return 1200 * ytd_completed < behind_factor(period, threshold) * annual_plan


def is_at_least_behind(ytd_completed: Decimal, annual_plan: Decimal | None, period: Period,
                       points: Decimal) -> bool:
    """At least ``points`` below time progress, the line itself included (a warning band
    "10–30 points below" starts at 10): 1200 × ytd ≤ (100 × month − 12 × points) × plan,
    exact like ``is_behind``; never without a plan of the year."""
    if not annual_plan or annual_plan <= 0:
        return False
    return 1200 * ytd_completed <= behind_factor(period, points) * annual_plan
