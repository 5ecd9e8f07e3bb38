"""What the procedures' pages, the warning rule and the daily tick read: due and overdue
items and nodes, a campaign's progress, land-to-start days (拿地即开工). In SQL, bounded.

Due dates count working days on the Chinese calendar (core.workdays): "near due within N
working days" is a deadline on or before the N-th working day after today, worked out once
in Python, so the queries compare plain dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from taizhang.core.workdays import add_working_days
from taizhang.ledger.models import Project
from taizhang.procedures.choices import OPEN_STATUSES, ItemStatus, StandardKind
from taizhang.procedures.models import Campaign, Node, ProcedureItem

OPEN_ITEM = Q(status__in=OPEN_STATUSES)
OPEN_NODE = Q(done_on__isnull=True)


def near_line(today: date, working_days: int) -> date:
    """The last deadline that is "near" today: the N-th working day after it."""
    return add_working_days(today, working_days)


def overdue_items(items: QuerySet[ProcedureItem], today: date) -> QuerySet[ProcedureItem]:
    return items.filter(OPEN_ITEM, deadline__lt=today)


def due_items(
    items: QuerySet[ProcedureItem], today: date, working_days: int
) -> QuerySet[ProcedureItem]:
    """Open items due from today to the N-th working day after it (not yet overdue)."""
    return items.filter(
        OPEN_ITEM, deadline__gte=today, deadline__lte=near_line(today, working_days)
    )


def overdue_nodes(nodes: QuerySet[Node], today: date) -> QuerySet[Node]:
    return nodes.filter(OPEN_NODE, planned_date__lt=today)


def due_nodes(nodes: QuerySet[Node], today: date, working_days: int) -> QuerySet[Node]:
    return nodes.filter(
        OPEN_NODE, planned_date__gte=today, planned_date__lte=near_line(today, working_days)
    )


# --- campaigns ---------------------------------------------------------------------------------


def _done_in(campaign: Campaign, prefix: str = "") -> Q:
    """A target counts as done when finished by the campaign's end."""
    return Q(**{f"{prefix}status": ItemStatus.DONE, f"{prefix}done_on__lte": campaign.end})


@dataclass(frozen=True)
class Progress:
    targets: int
    done: int

    @property
    def share(self) -> float | None:
        """For display only (a percentage bar); the counts are exact."""
        return self.done / self.targets if self.targets else None


def campaign_progress(campaign: Campaign) -> Progress:
    row = campaign.targets.aggregate(
        targets=Count("pk"), done=Count("pk", filter=_done_in(campaign))
    )
    return Progress(row["targets"], row["done"])


def progress_by(campaign: Campaign, by: str) -> list[dict[str, Any]]:
    """Targets and done grouped by ``kind`` or ``project``, one statement."""
    column = {"kind": "kind", "project": "project"}[by]
    rows = (
        campaign.targets.order_by()
        .values(column)
        .annotate(targets=Count("pk"), done=Count("pk", filter=_done_in(campaign)))
        .order_by(column)
    )
    return list(rows)


# --- land to start (拿地即开工) -----------------------------------------------------------------


def with_land_to_start(projects: QuerySet[Project]) -> QuerySet[Project]:
    """``land_on`` (the completion date of the project's "land acquired" item) and
    ``land_to_start`` (actual start − land_on, a duration; None until both are known)."""
    land = ProcedureItem.objects.filter(
        project=OuterRef("pk"), kind__code=StandardKind.LAND_ACQUIRED, status=ItemStatus.DONE
    ).values("done_on")[:1]
    return projects.annotate(land_on=Subquery(land)).annotate(
        land_to_start=ExpressionWrapper(
            F("actual_start") - F("land_on"), output_field=DurationField()
        )
    )


def average_land_to_start(projects: QuerySet[Project]) -> float | None:
    """The average days from land to start over projects that have both, or None."""
    rows = (
        with_land_to_start(projects.order_by())
        .filter(**{"land_on__isnull": False, "actual_start__isnull": False})
        .aggregate(average=Avg("land_to_start"), n=Count("pk"))
    )
    average = rows["average"]
    if average is None:
        return None
    if isinstance(average, timedelta):
        return round(average.total_seconds() / 86400, 1)
    return round(float(average) / 86_400_000_000, 1)  # microseconds on some backends
