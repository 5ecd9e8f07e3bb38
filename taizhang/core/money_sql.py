"""Sums of money in SQL, exact to the cent on every database.

PostgreSQL sums NUMERIC exactly. SQLite keeps a decimal column's fractional values as binary
doubles (NUMERIC affinity) and SUM() adds doubles: twenty amounts of 10^13 万元 came back
hundreds of thousands of 万元 off. So on SQLite every amount is turned into integer cents
before it is added (exact for any amount up to the cap, which has ten significant digits), the
sum is 64-bit integer arithmetic (10^16 cents for a million amounts at the cap, far below
9.2 × 10^18), and the cents become a Decimal here, never through a float.

In SQL a summed amount is therefore in the database's *sum unit*: cents on SQLite, 万元
elsewhere. Everything built here (``MoneySum``, ``Cents``, ``MoneyAdd``, ``money_or_zero``)
has the ``SummedMoney`` type, which reads back as a Decimal in 万元 with two places; mixing it
with a plain decimal column in SQL raises a FieldError instead of adding cents to 万元.
Statements written by hand use ``cents_sql``/``sum_sql`` and read their values with
``from_db``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Func, Q, Sum, Value
from django.db.models.functions import Coalesce

from taizhang.core.money import wan


def _in_cents(vendor: str) -> bool:
    return vendor == "sqlite"


def cents_sql(vendor: str, sql: str) -> str:
    """One amount (SQL ``sql``, a decimal column or expression) in the sum unit."""
    if _in_cents(vendor):
        # ROUND: the stored double is within far less than half a cent of the amount.
        return f"CAST(ROUND(({sql}) * 100) AS INTEGER)"
    return sql


def sum_sql(vendor: str, sql: str) -> str:
    """``SUM`` of amounts, in the sum unit (NULL when there are none)."""
    return f"SUM({cents_sql(vendor, sql)})"


def from_db(value: Any, vendor: str) -> Decimal | None:
    """A value in the sum unit, as the database hands it back → Decimal in 万元 (None stays)."""
    if value is None:
        return None
    if _in_cents(vendor):
        if not isinstance(value, int):  # a float here would mean a sum of doubles
            raise TypeError(f"expected integer cents from SQLite, got {value!r}")
        return wan(Decimal(value).scaleb(-2))
    if isinstance(value, float):
        raise TypeError(f"expected an exact decimal, got {value!r}")
    return wan(value)


class SummedMoney(models.Field):  # type: ignore[type-arg]
    """The type of a money sum in SQL (see the module's docstring); reads as Decimal 万元.

    Its own internal type keeps the backends' decimal converters (SQLite's reads through a
    15-digit float context) and SQLite's CAST(… AS NUMERIC) wrapping away from it.
    """

    def get_internal_type(self) -> str:
        return "SummedMoney"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        return from_db(value, connection.vendor)


class Cents(Func):
    """One amount in the sum unit (an annotation that is not a sum, or a term of one)."""

    arity = 1
    template = "%(expressions)s"
    output_field = SummedMoney()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection,
                           template=cents_sql(connection.vendor, self.template), **extra)


class MoneySum(Sum):
    """``Sum`` of an amount column, exact on every database (NULL for no rows, as SUM)."""

    name = "MoneySum"

    def __init__(self, expression: Any, *, filter: Q | None = None) -> None:
        super().__init__(Cents(expression), filter=filter, output_field=SummedMoney())


class MoneyAdd(Func):
    """Amounts already in the sum unit (MoneySum, Cents) added together."""

    arg_joiner = " + "
    template = "(%(expressions)s)"
    output_field = SummedMoney()


def money_or_zero(expression: Any) -> Coalesce:
    """``expression`` (in the sum unit, e.g. a subquery of a MoneySum), 0.00 when NULL."""
    # Zero is the same in cents and in 万元.
    return Coalesce(expression, Value(0, output_field=SummedMoney()),
                    output_field=SummedMoney())
