"""The office's review queue: approve, or return with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.core.forms import VersionField
from taizhang.core.parsing import local_path
from taizhang.core.scoping import get_for_user
from taizhang.core.services import ServiceError
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.forms import ReturnForm
from taizhang.ledger.models import MonthlyReport
from taizhang.ledger.services import reports as report_service


def _queue(user):
    return (
        MonthlyReport.objects.restrict(user, "review")
        .filter(status=ReportStatus.SUBMITTED)
        .select_related("project", "project__owner", "submitted_by__person",
                        "submitted_by__division")
        .order_by("submitted_at", "pk")
    )


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not request.user.is_office:
        raise PermissionDenied
    page = Paginator(_queue(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "ledger/review_queue.html", {"page": page})


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
        return render(request, "ledger/_review_row.html", {
            "report": report, "done": ok, "note": text,
        })
    (messages.success if ok else messages.error)(request, text)
    target = local_path(request.POST.get("next")) or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "ledger:review-queue"
    return redirect(target)
