"""有人管、有方案、有时限: which projects lack a person in charge, a plan or a deadline.

The one definition; the responsibility page, the list's filter (`ProjectFilter.lacking`) and
`taizhang stats --json` (`responsibility`) call it.

- a person: the project has no leader in charge (包联领导) or no responsible unit (责任单位);
- a plan: no annual plan of the year and no node plan (节点计划, the procedures' nodes);
- a deadline: no planned completion date and no node with a planned date.

Only projects being managed are checked: completed (竣工投产) and cancelled (终止) ones are
not; given a period, by their stage as of its end (`stages.with_period_stage`), so a past
period's statistics do not move when a project is completed or cancelled later.

Node plans belong to the procedures app, which hangs them off the project
(``Project.procedure_nodes``); the rule reads them through that relation, without importing
the app above this layer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from taizhang.core.periods import Period
from taizhang.figures.stages import PERIOD_STAGE, with_period_stage
from taizhang.ledger.choices import Stage
from taizhang.ledger.models import AnnualPlan, Project

LACKS = ("person", "plan", "deadline")
_NOT_MANAGED = (Stage.COMPLETED, Stage.CANCELLED)


def _nodes() -> Any:
    return Project._meta.get_field("procedure_nodes").related_model.objects.filter(  # type: ignore[union-attr]
        project=OuterRef("pk")
    )


def managed(projects: QuerySet[Project], period: Period | None = None) -> QuerySet[Project]:
    if period is None:
        return projects.exclude(stage__in=_NOT_MANAGED)
    return with_period_stage(projects, period).exclude(**{f"{PERIOD_STAGE}__in": _NOT_MANAGED})


def with_lacks(projects: QuerySet[Project], year: int,
               period: Period | None = None) -> QuerySet[Project]:
    """Managed projects (now, or as of `period`) annotated ``lacks_person``, ``lacks_plan``,
    ``lacks_deadline``."""
    has_plan = Exists(AnnualPlan.objects.filter(project=OuterRef("pk"), year=year))
    has_node = Exists(_nodes())
    return managed(projects, period).annotate(
        lacks_person=Q(leader__isnull=True) | Q(responsible_unit__isnull=True),
        lacks_plan=~has_plan & ~has_node,
        lacks_deadline=Q(planned_completion__isnull=True) & ~has_node,
    )


def lacking_q(what: str) -> Q:
    """Over `with_lacks` rows: those lacking `what` (one of LACKS, or "any")."""
    if what == "any":
        return Q(lacks_person=True) | Q(lacks_plan=True) | Q(lacks_deadline=True)
    if what not in LACKS:
        raise ValueError(f"unknown lack {what!r}")
    return Q(**{f"lacks_{what}": True})


def lacking(projects: QuerySet[Project], year: int, what: str = "any") -> QuerySet[Project]:
    return with_lacks(projects, year).filter(lacking_q(what))


def counts(projects: QuerySet[Project], year: int,
           period: Period | None = None) -> dict[str, int]:
    """``{lacking_person, lacking_plan, lacking_deadline, any}`` in one statement."""
    rows = with_lacks(projects.order_by(), year, period).aggregate(
        **{f"lacking_{what}": Count("pk", filter=lacking_q(what)) for what in LACKS},
        any=Count("pk", filter=lacking_q("any")),
    )
    return {key: int(value or 0) for key, value in rows.items()}
