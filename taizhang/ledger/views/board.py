"""The office's reporting board (催报): who has reported for a month, the projects behind
every number, and reminders to the owners still missing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from taizhang.accounts.models import Division, OfficeSettings, Organization
from taizhang.core.parsing import parse_id
from taizhang.core.periods import Period, PeriodError
from taizhang.figures import reporting
from taizhang.ledger.models import Project
from taizhang.ledger.models.scope import nameable_ids
from taizhang.ledger.services import reminders
from taizhang.ledger.views.reports import _reporting_period
from taizhang.notices.models import Dispatch

GROUP_PAGE = 50
LIST_PAGE = 50
GROUP_LABELS = {"unit": gettext_lazy("Responsible unit"), "township": gettext_lazy("Township"),
                "owner": gettext_lazy("Owner")}
STATE_LABELS = {"expected": gettext_lazy("Expected"), "missing": gettext_lazy("Missing"),
                "submitted": gettext_lazy("Awaiting review"),
                "returned": gettext_lazy("Returned"), "approved": gettext_lazy("Approved")}
_GROUP_MODEL = {"unit": Organization, "township": Division, "owner": Organization}
NO_GROUP = "none"


def _office_only(request: HttpRequest) -> None:
    if not request.user.is_office:
        raise PermissionDenied


def _projects(request: HttpRequest) -> Any:
    return Project.objects.restrict(request.user, "review")


def _deadline(request: HttpRequest, period: Period) -> Any:
    return OfficeSettings.for_division(request.user.division).report_deadline(period)


def _names(request: HttpRequest, by: str, keys: list[Any]) -> dict[Any, str]:
    """Names of the groups shown, only those the viewer may read by name."""
    model = _GROUP_MODEL[by]
    ids = nameable_ids(request.user, model, [k for k in keys if k is not None])
    found = model._default_manager.filter(pk__in=[int(i) for i in ids])
    return {obj.pk: obj.name for obj in found}  # type: ignore[attr-defined]


def number_url(period: Period, state: str = "expected", *, late: bool = False,
               by: str = "", key: Any = "") -> str:
    query: dict[str, Any] = {"period": str(period), "state": state}
    if late:
        query["late"] = "1"
    if by:
        query["by"] = by
        query["key"] = NO_GROUP if key is None else key
    return reverse("ledger:reporting-list") + "?" + urlencode(query)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    _office_only(request)
    period = _reporting_period(request)
    by = request.GET.get("by", "unit")
    if by not in reporting.GROUPINGS:
        by = "unit"
    projects = _projects(request)
    total = reporting.tally(projects, period)
    groups = Paginator(reporting.tally_by(projects, period, by), GROUP_PAGE).get_page(
        request.GET.get("page"))
    rows = [reporting.Tally(**row) for row in groups]
    names = _names(request, by, [row.key for row in rows])
    deadline = _deadline(request, period)
    history = (Dispatch.objects.restrict(request.user)
               .filter(topic=reminders.topic(period))
               .select_related("sent_by__person")[:20])
    return render(request, "ledger/board.html", {
        "period": period, "previous": period.previous(), "next": period.next(),
        "by": by, "by_label": GROUP_LABELS[by], "groupings": GROUP_LABELS,
        "total": total,
        "tiles": [(name, STATE_LABELS[name], getattr(total, name),
                   number_url(period, name), total.rate(name) if name != "expected" else None)
                  for name in ("expected", "missing", "submitted", "returned", "approved")],
        "late_url": number_url(period, "expected", late=True),
        "groups": groups,
        "rows": [(row, names.get(row.key), {
            name: number_url(period, name, by=by, key=row.key) for name in STATE_LABELS
        } | {"late": number_url(period, "expected", late=True, by=by, key=row.key)})
            for row in rows],
        "deadline": timezone.localtime(deadline - timedelta(seconds=1)),
        "deadline_passed": timezone.now() >= deadline,
        "history": history,
    })


def _list_filters(request: HttpRequest) -> tuple[str, bool, tuple[str, int | None] | None,
                                                 list[str]]:
    """The list's filters from the query, and what could not be read (ignored, said)."""
    problems = []
    state = request.GET.get("state") or "expected"
    if state not in STATE_LABELS:
        problems.append(_("status"))
        state = "expected"
    late = request.GET.get("late") == "1"
    group = None
    by = request.GET.get("by") or ""
    if by:
        raw = request.GET.get("key") or ""
        key = None if raw == NO_GROUP else parse_id(raw)
        if by not in reporting.GROUPINGS or (raw != NO_GROUP and key is None):
            problems.append(_("grouping"))
        else:
            group = (by, key)
    return state, late, group, problems


@login_required
def reporting_list(request: HttpRequest) -> HttpResponse:
    """The projects behind one number of the board (same rules, same count)."""
    _office_only(request)
    period = _reporting_period(request)
    state, late, group, problems = _list_filters(request)
    if problems:
        messages.error(request, _("These filters could not be read and were ignored: %(names)s")
                       % {"names": " / ".join(str(p) for p in problems)})
    found = (
        reporting.select(_projects(request), period, state=state, late=late, group=group)
        .select_related("owner", "responsible_unit", "division")
        .annotate(first_submitted=F("month_report__first_submitted_at"),
                  return_reason=F("month_report__return_reason"))
        .order_by("name", "pk")
    )
    page = Paginator(found, LIST_PAGE).get_page(request.GET.get("page"))
    group_name = None
    if group is not None:
        by, key = group
        group_name = (_("none") if key is None
                      else _names(request, by, [key]).get(key, _("(not in your scope)")))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ledger/reporting_list.html", {
        "period": period, "state": state, "state_label": STATE_LABELS[state], "late": late,
        "group": group, "group_label": GROUP_LABELS[group[0]] if group else None,
        "group_name": group_name, "page": page, "query": query.urlencode(),
        "board_url": reverse("ledger:reporting-board") + f"?period={period}"
                     + (f"&by={group[0]}" if group else ""),
        "state_labels": STATE_LABELS,
    })


@login_required
@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    _office_only(request)
    try:
        period = Period.parse(request.POST.get("period", ""))
    except PeriodError:
        messages.error(request, _("Choose a reporting month (YYYY-MM)."))
        return redirect("ledger:reporting-board")
    owner = request.POST.get("owner")
    owner_id = parse_id(owner) if owner else None
    if owner and owner_id is None:
        messages.error(request, _("These filters could not be read and were ignored: %(names)s")
                       % {"names": _("owner")})
        return redirect(reverse("ledger:reporting-board") + f"?period={period}")
    dispatch = reminders.send_reminders(
        request.user, period, force=request.POST.get("force") == "1",
        owner_ids=[owner_id] if owner_id is not None else None)
    if dispatch.recipients:
        messages.success(request, _(
            "Reminders sent. Owners: %(owners)d, accounts: %(users)d, e-mails: %(emails)d.")
            % {"users": dispatch.recipients, "owners": dispatch.organizations,
               "emails": dispatch.emails})
    else:
        messages.info(request, _("Nobody needed a reminder."))
    if dispatch.skipped:
        messages.info(request, _(
            "Already reminded of this month today, so skipped: %(n)d accounts. Tick “again "
            "today” to remind them once more.") % {"n": dispatch.skipped})
    by = request.POST.get("by", "")
    suffix = f"&by={by}" if by in reporting.GROUPINGS else ""
    return redirect(reverse("ledger:reporting-board") + f"?period={period}{suffix}")
