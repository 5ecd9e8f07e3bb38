"""Ledger reads that are not figures (the figures' rules: taizhang/figures)."""

from __future__ import annotations

from django.db.models import QuerySet

from taizhang.core.periods import Period
from taizhang.ledger.choices import ReportStatus
from taizhang.ledger.models import MonthlyReport, Project


def latest_reported_period(projects: QuerySet[Project]) -> Period | None:
    """The newest month with an approved report among `projects` (the default period)."""
    latest = (
        MonthlyReport.objects.filter(project__in=projects.values("pk"),
                                     status=ReportStatus.APPROVED)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    return Period.of(latest) if latest else None


# Programme → project → sub-project: deeper trees are not part of the ledger's model.
MAX_DEPTH = 3


def descendant_ids(project: Project) -> list[int]:
    """Ids of every project below `project` (one query per level, at most MAX_DEPTH)."""
    found: list[int] = []
    level = [project.pk]
    for _depth in range(MAX_DEPTH):
        level = list(Project.objects.filter(parent__in=level).values_list("pk", flat=True))
        level = [pk for pk in level if pk not in found and pk != project.pk]
        if not level:
            break
        found.extend(level)
    return found
