"""Completion rate, time progress, points against it and the behind-schedule flag."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

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


def behind_threshold() -> Decimal:
    """滞后: more than this many points behind time progress (FIGURES_BEHIND_POINTS)."""
    return Decimal(str(settings.FIGURES_BEHIND_POINTS))


def is_behind(points: Decimal | None, threshold: Decimal | None = None) -> bool:
    """Behind schedule: more than ``threshold`` points behind time progress."""
    if points is None:
        return False
    limit = behind_threshold() if threshold is None else threshold
    return points < -limit
