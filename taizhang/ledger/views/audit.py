"""The office's audit export for inspectors (events as xlsx or CSV), itself recorded."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from taizhang.core.audit.export import EventFilter, write
from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.service import record_event
from taizhang.core.forms import CalendarDateInput
from taizhang.core.registry import registry

_CONTENT = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "csv": "text/csv; charset=utf-8"}


def object_types() -> list[tuple[str, Any]]:
    """Every audited object type its app declares (`<app>/registrations.py`)."""
    return [("", _("all"))] + [(declared.object_type, declared.name)
                               for declared in registry.object_types.values()]


class AuditExportForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False,
                            widget=CalendarDateInput())
    end = forms.DateField(label=_("To"), required=False,
                          widget=CalendarDateInput())
    actor = forms.CharField(label=_("Username"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("Object type"), choices=object_types,
                                    required=False)
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "xlsx"), ("csv", "CSV")],
                               initial="xlsx")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The first day comes after the last day."))
        return data


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
        # The same scoping as the audit trail in the admin (AuditEvent.scope_q).
        events = chosen.apply(AuditEvent.objects.restrict(request.user, "view"))
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
