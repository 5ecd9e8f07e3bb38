"""Financing's figures, in one place: the statistics section (year to date up to a period's
end) and the figures per bank and per event. Each is one aggregate statement whatever the
number of rows; sums of money through core/money_sql.py (exact on SQLite too)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from taizhang.core.money import wan
from taizhang.core.money_sql import MoneySum
from taizhang.core.periods import Period
from taizhang.financing.choices import NeedStatus
from taizhang.financing.models import FinancingNeed, Loan, LoanIntention


def _ytd(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.year_start, f"{field}__lte": period.last_day})


def section(period: Period, needs: QuerySet[FinancingNeed] | None = None,
            intentions: QuerySet[LoanIntention] | None = None,
            loans: QuerySet[Loan] | None = None) -> dict[str, Any]:
    """`taizhang stats --json`'s `financing`: from January to the period's end, the needs
    published, the intentions recorded and their amount, the loans signed."""
    needs = FinancingNeed.objects.all() if needs is None else needs
    intentions = LoanIntention.objects.all() if intentions is None else intentions
    loans = Loan.objects.all() if loans is None else loans
    published = needs.exclude(status=NeedStatus.DRAFT).filter(
        published_at__date__gte=period.year_start, published_at__date__lte=period.last_day)
    found = intentions.filter(_ytd("date", period)).aggregate(n=Count("id"),
                                                              amount=MoneySum("amount"))
    return {
        "needs": published.count(),
        "intentions": found["n"],
        "intention_amount_wan": str(wan(found["amount"])),
        "signed_loans": loans.filter(_ytd("signed_on", period)).count(),
    }


def lines(data: dict[str, Any]) -> list[tuple[Any, str]]:
    """The bulletin's and the cockpit's lines of the section."""
    from django.utils.translation import gettext_lazy as _

    return [
        (_("Financing needs published"), str(data["needs"])),
        (_("Loan intentions"), str(data["intentions"])),
        (_("Intended amount (10k yuan)"), data["intention_amount_wan"]),
        (_("Loans signed"), str(data["signed_loans"])),
    ]


def per_bank(intentions: QuerySet[LoanIntention], loans: QuerySet[Loan]) -> list[dict[str, Any]]:
    """Per bank: intentions (count, amount) and loans signed (count, amount); two grouped
    statements, joined here by bank."""
    rows: dict[int, dict[str, Any]] = {}

    def row(bank_id: int, name: str) -> dict[str, Any]:
        return rows.setdefault(bank_id, {
            "bank": name, "intentions": 0, "intention_amount": wan(0), "loans": 0,
            "loan_amount": wan(0)})

    for r in (intentions.order_by().values("bank_id", "bank__name")
              .annotate(n=Count("id"), amount=MoneySum("amount"))):
        found = row(r["bank_id"], r["bank__name"])
        found["intentions"], found["intention_amount"] = r["n"], wan(r["amount"])
    for r in (loans.order_by().values("bank_id", "bank__name")
              .annotate(n=Count("id"), amount=MoneySum("amount"))):
        found = row(r["bank_id"], r["bank__name"])
        found["loans"], found["loan_amount"] = r["n"], wan(r["amount"])
    return sorted(rows.values(), key=lambda r: (-r["intention_amount"], r["bank"]))


def per_event(intentions: QuerySet[LoanIntention]) -> list[dict[str, Any]]:
    """Per matchmaking event: its intentions (count, amount) and banks among them."""
    rows = (intentions.filter(event__isnull=False).order_by()
            .values("event_id", "event__title", "event__date")
            .annotate(n=Count("id"), amount=MoneySum("amount"),
                      banks=Count("bank_id", distinct=True)))
    return [{"event_id": r["event_id"], "title": r["event__title"], "date": r["event__date"],
             "intentions": r["n"], "amount": wan(r["amount"]), "banks": r["banks"]}
            for r in sorted(rows, key=lambda r: (r["event__date"], r["event_id"]), reverse=True)]
