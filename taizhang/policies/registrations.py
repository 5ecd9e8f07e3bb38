"""What the policies declare to the core and their neighbours: events, audited types, the
restore guard's tables, the notification kind, the job kind, the menu, the statistics section
and the owner's home panel."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from taizhang.accounts.choices import Role
from taizhang.accounts.scope import acts_for_office
from taizhang.core.registry import HomePanel, MenuItem, SectionView, model_labels, registry
from taizhang.jobs.kinds import register as register_job_kind
from taizhang.notices import kinds
from taizhang.policies import figures
from taizhang.policies.jobs import KINDS as JOB_KINDS

registry.events({
    "policy.created": _("Policy added to the catalogue"),
    "policy.updated": _("Policy changed"),
    "policy.profile_saved": _("Enterprise profile for policies saved"),
    "policy.matched": _("Policies matched to enterprises"),
    "policy.applied": _("Policy applied for"),
    "policy.granted": _("Policy granted"),
})
registry.change_keys({"townships": _("townships"), "enterprises": _("enterprises"),
                      "policies": _("policies"), "matches": _("matches"),
                      "pushed": _("new pushes")})
registry.audited("policies.policy", _("policy"),
                 not_browsable="its events carry the values; the catalogue shows the current "
                               "ones")
registry.audited("policies.enterpriseprofile", _("enterprise profile"),
                 not_browsable="two fields, each save's event carries both")
registry.audited("policies.matchrun", _("matching run"),
                 not_browsable="made once by a run, never edited")
registry.audited("policies.push", _("policy push"),
                 not_browsable="applied and granted are events in the audit export")
registry.backup(office_data=model_labels("policies"))

kinds.declare({
    "policies.pushed": _("%(count)s support policies may apply to your firm: see My policies."),
})

for _kind in JOB_KINDS:
    register_job_kind(_kind)


def _office(user: Any) -> bool:
    return acts_for_office(user) and user.division_id is not None


def _owner(user: Any) -> bool:
    return (getattr(user, "is_authenticated", False) and user.role == Role.OWNER
            and user.organization_id is not None and user.division_id is not None)


registry.menu_items(
    MenuItem(_("Policies"), "policies:catalogue", _office, weight=148),
    MenuItem(_("My policies"), "policies:mine", _owner, weight=141),
)


def _section_lines(data: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(_("Policies in the catalogue"), str(data["catalogue"])),
            (_("Pushed to enterprises"), str(data["pushed"])),
            (_("Applied for"), str(data["applied"])),
            (_("Granted"), str(data["granted"]))]


registry.stats_section("policies", lambda period: figures.counts(period),
                       view=SectionView(_("Support policies (政策找企)"), _section_lines,
                                        weight=140))


def _home(user: Any) -> dict[str, Any] | None:
    """The owner's newest pushes; nothing for anyone else."""
    if not _owner(user):
        return None
    from taizhang.policies.views import owner_panel

    return owner_panel(user)


registry.home_panel(HomePanel("policies/_home_panel.html", _home, weight=120))
