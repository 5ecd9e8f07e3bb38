"""The audit history of one object, and the office's revert of a chosen version."""

from __future__ import annotations

from typing import Any

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

from taizhang.accounts.models import Division, Organization, Person
from taizhang.core.audit.history import entries
from taizhang.core.audit.models import AuditEvent
from taizhang.core.registry import registry
from taizhang.core.services import ServiceError
from taizhang.ledger import privacy
from taizhang.ledger.models import Project
from taizhang.ledger.models.scope import nameable_ids
from taizhang.ledger.services.revert import REVERTIBLE, revert_to

SOURCE_LABELS = {
    "web": gettext_lazy("web"),
    "import": gettext_lazy("import"),
    "command": gettext_lazy("command"),
    "api": gettext_lazy("API"),
    "scenario": gettext_lazy("scenario"),
}
_SHOWN = 200
# A project's personal data: shown in its history only to those who see its contact.
PRIVATE_FIELDS = ("contact_name", "contact_phone")


def _visible(user: Any, kind: str, pk: int) -> models.Model:
    """The object if `user` may see it (as its app declares: `<app>/registrations.py`),
    else 404."""
    declared = registry.history_kinds.get(kind)
    found = declared.find(user, pk) if declared is not None else None
    if found is None:
        raise Http404
    return found


def reader_limits(user: Any, obj: models.Model) -> dict[str, Any]:
    """What a history names for `user`: related objects in their scope only (scope.py), people
    and contacts as `ledger.privacy` allows."""
    project = _project_of(obj)
    return {
        "nameable": lambda model, ids: (
            nameable_ids(user, model, ids)
            if model in (Project, Organization, Person, Division) else None),
        "user_label": lambda who: privacy.actor_label(user, who),
        "private": () if project is None or privacy.sees_contact(user, project)
        else PRIVATE_FIELDS,
    }


def _project_of(obj: models.Model) -> Project | None:
    if isinstance(obj, Project):
        return obj
    return getattr(obj, "project", None)


def _may_revert(user: Any, obj: models.Model) -> bool:
    if type(obj) not in REVERTIBLE or not user.is_office:
        return False
    project = obj if isinstance(obj, Project) else obj.project  # type: ignore[attr-defined]
    return Project.objects.restrict(user, "change").filter(pk=project.pk).exists()


def _back_link(kind: str, obj: models.Model) -> str | None:
    return registry.history_kinds[kind].back_link(obj)


@login_required
def history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    obj = _visible(request.user, kind, pk)
    events = AuditEvent.objects.for_object(obj).select_related(
        "actor__person", "actor__division", "reverts")
    total = events.count()
    shown = list(events[:_SHOWN])
    rows = entries(shown, obj._meta.label_lower, **reader_limits(request.user, obj))
    may_revert = _may_revert(request.user, obj)
    numbers = {row.event.pk: total - index for index, row in enumerate(rows)}
    for row in rows:
        row.number = numbers[row.event.pk]  # type: ignore[attr-defined]
        row.reverts_number = numbers.get(row.event.reverts_id or 0)  # type: ignore[attr-defined]
        row.source_label = SOURCE_LABELS.get(row.event.source, row.event.source)  # type: ignore[attr-defined]
        row.can_revert = may_revert and not row.is_current and bool(row.changes)
    return render(request, "ledger/history.html", {
        "object": obj, "kind": kind, "rows": rows, "total": total, "shown": len(shown),
        "latest": shown[0].pk if shown else None, "back": _back_link(kind, obj),
        "model_name": obj._meta.verbose_name,
        "may_revert": may_revert,
    })


@login_required
@require_POST
def revert(request: HttpRequest, kind: str, pk: int, event: int) -> HttpResponse:
    obj = _visible(request.user, kind, pk)
    version = AuditEvent.objects.for_object(obj).filter(pk=event).first()
    if version is None:
        raise Http404
    try:
        seen = int(request.POST.get("latest", ""))
    except ValueError:
        seen = None
    try:
        revert_to(obj, version, actor=request.user, reason=request.POST.get("reason", ""),
                  seen_latest=seen)
        messages.success(request, _("Reverted to the version of %(when)s.")
                         % {"when": timezone.localtime(version.at).strftime("%Y-%m-%d %H:%M")})
    except ServiceError as exc:
        messages.error(request, str(exc))
    except PermissionDenied:
        messages.error(request, _("You may not revert this record."))
    return redirect("ledger:history", kind=kind, pk=pk)
