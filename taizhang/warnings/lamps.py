"""Reading lamps beside projects: what the list, the project page, homes and exports call.

``with_lamp`` annotates a project queryset with its stored lamp of a period as correlated
subqueries on the (project, year, month) unique index: one statement for any number of rows,
no query per row. A project whose period was not evaluated has no lamp (None, sorted last).
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from taizhang.core.periods import Period
from taizhang.ledger.models import Project
from taizhang.warnings.choices import RANK
from taizhang.warnings.models import Lamp

#: Annotation names.
LAMP_COLOR = "lamp_color"
LAMP_RANK = "lamp_rank"


def _lamps_of_period(period: Period, published_only: bool) -> QuerySet[Lamp]:
    lamps = Lamp.objects.filter(year=period.year, month=period.month)
    if published_only:
        lamps = lamps.filter(evaluation__published_at__isnull=False)
    return lamps


def with_lamp(projects: QuerySet[Project], period: Period, *,
              published_only: bool = False) -> QuerySet[Project]:
    """`projects` with ``lamp_color`` ("green"/"yellow"/"red", None when not evaluated) and
    ``lamp_rank`` (0 green, 1 yellow, 2 red, None; sort with ``nulls_last``) for `period`.

    ``published_only``: only lamps of published evaluations (what a reader outside the office
    sees: `Lamp.scope_q`); the office sees its drafts too.
    """
    own = _lamps_of_period(period, published_only).filter(project=OuterRef("pk")).order_by()
    rank = Case(*(When(color=color, then=Value(value)) for color, value in RANK.items()),
                output_field=IntegerField())
    return projects.annotate(
        **{LAMP_COLOR: Subquery(own.values("color")[:1]),
           LAMP_RANK: Subquery(own.annotate(r=rank).values("r")[:1],
                               output_field=IntegerField())})


def lamps_for(projects: QuerySet[Project], period: Period, *,
              published_only: bool = False) -> QuerySet[Lamp]:
    """The stored lamps of `projects` for `period`."""
    return _lamps_of_period(period, published_only).filter(project__in=projects.values("pk"))
