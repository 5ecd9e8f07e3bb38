"""The owner's side of the monthly report: my projects this month, the report form, photos."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from taizhang.accounts.models import OfficeSettings
from taizhang.core.periods import Period, PeriodError
from taizhang.core.scoping import get_for_user
from taizhang.core.services import ServiceError
from taizhang.figures.per_project import with_figures
from taizhang.figures.plausibility import check_report
from taizhang.figures.series import status_counts
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.forms import MonthlyReportForm, PhotoForm
from taizhang.ledger.models import MonthlyReport, Project, ReportPhoto
from taizhang.ledger.services import reports as report_service

_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def _reporting_period(request: HttpRequest) -> Period:
    """`?period=`, else the month the office has open for reporting."""
    raw = request.GET.get("period") or ""
    if raw:
        try:
            return Period.parse(raw)
        except PeriodError as exc:
            raise Http404 from exc
    return OfficeSettings.for_division(request.user.division).current_reporting_period()


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """Projects the user reports for, with this period's report status."""
    reportable = Project.objects.restrict(request.user, "report")
    period = _reporting_period(request)
    projects = (
        reportable.select_related("owner")
        .prefetch_related(Prefetch(
            "reports", queryset=MonthlyReport.objects.filter(period=period.first_day),
            to_attr="this_period",
        ))
        .order_by("name")
    )
    rows = [(p, p.this_period[0] if p.this_period else None) for p in projects[:500]]
    # Drafts and returned reports of other months, so nothing is forgotten.
    open_elsewhere = (
        MonthlyReport.objects.filter(project__in=reportable.values("pk"),
                                     status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])
        .exclude(period=period.first_day)
        .select_related("project")
        .order_by("period", "project__name")[:50]
    )
    # The month's counts by status, over every project reported for (not only the rows shown).
    by_status = status_counts(reportable, period)
    counts = [(status, label, by_status.get(status, 0)) for status, label in ReportStatus.choices]
    started = sum(by_status.values())
    return render(request, "ledger/my_reports.html", {
        "period": period, "previous": period.previous(), "next": period.next(), "rows": rows,
        "open_elsewhere": open_elsewhere, "counts": counts,
        "not_started": max(reportable.count() - started, 0),
    })


@login_required
def report_form(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    project = get_for_user(Project.objects.select_related("owner"), request.user, "report", pk=pk)
    try:
        the_period = Period.parse(period)
    except PeriodError as exc:
        raise Http404 from exc
    report = MonthlyReport.objects.filter(project=project, period=the_period.first_day).first()
    form = MonthlyReportForm(
        request.POST or None, instance=report,
        initial={"version": report.version if report else 0,
                 "warning_note": report.warning_note if report else ""},
    )
    warnings = None
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in report_service.CONTENT_FIELDS}
        try:
            # Save and submit together: a refused submission leaves the draft as it was.
            with transaction.atomic():
                saved = report_service.save_report(
                    project, the_period, actor=request.user, data=data,
                    expected_version=form.cleaned_data.get("version"),
                )
                if "submit" in request.POST:
                    # What the owner typed, checked before the rollback of a refusal.
                    warnings = check_report(saved)
                    report_service.submit_report(saved, actor=request.user,
                                                 expected_version=saved.version,
                                                 note=form.cleaned_data["warning_note"])
            if "submit" in request.POST:
                messages.success(request, _("The report was submitted for review."))
                return redirect("ledger:my-reports")
            messages.success(request, _("The draft was saved."))
            return redirect("ledger:report-form", pk=project.pk, period=str(the_period))
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
    if warnings is None:
        warnings = check_report(report) if report is not None else []
    window = report_service.reporting_window(request.user, project)
    returned = report is not None and report.status == ReportStatus.RETURNED
    in_window = window is None or window[0] <= the_period <= window[1] or returned
    editable = (report is None or not report.is_locked) and in_window
    before = with_figures(Project.objects.filter(pk=project.pk), the_period.previous()).get()
    plan = project.plans.filter(year=the_period.year).first()
    return render(request, "ledger/report_form.html", {
        "project": project, "period": the_period, "report": report, "form": form,
        "editable": editable, "photo_form": PhotoForm(),
        "photos": report.photos.all() if report else [],
        "max_photos": settings.TAIZHANG_MAX_PHOTOS,
        "plan": plan,
        "warnings": warnings,
        "window": None if in_window else window,
        # Year-to-date before this month: nothing yet in January.
        "ytd_before": before.ytd_completed if the_period.month > 1 else None,  # type: ignore[attr-defined]
        "since_start_before": before.since_start_completed,  # type: ignore[attr-defined]
    })


@login_required
@require_POST
def upload_photos(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    project = get_for_user(Project.objects.all(), request.user, "report", pk=pk)
    try:
        the_period = Period.parse(period)
    except PeriodError as exc:
        raise Http404 from exc
    report = MonthlyReport.objects.filter(project=project, period=the_period.first_day).first()
    if report is None:
        messages.error(request, _("Save the report as a draft before adding photos."))
        return redirect("ledger:report-form", pk=pk, period=period)
    added = 0
    caption = request.POST.get("caption", "")[:200]
    for upload in request.FILES.getlist("photos"):
        try:
            report_service.add_photo(report, upload, actor=request.user, caption=caption)
            added += 1
        except ServiceError as exc:
            messages.error(request, f"{(upload.name or '')[:80]}: {exc}")
    if added:
        messages.success(request, ngettext("%(n)d photo added.", "%(n)d photos added.", added)
                         % {"n": added})
    return redirect("ledger:report-form", pk=pk, period=period)


@login_required
def photo(request: HttpRequest, token: str) -> FileResponse:
    """Photos are served through the scope check, never as public media files."""
    found = get_for_user(ReportPhoto.objects.all(), request.user, "view", token=token)
    # ?thumb=1: the small copy made at upload (the photo itself for older ones, or if the
    # copy is missing from the disk).
    handle: Any = None
    if request.GET.get("thumb") and found.thumbnail:
        with contextlib.suppress(OSError):
            handle = found.thumbnail.open("rb")
    # The type comes from the format Pillow verified at upload, never from the client; with
    # nosniff and a sandboxing policy nothing in the file can run, whatever it contains.
    response = FileResponse(handle or found.image.open("rb"),
                            content_type=_CONTENT_TYPES[found.extension])
    response["Content-Disposition"] = f'inline; filename="{found.token}.{found.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def remove_photo(request: HttpRequest, token: str) -> HttpResponse:
    found = get_for_user(ReportPhoto.objects.select_related("report"), request.user, "report",
                         token=token)
    report = found.report
    try:
        report_service.delete_photo(found, actor=request.user)
        messages.success(request, _("The photo was removed."))
    except (ServiceError, PermissionDenied):
        messages.error(request, _("Photos can only be removed while the report is being edited."))
    return redirect("ledger:report-form", pk=report.project_id, period=report.period_label)
