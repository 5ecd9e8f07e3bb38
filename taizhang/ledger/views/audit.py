"""The office's audit export for inspectors (events as xlsx or CSV), itself recorded."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from taizhang.accounts.models import User
from taizhang.core.audit.export import EventFilter, write
from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.service import record_event
from taizhang.core.forms import CalendarDateInput
from taizhang.ledger.models import AnnualPlan, KeyListMembership, MonthlyReport, Project

_CONTENT = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "csv": "text/csv; charset=utf-8"}
OBJECT_TYPES = [
    ("", _("all")),
    ("ledger.project", _("project")),
    ("ledger.annualplan", _("annual plan")),
    ("ledger.monthlyreport", _("monthly report")),
    ("ledger.keylistmembership", _("key list membership")),
    ("ledger.keylist", _("key list")),
    ("accounts.user", _("user")),
    ("accounts.organization", _("organization")),
    ("accounts.person", _("person")),
    ("accounts.division", _("division")),
    ("accounts.officesettings", _("office settings")),
    ("core.auditevent", _("audit trail")),
]


class AuditExportForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False,
                            widget=CalendarDateInput())
    end = forms.DateField(label=_("To"), required=False,
                          widget=CalendarDateInput())
    actor = forms.CharField(label=_("Username"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Object type"), choices=OBJECT_TYPES,
                                    required=False)
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "xlsx"), ("csv", "CSV")],
                               initial="xlsx")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The first day comes after the last day."))
        return data


def _ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.annotate(sid=Cast("pk", CharField())).values("sid")


def visible_events(user: Any) -> QuerySet[AuditEvent]:
    """All events for a superuser; for an office admin those of their division's records."""
    if user.is_superuser:
        return AuditEvent.objects.all()
    if not user.is_office or user.division_id is None:
        return AuditEvent.objects.none()
    projects = Project.objects.restrict(user, "view")
    users = User.objects.filter(division__path__startswith=user.division.path)
    return AuditEvent.objects.filter(
        Q(object_type="ledger.project", object_id__in=_ids(projects))
        | Q(object_type="ledger.monthlyreport",
            object_id__in=_ids(MonthlyReport.objects.filter(project__in=projects)))
        | Q(object_type="ledger.annualplan",
            object_id__in=_ids(AnnualPlan.objects.filter(project__in=projects)))
        | Q(object_type="ledger.keylistmembership",
            object_id__in=_ids(KeyListMembership.objects.filter(project__in=projects)))
        | Q(object_type="accounts.user", object_id__in=_ids(users))
        | Q(actor__in=users)
    )


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    if not request.user.is_office:
        raise PermissionDenied
    form = AuditExportForm(request.GET or None)
    count = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        chosen = EventFilter(data["start"], data["end"], data["actor"].strip(),
                             data["object_type"])
        events = chosen.apply(visible_events(request.user))
        if "download" in request.GET:
            fmt = data["format"]
            buffer = io.BytesIO()
            written = write(events, buffer, fmt)
            record_event("audit.exported", "core.auditevent", "", str(_("Audit trail")),
                         actor=request.user,
                         changes={"filters": chosen.as_dict(), "rows": written,
                                  "format": fmt})
            response = HttpResponse(buffer.getvalue(), content_type=_CONTENT[fmt])
            response["Content-Disposition"] = f'attachment; filename="audit.{fmt}"'
            return response
        count = events.count()
    return render(request, "ledger/audit_export.html", {"form": form, "count": count})
