"""The office's review queue: the reports waiting with their warnings, photos and figures;
approve, return with a reason, or approve the clean ones in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from taizhang.accounts.models import Division, Organization
from taizhang.core.forms import VersionField
from taizhang.core.parsing import local_path, parse_id
from taizhang.core.scoping import get_for_user
from taizhang.core.services import ServiceError
from taizhang.figures.plausibility import KINDS, PlausibilityWarning, facts_of, warnings_for
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.forms import ReturnForm
from taizhang.ledger.models import MonthlyReport, ReportPhoto
from taizhang.ledger.services import reports as report_service

PAGE_SIZE = 50
BULK_LIMIT = 200  # more ids than two pages in one post are ignored beyond this


@dataclass
class Row:
    """One report of the queue with what the reviewer needs beside it."""

    report: MonthlyReport
    warnings: list[PlausibilityWarning]
    previous: Decimal | None  # the approved figure of the month before (None: none)
    plan: Decimal | None  # the annual plan of the report's year


_RELATED = ("project", "project__owner", "project__responsible_unit", "project__division",
            "submitted_by__person", "submitted_by__division")


def _queue(user: Any) -> QuerySet[MonthlyReport]:
    return (
        MonthlyReport.objects.restrict(user, "review")
        .filter(status=ReportStatus.SUBMITTED)
        .select_related(*_RELATED)
        .order_by("submitted_at", "pk")
    )


def _with_photos(reports: QuerySet[MonthlyReport]) -> QuerySet[MonthlyReport]:
    return reports.prefetch_related(
        Prefetch("photos", queryset=ReportPhoto.objects.order_by("uploaded_at", "id")))


def rows_of(reports: list[MonthlyReport]) -> list[Row]:
    """Rows for a page of reports: two queries for the warnings and figures (plausibility)."""
    facts = facts_of(reports)
    rows = []
    for report in reports:
        f = facts[report.pk]
        rows.append(Row(report, warnings_for(f), f.history.get(f.period.previous().first_day),
                        f.annual_plan))
    return rows


@dataclass(frozen=True)
class QueueFilter:
    unit: int | None
    township: int | None
    warning: str  # "" all, "any", "none", or a kind of KINDS

    @classmethod
    def from_query(cls, query: Any) -> QueueFilter:
        warning = query.get("warning") or ""
        if warning not in KINDS and warning not in ("any", "none"):
            warning = ""
        return cls(parse_id(query.get("unit")), parse_id(query.get("township")), warning)

    def apply(self, reports: QuerySet[MonthlyReport]) -> QuerySet[MonthlyReport]:
        # Warnings filter on the kinds kept at submission (an index-free LIKE on the page's
        # scope); the rows show the warnings as they are now.
        if self.unit:
            reports = reports.filter(project__responsible_unit_id=self.unit)
        if self.township:
            reports = reports.filter(project__division_id=self.township)
        if self.warning == "any":
            reports = reports.exclude(warning_codes="")
        elif self.warning == "none":
            reports = reports.filter(warning_codes="")
        elif self.warning:
            reports = reports.filter(warning_codes__contains=f",{self.warning},")
        return reports

    def query(self) -> str:
        parts = [f"unit={self.unit}" if self.unit else "",
                 f"township={self.township}" if self.township else "",
                 f"warning={self.warning}" if self.warning else ""]
        return "&".join(p for p in parts if p)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not request.user.is_office:
        raise PermissionDenied
    queue = _queue(request.user)
    chosen = QueueFilter.from_query(request.GET)
    page = Paginator(_with_photos(chosen.apply(queue)), PAGE_SIZE).get_page(
        request.GET.get("page"))
    # The filters offer only what the queue holds (never a name outside the scope).
    waiting = queue.values("project")
    units = Organization.objects.filter(unit_projects__in=waiting).distinct().order_by("name")
    townships = Division.objects.filter(projects__in=waiting).distinct().order_by("name")
    return render(request, "ledger/review_queue.html", {
        "page": page, "rows": rows_of(list(page.object_list)), "filter": chosen,
        "filter_query": chosen.query(), "units": units, "townships": townships,
        "kinds": KINDS.items(),
    })


def _back(request: HttpRequest) -> HttpResponse:
    target = local_path(request.POST.get("next")) or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "ledger:review-queue"
    return redirect(target)


@login_required
@require_POST
def approve_clean(request: HttpRequest) -> HttpResponse:
    """Approve the ticked reports that have no warning; say which were not, and why."""
    if not request.user.is_office:
        raise PermissionDenied
    ids = [i for i in (parse_id(v) for v in request.POST.getlist("report")[:BULK_LIMIT]) if i]
    found = {r.pk: r for r in MonthlyReport.objects.restrict(request.user, "review")
             .filter(pk__in=ids).select_related("project")}
    items = []
    for pk in ids:
        if pk in found:
            items.append((found[pk], VersionField().clean(request.POST.get(f"v-{pk}"))))
    missing = len(set(ids) - set(found))
    approved, refused = report_service.approve_clean_reports(items, actor=request.user)
    if approved:
        messages.success(request, ngettext("%(n)d report approved.", "%(n)d reports approved.",
                                           len(approved)) % {"n": len(approved)})
    for report, why in refused:
        messages.error(request, _("Not approved: %(name)s %(period)s. %(why)s") % {
            "name": report.project.name, "period": report.period_label, "why": why})
    if missing:
        messages.error(request, ngettext(
            "%(n)d report was not found among those you review.",
            "%(n)d reports were not found among those you review.", missing) % {"n": missing})
    if not ids:
        messages.error(request, _("Tick the reports to approve."))
    return _back(request)


@login_required
@require_POST
def review_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = get_for_user(
        MonthlyReport.objects.select_related("project"), request.user, "review", pk=pk
    )
    # The version the reviewer read: a report returned, changed and submitted again since
    # is not approved unseen; a missing one is refused (core/services.py).
    seen = VersionField().clean(request.POST.get("version"))
    try:
        if action == "approve":
            report = report_service.approve_report(report, actor=request.user,
                                                   expected_version=seen)
            note = _("Approved: %(name)s %(period)s")
        elif action == "return":
            form = ReturnForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            report = report_service.return_report(report, actor=request.user, reason=reason,
                                                  expected_version=seen)
            note = _("Returned: %(name)s %(period)s")
        elif action == "reopen":
            report = report_service.reopen_report(
                report, actor=request.user, reason=request.POST.get("reason", ""),
                expected_version=seen,
            )
            note = _("Reopened: %(name)s %(period)s")
        else:
            raise PermissionDenied
        text = note % {"name": report.project.name, "period": report.period_label}
        ok = True
    except ServiceError as exc:
        text, ok = str(exc), False
    if request.headers.get("HX-Request"):
        fresh = _with_photos(MonthlyReport.objects.filter(pk=report.pk)
                             .select_related(*_RELATED))
        return render(request, "ledger/_review_row.html", {
            "row": rows_of(list(fresh))[0], "done": ok, "note": text,
        })
    (messages.success if ok else messages.error)(request, text)
    return _back(request)
