"""How the bulletin writes its numbers: 亿元 for totals, 万元 in project rows, rates in %.

One place, so the documents and the tests that read them back format alike. Every rounding
is of the exact Decimal (half up, as the statistics offices round), never of a rounded one.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from taizhang.core.money import WAN_PER_YI

DASH = "—"


def _q(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def yi(amount_wan: Decimal, places: int = 2) -> str:
    """An amount in 万元 written in 亿元: 14101000.00 → "1410.10" (places=1: "1410.1")."""
    return str(_q(Decimal(amount_wan) / WAN_PER_YI, places))


def wan(amount_wan: Decimal) -> str:
    return str(_q(Decimal(amount_wan), 2))


def pct(rate: Decimal | None, places: int = 1) -> str:
    """0.5874 → "58.7" (no % sign: the column head or the sentence says it)."""
    return DASH if rate is None else str(_q(Decimal(rate) * 100, places))


def points(value: Decimal | None, places: int = 1) -> str:
    """Signed points against time progress: "+3.4", "-0.6"."""
    if value is None:
        return DASH
    shown = _q(Decimal(value), places)
    return f"+{shown}" if shown > 0 else str(shown)


def ahead_or_behind(value: Decimal | None) -> str:
    """超/慢序时进度 N 个百分点, as a bulletin says it."""
    if value is None:
        return "无年度计划，不计序时进度"
    shown = _q(Decimal(value), 1)
    if shown == 0:
        return "与序时进度持平"
    word = "超" if shown > 0 else "慢"
    return f"{word}序时进度{abs(shown)}个百分点"
