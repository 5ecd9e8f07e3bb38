"""What financing declares to the core: events, audited types, the restore guard's tables,
the menu, the statistics section (with its view) and the home panel."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from taizhang.accounts.choices import Role
from taizhang.accounts.scope import acts_for_office
from taizhang.core.registry import HomePanel, MenuItem, SectionView, model_labels, registry
from taizhang.financing import figures, homes

registry.events({
    "financing_need.created": _("Financing need drafted"),
    "financing_need.updated": _("Financing need changed"),
    "financing_need.published": _("Financing need published to banks"),
    "financing_need.closed": _("Financing need closed"),
    "financing_need.matched": _("Financing need matched with a loan"),
    "financing_event.recorded": _("Bank–enterprise matchmaking event recorded"),
    "loan_intention.recorded": _("Loan intention recorded"),
    "loan.signed": _("Loan signed"),
    "loan.disbursed": _("Loan disbursement recorded"),
})
registry.change_keys({"banks": _("banks invited"), "firms": _("firms invited"),
                      "disbursed": _("disbursed (10k yuan)")})
registry.audited("financing.financingneed", _("financing need"),
                 not_browsable="few fields, each change with its values in the audit export")
registry.audited("financing.matchmakingevent", _("matchmaking event"),
                 not_browsable="recorded once, never edited: its event is in the audit export")
registry.audited("financing.loanintention", _("loan intention"),
                 not_browsable="recorded once, never edited: its event is in the audit export")
registry.audited("financing.loan", _("loan"),
                 not_browsable="signed once, its disbursements as loan.disbursed events")
registry.unaudited({
    "financing.disbursement": "written inside its loan's audited loan.disbursed event",
})
registry.backup(office_data=model_labels("financing"))

registry.stats_section(
    "financing", lambda period: figures.section(period),
    view=SectionView(_("Bank–enterprise financing"), figures.lines, weight=120))
registry.home_panel(HomePanel("financing/_home_panel.html", homes.panel, weight=50))


def _office_with_division(user: Any) -> bool:
    return acts_for_office(user) and user.division_id is not None


def _bank(user: Any) -> bool:
    return (getattr(user, "is_authenticated", False) and user.role == Role.BANK
            and user.organization_id is not None and user.division_id is not None)


def _owner(user: Any) -> bool:
    return (getattr(user, "is_authenticated", False) and user.role == Role.OWNER
            and user.organization_id is not None and user.division_id is not None)


registry.menu_items(
    MenuItem(_("Financing"), "financing:needs", _office_with_division, weight=148),
    MenuItem(_("Financing needs"), "financing:bank", _bank, weight=110),
    MenuItem(_("Financing"), "financing:mine", _owner, weight=110),
)
