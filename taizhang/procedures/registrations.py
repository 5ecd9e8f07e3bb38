"""What the procedures declare to the core (core/registry.py): events, audited types and their
history pages, the restore guard's tables, the menu entries and the notifications."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.choices import Role
from taizhang.accounts.scope import acts_for_office
from taizhang.core.registry import HistoryKind, MenuItem, model_labels, registry
from taizhang.notices import kinds as notice_kinds

registry.events(
    {
        "procedure.kind_added": _("Procedure added to the checklist"),
        "procedure.checklist_opened": _("Procedure checklist opened"),
        "procedure.item_updated": _("Procedure item changed"),
        "procedure.node_added": _("Plan node added"),
        "procedure.node_updated": _("Plan node changed"),
        "procedure.campaign_created": _("Procedure campaign set up"),
        "procedure.campaign_targets": _("Target items added to a campaign"),
    }
)

registry.audited("procedures.procedureitem", _("procedure item"), history="procedureitem")
# A node is a plan and a deadline (figures/responsibility.py): the list's 缺 filter reads it.
registry.audited("procedures.node", _("plan node"), history="node", changes_figures=True)
registry.audited(
    "procedures.procedurekind",
    _("procedure kind"),
    not_browsable="added, never edited: its event is in the audit export",
)
registry.audited(
    "procedures.campaign",
    _("procedure campaign"),
    not_browsable="set up and given targets, never edited: its events are in the audit export",
)
registry.backup(
    office_data=[
        label for label in model_labels("procedures") if label != "procedures.procedurekind"
    ],
    # The standard checklist is made by the migration: an empty database has its rows.
    not_office_data={
        "procedures.procedurekind": "the standard kinds come from a migration; "
        "an office's own kinds matter only with its items, which are counted"
    },
)


def _find(model_label: str) -> Any:
    def find(user: Any, pk: int) -> models.Model | None:
        from django.apps import apps

        model = apps.get_model(model_label)
        return model.objects.restrict(user, "view").filter(pk=pk).first()  # type: ignore[attr-defined]

    return find


def _project_back(obj: Any) -> str:
    return reverse("procedures:project", args=[obj.project_id])


registry.history(
    HistoryKind(
        "procedureitem",
        "procedures.procedureitem",
        _find("procedures.procedureitem"),
        _project_back,
    )
)
registry.history(HistoryKind("node", "procedures.node", _find("procedures.node"), _project_back))


def works_procedures(user: Any) -> bool:
    """The office, owners and departments (unit logins) work procedure items."""
    return acts_for_office(user) or (
        user.division_id is not None and user.role in (Role.OWNER, Role.UNIT_STAFF)
    )


registry.menu_items(
    MenuItem(_("Procedures"), "procedures:due", works_procedures, weight=140),
    MenuItem(_("Responsibility check"), "procedures:responsibility", acts_for_office, weight=142),
)

notice_kinds.declare(
    {
        "procedure-due": _("%(procedure)s of %(project)s is due on %(deadline)s."),
        "procedure-overdue": _(
            "%(procedure)s of %(project)s was due on %(deadline)s and is not done."
        ),
    }
)
