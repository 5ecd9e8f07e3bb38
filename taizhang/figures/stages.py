"""A project's stage as of a period: the statistics of a past month use the stages of then.

From the stage history (``StageChange``), in SQL, per project:

1. the last change effective on or before the period's last day (latest effective date,
   then the latest recorded) → its ``to_stage``;
2. else, when every recorded change is later, the stage before the first of them
   (its ``from_stage``);
3. else — no history at all (a project created in its stage, e.g. by an import with no
   move) — the current stage: nothing says it was ever different.

So the March 2022 figures printed today are the ones printed in April 2022, whatever stage
the projects moved to since (a project cancelled in November still counts in March).
"""

from __future__ import annotations

from django.db.models import CharField, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from taizhang.core.periods import Period
from taizhang.ledger.models import Project, StageChange

#: The annotation name of the stage as of the period.
PERIOD_STAGE = "period_stage"


def stage_as_of(period: Period, outer: str = "pk") -> Coalesce:
    """The outer project's stage at the end of ``period`` (module docstring)."""
    changes = StageChange.objects.filter(project=OuterRef(outer)).order_by()
    last = changes.filter(effective_date__lte=period.last_day).order_by(
        "-effective_date", "-changed_at", "-id").values("to_stage")[:1]
    before_first = changes.order_by("effective_date", "changed_at", "id").values(
        before=NullIf("from_stage", Value("")))[:1]
    return Coalesce(Subquery(last), Subquery(before_first), F("stage"),
                    output_field=CharField())


def with_period_stage(projects: QuerySet[Project], period: Period) -> QuerySet[Project]:
    """``projects`` with their stage as of ``period`` as ``period_stage`` (for conditions
    and ``values``; aliased again here, so calling it twice is harmless)."""
    return projects.alias(**{PERIOD_STAGE: stage_as_of(period)})
