"""Investment attraction's figures, in one place: year to date at a period's end.

- `signed`, `landed`, `started`: leads signed (签约), landed (落地) and started between 1
  January and the period's last day, each by its own date (started: the actual start of the
  ledger project the lead became); `contract_amount_wan`: the contract amounts signed.
- Conversion rates, over the year's signed leads (a cohort): `landed_rate` = those of them
  landed by the period's end ÷ those signed; `started_rate` = those of them started by then ÷
  those of them landed (None without a denominator; four places, core.money.ratio).
- Days per stage: for each stage, the average number of days the leads that left it in the
  year to date spent in it (lead: registered → negotiating; negotiating → signed; signed →
  landed; landed → started), one place, None where no lead left it.

Each is one aggregate statement whatever the number of leads (`summary`: two).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum

from taizhang.attraction.choices import LeadStage
from taizhang.attraction.models import Lead
from taizhang.core.money import ratio, wan
from taizhang.core.periods import Period

# Each stage and the (entered, left) dates of a lead's stay in it.
SPANS: dict[str, tuple[str, str]] = {
    LeadStage.LEAD: ("registered_on", "negotiating_on"),
    LeadStage.NEGOTIATING: ("negotiating_on", "signed_on"),
    LeadStage.SIGNED: ("signed_on", "landed_on"),
    LeadStage.LANDED: ("landed_on", "project__actual_start"),
}
DAY = Decimal("0.1")


def _leads(leads: QuerySet[Lead] | None) -> QuerySet[Lead]:
    return Lead.objects.all() if leads is None else leads


def counts(period: Period, leads: QuerySet[Lead] | None = None) -> dict[str, Any]:
    """signed / landed / started year to date, the year's cohort and the contract amount."""
    start, end = period.year_start, period.last_day

    def within(field: str) -> Q:
        return Q(**{f"{field}__gte": start, f"{field}__lte": end})

    started = within("project__actual_start") & Q(landed_on__isnull=False)
    signed = within("signed_on")
    row = _leads(leads).aggregate(
        signed=Count("id", filter=signed),
        landed=Count("id", filter=within("landed_on")),
        started=Count("id", filter=started),
        cohort_landed=Count("id", filter=signed & Q(landed_on__lte=end)),
        cohort_started=Count("id", filter=signed & Q(landed_on__lte=end,
                                                      project__actual_start__lte=end)),
        contract=Sum("contract_amount", filter=signed),
    )
    return {
        "signed": row["signed"], "landed": row["landed"], "started": row["started"],
        "contract_amount_wan": str(wan(row["contract"] or 0)),
        "landed_rate": _text(ratio(row["cohort_landed"], row["signed"])),
        "started_rate": _text(ratio(row["cohort_started"], row["cohort_landed"])),
    }


def days_per_stage(period: Period, leads: QuerySet[Lead] | None = None
                   ) -> dict[str, str | None]:
    """Average days in each stage of the leads that left it in the year to date."""
    start, end = period.year_start, period.last_day
    aggregates: dict[str, Any] = {}
    for stage, (entered, left) in SPANS.items():
        done = Q(**{f"{left}__gte": start, f"{left}__lte": end, f"{entered}__isnull": False})
        span = ExpressionWrapper(F(left) - F(entered), output_field=DurationField())
        aggregates[f"{stage}_days"] = Sum(span, filter=done)
        aggregates[f"{stage}_n"] = Count("id", filter=done)
    row = _leads(leads).aggregate(**aggregates)
    return {stage: _average(row[f"{stage}_days"], row[f"{stage}_n"]) for stage in SPANS}


def _average(total: timedelta | None, n: int) -> str | None:
    """Whole days summed exactly, divided once: no float on the way."""
    if not n or total is None:
        return None
    return str((Decimal(total.days) / n).quantize(DAY, rounding=ROUND_HALF_UP))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def summary(period: Period, leads: QuerySet[Lead] | None = None) -> dict[str, Any]:
    """`taizhang stats --json`'s `attraction` section."""
    return {**counts(period, leads), "days": days_per_stage(period, leads)}
