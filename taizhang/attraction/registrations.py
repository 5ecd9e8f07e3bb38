"""What investment attraction declares to the core: events, audited types, the restore guard's
tables, the menu, the statistics section (with its view for the cockpit and the bulletin) and
a converted project's facts on its ledger page."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.scope import acts_for_office
from taizhang.core.registry import MenuItem, ProjectFact, SectionView, model_labels, registry

registry.events({
    "lead.created": _("Investment lead recorded"),
    "lead.updated": _("Investment lead changed"),
    "lead.advanced": _("Investment lead moved to its next stage"),
    "lead.converted": _("Landed lead converted into a ledger project"),
    "lead.linked": _("Landed lead linked to its ledger project"),
})
registry.audited("attraction.lead", _("investment lead"),
                 not_browsable="every step is on the lead's own page with its date and "
                               "author; its events are in the audit export")
registry.unaudited({
    "attraction.leadstep": "written inside the audited lead.* event of its lead",
})
registry.backup(office_data=model_labels("attraction"))


def _section(period: Any) -> dict[str, Any]:
    from taizhang.attraction.figures import summary
    return summary(period)


def _percent(value: str | None) -> str:
    if value is None:
        return "—"
    shown = (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{number_format(shown, 1)}%"


def _days(value: str | None) -> str:
    return "—" if value is None else str(value)


def _lines(data: dict[str, Any]) -> list[tuple[Any, str]]:
    days = data.get("days", {})
    return [
        (_("Signed this year"), str(data["signed"])),
        (_("Landed this year"), str(data["landed"])),
        (_("Started this year"), str(data["started"])),
        (_("Contract amount signed (10k yuan)"), data["contract_amount_wan"]),
        (_("Signed → landed"), _percent(data["landed_rate"])),
        (_("Landed → started"), _percent(data["started_rate"])),
        (_("Days negotiating (average)"), _days(days.get("negotiating"))),
        (_("Days from signing to landing (average)"), _days(days.get("signed"))),
        (_("Days from landing to start (average)"), _days(days.get("landed"))),
    ]


registry.stats_section("attraction", _section, view=SectionView(
    _("Investment attraction"), _lines, weight=130))


def _facts(user: Any, project: Any) -> Iterable[ProjectFact]:
    """A converted (or linked) project's signing, to whoever may see the project; the link
    to the lead only for the office that may open it."""
    from taizhang.attraction.models import Lead
    from taizhang.ledger.models import Project

    if not Project.objects.restrict(user, "view").filter(pk=project.pk).exists():
        return []
    lead = Lead.objects.filter(project_id=project.pk).first()
    if lead is None or lead.signed_on is None:
        return []
    url = (lead.get_absolute_url()
           if Lead.objects.restrict(user, "view").filter(pk=lead.pk).exists() else None)
    facts = [ProjectFact(_("Signing date"), lead.signed_on.isoformat(), url),
             ProjectFact(_("Attraction channel"), str(lead.get_channel_display()))]
    if lead.contract_amount is not None:
        facts.append(ProjectFact(_("Contract amount (10k yuan)"), str(lead.contract_amount)))
    return facts


registry.project_facts(_facts)


def _office_with_division(user: Any) -> bool:
    """The attraction pages are an office's own division's (views.office_page)."""
    return acts_for_office(user) and user.division_id is not None


registry.menu_items(
    MenuItem(_("Investment attraction"), "attraction:leads", _office_with_division, weight=148))
