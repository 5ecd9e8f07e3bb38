"""Money is kept in 万元 (10,000 yuan) as Decimal with two places; summaries speak in 亿元."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
WAN_PER_YI = Decimal(10000)
ZERO = Decimal("0.00")
# Columns hold 16 digits with 2 places (room to move the cap without a migration).
MAX_DIGITS = 16
#: The largest amount accepted anywhere (forms, services, models, the importer), in 万元:
#: just under 1 万亿元, ten times the largest real projects (about 10^7 万元, 1,000 亿元).
#: Ten significant digits, so SQLite's binary doubles hold every accepted amount exactly,
#: and a million of them sum in integer cents (10^16) far inside SQLite's 64-bit integers.
MAX_WAN = Decimal("99999999.99")
#: How many amounts a total (a sheet's 合计 row, a statistic) may add up and stay exact; the
#: sums are proven exact at this size on both databases (core/tests/test_money_sums.py).
MAX_SUMMED_ROWS = 1_000_000
#: A total is not an amount to store: its own bound is the sum of that many amounts at the cap.
MAX_TOTAL_WAN = MAX_WAN * MAX_SUMMED_ROWS


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


def exceeds_cap(amount: Decimal, cap: Decimal = MAX_WAN) -> bool:
    """True for an amount larger (either sign) than what the ledger accepts."""
    return abs(amount) > cap


def too_large_message(cap: Decimal = MAX_WAN) -> str:
    """The one refusal for an amount over the cap, naming the cap."""
    return _("The amount is too large: at most %(cap)s (10k yuan).") % {"cap": f"{cap:,}"}


@deconstructible
class MoneyCapValidator:
    """Refuses an amount over the cap: the validator every money field and form carries."""

    code = "too_large"

    def __init__(self, cap: Decimal = MAX_WAN) -> None:
        self.cap = cap

    def __call__(self, value: Decimal | None) -> None:
        if value is not None and exceeds_cap(value, self.cap):
            raise ValidationError(too_large_message(self.cap), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MoneyCapValidator) and other.cap == self.cap

    def __hash__(self) -> int:
        return hash((MoneyCapValidator, self.cap))


@deconstructible
class NonNegativeValidator:
    """Refuses a negative amount (investment is never negative in the ledger)."""

    code = "negative"

    def __call__(self, value: Decimal | None) -> None:
        if value is not None and value < 0:
            raise ValidationError(_("The amount cannot be negative."), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NonNegativeValidator)

    def __hash__(self) -> int:
        return hash(NonNegativeValidator)


#: The rules of an amount of the ledger, for model fields and form fields alike.
AMOUNT_VALIDATORS: list[Callable[[Any], None]] = [NonNegativeValidator(), MoneyCapValidator()]


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
    """A 万元 amount column: the same precision and rules (not negative, the cap) everywhere
    money is stored; `full_clean`, model forms and the services run its validators."""
    kwargs.setdefault("max_digits", MAX_DIGITS)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("validators", AMOUNT_VALIDATORS)
    return models.DecimalField(verbose_name, **kwargs)  # type: ignore[arg-type]
