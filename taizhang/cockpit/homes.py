"""What each role's home page shows: counts and short lists, each in the user's scope.

Reporting counts come from the chasing board's rules (`figures/reporting.py`), so a home and
the board (催报) never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import timezone

from taizhang.accounts.models import OfficeSettings
from taizhang.core.audit.models import AuditEvent
from taizhang.core.periods import Period
from taizhang.core.registry import registry
from taizhang.figures import reporting
from taizhang.figures.series import filed_for
from taizhang.ledger import lamps
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.filters import ProjectFilter
from taizhang.ledger.models import MonthlyReport, Project

#: Rows a home page lists before it links to the full list.
SHOWN = 10


@dataclass(frozen=True)
class ReportingCounts:
    """The reporting month's numbers of the board (figures/reporting.py: expected, missing,
    submitted, returned, approved, late) and the month they are of."""

    period: Period
    expected: int
    missing: int
    submitted: int
    returned: int
    approved: int
    late: int


def reporting_counts(projects: Any, period: Period) -> ReportingCounts:
    """The chasing board's counts over ``projects`` (one statement): the homes show the
    same numbers as the board (催报), by the same rules."""
    found = reporting.tally(projects, period)
    return ReportingCounts(period, found.expected, found.missing, found.submitted,
                           found.returned, found.approved, found.late)


def _month_start() -> datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today.replace(day=1), time.min))


def _list_url(period: Period, **query: Any) -> str:
    query = {"period": str(period), **query}
    return f"{reverse('ledger:project-list')}?{urlencode(query, doseq=True)}"


def _lamps(user: Any, projects: Any, period: Period, **query: Any) -> dict[str, Any]:
    """The lamps of ``period`` over ``projects`` as the list counts them (cancelled projects
    leave it): the counts by colour, the red and yellow ones with their reasons, and the
    list links that total each number (``query``: the list's filter for ``projects``)."""
    counted = ProjectFilter().apply(projects, period.year, period=period)
    tally = lamps.counts(counted, period, user)
    return {
        "lamp_period": period,
        "lamp_counts": [{"color": color, "label": label, "projects": tally[color],
                         "url": _list_url(period, lamp=color, **query)}
                        for color, label in lamps.color_choices()],
        "warned": lamps.warned(counted, period, SHOWN, user),
        "warned_count": sum(tally[color] for color in lamps.WARNED),
        "warned_url": _list_url(period, lamp=list(lamps.WARNED), **query),
    }


def office_home(user: Any) -> dict[str, Any]:
    """Reports waiting for review, missing and returned in the reporting month, and what
    changed in the ledger this (calendar) month."""
    office = OfficeSettings.for_division(user.division)
    period = office.current_reporting_period()
    visible = Project.objects.restrict(user, "view")
    counts = reporting_counts(visible, period)
    waiting = MonthlyReport.objects.restrict(user, "review").filter(
        status=ReportStatus.SUBMITTED).count()
    returned = list(
        MonthlyReport.objects.restrict(user, "view")
        .filter(filed_for(period), status=ReportStatus.RETURNED)
        .select_related("project").order_by("project__name")[:SHOWN])
    changes = (AuditEvent.objects.restrict(user, "view")
               .filter(at__gte=_month_start(), object_type__startswith="ledger.")
               .order_by().values_list("action").annotate(n=Count("pk")))
    return {
        **_lamps(user, visible, lamps.shown_period(office, user)),
        "period": period, "counts": counts, "waiting": waiting, "returned": returned,
        "changes": sorted(((registry.event_label(action), n) for action, n in changes),
                          key=lambda row: -row[1]),
        "month_start": _month_start(),
        "review_url": reverse("ledger:review-queue"),
        "reports_url": f"{reverse('ledger:my-reports')}?period={period}",
    }


def owner_home(user: Any) -> dict[str, Any]:
    """My projects, and this month's report of each: status and the office's return reason."""
    office = OfficeSettings.for_division(user.division)
    period = office.current_reporting_period()
    mine = Project.objects.restrict(user, "report")
    projects = list(
        mine.prefetch_related(Prefetch(
            "reports", queryset=MonthlyReport.objects.filter(filed_for(period)),
            to_attr="this_month"))
        .order_by("name")[:SHOWN * 5])
    rows = [(p, p.this_month[0] if p.this_month else None) for p in projects]
    return {
        **_lamps(user, Project.objects.restrict(user, "view"), lamps.shown_period(office, user)),
        "period": period, "rows": rows, "counts": reporting_counts(mine, period),
        "more": mine.count() > len(rows),
        # The report deadline day arrives with the office's settings page (issue 10 §1).
        "due_date": office.report_due_date(period),
    }


def unit_home(user: Any) -> dict[str, Any]:
    """The projects my unit is responsible for, and what is asked of it this month: the
    reports still missing or returned."""
    office = OfficeSettings.for_division(user.division)
    period = office.current_reporting_period()
    mine = Project.objects.restrict(user, "view")
    if user.organization_id:
        mine = mine.filter(responsible_unit=user.organization_id)
    else:
        mine = mine.none()
    counts = reporting_counts(mine, period)
    asked = list(
        MonthlyReport.objects.filter(filed_for(period), status=ReportStatus.RETURNED,
                                     project__in=mine.values("pk"))
        .select_related("project").order_by("project__name")[:SHOWN])
    lit = (_lamps(user, mine, lamps.shown_period(office, user), unit=user.organization_id)
           if user.organization_id else {})
    return {
        **lit,
        "period": period, "counts": counts, "returned": asked,
        "projects": list(mine.select_related("owner").order_by("name")[:SHOWN]),
        "list_url": (f"{reverse('ledger:project-list')}?unit={user.organization_id}"
                     if user.organization_id else reverse("ledger:project-list")),
    }


def leader_lamps(user: Any, period: Period) -> dict[str, Any]:
    """A leader's home (the cockpit) lists the red and yellow projects in their charge
    (包联), at the cockpit's period."""
    if not user.person_id:
        return {}
    mine = Project.objects.restrict(user, "view").filter(leader=user.person_id)
    return _lamps(user, mine, period, leader=user.person_id)


def bank_home(user: Any) -> dict[str, Any]:
    """What a bank can do here today: read the projects shared with it (financing comes with
    a later issue)."""
    return {"shared": Project.objects.restrict(user, "view").count()}
