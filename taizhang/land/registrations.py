"""What land declares to the core: events, audited types, the restore guard's tables, the
menu, its statistics section (shown by the bulletin and the cockpit) and a fact on a
project's page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.choices import Role
from taizhang.accounts.scope import acts_for_office
from taizhang.core.registry import MenuItem, ProjectFact, SectionView, model_labels, registry
from taizhang.land import figures
from taizhang.land.models import Allocation

registry.events({
    "land.quota_set": _("Land-use quota set"),
    "land.requested": _("Land requested for a project"),
    "land.allocated": _("Land allocated to a project"),
    "land.supplied": _("Land supplied to a project"),
    "land.consolidation_recorded": _("Land consolidation or idle land recorded"),
    "land.consolidation_changed": _("Land consolidation or idle land record changed"),
})
registry.change_keys({"requested": _("requested (亩)"), "allocated": _("allocated (亩)"),
                      "supplied": _("supplied (亩)"), "override_reason": _("override reason")})
registry.audited("land.landquota", _("land-use quota"), changes_figures=True,
                 not_browsable="one figure per year: its land.quota_set events are in the "
                               "audit export")
registry.audited("land.allocation", _("land allocation"), changes_figures=True,
                 not_browsable="requested, allocated and supplied are steps whose events "
                               "(with an override's reason) are in the audit export")
registry.audited("land.consolidationrecord", _("land consolidation record"),
                 not_browsable="a short record whose every change is an event in the audit "
                               "export")
registry.backup(office_data=model_labels("land"))


def _lines(section: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(_("Land-use quota (亩)"), section["quota"]),
            (_("Allocated (亩)"), section["allocated"]),
            (_("Supplied (亩)"), section["supplied"])]


registry.stats_section("land", figures.stats_section,
                       view=SectionView(_("Land"), _lines, weight=130))


def _facts(user: Any, project: Any) -> Iterable[ProjectFact]:
    rows = (Allocation.objects.restrict(user, "view").filter(project=project)
            .select_related("quota").order_by("-quota__year"))
    link = reverse("land:mine") if getattr(user, "role", None) == Role.OWNER else None
    for row in rows:
        yield ProjectFact(
            gettext("Land %(year)s") % {"year": row.quota.year},
            gettext("requested %(requested)s 亩, allocated %(allocated)s 亩, supplied "
                    "%(supplied)s 亩") % {"requested": row.requested,
                                         "allocated": row.allocated, "supplied": row.supplied},
            url=link if link else reverse("land:allocation", args=[row.pk]))


registry.project_facts(_facts)


def _office_with_division(user: Any) -> bool:
    return acts_for_office(user) and user.division_id is not None


registry.menu_items(MenuItem(_("Land"), "land:overview", _office_with_division, weight=148))
