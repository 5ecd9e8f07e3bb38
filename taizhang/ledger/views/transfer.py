"""Excel in and out on the web: export the filtered list; upload, preview and confirm an import."""

from __future__ import annotations

import io
import uuid
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.accounts.models import OfficeSettings, User
from taizhang.accounts.scope import acts_for_office
from taizhang.core.audit.service import record
from taizhang.core.periods import Period, PeriodError
from taizhang.core.sheets import SheetLimitError
from taizhang.core.sheets.limits import check_bytes
from taizhang.figures.rates import behind_threshold
from taizhang.jobs.models import Job, JobState
from taizhang.jobs.services import start_follow_up, start_job
from taizhang.ledger.choices import Stage
from taizhang.ledger.exporting import write_ledger_xlsx
from taizhang.ledger.filters import ProjectFilterForm
from taizhang.ledger.importing.limits import import_limits
from taizhang.ledger.importing.service import format_reason
from taizhang.ledger.importing.staging import stage, staged
from taizhang.ledger.jobs import EXPORT, IMPORT, PREVIEW, preview_from_json
from taizhang.ledger.models import Project
from taizhang.ledger.views.common import period_from_request

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ALLOWED = (".xlsx", ".xlsm", ".xls", ".csv")


@login_required
def export_projects(request: HttpRequest) -> HttpResponse:
    """The filtered list as the standard sheet: at once, or as a background job when it has
    more than TAIZHANG_EXPORT_DIRECT_MAX_ROWS projects (the request never waits long)."""
    visible = Project.objects.restrict(request.user, "view")
    office = OfficeSettings.for_division(request.user.division)
    period = period_from_request(request, visible, office)
    form = ProjectFilterForm(request.GET or None, visible=visible)
    chosen = form.to_filter()
    projects = chosen.apply(visible, period.year, period=period,
                            behind_line=behind_threshold(office), viewer=request.user)
    limit = settings.TAIZHANG_EXPORT_DIRECT_MAX_ROWS
    if projects.order_by().values("pk")[:limit + 1].count() > limit:
        job = start_job(EXPORT, actor=request.user, params={
            "query": request.GET.urlencode(), "period": str(period)})
        return redirect("jobs:detail", job_id=job.pk)
    buffer = io.BytesIO()
    stats = write_ledger_xlsx(projects, period, buffer, viewer=request.user,
                              include_cancelled=Stage.CANCELLED in chosen.stages)
    record("ledger.exported", cast(User, request.user), actor=request.user,
           changes=export_details(period, form, stats.total.projects,
                                  request.GET.urlencode()))
    response = HttpResponse(buffer.getvalue(), content_type=_XLSX)
    filename = f"ledger-{period}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_details(period: Period, form: forms.Form, rows: int, query: str) -> dict[str, Any]:
    """What the audit trail keeps about an export: period, filters used, rows written."""
    used = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters: dict[str, Any] = {}
    for name, value in used.items():
        if isinstance(value, QuerySet | list | tuple | set):
            value = [str(item) for item in value]
        if value not in (None, "", [], False):
            filters[name] = value if isinstance(value, list | int | bool) else str(value)
    return {"period": str(period), "filters": filters, "rows": rows, "query": query[:500]}


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Ledger sheet (xlsx, xls or csv)"))
    period = forms.CharField(
        label=gettext_lazy("Period (YYYY-MM)"), required=False, max_length=7,
        help_text=gettext_lazy("Leave empty to read it from the sheet's title."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(_ALLOWED):
            raise forms.ValidationError(_("Upload an .xlsx, .xls or .csv file."))
        try:
            check_bytes(upload.size, import_limits())
        except SheetLimitError as exc:
            raise forms.ValidationError(format_reason(exc)) from exc
        return upload

    def clean_period(self):
        raw = self.cleaned_data["period"].strip()
        if not raw:
            return None
        try:
            return Period.parse(raw)
        except PeriodError as exc:
            raise forms.ValidationError(_("The period must look like YYYY-MM.")) from exc


@login_required
def import_ledger_view(request: HttpRequest) -> HttpResponse:
    """Step 1: upload; the preview (a dry run) runs as a background job. Step 2: its page
    (``?preview=<job>``) shows the changes; confirm starts the import as another job."""
    if not request.user.is_office:
        raise PermissionDenied
    if request.method == "POST" and not acts_for_office(request.user):
        raise PermissionDenied  # an office not placed in a division would reach every project
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request)
    preview_id = request.GET.get("preview", "")
    if request.method == "GET" and preview_id:
        return _show_preview(request, preview_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token, _path = stage(upload.chunks())
        period = form.cleaned_data["period"]
        job = start_job(PREVIEW, actor=request.user, params={
            "token": token, "filename": upload.name, "period": str(period) if period else ""})
        return redirect("jobs:detail", job_id=job.pk)
    return render(request, "ledger/import.html", {"form": form})


def _preview_job(request: HttpRequest, job_id: str) -> Job | None:
    """The user's own finished preview (None for anything else: another's, a guess)."""
    try:
        uuid.UUID(job_id)
    except ValueError:
        return None
    return Job.objects.restrict(request.user).filter(
        pk=job_id, owner_id=request.user.pk, kind=PREVIEW, state=JobState.SUCCEEDED).first()


def _show_preview(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _preview_job(request, job_id)
    if job is None:
        raise Http404
    result = preview_from_json(job.outcome["preview"])
    confirmable = not job.outcome.get("followed_by") and staged(job.params["token"]) is not None
    data = job.outcome["preview"]
    return render(request, "ledger/import.html", {
        "form": ImportForm(), "result": result, "token": job.pk if confirmable else None,
        "changes": result.changes, "errors": [], "warnings": result.warnings,
        "preview_limit": settings.TAIZHANG_IMPORT_PREVIEW_ROWS, "hidden": data["hidden"],
        "followed_by": job.outcome.get("followed_by")})


def _confirm(request: HttpRequest) -> HttpResponse:
    job = _preview_job(request, request.POST.get("token", ""))
    if job is None:
        messages.error(request, _("This preview has expired or was already imported; "
                                  "upload the file again."))
        return redirect("ledger:import")
    if staged(job.params["token"]) is None:
        messages.error(request, _(
            "This preview has expired (a preview is kept %(hours)d hours); upload the file "
            "again.") % {"hours": settings.TAIZHANG_IMPORT_PREVIEW_HOURS})
        return redirect("ledger:import")
    preview = job.outcome["preview"]
    follow_up = start_follow_up(job, IMPORT, actor=request.user, total=preview["projects"],
                                params={**{k: job.params[k]
                                           for k in ("token", "filename", "period")},
                                        "digest": preview["digest"],
                                        "confirm_approved_changes": request.POST.get(
                                            "confirm_approved_changes") == "1"})
    if follow_up is None:
        messages.error(request, _("This preview has expired or was already imported; "
                                  "upload the file again."))
        return redirect("ledger:import")
    return redirect("jobs:detail", job_id=follow_up.pk)
