"""Dispatch's counts, in one place: meetings by kind and problems raised, resolved, open and
overdue, year to date up to a period's end, and the problems solved by category and unit.
Each is one aggregate statement whatever the number of rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from taizhang.core.periods import Period
from taizhang.dispatch.choices import MeetingKind, ProblemStatus
from taizhang.dispatch.models import Meeting, Problem


def meetings_by_kind(period: Period, meetings: QuerySet[Meeting] | None = None
                     ) -> dict[str, int]:
    """Meetings held from January to the period's end, per kind (every kind present)."""
    meetings = Meeting.objects.all() if meetings is None else meetings
    rows = (meetings.filter(date__gte=period.year_start, date__lte=period.last_day)
            .values("kind").annotate(n=Count("id")))
    found = {row["kind"]: row["n"] for row in rows}
    return {kind: found.get(kind, 0) for kind in MeetingKind.values}


def problem_counts(period: Period, problems: QuerySet[Problem] | None = None) -> dict[str, int]:
    """Year to date at the period's end: raised, resolved (confirmed by then), still open at
    the end and, of those, overdue (past the deadline)."""
    problems = Problem.objects.all() if problems is None else problems
    end = period.last_day
    resolved_by_end = Q(status=ProblemStatus.RESOLVED, resolved_on__lte=end)
    return problems.filter(raised_on__lte=end).aggregate(
        raised=Count("id", filter=Q(raised_on__gte=period.year_start)),
        resolved=Count("id", filter=resolved_by_end & Q(resolved_on__gte=period.year_start)),
        open=Count("id", filter=~resolved_by_end),
        overdue=Count("id", filter=~resolved_by_end & Q(deadline__lt=end)),
    )


def solved_by(period: Period, key: str, problems: QuerySet[Problem] | None = None
              ) -> list[dict[str, Any]]:
    """Problems coordinated and solved year to date, per `category` or `responsible_unit`."""
    problems = Problem.objects.all() if problems is None else problems
    group = {"category": "category", "unit": "responsible_unit__name"}[key]
    return list(problems.filter(status=ProblemStatus.RESOLVED,
                                resolved_on__gte=period.year_start,
                                resolved_on__lte=period.last_day)
                .values(group).annotate(solved=Count("id")).order_by("-solved", group))


def overdue(today: date, problems: QuerySet[Problem] | None = None) -> QuerySet[Problem]:
    problems = Problem.objects.all() if problems is None else problems
    from taizhang.dispatch.choices import UNRESOLVED
    return problems.filter(status__in=UNRESOLVED, deadline__lt=today)


def stats_section(period: Period) -> dict[str, Any]:
    return {"meetings": meetings_by_kind(period), "problems": problem_counts(period)}
