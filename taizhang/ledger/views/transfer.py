"""Excel in and out on the web: export the filtered list; upload, preview and confirm an import."""

from __future__ import annotations

import io
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.accounts.models import User
from taizhang.core.audit.service import record
from taizhang.core.context import acting
from taizhang.core.periods import Period, PeriodError
from taizhang.core.sheets import SheetLimitError
from taizhang.core.sheets.limits import check_bytes
from taizhang.figures.per_project import behind_schedule
from taizhang.ledger.choices import Stage
from taizhang.ledger.exporting import write_ledger_xlsx
from taizhang.ledger.filters import ProjectFilterForm
from taizhang.ledger.importing import ImportResult, import_ledger
from taizhang.ledger.importing.limits import import_limits
from taizhang.ledger.importing.service import format_reason
from taizhang.ledger.importing.staging import stage, staged
from taizhang.ledger.models import Project
from taizhang.ledger.views.common import period_from_request

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ALLOWED = (".xlsx", ".xlsm", ".xls", ".csv")


@login_required
def export_projects(request: HttpRequest) -> HttpResponse:
    visible = Project.objects.restrict(request.user, "view")
    period = period_from_request(request, visible)
    form = ProjectFilterForm(request.GET or None, visible=visible)
    chosen = form.to_filter()
    projects = chosen.apply(visible, period.year, period=period)
    if chosen.behind:
        projects = behind_schedule(projects, period)
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
    """Step 1: upload and preview (a dry run). Step 2: confirm, which imports for real."""
    if not request.user.is_office:
        raise PermissionDenied
    staged_import = request.session.get("staged_import")
    if request.method == "POST" and "confirm" in request.POST and not staged_import:
        messages.error(request, _("This preview has expired or was already imported; "
                                  "upload the file again."))
        return redirect("ledger:import")
    if request.method == "POST" and "confirm" in request.POST and staged_import:
        if request.POST.get("token") != staged_import["token"]:
            messages.error(request, _("This preview has expired; upload the file again."))
            return redirect("ledger:import")
        path = staged(staged_import["token"])
        period = Period.parse(staged_import["period"]) if staged_import.get("period") else None
        if path is None:
            messages.error(request, _(
                "This preview has expired (a preview is kept %(hours)d hours); upload the file "
                "again.") % {"hours": settings.TAIZHANG_IMPORT_PREVIEW_HOURS})
            del request.session["staged_import"]
            return redirect("ledger:import")
        with acting("import"), path.open("rb") as source:
            applied = import_ledger(source, staged_import["filename"], actor=request.user,
                                    period=period, dry_run=False,
                                    expect_digest=staged_import["digest"],
                                    confirm_approved_changes=request.POST.get(
                                        "confirm_approved_changes") == "1")
        path.unlink(missing_ok=True)
        del request.session["staged_import"]
        if applied.errors:
            return render(request, "ledger/import.html",
                          {"form": ImportForm(), "result": applied, **_shown(applied)})
        messages.success(request, _(
            "Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged."
        ) % {"created": applied.created, "updated": applied.updated,
             "unchanged": applied.unchanged})
        return redirect("ledger:project-list")

    form = ImportForm(request.POST or None, request.FILES or None)
    result: ImportResult | None = None
    token: str | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token, path = stage(upload.chunks())
        with path.open("rb") as source:
            result = import_ledger(source, upload.name, actor=request.user,
                                   period=form.cleaned_data["period"], dry_run=True)
        if result.errors:
            path.unlink(missing_ok=True)
            token = None
        else:
            request.session["staged_import"] = {
                "token": token, "filename": upload.name, "digest": result.digest,
                "period": str(result.period) if result.period else "",
            }
    return render(request, "ledger/import.html",
                  {"form": form, "result": result, "token": token, **_shown(result)})


def _shown(result: ImportResult | None) -> dict[str, Any]:
    """The first TAIZHANG_IMPORT_PREVIEW_ROWS changes, errors and warnings, and how many
    more are not shown: the page stays small whatever the sheet."""
    if result is None:
        return {}
    limit = settings.TAIZHANG_IMPORT_PREVIEW_ROWS
    return {
        "changes": result.changes[:limit], "errors": result.errors[:limit],
        "warnings": result.warnings[:limit], "preview_limit": limit,
        "hidden": max(len(result.changes) - limit, 0)
        + max(len(result.errors) - limit, 0) + max(len(result.warnings) - limit, 0),
    }
