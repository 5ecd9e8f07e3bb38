"""Template filters for amounts: 万元 with thousands separators, 亿元, percentages."""

from __future__ import annotations

import calendar
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import get_language

from taizhang.core.money import wan, wan_to_yi
from taizhang.core.periods import Period

register = template.Library()


@register.filter
def wan_fmt(value: Decimal | None) -> str:
    """12345.6 → "12,345.60"."""
    if value is None or value == "":
        return "—"
    return f"{wan(value):,}"


@register.filter
def yi_fmt(value: Decimal | None) -> str:
    """An amount in 万元 shown in 亿元: 14101000 → "1,410.10"."""
    if value is None or value == "":
        return "—"
    return f"{wan_to_yi(value):,}"


@register.filter
def pct(value: Decimal | None, places: int = 1) -> str:
    """0.5874 → "58.7%"."""
    if value is None or value == "":
        return "—"
    exponent = Decimal(1).scaleb(-int(places))
    return f"{(Decimal(value) * 100).quantize(exponent, rounding=ROUND_HALF_UP)}%"


@register.filter
def months_span(period: Period) -> str:
    """January to the period as each language writes it: "1-7月", "Jan–Jul"."""
    if (get_language() or "").startswith("zh"):
        return "1月" if period.month == 1 else f"1-{period.month}月"
    return "Jan" if period.month == 1 else f"Jan–{calendar.month_abbr[period.month]}"


@register.filter
def signed_points(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value:+.2f}"
