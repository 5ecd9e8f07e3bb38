"""The audit history of one object, the office's revert of a chosen version, and the audit
export for inspectors. Which objects have a history, who may read and revert them and what a
reader may see named are declared by their apps (core/registry.py)."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from taizhang.core.audit.export import EventFilter, write
from taizhang.core.audit.history import entries, narrowed
from taizhang.core.audit.models import AuditEvent
from taizhang.core.audit.revert import revert_to
from taizhang.core.audit.service import record_event
from taizhang.core.forms import BoundedDateField, CalendarDateInput
from taizhang.core.parsing import parse_id
from taizhang.core.registry import registry
from taizhang.core.services import ServiceError

SOURCE_LABELS = {
    "web": gettext_lazy("web"),
    "import": gettext_lazy("import"),
    "command": gettext_lazy("command"),
    "api": gettext_lazy("API"),
    "scenario": gettext_lazy("scenario"),
}
_SHOWN = 200


def _visible(user: Any, kind: str, pk: int) -> models.Model:
    """The object if `user` may see it (as its app declares), else 404."""
    declared = registry.history_kinds.get(kind)
    found = declared.find(user, pk) if declared is not None else None
    if found is None:
        raise Http404
    return found


def _may_revert(user: Any, obj: models.Model) -> bool:
    reverter = registry.reverter_of(type(obj))
    return reverter is not None and reverter.may_revert(user, obj)


@login_required
def history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    obj = _visible(request.user, kind, pk)
    events = AuditEvent.objects.about(obj).select_related(
        "actor__person", "actor__division", "reverts")
    total = events.count()
    shown = narrowed(events[:_SHOWN], obj)
    limits = registry.limits_for(request.user, obj)
    rows = entries(shown, obj._meta.label_lower, **limits)
    may_revert = _may_revert(request.user, obj)
    numbers = {row.event.pk: total - index for index, row in enumerate(rows)}
    user_label = limits.get("user_label")
    for row in rows:
        row.number = numbers[row.event.pk]  # type: ignore[attr-defined]
        row.reverts_number = numbers.get(row.event.reverts_id or 0)  # type: ignore[attr-defined]
        row.source_label = SOURCE_LABELS.get(row.event.source, row.event.source)  # type: ignore[attr-defined]
        row.actor_label = (  # type: ignore[attr-defined]
            user_label(row.event.actor) if user_label else str(row.event.actor or _("system")))
        row.can_revert = may_revert and not row.is_current and bool(row.changes)
    return render(request, "audit/history.html", {
        "object": obj, "kind": kind, "rows": rows, "total": total, "shown": len(shown),
        "latest": shown[0].pk if shown else None,
        "back": registry.history_kinds[kind].back_link(obj),
        "model_name": obj._meta.verbose_name,
        "may_revert": may_revert,
    })


@login_required
@require_POST
def revert(request: HttpRequest, kind: str, pk: int, event: int) -> HttpResponse:
    obj = _visible(request.user, kind, pk)
    version = AuditEvent.objects.about(obj).filter(pk=event).first()
    if version is None:
        raise Http404
    seen = parse_id(request.POST.get("latest"))  # the newest event shown; None: refused
    try:
        revert_to(obj, version, actor=request.user, reason=request.POST.get("reason", ""),
                  seen_latest=seen)
        messages.success(request, _("Reverted to the version of %(when)s.")
                         % {"when": timezone.localtime(version.at).strftime("%Y-%m-%d %H:%M")})
    except ServiceError as exc:
        messages.error(request, str(exc))
    except PermissionDenied:
        messages.error(request, _("You may not revert this record."))
    return redirect("audit:history", kind=kind, pk=pk)


# --- the audit export ---------------------------------------------------------------------

_CONTENT = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "csv": "text/csv; charset=utf-8"}


def object_types() -> list[tuple[str, Any]]:
    """Every audited object type its app declares (`<app>/registrations.py`)."""
    return [("", gettext_lazy("all"))] + [(declared.object_type, declared.name)
                                          for declared in registry.object_types.values()]


class AuditExportForm(forms.Form):
    start = BoundedDateField(label=gettext_lazy("From"), required=False,
                            widget=CalendarDateInput())
    end = BoundedDateField(label=gettext_lazy("To"), required=False,
                          widget=CalendarDateInput())
    actor = forms.CharField(label=gettext_lazy("Username"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=gettext_lazy("Object type"), choices=object_types,
                                    required=False)
    format = forms.ChoiceField(label=gettext_lazy("Format"),
                               choices=[("xlsx", "xlsx"), ("csv", "CSV")], initial="xlsx")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(gettext_lazy("The first day comes after the last day."))
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
            written = write(events, buffer, fmt, chosen.object_type)
            record_event("audit.exported", "core.auditevent", "", str(_("Audit trail")),
                         actor=request.user,
                         changes={"filters": chosen.as_dict(), "rows": written,
                                  "format": fmt})
            response = HttpResponse(buffer.getvalue(), content_type=_CONTENT[fmt])
            response["Content-Disposition"] = f'attachment; filename="audit.{fmt}"'
            return response
        count = events.count()
    return render(request, "audit/audit_export.html", {"form": form, "count": count})
