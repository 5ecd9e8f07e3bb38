"""What the statistics can be grouped by: an expression on a project and the groups' names.

Every project is in exactly one group of each grouping (the missing value — no responsible
unit, no leader — is a group of its own, key None), so the groups add up to the total.
Except ``key_list``: a project is in one group per approved membership of the period's year
(several lists: several groups; none: the None group), so each list's group equals the
statistics of that list's filter, and the groups overlap rather than add up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import F, FilteredRelation, Q, QuerySet

from taizhang.accounts.models import Division, Organization, Person
from taizhang.core.periods import Period
from taizhang.figures.stages import stage_as_of
from taizhang.ledger.choices import Industry, MembershipStatus, Nature, Stage
from taizhang.ledger.models import KeyList, Project

ON_LIST = "figures_on_list"
#: The groupings whose groups may overlap (their sum is not the total).
OVERLAPPING = frozenset({"key_list"})


def _names_of(model: Any) -> Callable[[Iterable[Any]], dict[Any, str]]:
    def names(keys: Iterable[Any]) -> dict[Any, str]:
        return {o.pk: str(o.name) for o in model.objects.filter(pk__in=[k for k in keys if k])}
    return names


def _choices(choices: Any) -> Callable[[Iterable[Any]], dict[Any, str]]:
    return lambda keys: {k: str(choices(k).label) for k in keys if k in choices.values}


def _list_codes(keys: Iterable[Any]) -> dict[Any, str]:
    return {k.pk: k.code for k in KeyList.objects.filter(pk__in=[k for k in keys if k])}


def _key_lists(projects: QuerySet[Project], period: Period) -> tuple[QuerySet[Project], Any]:
    relation = FilteredRelation("memberships", condition=Q(
        # The year's lists, read first (a handful): a FilteredRelation takes no subquery.
        memberships__key_list__in=list(
            KeyList.objects.filter(year=period.year).values_list("pk", flat=True)),
        memberships__status=MembershipStatus.APPROVED))
    return projects.alias(**{ON_LIST: relation}), F(f"{ON_LIST}__key_list")


def _column(name: str) -> Callable[[QuerySet[Project], Period], tuple[QuerySet[Project], Any]]:
    return lambda projects, period: (projects, F(name))


#: name → (projects, period → (projects, group expression), group keys → names)
GROUPINGS: dict[str, tuple[Callable[[QuerySet[Project], Period], tuple[QuerySet[Project], Any]],
                           Callable[[Iterable[Any]], dict[Any, str]]]] = {
    "unit": (_column("responsible_unit"), _names_of(Organization)),
    "township": (_column("division"), _names_of(Division)),
    "leader": (_column("leader"), _names_of(Person)),
    "key_list": (_key_lists, _list_codes),
    "industry": (_column("industry"), _choices(Industry)),
    "nature": (_column("nature"), _choices(Nature)),
    "stage": (lambda projects, period: (projects, stage_as_of(period)), _choices(Stage)),
}
