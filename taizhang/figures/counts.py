"""How many projects of each group meet a condition as of a period (the assessment's counts).

``count_by(projects, period, by, conditions)``: one grouped statement, one COUNT per named
condition, over the projects counted at the period (cancelled ones leave, as in
``stats.service.compute``), grouped as figures/groups.py groups them. The conditions are
built here, from the rules the statistics use (the batches of ``stats.service``), so a new
start counted by the assessment is one the bulletin counts:

- ``started(period)``: a new start of the year, through the period (开工一批);
- ``completed(period)``: completed this year, through the period (投产一批);
- ``planned_total_at_least(amount)`` / ``below(amount)``: the planned total's size bands;
- ``on_lists(period, codes)``: an approved member of one of the year's lists named by code
  (``province``, ``prefecture``, ``province-prestage``…);
- ``start_overdue(period)``: planned to start this year by the end of the period and not
  started by then (开工滞后).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from taizhang.core.periods import Period
from taizhang.figures.groups import GROUPINGS, OVERLAPPING
from taizhang.figures.per_project import counted
from taizhang.ledger.choices import Batch, MembershipStatus
from taizhang.ledger.models import KeyListMembership, Project
from taizhang.ledger.models.keylists import parse_list_code


def started(period: Period) -> Q:
    from taizhang.stats.service import batch_conditions  # the statistics' own rule

    return batch_conditions(period)[Batch.STARTING]


def completed(period: Period) -> Q:
    from taizhang.stats.service import batch_conditions

    return batch_conditions(period)[Batch.PRODUCING]


def planned_total_at_least(amount: Decimal) -> Q:
    return Q(planned_total__gte=amount)


def planned_total_below(amount: Decimal) -> Q:
    return Q(planned_total__lt=amount)


def on_lists(period: Period, codes: Iterable[str]) -> Q:
    """Approved on one of the year's lists named by ``codes`` (unknown codes match none)."""
    wanted = Q(pk__in=[])
    for code in codes:
        try:
            level, kind = parse_list_code(code)
        except ValueError:
            continue
        wanted |= Q(key_list__level=level, key_list__kind=kind)
    members = KeyListMembership.objects.filter(
        wanted, key_list__year=period.year, status=MembershipStatus.APPROVED).values("project_id")
    return Q(pk__in=members)


def not_started_when_due(period: Period) -> Q:
    """Due to start by the end of ``period`` (planned start) and not started by then, whatever
    the year it was due: the start-delay lamp's condition."""
    return (Q(planned_start__lte=period.last_day)
            & (Q(actual_start__isnull=True) | Q(actual_start__gt=period.last_day)))


def start_overdue(period: Period) -> Q:
    """Due to start this year by the end of ``period`` and not started by then: the year's
    late starts the assessment deducts for."""
    return Q(planned_start__gte=period.year_start) & not_started_when_due(period)


def count_by(projects: QuerySet[Project], period: Period, by: str,
             conditions: Mapping[str, Q]) -> dict[Any, dict[str, int]]:
    """Per group of ``by`` (figures/groups.py; not an overlapping grouping), how many of the
    projects counted at ``period`` meet each condition: one statement."""
    if by in OVERLAPPING:
        raise ValueError(f"{by}: the groups overlap")
    grouping, _names = GROUPINGS[by]
    grouped, group = grouping(counted(projects, period).order_by(), period)
    rows = (grouped.values(group_key=group)
            .annotate(projects=Count("pk"),
                      **{name: Count("pk", filter=q) for name, q in conditions.items()}))
    return {row.pop("group_key"): row for row in rows}
