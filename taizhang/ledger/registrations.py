"""What the ledger declares to the core (core/registry.py): its events, audited types and
their history pages, the figure types, the restore guard's tables, who may read a name, and
its menu entries."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from taizhang.core.registry import HistoryKind, MenuItem, model_labels, registry
from taizhang.ledger.services import revert
from taizhang.notices import kinds as notice_kinds

registry.events({
    "project.created": _("Project created"),
    "project.updated": _("Project changed"),
    "project.stage_changed": _("Stage changed"),
    "plan.created": _("Annual plan set"),
    "plan.updated": _("Annual plan changed"),
    "keylist.created": _("Key list created"),
    "keylist.applied": _("Applied for a key list"),
    "keylist.decided": _("Key list application decided"),
    "report.created": _("Monthly report started"),
    "report.updated": _("Monthly report changed"),
    "report.submitted": _("Monthly report submitted"),
    "report.approved": _("Monthly report approved"),
    "report.returned": _("Monthly report returned"),
    "report.reopened": _("Approved report reopened"),
    "report.imported": _("Monthly figures imported"),
    # One per imported project, with its plan's, reports' and memberships' changes.
    "project.imported": _("Imported from a ledger sheet"),
    "report.photo_added": _("Photo added"),
    "report.photo_removed": _("Photo removed"),
    "ledger.exported": _("Ledger exported"),
    "ledger.imported": _("Ledger imported"),
})

registry.change_keys({"photo": _("photo"), "period": _("period"),
                      # submit_report: the plausibility warnings the report was submitted past
                      "warnings": _("plausibility warnings")})

registry.audited("ledger.project", _("project"), history="project", changes_figures=True)
registry.audited("ledger.annualplan", _("annual plan"), history="plan", changes_figures=True)
registry.audited("ledger.monthlyreport", _("monthly report"), history="report",
                 changes_figures=True)
registry.audited("ledger.keylistmembership", _("key list membership"), history="membership",
                 changes_figures=True)
registry.audited("ledger.keylist", _("key list"), changes_figures=True,
                 not_browsable="a list is created once and never edited")
registry.unaudited({
    "ledger.stagechange": "recorded as its project's project.stage_changed event",
    "ledger.reportphoto": "recorded as its report's report.photo_added/photo_removed events",
})
# Every ledger row feeds the figures or the filters over them, audited under its own type or
# written along with one (a stage change, a photo).
registry.figures(*model_labels("ledger"))


def _scoped(model_label: str) -> Any:
    def find(user: Any, pk: int) -> models.Model | None:
        """The same scoping as the object's own pages (scope_q)."""
        from django.apps import apps

        model = apps.get_model(model_label)
        return model.objects.restrict(user, "view").filter(pk=pk).first()  # type: ignore[attr-defined]
    return find


def _back_link(obj: Any) -> str | None:
    from taizhang.ledger.models import MonthlyReport, Project

    if isinstance(obj, Project):
        return obj.get_absolute_url()
    if isinstance(obj, MonthlyReport):
        return reverse("ledger:report-form", args=[obj.project_id, obj.period_label])
    return obj.project.get_absolute_url()  # an annual plan, a key-list membership


for _kind, _model, _reverter in (("project", "ledger.project", revert.PROJECT),
                                 ("plan", "ledger.annualplan", revert.PLAN),
                                 ("report", "ledger.monthlyreport", revert.REPORT),
                                 ("membership", "ledger.keylistmembership", None)):
    registry.history(HistoryKind(_kind, _model, _scoped(_model), _back_link, _reverter))

# A project's personal data: shown in its history only to those who see its contact.
PRIVATE_FIELDS = ("contact_name", "contact_phone")


def _reader_limits(user: Any, obj: Any) -> dict[str, Any]:
    """What a history names for `user`: related objects in their scope only (models/scope.py),
    people and contacts as `ledger.privacy` allows."""
    from taizhang.accounts.models import Division, Organization, Person
    from taizhang.ledger import privacy
    from taizhang.ledger.models import Project
    from taizhang.ledger.models.scope import nameable_ids

    project = obj if isinstance(obj, Project) else getattr(obj, "project", None)
    return {
        "nameable": lambda model, ids: (
            nameable_ids(user, model, ids)
            if model in (Project, Organization, Person, Division) else None),
        "user_label": lambda who: privacy.actor_label(user, who),
        "private": () if project is None or privacy.sees_contact(user, project)
        else PRIVATE_FIELDS,
    }


registry.history_reader(_reader_limits)


def _nameable(user: Any, model: type[models.Model], ids: Any) -> set[str]:
    from taizhang.ledger.models.scope import nameable_ids

    return nameable_ids(user, model, ids)


registry.name_scope(_nameable)


def _pickable(user: Any, model: type[models.Model]) -> Q:
    from taizhang.ledger.models.scope import pickable_q

    return pickable_q(user, model)


registry.picker_scope(_pickable)

registry.backup(office_data=model_labels("ledger"))

registry.menu_items(
    MenuItem(_("Projects"), "ledger:project-list", lambda user: True, weight=100),
    MenuItem(_("Monthly reports"), "ledger:my-reports",
             lambda user: user.role == "owner" or user.is_office, weight=110),
    MenuItem(_("Reporting board"), "ledger:reporting-board", lambda user: user.is_office,
             weight=115),
    MenuItem(_("Review"), "ledger:review-queue", lambda user: user.is_office, weight=120),
    MenuItem(_("Import"), "ledger:import", lambda user: user.is_office, weight=130),
)

# What the ledger's notifications say (notices/kinds.py: the text is made when shown).
notice_kinds.declare({
    "report-returned": _("Your report for %(project)s, %(period)s, was returned: %(reason)s"),
    "report-approved": _("Your report for %(project)s, %(period)s, was approved."),
    "report-reminder": _("Reminder: %(count)s of your projects have not reported for "
                         "%(period)s yet. Reports are due by %(deadline)s."),
})

# Background jobs (taizhang/jobs): an import's preview, the import, a large export.
from taizhang.jobs.kinds import register as _register_job_kind  # noqa: E402
from taizhang.ledger.jobs import KINDS as _JOB_KINDS  # noqa: E402

for _job_kind in _JOB_KINDS:
    _register_job_kind(_job_kind)
