"""The audit history of one object, and the office's revert of a chosen version."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from taizhang.accounts.models import Division, OfficeSettings, Organization, Person, User
from taizhang.accounts.scope import manages_account
from taizhang.core.audit.history import entries, narrowed
from taizhang.core.audit.models import AuditEvent
from taizhang.core.parsing import parse_id
from taizhang.core.scoping import get_for_user
from taizhang.core.services import ServiceError
from taizhang.ledger import privacy
from taizhang.ledger.models import AnnualPlan, KeyListMembership, MonthlyReport, Project
from taizhang.ledger.models.scope import nameable_ids
from taizhang.ledger.services.revert import REVERTIBLE, revert_to

KINDS: dict[str, type[models.Model]] = {
    "project": Project,
    "plan": AnnualPlan,
    "report": MonthlyReport,
    "membership": KeyListMembership,
    "user": User,
    "organization": Organization,
    "person": Person,
    "division": Division,
    "settings": OfficeSettings,
}
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


def kind_of(obj: models.Model) -> str:
    return next(kind for kind, model in KINDS.items() if isinstance(obj, model))


def history_url(obj: models.Model) -> str:
    return reverse("ledger:history", args=[kind_of(obj), obj.pk])


def _visible(user: Any, kind: str, pk: int) -> models.Model:
    """The object if `user` may see it (the same scoping as its pages), else 404."""
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    if hasattr(model, "scope_q"):
        return get_for_user(model.objects.all(), user, "view", pk=pk)  # type: ignore[attr-defined]
    found = model._base_manager.filter(pk=pk).first()
    if found is None or not _may_see_account(user, found):
        raise Http404
    return found


def _may_see_account(user: Any, obj: models.Model) -> bool:
    """Accounts: superusers; an office admin for users of their division; everyone for self.
    Organizations, people, divisions and office settings: office admins, those they may read
    by name (scope.py: their division's, and what their projects refer to)."""
    if user.is_superuser:
        return True
    if isinstance(obj, User):
        if obj.pk == user.pk:
            return True
        return manages_account(user, obj)
    return bool(user.is_office) and bool(nameable_ids(user, type(obj), [obj.pk]))


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


def _back_link(obj: models.Model) -> str | None:
    if isinstance(obj, Project):
        return obj.get_absolute_url()
    if isinstance(obj, MonthlyReport):
        return reverse("ledger:report-form", args=[obj.project_id, obj.period_label])
    if isinstance(obj, AnnualPlan | KeyListMembership):
        return obj.project.get_absolute_url()
    return None


@login_required
def history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    obj = _visible(request.user, kind, pk)
    events = AuditEvent.objects.about(obj).select_related(
        "actor__person", "actor__division", "reverts")
    total = events.count()
    shown = narrowed(events[:_SHOWN], obj)
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
        "latest": shown[0].pk if shown else None, "back": _back_link(obj),
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
    return redirect("ledger:history", kind=kind, pk=pk)
