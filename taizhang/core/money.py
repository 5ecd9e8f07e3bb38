"""Money is kept in 万元 (10,000 yuan) as Decimal with two places; summaries speak in 亿元."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

CENT = Decimal("0.01")
WAN_PER_YI = Decimal(10000)
ZERO = Decimal("0.00")
# Columns hold 16 digits with 2 places, but SQLite keeps only 15 significant digits of a
# number, so accepted amounts stop at 9,999,999,999,999.99 万元 (about 10^17 yuan, far beyond
# any real ledger): every accepted value is stored exactly on both databases.
MAX_DIGITS = 16
MAX_WAN = Decimal("9999999999999.99")


def wan(value: Decimal | int | str | None) -> Decimal:
    """Normalise an amount in 万元 to two places (half up, as the statistics offices round)."""
    if value is None:
        return ZERO
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def wan_to_yi(amount: Decimal | None) -> Decimal:
    """万元 → 亿元, two places, for summaries and headlines."""
    return (wan(amount) / WAN_PER_YI).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(numerator: Decimal | int | None, denominator: Decimal | int | None) -> Decimal | None:
    """A share to four places (0.5874 = 58.74%); None when the denominator is zero."""
    if not denominator:
        return None
    return (Decimal(numerator or 0) / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def money_field(verbose_name: object, **kwargs: object) -> models.DecimalField:
    """A 万元 amount column: the same precision everywhere money is stored."""
    kwargs.setdefault("max_digits", MAX_DIGITS)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(verbose_name, **kwargs)  # type: ignore[arg-type]
