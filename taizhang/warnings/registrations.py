"""What the warnings declare to the core (core/registry.py): events, audited types and their
history pages, the restore guard's tables and the menu entry."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.scope import acts_for_office
from taizhang.core.registry import HistoryKind, MenuItem, model_labels, registry

registry.events({
    "warning.rule_created": _("Warning rule set up"),
    "warning.rule_updated": _("Warning rule changed"),
    "warning.evaluated": _("Lamps evaluated"),
    "warning.published": _("Lamps published"),
    "warning.consequence_recorded": _("Consequence of a lamp recorded"),
    "warning.consequence_updated": _("Consequence of a lamp changed"),
})

registry.audited("warnings.warningrule", _("warning rule"), history="warningrule")
registry.audited("warnings.evaluation", _("lamp evaluation"),
                 not_browsable="evaluated (again while a draft) and published, never edited: "
                               "its events are in the audit export")
registry.audited("warnings.consequence", _("consequence of a lamp"), history="consequence")
registry.unaudited({
    "warnings.lamp": "written with its evaluation's warning.evaluated event, never edited",
})
# Lamps are what the office published to the city: a restore over them needs --yes.
registry.backup(office_data=model_labels("warnings"))


def _find(model_label: str) -> Any:
    def find(user: Any, pk: int) -> models.Model | None:
        from django.apps import apps

        model = apps.get_model(model_label)
        return model.objects.restrict(user, "view").filter(pk=pk).first()  # type: ignore[attr-defined]
    return find


def _rule_back(obj: Any) -> str:
    return reverse("warnings:rules", args=[obj.year])


def _consequence_back(obj: Any) -> str:
    return reverse("warnings:lamp", args=[obj.lamp_id])


registry.history(HistoryKind("warningrule", "warnings.warningrule", _find("warnings.warningrule"),
                             _rule_back))
registry.history(HistoryKind("consequence", "warnings.consequence",
                             _find("warnings.consequence"), _consequence_back))


def _office_with_division(user: Any) -> bool:
    """The warning pages evaluate the office's own division (views.office_page)."""
    return acts_for_office(user) and user.division_id is not None


registry.menu_items(MenuItem(_("Warning lamps"), "warnings:lamps", _office_with_division,
                             weight=145))
