"""Land's figures, in one place: a year's quota, allocated, supplied and remaining area (亩)
and the supply rate, each one aggregate statement.

Year to date at a period's end: the quotas of the period's year, the area allocated by then
(allocations last allocated on or before the period's last day) and supplied by then
(last supplied on or before it). The supply rate is supplied ÷ allocated; none when nothing
is allocated. An allocation keeps its running totals and the date of its latest step, so a
later allocation or supply of the same row moves it out of an earlier period's figure."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from taizhang.core.periods import Period
from taizhang.land.models import ZERO, Allocation, LandQuota

RATE = Decimal("0.1")
CENT = Decimal("0.01")  # the supply rate in percent, one decimal


def totals(period: Period, quotas: QuerySet[LandQuota] | None = None) -> dict[str, Any]:
    """Quota, allocated, supplied and remaining (亩, Decimal) of the period's year and the
    supply rate (percent, Decimal, or None)."""
    quotas = (LandQuota.objects.all() if quotas is None else quotas).filter(year=period.year)
    quota = _area(quotas.aggregate(s=Sum("quota"))["s"])
    end = period.last_day
    found = Allocation.objects.filter(quota__in=quotas.values("pk")).aggregate(
        allocated=Sum("allocated", filter=Q(allocated_on__lte=end)),
        supplied=Sum("supplied", filter=Q(supplied_on__lte=end)))
    allocated = _area(found["allocated"])
    supplied = _area(found["supplied"])
    return {"quota": quota, "allocated": allocated, "supplied": supplied,
            "remaining": quota - allocated, "supply_rate": supply_rate(supplied, allocated)}


def _area(total: Any) -> Decimal:
    """A sum of areas with its two places (SQLite's SUM drops trailing zeros)."""
    return (Decimal(total) if total is not None else ZERO).quantize(CENT)


def supply_rate(supplied: Decimal, allocated: Decimal) -> Decimal | None:
    """Supplied ÷ allocated in percent (one decimal), None when nothing is allocated."""
    if not allocated:
        return None
    return (supplied * 100 / allocated).quantize(RATE)


def stats_section(period: Period) -> dict[str, Any]:
    """`taizhang stats --json`'s `land`: the period's year and its areas in 亩, as strings
    with two decimals."""
    found = totals(period)
    return {"year": period.year,
            **{key: f"{found[key]:.2f}" for key in ("quota", "allocated", "supplied")}}
