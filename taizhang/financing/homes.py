"""The financing panel of the home pages (core/registry.py `home_panel`): a bank's published
needs, its own intentions and loans; an owner's needs. A few rows each, links to the rest."""

from __future__ import annotations

from typing import Any

from taizhang.accounts.choices import Role
from taizhang.financing.models import VIEW, FinancingNeed, Loan, LoanIntention

ROWS = 5


def needs_for(user: Any) -> Any:
    return FinancingNeed.objects.restrict(user, VIEW).select_related("project")


def intentions_for(user: Any) -> Any:
    return LoanIntention.objects.restrict(user, VIEW).select_related(
        "bank", "enterprise", "project", "event", "loan")


def loans_for(user: Any) -> Any:
    return Loan.objects.restrict(user, VIEW).select_related("bank", "enterprise", "project")


def panel(user: Any) -> dict[str, Any] | None:
    if not getattr(user, "is_authenticated", False) or user.division_id is None:
        return None
    if user.role == Role.BANK and user.organization_id:
        return {"bank": True, "needs": list(needs_for(user).order_by("-published_at")[:ROWS]),
                "intentions": list(intentions_for(user)[:ROWS]),
                "loans": list(loans_for(user)[:ROWS])}
    if user.role == Role.OWNER and user.organization_id:
        return {"owner": True, "needs": list(needs_for(user)[:ROWS]),
                "intentions": list(intentions_for(user)[:ROWS]),
                "loans": list(loans_for(user)[:ROWS])}
    return None
